"""The list's cost does not grow with the table: PostgreSQL answers its page from an index.

The planner is told to avoid sequential scans, so the plan shows whether an index can serve the
query at all (on a handful of test rows it would scan the table either way); no timing involved.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.notes.models import Note
from apps.users.models import User

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's query plan"),
]


def test_the_list_query_reads_an_index_not_the_whole_table(auth_client: APIClient, user: User) -> None:
    Note.objects.bulk_create(Note(owner=user, title=f"note {i}") for i in range(30))
    with CaptureQueriesContext(connection) as queries:
        assert auth_client.get("/api/v1/notes/").status_code == 200
    [list_query] = [q["sql"] for q in queries if 'FROM "notes_note"' in q["sql"]]

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {list_query}")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Seq Scan" not in plan, plan
    assert "notes_owner_created_idx" in plan, plan
