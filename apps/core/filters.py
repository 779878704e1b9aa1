"""Filter building blocks shared by every app's FilterSet."""

from datetime import UTC, datetime
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django_filters.fields import IsoDateTimeField


class UTCIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, converted to UTC before it reaches the database.

    Python accepts UTC offsets up to ±23:59 and PostgreSQL only up to ±15:59: passed through, an
    offset such as +18:50 is a database error (a 500). In UTC every offset Python accepts is fine;
    one that pushes the instant past year 1 or 9999 is refused here.
    """

    def to_python(self, value: Any) -> datetime | None:
        parsed: datetime | None = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise ValidationError("Enter a date and time between years 1 and 9999 in UTC.", code="invalid") from None


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCIsoDateTimeField
