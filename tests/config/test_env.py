"""The Env reader: precedence, casts, collected problems and secrets from files."""

from pathlib import Path

import pytest

from config.env import (
    REQUIRED,
    Csv,
    Env,
    boolean,
    choice,
    fraction,
    non_negative_int,
    positive_int,
    rate,
    time_zone,
    weak_secrets,
)


@pytest.fixture
def dotenv(tmp_path: Path) -> Path:
    (tmp_path / ".env").write_text("TIME_ZONE=Europe/Paris\nPORT=9000\n")
    return tmp_path


def test_environment_wins_over_dotenv(dotenv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIME_ZONE", "Asia/Tokyo")
    assert Env(dotenv)("TIME_ZONE", cast=str, default="UTC") == "Asia/Tokyo"


def test_dotenv_wins_over_default(dotenv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TIME_ZONE", raising=False)
    assert Env(dotenv)("TIME_ZONE", cast=str, default="UTC") == "Europe/Paris"


def test_default_applies_when_neither_sets_it(dotenv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LANGUAGE_CODE", raising=False)
    assert Env(dotenv)("LANGUAGE_CODE", cast=str, default="en-us") == "en-us"


def test_value_from_dotenv_is_cast(dotenv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORT", raising=False)
    assert Env(dotenv)("PORT", cast=positive_int, default=8001) == 9000


def test_every_problem_is_collected_before_exiting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("MISSING_ONE", raising=False)
    monkeypatch.setenv("BAD_NUMBER", "many")
    monkeypatch.setenv("BAD_FLAG", "perhaps")
    env = Env(tmp_path)
    env("MISSING_ONE", cast=str, default=REQUIRED, hint="Set it to anything.")
    env("BAD_NUMBER", cast=positive_int, default=1)
    env("BAD_FLAG", cast=boolean, default=False)
    with pytest.raises(SystemExit) as exit_info:
        env.exit_if_invalid()
    assert exit_info.value.code == 78
    message = capsys.readouterr().err
    assert "3 environment variables to fix" in message
    assert "MISSING_ONE is not set. Set it to anything." in message
    assert "BAD_NUMBER='many' is not valid: expected a whole number." in message
    assert "BAD_FLAG='perhaps' is not valid: expected one of true/false" in message


def test_no_problem_means_no_exit(tmp_path: Path) -> None:
    env = Env(tmp_path)
    env("UNSET_WITH_DEFAULT", cast=str, default="x")
    env.exit_if_invalid()
    assert env.problems == []


def test_invalid_secret_value_is_not_echoed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOKEN_COUNT", "s3cr3t-value")
    env = Env(tmp_path)
    env("TOKEN_COUNT", cast=positive_int, secret=True)
    assert env.problems == ["TOKEN_COUNT=<hidden> is not valid: expected a whole number."]


def test_secret_is_read_from_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret_file = tmp_path / "secret_key"
    secret_file.write_text("from-a-file\n")
    monkeypatch.delenv("MY_SECRET", raising=False)
    monkeypatch.setenv("MY_SECRET_FILE", str(secret_file))
    assert Env(tmp_path)("MY_SECRET", cast=str, secret=True) == "from-a-file"


def test_secret_set_both_ways_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret_file = tmp_path / "secret_key"
    secret_file.write_text("from-a-file")
    monkeypatch.setenv("MY_SECRET", "direct")
    monkeypatch.setenv("MY_SECRET_FILE", str(secret_file))
    env = Env(tmp_path)
    assert env("MY_SECRET", cast=str, secret=True) is None
    assert env.problems == ["MY_SECRET and MY_SECRET_FILE are both set. Set only one of them."]


def test_secret_file_that_cannot_be_read_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MY_SECRET", raising=False)
    monkeypatch.setenv("MY_SECRET_FILE", str(tmp_path / "absent"))
    env = Env(tmp_path)
    env("MY_SECRET", cast=str, secret=True)
    assert env.problems[0].startswith("MY_SECRET_FILE cannot be read: No such file or directory")


def test_empty_required_secret_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_SECRET", "  ")
    env = Env(tmp_path)
    env("MY_SECRET", cast=str, secret=True)
    assert env.problems == ["MY_SECRET is empty."]


def test_empty_optional_secret_means_unset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_URL", "")
    env = Env(tmp_path)
    assert env("MY_URL", cast=str, secret=True, default="") == ""
    assert env.problems == []


@pytest.mark.parametrize(
    ("cast", "raw", "expected"),
    [
        (boolean, "Yes", True),
        (boolean, "off", False),
        (boolean, False, False),
        (non_negative_int, "0", 0),
        (positive_int, "3", 3),
        (choice("json", "text"), "text", "text"),
        (rate, "100/min", "100/min"),
        (rate, "5/s", "5/s"),
        (fraction, "0.25", 0.25),
        (fraction, "1", 1.0),
        (time_zone, "Europe/Paris", "Europe/Paris"),
        (Csv(), "a.example, b.example", ["a.example", "b.example"]),
    ],
)
def test_casts_accept_good_values(cast, raw, expected) -> None:  # type: ignore[no-untyped-def]
    assert cast(raw) == expected


@pytest.mark.parametrize(
    ("cast", "raw", "message"),
    [
        (boolean, "maybe", "expected one of true/false"),
        (non_negative_int, "-1", "expected a number of 0 or more"),
        (positive_int, "0", "expected a number of 1 or more"),
        (positive_int, "1.5", "expected a whole number"),
        (choice("json", "text"), "xml", "expected one of json, text"),
        (rate, "100", "expected <number>/<second|minute|hour|day>"),
        (rate, "many/min", "expected <number>/<second|minute|hour|day>"),
        (time_zone, "Mars/Olympus_Mons", "expected an IANA time zone"),
        (time_zone, "../etc", "expected an IANA time zone"),
        (fraction, "1.5", "expected a number between 0 and 1"),
        (fraction, "half", "expected a number between 0 and 1"),
    ],
)
def test_casts_reject_bad_values_with_a_reason(cast, raw, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message.replace("|", r"\|")):
        cast(raw)


STRONG_KEY = "s" * 30 + "0123456789abcdefghij"
OTHER_STRONG_KEY = "j" * 30 + "0123456789abcdefghij"


@pytest.mark.parametrize(
    ("keys", "problem"),
    [
        ({"secret_key": "short-but-random-9f3a"}, "SECRET_KEY is too short: 21 characters, 50 at least."),
        ({"jwt_signing_key": "x"}, "JWT_SIGNING_KEY is too short for HS256: 1 bytes, 32 at least."),
        ({"jwt_algorithm": "HS512"}, "JWT_SIGNING_KEY is too short for HS512: 50 bytes, 64 at least."),
        ({"jwt_signing_key": STRONG_KEY}, "JWT_SIGNING_KEY is the same as SECRET_KEY"),
        ({"secret_key": "django-insecure-" + STRONG_KEY}, "SECRET_KEY is a development key"),
        ({"jwt_signing_key": "django-insecure-" + STRONG_KEY}, "JWT_SIGNING_KEY is a development key"),
    ],
    ids=["short-secret-key", "short-jwt-key", "short-for-hs512", "same-keys", "development-key", "development-jwt"],
)
def test_weak_secrets_are_named(keys: dict[str, str], problem: str) -> None:
    arguments = {"secret_key": STRONG_KEY, "jwt_signing_key": OTHER_STRONG_KEY, "jwt_algorithm": "HS256"} | keys
    problems = weak_secrets(**arguments, debug=False)
    assert len(problems) == 1
    assert problems[0].startswith(problem)
    assert problems[0].endswith("Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'")


def test_development_keys_are_allowed_with_debug_on() -> None:
    development = "django-insecure-" + STRONG_KEY
    assert (
        weak_secrets(secret_key=development, jwt_signing_key=OTHER_STRONG_KEY, jwt_algorithm="HS256", debug=True) == []
    )


def test_keys_that_failed_to_load_are_not_judged() -> None:
    assert weak_secrets(secret_key=None, jwt_signing_key=None, jwt_algorithm="HS256", debug=False) == []


def test_a_warning_goes_to_stderr_and_lets_the_start_go_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env = Env(tmp_path)
    env.warn("development keys in use.")
    env.exit_if_invalid()
    assert capsys.readouterr().err == "WARNING: development keys in use.\n"
