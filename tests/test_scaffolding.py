"""`make init` and `make app`, run on a copy of the project as a new user would."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOCAL_STATE = (
    ".venv",
    ".git",
    ".env",
    "db.sqlite3",
    "staticfiles",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".mypy_cache",
    ".coverage",
)


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*LOCAL_STATE))
    return copy


def run(clone: Path, *command: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"), "DEBUG": "true"}
    return subprocess.run(command, cwd=clone, env=env, capture_output=True, text=True, timeout=300, check=False)


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.parts
    }


def test_new_app_is_wired_in_and_its_tests_pass(clone: Path) -> None:
    created = run(clone, sys.executable, "scripts/new_app.py", "order_lines")
    assert created.returncode == 0, created.stdout
    assert '    "apps.order_lines",\n' in (clone / "config" / "settings.py").read_text()
    assert 'include("apps.order_lines.urls")' in (clone / "config" / "urls.py").read_text()
    assert "class OrderLine(models.Model)" in (clone / "apps" / "order_lines" / "models.py").read_text()
    migrations = run(clone, sys.executable, "manage.py", "makemigrations", "order_lines")
    assert migrations.returncode == 0, migrations.stderr
    tests = run(clone, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/order_lines")
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert "5 passed" in tests.stdout
    check = run(clone, sys.executable, "manage.py", "makemigrations", "--check", "--dry-run")
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize(
    ("name", "reason"),
    [("Orders", "not a valid app name"), ("2fast", "not a valid app name"), ("class", "not a valid app name"),
     ("order-lines", "not a valid app name"), ("notes", "exists already"), ("auth", "is taken")],
)  # fmt: skip
def test_bad_app_name_is_refused_and_nothing_is_written(clone: Path, name: str, reason: str) -> None:
    before = tree(clone)
    result = run(clone, sys.executable, "scripts/new_app.py", name)
    assert result.returncode == 2
    assert reason in result.stdout
    assert tree(clone) == before


def test_init_renames_the_project_and_is_idempotent(clone: Path) -> None:
    first = run(clone, sys.executable, "scripts/init_project.py", "acme-api")
    assert first.returncode == 0, first.stdout + first.stderr
    assert (clone / "README.md").read_text().startswith("# acme-api\n")
    assert 'name = "acme-api"' in (clone / "pyproject.toml").read_text()
    compose = (clone / "docker-compose.yml").read_text()
    assert "name: acme-api\n" in compose
    assert "${API_IMAGE:-acme-api:local}" in compose
    assert 'image.title="acme-api"' in (clone / "Dockerfile").read_text()
    assert "registry.example.com/acme/acme-api" in (clone / "k8s" / "kustomization.yaml").read_text()
    secrets = (clone / ".env").read_text()
    assert "SECRET_KEY=change-me" not in secrets

    after_first = tree(clone)
    second = run(clone, sys.executable, "scripts/init_project.py", "acme-api")
    assert second.returncode == 0
    assert "name unchanged" in second.stdout
    assert "not overwritten" in second.stdout
    assert tree(clone) == after_first


def test_init_replaces_dotenv_only_when_forced(clone: Path) -> None:
    run(clone, sys.executable, "scripts/init_project.py", "acme-api")
    original = (clone / ".env").read_text()
    forced = run(clone, sys.executable, "scripts/init_project.py", "acme-api", "--force")
    assert forced.returncode == 0
    replaced = (clone / ".env").read_text()
    assert replaced != original
    assert [line.split("=")[0] for line in replaced.splitlines()] == [
        line.split("=")[0] for line in original.splitlines()
    ]


def test_init_refuses_a_bad_name_and_changes_nothing(clone: Path) -> None:
    before = tree(clone)
    result = run(clone, sys.executable, "scripts/init_project.py", "Acme API")
    assert result.returncode == 2
    assert "not a valid name" in result.stdout
    assert tree(clone) == before


def test_init_can_start_a_fresh_git_history(clone: Path) -> None:
    result = run(clone, sys.executable, "scripts/init_project.py", "acme-api", "--fresh-git")
    assert result.returncode == 0, result.stderr
    log = run(clone, "git", "log", "--oneline")
    assert log.stdout.count("\n") == 1
    assert "Start acme-api" in log.stdout
    assert ".env" not in run(clone, "git", "ls-files").stdout.split()
