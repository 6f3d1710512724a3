"""Internal consistency of the multi-item instruments as a quality check: Cronbach's alpha per initiative,
outcome and wave (computed in ``impact/statistics/reliability.py``).

An alpha below 0.70 is a warning: the items do not hang together well enough in this group to read the
total with full confidence (Nunnally 1978's rule of thumb for group comparisons), and the reports add a
caveat. Below the programme's ``min_reliability`` (default 0.60) the hypothesis on that outcome gets no
supported or contradicted verdict at all (``unreliable_measurement``).
"""

from __future__ import annotations

import pandas as pd

from impact.language import Translator
from impact.quality.expectations import RESULT_COLUMNS
from impact.statistics.reliability import CAVEAT_BELOW, outcome_reliability
from impact.warehouse import tables

MIN_ALPHA = CAVEAT_BELOW


def _wave(tr: Translator, wave: str) -> str:
    """A wave in a sentence: 'nulmeting', 'nameting'; another wave as the Theory of Change names it."""
    return tr.t(f"wave.{wave}").lower() if tr.has(f"wave.{wave}") else f"'{wave}'"


def reliability_results(survey: pd.DataFrame, outcomes: pd.DataFrame, language: str = "nl") -> pd.DataFrame:
    """One ``quality_results`` row per initiative, multi-item outcome and wave; the texts in ``language``."""
    tr = Translator(language)
    alpha = tr.num(MIN_ALPHA, 2)
    rows = []
    for r in outcome_reliability(survey, outcomes).itertuples(index=False):
        instrument = (tr.t(f"quality.instrument.{r.instrument}") if tr.has(f"quality.instrument.{r.instrument}")
                      else r.instrument)
        ok = pd.notna(r.alpha) and r.alpha >= MIN_ALPHA
        rows.append({
            "check_name": "reliability", "table_name": "outcome_scores", "initiative_id": r.initiative_id,
            "severity": "WARN", "outcome": "passed" if ok else "warning",
            "expectation": tr.t("quality.reliability.expectation"), "column": f"{r.outcome_id} ({r.instrument}), {r.wave}",
            "outcome_id": r.outcome_id, "wave": r.wave,
            "element_count": r.n_complete, "unexpected_count": None, "unexpected_percent": None,
            "observed_value": None if pd.isna(r.alpha) else f"{r.alpha:.2f}",
            "expected": tr.t("quality.reliability.expected", alpha=alpha),
            "description": tr.t("quality.expect.items_hang_together", instrument=instrument, wave=_wave(tr, r.wave),
                                alpha=alpha),
            "failing_rows": None,
        })
    return tables.QUALITY_RESULTS.conform(pd.DataFrame(rows, columns=list(RESULT_COLUMNS)))
