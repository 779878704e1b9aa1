"""The plain-Django reference: the API's own process plus one hand-written view, no DRF.

Same settings, middleware and database as the API; `/bench/plain-notes/?owner=ID` returns the
same 20 notes the API's list returns, serialized by JsonResponse.
"""

import os

from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, JsonResponse
from django.urls import clear_url_caches, path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from apps.notes.models import Note  # noqa: E402  (needs the app registry loaded above)
from config import urls  # noqa: E402


def plain_notes(request: HttpRequest) -> JsonResponse:
    rows = list(
        Note.objects.filter(owner_id=request.GET.get("owner"))
        .order_by("-created_at")
        .values("id", "title", "body", "is_archived", "created_at", "updated_at")[:20]
    )
    return JsonResponse({"results": rows})


urls.urlpatterns.append(path("bench/plain-notes/", plain_notes))
clear_url_caches()
