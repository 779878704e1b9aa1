"""Reads the project's own files for the tests that keep them consistent with each other."""

import ast
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
ENV_READERS = [ROOT / "config" / "settings.py", ROOT / "config" / "gunicorn.py"]
_DOCUMENTED_KEY = re.compile(r"^#?\s?([A-Z][A-Z0-9_]*)=", re.MULTILINE)
_INTERPOLATION = re.compile(r"(?<!\$)\$\{([A-Z][A-Z0-9_]*)")


def variables_read() -> set[str]:
    """Names passed to env(...) where the environment is read, plus NAME_FILE for each secret."""
    names = set()
    for path in ENV_READERS:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "env":
                name = node.args[0]
                assert isinstance(name, ast.Constant), f"{path.name}:{node.lineno}: env() needs a literal name"
                names.add(name.value)
                if any(k.arg == "secret" and getattr(k.value, "value", False) for k in node.keywords):
                    names.add(f"{name.value}_FILE")
    return names


def documented_variables() -> set[str]:
    return set(_DOCUMENTED_KEY.findall((ROOT / ".env.example").read_text()))


def compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def compose_override() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / "docker-compose.override.yml").read_text())


# Read by docker compose itself from .env (its CLI's settings), not substituted into the file.
COMPOSE_OWN_VARIABLES = {"COMPOSE_PROFILES"}


def compose_interpolations() -> set[str]:
    """Variables docker compose substitutes into docker-compose.yml from .env or the shell."""
    return set(_INTERPOLATION.findall((ROOT / "docker-compose.yml").read_text()))


def pipeline() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text())


def k8s_documents() -> dict[str, dict]:  # type: ignore[type-arg]
    """Each manifest in k8s/ by file name (one document a file)."""
    return {path.name: yaml.safe_load(path.read_text()) for path in sorted((ROOT / "k8s").glob("*.yaml"))}
