#!/usr/bin/env bash
# Starts the worker process type: runs background jobs until SIGTERM, configured only by the
# environment (.env.example: JOBS_*). Migrations are left to the web process or the release job.
# `exec` hands the process over, so SIGTERM from docker or Kubernetes reaches the worker, which
# finishes its running job and exits.
set -euo pipefail
cd "$(dirname "$0")"

exec python manage.py worker
