"""The docs UI in a real browser (Debian's chromium, headless), through nginx, with no network."""

import re
import shutil
import subprocess
from pathlib import Path

from harness import chain
from tests.e2e.conftest import Chain


def chromium(running_chain: Chain, *action: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("chromium")
    if binary is None:
        raise RuntimeError("chromium is not installed (apt-get install chromium); the docs cannot be tested without it")
    url = f"https://{chain.SERVER_NAME}:{running_chain.nginx.https_port}/api/docs/"
    return subprocess.run(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--ignore-certificate-errors",
         f"--user-data-dir={running_chain.workdir / 'chromium'}",
         # Only the API's host resolves: a file fetched from anywhere else (a CDN) fails.
         f"--host-resolver-rules=MAP {chain.SERVER_NAME} 127.0.0.1, MAP * ~NOTFOUND",
         "--enable-logging=stderr", "--v=0", "--virtual-time-budget=20000", "--window-size=1280,1400",
         *action, url],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_docs_render_every_operation_offline_under_their_csp(running_chain: Chain) -> None:
    result = chromium(running_chain, "--dump-dom")
    paths = set(re.findall(r'data-path="([^"]+)"', result.stdout))
    assert {"/api/v1/notes/", "/api/v1/notes/{id}/", "/api/v1/auth/token/", "/api/v1/users/me/"} <= paths
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    assert [line for line in console if "Content Security Policy" in line or "Failed to load" in line] == []


def test_the_docs_screenshot_is_taken(running_chain: Chain) -> None:
    # For people: CI keeps it, and a reviewer looks at it (the test above checks the content).
    screenshot = running_chain.workdir / "docs.png"
    result = chromium(running_chain, f"--screenshot={screenshot}")
    assert result.returncode == 0, result.stderr[-3000:]
    assert Path(screenshot).stat().st_size > 20_000  # a blank page is a few kilobytes
