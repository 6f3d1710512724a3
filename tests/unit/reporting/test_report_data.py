"""What the reports read from the warehouse, on a small in-memory warehouse: declared reads, order, list cells."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd
import pytest

from impact import warehouse
from impact.reporting import data_quality, report_data
from impact.warehouse import tables

pytestmark = pytest.mark.unit

SETTINGS = {"name": "Demo", "municipality": "Utrecht", "year": 2018, "alpha": 0.05, "multiple_testing": "holm",
            "min_pairs": 10, "disclosure_threshold": 10, "discount_rate": 0.035,
            "closing_meeting": dt.date(2019, 1, 31), "language": "nl", "synthetic": True, "description": "",
            "source_sha256": "0" * 64}


@pytest.fixture
def con():
    con = duckdb.connect()
    warehouse.create_tables(con)
    with warehouse.transaction(con):
        warehouse.replace_rows(con, tables.SETTINGS, pd.DataFrame([SETTINGS]), where={})
        warehouse.replace_rows(con, tables.INITIATIVES, pd.DataFrame({
            "initiative_id": ["b", "a"], "name": ["B", "A"], "activities": [["walks", "coffee"], None],
            "waves": [["baseline", "follow_up"], ["baseline", "follow_up", "follow_up_2"]],
        }), where={})
        warehouse.replace_rows(con, tables.QUALITY_RESULTS, pd.DataFrame({
            "check_name": ["completeness", "completeness", "reliability"], "table_name": ["participants"] * 2 + ["x"],
            "initiative_id": ["a", "a", "a"], "severity": ["WARN", "ERROR", "WARN"],
            "outcome": ["warning", "passed", "warning"], "description": ["d2", "d1", "d0"],
        }), where={})
        warehouse.replace_rows(con, tables.QUARANTINE, pd.DataFrame({
            "initiative_id": ["a"] * 3, "table_name": ["participants"] * 3, "source_file": ["a/p.csv"] * 2 + ["a/q.csv"],
            "source_sha256": ["1" * 64] * 3, "source_row": [3, None, None], "column": ["wijk", None, None],
            "rule": ["enum", "header", "header"], "message": ["m1", "m2", "m3"],
        }), where={})
        warehouse.replace_rows(con, tables.OUTCOME_SCORES, pd.DataFrame({
            "initiative_id": ["a"] * 4, "participant_id": ["p2", "p1", "p1", "p1"],
            "wave": ["baseline", "follow_up", "baseline", "follow_up_2"], "outcome_id": ["o"] * 4,
            "score": [1.0, 3.0, None, 2.0],
        }), where={})
    yield con
    con.close()


def test_report_data_reads_exactly_the_tables_it_declares(con):
    with warehouse.declared_reads(report_data.TABLES_READ):
        data = report_data.load(con)
    assert data.year == 2018 and data.threshold == 10
    assert len(set(report_data.TABLES_READ)) == len(report_data.TABLES_READ)
    for left_out in report_data.TABLES_READ:
        with warehouse.declared_reads([t for t in report_data.TABLES_READ if t is not left_out]):
            with pytest.raises(warehouse.UndeclaredRead, match=left_out.name):
                report_data.load(con)


def test_the_data_quality_page_reads_exactly_the_tables_it_declares(con, tmp_path):
    with warehouse.declared_reads(data_quality.TABLES_READ):
        written = data_quality.write_data_quality_page(con, tmp_path, 2018)
    assert [p.name for p in written] == ["index.html", "quality_results.csv", "quarantine.csv", "notices.csv"]
    for left_out in data_quality.TABLES_READ:
        with warehouse.declared_reads([t for t in data_quality.TABLES_READ if t is not left_out]):
            with pytest.raises(warehouse.UndeclaredRead, match=left_out.name):
                data_quality.collect(con)


def test_reads_keep_the_order_and_rows_of_the_reports(con):
    data = report_data.load(con)
    assert list(data.initiatives["initiative_id"]) == ["a", "b"]
    assert list(data.warnings["description"]) == ["d2", "d0"]  # not passed, by initiative, outcome, table, check
    page = data_quality.collect(con)
    assert list(page["not_met"]["description"]) == ["d2", "d0"]
    # per drop, the refused drop's entry (no row) before the rows
    assert list(page["quarantine"]["message"]) == ["m2", "m1", "m3"]
    assert page["reasons"].to_dict("list") == {"initiative_id": ["a", "a"], "table_name": ["participants"] * 2,
                                               "rule": ["header", "enum"], "entries": [2, 1]}
    # baseline and follow-up scores only, no missing score
    assert data.distributions[["wave", "n"]].to_dict("list") == {"wave": ["baseline", "follow_up"], "n": [1, 1]}


def test_list_cells_of_the_initiatives_read_as_lists(con):
    ini = report_data.load(con).initiatives.set_index("initiative_id")
    assert report_data.as_list(ini.loc["b", "activities"]) == ["walks", "coffee"]
    assert report_data.as_list(ini.loc["a", "waves"]) == ["baseline", "follow_up", "follow_up_2"]
    assert report_data.as_list(ini.loc["a", "activities"]) == []
    assert report_data.as_list(np.array(["x", None], dtype=object)) == ["x"]
    assert report_data.as_list(pd.NA) == [] and report_data.as_list(float("nan")) == []


def test_percentiles_of_a_ladder_are_rungs_and_no_float_noise_reaches_a_table():
    # 14 people on the Participatieladder (rungs 1..6): interpolation gives P25 1,25 and P90 3.700000000000001
    rungs = [1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4.0]
    scores = pd.DataFrame({"initiative_id": "a", "outcome_id": "participation", "wave": "baseline", "score": rungs})
    outcomes = pd.DataFrame({"initiative_id": ["a"], "outcome_id": ["participation"], "instrument": ["participation_ladder"]})
    ordinal = report_data.ordinal_outcomes(outcomes)
    assert ordinal == {("a", "participation")}
    # inverted_cdf: the lowest rung at or below which at least 10/25/50/75/90% of the 14 score
    row = report_data.distributions(scores, ordinal).iloc[0]
    assert [row[f"p{q}"] for q in (10, 25, 50, 75, 90)] == [1.0, 1.0, 2.0, 3.0, 4.0]
    # whole-number scores of any outcome (a count of answers or of people) are read the same way
    row = report_data.distributions(scores).iloc[0]
    assert [row[f"p{q}"] for q in (10, 25, 50, 75, 90)] == [1.0, 1.0, 2.0, 3.0, 4.0]
    # a score with fractions (a prorated sum) interpolates, rounded to 10 decimals: 3.7, not 3.700000000000001
    row = report_data.distributions(scores.assign(score=scores["score"] + np.array([0.5] + [0.0] * 13))).iloc[0]
    assert [row[f"p{q}"] for q in (10, 25, 50, 75, 90)] == [1.0, 1.625, 2.5, 3.0, 3.7]
    # a profile's domains (ZRM) are ordinal by the outcome before the dot
    zrm = pd.DataFrame({"initiative_id": "z", "outcome_id": "self_reliance.financien", "wave": "follow_up",
                        "score": [1, 2, 2, 5.0]})
    ordinal = report_data.ordinal_outcomes(pd.DataFrame({"initiative_id": ["z"], "outcome_id": ["self_reliance"],
                                                         "instrument": ["zrm"]}))
    row = report_data.distributions(zrm, ordinal).iloc[0]
    assert [row[f"p{q}"] for q in (10, 25, 50, 75, 90)] == [1.0, 1.0, 2.0, 2.0, 5.0]
