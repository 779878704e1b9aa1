#!/usr/bin/env bash
# Starts the worker process type: runs background jobs until SIGTERM, configured only by the
# environment (.env.example: JOBS_*). Migrations are left to the web process or the release job.
# `exec` hands the process over, so SIGTERM from docker or Kubernetes reaches the worker, which
# finishes its running job and exits.
set -euo pipefail
cd "$(dirname "$0")"

# prometheus_client keeps every sample in files when this is set, for gunicorn's master to sum.
# The worker is one process serving its own metrics from memory (METRICS_PORT): inherited, the
# variable would leave files behind in a folder nothing cleans, or stop the start if it is missing.
unset PROMETHEUS_MULTIPROC_DIR
exec python manage.py worker
