"""Note attachments: checked against the limits in settings, stored under a random key."""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from apps.core.exceptions import NotFound, RequestTooLarge, UnsupportedMediaType
from apps.notes.models import Note


def note_attachment_set(*, note: Note, upload: UploadedFile) -> Note:
    """Stores `upload` as the note's attachment, replacing (and deleting) any earlier one.

    The content type is the one the client declared, checked against the allowed list; downloads
    are always sent as attachments with nosniff, so a browser never renders one as a page.
    """
    limit = settings.NOTES_ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise RequestTooLarge(f"The file is larger than {limit} bytes.")
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    allowed = settings.NOTES_ATTACHMENT_CONTENT_TYPES
    if content_type not in allowed:
        raise UnsupportedMediaType(f"Unsupported file type: send one of {', '.join(allowed)}.")
    earlier = note.attachment.name or ""
    # The name given is ignored by attachment_key; the client's filename is never used.
    note.attachment.save("upload", upload, save=False)
    note.attachment_content_type = content_type
    try:
        note.save(update_fields=["attachment", "attachment_content_type", "updated_at"])
    except BaseException:
        note.attachment.delete(save=False)  # no row points at it: do not leave it behind
        raise
    if earlier:
        _delete_after_commit(note, earlier)
    return note


def note_attachment_remove(*, note: Note) -> Note:
    if not note.attachment:
        raise NotFound("This note has no attachment.")
    earlier = str(note.attachment.name)
    note.attachment = ""
    note.attachment_content_type = ""
    note.save(update_fields=["attachment", "attachment_content_type", "updated_at"])
    _delete_after_commit(note, earlier)
    return note


def _delete_after_commit(note: Note, name: str) -> None:
    storage = note.attachment.storage
    transaction.on_commit(lambda: storage.delete(name))
