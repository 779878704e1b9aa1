"""The plain-Django reference: the API's own process, settings, middleware and database, with one
hand-written view beside DRF's (bench/urls.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
application = get_wsgi_application()
