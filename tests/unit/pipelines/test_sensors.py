"""The coaches' sensor and the schedule: what they request for which change under raw_data/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from dagster import DagsterInstance, build_schedule_context, build_sensor_context
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from impact.ingest.changes import changes, fingerprint
from impact.reporting.render import sha256_bytes
from pipelines.definitions import defs
from pipelines.jobs import monthly_full_rebuild
from pipelines.partitions import initiative_partitions
from pipelines.resources import CoachingFiles
from pipelines.sensors import raw_data_drops
from tests.conftest import write_demo_initiative

pytestmark = pytest.mark.unit

NEW_ACTIVITIES = "date,activity,attendees,volunteers,volunteer_hours,cost_eur\n2018-12-20,Kerstmarkt,14,3,9,40.00\n"


def _touch_later(path: Path) -> None:
    """Change the file's modification time without changing its bytes."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


@pytest.fixture
def raw(tmp_path) -> Path:
    raw = tmp_path / "raw_data"
    raw.mkdir()
    for initiative in ("alpha", "beta", "gamma"):
        folder = write_demo_initiative(raw, initiative)
        (folder / "activities_2018.csv").write_text(NEW_ACTIVITIES, encoding="utf-8")
    return raw


def evaluate(raw: Path, instance: DagsterInstance, cursor: str | None):
    context = build_sensor_context(instance=instance, cursor=cursor, resources={"files": CoachingFiles(raw_data=str(raw))})
    return raw_data_drops(context)


def apply_partitions(instance: DagsterInstance, result) -> None:
    for request in result.dynamic_partitions_requests or []:
        if type(request).__name__ == "AddDynamicPartitionsRequest":
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        else:
            for key in request.partition_keys:
                instance.delete_dynamic_partition(request.partitions_def_name, key)


def ranges(result) -> list[tuple[str, str]]:
    return [(r.tags.get(ASSET_PARTITION_RANGE_START_TAG), r.tags.get(ASSET_PARTITION_RANGE_END_TAG)) for r in result.run_requests]


def test_fingerprint_rehashes_only_what_changed_and_ignores_a_touch(raw):
    first = fingerprint(raw)
    assert sorted(first) == ["alpha/activities_2018.csv", "alpha/theory_of_change.yaml", "beta/activities_2018.csv",
                             "beta/theory_of_change.yaml", "gamma/activities_2018.csv", "gamma/theory_of_change.yaml",
                             "programme.yaml"]
    assert first["alpha/activities_2018.csv"][2] == sha256_bytes(NEW_ACTIVITIES.encode())
    _touch_later(raw / "beta" / "activities_2018.csv")
    second = fingerprint(raw, first)
    assert second["beta/activities_2018.csv"][1] != first["beta/activities_2018.csv"][1]  # re-read ...
    assert changes(first, second, ["alpha", "beta", "gamma"]).any is False  # ... but the same content


def test_what_a_change_touches():
    a = {"programme.yaml": [1, 1, "p"], "alpha/x.csv": [1, 1, "a"], "beta/y.csv": [1, 1, "b"]}
    assert changes(a, {**a, "beta/y.csv": [2, 2, "b2"]}, ["alpha", "beta"]).initiatives == ("beta",)
    assert changes(a, {**a, "beta/z.csv": [2, 2, "z"]}, ["alpha", "beta"]).files == ("beta/z.csv",)
    assert changes(a, {**a, "programme.yaml": [2, 2, "p2"]}, ["alpha", "beta"]).initiatives == ("alpha", "beta")
    grown = changes(a, {**a, "gamma/t.yaml": [1, 1, "g"]}, ["alpha", "beta", "gamma"])
    assert (grown.initiatives, grown.new_initiatives) == (("gamma",), ("gamma",))
    gone = changes(a, {"programme.yaml": [1, 1, "p"], "alpha/x.csv": [1, 1, "a"]}, ["alpha"])
    assert (gone.initiatives, gone.removed_initiatives, gone.files) == ((), ("beta",), ("beta/y.csv",))


def test_sensor_registers_new_folders_rebuilds_changed_ones_and_ignores_touches(raw):
    instance = DagsterInstance.ephemeral()
    first = evaluate(raw, instance, None)
    # first look: every folder is new, one run over all of them
    assert [r.partition_keys for r in first.dynamic_partitions_requests] == [["alpha", "beta", "gamma"]]
    assert ranges(first) == [("alpha", "gamma")] and first.run_requests[0].job_name == "one_initiative"
    apply_partitions(instance, first)

    quiet = evaluate(raw, instance, first.cursor)
    assert quiet.run_requests == [] and quiet.skip_reason.skip_message == "no new or changed drops"

    _touch_later(raw / "beta" / "activities_2018.csv")
    touched = evaluate(raw, instance, quiet.cursor)
    assert touched.run_requests == []

    (raw / "beta" / "activities_2018-12.csv").write_text(NEW_ACTIVITIES.replace("Kerstmarkt", "Oliebollen"), encoding="utf-8")
    changed = evaluate(raw, instance, touched.cursor)
    assert ranges(changed) == [("beta", "beta")] and changed.dynamic_partitions_requests == []
    assert changed.run_requests[0].tags["coaching/initiatives"] == "beta"

    (raw / "alpha" / "activities_2018.csv").write_text(NEW_ACTIVITIES + "2018-12-21,Bingo,12,2,4,0\n", encoding="utf-8")
    (raw / "gamma" / "activities_2018.csv").write_text(NEW_ACTIVITIES + "2018-12-22,Bingo,12,2,4,0\n", encoding="utf-8")
    apart = evaluate(raw, instance, changed.cursor)
    assert ranges(apart) == [("alpha", "alpha"), ("gamma", "gamma")]  # beta did not change: not rebuilt

    write_demo_initiative(raw, "delta")
    grown = evaluate(raw, instance, apart.cursor)
    assert [r.partition_keys for r in grown.dynamic_partitions_requests] == [["delta"]]
    assert ranges(grown) == [("delta", "delta")]
    apply_partitions(instance, grown)

    # back to an earlier state (a bad drop taken out again): a new run all the same, with a new key
    (raw / "beta" / "activities_2018-12.csv").unlink()
    undone = evaluate(raw, instance, grown.cursor)
    assert ranges(undone) == [("beta", "beta")]
    keys = [r.run_key for result in (first, changed, apart, grown, undone) for r in result.run_requests]
    assert len(keys) == len(set(keys))
    again = evaluate(raw, instance, grown.cursor)  # a tick retried from the same cursor asks for the same key
    assert [r.run_key for r in again.run_requests] == [r.run_key for r in undone.run_requests]

    shutil.rmtree(raw / "beta")
    shrunk = evaluate(raw, instance, undone.cursor)
    assert [r.partition_keys for r in shrunk.dynamic_partitions_requests] == [["beta"]]
    assert [r.job_name for r in shrunk.run_requests] == ["programme_level"]
    assert shrunk.run_requests[0].tags["coaching/removed"] == "beta"


def test_a_changed_programme_yaml_rebuilds_every_initiative(raw):
    instance = DagsterInstance.ephemeral()
    first = evaluate(raw, instance, None)
    apply_partitions(instance, first)
    text = (raw / "programme.yaml").read_text(encoding="utf-8").replace("alpha: 0.05", "alpha: 0.01")
    (raw / "programme.yaml").write_text(text, encoding="utf-8")
    result = evaluate(raw, instance, first.cursor)
    assert ranges(result) == [("alpha", "gamma")]


def test_the_monthly_schedule_is_declared_stopped_and_covers_every_initiative(tmp_path):
    instance = DagsterInstance.local_temp(str(tmp_path))
    assert monthly_full_rebuild.default_status.value == "STOPPED"
    assert monthly_full_rebuild.cron_schedule == "0 6 1 * *"
    assert monthly_full_rebuild(build_schedule_context(instance=instance)).skip_message.startswith("no initiatives")
    instance.add_dynamic_partitions(initiative_partitions.name, ["alpha", "beta", "gamma"])
    request = monthly_full_rebuild(build_schedule_context(instance=instance))
    assert (request.tags[ASSET_PARTITION_RANGE_START_TAG], request.tags[ASSET_PARTITION_RANGE_END_TAG]) == ("alpha", "gamma")
    assert {j.name for j in defs.jobs} >= {"coaching_year", "one_initiative", "reports_only", "programme_level"}


def test_a_badly_named_folder_is_no_partition_and_a_change_to_it_rebuilds_the_programme_level(raw):
    """A folder refused as an initiative never becomes a partition; adding it (or editing its Theory of Change)
    asks for one programme-level run, so the programme's reports name it among those left out, and then
    nothing more until it changes again."""
    instance = DagsterInstance.ephemeral()
    first = evaluate(raw, instance, None)
    apply_partitions(instance, first)
    write_demo_initiative(raw, "Delta Buurt")   # capitals and a space: not a slug
    added = evaluate(raw, instance, first.cursor)
    assert added.dynamic_partitions_requests == []
    assert [(r.job_name, r.tags["coaching/refused"]) for r in added.run_requests] == [("programme_level", "Delta Buurt")]
    still = evaluate(raw, instance, added.cursor)
    assert still.run_requests == [] and still.dynamic_partitions_requests == []
    # renamed to its id, it becomes an initiative like any other
    (raw / "Delta Buurt").rename(raw / "delta-buurt")
    toc = raw / "delta-buurt" / "theory_of_change.yaml"
    toc.write_text(toc.read_text(encoding="utf-8").replace("id: Delta Buurt", "id: delta-buurt"), encoding="utf-8")
    renamed = evaluate(raw, instance, still.cursor)
    assert [r.partition_keys for r in renamed.dynamic_partitions_requests] == [["delta-buurt"]]
    assert ranges(renamed) == [("delta-buurt", "delta-buurt")]


def test_removing_a_badly_named_folder_rebuilds_the_programme_level_so_it_is_no_longer_named(raw):
    instance = DagsterInstance.ephemeral()
    first = evaluate(raw, instance, None)
    apply_partitions(instance, first)
    write_demo_initiative(raw, "Delta Buurt")
    added = evaluate(raw, instance, first.cursor)
    shutil.rmtree(raw / "Delta Buurt")
    gone = evaluate(raw, instance, added.cursor)
    assert gone.dynamic_partitions_requests == []
    assert [(r.job_name, r.tags["coaching/refused"]) for r in gone.run_requests] == [("programme_level", "Delta Buurt")]
    assert evaluate(raw, instance, gone.cursor).run_requests == []
