"""Cronbach's alpha, per instrument and wave (a low alpha is a warning for the report).

alpha = k/(k − 1) · (1 − Σ var(item) / var(total)), sample variances (n − 1), on
the complete cases only (listwise deletion, as R's ``psych::alpha(use =
"complete.obs")``). Plain arithmetic on pandas — there is no distribution
involved, so nothing here re-implements scipy or statsmodels.
"""

from __future__ import annotations

import math

import pandas as pd


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
