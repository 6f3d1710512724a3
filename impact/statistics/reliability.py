"""Cronbach's alpha per outcome and wave, with Feldt's interval: is the measurement sound enough to judge?

alpha = k/(k − 1) · (1 − Σ var(item) / var(total)), sample variances (n − 1), on
the complete cases only (listwise deletion, as R's ``psych::alpha(use =
"complete.obs")``); the interval comes from the F distribution (``scipy.stats.f``).
A hypothesis whose outcome has an alpha below the programme's ``min_reliability``
(default 0.60) at either wave gets the verdict ``unreliable_measurement``
(``impact/statistics/verdicts.py``); below 0.70 the reports add a caveat and the
quality check warns (docs/statistics.md).
"""

from __future__ import annotations

import math

import pandas as pd
from scipy import stats


def cronbach_alpha(items: pd.DataFrame) -> tuple[float, int]:
    """Cronbach's alpha of the item columns, and the number of complete cases it rests on.

    One row per respondent, one column per item (already reverse-scored where the
    instrument says so). Rows with any missing item are left out. Alpha is NaN
    with fewer than 2 items, fewer than 2 complete cases or a total without
    variance.
    """
    complete = items.apply(pd.to_numeric, errors="coerce").dropna()
    n_complete = int(len(complete))
    k = complete.shape[1]
    if k < 2 or n_complete < 2:
        return math.nan, n_complete
    total_variance = float(complete.sum(axis=1).var(ddof=1))
    if total_variance == 0:
        return math.nan, n_complete
    item_variances = float(complete.var(ddof=1).sum())
    return (k / (k - 1)) * (1 - item_variances / total_variance), n_complete


def feldt_interval(alpha: float, n: int, k: int, confidence: float = 0.95) -> tuple[float, float]:
    """Feldt's (1965) interval of Cronbach's alpha from ``n`` complete cases of ``k`` items.

    (1 − alpha) / (1 − alpha_hat) follows an F distribution with n − 1 and (n − 1)(k − 1) degrees of
    freedom, so the interval is 1 − (1 − alpha_hat)·F_{1−γ/2} … 1 − (1 − alpha_hat)·F_{γ/2}, γ = 1 −
    confidence (``psych::alpha.ci`` in R; Feldt, Woodruff & Salih 1987, Applied Psychological
    Measurement 11:93–103). NaN when alpha is NaN or there are fewer than 2 cases or items.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")
    if math.isnan(alpha) or n < 2 or k < 2:
        return math.nan, math.nan
    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - confidence) / 2
    low = 1 - (1 - alpha) * stats.f.ppf(1 - tail, df1, df2)
    high = 1 - (1 - alpha) * stats.f.ppf(tail, df1, df2)
    return float(low), float(high)


#: Below this alpha the reports add a caveat and the quality check warns (Nunnally 1978).
CAVEAT_BELOW = 0.70
#: The multi-item instruments, whose items can be checked for internal consistency.
MULTI_ITEM = ("djg11", "djg6", "rses", "who5")
RELIABILITY_COLUMNS = ["initiative_id", "outcome_id", "instrument", "wave", "alpha", "ci_low", "ci_high",
                       "n_complete", "n_items"]


def outcome_reliability(survey: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """Cronbach's alpha with its Feldt interval per initiative, multi-item outcome and wave, over everyone
    who answered that wave (loops over outcomes and waves, not rows). A wave in which the instrument
    was not asked has no row."""
    from impact.instruments.scoring import item_scores

    rows = []
    declared = outcomes[outcomes["instrument"].isin(MULTI_ITEM)] if len(outcomes) else outcomes
    by_initiative = {k: part for k, part in survey.groupby("initiative_id", sort=False)}  # one pass, not one per outcome
    for _, o in declared.sort_values(["initiative_id", "outcome_id"]).iterrows():
        mine = by_initiative.get(o["initiative_id"], survey.iloc[0:0])
        for wave, answers in mine.groupby("wave", sort=True):
            items = item_scores(answers, o["instrument"])
            if items is None or items.notna().sum().sum() == 0:
                continue
            alpha, n = cronbach_alpha(items)
            low, high = feldt_interval(alpha, n, items.shape[1])
            rows.append({"initiative_id": o["initiative_id"], "outcome_id": o["outcome_id"],
                         "instrument": o["instrument"], "wave": wave, "alpha": alpha, "ci_low": low, "ci_high": high,
                         "n_complete": n, "n_items": items.shape[1]})
    return pd.DataFrame(rows, columns=RELIABILITY_COLUMNS)
