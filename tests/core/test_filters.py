"""The filter building blocks every app's FilterSet uses, tested on the user model alone."""

from datetime import UTC, datetime

import django_filters
import pytest
from django.core.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from apps.core.filters import DateTimeFilter, FilterBackend, UTCIsoDateTimeField
from apps.users.models import User
from tests.users.factories import UserFactory


class JoinedFilter(django_filters.FilterSet):
    joined_after = DateTimeFilter(field_name="date_joined", lookup_expr="gte")

    class Meta:
        model = User
        fields = ["is_active"]


class View:
    filterset_class = JoinedFilter


def filtered(**params: str) -> list[str]:
    request = Request(APIRequestFactory().get("/", params))
    return sorted(user.email for user in FilterBackend().filter_queryset(request, User.objects.all(), View()))


def test_an_offset_postgresql_refuses_is_converted_to_utc() -> None:
    parsed = UTCIsoDateTimeField().to_python("2000-01-01T00:00:00+18:50")
    assert parsed == datetime(1999, 12, 31, 5, 10, tzinfo=UTC)
    assert parsed.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


def test_an_instant_before_year_one_in_utc_is_refused() -> None:
    with pytest.raises(ValidationError, match="between years 1 and 9999"):
        UTCIsoDateTimeField().to_python("0001-01-01T00:30:00+01:00")


def test_an_empty_value_is_no_filter() -> None:
    assert UTCIsoDateTimeField().to_python("") is None


@pytest.mark.django_db
def test_a_request_naming_no_filter_is_not_filtered() -> None:
    UserFactory(email="active@example.com")
    UserFactory(email="inactive@example.com", is_active=False)
    assert filtered(search="ignored") == ["active@example.com", "inactive@example.com"]


@pytest.mark.django_db
def test_a_request_naming_a_filter_is_filtered() -> None:
    UserFactory(email="active@example.com")
    UserFactory(email="inactive@example.com", is_active=False)
    assert filtered(is_active="false") == ["inactive@example.com"]
