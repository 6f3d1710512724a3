"""Indicators per initiative, per quarter and for the year (docs/architecture.md, the ``indicators`` table)."""

from impact.indicators.compute import INDICATOR_COLUMNS, compute_indicators

__all__ = ["INDICATOR_COLUMNS", "compute_indicators"]
