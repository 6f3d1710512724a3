"""deploy/kubernetes/ (no cluster, no helm, no dagster-k8s needed): the Helm values agree with
deploy/dagster.yaml, with the project image and with what the code reads.

The chart turns values.yaml into the instance's dagster.yaml. ``_instance_from_values`` below does
that for the keys this project sets, as the chart's templates do (helm/dagster/templates/helpers/
instance/: _concurrency.tpl, _run-coordinator.tpl, _postgresql.tpl, and configmap-instance.yaml's
run_monitoring), so that Dagster's own instance-config validation can judge the result. It is a
stand-in for `helm template`, not the chart: README.md in deploy/kubernetes/ says how to check the
real rendering before an install.
"""

from __future__ import annotations

import re

import pytest
import yaml

from tests.conftest import REPO

pytestmark = pytest.mark.integration

K8S = REPO / "deploy" / "kubernetes"
DEPLOY_YAML = REPO / "deploy" / "dagster.yaml"
DOCKERFILE = REPO / "deploy" / "docker" / "Dockerfile"
POOL = "duckdb_warehouse"
RENDER_ASSETS = ("initiative_reports", "programme_overview", "lessons_learned", "delivery_bundle", "report_manifest")


def _load(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def values():
    return _load(K8S / "values.yaml")


@pytest.fixture(scope="module")
def single():
    return _load(DEPLOY_YAML)


def _documents(path):
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def _instance_from_values(values: dict) -> dict:
    """The instance sections the chart renders from ``values`` (only what this project sets)."""
    pg = values["postgresql"]
    pools, runs = values["concurrency"]["pools"], values["concurrency"]["runs"]
    queued = values["dagsterDaemon"]["runCoordinator"]["config"]["queuedRunCoordinator"]
    monitoring = values["dagsterDaemon"]["runMonitoring"]
    coordinator_config = {}
    if queued.get("maxConcurrentRuns") is not None:
        coordinator_config["max_concurrent_runs"] = queued["maxConcurrentRuns"]
    if queued.get("tagConcurrencyLimits"):
        coordinator_config["tag_concurrency_limits"] = queued["tagConcurrencyLimits"]
    storage = {
        "postgres_db": {
            "username": pg["postgresqlUsername"],
            "password": {"env": "DAGSTER_PG_PASSWORD"},
            "hostname": pg["postgresqlHost"],
            "db_name": pg["postgresqlDatabase"],
            "port": pg["service"]["port"],
            "scheme": pg["postgresqlScheme"],
        }
    }
    instance = {
        "run_storage": {"module": "dagster_postgres.run_storage", "class": "PostgresRunStorage", "config": storage},
        "event_log_storage": {"module": "dagster_postgres.event_log", "class": "PostgresEventLogStorage", "config": storage},
        "schedule_storage": {"module": "dagster_postgres.schedule_storage", "class": "PostgresScheduleStorage", "config": storage},
        "run_coordinator": {"module": "dagster._core.run_coordinator", "class": values["dagsterDaemon"]["runCoordinator"]["type"],
                            **({"config": coordinator_config} if coordinator_config else {})},
        "run_launcher": {"module": "dagster_k8s", "class": values["runLauncher"]["type"], "config": {}},
        "run_monitoring": {
            "enabled": monitoring["enabled"],
            "start_timeout_seconds": monitoring["startTimeoutSeconds"],
            "cancel_timeout_seconds": monitoring["cancelTimeoutSeconds"],
            "max_runtime_seconds": monitoring["maxRuntimeSeconds"],
            "poll_interval_seconds": monitoring["pollIntervalSeconds"],
            "free_slots_after_run_end_seconds": monitoring["freeSlotsAfterRunEndSeconds"],
        },
        "telemetry": {"enabled": values["telemetry"]["enabled"]},
    }
    if values["concurrency"]["enabled"]:
        instance["concurrency"] = {
            "pools": {"default_limit": pools["defaultLimit"], "granularity": pools["granularity"]},
            "runs": {"max_concurrent_runs": runs["maxConcurrentRuns"], "tag_concurrency_limits": runs["tagConcurrencyLimits"]},
        }
    return instance


def test_the_rendered_instance_is_valid_dagster_config_and_deploy_dagster_yaml_but_for_the_launcher(values, single, tmp_path):
    from dagster._core.instance.config import dagster_instance_config

    instance = _instance_from_values(values)
    (tmp_path / "dagster.yaml").write_text(yaml.safe_dump(instance), encoding="utf-8")
    config, _ = dagster_instance_config(str(tmp_path))  # raises on an unknown key or a conflicting run limit
    assert config["run_launcher"]["class"] == "K8sRunLauncher"
    assert config["run_coordinator"]["class"] == single["run_coordinator"]["class"] == "QueuedRunCoordinator"

    # the same queue limits and the same pool as on one machine
    assert instance["concurrency"] == single["concurrency"]
    assert instance["concurrency"]["pools"] == {"default_limit": 1, "granularity": "op"}
    assert instance["concurrency"]["runs"]["max_concurrent_runs"] == 4
    assert instance["run_monitoring"] == single["run_monitoring"]
    assert instance["telemetry"] == single["telemetry"]
    assert instance["run_storage"]["config"]["postgres_db"]["scheme"] == single["storage"]["postgres"]["postgres_db"]["scheme"]


def test_run_limits_on_the_run_coordinator_as_well_would_stop_the_daemon(values, tmp_path):
    """Why values.yaml leaves queuedRunCoordinator's limits empty: Dagster refuses both places."""
    from dagster._core.errors import DagsterInvalidConfigError
    from dagster._core.instance.config import dagster_instance_config

    doubled = yaml.safe_load(yaml.safe_dump(values))
    doubled["dagsterDaemon"]["runCoordinator"]["config"]["queuedRunCoordinator"]["maxConcurrentRuns"] = 4
    (tmp_path / "dagster.yaml").write_text(yaml.safe_dump(_instance_from_values(doubled)), encoding="utf-8")
    with pytest.raises(DagsterInvalidConfigError, match="max_concurrent_runs"):
        dagster_instance_config(str(tmp_path))


def test_the_code_location_is_the_project_image(values):
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    (deployment,) = values["dagster-user-deployments"]["deployments"]
    args = deployment["codeServerArgs"]
    assert args[args.index("-m") + 1] == "pipelines.definitions"
    assert '"code-server", "start"' in dockerfile and '"-m", "pipelines.definitions"' in dockerfile
    assert f'"-p", "{deployment["port"]}"' in dockerfile
    # the chart mounts its instance at $DAGSTER_HOME/dagster.yaml, over the image's Docker instance
    assert f"DAGSTER_HOME={values['global']['dagsterHome']}" in dockerfile
    assert deployment["includeConfigInLaunchedRuns"] == {"enabled": False}
    assert values["runLauncher"]["type"] == "K8sRunLauncher"


def test_run_pods_mount_what_the_image_s_locations_name(values):
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    image_env = dict(re.findall(r"(COACHING_[A-Z_]+)=(\S+)", dockerfile))
    launcher = values["runLauncher"]["config"]["k8sRunLauncher"]
    mounts = {m["mountPath"]: m for m in launcher["volumeMounts"]}
    claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in launcher["volumes"]}
    for name in ("COACHING_RAW_DATA", "COACHING_WAREHOUSE", "COACHING_REPORTS"):
        assert image_env[name] in mounts, name
    assert mounts[image_env["COACHING_RAW_DATA"]].get("readOnly") is True
    assert not mounts[image_env["COACHING_WAREHOUSE"]].get("readOnly")
    # the filesystem IO manager's folder (the report_data snapshot) is a volume, not the pod's disk
    assert f"{values['global']['dagsterHome']}/storage" in mounts

    pvcs = {doc["metadata"]["name"]: doc for doc in _documents(K8S / "storage.yaml")}
    assert set(claims.values()) == set(pvcs)
    warehouse_claim = claims[mounts[image_env["COACHING_WAREHOUSE"]]["name"]]
    assert pvcs[warehouse_claim]["spec"]["accessModes"] == ["ReadWriteOnce"]
    assert launcher["runK8sConfig"]["podSpecConfig"]["nodeSelector"]  # run pods go to the warehouse's node

    # the code location (drops sensor) reads raw_data/ only
    (deployment,) = values["dagster-user-deployments"]["deployments"]
    assert [(m["mountPath"], m.get("readOnly")) for m in deployment["volumeMounts"]] == [(image_env["COACHING_RAW_DATA"], True)]


def test_the_secret_holds_what_the_code_and_the_instances_read(values, single):
    from impact.privacy import KEY_ENV

    pg_names = set(re.findall(r"\{env: (DAGSTER_PG_[A-Z]+)\}", DEPLOY_YAML.read_text(encoding="utf-8")))
    assert pg_names == {"DAGSTER_PG_HOST", "DAGSTER_PG_PORT", "DAGSTER_PG_USER", "DAGSTER_PG_PASSWORD", "DAGSTER_PG_DB"}
    secrets = {doc["metadata"]["name"]: doc for doc in _documents(K8S / "secret.example.yaml")}
    launcher = values["runLauncher"]["config"]["k8sRunLauncher"]
    (deployment,) = values["dagster-user-deployments"]["deployments"]
    (ours,) = {s["name"] for s in launcher["envSecrets"]}
    assert {s["name"] for s in deployment["envSecrets"]} == {ours}
    assert set(secrets[ours]["stringData"]) == pg_names | {KEY_ENV}
    # the chart's own instance: the same PostgreSQL, its password from the chart's Secret
    pg = values["postgresql"]
    data = secrets[ours]["stringData"]
    assert (data["DAGSTER_PG_HOST"], int(data["DAGSTER_PG_PORT"]), data["DAGSTER_PG_USER"], data["DAGSTER_PG_DB"]) == (
        pg["postgresqlHost"], pg["service"]["port"], pg["postgresqlUsername"], pg["postgresqlDatabase"])
    assert pg["enabled"] is False and values["generatePostgresqlPasswordSecret"] is False
    assert "postgresql-password" in secrets[values["global"]["postgresqlSecretName"]]["stringData"]


def test_report_workers_match_the_run_pod_s_cores(values):
    from impact.parallel import WORKERS_VARIABLE

    assert WORKERS_VARIABLE == "COACHING_WORKERS"
    launcher = values["runLauncher"]["config"]["k8sRunLauncher"]
    env = {e["name"]: e["value"] for e in launcher["runK8sConfig"]["containerConfig"]["env"]}
    cpu = launcher["resources"]
    assert cpu["requests"]["cpu"] == cpu["limits"]["cpu"] == env["COACHING_WORKERS"]
    assert int(env["COACHING_WORKERS"]) >= 1


def test_every_job_has_a_warehouse_step_and_rendering_is_outside_the_pool():
    """What the README's volume layout rests on: every run touches the warehouse (report_data at least),
    the rendering steps do not."""
    from dagster import AssetKey

    from pipelines.definitions import defs
    from pipelines.resources import WAREHOUSE_POOL

    assert WAREHOUSE_POOL == POOL
    for job in ("coaching_year", "one_initiative", "data_stages", "reports_only", "programme_level", "delivery"):
        assert POOL in defs.resolve_job_def(job).graph.pools, job
    graph = defs.resolve_asset_graph()
    assert graph.get(AssetKey("report_data")).pools == {POOL}
    for name in RENDER_ASSETS:
        assert not graph.get(AssetKey(name)).pools, name


def test_the_docs_link_the_kubernetes_folder():
    assert "deploy/kubernetes/" in (REPO / "README.md").read_text(encoding="utf-8")
    assert "### Kubernetes" in (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
