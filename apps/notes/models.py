import uuid

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver


def attachment_key(instance: "Note", filename: str) -> str:
    """A random key: the client's filename is never used, so it can neither collide nor be guessed."""
    return f"notes/{uuid.uuid4().hex}"


class Note(models.Model):
    """The example resource: replace it with your own domain, keeping the owner scoping."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notes")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=10_000)
    is_archived = models.BooleanField(default=False)
    # One optional file, in the default storage (settings: Media); its type as checked at upload.
    attachment = models.FileField(upload_to=attachment_key, blank=True, max_length=100)
    attachment_content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # Lists always filter by owner and page by creation time: one index serves both.
        indexes = [models.Index(fields=["owner", "-created_at"], name="notes_owner_created_idx")]

    def __str__(self) -> str:
        return self.title


@receiver(post_delete, sender=Note)
def delete_attachment_file(sender: type[Note], instance: Note, **kwargs: object) -> None:
    """A signal, not a service, because a cascade (a deleted user) deletes rows without calling
    any function of ours. After commit, so a rolled-back delete keeps its file."""
    if instance.attachment:
        name, storage = str(instance.attachment.name), instance.attachment.storage
        transaction.on_commit(lambda: storage.delete(name))
