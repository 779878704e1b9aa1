from django.conf import settings
from django.db import models


class Note(models.Model):
    """The example resource: replace it with your own domain, keeping the owner scoping."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notes")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=10_000)
    is_archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # Lists always filter by owner and page by creation time: one index serves both.
        indexes = [models.Index(fields=["owner", "-created_at"], name="notes_owner_created_idx")]

    def __str__(self) -> str:
        return self.title
