from django.conf import settings
from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    """Cursor pages: no COUNT(*) per request and stable under inserts.

    A page-number paginator runs COUNT(*) on every list request, which grows with the table; a
    cursor seeks by the ordering key, so a page costs the same on the millionth row as on the
    first, and a client scrolling while rows are added sees no duplicates or gaps.
    """

    ordering = "-created_at"
    page_size_query_param = "page_size"

    @property
    def max_page_size(self) -> int:  # type: ignore[override]
        return int(settings.API_MAX_PAGE_SIZE)
