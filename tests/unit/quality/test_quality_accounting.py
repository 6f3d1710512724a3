"""The row accounting finds lost, doubled and orphaned rows."""

from __future__ import annotations

import pandas as pd
import pytest

from impact import warehouse
from impact.quality.accounting import independent_row_count, row_accounting
from impact.warehouse import tables

pytestmark = pytest.mark.unit


@pytest.fixture
def con(tmp_path):
    with warehouse.connect(tmp_path / "w.duckdb") as con:  # creates every declared table
        yield con


def _fill(con, staged_files, drops):
    """Staged activity rows from these files and the drops recorded for them."""
    staged = pd.DataFrame({"initiative_id": "demo", "source_file": staged_files, "source_row": range(1, len(staged_files) + 1)})
    drop_rows = pd.DataFrame(
        [("demo", "activities", f, "sha", raw, staged_rows, 0, False) for f, raw, staged_rows in drops],
        columns=["initiative_id", "table_name", "source_file", "source_sha256", "raw_rows", "staged_rows",
                 "quarantined_rows", "refused"],
    )
    with warehouse.transaction(con):
        warehouse.replace_rows(con, tables.ACTIVITIES, staged, where={})
        warehouse.replace_rows(con, tables.DROPS, drop_rows, where={})


def test_balanced_drops_pass(tmp_path, con):
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "activities_a.csv").write_text("date,activity,attendees\n2018-01-01,a,1\n2018-01-02,b,2\n")
    _fill(con, ["demo/activities_a.csv"] * 2, [("demo/activities_a.csv", 2, 2)])
    table = row_accounting(con, "activities", tmp_path)
    assert table[["source_file", "raw_rows", "staged_rows", "quarantined_rows", "balanced"]].values.tolist() == [
        ["demo/activities_a.csv", 2, 2, 0, True]
    ]


def test_a_row_the_reader_lost_is_found_by_recounting(tmp_path, con):
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "activities_a.csv").write_text("date,activity,attendees\n2018-01-01,a,1\n2018-01-02,b,2\n2018-01-03,c,3\n")
    # the pipeline recorded and staged 2 rows, the file has 3: the tables add up, the recount does not
    _fill(con, ["demo/activities_a.csv"] * 2, [("demo/activities_a.csv", 2, 2)])
    table = row_accounting(con, "activities", tmp_path)
    assert table[["recorded_raw_rows", "recounted_rows", "balanced", "recount_agrees"]].values.tolist() == [[2, 3, True, False]]


def test_a_drop_refused_unread_is_not_recounted_through_its_link(tmp_path, con, opened):
    target = tmp_path / "elsewhere.csv"
    target.write_text("date,activity,attendees\n2018-01-01,a,1\n")
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "activities_link.csv").symlink_to(target)
    drop = pd.DataFrame([("demo", "activities", "demo/activities_link.csv", None, 0, 0, 0, True)],
                        columns=list(tables.DROPS.column_names))
    quarantine = pd.DataFrame([("demo", "activities", "demo/activities_link.csv", None, None, None, None,
                                "symbolic_link", "refused unread")], columns=list(tables.QUARANTINE.column_names))
    with warehouse.transaction(con):
        warehouse.replace_rows(con, tables.DROPS, drop, where={})
        warehouse.replace_rows(con, tables.QUARANTINE, quarantine, where={})
    opened.clear()
    row = row_accounting(con, "activities", tmp_path).iloc[0]
    assert (row["source_file"], row["raw_rows"], row["recounted_rows"] is pd.NA, row["balanced"], row["recount_agrees"]) == (
        "demo/activities_link.csv", 0, True, True, True)
    assert str(target.resolve()) not in opened


def test_a_row_lost_on_the_way_to_the_warehouse_unbalances(tmp_path, con):
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "activities_a.csv").write_text("date,activity,attendees\n2018-01-01,a,1\n2018-01-02,b,2\n")
    _fill(con, ["demo/activities_a.csv"], [("demo/activities_a.csv", 2, 2)])  # read 2, stored 1
    table = row_accounting(con, "activities")
    assert table[["raw_rows", "staged_rows", "quarantined_rows", "balanced"]].values.tolist() == [[2, 1, 0, False]]


def test_orphaned_staged_rows_are_unbalanced(tmp_path, con):
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "activities_a.csv").write_text("date,activity,attendees\n2018-01-01,a,1\n")
    _fill(con, ["demo/activities_a.csv", "demo/activities_gone.csv"], [("demo/activities_a.csv", 1, 1)])
    table = row_accounting(con, "activities", tmp_path)
    assert table[["initiative_id", "source_file", "balanced"]].values.tolist() == [
        ["demo", "demo/activities_a.csv", True],
        ["(unknown drop)", "demo/activities_gone.csv", False],
    ]


def test_independent_count_ignores_blank_rows_and_reads_excel_hints(tmp_path):
    p = tmp_path / "participants.csv"
    p.write_text('sep=;\nparticipant_id;wijk\nA1;"Oost"\n;\n\nA2;Zuid\n', encoding="utf-8")
    assert independent_row_count(p) == 2
    assert independent_row_count(tmp_path / "missing.csv") is None


def test_per_initiative_results_name_the_drops_that_do_not_add_up():
    from impact.quality.results import accounting_results, recount_results

    per_drop = pd.DataFrame({
        "initiative_id": ["a", "a", "b"], "source_file": ["a/x.csv", "a/y.csv", "b/z.csv"],
        "raw_rows": [3, 2, 1], "recorded_raw_rows": [3, 2, 1], "staged_rows": [2, 2, 1], "quarantined_rows": [1, 1, 0],
        "balanced": [True, False, True], "recounted_rows": pd.array([3, None, 1], dtype="Int64"),
        "recount_agrees": [True, False, True], "refused": [False, False, False],
    })
    added = accounting_results(per_drop, "activities")
    assert added[["initiative_id", "outcome", "unexpected_count", "observed_value", "failing_rows"]].values.tolist() == [
        ["a", "failed", 1, "5 rijen aangeleverd = 4 gebruikt + 2 apart gezet", "a/y.csv"],
        ["b", "passed", 0, "1 rij aangeleverd = 1 gebruikt + 0 apart gezet", None],
    ]
    recount = recount_results(per_drop, "activities")
    assert recount[["initiative_id", "outcome", "failing_rows"]].values.tolist() == [
        ["a", "warning", "a/y.csv: 2 rijen ingelezen, een tweede telling kon het bestand niet lezen"],
        ["b", "passed", None],
    ]
    english = recount_results(per_drop.assign(recounted_rows=pd.array([3, 1, 1], dtype="Int64")), "activities", "en")
    assert english[["initiative_id", "outcome", "failing_rows", "description"]].values.tolist() == [
        ["a", "warning", "a/y.csv: 2 rows read, a second count finds 1",
         "A second count finds the same rows in each file; if not, look at the file."],
        ["b", "passed", None, "A second count finds the same rows in each file; if not, look at the file."],
    ]
