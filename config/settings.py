"""The one settings module. Every value comes from the environment (then `.env`, then a default).

Each variable is documented in `.env.example`; a test keeps the two in step. Problems are collected
and reported together at the end of this module, so a bad deployment fails at start with one
message instead of a traceback or, worse, a half-working process.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url

from config.env import (
    GENERATE_KEY_HINT,
    REQUIRED,
    Csv,
    Env,
    boolean,
    choice,
    email_url,
    fraction,
    http_url,
    non_negative_int,
    positive_int,
    rate,
    time_zone,
    weak_secrets,
)

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env(search_path=BASE_DIR)

# Core: debug switch, secret key, hosts. DEBUG is off unless asked for, so a forgotten variable
# never exposes tracebacks in production.
DEBUG = env("DEBUG", cast=boolean, default=False)
# Public on purpose, so usable only with DEBUG on: weak_secrets() refuses them otherwise.
DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-secret-key-known-to-everyone"  # noqa: S105
DEVELOPMENT_JWT_SIGNING_KEY = "django-insecure-development-only-jwt-signing-key-known-to-everyone"
SECRET_KEY = env(
    "SECRET_KEY",
    cast=str,
    secret=True,
    default=DEVELOPMENT_SECRET_KEY if DEBUG else REQUIRED,
    hint=f"Required when DEBUG is off. {GENERATE_KEY_HINT}",
)
ALLOWED_HOSTS = env("ALLOWED_HOSTS", cast=Csv(), default="localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS", cast=Csv(), default="")
# Behind nginx: the client address is the last X-Forwarded-For entry, the scheme X-Forwarded-Proto.
BEHIND_PROXY = env("BEHIND_PROXY", cast=boolean, default=False)
TIME_ZONE = env("TIME_ZONE", cast=time_zone, default="UTC")
USE_TZ = True
LANGUAGE_CODE = env("LANGUAGE_CODE", cast=str, default="en-us")
USE_I18N = True

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "users.User"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "drf_spectacular_sidecar",
    "apps.core",
    "apps.observability",
    "apps.users",
    "apps.notes",
    "apps.jobs",
]

MIDDLEWARE = [
    "apps.core.middleware.JsonErrorMiddleware",
    "apps.core.middleware.RequestIdMiddleware",
    # Probes before anything validates the Host header, so a kubelet or load balancer probing
    # by IP address is not refused by ALLOWED_HOSTS.
    "apps.core.middleware.HealthProbeMiddleware",
    "apps.core.middleware.RejectNulMiddleware",
    "apps.observability.middleware.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "apps.core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: one URL. Unset, an SQLite file beside the code, so a fresh clone runs with no server.
# Persistent connections with a health check before reuse are the default for PostgreSQL.
DATABASE_URL = env(
    "DATABASE_URL",
    cast=str,
    secret=True,
    default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
    hint="Expected a URL such as postgres://user:password@host:5432/name.",
)
CONN_MAX_AGE = env("CONN_MAX_AGE", cast=non_negative_int, default=600)
CONN_HEALTH_CHECKS = env("CONN_HEALTH_CHECKS", cast=boolean, default=True)
DATABASE_CONNECT_TIMEOUT = env("DATABASE_CONNECT_TIMEOUT", cast=positive_int, default=5)
DATABASES = {}
if DATABASE_URL is not None:
    try:
        DATABASES["default"] = dj_database_url.parse(
            DATABASE_URL, conn_max_age=CONN_MAX_AGE or 0, conn_health_checks=bool(CONN_HEALTH_CHECKS)
        )
    except ValueError as exc:
        env.problems.append(f"DATABASE_URL is not valid: {exc}.")
if DATABASES.get("default", {}).get("ENGINE") == "django.db.backends.postgresql":
    # A dead database must fail a request fast (503), not hang it until gunicorn kills the worker.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = DATABASE_CONNECT_TIMEOUT

# Cache: Redis when REDIS_URL is set, so the general throttles hold across processes and replicas;
# otherwise memory local to each process. Nothing that must be exact lives in the cache (users are
# read from the database, the auth throttle counts there).
REDIS_URL = env("REDIS_URL", cast=str, secret=True, default="")
if REDIS_URL and urlsplit(REDIS_URL).scheme not in {"redis", "rediss", "unix"}:
    env.problems.append("REDIS_URL is not valid: expected a URL such as redis://host:6379/0 (or rediss://, unix://).")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "apps.observability.cache.InstrumentedRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", cast=str, default="api"),
            # A stopped or hung Redis must cost a request a fraction of a second, not redis-py's
            # unbounded wait: Redis answers in well under a millisecond when healthy.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "apps.observability.cache.InstrumentedLocMemCache"}}

# Auth: email logins, JWT for API clients. Sessions (the admin's only) live in the database, so
# logging out really ends one: a signed-cookie session stays valid wherever the cookie was copied.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
REGISTRATION_ENABLED = env("REGISTRATION_ENABLED", cast=boolean, default=True)
JWT_ALGORITHM = env("JWT_ALGORITHM", cast=choice("HS256", "HS384", "HS512"), default="HS256")
JWT_SIGNING_KEY = env(
    "JWT_SIGNING_KEY",
    cast=str,
    secret=True,
    default=DEVELOPMENT_JWT_SIGNING_KEY if DEBUG else REQUIRED,
    hint="Required when DEBUG is off, and different from SECRET_KEY so either can be rotated alone.",
)
env.problems += weak_secrets(
    secret_key=SECRET_KEY, jwt_signing_key=JWT_SIGNING_KEY, jwt_algorithm=JWT_ALGORITHM or "HS256", debug=bool(DEBUG)
)
if DEBUG and {SECRET_KEY, JWT_SIGNING_KEY} & {DEVELOPMENT_SECRET_KEY, DEVELOPMENT_JWT_SIGNING_KEY}:
    env.warn(
        "SECRET_KEY or JWT_SIGNING_KEY is not set: sessions and tokens are signed with a development key "
        "everyone knows. `make install` writes a .env with fresh keys."
    )
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(seconds=env("JWT_ACCESS_TOKEN_LIFETIME", cast=positive_int, default=300)),
    "REFRESH_TOKEN_LIFETIME": timedelta(seconds=env("JWT_REFRESH_TOKEN_LIFETIME", cast=positive_int, default=86400)),
    # Rotation (always on) and revocation are apps.users' sessions (TokenFamily), not simplejwt's
    # blacklist app: they must be atomic and detect reuse.
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": False,
    "UPDATE_LAST_LOGIN": False,  # a write on every login is a cost most APIs do not need
    "ALGORITHM": JWT_ALGORITHM,
    "SIGNING_KEY": JWT_SIGNING_KEY,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    # Tokens carry a hash of the password; changing it revokes every access token at once.
    "CHECK_REVOKE_TOKEN": True,
    "REVOKE_TOKEN_CLAIM": "pwd",
    # Active, and verified when REGISTRATION_REQUIRE_EMAIL_VERIFICATION is on.
    "USER_AUTHENTICATION_RULE": "apps.users.accounts.user_may_obtain_tokens",
}

# Email: the mail server is an attached resource named by one URL. Development prints messages
# to stdout; elsewhere the default is Django's own, an SMTP server on localhost.
# Lower case, so the password in it is no setting that a debug page could show.
_email = env(
    "EMAIL_URL",
    cast=email_url,
    secret=True,
    default="console://" if DEBUG else "smtp://localhost:25",
    hint="Expected smtp://user:password@host:587/?tls=true, smtps://user:password@host:465 or console://.",
) or email_url("console://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
# An unreachable mail server must fail a send within seconds, not hold a worker until it is killed.
EMAIL_TIMEOUT = env("EMAIL_TIMEOUT", cast=positive_int, default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", cast=str, default="webmaster@localhost")
# The front end's address: account emails link to FRONTEND_URL/reset-password?uid=…&token=… and
# FRONTEND_URL/verify-email?uid=…&token=…; that page posts the two values back to the API.
FRONTEND_URL = env("FRONTEND_URL", cast=http_url, default="http://localhost:3000")
# When on, new accounts obtain no tokens until their address is verified, and registration answers
# the same whether or not the address already has an account (no account enumeration).
REGISTRATION_REQUIRE_EMAIL_VERIFICATION = env("REGISTRATION_REQUIRE_EMAIL_VERIFICATION", cast=boolean, default=False)
# Seconds a password-reset or email-verification link stays valid (Django's PASSWORD_RESET_TIMEOUT).
PASSWORD_RESET_TIMEOUT = env("ACCOUNT_LINK_LIFETIME", cast=positive_int, default=86400)

# DRF: JSON in and out only, JWT users checked against the database, cursor pages, one error
# shape, throttles.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["apps.users.authentication.SessionCheckedJWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["apps.core.parsers.NestingSafeJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.pagination.StableCursorPagination",
    "PAGE_SIZE": env("API_PAGE_SIZE", cast=positive_int, default=20),
    "DEFAULT_FILTER_BACKENDS": [
        "apps.core.filters.FilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "apps.core.throttling.AnonCacheRateThrottle",
        "apps.core.throttling.UserCacheRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_ANON_RATE", cast=rate, default="60/min"),
        "user": env("THROTTLE_USER_RATE", cast=rate, default="600/min"),
        # Password checks are deliberately slow; guessing must be slower still. Counted in the
        # database by apps.users.throttling, shared by every worker and replica.
        "auth": env("THROTTLE_AUTH_RATE", cast=rate, default="10/min"),
    },
    # Throttles key anonymous clients by address: the TCP peer, or behind nginx the one
    # X-Forwarded-For entry nginx appended (not nginx's own address, which would put every client
    # in one bucket). Never the whole header, which DRF's default (None) uses and any client forges.
    "NUM_PROXIES": 1 if BEHIND_PROXY else 0,
    "EXCEPTION_HANDLER": "apps.core.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
API_MAX_PAGE_SIZE = env("API_MAX_PAGE_SIZE", cast=positive_int, default=100)
SPECTACULAR_SETTINGS = {
    "TITLE": env("API_TITLE", cast=str, default="API"),
    "DESCRIPTION": "REST API. Authenticate with a Bearer token from /api/v1/auth/token/.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files come from the app (drf-spectacular-sidecar), not a CDN: no third party
    # sees the docs' visitors, the docs work offline, and the CSP allows only 'self'.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.schema.add_error_responses",
    ],
}
CORS_ALLOWED_ORIGINS = env("CORS_ALLOWED_ORIGINS", cast=Csv(), default="")
ADMIN_ENABLED = env("ADMIN_ENABLED", cast=boolean, default=True)
ADMIN_URL = env("ADMIN_URL", cast=str, default="admin/")
if ADMIN_URL is not None and (not ADMIN_URL.endswith("/") or ADMIN_URL.startswith("/")):
    env.problems.append(f"ADMIN_URL={ADMIN_URL!r} is not valid: expected a path like 'admin/' (no leading slash).")

# Background jobs: queued in the database (django-tasks-db), so no broker, and a job enqueued in a
# transaction commits or rolls back with it; `manage.py worker` (worker.sh) runs them, retries
# failures with exponential backoff and reruns the jobs of a worker that died mid-job.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
JOBS_WORKER_POLL_SECONDS = env("JOBS_WORKER_POLL_SECONDS", cast=positive_int, default=1)
JOBS_WORKER_LOST_AFTER_SECONDS = env("JOBS_WORKER_LOST_AFTER_SECONDS", cast=positive_int, default=60)
# A file each heartbeat touches, for a container healthcheck (compose); empty: none.
JOBS_HEARTBEAT_FILE = env("JOBS_HEARTBEAT_FILE", cast=str, default="")
JOBS_MAX_ATTEMPTS = env("JOBS_MAX_ATTEMPTS", cast=positive_int, default=5)
JOBS_RETRY_BACKOFF_SECONDS = env("JOBS_RETRY_BACKOFF_SECONDS", cast=positive_int, default=10)
JOBS_HOUSEKEEPING_SECONDS = env("JOBS_HOUSEKEEPING_SECONDS", cast=positive_int, default=3600)
JOBS_KEEP_FINISHED_DAYS = env("JOBS_KEEP_FINISHED_DAYS", cast=positive_int, default=7)

# Request limits: kept in step with nginx's client_max_body_size (nginx/api.conf).
DATA_UPLOAD_MAX_MEMORY_SIZE = env("DATA_UPLOAD_MAX_MEMORY_SIZE", cast=positive_int, default=1_048_576)

# Static files: hashed, compressed and served by WhiteNoise, so the app is complete without nginx.
STATIC_URL = "static/"
STATIC_ROOT = env("STATIC_ROOT", cast=Path, default=BASE_DIR / "staticfiles")
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Media (uploads): a directory (a volume, for one host) unless S3_BUCKET names a bucket of any
# S3-compatible store (AWS S3, MinIO, R2), which every replica shares. Never a public URL: the app
# checks the owner, then lets nginx send the file (X-Accel-Redirect) or redirects to a signed URL.
MEDIA_ROOT = env("MEDIA_ROOT", cast=Path, default=BASE_DIR / "media")
# nginx sends filesystem downloads (its internal /_media/ location reads MEDIA_ROOT); off where
# clients reach gunicorn directly, as in local development, and the app streams them itself.
MEDIA_ACCEL_REDIRECT = env("MEDIA_ACCEL_REDIRECT", cast=boolean, default=BEHIND_PROXY)
S3_BUCKET = env("S3_BUCKET", cast=str, default="")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL", cast=str, default="") or None,
            "region_name": env("S3_REGION", cast=str, default="") or None,
            # Unset, boto3 finds credentials itself (an IAM role, a web identity token).
            "access_key": env("S3_ACCESS_KEY_ID", cast=str, secret=True, default="") or None,
            "secret_key": env("S3_SECRET_ACCESS_KEY", cast=str, secret=True, default="") or None,
            "querystring_expire": env("S3_SIGNED_URL_SECONDS", cast=positive_int, default=300),
            "file_overwrite": False,
            "signature_version": "s3v4",
        },
    }
# Note attachments: nginx's client_max_body_size for the upload location is a little above this.
NOTES_ATTACHMENT_MAX_BYTES = env("NOTES_ATTACHMENT_MAX_BYTES", cast=positive_int, default=5_242_880)
NOTES_ATTACHMENT_CONTENT_TYPES = env(
    "NOTES_ATTACHMENT_CONTENT_TYPES", cast=Csv(), default="application/pdf,image/jpeg,image/png,text/plain"
)

# Start-up (start.sh -> apps/core/prepare.py, then apps/core/release_steps.py): each step can be
# switched off, so migrations can run as a one-off release job instead of in every replica.
STARTUP_COLLECTSTATIC = env("STARTUP_COLLECTSTATIC", cast=boolean, default=True)
STARTUP_MIGRATE = env("STARTUP_MIGRATE", cast=boolean, default=True)
STARTUP_DB_WAIT_SECONDS = env("STARTUP_DB_WAIT_SECONDS", cast=non_negative_int, default=30)

# Logging: everything to stdout, one JSON object a line in production, readable text in development.
LOG_LEVEL = env("LOG_LEVEL", cast=choice("DEBUG", "INFO", "WARNING", "ERROR"), default="INFO")
LOG_FORMAT = env("LOG_FORMAT", cast=choice("json", "text"), default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "apps.core.logging.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "apps.core.logging.JsonFormatter"},
        "text": {"()": "apps.core.logging.TextFormatter"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT or "json",
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL or "INFO"},
    "loggers": {
        # Django's default config gives "django" a plain-text console handler when DEBUG is on:
        # every line twice, once not in LOG_FORMAT. Its records go to the root handler only.
        "django": {"handlers": [], "level": "INFO"},
        # The access line comes from gunicorn, with the same fields; Django's own would repeat it.
        "django.server": {"level": "WARNING"},
    },
}

# Observability: Sentry error reports (off unless SENTRY_DSN is set), Prometheus metrics on
# METRICS_PORT (off unless set) served by the gunicorn master or by the worker, each its own process
# type with its own environment, and warnings for slow requests and queries.
SENTRY_DSN = env("SENTRY_DSN", cast=str, secret=True, default="")
if SENTRY_DSN:
    # Imported only when used: the SDK costs a fifth of a second of every start-up.
    from sentry_sdk.utils import BadDsn, Dsn

    try:
        Dsn(SENTRY_DSN)
    except BadDsn:
        # The SDK would raise at start with a traceback; the DSN holds a key, so it is not echoed.
        env.problems.append("SENTRY_DSN is not valid: expected https://<public key>@<host>/<project id>.")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", cast=str, default="development" if DEBUG else "production")
# The Dockerfile sets it to the image's git revision, so a report names the code that raised it.
SENTRY_RELEASE = env("SENTRY_RELEASE", cast=str, default="")
SENTRY_SAMPLE_RATE = env("SENTRY_SAMPLE_RATE", cast=fraction, default=1.0)
SENTRY_TRACES_SAMPLE_RATE = env("SENTRY_TRACES_SAMPLE_RATE", cast=fraction, default=0.0)
METRICS_PORT = env("METRICS_PORT", cast=non_negative_int, default=0)
METRICS_ENABLED = bool(METRICS_PORT)
# The worker's exporter listens where gunicorn does (config/gunicorn.py): on every interface in a
# container, so Prometheus reaches the pod; on 127.0.0.1 on a bare machine that sets HOST so.
METRICS_HOST = env("HOST", cast=str, default="0.0.0.0")  # noqa: S104
SLOW_REQUEST_MS = env("SLOW_REQUEST_MS", cast=non_negative_int, default=1000)
SLOW_SQL_MS = env("SLOW_SQL_MS", cast=non_negative_int, default=200)

# Security: with DEBUG off every default is the safe one, so a deployment that sets only the
# required variables passes `check --deploy`; each relaxation is one variable. Django decides
# every security header here, behind nginx or not (nginx adds none and hides none).
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT", cast=boolean, default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# One year, this host and its subdomains. Browsers ignore HSTS over plain HTTP and Django sends it
# only on HTTPS answers, so it is safe on by default.
SECURE_HSTS_SECONDS = env("SECURE_HSTS_SECONDS", cast=non_negative_int, default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env("SECURE_HSTS_INCLUDE_SUBDOMAINS", cast=boolean, default=not DEBUG)
# The preload directive is consent for anyone to submit the whole registrable domain to browsers'
# built-in lists, which takes months to undo: the domain's owner opts in, not a template.
SECURE_HSTS_PRELOAD = env("SECURE_HSTS_PRELOAD", cast=boolean, default=False)
SILENCED_SYSTEM_CHECKS = ["security.W021"]  # that preload warning, for the reason above
SESSION_COOKIE_SECURE = env("SECURE_COOKIES", cast=boolean, default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (apps.core.security): JSON answers may load nothing; HTML pages (the docs
# UI and the admin) only what the app itself serves, so they work offline and inject nothing.
CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# The hash admits the one inline <style> of drf-spectacular's swagger_ui.html, nothing else inline.
CONTENT_SECURITY_POLICY_HTML = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
CSRF_FAILURE_VIEW = "apps.core.errors.csrf_failure"

env.exit_if_invalid()
