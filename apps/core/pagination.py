from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from rest_framework import pagination
from rest_framework.exceptions import NotFound
from rest_framework.request import Request

from apps.core.exceptions import InvalidCursor


class StableCursorPagination(pagination.CursorPagination):
    """Cursor pages: no COUNT(*) per request and stable under inserts.

    A page-number paginator runs COUNT(*) on every list request, which grows with the table; a
    cursor seeks by the ordering key, so a page costs the same on the millionth row as on the
    first, and a client scrolling while rows are added sees no duplicates or gaps.

    DRF's cursor needs a unique, unchanging ordering: every ordering (a client's `?ordering=title`
    included) is ended with the primary key, so rows that share a title come in one fixed order
    and none is skipped or repeated (DRF steps over such a run with an offset, capped at
    `offset_cutoff`, 1000 rows sharing one value). A cursor is checked against the field it points into before
    it reaches a query: a forged one is a 400, not a database error.
    """

    ordering = "-created_at"
    page_size_query_param = "page_size"

    @property
    def max_page_size(self) -> int:  # type: ignore[override]
        return int(settings.API_MAX_PAGE_SIZE)

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        self.model: type[Model] = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> tuple[str, ...]:
        ordering = tuple(super().get_ordering(request, queryset, view))
        last = ordering[-1].lstrip("-")
        if last in ("pk", queryset.model._meta.pk.name):
            return ordering
        return (*ordering, "-pk" if ordering[0].startswith("-") else "pk")

    def decode_cursor(self, request: Request) -> pagination.Cursor | None:
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise InvalidCursor() from None
        if cursor is None or cursor.position is None:
            return cursor
        name = self.ordering[0].lstrip("-")
        field = self.model._meta.pk if name == "pk" else self.model._meta.get_field(name)
        try:
            field.to_python(cursor.position)  # type: ignore[union-attr]
        except ValidationError:
            raise InvalidCursor() from None
        if "\x00" in str(cursor.position):
            raise InvalidCursor()
        return cursor
