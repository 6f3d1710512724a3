"""Problems that share one cause across a whole column or file, found before single cells are judged.

A coach who coded a Rosenberg file 0–3 instead of 1–4 needs one sentence, not sixty: every answer is
one too low, add 1. And the rows whose answers happen to lie in 1–3 are wrong too, though each cell on
its own looks fine; so every row with an answer of that instrument is set aside for that cause. Likewise
a date column written month first (03/31/2018): 04/05/2018 in it means 5 April, not 4 May, so every date
of the column is suspect, not only the ones that cannot be day-month-year.

Nothing is corrected here: the coach corrects the file, which is then read as it stands.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from impact.contracts.coercion import DAY_MONTH_YEAR, clean_text, read_numbers
from impact.instruments import REGISTRY
from impact.instruments.registry import Instrument



#: How many cells must show a month-first column (03/31/2018), and what share of its day-month dates they must
#: be: one such cell among day-first dates is a typo, not a column written the American way.
MONTH_FIRST_MIN_CELLS = 2
MONTH_FIRST_MIN_SHARE = 0.2


def _day_month(raw: pd.Series) -> pd.DataFrame:
    """The first two numbers of the cells written like ``a/b/yyyy`` (or ``a-b-yyyy``)."""
    text = clean_text(raw).dropna().str.split(" ").str[0]
    parts = text.str.extract(DAY_MONTH_YEAR)
    parts = parts.dropna().astype(int)
    parts.columns = ["first", "second", "year"]
    return parts


def _only_month_first(parts: pd.DataFrame) -> pd.Series:
    return (parts["first"] >= 1) & (parts["first"] <= 12) & (parts["second"] > 12) & (parts["second"] <= 31)


def numeric_dates(raw: pd.Series) -> pd.Series:
    """The cells written like ``a/b/yyyy`` or ``a-b-yyyy`` (not ISO dates, not workbook date cells)."""
    mask = pd.Series(False, index=raw.index)
    mask[_day_month(raw).index] = True
    return mask


def month_first(raw: pd.Series) -> bool:
    """The column writes its dates month first: at least ``MONTH_FIRST_MIN_CELLS`` cells (and
    ``MONTH_FIRST_MIN_SHARE`` of its day-month dates) cannot be day-month-year (``03/31/2018``), and none can
    only be day-month-year (``31/03/2018``)."""
    parts = _day_month(raw)
    if parts.empty:
        return False
    only_month_first = int(_only_month_first(parts).sum())
    only_day_first = ((parts["first"] > 12) & (parts["first"] <= 31) & (parts["second"] <= 12)).any()
    return (only_month_first >= MONTH_FIRST_MIN_CELLS and only_month_first >= MONTH_FIRST_MIN_SHARE * len(parts)
            and not only_day_first)


def month_first_example(raw: pd.Series) -> str:
    """The first cell that shows the column is month first."""
    parts = _day_month(raw)
    return str(clean_text(raw).loc[parts[_only_month_first(parts)].index[0]])


@dataclass(frozen=True)
class ShiftedCoding:
    """An instrument whose answers in one file all lie one code below (``by = -1``) or above (``+1``) its scale."""

    instrument: Instrument
    columns: tuple[str, ...]
    by: int
    low: int
    high: int
    rows: pd.Series  # the rows with an answer of the instrument: all are set aside


#: How much rarer than the code beyond the scale's end the code at its other end must be (one stray 4 in a
#: Rosenberg file with a hundred 0s is still a file coded 0–3).
SHIFT_EVIDENCE = 20
#: How many answers beyond the scale's end a file needs before its coding counts as shifted (fewer are typing errors).
SHIFT_MIN_COUNT = 5


def shifted_codings(typed: pd.DataFrame, schema: pa.DataFrameSchema, raw: pd.DataFrame) -> list[ShiftedCoding]:
    """Registered instruments of a survey file whose answers written as numbers, pooled over their item
    columns, run from one below the lowest code and (almost) never reach the highest (0–3 for 1–4), or the
    other way round (2–5 for 1–4).

    Pooled over all items and rows, a single answer out of range is no coding error: the code beyond the
    scale's end must be given at least ``SHIFT_MIN_COUNT`` times and ``SHIFT_EVIDENCE`` times as often as the
    code at the other end, the shifted scale's other end must be given too, and nothing may lie further out. Answer words are left out: they carry their own, correct code.
    """
    found = []
    by_instrument: dict[str, list[str]] = {}
    for name, column in schema.columns.items():
        owner = (column.metadata or {}).get("item_of")
        if owner in REGISTRY and name in typed.columns and name in raw.columns:
            by_instrument.setdefault(owner, []).append(name)
    for owner, columns in sorted(by_instrument.items()):
        inst = REGISTRY[owner]
        if inst.max_code - inst.min_code < 2:
            continue
        written_as_number = pd.DataFrame({c: read_numbers(raw[c]).values.notna() for c in columns})
        values = typed[columns].where(written_as_number).stack().dropna()
        if values.empty or not (values == values.round()).all():
            continue
        counts = values.value_counts()
        low, high = int(values.min()), int(values.max())
        below, top = int(counts.get(inst.min_code - 1, 0)), int(counts.get(inst.max_code, 0))
        above, bottom = int(counts.get(inst.max_code + 1, 0)), int(counts.get(inst.min_code, 0))
        # the shifted scale must show at both ends: 0 and 3 for a Rosenberg file coded 0-3 (a De Jong Gierveld
        # file of 0s and 1s is scored, not coded one low; adding 1 would make it wrong another way)
        shifted_top, shifted_bottom = int(counts.get(inst.max_code - 1, 0)), int(counts.get(inst.min_code + 1, 0))
        if (low == inst.min_code - 1 and high <= inst.max_code and shifted_top and below >= SHIFT_MIN_COUNT
                and top * SHIFT_EVIDENCE <= below):
            by = -1
        elif (high == inst.max_code + 1 and low >= inst.min_code and shifted_bottom and above >= SHIFT_MIN_COUNT
              and bottom * SHIFT_EVIDENCE <= above):
            by = +1
        else:
            continue
        rows = typed[columns].where(written_as_number).notna().any(axis=1)
        # the file's coding, as most of its answers show it (a stray answer beyond it does not change it)
        found.append(ShiftedCoding(inst, tuple(columns), by, inst.min_code + by, inst.max_code + by, rows))
    return found
