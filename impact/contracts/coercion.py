"""Explicit, vectorised coercion of text cells to the contract's types.

Each function takes a Series of text and returns ``(values, failed)``:
the typed values (null where the cell was empty or failed) and a boolean mask
of cells that held something that could not be read. Nothing is guessed:
``ca. 20`` is not 20, ``2018-02-30`` is not a date.
"""

from __future__ import annotations

import re

import pandas as pd

from impact.instruments.registry import fold

_ISO_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_DUTCH_DATE = re.compile(r"^\d{1,2}[-/]\d{1,2}[-/]\d{4}$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL_POINT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_DECIMAL_COMMA = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d*)?$")
# 1.250 or 1,250: a thousands separator or a decimal separator? Refused, not guessed.
_AMBIGUOUS = re.compile(r"^[+-]?\d{1,3}[.,]\d{3}$")


def _as_text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def clean_text(raw: pd.Series) -> pd.Series:
    """Trim cells (numbers from a workbook become their text); empty cells become null."""
    text = raw.astype("object").map(_as_text).str.strip()
    return text.where(text != "", None).astype("object")


def _workbook_numbers(raw: pd.Series) -> pd.Series:
    """Cells that a workbook stored as numbers (not text): they need no parsing."""
    return raw.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and not pd.isna(v))


def to_dates(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """ISO ``2018-03-31``, Dutch day-first ``31-03-2018`` or ``31/03/2018``; a time of day is ignored."""
    text = clean_text(raw)
    present = text.notna()
    date_part = text.where(present, "").str.split(" ").str[0].str.split("T").str[0]
    iso = date_part.str.match(_ISO_DATE)
    dutch = date_part.str.match(_DUTCH_DATE)
    parsed = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    parsed[iso] = pd.to_datetime(date_part[iso], format="%Y-%m-%d", errors="coerce")
    dutch_norm = date_part[dutch].str.replace("/", "-", regex=False)
    parsed[dutch] = pd.to_datetime(dutch_norm, format="%d-%m-%Y", errors="coerce")
    failed = present & parsed.isna()
    return parsed, failed


def looks_like_date(raw: pd.Series) -> pd.Series:
    """Cells written like a date (so a failure means an impossible date such as 2018-02-30)."""
    text = clean_text(raw).where(lambda s: s.notna(), "")
    return text.str.match(_ISO_DATE) | text.str.match(_DUTCH_DATE)


def to_integers(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole numbers; ``12,0`` and ``12.0`` are accepted as 12, ``12,5`` is not whole."""
    decimals, failed = to_decimals(raw)
    whole = decimals.notna() & (decimals == decimals.round())
    failed = failed | (decimals.notna() & ~whole)
    values = decimals.where(whole).round().astype("Int64")
    return values, failed


def to_decimals(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers with a decimal point (``3.5``) or a Dutch decimal comma (``3,5``, ``1.234,50``).

    ``1.250`` and ``1,250`` are refused as ambiguous (1250 or 1.25?), unless a
    workbook stored the cell as a number.
    """
    numeric = _workbook_numbers(raw)
    text = clean_text(raw.where(~numeric))
    present = text.notna()
    t = text.where(present, "").str.replace(" ", "", regex=False).str.replace("\u00a0", "", regex=False)
    ambiguous = t.str.match(_AMBIGUOUS)
    point = ~ambiguous & t.str.match(_DECIMAL_POINT)
    comma = ~ambiguous & ~point & t.str.match(_DECIMAL_COMMA)
    normal = t.where(~comma, t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    values = pd.to_numeric(normal.where(point | comma), errors="coerce").astype("float64")
    values = values.where(~numeric, pd.to_numeric(raw.where(numeric), errors="coerce").astype("float64"))
    failed = present & values.isna()
    return values, failed


def is_ambiguous_number(raw: pd.Series) -> pd.Series:
    return clean_text(raw).where(lambda s: s.notna(), "").str.replace(" ", "", regex=False).str.match(_AMBIGUOUS)


def to_category(raw: pd.Series, allowed: tuple[str, ...], aliases: dict[str, str] | None = None) -> pd.Series:
    """Match trimmed, case-folded text to the allowed values (``overvecht `` is ``Overvecht``).

    Text that matches nothing is kept as written, so the contract's ``isin``
    check reports it with the coach's own spelling.
    """
    lookup = {_fold(v): v for v in allowed}
    for word, canonical in (aliases or {}).items():
        lookup.setdefault(_fold(word), canonical)
    text = clean_text(raw)
    present = text.notna()
    folded = text.where(present, "").map(_fold)
    values = folded.map(lookup).where(present, None).astype("object")
    unmatched = present & values.isna()
    return values.where(~unmatched, text)


_fold = fold  # categories are compared like the instruments' answer words
