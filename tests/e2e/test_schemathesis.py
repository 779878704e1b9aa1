"""Property-based fuzzing of every endpoint, driven by the API's own OpenAPI schema."""

import subprocess
import sys
from pathlib import Path

from harness import chain

PASSWORD = "fuzz-long-passphrase-8810"


def test_no_server_error_and_no_response_outside_the_schema(database_url: str, workdir: Path) -> None:
    api = chain.start_api(database_url, workdir / "fuzz", SECURE_SSL_REDIRECT="false")
    try:
        body = {"email": "fuzz@example.com", "password": PASSWORD}
        chain.request("POST", api.port, "/api/v1/auth/register/", host="127.0.0.1", body=body)
        token = chain.request("POST", api.port, "/api/v1/auth/token/", host="127.0.0.1", body=body).json()["access"]
        schema = chain.request("GET", api.port, "/api/schema/", host="127.0.0.1",
                               headers={"Accept": "application/vnd.oai.openapi+json"}).json()  # fmt: skip
        operations = sum(len(methods) for methods in schema["paths"].values())
        result = subprocess.run(
            [
                str(Path(sys.executable).parent / "schemathesis"), "run", f"http://127.0.0.1:{api.port}/api/schema/",
                "--header", f"Authorization: Bearer {token}",
                "--checks", "all",
                # Request-strictness checks, not response faults: DRF coerces 0 to false by design,
                # django-filter ignores an empty filter value, and a schema-valid password can still
                # be too weak or wrong (a business rule no schema states).
                "--exclude-checks", "negative_data_rejection,positive_data_acceptance",
                "--phases", "examples,coverage,fuzzing",
                "--max-time", "45",
                "--seed", "20261125",
            ],
            capture_output=True, text=True, timeout=300,
            cwd=workdir,  # schemathesis keeps a cache in .schemathesis/ of its working directory
        )  # fmt: skip
    finally:
        api.stop()
    assert result.returncode == 0, result.stdout[-15000:]
    assert f"Tested: {operations}" in result.stdout  # every operation of the schema was exercised
    assert "✅ Fuzzing" in result.stdout
