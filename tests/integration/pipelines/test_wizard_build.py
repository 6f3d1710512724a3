"""A scripted wizard session writes a Theory of Change that builds, as a new initiative in a copy of the sample year.

What a Theory of Change without data does in a build: the folder is a new partition, its Theory of Change is
loaded into ``programme.*`` (no config error), no drop is staged, its hypotheses are tested on 0 pairs and get
``insufficient_data``, and its yearly report is published. With a tiny drop (12 participants measured twice)
the hypotheses the wizard wrote run through the tests it chose.
"""

from __future__ import annotations

import shutil

import duckdb
import numpy as np
import pytest

from pipelines.cli import main
from tests.conftest import SAMPLE_RAW_DATA
from tests.wizard_sessions import BUURTKAMER, run_session

pytestmark = [pytest.mark.integration, pytest.mark.slow]

NEW = "buurtkamer-oost"


@pytest.fixture
def sample_copy(tmp_path, monkeypatch):
    raw = tmp_path / "raw_data"
    shutil.copytree(SAMPLE_RAW_DATA, raw)
    for name, value in (("COACHING_RAW_DATA", raw), ("COACHING_WAREHOUSE", tmp_path / "wh"),
                        ("COACHING_REPORTS", tmp_path / "rep"), ("DAGSTER_HOME", tmp_path / "dh")):
        monkeypatch.setenv(name, str(value))
    code, script = run_session(BUURTKAMER, raw)
    assert code == 0, script.transcript()
    return raw, tmp_path / "wh" / "coaching.duckdb", tmp_path / "rep"


def _programme_rows(con):
    hypotheses = con.execute(
        "SELECT hypothesis_id, outcome_id, test, direction, alternative, \"primary\" FROM programme.hypotheses "
        "WHERE initiative_id = ? ORDER BY 1", [NEW]).fetchall()
    outcomes = con.execute("SELECT outcome_id, instrument FROM programme.outcomes WHERE initiative_id = ? ORDER BY 1",
                           [NEW]).fetchall()
    return hypotheses, outcomes


def test_the_wizards_theory_of_change_alone_builds_as_a_new_initiative(sample_copy, capsys):
    raw, warehouse, reports = sample_copy
    assert sorted(p.name for p in (raw / NEW).iterdir()) == ["theory_of_change.yaml"]
    assert main(["build", "--initiative", NEW]) == 0, capsys.readouterr().err
    assert f"nieuw initiatief: {NEW}" in capsys.readouterr().out
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("SELECT count(*) FROM programme.config_errors").fetchone()[0] == 0
    hypotheses, outcomes = _programme_rows(con)
    assert hypotheses == [("H1", "loneliness", "paired_t", "decrease", "two-sided", True),
                          ("H2", "sociaal_netwerk", "paired_t", "increase", "two-sided", False)]
    assert outcomes == [("loneliness", "djg11"), ("participation", "participation_ladder"),
                        ("sociaal_netwerk", "custom")]
    # no data: nothing staged, both hypotheses without a test
    assert con.execute("SELECT count(*) FROM staging.drops WHERE initiative_id = ?", [NEW]).fetchone()[0] == 0
    assert con.execute("SELECT hypothesis_id, test, n_pairs, verdict FROM marts.hypothesis_results "
                       "WHERE initiative_id = ? ORDER BY 1", [NEW]).fetchall() == [
        ("H1", "paired_t", 0, "insufficient_data"), ("H2", "paired_t", 0, "insufficient_data")]
    con.close()
    assert (reports / "2018" / NEW / f"{NEW}_2018.pdf").is_file()


def test_with_a_tiny_drop_the_wizards_hypotheses_run_the_tests_it_chose(sample_copy, capsys):
    raw, warehouse, _ = sample_copy
    rng = np.random.default_rng(2018)
    people = [f"BO-{i:03d}" for i in range(1, 13)]
    (raw / NEW / "participants_2018.csv").write_text(
        "participant_id,enrolled_on,wijk,age_band\n" + "".join(f"{p},2018-02-01,Oost,75+\n" for p in people),
        encoding="utf-8")
    items = [f"djg11_{i}" for i in range(1, 12)]
    rows = []
    negative = (2, 3, 5, 6, 9, 10)  # 'ja' is the lonely answer; on the other items 'nee' is
    for p in people:
        lonely, network = int(rng.integers(3, 9)), int(rng.integers(2, 8))
        order = rng.permutation(np.arange(1, 12))  # which items this person answers the lonely way
        for wave, date, count, contacts in (("baseline", "2018-02-15", lonely, network),
                                            ("follow_up", "2018-09-15", lonely - 1, network + 2)):
            lonely_items = set(order[:count].tolist())
            codes = [(3 if i in negative else 1) if i in lonely_items else (1 if i in negative else 3)
                     for i in range(1, 12)]
            rows.append(",".join([p, wave, date, *map(str, codes), str(contacts)]))
    (raw / NEW / "survey_2018.csv").write_text(
        ",".join(["participant_id", "wave", "responded_on", *items, "sociaal_netwerk"]) + "\n" + "\n".join(rows) + "\n",
        encoding="utf-8")
    assert main(["build", "--initiative", NEW]) == 0, capsys.readouterr().err
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("SELECT count(*) FROM programme.config_errors").fetchone()[0] == 0
    assert con.execute("SELECT sum(quarantined_rows), sum(staged_rows) FROM staging.drops WHERE initiative_id = ?",
                       [NEW]).fetchone() == (0, 12 + 24)
    results = con.execute(
        "SELECT hypothesis_id, test, n_pairs, mean_difference, p_value IS NOT NULL FROM marts.hypothesis_results "
        "WHERE initiative_id = ? ORDER BY 1", [NEW]).fetchall()
    con.close()
    assert [(h, t, n, p) for h, t, n, _, p in results] == [("H1", "paired_t", 12, True), ("H2", "paired_t", 12, True)]
    assert results[0][3] == pytest.approx(-1) and results[1][3] == pytest.approx(2)
