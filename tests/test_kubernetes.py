"""k8s/ is consistent with the settings, the image and gunicorn's shutdown."""

import json
import re
from typing import Any

from tests.project_files import ROOT, k8s_documents, variables_read

README = (ROOT / "README.md").read_text()
TEMPLATE = (ROOT / "nginx" / "api.conf.template").read_text()


def container(document: dict[str, Any]) -> dict[str, Any]:
    (only,) = document["spec"]["template"]["spec"]["containers"]
    return only


def test_kustomization_lists_every_manifest() -> None:
    documents = k8s_documents()
    listed = set(documents.pop("kustomization.yaml")["resources"])
    assert listed == set(documents)


def test_every_variable_the_manifests_set_is_read_by_the_api() -> None:
    documents = k8s_documents()
    names = set(documents["configmap.yaml"]["data"])
    for name in ("deployment.yaml", "migrate-job.yaml", "worker-deployment.yaml"):
        names |= {variable["name"] for variable in container(documents[name]).get("env", [])}
    assert len(names) > 10
    assert names - variables_read() == set()


def test_secret_files_point_into_the_mounted_secret() -> None:
    documents = k8s_documents()
    secret_keys = set(documents["secret.example.yaml"]["stringData"])
    for name in ("deployment.yaml", "migrate-job.yaml", "worker-deployment.yaml"):
        api = container(documents[name])
        (mount,) = [m for m in api["volumeMounts"] if m["name"] == "secrets"]
        for variable in api["env"]:
            if variable["name"].endswith("_FILE"):
                directory, _, key = variable["value"].rpartition("/")
                assert directory == mount["mountPath"]
                assert key in secret_keys


def test_shutdown_budget_covers_the_pre_stop_pause_and_gunicorns_grace() -> None:
    documents = k8s_documents()
    pod = documents["deployment.yaml"]["spec"]["template"]["spec"]
    pause = int(container(documents["deployment.yaml"])["lifecycle"]["preStop"]["exec"]["command"][1])
    graceful = int(documents["configmap.yaml"]["data"]["GUNICORN_GRACEFUL_TIMEOUT"])
    assert pod["terminationGracePeriodSeconds"] > pause + graceful


def test_probes_and_hardening() -> None:
    api = container(k8s_documents()["deployment.yaml"])
    assert api["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert api["securityContext"]["readOnlyRootFilesystem"] is True
    assert api["securityContext"]["allowPrivilegeEscalation"] is False
    assert {"cpu", "memory"} <= set(api["resources"]["requests"])
    assert "memory" in api["resources"]["limits"]


def test_migrations_run_in_the_job_not_in_the_deployment() -> None:
    documents = k8s_documents()
    assert documents["configmap.yaml"]["data"]["STARTUP_MIGRATE"] == "false"
    job = container(documents["migrate-job.yaml"])
    assert job["command"] == ["python", "manage.py", "prepare"]
    assert {"name": "STARTUP_MIGRATE", "value": "true"} in job["env"]


def test_worker_runs_worker_sh_with_the_web_config_and_no_service() -> None:
    documents = k8s_documents()
    worker = documents["worker-deployment.yaml"]
    assert container(worker)["command"] == ["./worker.sh"]
    assert container(worker)["envFrom"] == container(documents["deployment.yaml"])["envFrom"]
    labels = worker["spec"]["template"]["metadata"]["labels"]
    assert not set(documents["service.yaml"]["spec"]["selector"].items()) <= set(labels.items())
    assert [port["name"] for port in container(worker)["ports"]] == ["metrics"]  # nothing else to serve


def test_the_autoscaler_owns_the_replica_count() -> None:
    documents = k8s_documents()
    assert "replicas" not in documents["deployment.yaml"]["spec"]
    target = documents["hpa.yaml"]["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", documents["deployment.yaml"]["metadata"]["name"])


def test_pods_of_the_api_image_pull_with_the_registry_secret() -> None:
    documents = k8s_documents()
    for name in ("deployment.yaml", "migrate-job.yaml"):
        pod = documents[name]["spec"]["template"]["spec"]
        assert pod["imagePullSecrets"] == [{"name": "gitlab-registry"}]
    assert "kubectl create secret docker-registry gitlab-registry" in README


def test_ingress_sends_the_errors_nginx_makes_to_the_json_backend() -> None:
    documents = k8s_documents()
    annotations = documents["ingress.yaml"]["metadata"]["annotations"]
    # Every status the ingress hands to the backend is one the project's nginx answers in JSON too.
    answered = " ".join(re.findall(r"^\s*error_page ([\d ]+) =", TEMPLATE, re.MULTILINE)).split()
    assert set(annotations["nginx.ingress.kubernetes.io/custom-http-errors"].split(",")) <= set(answered)
    service = documents["errors-service.yaml"]
    assert annotations["nginx.ingress.kubernetes.io/default-backend"] == service["metadata"]["name"]
    pod = documents["errors-deployment.yaml"]["spec"]["template"]
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    (port,) = container(documents["errors-deployment.yaml"])["ports"]
    assert service["spec"]["ports"][0]["targetPort"] == port["name"]
    assert f"listen {port['containerPort']};" in documents["errors-configmap.yaml"]["data"]["errors.conf"]


def _json_error_bodies(config: str, request_id_variable: str) -> dict[str, str]:
    bodies = re.findall(r"return ([45]\d\d) '(\{\"status\".*?\})';", config)
    return {status: body.replace(request_id_variable, "<request id>") for status, body in bodies}


def test_ingress_errors_answer_the_same_json_as_the_project_nginx() -> None:
    conf = k8s_documents()["errors-configmap.yaml"]["data"]["errors.conf"]
    ingress = _json_error_bodies(conf, "$http_x_request_id")
    assert set(ingress) == {"413", "503"}
    project = _json_error_bodies(TEMPLATE, "$api_request_id")
    assert ingress == {status: project[status] for status in ingress}
    for body in ingress.values():
        assert json.loads(body.replace("<request id>", "r-1"))["request_id"] == "r-1"
