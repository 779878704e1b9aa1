#!/usr/bin/env bash
# Starts the API as a container (or any host) runs it: prepare, then hand the process to gunicorn.
# The release steps (apps/core/prepare.py, also `manage.py prepare`) wait for the database, collect
# static files and migrate, each step switchable by the environment (.env.example: STARTUP_*).
# `exec` makes gunicorn PID 1's successor, so SIGTERM from docker or Kubernetes reaches it and
# shutdown is graceful.
set -euo pipefail
cd "$(dirname "$0")"

python -m apps.core.prepare
# Arguments, if any, replace the WSGI app (the benchmark serves its reference apps this way).
exec gunicorn --config config/gunicorn.py "${@:-config.wsgi:application}"
