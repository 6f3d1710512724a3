"""The programme's settings read back from the warehouse as the one typed object the steps use."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from impact import warehouse
from impact.warehouse import tables
from impact.programme import Programme, read_settings

pytestmark = pytest.mark.unit


def test_settings_stored_as_the_programme_asset_does_read_back_equal():
    programme = Programme(name="Impact coaching", municipality="Gemeente Utrecht", year=2018, alpha=0.01,
                          min_pairs=12, disclosure_threshold=5, discount_rate=0.04,
                          closing_meeting=dt.date(2019, 1, 31), language="en")
    con = duckdb.connect()
    warehouse.create_tables(con)
    row = pd.DataFrame([{**programme.model_dump(mode="json"), "source_sha256": "ab" * 32}])
    warehouse.replace_rows(con, tables.SETTINGS, row, where={})
    assert read_settings(con) == programme


def test_settings_table_with_two_rows_is_refused():
    con = duckdb.connect()
    warehouse.create_tables(con)
    con.execute("INSERT INTO programme.settings (year) VALUES (2018), (2019)")
    with pytest.raises(ValueError, match=r"^programme.settings holds 2 rows; expected the one row of programme.yaml$"):
        read_settings(con)
