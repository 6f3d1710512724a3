"""A real client: the Dagster webserver on a loopback port, driven through its GraphQL API.

The test starts ``dagster-webserver -w workspace.yaml`` from the repository root
with a temporary Dagster instance and a small raw-data folder, then does what a
coach does in the UI: registers the initiative as a partition, looks at the
asset graph, clicks Materialize for that one initiative, and waits for the run.

The temporary instance sets the DefaultRunCoordinator (Dagster's own default
is the QueuedRunCoordinator, which needs ``dagster-daemon`` to dequeue runs): a
launched run starts at once in its own process, with no daemon. That process inherits the webserver's environment, which is how
the resources find the temporary raw-data, warehouse and reports folders.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO, write_demo_initiative

# xdist: one worker runs the tests of the group "serial" one after the other (see the Makefile)
pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.xdist_group("serial")]

LOCATION = "impact_coaching"
REPOSITORY = "__repository__"  # the repository name Dagster gives a Definitions object
JOB = "coaching_year"
INITIATIVE = "demo"
START_TIMEOUT = 120  # seconds until the webserver answers and the code location is loaded
RUN_TIMEOUT = 300  # seconds until the run reaches a terminal status

REPO_SELECTOR = {"repositoryLocationName": LOCATION, "repositoryName": REPOSITORY}

# ---------------------------------------------------------------------------------------------
# GraphQL documents. Schema confirmed against the installed dagster-graphql 1.13.27:
# dagster_graphql/schema/roots/mutation.py (addDynamicPartition, launchRun), roots/query.py
# (workspaceOrError, assetNodes, runOrError, logsForRun) and the SDL printed by
# dagster_graphql.schema.create_schema().
# ---------------------------------------------------------------------------------------------

WORKSPACE_QUERY = """
query Workspace {
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError {
          __typename
          ... on PythonError { message stack }
        }
      }
    }
    ... on PythonError { message }
  }
}
"""

ADD_PARTITION_MUTATION = """
mutation AddDynamicPartition($repositorySelector: RepositorySelector!, $partitionsDefName: String!, $partitionKey: String!) {
  addDynamicPartition(repositorySelector: $repositorySelector, partitionsDefName: $partitionsDefName, partitionKey: $partitionKey) {
    __typename
    ... on AddDynamicPartitionSuccess { partitionsDefName partitionKey }
    ... on DuplicateDynamicPartitionError { partitionName partitionsDefName }
    ... on UnauthorizedError { message }
    ... on PythonError { message stack }
  }
}
"""

ASSET_GRAPH_QUERY = """
query AssetGraph {
  assetNodes {
    assetKey { path }
    dependencyKeys { path }
    groupName
    isPartitioned
    partitionKeys
    jobNames
    repository { name location { name } }
  }
}
"""

# The mutation the UI sends when a coach picks one partition and clicks Materialize
# (ui-core LaunchAssetExecutionButton / LaunchAssetChoosePartitionsDialog send
# `launchPipelineExecution`, the same GrapheneLaunchRunMutation as `launchRun`, with the
# partition as the `dagster/partition` tag, mode "default" and empty run config).
LAUNCH_RUN_MUTATION = """
mutation LaunchRun($executionParams: ExecutionParams!) {
  launchRun(executionParams: $executionParams) {
    __typename
    ... on LaunchRunSuccess { run { runId status tags { key value } } }
    ... on RunConfigValidationInvalid { errors { message reason } }
    ... on InvalidSubsetError { message }
    ... on PipelineNotFoundError { message }
    ... on RunConflict { message }
    ... on UnauthorizedError { message }
    ... on PresetNotFoundError { message }
    ... on ConflictingExecutionParamsError { message }
    ... on NoModeProvidedError { message }
    ... on InvalidStepError { invalidStepKey }
    ... on InvalidOutputError { stepKey invalidOutputName }
    ... on PythonError { message stack }
  }
}
"""

RUN_STATUS_QUERY = """
query RunStatus($runId: ID!) {
  runOrError(runId: $runId) {
    __typename
    ... on Run { runId status jobName }
    ... on RunNotFoundError { message }
    ... on PythonError { message }
  }
}
"""

RUN_LOGS_QUERY = """
query RunLogs($runId: ID!, $afterCursor: String) {
  logsForRun(runId: $runId, afterCursor: $afterCursor) {
    __typename
    ... on EventConnection {
      cursor
      hasMore
      events {
        __typename
        ... on MessageEvent { message stepKey level }
        ... on ExecutionStepFailureEvent { error { message stack causes { message } } }
        ... on RunFailureEvent { error { message stack } }
        ... on EngineEvent { error { message stack } }
        ... on ResourceInitFailureEvent { error { message stack } }
      }
    }
    ... on RunNotFoundError { message }
    ... on PythonError { message }
  }
}
"""

MATERIALIZATIONS_QUERY = """
query Materializations($assetKeys: [AssetKeyInput!], $partitions: [String!]) {
  assetNodes(assetKeys: $assetKeys) {
    assetKey { path }
    assetMaterializations(partitions: $partitions) { partition runId }
  }
}
"""

# Without a daemon, queued runs would never start: launch them directly instead.
INSTANCE_YAML = """\
run_coordinator:
  module: dagster._core.run_coordinator
  class: DefaultRunCoordinator
telemetry:
  enabled: false
"""

QUEUED_TIMEOUT = 60  # a run still QUEUED after this long will never start (no daemon)

TERMINAL_FAILURES = {"FAILURE", "CANCELED", "CANCELING"}

EXPECTED_ASSETS = {
    "programme", "theory_of_change", "drop_inventory", "participants", "activities", "survey_responses",
    "coaching_sessions", "outcome_scores", "indicators", "hypothesis_tests", "hypothesis_results", "sroi",
    "data_quality_report", "initiative_reports", "programme_overview", "lessons_learned", "report_manifest",
}


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class GraphQLClient:
    def __init__(self, base_url: str):
        self.url = f"{base_url}/graphql"

    def __call__(self, query: str, variables: dict | None = None, timeout: float = 60) -> dict:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(self.url, data=body, headers={"Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                payload = json.loads(response.read().decode())
        except urllib.error.HTTPError as exc:  # GraphQL validation errors come back as HTTP 400 with a JSON body
            raise AssertionError(f"GraphQL HTTP {exc.code}: {exc.read().decode(errors='replace')}") from exc
        assert not payload.get("errors"), f"GraphQL errors: {json.dumps(payload['errors'], indent=2)}"
        return payload["data"]


def _write_small_initiative(raw: Path) -> None:
    """One initiative, small but valid: register, activities, baseline and follow-up survey, a coaching log."""
    folder = write_demo_initiative(raw, INITIATIVE)
    ids = [f"D{i:02d}" for i in range(1, 13)]
    (folder / "participants_2018.csv").write_text(
        "participant_id,enrolled_on,wijk,age_band\n"
        + "".join(f"{pid},2018-03-{i + 1:02d},Oost,65-74\n" for i, pid in enumerate(ids)),
        encoding="utf-8",
    )
    (folder / "activities_2018.csv").write_text(
        "date,activity,attendees,volunteers,volunteer_hours,cost_eur\n"
        + "".join(f"2018-{m:02d}-10,Koffieochtend,{8 + m},2,4,25.00\n" for m in range(3, 12)),
        encoding="utf-8",
    )
    (folder / "survey_baseline.csv").write_text(
        "participant_id,wave,responded_on,contact\n"
        + "".join(f"{pid},baseline,2018-03-{i + 2:02d},{3 + i % 3}\n" for i, pid in enumerate(ids)),
        encoding="utf-8",
    )
    (folder / "survey_follow_up.csv").write_text(
        "participant_id,wave,responded_on,contact\n"
        + "".join(f"{pid},follow_up,2018-11-{i + 2:02d},{5 + i % 4}\n" for i, pid in enumerate(ids)),
        encoding="utf-8",
    )
    (raw / "coaching_sessions.csv").write_text(
        "initiative_id,kind,session_no,date,theme,topics,lessons,actions\n"
        "all,plenary,1,2018-02-08,impact_definition,Kennismaking met de tool,Weinig cijfers over uitkomsten.,Kies een hoofdvraag.\n"
        f"{INITIATIVE},one_on_one,1,2018-04-12,impact_definition,Theory of Change uitwerken,Doelgroep scherper.,Vragenlijst klaarzetten.\n",
        encoding="utf-8",
    )


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stop(proc: subprocess.Popen, grace: float = 20) -> None:
    """Stop the webserver and everything it started (code server, run processes): its own process group.

    SIGTERM first, so the webserver shuts its code server down; whatever is left of the group
    after the grace period gets SIGKILL.
    """
    pgid = proc.pid  # start_new_session=True: the webserver leads its own process group
    if _group_alive(pgid):
        try:
            os.killpg(pgid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    while _group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if _group_alive(pgid):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait(timeout=10)


# ---------------------------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def coaching_folders(tmp_path):
    raw, warehouse, reports, home = (tmp_path / n for n in ("raw_data", "warehouse", "reports", "dagster_home"))
    raw.mkdir()
    home.mkdir()
    (home / "dagster.yaml").write_text(INSTANCE_YAML, encoding="utf-8")
    _write_small_initiative(raw)
    return {"raw": raw, "warehouse": warehouse, "reports": reports, "home": home, "log": tmp_path / "webserver.log"}


@pytest.fixture
def webserver(coaching_folders):
    """``dagster-webserver -w workspace.yaml`` on a free loopback port; yields (base_url, log reader)."""
    env = {
        **os.environ,
        "DAGSTER_HOME": str(coaching_folders["home"]),
        "COACHING_RAW_DATA": str(coaching_folders["raw"]),
        "COACHING_WAREHOUSE": str(coaching_folders["warehouse"]),
        "COACHING_REPORTS": str(coaching_folders["reports"]),
        "COACHING_PSEUDONYM_KEY": os.environ.get("COACHING_PSEUDONYM_KEY", "test-key-not-secret"),
        "PYTHONUNBUFFERED": "1",
    }
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    executable = Path(sys.executable).with_name("dagster-webserver")
    log_path = coaching_folders["log"]

    def log() -> str:
        return log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""

    with open(log_path, "wb") as log_file:
        proc = subprocess.Popen(
            [str(executable), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
            cwd=REPO, env=env, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, so teardown stops the code server and runs too
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"dagster-webserver exited with code {proc.returncode}:\n{log()}")
                try:
                    with urllib.request.urlopen(f"{base_url}/server_info", timeout=5) as response:
                        if response.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"dagster-webserver did not answer on {base_url} within {START_TIMEOUT} s:\n{log()}")
                time.sleep(0.5)
            yield base_url, log
        finally:
            _stop(proc)


def _wait_for_location(gql: GraphQLClient, log) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        data = gql(WORKSPACE_QUERY)["workspaceOrError"]
        assert data["__typename"] == "Workspace", data
        entries = {e["name"]: e for e in data["locationEntries"]}
        assert LOCATION in entries, f"workspace.yaml should name the location {LOCATION}: {sorted(entries)}"
        entry = entries[LOCATION]
        if entry["loadStatus"] == "LOADED":
            loaded = entry["locationOrLoadError"]
            assert loaded and loaded["__typename"] == "RepositoryLocation", (
                f"code location {LOCATION} failed to load: {loaded.get('message') if loaded else None}\n"
                + "".join(loaded.get("stack") or [] if loaded else [])
            )
            return
        if time.monotonic() > deadline:
            pytest.fail(f"code location {LOCATION} still loading after {START_TIMEOUT} s:\n{log()}")
        time.sleep(0.5)


def _run_report(gql: GraphQLClient, run_id: str) -> str:
    """The run's failures and warnings, read back through GraphQL, for the assertion message."""
    lines, cursor = [], None
    for _ in range(50):
        data = gql(RUN_LOGS_QUERY, {"runId": run_id, "afterCursor": cursor})["logsForRun"]
        if data["__typename"] != "EventConnection":
            return f"logsForRun: {data}"
        for event in data["events"]:
            error = event.get("error")
            if event.get("message", "").endswith("Not executing."):
                continue  # steps skipped after an upstream failure: the failure itself is listed
            if error or event.get("level") in ("ERROR", "CRITICAL", "WARNING"):
                lines.append(f"[{event['__typename']}] {event.get('stepKey') or ''}: {event.get('message', '')}")
            if error:
                lines.append("    " + error["message"].strip())
                lines += ["    caused by: " + c["message"].strip() for c in error.get("causes") or []]
                lines.append("".join(error.get("stack") or [])[-3000:])
        cursor = data["cursor"]
        if not data["hasMore"]:
            break
    return "\n".join(lines) or "(no error events)"


# ---------------------------------------------------------------------------------------------
# the test
# ---------------------------------------------------------------------------------------------

def test_a_coach_materializes_one_initiative_through_the_webserver(webserver, coaching_folders):
    base_url, log = webserver
    gql = GraphQLClient(base_url)
    _wait_for_location(gql, log)

    # 1. the new initiative folder becomes a partition, as the UI's "Add partition" does
    added = gql(ADD_PARTITION_MUTATION, {
        "repositorySelector": REPO_SELECTOR, "partitionsDefName": "initiative", "partitionKey": INITIATIVE,
    })["addDynamicPartition"]
    assert added == {"__typename": "AddDynamicPartitionSuccess", "partitionsDefName": "initiative", "partitionKey": INITIATIVE}, added

    # 2. the asset graph, as the UI's lineage view reads it
    nodes = {"/".join(n["assetKey"]["path"]): n for n in gql(ASSET_GRAPH_QUERY)["assetNodes"]}
    assert EXPECTED_ASSETS <= set(nodes), f"missing assets: {sorted(EXPECTED_ASSETS - set(nodes))}"
    deps = {key: {"/".join(d["path"]) for d in n["dependencyKeys"]} for key, n in nodes.items()}
    assert "survey_responses" in deps["outcome_scores"], deps["outcome_scores"]
    assert {"theory_of_change", "drop_inventory"} <= deps["participants"], deps["participants"]
    reports = nodes["initiative_reports"]
    assert reports["isPartitioned"]
    assert reports["partitionKeys"] == [INITIATIVE]
    assert JOB in reports["jobNames"]
    assert reports["repository"] == {"name": REPOSITORY, "location": {"name": LOCATION}}
    for key in ("theory_of_change", "participants", "survey_responses", "outcome_scores"):
        assert nodes[key]["isPartitioned"], key
    assert not nodes["programme"]["isPartitioned"]
    assert not nodes["report_manifest"]["isPartitioned"]

    # 3. Materialize for this one initiative
    launched = gql(LAUNCH_RUN_MUTATION, {"executionParams": {
        "selector": {**REPO_SELECTOR, "jobName": JOB},
        "mode": "default",
        "runConfigData": "{}",
        "executionMetadata": {"tags": [{"key": "dagster/partition", "value": INITIATIVE}]},
    }})["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", f"launchRun failed: {json.dumps(launched, indent=2)}"
    run_id = launched["run"]["runId"]
    assert {"key": "dagster/partition", "value": INITIATIVE} in launched["run"]["tags"]

    # 4. wait for the run
    deadline = time.monotonic() + RUN_TIMEOUT
    status = None
    while time.monotonic() < deadline:
        run = gql(RUN_STATUS_QUERY, {"runId": run_id})["runOrError"]
        assert run["__typename"] == "Run", run
        status = run["status"]
        if status == "SUCCESS" or status in TERMINAL_FAILURES:
            break
        if status == "QUEUED" and time.monotonic() > deadline - RUN_TIMEOUT + QUEUED_TIMEOUT:
            break  # nothing dequeues it: the instance is not using the DefaultRunCoordinator
        time.sleep(1)
    assert status == "SUCCESS", (
        f"run {run_id} ended as {status} (timeout {RUN_TIMEOUT} s)\n"
        f"--- run events (GraphQL logsForRun) ---\n{_run_report(gql, run_id)}\n"
        f"--- webserver output ---\n{log()[-5000:]}"
    )

    # 5. the yearly report is materialized for the partition, and on disk
    mats = gql(MATERIALIZATIONS_QUERY, {"assetKeys": [{"path": ["initiative_reports"]}], "partitions": [INITIATIVE]})["assetNodes"]
    assert len(mats) == 1
    assert {"partition": INITIATIVE, "runId": run_id} in mats[0]["assetMaterializations"], mats
    pdf = coaching_folders["reports"] / "2018" / INITIATIVE / f"{INITIATIVE}_2018.pdf"
    assert pdf.is_file(), f"{pdf} missing; reports folder holds {sorted(str(p) for p in coaching_folders['reports'].rglob('*'))}"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    # the run read the temporary folders, not the repository's own
    assert (coaching_folders["warehouse"] / "coaching.duckdb").is_file()
