"""Paired pre/post tests: paired t, Wilcoxon signed-rank and McNemar.

Each function takes two equal-length 1-D arrays of paired values (the caller
pairs participants and drops incomplete pairs; NaN is refused) and returns a
:class:`PairedTestResult`. The tests themselves and every distribution come from
scipy and statsmodels; this module only chooses the variant, fixes the
conventions (docs/statistics.md) and says in ``method`` exactly what ran.

Choices made here, for the report and for a statistician's review:

- paired t: ``scipy.stats.ttest_rel(follow_up, baseline)``; the interval of the
  mean difference is the result's ``confidence_interval()``. The effect size is
  Cohen's d_z = mean(d) / sd(d) (sd with n − 1); its interval is the
  noncentral-t ("pivot") interval of Steiger & Fouladi (1997): the noncentrality
  parameters λ that put the observed t at the 1 − α/2 and α/2 quantiles of a
  noncentral t with n − 1 df (``scipy.stats.nct``, solved with
  ``scipy.optimize.brentq``), divided by √n. This is the interval R's
  ``effectsize::cohens_d(paired = TRUE)`` reports.
- Wilcoxon: ``scipy.stats.wilcoxon`` with zero_method="wilcox" (zero differences
  are dropped before ranking, as R's ``wilcox.test`` does). Exact p when there
  are fewer than 50 non-zero differences and no ties and no zeros (as R); otherwise the normal approximation with tie correction and continuity
  correction (R's default ``correct = TRUE``). Differences are rounded to 9
  decimals first so that floating-point noise does not break ties (0.2 − 1.1 is
  −0.9000000000000001, 1.0 − 0.1 is 0.9). ``statistic`` is W+. Effect size: the
  matched-pairs rank-biserial correlation r = (W+ − W−) / (W+ + W−) (Kerby 2014),
  with the Fisher-z normal interval of R's ``effectsize::rank_biserial`` (SE of
  atanh(r) = √((2n³ + 3n² + n)/6) / ((n² + n)/2), n = non-zero differences); no
  interval when |r| = 1, where that approximation degenerates. The interval of
  the *mean* difference is the t-based one (scipy offers no Hodges–Lehmann
  interval), so it describes the mean, not the pseudo-median the test is about.
- McNemar: on 0/1 outcomes; b = 1 → 0 changes, c = 0 → 1 changes. Two-sided:
  ``statsmodels.stats.contingency_tables.mcnemar``, exact binomial when the
  discordant pairs b + c < 25, otherwise
  chi-square with continuity correction (R's ``mcnemar.test``). One-sided: exact
  binomial on the discordant pairs (``scipy.stats.binomtest``). ``statistic`` is
  the chi-square for the chi-square test and, for the exact test, the number of
  0 → 1 changes among the discordant pairs (the binomial count). Effect size: the
  conditional odds ratio (0 → 1) / (1 → 0) with the Clopper–Pearson interval of
  the binomial proportion transformed by p / (1 − p) — the "central" interval of
  R's ``exact2x2::mcnemar.exact``. The interval of the difference in proportions
  (follow-up − baseline) is the Wald interval for paired proportions, SE =
  √((b + c) − (c − b)²/N) / N (Agresti, *Categorical Data Analysis*, §10.1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats
from statsmodels.stats.contingency_tables import mcnemar as _sm_mcnemar

ALTERNATIVES = ("two-sided", "greater", "less")
EXACT_WILCOXON_BELOW = 50          # exact below 50 non-zero differences, as R's wilcox.test
EXACT_MCNEMAR_BELOW = 25           # exact binomial when the discordant pairs are fewer than this
TIE_DECIMALS = 9


@dataclass(frozen=True)
class PairedTestResult:
    """One paired test, in the shape of a ``hypothesis_results`` row.

    ``mean_difference`` and both intervals are about ``follow_up − baseline``.
    For McNemar the means are proportions (share with outcome 1) and the
    difference is a difference in proportions. ``df`` is None where the test
    has no degrees of freedom (exact tests). Intervals follow ``alternative``:
    one-sided tests get one-sided intervals.
    """

    test: str                      # "paired_t" | "wilcoxon" | "mcnemar"
    alternative: str               # "two-sided" | "greater" | "less"
    n_pairs: int
    mean_baseline: float
    mean_follow_up: float
    mean_difference: float
    ci_low: float | None
    ci_high: float | None
    statistic: float
    df: float | None
    p_value: float
    effect_size: float
    effect_size_kind: str          # "cohen_dz" | "rank_biserial" | "odds_ratio"
    effect_size_ci_low: float | None
    effect_size_ci_high: float | None
    method: str


# ---------------------------------------------------------------------------
# input checks and small helpers
# ---------------------------------------------------------------------------

def _pairs(baseline, follow_up) -> tuple[np.ndarray, np.ndarray]:
    b = np.asarray(baseline, dtype=float)
    f = np.asarray(follow_up, dtype=float)
    if b.ndim != 1 or f.ndim != 1:
        raise ValueError("baseline and follow_up must be 1-D arrays of paired values")
    if b.shape != f.shape:
        raise ValueError(f"baseline and follow_up must be paired: {b.size} baseline values, {f.size} follow-up values")
    if np.isnan(b).any() or np.isnan(f).any():
        raise ValueError("baseline and follow_up must not contain NaN; drop incomplete pairs before testing")
    return b, f


def _check_alternative(alternative: str) -> None:
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {ALTERNATIVES}, got {alternative!r}")


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")


def _f(x) -> float:
    return float(x)


def _normal_interval(estimate: float, se: float, confidence: float, alternative: str,
                     lower_limit: float = -math.inf, upper_limit: float = math.inf) -> tuple[float, float]:
    """Estimate ± z·SE, two- or one-sided, clipped to the parameter's range."""
    if alternative == "two-sided":
        z = stats.norm.ppf(1 - (1 - confidence) / 2)
        low, high = estimate - z * se, estimate + z * se
    elif alternative == "greater":
        low, high = estimate - stats.norm.ppf(confidence) * se, upper_limit
    else:
        low, high = lower_limit, estimate + stats.norm.ppf(confidence) * se
    return _f(max(low, lower_limit)), _f(min(high, upper_limit))


def _t_interval_of_mean(d: np.ndarray, confidence: float, alternative: str) -> tuple[float | None, float | None]:
    if d.size < 2 or np.std(d, ddof=1) == 0:
        return None, None
    ci = stats.ttest_1samp(d, 0.0, alternative=alternative).confidence_interval(confidence_level=confidence)
    return _f(ci.low), _f(ci.high)


def _ncp_for_quantile(t_observed: float, df: int, probability: float) -> float | None:
    """The noncentrality λ with P(T_λ ≤ t_observed) = probability (T_λ noncentral t, df)."""
    def gap(ncp: float) -> float:
        return stats.nct.cdf(t_observed, df, ncp) - probability   # decreasing in ncp

    step = 2.0
    low, high = t_observed - step, t_observed + step
    for _ in range(60):
        g_low, g_high = gap(low), gap(high)
        if not (math.isfinite(g_low) and math.isfinite(g_high)):
            return None
        if g_low >= 0 >= g_high:
            return _f(optimize.brentq(gap, low, high, xtol=1e-12, rtol=1e-12, maxiter=500))
        step *= 2
        if g_low < 0:
            low = t_observed - step
        if g_high > 0:
            high = t_observed + step
    return None


def _cohen_dz_interval(t_observed: float, n: int, confidence: float,
                       alternative: str) -> tuple[float | None, float | None]:
    """Noncentral-t (pivot) interval for d_z = λ / √n."""
    df = n - 1
    root_n = math.sqrt(n)
    if alternative == "two-sided":
        q_low, q_high = 1 - (1 - confidence) / 2, (1 - confidence) / 2
    elif alternative == "greater":
        q_low, q_high = confidence, None
    else:
        q_low, q_high = None, 1 - confidence
    low = -math.inf if q_low is None else _ncp_for_quantile(t_observed, df, q_low)
    high = math.inf if q_high is None else _ncp_for_quantile(t_observed, df, q_high)
    if low is None or high is None:
        return None, None
    return low / root_n, high / root_n


def _undefined(test: str, alternative: str, b: np.ndarray, f: np.ndarray, kind: str, why: str) -> PairedTestResult:
    n = int(b.size)
    mean_b = _f(b.mean()) if n else math.nan
    mean_f = _f(f.mean()) if n else math.nan
    return PairedTestResult(
        test=test, alternative=alternative, n_pairs=n, mean_baseline=mean_b, mean_follow_up=mean_f,
        mean_difference=mean_f - mean_b if n else math.nan, ci_low=None, ci_high=None,
        statistic=math.nan, df=None, p_value=math.nan, effect_size=math.nan, effect_size_kind=kind,
        effect_size_ci_low=None, effect_size_ci_high=None, method=why,
    )


# ---------------------------------------------------------------------------
# paired t
# ---------------------------------------------------------------------------

def paired_t(baseline, follow_up, alternative: str = "two-sided", confidence: float = 0.95) -> PairedTestResult:
    """Paired (Student) t-test of follow_up − baseline, with Cohen's d_z.

    ``statistic`` is t, ``df`` = n − 1, ``ci_low``/``ci_high`` the t interval of
    the mean difference (one-sided for a one-sided alternative). ``effect_size``
    is Cohen's d_z = mean(d) / sd(d) with the noncentral-t interval (see the
    module docstring); it is undefined (NaN) when all differences are equal.
    """
    _check_alternative(alternative)
    _check_confidence(confidence)
    b, f = _pairs(baseline, follow_up)
    n = int(b.size)
    if n < 2:
        return _undefined("paired_t", alternative, b, f, "cohen_dz",
                          f"Paired t-test not run: {n} pair(s), at least 2 are needed")
    d = f - b
    sd = _f(np.std(d, ddof=1))
    if sd == 0:
        return _undefined("paired_t", alternative, b, f, "cohen_dz",
                          f"Paired t-test not run: all {n} differences are equal ({_f(d[0]):g}), so t is undefined")
    res = stats.ttest_rel(f, b, alternative=alternative)
    ci = res.confidence_interval(confidence_level=confidence)
    dz = _f(d.mean()) / sd
    dz_low, dz_high = _cohen_dz_interval(_f(res.statistic), n, confidence, alternative)
    pct = f"{confidence * 100:g}%"
    return PairedTestResult(
        test="paired_t", alternative=alternative, n_pairs=n,
        mean_baseline=_f(b.mean()), mean_follow_up=_f(f.mean()), mean_difference=_f(d.mean()),
        ci_low=_f(ci.low), ci_high=_f(ci.high),
        statistic=_f(res.statistic), df=_f(res.df), p_value=_f(res.pvalue),
        effect_size=dz, effect_size_kind="cohen_dz", effect_size_ci_low=dz_low, effect_size_ci_high=dz_high,
        method=(f"Paired t-test on {n} pairs (df = {n - 1}), {pct} t-interval of the mean difference; "
                f"Cohen's d_z (mean/SD of the differences) with a noncentral-t {pct} interval"),
    )


# ---------------------------------------------------------------------------
# Wilcoxon signed-rank
# ---------------------------------------------------------------------------

def _rank_biserial_interval(r: float, n: int, confidence: float,
                            alternative: str) -> tuple[float | None, float | None]:
    if n < 1 or abs(r) >= 1:
        return None, None
    max_w = (n * n + n) / 2
    se = math.sqrt((2 * n ** 3 + 3 * n ** 2 + n) / 6) / max_w
    low, high = _normal_interval(math.atanh(r), se, confidence, alternative)
    return (-1.0 if low == -math.inf else math.tanh(low)), (1.0 if high == math.inf else math.tanh(high))


def wilcoxon_signed_rank(baseline, follow_up, alternative: str = "two-sided", confidence: float = 0.95, *,
                         method: str = "auto", correction: bool = True) -> PairedTestResult:
    """Wilcoxon signed-rank test of follow_up − baseline, with the rank-biserial r.

    ``method="auto"`` (the pipeline's choice): exact p when there are fewer than 50
    non-zero differences, no ties and no zeros; otherwise the normal
    approximation with tie correction and — unless ``correction=False`` — the
    continuity correction. ``method="exact"`` or ``"approx"`` forces a variant
    (used to reproduce published output); exact is refused with ties or zeros.
    Zero differences are dropped before ranking (zero_method "wilcox", as R).

    ``statistic`` is W+ (R's V) whatever the alternative. ``ci_low``/``ci_high``
    are the t-interval of the *mean* difference (no Hodges–Lehmann interval is
    computed). ``effect_size`` is r = (W+ − W−)/(W+ + W−) with a Fisher-z interval.
    """
    _check_alternative(alternative)
    _check_confidence(confidence)
    if method not in ("auto", "exact", "approx"):
        raise ValueError(f"method must be 'auto', 'exact' or 'approx', got {method!r}")
    b, f = _pairs(baseline, follow_up)
    n_pairs = int(b.size)
    d_raw = f - b
    d = np.round(d_raw, TIE_DECIMALS)
    nonzero = d[d != 0]
    n = int(nonzero.size)
    n_zero = n_pairs - n
    if n == 0:
        return _undefined("wilcoxon", alternative, b, f, "rank_biserial",
                          f"Wilcoxon signed-rank not run: none of the {n_pairs} differences is non-zero")

    ranks = stats.rankdata(np.abs(nonzero))
    w_plus = _f(ranks[nonzero > 0].sum())
    w_minus = _f(ranks[nonzero < 0].sum())
    has_ties = np.unique(np.abs(nonzero)).size < n

    if method == "auto":
        exact = n < EXACT_WILCOXON_BELOW and not has_ties and n_zero == 0
    elif method == "exact":
        if has_ties or n_zero:
            raise ValueError("an exact Wilcoxon p needs differences without ties and zeros")
        exact = True
    else:
        exact = False

    if exact:
        res = stats.wilcoxon(d, zero_method="wilcox", alternative=alternative, method="exact")
        how = f"Wilcoxon signed-rank, exact p (n = {n}, no ties, no zeros)"
    else:
        res = stats.wilcoxon(d, zero_method="wilcox", correction=correction, alternative=alternative,
                             method="asymptotic")
        reasons = []
        if has_ties:
            reasons.append("ties present")
        if n_zero:
            reasons.append(f"{n_zero} zero difference{'s' if n_zero > 1 else ''} dropped")
        if n >= EXACT_WILCOXON_BELOW:
            reasons.append(f"n = {n} ≥ {EXACT_WILCOXON_BELOW}")
        if method == "approx" and not reasons:
            reasons.append("approximation requested")
        corrections = "continuity and tie correction" if correction else "tie correction, no continuity correction"
        how = (f"Wilcoxon signed-rank, normal approximation with {corrections} "
               f"({', '.join(reasons)}; n = {n} non-zero difference{'s' if n != 1 else ''})")

    r = (w_plus - w_minus) / (w_plus + w_minus)
    r_low, r_high = _rank_biserial_interval(r, n, confidence, alternative)
    ci_low, ci_high = _t_interval_of_mean(d_raw, confidence, alternative)
    return PairedTestResult(
        test="wilcoxon", alternative=alternative, n_pairs=n_pairs,
        mean_baseline=_f(b.mean()), mean_follow_up=_f(f.mean()), mean_difference=_f(d_raw.mean()),
        ci_low=ci_low, ci_high=ci_high, statistic=w_plus, df=None, p_value=_f(res.pvalue),
        effect_size=_f(r), effect_size_kind="rank_biserial", effect_size_ci_low=r_low, effect_size_ci_high=r_high,
        method=how,
    )


# ---------------------------------------------------------------------------
# McNemar
# ---------------------------------------------------------------------------

def _odds_ratio_interval(n01: int, n10: int, confidence: float,
                         alternative: str) -> tuple[float | None, float | None]:
    """Clopper–Pearson interval of n01/(n01 + n10), mapped by p/(1 − p) (exact2x2's central interval)."""
    discordant = n01 + n10
    if discordant == 0:
        return None, None
    ci = stats.binomtest(n01, discordant, 0.5, alternative=alternative).proportion_ci(
        confidence_level=confidence, method="exact")

    def odds(p: float) -> float:
        return math.inf if p >= 1 else p / (1 - p)

    return odds(_f(ci.low)), odds(_f(ci.high))


def mcnemar(baseline, follow_up, alternative: str = "two-sided", confidence: float = 0.95, *,
            method: str = "auto", correction: bool = True) -> PairedTestResult:
    """McNemar's test on a dichotomous (0/1) outcome measured twice.

    Two-sided, ``method="auto"``: exact binomial on the discordant pairs when
    there are fewer than 25 of them, otherwise chi-square with continuity
    correction (``correction=False`` drops it). ``method="exact"`` or ``"chi2"``
    forces a variant. One-sided alternatives always use the exact binomial test
    (``scipy.stats.binomtest``): "greater" means more 0 → 1 than 1 → 0 changes.

    ``effect_size`` is the odds ratio (0 → 1 changes) / (1 → 0 changes) with an
    exact interval; it is inf when no pair went 1 → 0 and NaN without
    discordant pairs.
    """
    _check_alternative(alternative)
    _check_confidence(confidence)
    if method not in ("auto", "exact", "chi2"):
        raise ValueError(f"method must be 'auto', 'exact' or 'chi2', got {method!r}")
    b, f = _pairs(baseline, follow_up)
    if not (np.isin(b, (0, 1)).all() and np.isin(f, (0, 1)).all()):
        raise ValueError("McNemar's test needs 0/1 values at baseline and follow-up")
    if alternative != "two-sided" and method == "chi2":
        raise ValueError("a one-sided McNemar test is the exact binomial test; chi-square is two-sided only")
    n = int(b.size)
    if n == 0:
        return _undefined("mcnemar", alternative, b, f, "odds_ratio", "McNemar's test not run: no pairs")

    n00 = int(((b == 0) & (f == 0)).sum())
    n01 = int(((b == 0) & (f == 1)).sum())
    n10 = int(((b == 1) & (f == 0)).sum())
    n11 = int(((b == 1) & (f == 1)).sum())
    discordant = n01 + n10

    df: float | None = None
    if discordant == 0:
        statistic, p_value = 0.0, 1.0
        how = "McNemar exact binomial on 0 discordant pairs (no changes, p = 1)"
    elif alternative != "two-sided":
        res = stats.binomtest(n01, discordant, 0.5, alternative=alternative)
        statistic, p_value = float(n01), _f(res.pvalue)
        how = f"McNemar exact binomial (one-sided) on {discordant} discordant pairs"
    else:
        exact = discordant < EXACT_MCNEMAR_BELOW if method == "auto" else method == "exact"
        table = [[n00, n01], [n10, n11]]
        if exact:
            res = _sm_mcnemar(table, exact=True)
            statistic, p_value = float(n01), min(1.0, _f(res.pvalue))
            how = f"McNemar exact binomial on {discordant} discordant pairs"
        else:
            res = _sm_mcnemar(table, exact=False, correction=correction)
            statistic, p_value, df = _f(res.statistic), _f(res.pvalue), 1.0
            how = (f"McNemar chi-square {'with' if correction else 'without'} continuity correction "
                   f"on {discordant} discordant pairs")

    if n10 > 0:
        odds_ratio = n01 / n10
    else:
        odds_ratio = math.inf if n01 > 0 else math.nan
    or_low, or_high = _odds_ratio_interval(n01, n10, confidence, alternative)

    p_base = (n10 + n11) / n
    p_follow = (n01 + n11) / n
    diff = (n01 - n10) / n
    se = math.sqrt(max(discordant - (n01 - n10) ** 2 / n, 0.0)) / n
    ci_low, ci_high = _normal_interval(diff, se, confidence, alternative, lower_limit=-1.0, upper_limit=1.0)

    return PairedTestResult(
        test="mcnemar", alternative=alternative, n_pairs=n,
        mean_baseline=_f(p_base), mean_follow_up=_f(p_follow), mean_difference=_f(diff),
        ci_low=ci_low, ci_high=ci_high, statistic=statistic, df=df, p_value=p_value,
        effect_size=_f(odds_ratio), effect_size_kind="odds_ratio",
        effect_size_ci_low=or_low, effect_size_ci_high=or_high, method=how,
    )
