"""Yearly reports rendered by several processes are the same bytes as rendered one after another."""

from __future__ import annotations

import pytest

from impact import warehouse
from impact.reporting import report_data
from impact.reporting.parallel import render_yearly_reports
from impact.reporting.provenance import code_version

pytestmark = [pytest.mark.integration, pytest.mark.slow]

THREE = ["digitale-buddies", "talent-connection", "zus-en-zo"]


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_workers_write_what_one_writes_and_what_the_build_wrote(built_sample, tmp_path):
    with warehouse.connect(built_sample["root"] / "warehouse" / "coaching.duckdb", read_only=True) as con:
        data = report_data.load(con)
    version = code_version()
    seen = []
    parallel = render_yearly_reports(data, THREE, "nl", version, tmp_path / "two", workers=2,
                                     progress=lambda done, total: seen.append((done, total)))
    serial = render_yearly_reports(data, THREE, "nl", version, tmp_path / "one", workers=1)
    assert [r.initiative_id for r in parallel] == [r.initiative_id for r in serial] == THREE
    assert sorted(seen) == [(1, 3), (2, 3), (3, 3)]
    two, one = _files(tmp_path / "two"), _files(tmp_path / "one")
    assert len(two) == len(one) > 3 * 10
    assert two == one
    built = built_sample["reports"] / "2018"
    assert {name: data for name, data in two.items()} == {
        name: data for name, data in _files(built).items() if name.split("/")[0] in THREE}
    assert [r.preview for r in parallel] == [r.preview for r in serial]
