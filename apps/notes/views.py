from django.db.models import QuerySet
from rest_framework import viewsets
from rest_framework.serializers import BaseSerializer

from apps.notes.filters import NoteFilter
from apps.notes.models import Note
from apps.notes.serializers import NoteSerializer


class NoteViewSet(viewsets.ModelViewSet):
    """The caller's notes. Another user's note answers 404: its existence is not revealed."""

    serializer_class = NoteSerializer
    filterset_class = NoteFilter
    search_fields = ["title", "body"]
    ordering_fields = ["created_at", "updated_at", "title"]
    ordering = ["-created_at"]

    def get_queryset(self) -> QuerySet[Note]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Note.objects.none()
        return Note.objects.filter(owner_id=self.request.user.pk)

    def perform_create(self, serializer: BaseSerializer) -> None:
        serializer.save(owner=self.request.user)
