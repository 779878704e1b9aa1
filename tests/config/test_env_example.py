"""`.env.example` documents exactly the variables the code and docker-compose.yml read."""

import importlib.util
import re

from tests.project_files import (
    COMPOSE_OWN_VARIABLES,
    ROOT,
    compose_interpolations,
    documented_variables,
    variables_read,
)


def test_every_variable_read_is_documented() -> None:
    assert variables_read() - documented_variables() == set()


def test_every_documented_variable_is_read_by_the_api_or_compose() -> None:
    assert documented_variables() - variables_read() - compose_interpolations() - COMPOSE_OWN_VARIABLES == set()


def test_the_readers_find_variables() -> None:
    # Guards the tests above against passing vacuously if the parsing broke.
    assert {"SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL", "PORT", "WEB_CONCURRENCY"} <= variables_read()
    assert {"POSTGRES_PASSWORD", "API_IMAGE"} <= compose_interpolations()


def example_values() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_the_example_holds_production_values() -> None:
    values = example_values()
    assert (values["DEBUG"], values["LOG_FORMAT"]) == ("false", "json")
    # Copied as it is, the start stops until real secrets are filled in.
    assert (values["SECRET_KEY"], values["JWT_SIGNING_KEY"]) == ("", "")


def test_the_example_leaves_every_security_setting_at_its_safe_default() -> None:
    assert [name for name in example_values() if name.startswith("SECURE_")] == []


def test_the_dotenv_make_install_writes_says_it_is_for_development() -> None:
    spec = importlib.util.spec_from_file_location("create_dotenv", ROOT / "scripts" / "create_dotenv.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    dotenv = module.render((ROOT / ".env.example").read_text())
    assert dotenv.startswith("# DEVELOPMENT ONLY")
    assert "Never deploy this file" in dotenv
    assert re.search(r"^DEBUG=true$", dotenv, re.MULTILINE)
    assert re.search(r"^SECRET_KEY=\S{50,}$", dotenv, re.MULTILINE)
