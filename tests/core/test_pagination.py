from apps.core.pagination import StableCursorPagination


def test_the_largest_page_follows_the_setting_at_request_time(settings) -> None:  # type: ignore[no-untyped-def]
    settings.API_MAX_PAGE_SIZE = 7
    assert StableCursorPagination().max_page_size == 7
