"""Explicit coercion: Dutch dates and decimals are read, nothing is guessed."""

from __future__ import annotations

import pandas as pd

from impact.contracts import coercion


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
    # 1.250 and 1,250 could be 1250 or 1.25: refused, not guessed
    assert failed.tolist() == [False, False, False, False, False, True, True, True, True, False]
    assert coercion.is_ambiguous_number(pd.Series(["1.250", "1,25", "12.500", "1250"])).tolist() == [True, False, True, False]


def test_integers_refuse_fractions_and_words():
    values, failed = coercion.to_integers(pd.Series(["20", "20,0", "2,5", "ca. 20", "-3", ""]))
    assert values[:2].tolist() == [20, 20]
    assert values[4] == -3  # the sign is read; the range check is the contract's
    assert failed.tolist() == [False, False, True, True, False, False]


def test_categories_are_trimmed_and_case_folded():
    out = coercion.to_category(
        pd.Series(["overvecht ", "LEIDSCHE\u00a0 RIJN", "Overvect", "vrouw", None, "Vleuten\u2013De Meern"]),
        ("Overvecht", "Leidsche Rijn", "v", "Vleuten-De Meern"),
        {"vrouw": "v"},
    )
    assert out.tolist() == ["Overvecht", "Leidsche Rijn", "Overvect", "v", None, "Vleuten-De Meern"]
