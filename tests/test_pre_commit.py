"""The pre-commit hooks work offline: they call only this project's own tools."""

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_pre_commit_hooks_run_offline_and_pass(tmp_path: Path) -> None:
    """The local hooks on a copy of the project, as a developer's first commit would run them."""
    copy = tmp_path / "project"
    keep_out = shutil.ignore_patterns(".venv", ".git", ".env", "db.sqlite3", "staticfiles", "__pycache__", "*_cache")
    shutil.copytree(ROOT, copy, ignore=keep_out)
    (copy / ".venv").symlink_to(ROOT / ".venv")
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "DEBUG": "true", "PRE_COMMIT_HOME": str(tmp_path / "pc")}

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=copy, env=env, check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "pre-commit"), "run", "--all-files"],
        cwd=copy, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:]
    assert "Passed" in result.stdout
