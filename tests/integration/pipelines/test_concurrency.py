"""Two builds at once, and a build killed half-way: the warehouse and the reports stay whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey

from impact.reporting.render import sha256_bytes
from tests.conftest import write_demo_initiative

# xdist: one worker runs the tests of the group "serial" one after the other (see the Makefile)
pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.xdist_group("serial")]

COACHING = Path(sys.executable).with_name("coaching")


def demo_raw_data(raw: Path) -> None:
    """Two small initiatives with enough pairs for a test, so every stage and report runs."""
    for initiative, offset in (("buurt-noord", 0), ("buurt-zuid", 1)):
        folder = write_demo_initiative(raw, initiative)
        people = [f"{initiative[6].upper()}{i:03d}" for i in range(1, 25)]
        (folder / "participants_2018.csv").write_text(
            "participant_id,enrolled_on,wijk,age_band\n"
            + "".join(f"{p},2018-0{1 + i % 6}-1{i % 9},{'Noordoost' if i % 2 else 'Zuid'},65-74\n" for i, p in enumerate(people)),
            encoding="utf-8")
        (folder / "survey_2018.csv").write_text(
            "participant_id,wave,responded_on,contact\n"
            + "".join(f"{p},baseline,2018-07-01,{(i + offset) % 5 + 2}\n{p},follow_up,2018-11-01,{(i + offset) % 5 + 4 - i % 3}\n"
                      for i, p in enumerate(people)),
            encoding="utf-8")
        (folder / "activities_2018.csv").write_text(
            "date,activity,attendees,volunteers,volunteer_hours,cost_eur\n"
            + "".join(f"2018-0{m}-15,Koffie,{12 + m},2,4,10.00\n" for m in range(1, 10)), encoding="utf-8")


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    raw = tmp_path / "raw_data"
    raw.mkdir()
    demo_raw_data(raw)
    return {**os.environ, "COACHING_RAW_DATA": str(raw), "COACHING_WAREHOUSE": str(tmp_path / "warehouse"),
            "COACHING_REPORTS": str(tmp_path / "reports"), "DAGSTER_HOME": str(tmp_path / "home"),
            "PYTHONWARNINGS": "ignore"}


def build(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen([str(COACHING), "build", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)


def warehouse_state(env: dict[str, str]) -> dict:
    con = duckdb.connect(str(Path(env["COACHING_WAREHOUSE"]) / "coaching.duckdb"), read_only=True)
    try:
        drops = con.execute("SELECT source_file, raw_rows, staged_rows, quarantined_rows FROM staging.drops ORDER BY 1").fetchall()
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("staging.participants", "staging.survey_responses", "staging.activities", "marts.outcome_scores",
                            "marts.indicators", "marts.hypothesis_results", "quality.quality_results")}
    finally:
        con.close()
    return {"drops": drops, "counts": counts}


def reports(env: dict[str, str]) -> dict[str, str]:
    folder = Path(env["COACHING_REPORTS"])
    return {p.relative_to(folder).as_posix(): sha256_bytes(p.read_bytes()) for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(".")}


def wait_until_the_run_has_written(env: dict[str, str], asset: str, timeout: float = 300) -> None:
    """Wait until the newest run of the instance has materialised ``asset`` (it is then mid-way)."""
    from dagster import DagsterInstance
    from dagster._core.instance.ref import InstanceRef

    instance = DagsterInstance.from_ref(InstanceRef.from_dir(env["DAGSTER_HOME"]))
    deadline = time.monotonic() + timeout
    seen = {r.run_id for r in instance.get_runs()}
    while time.monotonic() < deadline:
        for run in instance.get_runs(limit=1):
            if run.run_id in seen:
                continue
            records = instance.fetch_materializations(AssetKey(asset), limit=1).records
            if records and records[0].event_log_entry.run_id == run.run_id:
                return
        time.sleep(0.3)
    raise AssertionError(f"no new run materialised {asset} within {timeout} s")


def test_two_builds_at_once_both_succeed_and_the_warehouse_adds_up(env):
    first, second = build(env), build(env)
    outputs = [p.communicate(timeout=600)[0] for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], "\n\n".join(outputs)
    # they took turns through the pool duckdb_warehouse (one slot), step by step
    from dagster import DagsterInstance
    from dagster._core.instance.ref import InstanceRef

    instance = DagsterInstance.from_ref(InstanceRef.from_dir(env["DAGSTER_HOME"]))
    runs = instance.get_runs()
    assert len(runs) == 2 and all(r.status.value == "SUCCESS" for r in runs)
    messages = [e.message or "" for r in runs for e in instance.all_logs(r.run_id)]
    assert any("blocked by limit for pool duckdb_warehouse" in m for m in messages), \
        sorted({m for m in messages if "pool" in m.lower()})[:5]
    state = warehouse_state(env)
    assert all(raw == staged + quarantined for _, raw, staged, quarantined in state["drops"])
    # each table holds one build's rows, not two: 2 × 24 participants, 2 × 48 answers, 2 × 9 activities
    assert state["counts"]["staging.participants"] == 48
    assert state["counts"]["staging.survey_responses"] == 96
    assert state["counts"]["staging.activities"] == 18
    assert state["counts"]["marts.hypothesis_results"] == 2
    # a third, lone build gives the very same warehouse and reports
    before = reports(env)
    lone = build(env)
    output = lone.communicate(timeout=600)[0]
    assert lone.returncode == 0, output
    assert warehouse_state(env) == state
    assert reports(env) == before


def test_a_build_killed_half_way_loses_nothing_and_the_next_one_completes(env):
    first = build(env)
    output = first.communicate(timeout=600)[0]
    assert first.returncode == 0, output
    state, published = warehouse_state(env), reports(env)
    victim = build(env)
    wait_until_the_run_has_written(env, "survey_responses")  # staging done, analysis about to write
    assert victim.poll() is None, "the build ended before it could be killed"
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)
    assert warehouse_state(env) == state  # every write is a transaction: nothing half-written
    assert reports(env) == published  # files are replaced whole, and with the same inputs they are the same
    again = build(env)
    output = again.communicate(timeout=600)[0]
    assert again.returncode == 0, output
    assert "een eerdere build is afgebroken (run " in output  # its run is marked failed and its pool slot freed
    assert warehouse_state(env) == state and reports(env) == published
