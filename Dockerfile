# The API image: built once per commit, configured at run time by environment variables (.env.example).
# Python's minor version matches .python-version and the locks in requirements/.
# Few steps, the slow-changing ones first: each step is a layer to store and, on some storage
# drivers, a full copy to make; the commit's labels come from `docker build --label` (CI).

# --- build: a virtualenv from the hash-pinned lock, nothing compiled at build time -----------------
FROM python:3.11.14-slim-bookworm AS build
COPY requirements/production.txt /tmp/production.txt
# The lock is the whole environment (--no-deps: no dependency's looser requirement can pull in a
# release the lock does not pin); `pip check` fails the build if it misses one for this Python.
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check --no-deps --require-hashes -r /tmp/production.txt \
 && /opt/venv/bin/pip check

# --- runtime: the virtualenv, the code, collected static files; no compiler, no pip cache ---------
FROM python:3.11.14-slim-bookworm AS runtime
LABEL org.opencontainers.image.title="api" \
      org.opencontainers.image.description="Django REST Framework API" \
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
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY . .
# Bytecode compiled once here: at run time nothing is written (PYTHONDONTWRITEBYTECODE, and a
# read-only root filesystem on Kubernetes), so every start would otherwise compile the app again.
# DEBUG=true only for collectstatic: it needs no secret, and none is baked into the image.
# The code stays root's. The app user owns staticfiles/ (so STARTUP_COLLECTSTATIC=true from a
# .env works) and media/ (MEDIA_ROOT's default, so a named volume there starts with that owner)
# and may create files in /app, the default SQLite database's folder, where the
# sticky bit keeps it from deleting or renaming the code.
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app \
 && python -m compileall -q apps config manage.py \
 && DEBUG=true python manage.py collectstatic --noinput --verbosity 0 \
 && install -d -o app -g app media \
 && chown -R app:app staticfiles \
 && chgrp app . && chmod 1775 .

USER 10001:10001
EXPOSE 8001
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8001'), timeout=2)"]
ENTRYPOINT ["./start.sh"]
