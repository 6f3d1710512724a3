"""A ``coaching synth`` programme (N = 3, M = 60) goes through the pipeline's data stages (``coaching build
--no-reports``): every raw row is staged or quarantined, per initiative, and the planted errors are where the
contract puts them."""

from __future__ import annotations

import json

import duckdb
import pytest

from impact.sample_data import scale

pytestmark = pytest.mark.integration

N, M = 3, 60


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from pipelines.cli import main

    root = tmp_path_factory.mktemp("synth_build")
    raw = root / "raw_data"
    scale.synth(raw, N, M, workers=1)
    mp = pytest.MonkeyPatch()
    for name, value in (("COACHING_RAW_DATA", raw), ("COACHING_WAREHOUSE", root / "warehouse"),
                        ("COACHING_REPORTS", root / "reports"), ("DAGSTER_HOME", root / "dagster_home")):
        mp.setenv(name, str(value))
    try:
        code = main(["build", "--no-reports"])
    finally:
        mp.undo()
    con = duckdb.connect(str(root / "warehouse" / "coaching.duckdb"), read_only=True)
    yield {"code": code, "con": con, "marker": json.loads((raw / scale.MARKER).read_text(encoding="utf-8"))}
    con.close()


@pytest.mark.slow  # the build of the fixture
def test_the_build_succeeds(built):
    assert built["code"] == 0


@pytest.mark.slow  # the build of the fixture
def test_every_raw_row_is_staged_or_quarantined_per_initiative(built):
    con = built["con"]
    per_initiative = con.execute(
        "SELECT initiative_id, sum(raw_rows), sum(staged_rows), sum(quarantined_rows) FROM staging.drops GROUP BY 1"
    ).fetchall()
    assert sorted(i for i, *_ in per_initiative) == sorted(
        ["all", "sociale-supermarkt-0001", "digitale-buddies-0002", "food-for-good-0003"])
    for initiative, raw_rows, staged, quarantined in per_initiative:
        assert raw_rows == staged + quarantined, initiative
        assert raw_rows > 0, initiative
    for source_file, raw_rows, staged, quarantined in con.execute(
            "SELECT source_file, raw_rows, staged_rows, quarantined_rows FROM staging.drops").fetchall():
        assert raw_rows == staged + quarantined, source_file
    # the register: exactly M people per initiative reach the warehouse
    staged_people = dict(con.execute("SELECT initiative_id, count(*) FROM staging.participants GROUP BY 1").fetchall())
    assert staged_people == {i: M for i, *_ in per_initiative if i != "all"}


@pytest.mark.slow  # the build of the fixture
def test_the_planted_errors_are_quarantined_and_nothing_else(built):
    con, planted = built["con"], built["marker"]["planted"]
    quarantined = con.execute("SELECT source_file, source_row, \"column\", rule FROM staging.quarantine").fetchall()
    by_cell = {(f, r, c): rule for f, r, c, rule in quarantined}
    # Sociale Supermarkt's out-of-range Rosenberg answer, moved to its copy
    (rses,) = [p for p in planted if p["column"] == "rses_4"]
    assert rses["file"] == "sociale-supermarkt-0001/survey_baseline.csv"
    assert by_cell[(rses["file"], rses["source_row"], "rses_4")] == "range"
    # every quarantined row is a planted error, or a template's story told without consent (set aside on
    # purpose): the rest of the generated data keeps the contract
    expected = {(p["file"], p["source_row"]) for p in planted if p["error"]}
    for k in range(1, N + 1):
        stories = scale.template_of(k).stories
        if stories is not None:
            expected |= {(f"{scale.slug(k)}/{stories.file}", i) for i, item in enumerate(stories.items, start=1)
                         if item["consent"] != "ja"}
    assert {(f, r) for f, r, _, _ in quarantined} <= expected
    assert ("sociale-supermarkt-0001/stories_2018.yaml", 3) in {(f, r) for f, r, _, _ in quarantined}


@pytest.mark.slow  # the build of the fixture
def test_the_wijk_typo_is_kept_with_a_note_and_the_quirk_is_read_as_meant(built):
    con, planted = built["con"], built["marker"]["planted"]
    notices = con.execute(
        "SELECT source_file, message FROM staging.ingest_notices WHERE rule = 'unknown_value'").fetchall()
    for p in (p for p in planted if p["column"] == "wijk"):
        kept = con.execute("SELECT count(*) FROM staging.participants WHERE source_file = ? AND source_row = ?",
                           [p["file"], p["source_row"]]).fetchone()[0]
        assert kept == 1, p
        if p["error"]:  # Overvect: staged with the wijk unknown, and a note names it
            assert any(f == p["file"] and "Overvect" in m for f, m in notices), p


def test_worker_processes_write_the_same_bytes_as_one(tmp_path):
    from tests.unit.sample_data.test_sample_generator import _files

    scale.synth(tmp_path / "one", 5, 20, workers=1)
    scale.synth(tmp_path / "two", 5, 20, workers=2)
    assert _files(tmp_path / "one") == _files(tmp_path / "two")
    for rel in _files(tmp_path / "one"):
        assert (tmp_path / "one" / rel).read_bytes() == (tmp_path / "two" / rel).read_bytes(), rel
