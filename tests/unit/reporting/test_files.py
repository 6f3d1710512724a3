"""Published CSV files: formula-safe whatever the dtype pandas gives a text column."""

from __future__ import annotations

import pandas as pd
import pytest

from impact.reporting.files import csv_bytes

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("dtype", ["object", "string", "category"])
def test_csv_neutralises_formulas_in_text_columns_of_any_string_dtype(dtype):
    """DuckDB and pandas 3 hand text over as a string dtype, not object: it is protected all the same."""
    frame = pd.DataFrame({"lesson": pd.Series(["=HYPERLINK(\"http://x\")", "-0.11", "gewoon"], dtype=dtype),
                          "n": [1, 2, 3]})
    assert csv_bytes(frame).decode("utf-8-sig").splitlines() == [
        "lesson,n", "\"'=HYPERLINK(\"\"http://x\"\")\",1", "'-0.11,2", "gewoon,3"]
