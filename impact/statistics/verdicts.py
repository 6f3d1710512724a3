"""The verdict per hypothesis (docs/statistics.md).

- ``insufficient_data``: fewer pairs than the minimum (default 10);
- ``supported``: adjusted p < alpha and the difference goes the expected way;
- ``contradicted``: adjusted p < alpha and the difference goes the other way;
- ``not_shown``: anything else (report it with the minimum detectable effect).
"""

from __future__ import annotations

import math

VERDICTS = ("supported", "contradicted", "not_shown", "insufficient_data")
DIRECTIONS = ("increase", "decrease")


def verdict(p_adjusted: float | None, alpha: float, expected_direction: str, mean_difference: float | None,
            n_pairs: int, min_pairs: int) -> str:
    """One of :data:`VERDICTS`.

    ``mean_difference`` is follow_up − baseline (for McNemar the difference in
    proportions); only its sign is used. A missing p-value (None or NaN) or a
    zero or missing difference cannot support anything and gives ``not_shown``.
    """
    if expected_direction not in DIRECTIONS:
        raise ValueError(f"expected_direction must be 'increase' or 'decrease', got {expected_direction!r}")
    if n_pairs < min_pairs:
        return "insufficient_data"
    if p_adjusted is None or math.isnan(p_adjusted) or p_adjusted >= alpha:
        return "not_shown"
    if mean_difference is None or math.isnan(mean_difference) or mean_difference == 0:
        return "not_shown"
    went_up = mean_difference > 0
    return "supported" if went_up == (expected_direction == "increase") else "contradicted"
