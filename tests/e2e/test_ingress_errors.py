"""k8s/errors-configmap.yaml served by a real nginx, as ingress-nginx's default backend asks it."""

import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest

from harness import chain
from tests.project_files import k8s_documents


@pytest.fixture(scope="module")
def errors_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    workdir = tmp_path_factory.mktemp("ingress-errors")
    port = chain.free_port()
    site = k8s_documents()["errors-configmap.yaml"]["data"]["errors.conf"]
    assert "listen 8080;" in site
    (workdir / "errors.conf").write_text(site.replace("listen 8080;", f"listen 127.0.0.1:{port};"))
    user = "user root root;" if os.geteuid() == 0 else ""
    (workdir / "nginx.conf").write_text(
        f"{user}\npid {workdir}/nginx.pid;\nerror_log {workdir}/error.log warn;\nevents {{}}\n"
        f"http {{ client_body_temp_path {workdir}/body; include {workdir}/errors.conf; }}\n"
    )
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    log_path = workdir / "stdout.log"
    with log_path.open("wb") as log:
        popen = subprocess.Popen(
            [binary, "-c", str(workdir / "nginx.conf"), "-g", "daemon off;"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    nginx = chain.Process(popen=popen, log_path=log_path)
    try:
        assert chain.wait_for_port(port, 10), (workdir / "error.log").read_text()
        yield port
    finally:
        nginx.stop()


def test_a_body_over_the_limit_answers_413_in_the_api_shape(errors_port: int) -> None:
    response = chain.get(errors_port, "/api/v1/notes/", headers={"X-Code": "413", "X-Request-ID": "ingress-1"})
    assert response.status == 413
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {
        "status": 413,
        "code": "request_too_large",
        "detail": "The request body is too large.",
        "request_id": "ingress-1",
    }


@pytest.mark.parametrize("code", ["502", "503", "504", ""])
def test_an_unavailable_api_answers_503_in_the_api_shape(errors_port: int, code: str) -> None:
    # No X-Code at all: the Service had no ready endpoint and the default backend got the request.
    headers = {"X-Request-ID": "ingress-2"} | ({"X-Code": code} if code else {})
    response = chain.get(errors_port, "/api/v1/notes/", headers=headers)
    assert response.status == 503
    assert response.json()["code"] == "service_unavailable"
    assert response.json()["request_id"] == "ingress-2"
