# syntax=docker/dockerfile:1
# The API image: built once per commit, configured at run time by environment variables (.env.example).
# Python's minor version matches .python-version and the locks in requirements/.

# --- build: a virtualenv from the hash-pinned lock, nothing compiled at build time -----------------
FROM python:3.11.14-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
COPY requirements/production.txt /tmp/production.txt
RUN /opt/venv/bin/pip install --require-hashes --no-deps -r /tmp/production.txt

# --- runtime: the virtualenv, the code, collected static files; no compiler, no pip cache ---------
FROM python:3.11.14-slim-bookworm AS runtime
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="api" \
      org.opencontainers.image.description="Django REST Framework API" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="MIT"
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH="/opt/venv/bin:${PATH}" \
    PORT=8001 \
    # Error reports name the commit they came from.
    SENTRY_RELEASE="${REVISION}" \
    STATIC_ROOT=/app/staticfiles \
    # Collected below, at build time; replicas need not repeat it at every start.
    STARTUP_COLLECTSTATIC=false

RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY . .
# Bytecode compiled once here: at run time nothing is written (PYTHONDONTWRITEBYTECODE, and a
# read-only root filesystem on Kubernetes), so every start would otherwise compile the app again.
# DEBUG=true only for collectstatic: it needs no secret, and none is baked into the image.
RUN python -m compileall -q apps config manage.py \
 && DEBUG=true python manage.py collectstatic --noinput --verbosity 0
# MEDIA_ROOT's default, owned by the app's user: a named volume mounted here starts with that owner.
RUN install -d -o app -g app /app/media

USER 10001:10001
EXPOSE 8001
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8001'), timeout=2)"]
ENTRYPOINT ["./start.sh"]
