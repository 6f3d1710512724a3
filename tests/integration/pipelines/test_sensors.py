"""The coaches' sensor after a real build: a new drop rebuilds only its initiative and the programme-level artefacts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from dagster import DagsterInstance

from impact.reporting.render import sha256_bytes
from pipelines.definitions import defs
from tests.conftest import SAMPLE_RAW_DATA
from tests.unit.pipelines.test_sensors import NEW_ACTIVITIES, evaluate, ranges

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _artefacts(year_folder: Path) -> dict[str, str]:
    return {p.relative_to(year_folder).as_posix(): sha256_bytes(p.read_bytes())
            for p in sorted(year_folder.rglob("*")) if p.is_file()}


def test_a_new_drop_for_one_initiative_changes_only_its_artefacts_and_the_programme_level_ones(tmp_path, monkeypatch):
    raw = tmp_path / "raw_data"
    shutil.copytree(SAMPLE_RAW_DATA, raw)
    for name, value in (("COACHING_RAW_DATA", raw), ("COACHING_WAREHOUSE", tmp_path / "warehouse"),
                        ("COACHING_REPORTS", tmp_path / "reports"), ("DAGSTER_HOME", tmp_path / "home")):
        monkeypatch.setenv(name, str(value))
    from pipelines.cli import main

    assert main(["build"]) == 0
    instance = DagsterInstance.get()
    year_folder = tmp_path / "reports" / "2018"
    before = _artefacts(year_folder)
    primed = evaluate(raw, instance, None)  # the sensor's first look at folders the CLI already built
    assert primed.dynamic_partitions_requests == []  # the CLI registered them

    (raw / "zus-en-zo" / "activities_2018-12-extra.csv").write_text(NEW_ACTIVITIES, encoding="utf-8")
    result = evaluate(raw, instance, primed.cursor)
    assert ranges(result) == [("zus-en-zo", "zus-en-zo")]
    run = defs.resolve_job_def(result.run_requests[0].job_name).execute_in_process(
        instance=instance, tags=result.run_requests[0].tags, raise_on_error=False)
    assert run.success
    after = _artefacts(year_folder)
    changed = sorted(k for k in after if before.get(k) != after[k])
    assert sorted(before) == sorted(after)
    assert "zus-en-zo/zus-en-zo_2018.pdf" in changed
    allowed = ("zus-en-zo/", "programme/", "lessons_learned/", "data_quality/", "levering/", "manifest.json")
    assert [k for k in changed if not k.startswith(allowed)] == []
    assert any(k.startswith("levering/") for k in changed)  # the delivery carries the new yearly report
    manifest = json.loads((year_folder / "manifest.json").read_text(encoding="utf-8"))
    assert "zus-en-zo/activities_2018-12-extra.csv" in {i["path"] for i in manifest["inputs"]}
