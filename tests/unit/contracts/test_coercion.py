"""Explicit coercion: Dutch dates and decimals are read, nothing is guessed."""

from __future__ import annotations

import pandas as pd
import pytest

from impact.contracts import coercion

pytestmark = pytest.mark.unit


def test_dates_iso_and_dutch_day_first():
    values, failed = coercion.to_dates(pd.Series(["2018-03-31", "31-03-2018", "1/2/2018", " ", None, "2018-02-30", "maart"]))
    assert values.dt.strftime("%Y-%m-%d").tolist()[:3] == ["2018-03-31", "2018-03-31", "2018-02-01"]
    assert values[3:5].isna().all()
    assert failed.tolist() == [False, False, False, False, False, True, True]
    assert coercion.looks_like_date(pd.Series(["2018-02-30", "maart"])).tolist() == [True, False]


def test_decimals_with_point_or_dutch_comma():
    values, failed = coercion.to_decimals(pd.Series(["3,5", "3.5", "1.234,50", "12", "", "ca. 20", "1,2,3", "1.250", "1,250", 1.25]))
    assert values[:4].tolist() == [3.5, 3.5, 1234.5, 12.0]
    assert values[9] == 1.25  # a workbook number needs no parsing
    # 1.250 and 1,250 could be 1250 or 1.25, and this column writes decimals both ways: refused, not guessed
    assert failed.tolist() == [False, False, False, False, False, True, True, True, True, False]
    numbers = coercion.read_numbers(pd.Series(["3,5", "3.5", "1.234,50", "12", "", "ca. 20", "1,2,3", "1.250", "1,250", 1.25]))
    assert numbers.ambiguous.tolist() == [False] * 7 + [True, True, False]
    assert (numbers.decimal_mark, numbers.mixed) == (None, ("3.5", "3,5"))


def _read(cells, whole=False):
    numbers = coercion.read_numbers(pd.Series(cells, dtype="object"), whole=whole)
    values = [None if pd.isna(v) else v for v in numbers.values]
    return values, numbers.failed.tolist(), numbers.ambiguous.tolist(), numbers.decimal_mark


def test_three_decimals_after_a_leading_zero_are_a_decimal():
    # the scores of a custom outcome: 0.878 cannot mean 878, so the column shows a decimal point
    assert _read(["1.83", "0.878", "0.5", "0.647", "1.62", "0.598"]) == (
        [1.83, 0.878, 0.5, 0.647, 1.62, 0.598], [False] * 6, [False] * 6, ".")
    assert _read(["0,878", "-0.5", ".5", ",5"])[:3] == ([0.878, -0.5, 0.5, 0.5], [False] * 4, [False] * 4)


def test_the_decimal_mark_is_decided_per_column():
    # Dutch: 1.234,50 shows the comma is the decimal mark, so 1.250 is 1250
    assert _read(["1.234,50", "1.250"]) == ([1234.5, 1250.0], [False, False], [False, False], ",")
    assert _read(["3,5", "1.250", "12,75"]) == ([3.5, 1250.0, 12.75], [False] * 3, [False] * 3, ",")
    assert _read(["1.250.000", "1,250"]) == ([1250000.0, 1.25], [False, False], [False, False], ",")
    # English: 1,234.50 shows the point is the decimal mark, so 1,250 is 1250
    assert _read(["1,234.50", "1,250"]) == ([1234.5, 1250.0], [False, False], [False, False], ".")
    assert _read(["1,250,000", "1.250"]) == ([1250000.0, 1.25], [False, False], [False, False], ".")
    assert _read(["12.75", "1,250", "3.5"]) == ([12.75, 1250.0, 3.5], [False] * 3, [False] * 3, ".")


def test_a_cell_the_column_cannot_decide_is_refused():
    # no evidence: 1.250 stays ambiguous; whole numbers and workbook numbers show no decimal mark
    assert _read(["1.250", "12", 1.5, None]) == ([None, 12.0, 1.5, None], [True, False, False, False], [True, False, False, False], None)
    # conflicting evidence: the column shows both marks, so 1.250 stays ambiguous; the unambiguous cells are read
    numbers = coercion.read_numbers(pd.Series(["3.5", "1.250", "3,5", "1,250", "0.878"]))
    assert [None if pd.isna(v) else v for v in numbers.values] == [3.5, None, 3.5, None, 0.878]
    assert numbers.ambiguous.tolist() == [False, True, False, True, False]
    assert (numbers.decimal_mark, numbers.mixed) == (None, ("3.5", "3,5"))


def test_a_trailing_mark_is_read_but_decides_nothing():
    # "12." is 12; were it evidence, one typo would turn every 1.250 of the column into 1,25
    assert _read(["12.", "1.250"]) == ([12.0, None], [False, True], [False, True], None)
    assert _read(["12,", "1.250"]) == ([12.0, None], [False, True], [False, True], None)


def test_spaces_only_group_thousands():
    assert _read(["1 250", "1\u00a0250", "1\u202f234,50", "12 15", "1 5"]) == (
        [1250.0, 1250.0, 1234.5, None, None], [False, False, False, True, True], [False] * 5, ",")


def test_integers_refuse_fractions_and_words():
    values, failed = coercion.to_integers(pd.Series(["20", "20,0", "2,5", "ca. 20", "-3", ""]))
    assert values[:2].tolist() == [20, 20]
    assert values[4] == -3  # the sign is read; the range check is the contract's
    assert failed.tolist() == [False, False, True, True, False, False]


def test_integers_follow_the_column_decimal_mark():
    values, failed = coercion.to_integers(pd.Series(["12,0", "1.250", "3"]))
    assert values.tolist() == [12, 1250, 3] and not failed.any()
    values, failed = coercion.to_integers(pd.Series(["12.0", "1,250", "1.250"]))
    assert values.tolist()[:2] == [12, 1250] and failed.tolist() == [False, False, True]  # 1.25 is not whole
    # a column of whole numbers that shows no decimal mark: 1,25 could never be a value, so 1.250 is 1250
    assert _read(["1.250", "7", "1,250"], whole=True) == ([1250.0, 7.0, 1250.0], [False, False, False], [False, False, False], None)
    assert _read(["1.250", "2,5"], whole=True) == ([1250.0, None], [False, True], [False, False], ",")


def test_categories_are_trimmed_and_case_folded():
    out = coercion.to_category(
        pd.Series(["overvecht ", "LEIDSCHE\u00a0 RIJN", "Overvect", "vrouw", None, "Vleuten\u2013De Meern"]),
        ("Overvecht", "Leidsche Rijn", "v", "Vleuten-De Meern"),
        {"vrouw": "v"},
    )
    assert out.tolist() == ["Overvecht", "Leidsche Rijn", "Overvect", "v", None, "Vleuten-De Meern"]


def test_infinite_numbers_are_refused_at_the_door():
    """'inf' written as text, and a workbook overflow stored as a number (1E+309 reads as inf), are no answers."""
    numbers = coercion.read_numbers(pd.Series(["inf", "-Infinity", float("inf"), 3.0, "4"], dtype="object"))
    assert numbers.failed.tolist() == [True, True, True, False, False]
    assert numbers.values.iloc[:3].isna().all() and numbers.values.iloc[3:].tolist() == [3.0, 4.0]
