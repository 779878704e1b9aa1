"""Prints where the list endpoint (c)'s time goes, as JSON: milliseconds a request of (b), of (c),
and of (c) with one of its parts replaced by the cheapest stand-in, then with all of them.

Run with the benchmark's environment. Requests go straight through the WSGI handler in one
process, in turn, in blocks, so whatever else the machine does falls on every variant alike. The
stand-ins are measurements, not proposals: the session check is what makes a password change end
every session at once, and the example app keeps DRF's filters and serializers on purpose.
"""

import contextlib
import io
import json
import statistics
import sys
import time
from collections.abc import Iterator
from typing import Any
from unittest import mock

import bench.plain_django  # sets Django up with the bench's URLs

ROUNDS, REQUESTS = 7, 200


def get(path: str, query: str = "", authorization: str = "") -> bytes:
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8001", "HTTP_HOST": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
    }  # fmt: skip
    if authorization:
        environ["HTTP_AUTHORIZATION"] = authorization
    statuses = []
    body = bench.plain_django.application(environ, lambda status, headers, exc_info=None: statuses.append(status))
    content = b"".join(body)
    body.close()
    assert statuses[0].startswith("200"), (path, statuses, content[:200])
    return content


@contextlib.contextmanager
def replaced(*parts: tuple[Any, str, Any]) -> Iterator[None]:
    """Each (object, attribute, stand-in) in place for the block."""
    with contextlib.ExitStack() as stack:
        for target, attribute, value in parts:
            stack.enter_context(mock.patch.object(target, attribute, value))
        yield


def main(email: str) -> None:
    from apps.notes.serializers import NoteSerializer
    from apps.notes.views import NoteViewSet
    from apps.users.authentication import SessionCheckedJWTAuthentication
    from apps.users.models import User
    from apps.users.tokens import SessionRefreshToken

    user = User.objects.get(email=email)
    authorization = f"Bearer {SessionRefreshToken.for_user(user).access_token}"

    class HandWrittenNoteSerializer(NoteSerializer):
        def to_representation(self, note: Any) -> dict[str, Any]:
            return {
                "id": note.id, "title": note.title, "body": note.body, "is_archived": note.is_archived,
                "attachment_content_type": note.attachment_content_type or None,
                "created_at": note.created_at.isoformat().replace("+00:00", "Z"),
                "updated_at": note.updated_at.isoformat().replace("+00:00", "Z"),
            }  # fmt: skip

    session_from_memory = (SessionCheckedJWTAuthentication, "get_user", lambda self, token: user)
    no_filters = (NoteViewSet, "filter_backends", [])
    hand_written = (NoteViewSet, "serializer_class", HandWrittenNoteSerializer)
    plain = ("/bench/plain-notes/", f"owner={user.pk}", "")
    listing = ("/api/v1/notes/", "", authorization)
    variants = {
        "(b)": (plain, ()),
        "(c)": (listing, ()),
        "(c), session check from memory": (listing, (session_from_memory,)),
        "(c), no filter backends": (listing, (no_filters,)),
        "(c), hand-written serialization": (listing, (hand_written,)),
        "(c), all three": (listing, (session_from_memory, no_filters, hand_written)),
    }
    with replaced(hand_written):
        stand_in = json.loads(get(*listing))
    assert stand_in == json.loads(get(*listing)), "the hand-written stand-in must answer what the list answers"

    seconds: dict[str, list[float]] = {name: [] for name in variants}
    for round_number in range(ROUNDS + 1):  # the first round warms up and is not counted
        for name, (request, parts) in variants.items():
            with replaced(*parts):
                started = time.perf_counter()
                for _ in range(REQUESTS):
                    get(*request)
                if round_number:
                    seconds[name].append(time.perf_counter() - started)
    print(json.dumps({name: statistics.median(s) * 1000 / REQUESTS for name, s in seconds.items()}))


if __name__ == "__main__":
    main(sys.argv[1])
