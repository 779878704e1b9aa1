import logging
from typing import Any

from django.apps import AppConfig
from django.core.signals import request_finished


def _forget_request_id(**kwargs: Any) -> None:
    from apps.core.logging import request_id_var

    request_id_var.set(None)


class CoreConfig(AppConfig):
    name = "apps.core"

    def ready(self) -> None:
        # The request id lives until the response is closed, so every line logged for the
        # request, Django's own 4xx/5xx warning included, carries it; then it is forgotten.
        request_finished.connect(_forget_request_id, dispatch_uid="apps.core.forget_request_id")
        # Python warnings (a library's UserWarning, a DeprecationWarning) become log records, so
        # they reach stdout as JSON like every other line instead of as raw text on stderr.
        logging.captureWarnings(True)
