"""`.env.example` documents exactly the variables the code reads."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READERS = [ROOT / "config" / "settings.py", ROOT / "config" / "gunicorn.py"]
DOCUMENTED_KEY = re.compile(r"^#?\s?([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def variables_read() -> set[str]:
    """Names passed to env(...) in the modules that read the environment, with NAME_FILE for secrets."""
    names = set()
    for path in READERS:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "env":
                name = node.args[0]
                assert isinstance(name, ast.Constant), f"{path.name}:{node.lineno}: env() needs a literal name"
                names.add(name.value)
                if any(k.arg == "secret" and getattr(k.value, "value", False) for k in node.keywords):
                    names.add(f"{name.value}_FILE")
    return names


def documented_variables() -> set[str]:
    return set(DOCUMENTED_KEY.findall((ROOT / ".env.example").read_text()))


def test_every_variable_read_is_documented() -> None:
    assert variables_read() - documented_variables() == set()


def test_every_documented_variable_is_read() -> None:
    assert documented_variables() - variables_read() == set()


def test_the_reader_finds_variables() -> None:
    # Guards the two tests above against passing vacuously if the parsing broke.
    assert {"SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL", "PORT", "WEB_CONCURRENCY"} <= variables_read()
