"""Dockerfile, docker-compose.yml and .gitlab-ci.yml pass the API only variables it reads."""

import re

from tests.project_files import ROOT, compose, compose_interpolations, documented_variables, pipeline, variables_read


def test_compose_passes_the_web_service_only_settings_the_api_reads() -> None:
    web = compose()["services"]["web"]
    assert set(web["environment"]) - variables_read() == set()
    assert web["env_file"][0]["path"] == ".env"


def test_compose_interpolates_only_documented_variables() -> None:
    assert compose_interpolations() - documented_variables() == set()


def test_compose_holds_no_secret_value() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    for key in ("SECRET_KEY", "JWT_SIGNING_KEY"):
        assert key not in text
    assert re.search(r"POSTGRES_PASSWORD: \$\{POSTGRES_PASSWORD:\?", text)


def test_pipeline_passes_only_settings_the_api_reads() -> None:
    app_variables = set(pipeline()[".app-settings-test"]["variables"])
    assert app_variables
    assert app_variables - variables_read() == set()


def test_deploy_check_sets_only_the_required_settings() -> None:
    makefile = (ROOT / "Makefile").read_text()
    block = makefile.split("PRODUCTION_LIKE :=", 1)[1].split("\n\n", 1)[0]
    names = set(re.findall(r"([A-Z][A-Z0-9_]+)=", block))
    assert names == {"DEBUG", "ALLOWED_HOSTS", "DATABASE_URL"}  # the two keys are generated in the recipe


def test_pipeline_runs_on_merge_requests_develop_and_master_only() -> None:
    rules = [rule["if"] for rule in pipeline()["workflow"]["rules"]]
    assert rules == [
        '$CI_PIPELINE_SOURCE == "merge_request_event"',
        '$CI_COMMIT_BRANCH == "develop" || $CI_COMMIT_BRANCH == "master"',
    ]


def test_pipeline_stages_and_gates() -> None:
    ci = pipeline()
    assert ci["stages"] == ["lint", "test", "build", "release", "deploy"]
    assert all("only" not in job for job in ci.values() if isinstance(job, dict))
    assert "master" in ci["deploy"]["rules"][0]["if"]
    assert "develop" not in ci["deploy"]["rules"][0]["if"]
    assert "develop" in ci["build"]["rules"][0]["if"]


def test_dockerfile_sets_only_settings_the_api_reads() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    env_block = re.findall(r"^\s*([A-Z][A-Z0-9_]+)=", dockerfile, re.MULTILINE)
    python_runtime = {
        "PYTHONDONTWRITEBYTECODE",
        "PYTHONUNBUFFERED",
        "PATH",
        "PIP_DISABLE_PIP_VERSION_CHECK",
        "PIP_NO_CACHE_DIR",
    }
    assert set(env_block) - python_runtime - variables_read() == set()


def test_dockerfile_runs_from_the_lock_as_a_non_root_user() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    minor = (ROOT / ".python-version").read_text().strip()
    assert re.findall(r"^FROM python:(\d+\.\d+)\.\d+-slim", dockerfile, re.MULTILINE) == [minor, minor]
    assert "--require-hashes" in dockerfile
    assert "pip-compile" not in dockerfile
    assert re.search(r"^USER 10001", dockerfile, re.MULTILINE)
    assert 'ENTRYPOINT ["./start.sh"]' in dockerfile
    assert "EXPOSE 8001" in dockerfile
    assert "/healthz" in dockerfile.split("HEALTHCHECK", 1)[1]


def test_dockerignore_keeps_local_state_out_of_the_image() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".git", ".venv", "tests", "**/__pycache__"} <= set(ignored)
