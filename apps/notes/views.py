from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from apps.core.exceptions import NotFound, RequestTooLarge
from apps.notes.filters import NoteFilter
from apps.notes.models import Note
from apps.notes.serializers import AttachmentUploadSerializer, NoteSerializer
from apps.notes.services import note_attachment_remove, note_attachment_set

# Room for the multipart boundaries and part headers around the file itself.
MULTIPART_OVERHEAD_BYTES = 16_384
# The internal nginx location (nginx/api.conf.template) that serves MEDIA_ROOT to X-Accel-Redirect.
NGINX_MEDIA_LOCATION = "/_media/"


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

    @extend_schema(
        methods=["GET"],
        summary="Download the note's attachment",
        description="The file itself, or (object storage) a redirect to a signed URL valid for S3_SIGNED_URL_SECONDS.",
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            302: OpenApiResponse(description="Redirect to a short-lived signed URL."),
        },
    )
    @extend_schema(
        methods=["PUT"],
        summary="Attach a file to the note (multipart), replacing any earlier one",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses=NoteSerializer,
    )
    @extend_schema(methods=["DELETE"], summary="Delete the note's attachment", responses={204: None})
    @action(detail=True, methods=["get", "put", "delete"], parser_classes=[MultiPartParser])
    def attachment(self, request: Request, pk: str | None = None) -> HttpResponseBase:
        note = self.get_object()
        if request.method == "PUT":
            return self._upload(request, note)
        if request.method == "DELETE":
            note_attachment_remove(note=note)
            return Response(status=status.HTTP_204_NO_CONTENT)
        return self._download(note)

    def _upload(self, request: Request, note: Note) -> Response:
        # Refused before the body is read, so an oversized file is never spooled to disk.
        length = request.META.get("CONTENT_LENGTH", "")
        if length.isdigit() and int(length) > settings.NOTES_ATTACHMENT_MAX_BYTES + MULTIPART_OVERHEAD_BYTES:
            raise RequestTooLarge(f"The file is larger than {settings.NOTES_ATTACHMENT_MAX_BYTES} bytes.")
        upload = AttachmentUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        note_attachment_set(note=note, upload=upload.validated_data["file"])
        return Response(NoteSerializer(note).data)

    def _download(self, note: Note) -> HttpResponseBase:
        if not note.attachment:
            raise NotFound("This note has no attachment.")
        if not isinstance(note.attachment.storage, FileSystemStorage):
            return HttpResponseRedirect(note.attachment.url)  # signed, short-lived
        response: HttpResponseBase
        if settings.MEDIA_ACCEL_REDIRECT:
            response = HttpResponse(content_type=note.attachment_content_type)
            response["X-Accel-Redirect"] = NGINX_MEDIA_LOCATION + str(note.attachment.name)
        else:
            response = FileResponse(note.attachment.open("rb"), content_type=note.attachment_content_type)
        response["Content-Disposition"] = 'attachment; filename="attachment"'
        response["Cache-Control"] = "private, no-store"
        return response
