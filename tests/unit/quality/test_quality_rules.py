"""Great Expectations rules evaluated on a small hand-made warehouse: the error rules that the contract normally makes moot."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from impact.quality.rules import RULES, ProgrammeYear

pytestmark = pytest.mark.unit


def _bypassed_warehouse(tmp_path, survey_rows):
    """A warehouse whose survey table did not come through the contract (as after a bug or a hand edit)."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("CREATE SCHEMA staging")
    con.execute("CREATE SCHEMA programme")
    con.execute("CREATE TABLE programme.settings AS SELECT 2018 AS year")
    frame = pd.DataFrame(survey_rows, columns=["initiative_id", "source_file", "source_row", "participant_id", "wave", "responded_on"])
    frame["responded_on"] = pd.to_datetime(frame["responded_on"])
    con.execute("CREATE TABLE staging.survey_responses AS SELECT * FROM frame")
    return con


def test_error_rules_fail_when_the_contract_was_bypassed(tmp_path):
    con = _bypassed_warehouse(tmp_path, [
        ("demo", "demo/s.csv", 1, "p1", "baseline", "2018-06-01"),
        ("demo", "demo/s.csv", 2, "p1", "follow_up", "2018-02-01"),
        ("demo", "demo/s.csv", 3, "p2", "baseline", "2018-01-01"),
        ("demo", "demo/s.csv", 4, "p2", "baseline", "2018-01-02"),
        ("other", "other/s.csv", 1, "p9", "baseline", "2018-01-01"),
    ])
    rules = {r.name: r for r in RULES if r.table_name == "survey_responses"}
    order = rules["follow_up_after_baseline"].evaluate(con, ProgrammeYear(2018), ["demo", "other"])
    assert order[["initiative_id", "outcome", "unexpected_count", "failing_rows"]].values.tolist() == [
        ["demo", "failed", 1, "demo/s.csv row 2"],
        ["other", "passed", 0, None],
    ]
    unique = rules["one_response_per_participant_and_wave"].evaluate(con, ProgrammeYear(2018), ["demo", "other"])
    assert unique[["initiative_id", "outcome", "unexpected_count"]].values.tolist() == [["demo", "failed", 2], ["other", "passed", 0]]
    assert set(order["severity"]) == {"ERROR"}
