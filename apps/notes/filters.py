import django_filters

from apps.core.filters import DateTimeFilter
from apps.notes.models import Note


class NoteFilter(django_filters.FilterSet):
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")
    updated_after = DateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Note
        fields = ["is_archived"]
