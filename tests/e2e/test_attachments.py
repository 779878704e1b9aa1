"""Note attachments through nginx: its upload limit for the one multipart location, and downloads
handed to nginx (X-Accel-Redirect) from an internal location after the API checked the owner."""

import uuid
from pathlib import Path

import pytest

from tests.e2e.conftest import Chain
from tests.users.factories import PASSWORD

pytestmark = pytest.mark.e2e
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def multipart(content: bytes, content_type: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.fixture
def note_url(running_chain: Chain) -> tuple[str, dict[str, str]]:
    email = f"{uuid.uuid4().hex}@example.com"
    running_chain.https("POST", "/api/v1/auth/register/", body={"email": email, "password": PASSWORD})
    token = running_chain.https("POST", "/api/v1/auth/token/", body={"email": email, "password": PASSWORD}).json()
    auth = {"Authorization": f"Bearer {token['access']}"}
    note = running_chain.https("POST", "/api/v1/notes/", headers=auth, body={"title": "with a file"}).json()
    return f"/api/v1/notes/{note['id']}/attachment/", auth


def test_an_upload_above_one_mib_reaches_the_api_and_downloads_through_nginx(
    running_chain: Chain, note_url: tuple[str, dict[str, str]]
) -> None:
    url, auth = note_url
    content = PNG + b"\x01" * 2_000_000
    body, content_type = multipart(content, "image/png")
    uploaded = running_chain.https("PUT", url, headers=auth | {"Content-Type": content_type}, body=body)
    assert uploaded.status == 200, uploaded.body
    downloaded = running_chain.https("GET", url, headers=auth)
    assert (downloaded.status, downloaded.body) == (200, content)
    assert downloaded.headers["Content-Type"] == "image/png"
    assert downloaded.headers["Content-Disposition"] == 'attachment; filename="attachment"'
    assert "X-Accel-Redirect" not in downloaded.headers


def test_the_stored_file_is_not_reachable_from_outside(
    running_chain: Chain, note_url: tuple[str, dict[str, str]]
) -> None:
    url, auth = note_url
    body, content_type = multipart(PNG, "image/png")
    running_chain.https("PUT", url, headers=auth | {"Content-Type": content_type}, body=body)
    media_root = Path(running_chain.api.env["MEDIA_ROOT"])
    stored = next(path for path in (media_root / "notes").iterdir() if path.read_bytes() == PNG)
    direct = running_chain.https("GET", f"/_media/notes/{stored.name}", headers=auth)
    assert (direct.status, direct.json()["code"]) == (404, "not_found")
