"""Explicit, vectorised coercion of text cells to the contract's types.

Each function takes a Series of text and returns ``(values, failed)``:
the typed values (null where the cell was empty or failed) and a boolean mask
of cells that held something that could not be read (``read_numbers`` returns
them in a ``Numbers``, with the cells that are ambiguous). Nothing is guessed:
``ca. 20`` is not 20, ``2018-02-30`` is not a date, and ``1.250`` is 1250 only
in a column that shows the comma is its decimal mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from impact.instruments.registry import fold

_ISO_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
#: a date written day-month-year with - or / (or, read the American way, month-day-year: impact.contracts.causes)
DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$")
# How a number is written (spaces taken out). ``.`` and ``,`` are each a decimal mark or a thousands
# separator; which one is read from the cell itself where it can be, else from its column (``read_numbers``).
_HEAD = r"[+-]?[1-9]\d{0,2}"  # the digits before the first thousands separator
_INTEGER = re.compile(r"^[+-]?\d+$")
# one mark that cannot be a thousands separator: 3.5, 0.878, .5, 12.75, 1250.000
_POINT_DECIMAL = re.compile(r"^[+-]?\d*\.\d+$")
_COMMA_DECIMAL = re.compile(r"^[+-]?\d*,\d+$")
# a mark with no digits after it (12. or 12,): read as 12, but no evidence of the column's decimal mark
_TRAILING_MARK = re.compile(r"^[+-]?\d+[.,]$")
# digits grouped by threes with spaces (a no-break or narrow no-break space too): 1 250, 1 234,50
_SPACE_GROUPED = re.compile(r"^[+-]?\d{1,3}([ \u00a0\u202f]\d{3})+([.,]\d*)?$")
# thousands separators, shown by repetition or by the other mark after them: 1.250.000, 1.234,50
_POINT_THOUSANDS = re.compile(rf"^{_HEAD}((\.\d{{3}}){{2,}}|(\.\d{{3}})+,\d*)$")
_COMMA_THOUSANDS = re.compile(rf"^{_HEAD}((,\d{{3}}){{2,}}|(,\d{{3}})+\.\d*)$")
# 1.250 or 1,250: a thousands separator or a decimal mark? Only the column can tell (0.878 is always a decimal).
_AMBIGUOUS_POINT = re.compile(rf"^{_HEAD}\.\d{{3}}$")
_AMBIGUOUS_COMMA = re.compile(rf"^{_HEAD},\d{{3}}$")


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
    dutch = date_part.str.match(DAY_MONTH_YEAR)
    parsed = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    parsed[iso] = pd.to_datetime(date_part[iso], format="%Y-%m-%d", errors="coerce")
    dutch_norm = date_part[dutch].str.replace("/", "-", regex=False)
    parsed[dutch] = pd.to_datetime(dutch_norm, format="%d-%m-%Y", errors="coerce")
    failed = present & parsed.isna()
    return parsed, failed


def looks_like_date(raw: pd.Series) -> pd.Series:
    """Cells written like a date (so a failure means an impossible date such as 2018-02-30)."""
    text = clean_text(raw).where(lambda s: s.notna(), "")
    return text.str.match(_ISO_DATE) | text.str.match(DAY_MONTH_YEAR)


@dataclass(frozen=True)
class Numbers:
    """A column read as numbers, and why cells failed where a number's marks could not be read.

    ``ambiguous`` marks the failed cells written like ``1.250`` or ``1,250`` that the column could
    not decide; ``mixed`` holds, when the column writes numbers both ways, one cell of each
    (the English way, ``3.5`` or ``1,250,000``, first; then the Dutch way, ``3,5`` or ``1.250.000``).
    """

    values: pd.Series
    failed: pd.Series
    ambiguous: pd.Series
    decimal_mark: str | None  # "." or "," as the column shows it; None without evidence or with both
    mixed: tuple[str, str] | None = None


def read_numbers(raw: pd.Series, whole: bool = False) -> Numbers:
    """Numbers with a decimal point (``3.5``, ``1,234.50``) or a decimal comma (``3,5``, ``1.234,50``).

    ``raw`` is one column of one file. Its decimal mark is decided by the cells that show it:
    ``3.5``, ``0.878``, ``1,234.50`` and ``1,250,000`` show a decimal point (the English way);
    ``3,5``, ``1.234,50`` and ``1.250.000`` a decimal comma (the Dutch way). A value starting with
    ``0.`` or ``0,`` (or ``.5``) is always a decimal. A cell like ``1.250`` or ``1,250`` (1250 or
    1.25?) is read with the column's decimal mark, and refused as ambiguous when the column shows
    none, or both; in a column of whole numbers (``whole``) it can only be 1250. ``12.`` is 12 and
    shows nothing; digits grouped by threes with spaces (``1 250``) are one number, other spaces
    make a cell unreadable. Cells a workbook stored as numbers need no parsing and are no evidence.
    With ``whole``, a value must be a whole number (``12,0`` is 12, ``12,5`` fails).
    """
    numeric = _workbook_numbers(raw)
    text = clean_text(raw.where(~numeric))
    present = text.notna()
    t = text.where(present, "")
    t = t.where(~t.str.match(_SPACE_GROUPED), t.str.replace(r"[ \u00a0\u202f]", "", regex=True))
    ambiguous = t.str.match(_AMBIGUOUS_POINT) | t.str.match(_AMBIGUOUS_COMMA)
    shows_point = (~ambiguous & t.str.match(_POINT_DECIMAL)) | t.str.match(_COMMA_THOUSANDS)
    shows_comma = (~ambiguous & t.str.match(_COMMA_DECIMAL)) | t.str.match(_POINT_THOUSANDS)
    mixed = None
    if shows_point.any() and shows_comma.any():
        mark = None
        mixed = (str(text[shows_point].iloc[0]), str(text[shows_comma].iloc[0]))
    else:
        mark = "." if shows_point.any() else "," if shows_comma.any() else None
    point = shows_point | (ambiguous & (mark == "."))
    comma = shows_comma | (ambiguous & (mark == ","))
    undecided = ambiguous & ~point & ~comma
    thousands = undecided if whole else pd.Series(False, index=t.index)  # 1,25 is no whole number: 1250
    trailing = t.str.match(_TRAILING_MARK)
    plain = t.str.match(_INTEGER)
    normal = t.where(~point, t.str.replace(",", "", regex=False))
    normal = normal.where(~comma, t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    normal = normal.where(~thousands, t.str.replace(r"[.,]", "", regex=True))
    normal = normal.where(~trailing, t.str[:-1])
    values = pd.to_numeric(normal.where(point | comma | thousands | trailing | plain), errors="coerce").astype("float64")
    values = values.where(~numeric, pd.to_numeric(raw.where(numeric), errors="coerce").astype("float64"))
    infinite = values.notna() & ~np.isfinite(values)  # a workbook's overflow (1E+309) is no answer
    values = values.where(~infinite)
    failed = (present & values.isna()) | infinite
    if whole:
        fraction = values.notna() & (values != values.round())
        failed = failed | fraction
        values = values.where(~fraction)
    return Numbers(values, failed, undecided & ~thousands & present, mark, mixed)


def to_integers(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole numbers, read like ``read_numbers``; ``12,0`` and ``12.0`` are 12, ``12,5`` is not whole."""
    numbers = read_numbers(raw, whole=True)
    return numbers.values.round().astype("Int64"), numbers.failed


def to_decimals(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers, read like ``read_numbers``: typed values (null where empty or failed) and the failed cells."""
    numbers = read_numbers(raw)
    return numbers.values, numbers.failed


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
