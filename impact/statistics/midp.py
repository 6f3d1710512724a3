"""The mid-p binomial test that McNemar's test reduces to, vectorised (for the test and for its power).

Conditional on the m discordant pairs, the number k of 0 → 1 changes is Binomial(m, 1/2) when nothing
changed. The mid-p value counts half the probability of the observed k (Lancaster 1961); for McNemar's
test it keeps the size close to alpha where the exact test is far below it (Fagerland, Lydersen & Laake
2013, BMC Medical Research Methodology 13:91):

- two-sided: 2·P(X ≤ k) − P(X = k) for k < m/2 (the exact two-sided p minus P(X = k)), mirrored for
  k > m/2, and 1 − P(X = k)/2 at k = m/2, as the method's authors compute it (``contingencytables``,
  ``McNemar_midP_test_paired_2x2``);
- "greater" (more 0 → 1 than 1 → 0): P(X > k) + P(X = k)/2; "less": P(X < k) + P(X = k)/2.

The distribution is ``scipy.stats.binom``.
"""

from __future__ import annotations

import numpy as np
from scipy import stats


def binomial_mid_p(k, m, alternative: str = "two-sided"):
    """Mid-p of ``k`` successes in ``m`` trials against p = 1/2 (arrays broadcast); 1 where ``m`` is 0."""
    k, m = np.asarray(k, dtype=float), np.asarray(m, dtype=float)
    point = stats.binom.pmf(k, m, 0.5)
    at_most, at_least = stats.binom.cdf(k, m, 0.5), stats.binom.sf(k - 1, m, 0.5)
    if alternative == "two-sided":
        p = np.where(2 * k == m, 1 - point / 2, 2 * np.minimum(at_most, at_least) - point)
    elif alternative == "greater":
        p = at_least - point / 2
    elif alternative == "less":
        p = at_most - point / 2
    else:
        raise ValueError(f"alternative must be 'two-sided', 'greater' or 'less', got {alternative!r}")
    return np.where(m == 0, 1.0, np.clip(p, 0.0, 1.0))
