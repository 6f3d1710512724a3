"""The Holm correction across the programme's primary hypotheses of the year.

Holm (1979), *A simple sequentially rejective multiple test procedure*: sort the
m p-values, multiply the i-th smallest by (m − i + 1), take the running maximum
and cap at 1. Computed by ``statsmodels.stats.multitest.multipletests``.
"""

from __future__ import annotations

import numpy as np
from statsmodels.stats.multitest import multipletests


def holm_adjust(p_values) -> np.ndarray:
    """Holm-adjusted p-values, in the order given.

    Missing p-values (NaN or None, e.g. a hypothesis with insufficient data) stay
    NaN and are not part of the family: m counts only the p-values present.
    """
    p = np.asarray([np.nan if v is None else v for v in np.ravel(np.asarray(p_values, dtype=object))],
                   dtype=float)
    present = ~np.isnan(p)
    if ((p[present] < 0) | (p[present] > 1)).any():
        raise ValueError("p-values must lie between 0 and 1")
    adjusted = np.full(p.shape, np.nan)
    if present.any():
        adjusted[present] = multipletests(p[present], method="holm")[1]
    return adjusted
