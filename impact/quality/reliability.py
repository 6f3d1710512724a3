"""Internal consistency of the multi-item instruments as a quality check: Cronbach's alpha per initiative,
outcome and wave (computed in ``impact/statistics/reliability.py``).

An alpha below 0.70 is a warning: the items do not hang together well enough in this group to read the
total with full confidence (Nunnally 1978's rule of thumb for group comparisons), and the reports add a
caveat. Below the programme's ``min_reliability`` (default 0.60) the hypothesis on that outcome gets no
supported or contradicted verdict at all (``unreliable_measurement``).
"""

from __future__ import annotations

import pandas as pd

from impact.quality.expectations import RESULT_COLUMNS
from impact.statistics.reliability import CAVEAT_BELOW, outcome_reliability
from impact.warehouse import tables

MIN_ALPHA = CAVEAT_BELOW


def reliability_results(survey: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """One ``quality_results`` row per initiative, multi-item outcome and wave."""
    rows = []
    for r in outcome_reliability(survey, outcomes).itertuples(index=False):
        ok = pd.notna(r.alpha) and r.alpha >= MIN_ALPHA
        rows.append({
            "check_name": "reliability", "table_name": "outcome_scores", "initiative_id": r.initiative_id,
            "severity": "WARN", "outcome": "passed" if ok else "warning",
            "expectation": "Cronbach's alpha of the items", "column": f"{r.outcome_id} ({r.instrument}), {r.wave}",
            "outcome_id": r.outcome_id, "wave": r.wave,
            "element_count": r.n_complete, "unexpected_count": None, "unexpected_percent": None,
            "observed_value": None if pd.isna(r.alpha) else f"{r.alpha:.2f}",
            "expected": f"alpha of at least {MIN_ALPHA:.2f}",
            "description": f"the items of {r.instrument} hang together (Cronbach's alpha at least {MIN_ALPHA:.2f}) at {r.wave}",
            "failing_rows": None,
        })
    return tables.QUALITY_RESULTS.conform(pd.DataFrame(rows, columns=list(RESULT_COLUMNS)))
