"""Project-wide rules: configuration only through settings, clean checks, ignored local files, locks in step."""

import ast
import json
import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def python_files() -> list[Path]:
    return [p for d in ("apps", "config", "scripts") for p in (ROOT / d).rglob("*.py")] + [ROOT / "manage.py"]


def test_no_environment_reads_outside_the_settings_reader() -> None:
    offenders = []
    for path in python_files():
        for node in ast.walk(ast.parse(path.read_text())):
            is_os_attribute = (
                isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os"
            )
            if is_os_attribute and node.attr in {"getenv", "environ", "environb"}:
                line = path.read_text().splitlines()[node.lineno - 1].strip()
                offenders.append(f"{path.relative_to(ROOT)}: {line}")
    # Each entry point names the settings module, and reads nothing else; by file and statement, not
    # line number, so an edit above it does not break the rule.
    entry_point = 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")'
    allowed = {f"{name}: {entry_point}" for name in ("manage.py", "config/wsgi.py", "scripts/new_app.py")}
    allowed.add(f"apps/core/prepare.py: settings_module = {entry_point}")  # it reads the module itself
    assert sorted(offenders) == sorted(allowed)


def test_system_checks_pass() -> None:
    call_command("check", fail_level="WARNING")


@pytest.mark.django_db
def test_models_and_migrations_agree() -> None:
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)


def test_local_files_are_git_ignored(tmp_path: Path) -> None:
    local = [".env", ".venv/bin/python", "db.sqlite3", "staticfiles/admin/app.css", "apps/__pycache__/x.pyc"]
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", *local], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.stdout.split() == local


LOCK_ENTRY = re.compile(
    r"^([A-Za-z0-9._-]+)==(\S+)(?: ; [^\\\n]+)? \\\n((?:\s+--hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)", re.MULTILINE
)


def read_lock(name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / name).read_text()
    pins = {m[1].lower().replace("_", "-"): m[2] for m in LOCK_ENTRY.finditer(text)}
    pinned_lines = [line for line in text.splitlines() if re.match(r"^[A-Za-z0-9._-]+==", line)]
    assert len(pins) == len(pinned_lines), f"{name}: every pin must carry hashes"
    return pins


def direct_requirements(name: str) -> list[Requirement]:
    lines = (ROOT / "requirements" / name).read_text().splitlines()
    return [Requirement(line.split("#")[0]) for line in lines if line.strip() and line[0] not in "#-"]


@pytest.mark.parametrize(
    ("source", "lock"), [("production.in", "production.txt"), ("development.in", "development.txt")]
)
def test_lock_satisfies_its_source(source: str, lock: str) -> None:
    """Fails when a .in file changed and `make lock` was not run."""
    pins = read_lock(lock)
    for requirement in direct_requirements(source):
        name = requirement.name.lower().replace("_", "-")
        assert name in pins, f"{name} is in {source} but not in {lock}: run make lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{name}=={pins[name]} in {lock} does not satisfy {requirement}: run make lock"
        )


def test_development_lock_pins_production_packages_at_the_same_versions() -> None:
    production, development = read_lock("production.txt"), read_lock("development.txt")
    assert {name: development.get(name) for name in production} == production


def via_annotations(name: str) -> dict[str, list[str]]:
    """What pip-compile wrote under each pin: the requirement files or packages that pulled it in."""
    vias: dict[str, list[str]] = {}
    current = ""
    for line in (ROOT / "requirements" / name).read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9._-]+)==", line):
            current = match[1].lower().replace("_", "-")
            vias[current] = []
        elif (match := re.match(r"^\s+#\s+(?:via\s+)?(\S.*)$", line)) and match[1] != "via":
            vias[current].append(match[1].strip())
    return vias


@pytest.mark.parametrize(
    ("source", "lock"), [("production.in", "production.txt"), ("development.in", "development.txt")]
)
def test_lock_holds_nothing_its_source_no_longer_needs(source: str, lock: str) -> None:
    """Fails when a package left a .in file but stayed in the lock."""
    wanted = {r.name.lower().replace("_", "-") for r in direct_requirements(source)}
    if source == "development.in":
        wanted |= {r.name.lower().replace("_", "-") for r in direct_requirements("production.in")}
    vias = via_annotations(lock)
    for package, reasons in vias.items():
        pulled_in = [r for r in reasons if not r.startswith("-")]
        named_directly = package in wanted
        assert named_directly or any(p in vias for p in pulled_in), f"{package} in {lock} is needed by nothing"


def test_renovate_updates_each_in_file_and_regenerates_its_hashed_lock() -> None:
    config = json.loads((ROOT / "renovate.json").read_text())
    named = {name for rule in config["packageRules"] for name in rule.get("matchFileNames", [])}
    assert named == {str(p.relative_to(ROOT)) for p in (ROOT / "requirements").glob("*.in")}
    pattern = re.compile(config["pip-compile"]["managerFilePatterns"][0].strip("/"))
    for lock in (ROOT / "requirements").glob("*.txt"):
        assert pattern.search(str(lock.relative_to(ROOT)))
        # Renovate reruns the command in the lock's header: it must keep the hashes.
        assert "--generate-hashes" in lock.read_text().split("\n\n", 1)[0]


def test_license_is_the_one_the_image_label_names() -> None:
    label = re.search(r'org\.opencontainers\.image\.licenses="([^"]+)"', (ROOT / "Dockerfile").read_text())
    assert label is not None
    assert label[1] == "MIT"
    assert (ROOT / "LICENSE").read_text().startswith("MIT License\n")
