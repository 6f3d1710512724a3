"""The yearly reports fanned out as steps: the ``reports_in_processes`` job (multiprocess executor) with the
reports split into three steps renders them in three other processes, and writes the bytes the in-process
build wrote."""

from __future__ import annotations

import os

import pytest
from dagster import AssetKey, DagsterEventType, DagsterInstance, execute_job
from dagster._core.definitions.reconstruct import ReconstructableRepository

from pipelines.partitions import initiative_partitions, partition_range_tags
from tests.conftest import SAMPLE_RAW_DATA

pytestmark = [pytest.mark.integration, pytest.mark.slow]

RENDER_STEP = "initiative_reports.render_yearly_report_batch"


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_three_rendering_steps_in_three_processes_write_what_the_build_wrote(built_sample, tmp_path, monkeypatch):
    home, reports = tmp_path / "dagster_home", tmp_path / "reports"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    # the step processes read the locations from the environment they inherit
    monkeypatch.setenv("COACHING_RAW_DATA", str(SAMPLE_RAW_DATA))
    monkeypatch.setenv("COACHING_WAREHOUSE", str(built_sample["root"] / "warehouse"))
    monkeypatch.setenv("COACHING_REPORTS", str(reports))
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    initiatives = sorted(p.parent.name for p in SAMPLE_RAW_DATA.glob("*/theory_of_change.yaml"))
    assert len(initiatives) == 9

    with DagsterInstance.get() as instance:
        instance.add_dynamic_partitions(initiative_partitions.name, initiatives)
        job = ReconstructableRepository.for_module("pipelines.definitions", "defs").get_reconstructable_job(
            "reports_in_processes")
        with execute_job(job, instance=instance, tags=partition_range_tags(initiatives[0], initiatives[-1]),
                         run_config={"resources": {"report_settings": {"config": {"report_steps": 3, "workers": 1}}}},
                         raise_on_error=True) as result:
            assert result.success
            started = {e.step_key: e.pid for e in result.all_events if e.event_type == DagsterEventType.STEP_START}
        materialization = instance.fetch_materializations(AssetKey("initiative_reports"), limit=1).records[0]

    rendering = {key: pid for key, pid in started.items() if key.startswith(RENDER_STEP)}
    assert sorted(rendering) == [f"{RENDER_STEP}[batch_{i}_of_3]" for i in (1, 2, 3)]
    assert len(set(rendering.values())) == 3 and os.getpid() not in rendering.values()
    metadata = materialization.asset_materialization.metadata
    assert metadata["rendering_steps"].value == 3 and metadata["reports_in_run"].value == 9

    fanned, built = _files(reports / "2018"), _files(built_sample["reports"] / "2018")
    yearly = {name for name in built if name.split("/")[0] in initiatives}
    assert len(yearly) > 9 * 10
    assert {name: fanned[name] for name in yearly} == {name: built[name] for name in yearly}
    # the programme level too: overview, lessons, data-quality page, the bundle and the manifest
    assert fanned == built
