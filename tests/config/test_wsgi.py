"""config/wsgi.py, the module gunicorn's master preloads before it forks the workers."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def modules_after_loading_the_app(*names: str) -> str:
    """Which of `names` a fresh process has imported once config.wsgi is loaded (development)."""
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}} | {"DEBUG": "true"}
    code = f"import sys, config.wsgi; print(sorted(set({names!r}) & set(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return result.stdout.strip().splitlines()[-1]


def test_loading_the_app_imports_the_urlconf_so_workers_are_forked_warm() -> None:
    assert modules_after_loading_the_app("config.urls", "apps.users.views") == "['apps.users.views', 'config.urls']"


def test_without_a_dsn_the_sentry_sdk_is_not_imported() -> None:
    assert modules_after_loading_the_app("sentry_sdk") == "[]"
