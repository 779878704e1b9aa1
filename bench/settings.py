"""The API's own settings, routed through bench/urls.py: `make bench` only."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
