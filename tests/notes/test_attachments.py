"""Note attachments: multipart upload with limits, private downloads, files deleted with their row.

Each storage test runs against the filesystem backend and a real S3-compatible server on loopback.
"""

import re
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from apps.notes.models import Note
from apps.users.models import User
from tests.conftest import bearer_client
from tests.notes.factories import NoteFactory
from tests.notes.s3 import s3_storages

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(params=["filesystem", "s3"])
def storage(request: pytest.FixtureRequest, settings: Any, tmp_path: Path) -> str:
    settings.MEDIA_ROOT = tmp_path / "media"
    if request.param == "s3":
        s3_storages(settings, request.getfixturevalue("s3_endpoint"))
    return str(request.param)


@pytest.fixture
def filesystem(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def note(user: User) -> Note:
    return NoteFactory(owner=user)


def url(note: Note) -> str:
    return f"/api/v1/notes/{note.pk}/attachment/"


def upload(client: APIClient, note: Note, content: bytes = PNG, content_type: str = "image/png", name: str = "a.png"):  # type: ignore[no-untyped-def]
    return client.put(
        url(note), {"file": SimpleUploadedFile(name, content, content_type=content_type)}, format="multipart"
    )


def stored_name(note: Note) -> str:
    note.refresh_from_db()
    return note.attachment.name


def downloaded(client: APIClient, note: Note) -> bytes:
    response = client.get(url(note))
    if response.status_code == 302:  # object storage: fetch the signed URL as a browser would
        with urllib.request.urlopen(response["Location"], timeout=10) as signed:  # noqa: S310 (loopback)
            return bytes(signed.read())
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_upload_then_download_returns_the_same_bytes(auth_client: APIClient, note: Note, storage: str) -> None:
    response = upload(auth_client, note)
    assert response.status_code == 200
    assert response.json()["attachment_content_type"] == "image/png"
    assert downloaded(auth_client, note) == PNG


def test_the_stored_key_is_random_and_ignores_the_client_filename(
    auth_client: APIClient, note: Note, storage: str
) -> None:
    upload(auth_client, note, name="../../etc/passwd.png")
    first = stored_name(note)
    upload(auth_client, note, name="../../etc/passwd.png")
    assert re.fullmatch(r"notes/[0-9a-f]{32}", first)
    assert re.fullmatch(r"notes/[0-9a-f]{32}", stored_name(note))
    assert stored_name(note) != first


def test_deleting_the_note_deletes_the_file(
    auth_client: APIClient, note: Note, storage: str, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    upload(auth_client, note)
    name = stored_name(note)
    with django_capture_on_commit_callbacks(execute=True):
        assert auth_client.delete(f"/api/v1/notes/{note.pk}/").status_code == 204
    assert not default_storage.exists(name)


def test_replacing_the_attachment_deletes_the_earlier_file(
    auth_client: APIClient, note: Note, storage: str, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    upload(auth_client, note)
    earlier = stored_name(note)
    with django_capture_on_commit_callbacks(execute=True):
        upload(auth_client, note, content=b"second", content_type="text/plain")
    assert not default_storage.exists(earlier)
    assert downloaded(auth_client, note) == b"second"


def test_deleting_the_attachment_deletes_the_file(
    auth_client: APIClient, note: Note, storage: str, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    upload(auth_client, note)
    name = stored_name(note)
    with django_capture_on_commit_callbacks(execute=True):
        assert auth_client.delete(url(note)).status_code == 204
    assert not default_storage.exists(name)
    assert auth_client.get(f"/api/v1/notes/{note.pk}/").json()["attachment_content_type"] is None


def test_deleting_the_owner_deletes_the_file(
    auth_client: APIClient, user: User, note: Note, filesystem: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:  # fmt: skip
    upload(auth_client, note)
    name = stored_name(note)
    with django_capture_on_commit_callbacks(execute=True):
        user.delete()
    assert not default_storage.exists(name)


def test_another_user_can_neither_download_nor_replace_the_attachment(
    auth_client: APIClient, note: Note, make_user: Callable[..., User], filesystem: Path
) -> None:
    upload(auth_client, note)
    stranger = bearer_client(make_user("mallory@example.com"))
    assert stranger.get(url(note)).json()["code"] == "not_found"
    assert upload(stranger, note, content=b"evil", content_type="text/plain").status_code == 404
    assert downloaded(auth_client, note) == PNG


def test_a_download_needs_a_token(api_client: APIClient, auth_client: APIClient, note: Note, filesystem: Path) -> None:
    upload(auth_client, note)
    assert api_client.get(url(note)).status_code == 401


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_stored(
    auth_client: APIClient, note: Note, settings: Any, filesystem: Path
) -> None:
    settings.NOTES_ATTACHMENT_MAX_BYTES = len(PNG) - 1
    response = upload(auth_client, note)
    assert (response.status_code, response.json()["code"]) == (413, "request_too_large")
    assert stored_name(note) == ""
    assert not filesystem.exists()


def test_a_body_far_over_the_limit_is_refused_before_it_is_parsed(
    auth_client: APIClient, note: Note, settings: Any, filesystem: Path
) -> None:
    settings.NOTES_ATTACHMENT_MAX_BYTES = 10
    # Not even valid multipart: parsed, it would answer 400.
    response = auth_client.put(url(note), b"x" * 20_000, content_type="multipart/form-data; boundary=b")
    assert (response.status_code, response.json()["code"]) == (413, "request_too_large")


def test_a_content_type_not_allowed_is_refused(auth_client: APIClient, note: Note, filesystem: Path) -> None:
    response = upload(auth_client, note, content=b"<script>", content_type="text/html", name="a.html")
    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")
    assert stored_name(note) == ""


def test_the_upload_accepts_only_multipart(auth_client: APIClient, note: Note, filesystem: Path) -> None:
    response = auth_client.put(url(note), {"file": "aGVsbG8="}, format="json")
    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")


def test_an_upload_without_a_file_names_the_field(auth_client: APIClient, note: Note, filesystem: Path) -> None:
    response = auth_client.put(url(note), {"title": "x"}, format="multipart")
    assert (response.status_code, list(response.json()["fields"])) == (400, ["file"])


def test_other_note_endpoints_still_refuse_multipart(auth_client: APIClient) -> None:
    response = auth_client.post("/api/v1/notes/", {"title": "x"}, format="multipart")
    assert response.status_code == 415


def test_a_note_without_an_attachment_answers_404(auth_client: APIClient, note: Note) -> None:
    assert auth_client.get(url(note)).json()["code"] == "not_found"
    assert auth_client.delete(url(note)).json()["code"] == "not_found"


def test_a_download_is_sent_as_an_attachment_and_not_cached(
    auth_client: APIClient, note: Note, filesystem: Path
) -> None:
    upload(auth_client, note)
    response = auth_client.get(url(note))
    assert response["Content-Disposition"] == 'attachment; filename="attachment"'
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    response.close()


def test_behind_nginx_the_file_is_handed_to_nginx(
    auth_client: APIClient, note: Note, settings: Any, filesystem: Path
) -> None:
    upload(auth_client, note)
    settings.MEDIA_ACCEL_REDIRECT = True
    response = auth_client.get(url(note))
    assert response["X-Accel-Redirect"] == f"/_media/{stored_name(note)}"
    assert response.content == b""


def test_object_storage_redirects_to_a_short_lived_signed_url(
    auth_client: APIClient, note: Note, settings: Any, s3_endpoint: str
) -> None:
    bucket = s3_storages(settings, s3_endpoint)
    upload(auth_client, note)
    location = auth_client.get(url(note))["Location"]
    assert location.startswith(f"{s3_endpoint}/{bucket}/notes/")
    assert "X-Amz-Signature=" in location
    assert "X-Amz-Expires=300" in location
