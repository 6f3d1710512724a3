"""The verdict per hypothesis (docs/statistics.md), in this order:

1. ``insufficient_data``: fewer pairs than the minimum (default 10);
2. ``unreliable_measurement``: the outcome's items do not hang together: Cronbach's alpha below the
   programme's ``min_reliability`` (default 0.60; a negative alpha always) at baseline or follow-up.
   A total of items that do not measure one thing cannot support or contradict anything;
3. ``supported`` / ``contradicted``: the verdict's p-value, Holm-adjusted across the primary
   hypotheses, is below alpha, and the evidence goes the expected way / the other way;
4. ``not_shown``: anything else (reported with the minimum detectable effect).

**Direction.** A two-sided hypothesis is read from its two-sided p and the sign of the test's
estimate. A one-sided hypothesis may also turn out wrong, and that must be said: it spends
:data:`DECLARED_SHARE` (90 %) of alpha on its declared direction and the rest on the other. Its
verdict p-value is min(p / 0.9, p_opposite / 0.1), with p the one-sided p in the declared direction
and p_opposite the one-sided p in the other; it is ``contradicted`` when the second term decides,
i.e. when the two-sided (1 − 0.2·alpha) interval lies wholly on the other side. Each verdict p-value
is a valid p-value for "no change" (P(p/0.9 ≤ u) + P(p_opposite/0.1 ≤ u) ≤ 0.9u + 0.1u = u), so
Holm over them keeps the family-wise error of all verdicts, supported and contradicted, at alpha.
"""

from __future__ import annotations

import math

VERDICTS = ("supported", "contradicted", "not_shown", "unreliable_measurement", "insufficient_data")
DIRECTIONS = ("increase", "decrease")
#: The share of alpha a one-sided hypothesis spends on its declared direction.
#: the confidence of every interval in hypothesis_results (where attainable)
CONFIDENCE = 0.95
DECLARED_SHARE = 0.9
#: The programme's default ``min_reliability``: below this Cronbach's alpha, no supported or contradicted verdict.
DEFAULT_FLOOR = 0.60
#: The one-sided alternative the other way.
OPPOSITE = {"greater": "less", "less": "greater"}


def _missing(x: float | None) -> bool:
    return x is None or math.isnan(x)


def verdict_p_value(p_value: float | None, p_opposite: float | None, alternative: str) -> tuple[float | None, bool | None]:
    """(the p-value the verdict is read from, whether it speaks for the declared direction).

    Two-sided: ``(p_value, None)``; the direction then comes from the estimate's sign. One-sided:
    min(p / 0.9, p_opposite / 0.1), capped at 1, and True when the declared term is the smaller.
    """
    if _missing(p_value):
        return None, None
    if alternative == "two-sided":
        return float(p_value), None
    declared = float(p_value) / DECLARED_SHARE
    opposite = math.inf if _missing(p_opposite) else float(p_opposite) / (1 - DECLARED_SHARE)
    return min(1.0, declared, opposite), declared <= opposite


def verdict(p_adjusted: float | None, alpha: float, expected_direction: str, went_up: bool | None,
            n_pairs: int, min_pairs: int, reliable: bool = True) -> str:
    """One of :data:`VERDICTS`.

    ``went_up``: whether the evidence says follow-up > baseline (None when it says neither, e.g. an
    estimate of exactly 0). ``reliable``: False when the outcome's alpha is below the floor at either
    wave. A missing p-value cannot support anything and gives ``not_shown``.
    """
    if expected_direction not in DIRECTIONS:
        raise ValueError(f"expected_direction must be 'increase' or 'decrease', got {expected_direction!r}")
    if n_pairs < min_pairs:
        return "insufficient_data"
    if not reliable:
        return "unreliable_measurement"
    if _missing(p_adjusted) or p_adjusted >= alpha or went_up is None:
        return "not_shown"
    return "supported" if went_up == (expected_direction == "increase") else "contradicted"
