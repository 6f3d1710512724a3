"""The production instance (deploy/dagster.yaml) against a real PostgreSQL.

A small raw-data folder is built with `coaching build` on an instance whose
DAGSTER_HOME holds an unchanged copy of deploy/dagster.yaml; the run, its
materialisations, the initiative partition and the pool slots must then be in
PostgreSQL. Each test session creates a database of its own and drops it afterwards,
so DAGSTER_PG_DB itself is only connected to, never written.

PostgreSQL is found through the variables deploy/dagster.yaml reads:
DAGSTER_PG_HOST (default 127.0.0.1), DAGSTER_PG_PORT (5432), DAGSTER_PG_USER
(dagster), DAGSTER_PG_PASSWORD (dagster), DAGSTER_PG_DB (dagster_test). `.ci/run`
starts such a server; without one the tests are skipped and say how to run them.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
import uuid

import pytest
import yaml

from tests.conftest import REPO, SAMPLE_RAW_DATA, write_demo_initiative

psycopg2 = pytest.importorskip("psycopg2")
from psycopg2 import errors as pg_errors  # noqa: E402
from psycopg2 import sql  # noqa: E402

# xdist: one worker runs the tests of the group "serial" one after the other (see the Makefile)
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("serial")]

DEPLOY_YAML = REPO / "deploy" / "dagster.yaml"
INITIATIVE = "buurtkamer-oost"
POOL = "duckdb_warehouse"
PG_DEFAULTS = {
    "DAGSTER_PG_HOST": "127.0.0.1",
    "DAGSTER_PG_PORT": "5432",
    "DAGSTER_PG_USER": "dagster",
    "DAGSTER_PG_PASSWORD": "dagster",
    "DAGSTER_PG_DB": "dagster_test",
}


def _pg_settings() -> dict[str, str]:
    return {name: os.environ.get(name) or default for name, default in PG_DEFAULTS.items()}


def _connect(settings: dict[str, str], dbname: str | None = None):
    return psycopg2.connect(
        host=settings["DAGSTER_PG_HOST"],
        port=int(settings["DAGSTER_PG_PORT"]),
        user=settings["DAGSTER_PG_USER"],
        password=settings["DAGSTER_PG_PASSWORD"],
        dbname=dbname or settings["DAGSTER_PG_DB"],
        connect_timeout=3,
    )


@pytest.fixture(scope="module")
def pg():
    """A PostgreSQL database of this session's own; skips when no server is reachable."""
    settings = _pg_settings()
    where = (
        f"{settings['DAGSTER_PG_USER']}@{settings['DAGSTER_PG_HOST']}:{settings['DAGSTER_PG_PORT']}"
        f"/{settings['DAGSTER_PG_DB']}"
    )
    try:
        admin = _connect(settings)
    except psycopg2.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if os.environ.get("COACHING_REQUIRE_POSTGRES"):  # .ci/run started one: its absence is a failure
            pytest.fail(f"no PostgreSQL reachable at {where} ({reason}), although .ci/run set one up")
        pytest.skip(
            f"no PostgreSQL reachable at {where} ({reason}): run .ci/run, or start PostgreSQL and set "
            "DAGSTER_PG_HOST, DAGSTER_PG_PORT, DAGSTER_PG_USER, DAGSTER_PG_PASSWORD and DAGSTER_PG_DB "
            "(a role with CREATEDB; each test session uses a database of its own)"
        )
    admin.autocommit = True
    # a database of this session's own: the test never touches DAGSTER_PG_DB's tables (it may be a real instance)
    fresh = f"dagster_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.cursor() as cur:
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(fresh)))
    except pg_errors.InsufficientPrivilege:
        admin.close()
        pytest.skip(f"the PostgreSQL role at {where} may not CREATE DATABASE: run .ci/run, or grant it CREATEDB")
    try:
        yield {**settings, "DAGSTER_PG_DB": fresh}
    finally:
        with admin.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(fresh)))
        admin.close()


@pytest.fixture(scope="module")
def production_build(pg, tmp_path_factory):
    """`coaching build` of one small initiative on the PostgreSQL-backed instance."""
    from dagster import DagsterInstance

    from pipelines.cli import main

    tmp = tmp_path_factory.mktemp("production")
    home, raw = tmp / "dagster_home", tmp / "raw_data"
    home.mkdir()
    raw.mkdir()
    shutil.copyfile(DEPLOY_YAML, home / "dagster.yaml")
    shutil.copy(SAMPLE_RAW_DATA / "coaching_sessions.csv", raw / "coaching_sessions.csv")
    folder = write_demo_initiative(raw, INITIATIVE)
    (folder / "participants_2018.csv").write_text(
        "participant_id,enrolled_on,wijk,age_band\nB1,2018-05-01,Oost,65-74\nB2,2018-05-03,Oost,75+\n", encoding="utf-8"
    )
    (folder / "survey_2018.csv").write_text(
        "participant_id,wave,responded_on,contact\nB1,baseline,2018-05-02,4\nB1,follow_up,2018-11-02,6\n"
        "B2,baseline,2018-05-04,3\n",
        encoding="utf-8",
    )

    mp = pytest.MonkeyPatch()
    try:
        for name in PG_DEFAULTS:
            mp.setenv(name, pg[name])
        mp.setenv("DAGSTER_HOME", str(home))
        mp.setenv("COACHING_RAW_DATA", str(raw))
        mp.setenv("COACHING_WAREHOUSE", str(tmp / "warehouse"))
        mp.setenv("COACHING_REPORTS", str(tmp / "reports"))
        code = main(["build"])
        with DagsterInstance.get() as instance:
            yield {"code": code, "instance": instance, "home": home, "pg": pg}
    finally:
        mp.undo()


@pytest.mark.slow
def test_the_instance_is_deploy_dagster_yaml_on_postgresql(production_build):
    from dagster import QueuedRunCoordinator
    from dagster._core.instance.config import PoolGranularity
    from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

    instance = production_build["instance"]
    assert (production_build["home"] / "dagster.yaml").read_bytes() == DEPLOY_YAML.read_bytes()
    configured = yaml.safe_load(DEPLOY_YAML.read_text(encoding="utf-8"))

    assert isinstance(instance.run_storage, PostgresRunStorage)
    assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
    assert isinstance(instance.schedule_storage, PostgresScheduleStorage)
    assert instance.event_log_storage.supports_global_concurrency_limits

    # the queue the daemon works from: run limits and the per-initiative tag limit
    assert isinstance(instance.run_coordinator, QueuedRunCoordinator)
    concurrency = instance.get_concurrency_config()
    queue = concurrency.run_queue_config
    assert queue.max_concurrent_runs == configured["concurrency"]["runs"]["max_concurrent_runs"] == 4
    assert {"key": "dagster/partition", "value": {"applyLimitPerUniqueValue": True}, "limit": 1} in queue.tag_concurrency_limits
    # one slot per pool (the DuckDB warehouse has one writer), enforced per step
    assert concurrency.pool_config.default_pool_limit == 1
    assert concurrency.pool_config.pool_granularity == PoolGranularity.OP

    # run monitoring, which also frees the slots of runs that died holding them
    assert instance.run_monitoring_enabled
    assert instance.run_monitoring_settings["free_slots_after_run_end_seconds"] > 0
    assert instance.run_monitoring_max_runtime_seconds > 0


@pytest.mark.slow
def test_the_build_is_recorded_in_postgresql(production_build):
    from dagster import AssetKey, DagsterRunStatus

    from pipelines.definitions import defs

    assert production_build["code"] == 0
    instance = production_build["instance"]

    runs = instance.get_runs()
    assert len(runs) == 1
    run = runs[0]
    assert run.status == DagsterRunStatus.SUCCESS
    assert run.job_name == "coaching_year"
    assert run.tags["coaching/trigger"] == "cli"

    assert instance.get_dynamic_partitions("initiative") == [INITIATIVE]
    for name in ("participants", "survey_responses", "hypothesis_results", "initiative_reports", "programme_overview"):
        event = instance.get_latest_materialization_event(AssetKey(name))
        assert event is not None, name
        assert event.run_id == run.run_id, name
    # every asset of the year's job was materialised by that run
    job_assets = defs.resolve_job_def("coaching_year").asset_layer.executable_asset_keys
    assert job_assets
    missing = [k.to_user_string() for k in job_assets if instance.get_latest_materialization_event(k) is None]
    assert missing == []
    assert instance.get_materialized_partitions(AssetKey("participants")) == {INITIATIVE}

    # and straight from PostgreSQL, not through Dagster
    with _connect(production_build["pg"], production_build["pg"]["DAGSTER_PG_DB"]) as con, con.cursor() as cur:
        cur.execute("SELECT status, pipeline_name FROM runs WHERE run_id = %s", (run.run_id,))
        assert cur.fetchall() == [("SUCCESS", "coaching_year")]
        cur.execute(
            "SELECT count(*) FROM event_logs WHERE run_id = %s AND dagster_event_type = 'ASSET_MATERIALIZATION'",
            (run.run_id,),
        )
        assert cur.fetchone()[0] >= len(job_assets)
        cur.execute("SELECT partition FROM dynamic_partitions WHERE partitions_def_name = 'initiative'")
        assert cur.fetchall() == [(INITIATIVE,)]
    con.close()


@pytest.mark.slow
def test_a_step_waits_while_another_run_holds_the_pool_slot(production_build):
    """In-process runs (as `coaching build` makes them) wait for the pool's one slot in PostgreSQL."""
    from dagster import Definitions, asset, define_asset_job

    instance = production_build["instance"]
    storage = instance.event_log_storage
    pool = "test_pool_of_one"

    @asset(pool=pool)
    def warehouse_writer() -> int:
        return 1

    job = Definitions(assets=[warehouse_writer], jobs=[define_asset_job("pooled")]).resolve_job_def("pooled")

    # another run (say, the monthly schedule) is writing: it holds the pool's only slot
    storage.initialize_concurrency_limit_to_default(pool)
    assert storage.get_concurrency_info(pool).slot_count == 1  # pools: default_limit in deploy/dagster.yaml
    assert storage.claim_concurrency_slot(pool, "other-run", "other_writer").is_claimed
    release = threading.Timer(2.0, storage.free_concurrency_slot_for_step, ("other-run", "other_writer"))
    release.start()
    try:
        started = time.monotonic()
        result = job.execute_in_process(instance=instance)
        waited = time.monotonic() - started
    finally:
        release.cancel()
    assert result.success
    assert waited >= 2.0
    messages = [e.message for e in instance.all_logs(result.run_id) if e.dagster_event and e.message]
    assert f"Step blocked by limit for pool {pool}" in messages
    # the slot is given back when the step ends
    info = storage.get_concurrency_info(pool)
    assert info.slot_count == 1 and info.claimed_slots == [] and info.pending_steps == []


@pytest.mark.slow
def test_the_warehouse_pool_is_registered_with_one_slot(production_build):
    from pipelines.definitions import defs

    pools = defs.resolve_job_def("coaching_year").graph.pools
    assert POOL in pools, f"no step of coaching_year is in the pool {POOL!r} (pools: {sorted(pools) or 'none'})"
    instance = production_build["instance"]
    assert POOL in instance.event_log_storage.get_concurrency_keys()
    info = instance.event_log_storage.get_concurrency_info(POOL)
    assert info.slot_count == 1
    assert info.claimed_slots == [] and info.pending_steps == []


def test_the_docker_set_up_is_the_same_instance_with_the_docker_run_launcher(tmp_path):
    """deploy/docker/ (no PostgreSQL or Docker needed): valid Dagster config, consistent with the compose file."""
    from dagster._core.instance.config import dagster_instance_config
    from dagster._core.workspace.config_schema import process_workspace_config

    docker = REPO / "deploy" / "docker"
    home = tmp_path / "home"
    home.mkdir()
    shutil.copyfile(docker / "dagster.yaml", home / "dagster.yaml")
    config, _ = dagster_instance_config(str(home))  # raises on a key Dagster does not know
    assert config["run_launcher"]["module"] == "dagster_docker"
    assert config["run_launcher"]["class"] == "DockerRunLauncher"

    # everything but the run launcher is deploy/dagster.yaml
    single = yaml.safe_load(DEPLOY_YAML.read_text(encoding="utf-8"))
    in_docker = yaml.safe_load((docker / "dagster.yaml").read_text(encoding="utf-8"))
    assert {k: v for k, v in in_docker.items() if k != "run_launcher"} == {k: v for k, v in single.items() if k != "run_launcher"}

    workspace = yaml.safe_load((docker / "workspace.docker.yaml").read_text(encoding="utf-8"))
    assert process_workspace_config(workspace).success
    grpc = workspace["load_from"][0]["grpc_server"]

    compose = yaml.safe_load((docker / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"postgresql", "code_location", "webserver", "daemon"}
    code = services["code_location"]
    command = (docker / "Dockerfile").read_text(encoding="utf-8")
    assert f'"-p", "{grpc["port"]}"' in command and '"-m", "pipelines.definitions"' in command
    assert grpc["host"] == "code_location" and grpc["location_name"] == "impact_coaching"
    assert code["environment"]["DAGSTER_CURRENT_IMAGE"] == code["image"]
    launcher = in_docker["run_launcher"]["config"]
    # run containers join the compose network and see the same data folders as the code location
    assert compose["networks"]["impact_coaching"]["name"] == launcher["network"]
    assert sorted(code["volumes"]) == sorted(launcher["container_kwargs"]["volumes"])
    # ... and get what they need to open the instance and pseudonymise
    for name in [*PG_DEFAULTS, "COACHING_PSEUDONYM_KEY"]:
        assert name in launcher["env_vars"]
        assert name in services["daemon"]["environment"]
    assert "dagster-docker==0.29.27" in (docker / "Dockerfile.dagster").read_text(encoding="utf-8")
