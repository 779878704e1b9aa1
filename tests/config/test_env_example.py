"""`.env.example` documents exactly the variables the code and docker-compose.yml read."""

from tests.project_files import COMPOSE_OWN_VARIABLES, compose_interpolations, documented_variables, variables_read


def test_every_variable_read_is_documented() -> None:
    assert variables_read() - documented_variables() == set()


def test_every_documented_variable_is_read_by_the_api_or_compose() -> None:
    assert documented_variables() - variables_read() - compose_interpolations() - COMPOSE_OWN_VARIABLES == set()


def test_the_readers_find_variables() -> None:
    # Guards the tests above against passing vacuously if the parsing broke.
    assert {"SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL", "PORT", "WEB_CONCURRENCY"} <= variables_read()
    assert {"POSTGRES_PASSWORD", "API_IMAGE"} <= compose_interpolations()
