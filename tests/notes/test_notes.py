"""The example resource: CRUD, owner scoping, validation, pagination, filters and query counts."""

import pytest
from rest_framework.test import APIClient

from apps.notes.models import Note
from apps.users.models import User
from tests.notes.factories import NoteFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/notes/"


@pytest.fixture
def other_note() -> Note:
    return NoteFactory(title="secret plans")


def test_create_then_read(auth_client: APIClient, user: User) -> None:
    created = auth_client.post(URL, {"title": "Groceries", "body": "milk"}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert {k: body[k] for k in ("title", "body", "is_archived")} == {
        "title": "Groceries",
        "body": "milk",
        "is_archived": False,
    }
    assert body["created_at"]
    assert body["updated_at"]
    assert "owner" not in body
    assert Note.objects.get(pk=body["id"]).owner == user
    assert auth_client.get(f"{URL}{body['id']}/").json() == body


def test_update_and_delete(auth_client: APIClient, user: User) -> None:
    note = NoteFactory(owner=user, title="draft")
    assert auth_client.patch(f"{URL}{note.pk}/", {"title": "final"}, format="json").json()["title"] == "final"
    assert auth_client.put(f"{URL}{note.pk}/", {"title": "again", "body": "b"}, format="json").status_code == 200
    assert auth_client.delete(f"{URL}{note.pk}/").status_code == 204
    assert not Note.objects.filter(pk=note.pk).exists()


def test_owner_cannot_be_set_by_the_client(auth_client: APIClient, user: User, make_user) -> None:  # type: ignore[no-untyped-def]
    victim = make_user("victim@example.com")
    response = auth_client.post(URL, {"title": "t", "owner": victim.pk}, format="json")
    assert Note.objects.get(pk=response.json()["id"]).owner == user


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "t", "body": "b" * 10_001}, "body"),
        ({"title": "t", "is_archived": "perhaps"}, "is_archived"),
        ({"title": ["a"]}, "title"),
    ],
)
def test_invalid_input_names_the_field_and_stores_nothing(auth_client: APIClient, data: dict, field: str) -> None:  # type: ignore[type-arg]
    response = auth_client.post(URL, data, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    assert not Note.objects.exists()


def test_a_json_list_body_is_a_400(auth_client: APIClient) -> None:
    response = auth_client.post(URL, [{"title": "t"}], format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"


class TestAnotherUsersNote:
    """Is a 404, exactly as a note that does not exist: its existence is not revealed."""

    def test_cannot_be_read(self, auth_client: APIClient, other_note: Note) -> None:
        response = auth_client.get(f"{URL}{other_note.pk}/")
        assert response.status_code == 404
        assert response.json() == auth_client.get(f"{URL}999999/").json() | {
            "request_id": response.json()["request_id"]
        }

    def test_cannot_be_changed_or_deleted(self, auth_client: APIClient, other_note: Note) -> None:
        assert auth_client.patch(f"{URL}{other_note.pk}/", {"title": "mine"}, format="json").status_code == 404
        assert auth_client.delete(f"{URL}{other_note.pk}/").status_code == 404
        other_note.refresh_from_db()
        assert other_note.title == "secret plans"

    def test_is_not_listed(self, auth_client: APIClient, other_note: Note) -> None:
        assert auth_client.get(URL).json()["results"] == []


def test_no_token_is_a_401(api_client: APIClient) -> None:
    assert api_client.get(URL).status_code == 401
    assert api_client.post(URL, {"title": "t"}, format="json").status_code == 401


def test_non_numeric_id_is_a_404(auth_client: APIClient) -> None:
    assert auth_client.get(f"{URL}abc/").status_code == 404


def test_list_is_paged_by_cursor_with_a_capped_size(auth_client: APIClient, user: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.API_MAX_PAGE_SIZE = 5
    NoteFactory.create_batch(8, owner=user)
    first = auth_client.get(URL, {"page_size": 1000}).json()
    assert len(first["results"]) == 5
    assert "count" not in first  # no COUNT(*) per request
    second = auth_client.get(first["next"]).json()
    assert len(second["results"]) == 3
    assert second["next"] is None
    seen = {n["id"] for n in first["results"]} | {n["id"] for n in second["results"]}
    assert len(seen) == 8


def test_bad_cursor_is_a_400(auth_client: APIClient) -> None:
    response = auth_client.get(URL, {"cursor": "garbage"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


def test_filter_search_and_ordering(auth_client: APIClient, user: User) -> None:
    NoteFactory(owner=user, title="banana bread", is_archived=True)
    NoteFactory(owner=user, title="apple pie", body="with cinnamon")
    NoteFactory(owner=user, title="cherry tart")

    def titles(**params: str) -> list[str]:
        return [n["title"] for n in auth_client.get(URL, params).json()["results"]]

    assert titles(is_archived="true") == ["banana bread"]
    assert titles(search="cinnamon") == ["apple pie"]
    assert titles(ordering="title") == ["apple pie", "banana bread", "cherry tart"]
    assert titles(ordering="-title") == ["cherry tart", "banana bread", "apple pie"]


@pytest.mark.parametrize("value", ["last tuesday", "9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+01:00"])
def test_bad_filter_value_is_a_400(auth_client: APIClient, value: str) -> None:
    response = auth_client.get(URL, {"created_after": value})
    assert response.status_code == 400
    assert "created_after" in response.json()["fields"]


def test_any_utc_offset_python_accepts_is_filtered_in_utc(auth_client: APIClient, user: User) -> None:
    # PostgreSQL refuses offsets beyond ±15:59; found by schemathesis as a 500.
    NoteFactory(owner=user, title="now")
    response = auth_client.get(URL, {"created_after": "2000-01-01T00:00:00+18:50"})
    assert response.status_code == 200
    assert [n["title"] for n in response.json()["results"]] == ["now"]


@pytest.mark.parametrize("page_size", [5, 20])
def test_list_query_count_does_not_grow_with_page_size(  # type: ignore[no-untyped-def]
    auth_client: APIClient, user: User, page_size: int, django_assert_num_queries
) -> None:
    NoteFactory.create_batch(25, owner=user)
    auth_client.get(URL)
    with django_assert_num_queries(2):  # the user with its session, the page; no COUNT, no per-row query
        response = auth_client.get(URL, {"page_size": page_size})
    assert len(response.json()["results"]) == page_size


def test_filters_are_not_built_for_a_request_without_filter_parameters(
    auth_client: APIClient, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from apps.notes.filters import NoteFilter

    built = []
    original_init = NoteFilter.__init__

    def counting_init(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        built.append(1)
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(NoteFilter, "__init__", counting_init)
    NoteFactory(owner=user, title="kept", is_archived=True)
    assert len(auth_client.get(URL, {"page_size": 5}).json()["results"]) == 1
    assert built == []
    assert auth_client.get(URL, {"is_archived": "false"}).json()["results"] == []
    assert built == [1]
