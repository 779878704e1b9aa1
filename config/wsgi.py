import gc
import os

# As Python's gc documentation advises for a process that forks without exec (gunicorn's preload):
# no collection while the app loads, as each pass would walk the same long-lived modules and
# classes again (about a tenth of the load); at the end, what was loaded is frozen, so forked
# workers neither collect it nor, by touching it, copy the master's memory.
gc.disable()

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.urls import get_resolver  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()
# Import the URLconf, and through it every view, now: with gunicorn's preload this runs once in the
# master, so each worker (a recycled one too) is forked warm instead of paying for it on its first
# request, which would show in p99.
get_resolver().check()
if settings.REDIS_URL:
    # Django imports the Redis client at a process's first cache call: here, it is imported once.
    import redis  # noqa: F401

gc.freeze()
gc.enable()
