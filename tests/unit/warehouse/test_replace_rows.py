"""Writing and reading the warehouse through the table declarations."""

from __future__ import annotations

import logging

import duckdb
import pandas as pd
import pytest

from impact import warehouse
from impact.warehouse import tables

pytestmark = pytest.mark.unit


@pytest.fixture
def con():
    con = duckdb.connect()
    warehouse.create_tables(con)
    yield con
    con.close()


def _notice(initiative_id: str, table_name: str, message: str) -> dict:
    return {"initiative_id": initiative_id, "table_name": table_name, "source_file": f"{initiative_id}/x.csv",
            "column": None, "rule": "unknown_column", "message": message}


def test_every_declared_table_is_created_with_its_declared_columns_and_types(con):
    for table in tables.TABLES:
        found = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema || '.' || table_name = ? ORDER BY ordinal_position", [table.name]).fetchall()
        assert found == [(c.name, c.type) for c in table.columns], table.name
    assert len(tables.TABLES) == 25


def test_replace_rows_touches_only_the_rows_its_filter_names(con):
    old = pd.DataFrame([_notice("a", "participants", "old a/p"), _notice("a", "activities", "old a/act"),
                        _notice("b", "participants", "old b/p")])
    warehouse.replace_rows(con, tables.INGEST_NOTICES, old, where={})
    new = pd.DataFrame([_notice("a", "participants", "new a/p")])
    warehouse.replace_rows(con, tables.INGEST_NOTICES, new, where={"initiative_id": ["a"], "table_name": "participants"})
    rows = warehouse.read(con, tables.INGEST_NOTICES, columns=["initiative_id", "table_name", "message"])
    assert list(rows.itertuples(index=False, name=None)) == [
        ("a", "activities", "old a/act"), ("a", "participants", "new a/p"), ("b", "participants", "old b/p")]
    with pytest.raises(ValueError, match=r"^staging.ingest_notices: where=\{'table_name': None\} would match no row; name a value$"):
        warehouse.replace_rows(con, tables.INGEST_NOTICES, new, where={"table_name": None})


def test_a_column_nobody_declared_is_refused_not_dropped(con):
    frame = pd.DataFrame({"initiative_id": ["a"], "output_id": ["o"], "colour": ["red"]})
    with pytest.raises(ValueError, match=r"^programme.outputs: column\(s\) \['colour'\] are not declared in impact/warehouse/tables.py$"):
        warehouse.replace_rows(con, tables.OUTPUTS, frame, where={})
    with pytest.raises(KeyError, match="programme.outputs has no column 'colour'"):
        warehouse.read(con, tables.OUTPUTS, where={"colour": "red"})


def test_values_are_cast_to_the_declared_types_and_lists_stay_lists(con):
    frame = pd.DataFrame({"initiative_id": ["b", "a"], "waves": [["baseline", "follow_up", "later"], ["baseline", "follow_up"]],
                          "activities": [["lessen"], []], "sroi_inputs_eur": [1000, None]})
    warehouse.replace_rows(con, tables.INITIATIVES, frame, where={})
    types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                             "WHERE table_name = 'initiatives'").fetchall())
    assert types["waves"] == "VARCHAR[]" and types["sroi_inputs_eur"] == "DOUBLE"
    rows = warehouse.read(con, tables.INITIATIVES, order_by=["initiative_id"])
    assert [list(w) for w in rows["waves"]] == [["baseline", "follow_up"], ["baseline", "follow_up", "later"]]
    assert [list(a) for a in rows["activities"]] == [[], ["lessen"]]
    assert rows["sroi_inputs_eur"].isna().tolist() == [True, False]
    assert rows["sroi_inputs_eur"].iloc[1] == 1000.0


def test_whole_numbers_from_a_float_column_become_bigint_with_missing_as_null(con):
    frame = pd.DataFrame({"initiative_id": ["a", "a"], "hypothesis_id": ["h1", "h2"], "min_pairs": [12.0, float("nan")]})
    warehouse.replace_rows(con, tables.HYPOTHESES, frame, where={})
    assert con.execute("SELECT hypothesis_id, min_pairs FROM programme.hypotheses ORDER BY 1").fetchall() == [
        ("h1", 12), ("h2", None)]


def test_survey_items_are_open_columns_added_when_a_frame_brings_them(con):
    first = pd.DataFrame({"initiative_id": ["a"], "participant_id": ["p1"], "wave": ["baseline"], "rses_1": [3]})
    warehouse.replace_rows(con, tables.SURVEY_RESPONSES, first, where={"initiative_id": ["a"]})
    second = pd.DataFrame({"initiative_id": ["b"], "participant_id": ["p2"], "wave": ["baseline"], "djg11_1": [1]})
    warehouse.replace_rows(con, tables.SURVEY_RESPONSES, second, where={"initiative_id": ["b"]})
    assert con.execute("SELECT initiative_id, rses_1, djg11_1 FROM staging.survey_responses ORDER BY 1").fetchall() == [
        ("a", 3.0, None), ("b", None, 1.0)]
    assert con.execute("SELECT data_type FROM information_schema.columns WHERE column_name = 'djg11_1'").fetchall() == [
        ("DOUBLE",)]


def test_read_filters_by_value_or_list_and_keeps_the_declared_columns_of_an_empty_table(con):
    frame = pd.DataFrame([_notice(i, "participants", f"m{i}") for i in ("a", "b", "c")])
    warehouse.replace_rows(con, tables.INGEST_NOTICES, frame, where={})
    assert warehouse.read(con, tables.INGEST_NOTICES, where={"initiative_id": ["c", "a"]})["message"].tolist() == ["ma", "mc"]
    assert warehouse.read(con, tables.INGEST_NOTICES, where={"initiative_id": "b"})["message"].tolist() == ["mb"]
    empty = warehouse.read(con, tables.HYPOTHESIS_RESULTS)
    assert list(empty.columns) == list(tables.HYPOTHESIS_RESULTS.column_names) and empty.empty


def test_a_table_the_warehouse_lacks_reads_as_empty_with_its_declared_types():
    con = duckdb.connect()  # a warehouse written by older code, before the table existed
    empty = warehouse.read(con, tables.SROI_OUTCOMES)
    assert list(empty.columns) == list(tables.SROI_OUTCOMES.column_names) and empty.empty
    assert str(empty["duration_years"].dtype) == "Int64" and str(empty["quantity"].dtype) == "float64"


def test_an_older_warehouse_gains_new_columns_and_a_table_whose_type_changed_is_created_anew(con, caplog):
    con.execute("DROP TABLE programme.initiatives")
    con.execute("CREATE TABLE programme.initiatives (initiative_id VARCHAR, waves VARCHAR)")
    con.execute("INSERT INTO programme.initiatives VALUES ('a', 'baseline,follow_up')")
    con.execute("ALTER TABLE quality.quality_results DROP COLUMN wave")
    with caplog.at_level(logging.WARNING, logger="impact.warehouse"):
        warehouse.create_tables(con)
    assert "programme.initiatives: column(s) waves changed type" in caplog.text
    assert con.execute("SELECT count(*) FROM programme.initiatives").fetchone() == (0,)
    assert "wave" in warehouse.read(con, tables.QUALITY_RESULTS).columns


def test_an_older_warehouse_drops_a_not_null_the_declaration_no_longer_has(con):
    """``source_sha256`` of the quarantine and the drops was NOT NULL before a drop could be refused unread."""
    for table in ("staging.quarantine", "staging.drops"):
        con.execute(f'ALTER TABLE {table} ALTER COLUMN "source_sha256" SET NOT NULL')
    warehouse.create_tables(con)
    con.execute("INSERT INTO staging.quarantine (initiative_id, table_name, source_file, rule, message) "
                "VALUES ('a', 'participants', 'a/participants-link.csv', 'symbolic_link', 'refused unread')")
    assert con.execute("SELECT source_sha256 FROM staging.quarantine").fetchall() == [(None,)]
    assert con.execute("SELECT is_nullable FROM information_schema.columns WHERE table_name = 'drops' "
                       "AND column_name = 'source_sha256'").fetchall() == [("YES",)]


def test_a_step_that_reads_a_table_it_did_not_declare_fails(con):
    with warehouse.declared_reads([tables.SETTINGS, tables.OUTCOMES]):
        warehouse.read(con, tables.OUTCOMES)
        with pytest.raises(warehouse.UndeclaredRead,
                           match=r"^marts.outcome_scores is read but not among the tables this step declares it reads "
                                 r"\(programme.outcomes, programme.settings\)$"):
            warehouse.read(con, tables.OUTCOME_SCORES)
        with pytest.raises(warehouse.UndeclaredRead):
            warehouse.query(con, "SELECT 1", reads=[tables.DROPS])
    warehouse.read(con, tables.OUTCOME_SCORES)  # outside a step nothing is enforced


def test_deps_come_from_the_writers_of_what_is_read():
    assert tables.writers_of(tables.SETTINGS, tables.OUTCOMES, tables.HYPOTHESES, tables.OUTCOME_SCORES) == [
        "programme", "theory_of_change", "outcome_scores"]
    assert tables.writers_of(tables.QUARANTINE) == ["participants", "activities", "survey_responses", "coaching_sessions",
                                                    "stories"]
    assert tables.writers_of(tables.QUALITY_RESULTS) == []
