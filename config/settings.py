"""The one settings module. Every value comes from the environment (then `.env`, then a default).

Each variable is documented in `.env.example`; a test keeps the two in step. Problems are collected
and reported together at the end of this module, so a bad deployment fails at start with one
message instead of a traceback or, worse, a half-working process.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from sentry_sdk.utils import BadDsn, Dsn

from config.env import REQUIRED, Csv, Env, boolean, choice, fraction, non_negative_int, positive_int, rate, time_zone

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env(search_path=BASE_DIR)

# Core: debug switch, secret key, hosts. DEBUG is off unless asked for, so a forgotten variable
# never exposes tracebacks in production.
DEBUG = env("DEBUG", cast=boolean, default=False)
SECRET_KEY = env(
    "SECRET_KEY",
    cast=str,
    secret=True,
    default="django-insecure-development-only" if DEBUG else REQUIRED,
    hint="Required when DEBUG is off. Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'",
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
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "apps.core",
    "apps.observability",
    "apps.users",
    "apps.notes",
]

MIDDLEWARE = [
    "apps.core.middleware.JsonErrorMiddleware",
    "apps.core.middleware.RequestIdMiddleware",
    # Probes before anything validates the Host header, so a kubelet or load balancer probing
    # by IP address is not refused by ALLOWED_HOSTS.
    "apps.core.middleware.HealthProbeMiddleware",
    "apps.observability.middleware.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
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

# Cache: Redis when REDIS_URL is set, so throttling and cached users hold across processes and
# replicas; otherwise memory local to each process.
REDIS_URL = env("REDIS_URL", cast=str, secret=True, default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "apps.observability.cache.InstrumentedRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", cast=str, default="api"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "apps.observability.cache.InstrumentedLocMemCache"}}

# Auth: email logins, JWT for API clients. Sessions live in signed cookies (admin only), so the
# server keeps no session state.
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
REGISTRATION_ENABLED = env("REGISTRATION_ENABLED", cast=boolean, default=True)
# How long an authenticated request may trust a cached user row. Saving a user clears its entry;
# with the local-memory cache other processes see a deactivation within this many seconds.
AUTH_USER_CACHE_SECONDS = env("AUTH_USER_CACHE_SECONDS", cast=non_negative_int, default=60)
JWT_ALGORITHM = env("JWT_ALGORITHM", cast=choice("HS256", "HS384", "HS512"), default="HS256")
JWT_SIGNING_KEY = env(
    "JWT_SIGNING_KEY",
    cast=str,
    secret=True,
    default=SECRET_KEY if DEBUG else REQUIRED,
    hint="Required when DEBUG is off, and different from SECRET_KEY so either can be rotated alone.",
)
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(seconds=env("JWT_ACCESS_TOKEN_LIFETIME", cast=positive_int, default=300)),
    "REFRESH_TOKEN_LIFETIME": timedelta(seconds=env("JWT_REFRESH_TOKEN_LIFETIME", cast=positive_int, default=86400)),
    "ROTATE_REFRESH_TOKENS": env("JWT_ROTATE_REFRESH_TOKENS", cast=boolean, default=True),
    "BLACKLIST_AFTER_ROTATION": env("JWT_BLACKLIST_AFTER_ROTATION", cast=boolean, default=True),
    "UPDATE_LAST_LOGIN": False,  # a write on every login is a cost most APIs do not need
    "ALGORITHM": JWT_ALGORITHM,
    "SIGNING_KEY": JWT_SIGNING_KEY,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    # Tokens carry a hash of the password; changing it revokes every access token at once.
    "CHECK_REVOKE_TOKEN": True,
    "REVOKE_TOKEN_CLAIM": "pwd",
}

# DRF: JSON in and out only, cached JWT users, cursor pages, one error shape, throttles.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["apps.users.authentication.CachedUserJWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.pagination.CursorPagination",
    "PAGE_SIZE": env("API_PAGE_SIZE", cast=positive_int, default=20),
    "DEFAULT_FILTER_BACKENDS": [
        "apps.core.filters.FilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_ANON_RATE", cast=rate, default="60/min"),
        "user": env("THROTTLE_USER_RATE", cast=rate, default="600/min"),
        # Password checks are deliberately slow; guessing must be slower still.
        "auth": env("THROTTLE_AUTH_RATE", cast=rate, default="10/min"),
    },
    # Throttles key anonymous clients by address; behind nginx that is the X-Forwarded-For entry
    # nginx appended, not nginx's own address (which would put every client in one bucket).
    "NUM_PROXIES": 1 if BEHIND_PROXY else None,
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

# Request limits: kept in step with nginx's client_max_body_size (nginx/api.conf).
DATA_UPLOAD_MAX_MEMORY_SIZE = env("DATA_UPLOAD_MAX_MEMORY_SIZE", cast=positive_int, default=1_048_576)

# Static files: hashed, compressed and served by WhiteNoise, so the app is complete without nginx.
STATIC_URL = "static/"
STATIC_ROOT = env("STATIC_ROOT", cast=Path, default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Start-up (start.sh -> manage.py prepare): each step can be switched off, so migrations can run
# as a one-off release job instead of in every replica.
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
        # The access line comes from gunicorn, with the same fields; Django's own would repeat it.
        "django.server": {"level": "WARNING"},
    },
}

# Observability: Sentry error reports (off unless SENTRY_DSN is set), Prometheus metrics served by
# the gunicorn master on METRICS_PORT (off unless set), and warnings for slow requests and queries.
SENTRY_DSN = env("SENTRY_DSN", cast=str, secret=True, default="")
if SENTRY_DSN:
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
METRICS_ENABLED = bool(env("METRICS_PORT", cast=non_negative_int, default=0))
SLOW_REQUEST_MS = env("SLOW_REQUEST_MS", cast=non_negative_int, default=1000)
SLOW_SQL_MS = env("SLOW_SQL_MS", cast=non_negative_int, default=200)

# Security: behind nginx, trust X-Forwarded-Proto only when told so; HTTPS-only cookies and HSTS.
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT", cast=boolean, default=False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env("SECURE_HSTS_SECONDS", cast=non_negative_int, default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env("SECURE_HSTS_INCLUDE_SUBDOMAINS", cast=boolean, default=False)
SECURE_HSTS_PRELOAD = env("SECURE_HSTS_PRELOAD", cast=boolean, default=False)
SESSION_COOKIE_SECURE = env("SECURE_COOKIES", cast=boolean, default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "apps.core.errors.csrf_failure"

env.exit_if_invalid()
