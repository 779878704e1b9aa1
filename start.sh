#!/usr/bin/env bash
# Starts the API as a container (or any host) runs it: prepare, then hand the process to gunicorn.
# prepare (apps/core/prepare.py, also `manage.py prepare`) waits for the database, then runs the
# release steps (apps/core/release_steps.py): collect static files and migrate, each switchable by
# the environment (.env.example: STARTUP_*).
# `exec` makes gunicorn PID 1's successor, so SIGTERM from docker or Kubernetes reaches it and
# shutdown is graceful.
set -euo pipefail
cd "$(dirname "$0")"

python -m apps.core.prepare
# Arguments, if any, replace the WSGI app (the benchmark serves its reference apps this way).
exec gunicorn --config config/gunicorn.py "${@:-config.wsgi:application}"
