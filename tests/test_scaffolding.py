"""`make init` and `make app`, run on a copy of the project as a new user would."""

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.project_files import pipeline

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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.parts
    }


def test_new_app_is_wired_in_migrated_and_its_tests_pass(clone: Path) -> None:
    created = run(clone, sys.executable, "scripts/new_app.py", "order_lines")
    assert created.returncode == 0, created.stdout
    assert "applied apps/order_lines/migrations/0001_initial.py" in created.stdout
    assert '    "apps.order_lines",\n' in (clone / "config" / "settings.py").read_text()
    assert 'include("apps.order_lines.urls")' in (clone / "config" / "urls.py").read_text()
    assert "class OrderLine(models.Model)" in (clone / "apps" / "order_lines" / "models.py").read_text()
    assert (
        "class OrderLineFactory(DjangoModelFactory)" in (clone / "tests" / "order_lines" / "factories.py").read_text()
    )
    shown = run(clone, sys.executable, "manage.py", "showmigrations", "order_lines")
    assert "[X] 0001_initial" in shown.stdout, shown.stdout + shown.stderr
    tests = run(clone, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/order_lines")
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert "8 passed" in tests.stdout
    check = run(clone, sys.executable, "manage.py", "makemigrations", "--check", "--dry-run")
    assert check.returncode == 0, check.stdout + check.stderr


def test_new_app_says_plainly_when_its_migration_is_not_applied(clone: Path) -> None:
    env_file = clone / ".env"
    env_file.write_text(f"DATABASE_URL=postgres://nobody@127.0.0.1:{free_port()}/nothing\nDATABASE_CONNECT_TIMEOUT=1\n")
    created = run(clone, sys.executable, "scripts/new_app.py", "orders")
    assert created.returncode == 1
    assert "written but NOT applied" in created.stdout
    assert (clone / "apps" / "orders" / "migrations" / "0001_initial.py").exists()


@pytest.mark.parametrize(
    ("name", "reason"),
    [("Orders", "not a valid app name"), ("order-lines", "not a valid app name"), ("class", "not a valid app name"),
     ("notes", "label of an installed app"), ("auth", "label of an installed app"),
     ("groups", "User.groups exists already"), ("save", "User.save exists already"),
     ("json", "existing Python module")],
)  # fmt: skip
def test_bad_app_name_is_refused_and_nothing_is_written(clone: Path, name: str, reason: str) -> None:
    before = tree(clone)
    result = run(clone, sys.executable, "scripts/new_app.py", name)
    assert result.returncode == 2
    assert reason in result.stdout
    assert "nothing was written" in result.stdout
    assert tree(clone) == before


@pytest.mark.parametrize(
    ("model", "reason"), [("User", "a model named 'User' exists already"), ("Class", "not a valid model name")]
)
def test_bad_model_name_is_refused_and_nothing_is_written(clone: Path, model: str, reason: str) -> None:
    before = tree(clone)
    result = run(clone, sys.executable, "scripts/new_app.py", "orders", "--model", model)
    assert result.returncode == 2
    assert reason in result.stdout
    assert tree(clone) == before


def test_an_app_failing_djangos_checks_is_refused_and_nothing_is_written(clone: Path) -> None:
    template = clone / "scripts" / "app_template" / "models.py-tpl"
    template.write_text(template.read_text().replace("max_length=200", "max_length=-1"))
    before = tree(clone)
    result = run(clone, sys.executable, "scripts/new_app.py", "orders")
    assert result.returncode == 2
    assert "Django's checks fail" in result.stdout
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


def pipeline_branches() -> set[str]:
    """Branches whose pushes start a pipeline, from the workflow rules of .gitlab-ci.yml."""
    rules = [rule.get("if", "") for rule in pipeline()["workflow"]["rules"]]
    return {branch for rule in rules for branch in re.findall(r'\$CI_COMMIT_BRANCH == "([^"]+)"', rule)}


def test_init_fresh_git_creates_only_branches_the_pipeline_runs_on(clone: Path) -> None:
    result = run(clone, sys.executable, "scripts/init_project.py", "acme-api", "--fresh-git")
    assert result.returncode == 0, result.stderr
    branches = set(run(clone, "git", "branch", "--format=%(refname:short)").stdout.split())
    assert branches == {"main", "develop"}
    assert branches <= pipeline_branches()


def test_replacing_notes_as_the_readme_says_keeps_the_suite_green(clone: Path) -> None:
    assert run(clone, sys.executable, "scripts/new_app.py", "orders").returncode == 0
    shutil.rmtree(clone / "apps" / "notes")
    shutil.rmtree(clone / "tests" / "notes")
    for path, line in [("config/settings.py", '    "apps.notes",\n'),
                       ("config/urls.py", '    path("api/v1/", include("apps.notes.urls")),\n')]:  # fmt: skip
        text = (clone / path).read_text()
        assert line in text
        (clone / path).write_text(text.replace(line, ""))
    run(clone, "git", "init", "--quiet")  # the suite checks what git ignores
    # The scaffolding tests copy the project again, and the pre-commit hooks are `make lint`'s tools.
    suite = run(clone, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--cov", "--cov-fail-under=95",
                "--ignore=tests/test_scaffolding.py", "--ignore=tests/test_pre_commit.py")  # fmt: skip
    assert suite.returncode == 0, suite.stdout[-5000:]
    migrations = run(clone, sys.executable, "manage.py", "makemigrations", "--check", "--dry-run")
    assert migrations.returncode == 0, migrations.stdout + migrations.stderr
    tools = Path(sys.executable).parent
    for lint in (["ruff", "check", "."], ["ruff", "format", "--check", "."], ["lint-imports", "--no-cache"]):
        result = run(clone, str(tools / lint[0]), *lint[1:])
        assert result.returncode == 0, result.stdout
