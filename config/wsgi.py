import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()
# Import the URLconf, and through it every view, now: with gunicorn's preload this runs once in the
# master, so each worker (a recycled one too) is forked warm instead of paying for it on its first
# request, which would show in p99.
get_resolver().check()
if settings.REDIS_URL:
    # Django imports the Redis client at a process's first cache call: here, it is imported once.
    import redis  # noqa: F401
