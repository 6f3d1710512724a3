"""Registered instruments (DESIGN.md §3).

Only the identifiers for now: the Theory of Change may name them. Item
definitions and scoring follow with the scoring work.
"""

from __future__ import annotations

import re

REGISTERED_INSTRUMENTS: tuple[str, ...] = (
    "djg11",
    "djg6",
    "rses",
    "who5",
    "life_satisfaction",
    "participation_ladder",
    "zrm",
)

# Survey item columns that belong to a registered instrument:
# ``djg11_3``, ``rses_10``, ``who5_2``, ``zrm_financien``, ``life_satisfaction``.
_ITEM_COLUMN = re.compile(r"^(djg11|djg6|rses|who5)_\d{1,2}$|^zrm_[a-z_]+$|^(life_satisfaction|participation_ladder)$")


def instrument_of_column(column: str) -> str | None:
    """The registered instrument a survey column belongs to, or None."""
    m = _ITEM_COLUMN.match(column)
    if not m:
        return None
    if column.startswith("zrm_"):
        return "zrm"
    return m.group(1) or m.group(2)
