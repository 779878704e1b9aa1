"""Cursor pages: every row exactly once under every allowed ordering, and forged cursors refused."""

import base64
from datetime import UTC, datetime

import pytest
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from apps.core.pagination import StableCursorPagination
from apps.notes.models import Note
from apps.notes.views import NoteViewSet
from apps.users.models import User

pytestmark = pytest.mark.django_db
URL = "/api/v1/notes/"
ORDERINGS = ["title", "-title", "created_at", "-created_at", "updated_at", "-updated_at"]


def cursor(query: str) -> str:
    return base64.b64encode(query.encode()).decode()


@pytest.fixture
def many_ties(user: User) -> set[int]:
    """119 notes sharing five titles and one timestamp: no ordering field is unique."""
    Note.objects.bulk_create(Note(owner=user, title=f"title {i % 5}") for i in range(119))
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    Note.objects.update(created_at=moment, updated_at=moment)
    return set(Note.objects.values_list("id", flat=True))


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_walking_every_page_returns_each_row_once(auth_client: APIClient, many_ties: set[int], ordering: str) -> None:
    seen: list[int] = []
    url: str | None = f"{URL}?ordering={ordering}&page_size=7"
    while url:
        page = auth_client.get(url).json()
        seen.extend(note["id"] for note in page["results"])
        url = page["next"]
    assert sorted(seen) == sorted(many_ties)


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_walking_back_returns_each_row_once(auth_client: APIClient, many_ties: set[int], ordering: str) -> None:
    url: str | None = f"{URL}?ordering={ordering}&page_size=7"
    while url:
        page = auth_client.get(url).json()
        url = page["next"]
        last = page
    seen = [note["id"] for note in last["results"]]
    url = last["previous"]
    while url:
        page = auth_client.get(url).json()
        seen.extend(note["id"] for note in page["results"])
        url = page["previous"]
    assert sorted(seen) == sorted(many_ties)


def test_every_ordering_ends_with_the_primary_key() -> None:
    request = Request(APIRequestFactory().get(URL, {"ordering": "-title"}))
    ordering = StableCursorPagination().get_ordering(request, Note.objects.all(), NoteViewSet())
    assert ordering == ("-title", "-pk")


@pytest.mark.parametrize(
    "query",
    [
        "p=garbage",  # not a date-time, the default ordering's field
        "p=2026-01-01T00:00:00%00",
        "o=-1",
        "r=x",
    ],
)
def test_forged_cursor_is_a_400(auth_client: APIClient, query: str) -> None:
    response = auth_client.get(URL, {"cursor": cursor(query)})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


def test_cursor_with_a_nul_in_a_text_position_is_a_400(auth_client: APIClient) -> None:
    response = auth_client.get(URL, {"ordering": "title", "cursor": cursor("p=a%00b")})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


def test_cursor_that_is_not_base64_is_a_400(auth_client: APIClient) -> None:
    response = auth_client.get(URL, {"cursor": "é"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"
