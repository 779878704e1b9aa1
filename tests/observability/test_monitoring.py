"""The dashboard, the query file, the README and the Kubernetes manifests agree with the metrics."""

import json
import re

import pytest

from apps.jobs import metrics as job_metrics
from apps.observability import metrics
from tests.project_files import ROOT, k8s_documents

MONITORING = ROOT / "monitoring"
EXPORTED = (
    metrics.REQUEST_DURATION,
    metrics.REQUESTS_IN_FLIGHT,
    metrics.DB_QUERY_DURATION,
    metrics.CACHE_LOOKUPS,
    metrics.CACHE_ERRORS,
    job_metrics.JOB_DURATION,
    job_metrics.JOBS_READY,
    job_metrics.JOBS_OLDEST_READY_AGE,
    job_metrics.WORKER_LAST_BEAT,
)


def _dashboard_queries() -> list[str]:
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


_SUFFIXES = {"histogram": ("_bucket", "_count", "_sum"), "gauge": ("",), "counter": ("_total",)}


def _sample_names() -> set[str]:
    families = [family for metric in EXPORTED for family in metric.collect()]
    return {family.name + suffix for family in families for suffix in _SUFFIXES[family.type]}


def _families() -> set[str]:
    return {family.name for metric in EXPORTED for family in metric.collect()}


def test_dashboard_queries_name_only_metrics_the_app_exports() -> None:
    named = {name for query in _dashboard_queries() for name in re.findall(r"\b(?:http|db|cache|jobs?)_\w+", query)}
    assert named
    assert named - _sample_names() == set()


def test_dashboard_draws_every_metric_the_app_exports() -> None:
    queries = " ".join(_dashboard_queries())
    assert [family for family in _families() if family not in queries] == []


def test_the_readme_and_query_file_give_the_dashboards_key_queries() -> None:
    readme = (ROOT / "README.md").read_text().split("```promql\n", 1)[1].split("```", 1)[0]
    query_file = (MONITORING / "queries.promql").read_text()
    in_file = [line for line in query_file.splitlines() if line and not line.startswith("#")]
    assert readme.splitlines() == in_file
    assert len(in_file) == 5  # three for the web, two for the worker
    assert set(in_file) <= set(_dashboard_queries())


@pytest.mark.parametrize("deployment", ["deployment.yaml", "worker-deployment.yaml"])
def test_kubernetes_scrapes_the_metrics_port_that_the_service_does_not_expose(deployment: str) -> None:
    manifests = k8s_documents()
    pod = manifests[deployment]["spec"]["template"]
    [container] = pod["spec"]["containers"]
    metrics_port = int(manifests["configmap.yaml"]["data"]["METRICS_PORT"])
    annotations = pod["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert int(annotations["prometheus.io/port"]) == metrics_port
    assert annotations["prometheus.io/path"] == "/metrics"
    assert {"name": "metrics", "containerPort": metrics_port} in container["ports"]
    exposed = {port["targetPort"] for port in manifests["service.yaml"]["spec"]["ports"]}
    assert exposed & {"metrics", metrics_port} == set()
