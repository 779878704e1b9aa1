"""The API's URLs plus the plain-Django reference view (b), which reads the example `notes` app.

`/bench/plain-notes/?owner=ID` returns the same 20 notes the API's list returns, serialized by
JsonResponse; without `notes` installed there is no reference to serve.
"""

from django.apps import apps
from django.http import HttpRequest, JsonResponse
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401  (the API's JSON errors)
from config.urls import urlpatterns as api_urlpatterns

urlpatterns = list(api_urlpatterns)

if apps.is_installed("apps.notes"):
    from apps.notes.models import Note

    def plain_notes(request: HttpRequest) -> JsonResponse:
        rows = list(
            Note.objects.filter(owner_id=request.GET.get("owner"))
            .order_by("-created_at")
            .values("id", "title", "body", "is_archived", "created_at", "updated_at")[:20]
        )
        return JsonResponse({"results": rows})

    urlpatterns.append(path("bench/plain-notes/", plain_notes))
