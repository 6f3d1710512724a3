"""Replacing rows in the warehouse with structured filters."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from impact import warehouse

pytestmark = pytest.mark.unit


def _quarantine(con) -> list[tuple]:
    return con.execute("SELECT initiative_id, table_name, message FROM q.log ORDER BY ALL").fetchall()


def test_replace_rows_touches_only_the_rows_of_its_keys_and_filter():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA q")
    old = pd.DataFrame({"initiative_id": ["a", "a", "b"], "table_name": ["participants", "activities", "participants"],
                        "message": ["old a/p", "old a/act", "old b/p"]})
    warehouse.replace_rows(con, "q.log", old, key_column=None)
    new = pd.DataFrame({"initiative_id": ["a"], "table_name": ["participants"], "message": ["new a/p"]})
    warehouse.replace_rows(con, "q.log", new, key_column="initiative_id", keys=["a"], where={"table_name": "participants"})
    assert _quarantine(con) == [("a", "activities", "old a/act"), ("a", "participants", "new a/p"),
                                ("b", "participants", "old b/p")]
    with pytest.raises(ValueError, match=r"where=\{'table_name': None\} would match no row"):
        warehouse.replace_rows(con, "q.log", new, key_column=None, where={"table_name": None})
