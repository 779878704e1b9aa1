from rest_framework.routers import DefaultRouter

from apps.notes.views import NoteViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("notes", NoteViewSet, basename="note")

urlpatterns = router.urls
