"""The Prometheus metrics of the worker process (`manage.py worker`).

A worker is one process, so its metrics stay in its memory and its own exporter serves them
(METRICS_PORT, apps.observability.exporter); Prometheus adds the replicas up. Jobs are labelled by
task path, never by job id, so the number of series stays that of the tasks the project defines.
As for requests, a timed event is one histogram: its `_count` counts the attempts.
"""

from prometheus_client import Gauge, Histogram

JOB_DURATION = Histogram(
    "job_duration_seconds",
    "Time a job attempt ran, by task and outcome: succeeded, retried (failed, queued again) or failed (for good).",
    ["task", "outcome"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0),
)
# The queue is the same for every replica: each reports all of it, so a query takes max, not sum.
JOBS_READY = Gauge("jobs_ready", "Jobs due to run that no worker has claimed yet, at this worker's last beat.")
JOBS_OLDEST_READY_AGE = Gauge(
    "jobs_oldest_ready_age_seconds",
    "How long the longest-waiting due job had waited, at this worker's last beat; 0 when none waits.",
)
WORKER_LAST_BEAT = Gauge(
    "jobs_worker_last_beat_timestamp_seconds", "When this worker last finished a beat, in Unix time."
)
