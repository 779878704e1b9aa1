from rest_framework import serializers

from apps.notes.models import Note


class NoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Note
        # The owner is implied by the token and never shown: it is always the caller.
        fields = ["id", "title", "body", "is_archived", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
