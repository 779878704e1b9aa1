from rest_framework import serializers

from apps.notes.models import Note


class NoteSerializer(serializers.ModelSerializer):
    # The file itself is at /notes/{id}/attachment/; null when the note has none.
    attachment_content_type = serializers.SerializerMethodField()

    class Meta:
        model = Note
        # The owner is implied by the token and never shown: it is always the caller.
        fields = ["id", "title", "body", "is_archived", "attachment_content_type", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]

    def get_attachment_content_type(self, note: Note) -> str | None:
        return note.attachment_content_type or None


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=False)
