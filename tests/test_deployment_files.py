"""Dockerfile, docker-compose.yml and .gitlab-ci.yml pass the API only variables it reads."""

import importlib.metadata
import inspect
import re

import pytest_cov.plugin
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.compose.test_compose import README_COMMANDS
from tests.project_files import (
    ROOT,
    compose,
    compose_interpolations,
    compose_override,
    documented_variables,
    pipeline,
    variables_read,
)

README = (ROOT / "README.md").read_text()
# The Pythons the README promises: 3.11.0 and later (redis-py needs async-timeout below 3.11.3).
PROMISED_PYTHONS = ("3.11.0", "3.11.2", "3.11.3", "3.12.0", "3.13.0")


def test_compose_passes_the_web_service_only_settings_the_api_reads() -> None:
    web, local = compose()["services"]["web"], compose_override()["services"]["web"]
    assert (set(web["environment"]) | set(local["environment"])) - variables_read() == set()
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


def test_pipeline_runs_on_merge_requests_main_develop_master_and_schedules_only() -> None:
    rules = [rule["if"] for rule in pipeline()["workflow"]["rules"]]
    assert rules == [
        '$CI_PIPELINE_SOURCE == "merge_request_event"',
        '$CI_COMMIT_BRANCH == "main" || $CI_COMMIT_BRANCH == "develop" || $CI_COMMIT_BRANCH == "master"',
        '$CI_PIPELINE_SOURCE == "schedule"',
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
    # The lock is the whole environment: nothing a dependency asks for loosely is resolved anew,
    # and pip check proves the lock complete (an unpinned release once broke every install).
    assert "--no-deps --require-hashes -r /tmp/production.txt" in dockerfile
    assert "/opt/venv/bin/pip check" in dockerfile
    assert "pip-compile" not in dockerfile
    assert re.search(r"^USER 10001", dockerfile, re.MULTILINE)
    assert 'ENTRYPOINT ["./start.sh"]' in dockerfile
    assert "EXPOSE 8001" in dockerfile
    assert "/healthz" in dockerfile.split("HEALTHCHECK", 1)[1]


def test_dockerignore_keeps_local_state_out_of_the_image() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".git", ".venv", "tests", "**/__pycache__"} <= set(ignored)


def test_compose_publishes_web_on_loopback_only() -> None:
    ports = compose()["services"]["web"]["ports"]
    assert ports
    assert all(port.startswith("127.0.0.1:") for port in ports)


def test_compose_publishes_no_port_of_the_worker_its_metrics_included() -> None:
    for config in (compose(), compose_override()):
        assert "ports" not in config["services"]["worker"]


def test_compose_takes_the_database_and_redis_from_env_before_the_bundled_ones() -> None:
    environment = compose()["services"]["web"]["environment"]
    assert environment["DATABASE_URL"].startswith("${DATABASE_URL:-postgres://")
    assert environment["REDIS_URL"].startswith("${REDIS_URL:-redis://redis:")


def test_compose_bundled_database_and_redis_are_optional() -> None:
    services = compose()["services"]
    assert services["db"]["profiles"] == services["redis"]["profiles"] == ["bundled"]
    assert all(dependency["required"] is False for dependency in services["web"]["depends_on"].values())
    assert "COMPOSE_PROFILES=bundled" in (ROOT / ".env.example").read_text().splitlines()


def test_compose_services_all_have_a_healthcheck() -> None:
    assert [name for name, service in compose()["services"].items() if "healthcheck" not in service] == []


def test_compose_local_override_builds_mounts_the_code_and_reloads() -> None:
    web = compose_override()["services"]["web"]
    assert web["build"] == "."
    assert web["environment"]["GUNICORN_RELOAD"] == "true"
    assert {"./apps:/app/apps:ro", "./config:/app/config:ro"} <= set(web["volumes"])


def test_readme_docker_section_shows_every_command_the_compose_test_runs() -> None:
    docker = README.split("## Docker", 1)[1].split("\n## ", 1)[0]
    assert [command for command in README_COMMANDS if command not in docker] == []


def test_readme_admin_commands_exec_into_the_running_web_container() -> None:
    # `docker compose run web python ...` hands the command to start.sh, which passes it to gunicorn.
    assert "docker compose run" not in README
    assert "docker compose exec web python manage.py createsuperuser" in README


def test_coverage_regex_matches_what_make_test_prints() -> None:
    template = re.search(r"'(\{fail\}Required test coverage[^']*)'", inspect.getsource(pytest_cov.plugin))
    assert template
    printed = template.group(1).format(fail="", required=95, reached="reached", actual=97.4242)
    match = re.search(pipeline()["test"]["coverage"].strip("/"), printed)
    assert match
    assert match.group(1) == "97.42"


def test_audit_is_required_only_on_the_scheduled_pipeline() -> None:
    rules = pipeline()["audit"]["rules"]
    required = [rule["if"] for rule in rules if not rule.get("allow_failure")]
    assert required == ['$CI_PIPELINE_SOURCE == "schedule"']
    assert {"merge_request_event", "develop", "master"} <= set(re.findall(r'"(\w+)"', rules[1]["if"]))


def test_no_multi_line_variable_is_documented_as_masked() -> None:
    header = (ROOT / ".gitlab-ci.yml").read_text().split("workflow:", 1)[0]
    (key_line,) = [line for line in header.splitlines() if "SSH_PRIVATE_KEY" in line]
    assert "masked" not in key_line
    assert "masked" not in README.split("## GitLab pipeline", 1)[1].split("\n## ", 1)[0]


def test_deploy_runs_the_production_compose_file_as_the_compose_test_does() -> None:
    script = " ".join(pipeline()["deploy"]["script"])
    assert "docker-compose.yml" in script
    assert "override" not in script
    assert "DATABASE_URL" not in script
    (command,) = [c for c in README_COMMANDS if "--no-build" in c]
    assert command.replace("--wait", "--wait --remove-orphans") in script


def test_image_build_uses_the_dockerfile_the_compose_test_builds() -> None:
    (build,) = [line for line in pipeline()["build"]["script"] if line.startswith("docker build")]
    assert build.endswith(" .")
    assert " -f " not in build
    assert "--file" not in build


def test_pipeline_installs_both_locks_on_debian_12_python() -> None:
    job = pipeline()["locks-debian-python"]
    assert job["image"].startswith("debian:12")
    script = "\n".join(job["script"])
    for lock in ("production", "development"):
        assert f"--no-deps --require-hashes -r requirements/{lock}.txt && /tmp/{lock}/bin/pip check" in script


def _lock(name: str) -> dict[str, Marker | None]:
    """Each package pinned in a lock, with the marker it is pinned under."""
    pinned = re.findall(r"^([A-Za-z0-9._-]+)==[^ ;\\]+(?: ; ([^\\]+?))? \\$", (ROOT / name).read_text(), re.MULTILINE)
    return {canonicalize_name(package): Marker(marker) if marker else None for package, marker in pinned}


def test_production_lock_holds_every_dependency_on_each_promised_python() -> None:
    lock = _lock("requirements/production.txt")
    missing = set()
    for python in PROMISED_PYTHONS:
        environment = {"python_full_version": python, "python_version": python.rsplit(".", 1)[0], "extra": ""}
        installed = {name for name, marker in lock.items() if marker is None or marker.evaluate(environment)}
        for package in installed:
            for line in importlib.metadata.requires(package) or []:
                requirement = Requirement(line)
                needed = requirement.marker is None or requirement.marker.evaluate(environment)
                if needed and canonicalize_name(requirement.name) not in installed:
                    missing.add(f"{requirement.name} (for {package} on Python {python})")
    assert sorted(missing) == []


def test_dockerfile_names_no_syntax_frontend() -> None:
    # BuildKit would fetch the frontend image from a registry; nothing here needs it.
    assert "# syntax=" not in (ROOT / "Dockerfile").read_text()


def test_dockerignore_keeps_tls_keys_and_certificates_out_of_the_image() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {"nginx/certs", "**/*.key", "**/*.pem", "**/*.crt"} <= set(ignored)
