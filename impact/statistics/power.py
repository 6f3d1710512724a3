"""Minimum detectable effect: what a non-significant result could have detected.

A ``not_shown`` verdict carries the smallest effect the test had 80 % power to
detect at its n, so absence of evidence is not read as evidence of absence
(docs/statistics.md). The calculation is the paired t-test's (one-sample t on the
differences, noncentral t; ``statsmodels.stats.power.TTestPower``, the same
power function as R's ``pwr::pwr.t.test(type = "paired")``). For Wilcoxon and
McNemar hypotheses it is the t-test approximation, not an exact power for those
tests; say so next to the number.
"""

from __future__ import annotations

import math

from statsmodels.stats.power import TTestPower


def minimum_detectable_effect(n_pairs: float, alpha: float, power: float = 0.8,
                              alternative: str = "two-sided",
                              sd_difference: float | None = None) -> tuple[float | None, float | None]:
    """Smallest d_z a paired t-test on ``n_pairs`` pairs detects with the given power.

    Returns ``(mde_dz, mde_raw)``: the magnitude of Cohen's d_z, and — when
    ``sd_difference`` (the SD of follow_up − baseline) is given — the same effect
    in outcome units (d_z × sd_difference); otherwise ``mde_raw`` is None. A
    one-sided alternative ("greater" or "less") uses the one-sided critical
    value; the magnitude is the same for both directions. ``n_pairs`` may be
    fractional (published sample-size tables print fractional n). Fewer than 2
    pairs gives ``(None, None)``.
    """
    if alternative not in ("two-sided", "greater", "less"):
        raise ValueError(f"alternative must be 'two-sided', 'greater' or 'less', got {alternative!r}")
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise ValueError("alpha and power must lie strictly between 0 and 1")
    if n_pairs is None or not math.isfinite(n_pairs) or n_pairs < 2:
        return None, None
    tail = "two-sided" if alternative == "two-sided" else "larger"
    try:
        mde = float(TTestPower().solve_power(effect_size=None, nobs=float(n_pairs), alpha=alpha,
                                             power=power, alternative=tail))
    except (ValueError, RuntimeError):
        return None, None
    if not math.isfinite(mde):
        return None, None
    mde = abs(mde)
    raw = None if sd_difference is None or not math.isfinite(sd_difference) else mde * abs(float(sd_difference))
    return mde, raw
