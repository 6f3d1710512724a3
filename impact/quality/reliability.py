"""Internal consistency of the multi-item instruments: Cronbach's alpha per initiative, instrument and wave.

An alpha below 0.70 is a warning for the report: the items do not hang together
well enough in this group to read the total with confidence (Nunnally 1978's
rule of thumb for group comparisons).
"""

from __future__ import annotations

import pandas as pd

from impact.instruments.scoring import item_scores
from impact.quality.expectations import RESULT_COLUMNS
from impact.statistics.reliability import cronbach_alpha
from impact.warehouse import tables

MIN_ALPHA = 0.70
MULTI_ITEM = ("djg11", "djg6", "rses", "who5")


def reliability_results(survey: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """One ``quality_results`` row per initiative, multi-item outcome and wave (loop over those, not rows)."""
    rows = []
    declared = outcomes[outcomes["instrument"].isin(MULTI_ITEM)] if len(outcomes) else outcomes
    for _, o in declared.sort_values(["initiative_id", "outcome_id"]).iterrows():
        mine = survey[survey["initiative_id"] == o["initiative_id"]]
        for wave, answers in mine.groupby("wave", sort=True):
            items = item_scores(answers, o["instrument"])
            if items is None or items.notna().sum().sum() == 0:
                continue  # the instrument was not asked in this wave
            alpha, n = cronbach_alpha(items)
            ok = pd.notna(alpha) and alpha >= MIN_ALPHA
            rows.append({
                "check_name": "reliability", "table_name": "outcome_scores", "initiative_id": o["initiative_id"],
                "severity": "WARN", "outcome": "passed" if ok else "warning",
                "expectation": "Cronbach's alpha of the items", "column": f"{o['outcome_id']} ({o['instrument']}), {wave}",
                "outcome_id": o["outcome_id"], "wave": wave,
                "element_count": n, "unexpected_count": None, "unexpected_percent": None,
                "observed_value": None if pd.isna(alpha) else f"{alpha:.2f}",
                "expected": f"alpha of at least {MIN_ALPHA:.2f}",
                "description": f"the items of {o['instrument']} hang together (Cronbach's alpha at least {MIN_ALPHA:.2f}) at {wave}",
                "failing_rows": None,
            })
    return tables.QUALITY_RESULTS.conform(pd.DataFrame(rows, columns=list(RESULT_COLUMNS)))
