"""k8s/ is consistent with the settings, the image and gunicorn's shutdown."""

from typing import Any

from tests.project_files import k8s_documents, variables_read


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
    assert "ports" not in container(worker)
