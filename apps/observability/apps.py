from django.apps import AppConfig
from django.conf import settings


class ObservabilityConfig(AppConfig):
    """Error reports, metrics and slow-request logging: the signals an operator graphs and alerts on."""

    name = "apps.observability"

    def ready(self) -> None:
        # Here rather than in settings: with gunicorn's preload the master initialises once and
        # every worker inherits it (the SDK restarts its sending thread after a fork).
        if settings.SENTRY_DSN:
            from apps.observability.sentry import init_sentry

            init_sentry(
                dsn=settings.SENTRY_DSN,
                environment=settings.SENTRY_ENVIRONMENT,
                release=settings.SENTRY_RELEASE,
                sample_rate=settings.SENTRY_SAMPLE_RATE,
                traces_sample_rate=settings.SENTRY_TRACES_SAMPLE_RATE,
            )
