"""Paired pre/post tests: paired t, Wilcoxon signed-rank and McNemar.

Each function takes two equal-length 1-D arrays of paired values (the caller
pairs participants and drops incomplete pairs; NaN and ±inf are refused) and
returns a :class:`PairedTestResult`. Every distribution comes from scipy; this
module chooses the variant, fixes the conventions (docs/statistics.md) and says
in ``method`` exactly what ran, including every special case below.

Every result carries the **estimate the test is about** (``estimate``,
``estimate_kind``) with its interval (``ci_low``, ``ci_high``), one-sided when the
alternative is; ``mean_baseline``, ``mean_follow_up`` and ``mean_difference`` are
descriptive and always the plain means over the pairs.

Paired t (``estimate_kind`` "mean_difference")
    ``scipy.stats.ttest_rel(follow_up, baseline)``; the estimate is the mean
    difference with the t interval (the result's ``confidence_interval()``).
    Effect size: Cohen's d_z = mean(d) / sd(d) (sd with n − 1) with the
    noncentral-t ("pivot") interval of Steiger & Fouladi (1997): the
    noncentrality parameters λ that put the observed t at the 1 − α/2 and α/2
    quantiles of a noncentral t with n − 1 df (``scipy.stats.nct``,
    ``scipy.optimize.brentq``), divided by √n — the interval of R's
    ``effectsize::cohens_d(paired = TRUE)``.

    No spread: when all n ≥ 2 differences equal the same c, t is undefined
    (0/0 or c/0). The p-value is then that of the exact sign-flip
    (randomisation) test of the mean, which needs no variance: of the 2^n
    equally likely sign patterns only the observed one (two-sided: it and its
    mirror) is as extreme, so p = 2·0.5^n two-sided, 0.5^n one-sided in the
    direction of c and 1 in the other; p = 1 when c = 0. The estimate is c, and
    the interval inverts the same test: a shift μ0 ≠ c leaves n equal non-zero
    differences (p as above), μ0 = c leaves n zeros (p = 1), so the interval is
    [c, c] (one-sided [c, inf) or (−inf, c]) when that p is below 1 −
    confidence, and unbounded otherwise (n ≤ 5 at 95 % two-sided, n ≤ 4
    one-sided). d_z is undefined (NaN) and ``statistic`` (t) is NaN. Fewer
    than 2 pairs: not run.

Wilcoxon signed-rank (``estimate_kind`` "pseudo_median")
    The test: ``scipy.stats.wilcoxon`` with zero_method="wilcox" (zero
    differences dropped before ranking, as R). Exact p when there are fewer than
    50 non-zero differences and no ties and no zeros (the rule of R 4.0–4.5;
    R 4.6.0 added exact conditional p-values with ties and zeros, which the
    engine does not follow); otherwise the normal approximation with tie
    correction and — unless ``correction=False`` — continuity correction (R's
    default). Differences are
    rounded to 9 decimals first, so floating-point noise does not break ties
    (0.2 − 1.1 is −0.9000000000000001, 1.0 − 0.1 is 0.9). ``statistic`` is W+
    (R's V) for every alternative.

    The estimate and its interval follow R's ``wilcox.test(x, conf.int = TRUE)``
    (stats/R/wilcox.test.R, R 4.0–4.5) on the non-zero differences x:

    - exact case (no ties, no zeros, n < 50): the Hodges–Lehmann estimate, the
      median of the n(n+1)/2 Walsh averages (x_i + x_j)/2, i ≤ j; the interval
      is (A_(qu), A_(M−qu+1)) of the sorted Walsh averages A with
      qu = qsignrank(α/2, n) (α for a one-sided limit), raised to 1 when it is 0.
      qsignrank is read from scipy's exact signed-rank distribution
      (``scipy.stats.wilcoxon(method="exact")``, see ``_signrank_cdf``). This
      is the inversion of the exact test: for two-sided alternatives the interval
      excludes 0 exactly when p < 1 − confidence. The one exception is R's
      "qu = 0 → 1" (n ≤ 5 at 95 % two-sided, n ≤ 4 one-sided), where no interval
      reaches the requested confidence: the interval is [min x, max x] with
      achieved confidence 1 − 2·0.5^n (1 − 0.5^n one-sided); ``method`` then
      gives the achieved level and ``ci_level`` holds it.
    - ties or zeros, or ``method="approx"``: R's asymptotic interval. R solves
      W(d) = z with ``uniroot(tol = 1e-4)``, W(d) the tie- and continuity-
      corrected standardised signed-rank statistic of x − d (zeros of x − d
      dropped). Between Walsh averages W(d) is a step function, constant
      between consecutive distinct Walsh averages, so its root is the Walsh
      average where it steps across z: the engine finds that step exactly
      (R's printed limits lie within uniroot's 1e-4 of it). R's check that the
      requested level is reachable from W(min x) and W(max x) — else α is
      doubled and the level lowered — is followed and reported in ``method``
      and ``ci_level`` (NaN when no level is attainable);
      one deliberate difference: for ``alternative="less"`` R checks W(max x)
      against qnorm(α/2) where the mirror case "greater" uses qnorm(1 − α); the
      engine uses qnorm(α), the exact mirror. R's estimate is the uniroot of the
      uncorrected W(d) = 0; where W is 0 on a whole step (an even number of
      Walsh averages) uniroot may return any point of it and the engine returns
      its midpoint, Hodges & Lehmann's (1963) (θ* + θ**)/2, so the estimate is
      the median of the Walsh averages in this case too.
    - every non-zero difference equal (R: NaN interval, estimate the midrange):
      the estimate is that value c; the interval inverts the test as for the t
      test: any shift ≠ c leaves n equal non-zero differences whose p is that of
      the test just run, so [c, c] (one-sided [c, inf) / (−inf, c]) when that p
      is below 1 − confidence, else unbounded. All differences zero: p = 1,
      W+ = 0, estimate 0, interval [0, 0] by the same inversion on the n
      shifted differences (unbounded when that p is not below 1 − confidence).

    Effect size: the matched-pairs rank-biserial correlation r = (W+ − W−) /
    (W+ + W−) (Kerby 2014), n the non-zero differences; it is the mean sign of
    the Walsh sums x_i + x_j (i ≤ j) and estimates P(D1 + D2 > 0) −
    P(D1 + D2 < 0). Its interval depends on the data:

    - untied differences (no ties, no zeros, at least 2, the Hodges–Lehmann
      interval at the requested level): an interval from the test's own model
      with the spread of the differences estimated. Under that model
      (differences symmetric about a centre θ) r is a non-decreasing function
      of θ, r(θ) = P(ε1 + ε2 + 2θ > 0) − P(ε1 + ε2 + 2θ < 0). The fitted model
      is the symmetrised residuals {e, −e} around the estimate, shifted by θ.
      1,000 samples y of n values are drawn from it at θ = 0 (fixed seed; the
      differences are sorted first, so neither the run nor the order of the
      pairs changes them). With M = n(n + 1)/2 and W+ of the observed Walsh
      averages above 0, the r of y + θ reaches the observed r exactly when
      θ > −(the (M − W+ + 1)-th smallest Walsh average of y) and exceeds it
      when θ > −(the (M − W+)-th): one partial sort of each sample's Walsh
      sums. θ_L and θ_U are the α/2 and 1 − α/2 quantiles (α for a one-sided
      limit) of these 2,000 shifts together — the mid-p rule, P(r* > r) +
      ½P(r* = r); at r = ±1 only the reachable event counts — and the limits
      are r(θ_L) and r(θ_U) of the fitted model (a pair sum −2θ exactly counts
      as neither). Where a θ-limit falls on the other side of 0 from the
      Hodges–Lehmann limit, the Hodges–Lehmann limit is used; since r(0) = 0
      and r(θ) > 0 for every θ > 0, the interval then excludes 0 exactly when
      the test rejects (one-sided too), and with no change its coverage is the
      test's. Calibration study (docs/calibration.md, normal differences,
      2,000 data sets a cell, 95 %): with no change 0.945–0.964, one minus the
      test's type-I error; under a change (d_z = 0.5, r = 0.52) 0.948–0.963 at
      n = 8, 0.954–0.955 at n = 15, 0.946–0.966 at n = 30 and 0.951–0.956 at
      n = 100, two-sided and one-sided; 23 of the 24 figures pass, the upper
      limit at n = 30 (0.9655) is just too wide (0.962 on an independent
      rerun). Mapping the Hodges–Lehmann limits themselves through r(θ) takes
      the spread as known and covered only 91–93 % on the side of 0 under a
      change (d_z = 0.5); a Fisher-z
      interval with r's U-statistic variance (97 % with no change) and the BCa
      bootstrap below (97–100 % at n ≤ 15) were worse, and neither agrees with
      the test. The samples are drawn once per data set and shared by the
      alternatives (at n = 100: 1,000 partial sorts of 5,050 sums, drawn in
      blocks of at most 2 million sums).
    - ties or zeros (Likert answers, sum scores): a BCa bootstrap interval
      (``scipy.stats.bootstrap``, method "BCa", 2,000 resamples of the non-zero
      differences, a fixed seed so the same input gives the same bytes; the
      differences are put in a canonical order first, so the order of the pairs
      does not matter either). It is conservative at n ≤ 15, where r takes few
      values, and it is not the test's inversion (a disagreement is noted).
      When r = ±1 (every non-zero difference has the same sign) the bootstrap
      is degenerate, and with fewer than 5 non-zero differences it is
      meaningless; the interval then comes from the sign test: with k of the n
      non-zero differences positive, the Clopper–Pearson interval [p_L, p_U] of
      p = P(D > 0) (α/2 per side; α for a one-sided limit) bounds the
      population r, because P(D1 + D2 > 0) ≥ p² and P(D1 + D2 < 0) ≥
      (1 − p)²: r lies in [2·p_L² − 1, 1 − 2·(1 − p_U)²]. At r = 1 that is
      [2·(α/2)^(2/n) − 1, 1]. It is conservative (it holds whatever the sizes
      of the differences).

McNemar (``estimate_kind`` "difference_in_proportions")
    On 0/1 values; n01 = changes 0 → 1, n10 = changes 1 → 0, D = n01 + n10.
    ``method="mid-p"`` (default, any D): the mid-p test of Fagerland,
    Lydersen & Laake (2013, BMC Med Res Methodol 13:91): two-sided, the exact
    conditional p 2·P(X ≤ min(n01, n10)) (X ~ Binomial(D, ½), capped at 1)
    minus P(X = n01), and 1 − ½·P(X = n01) when n01 = n10 (their definition);
    one-sided "greater" P(X > n01) + ½P(X = n01), "less" P(X < n01) +
    ½P(X = n01). ``method="exact"``: the exact conditional binomial test
    (``scipy.stats.binomtest``). ``method="asymptotic"``: R's
    ``mcnemar.test``: (|n01 − n10| − 1)²/D on 1 df, without the −1 when
    ``correction=False`` and — as R, ``if (correct && (r == 2) && any(x - t(x)
    != 0))`` — also when n01 = n10 (so n01 = n10 gives p = 1); two-sided only.
    No discordant pairs: p = 1 for every method. ``statistic`` is n01 for the
    mid-p and exact tests, the chi-square for the asymptotic one.

    Estimate: the difference in paired proportions (n01 − n10)/N (follow-up −
    baseline) with the skewness-corrected asymptotic score interval (SCAS):
    Tango's (1998) score statistic T(Δ) = (n01 − n10 − NΔ) / √(N(2·p̃10 +
    Δ(1 − Δ))), p̃10 the maximum-likelihood estimate of the 1 → 0 probability
    under Δ (Tango's closed form), with the variance multiplied by N/(N − 1)
    and Laud's (2017) skewness correction: z solves γz² + z − (T + γ) = 0, γ
    the skewness of the score under Δ (the third moment needs the concordant
    counts too); the interval is the Δ with |z| ≤ z_(α/2), solved with
    ``brentq``. It reproduces R's ``ratesci::pairbinci`` (its default
    "Score" method). ``difference_interval="tango"`` gives Tango's own
    interval, whose exact one-sided
    coverage fell to 93.8 % at n = 30 in the calibration study. One-sided
    intervals end at ±1. It is defined (and not (0, 0)) without discordant
    pairs.

    Effect size: the conditional odds ratio n01/n10 (inf when n10 = 0 < n01,
    NaN without discordant pairs) with the mid-p exact ("Clopper–Pearson mid-p")
    interval of the binomial proportion n01/D transformed by p/(1 − p)
    (Fagerland et al. 2014, Stat Med 33:2850; ``brentq`` on
    ``scipy.stats.binom``). Its limits solve the same mid-p tail equations as
    the mid-p test, so for a two-sided alternative it excludes 1 exactly when
    the mid-p p < 1 − confidence (one-sided: the one-sided p and limit).
"""

from __future__ import annotations

import functools
import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from impact.statistics.midp import binomial_mid_p

ALTERNATIVES = ("two-sided", "greater", "less")
EXACT_WILCOXON_BELOW = 50          # exact below 50 non-zero differences, as R's wilcox.test
TIE_DECIMALS = 9
BOOTSTRAP_RESAMPLES = 2000         # BCa resamples for the rank-biserial interval of tied data
BOOTSTRAP_SEED = 20_240_611        # fixed: the same input gives the same interval, byte for byte
SHIFT_MODEL_SAMPLES = 1000         # samples of the fitted shift model for the rank-biserial interval of untied data
SHIFT_MODEL_BLOCK = 2_000_000      # Walsh sums held at once while they are drawn (16 MB)
BOOTSTRAP_MIN_N = 5                # fewer non-zero differences: the sign-test bound instead
MCNEMAR_METHODS = ("mid-p", "exact", "asymptotic")
WILCOXON_METHODS = ("auto", "exact", "approx")


@dataclass(frozen=True)
class PairedTestResult:
    """One paired test, in the shape of a ``hypothesis_results`` row.

    Everything is about ``follow_up − baseline``. ``estimate`` is what the test is
    about (``estimate_kind``: "mean_difference", "pseudo_median" or
    "difference_in_proportions") and ``ci_low``/``ci_high`` its interval;
    ``mean_baseline``, ``mean_follow_up`` and ``mean_difference`` are the plain
    means over the pairs (shares for McNemar). ``df`` is None where no t or
    chi-square distribution was used. Intervals follow ``alternative``: one-sided
    tests get one-sided intervals (open end ±inf; ±1 for a difference in
    proportions or a correlation; 0 or inf for an odds ratio). ``None`` marks an
    interval that does not exist (``method`` says why).
    """

    test: str                      # "paired_t" | "wilcoxon" | "mcnemar"
    alternative: str               # "two-sided" | "greater" | "less"
    n_pairs: int
    mean_baseline: float
    mean_follow_up: float
    mean_difference: float
    estimate: float
    estimate_kind: str             # "mean_difference" | "pseudo_median" | "difference_in_proportions"
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
    #: the confidence the estimate's interval has: the requested one, lower where R lowers it because the
    #: requested one is not attainable (Wilcoxon with few differences; NaN when none is); None: no interval
    ci_level: float | None = None


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
    if np.isinf(b).any() or np.isinf(f).any():
        raise ValueError("baseline and follow_up must not contain infinite values (inf or -inf); "
                         "a score is a finite number")
    return b, f


def _check_alternative(alternative: str) -> None:
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {ALTERNATIVES}, got {alternative!r}")


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")


def _f(x) -> float:
    return float(x)


def _pct(level: float) -> str:
    return f"{level * 100:.4g}%"


def _undefined(test: str, alternative: str, b: np.ndarray, f: np.ndarray, kind: str, estimate_kind: str,
               why: str) -> PairedTestResult:
    n = int(b.size)
    mean_b = _f(b.mean()) if n else math.nan
    mean_f = _f(f.mean()) if n else math.nan
    diff = mean_f - mean_b if n else math.nan
    return PairedTestResult(
        test=test, alternative=alternative, n_pairs=n, mean_baseline=mean_b, mean_follow_up=mean_f,
        mean_difference=diff, estimate=math.nan, estimate_kind=estimate_kind, ci_low=None, ci_high=None,
        statistic=math.nan, df=None, p_value=math.nan, effect_size=math.nan, effect_size_kind=kind,
        effect_size_ci_low=None, effect_size_ci_high=None, method=why,
    )


def _degenerate_interval(c: float, p_shifted: float, confidence: float,
                         alternative: str) -> tuple[float, float]:
    """The interval that inverts a test when every difference equals ``c``.

    Testing a shift μ0 ≠ c leaves n equal non-zero differences, whose p
    (``p_shifted``, for the side that points away from μ0) does not depend on
    μ0; μ0 = c leaves only zeros (p = 1). So the confidence set is {c} — one-
    sided [c, inf) or (−inf, c] — when that p is below 1 − confidence, and every
    μ0 otherwise.
    """
    if p_shifted >= 1 - confidence:
        return -math.inf, math.inf
    if alternative == "greater":
        return c, math.inf
    if alternative == "less":
        return -math.inf, c
    return c, c


# ---------------------------------------------------------------------------
# paired t
# ---------------------------------------------------------------------------

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


def _sign_flip_p(c: float, n: int, alternative: str) -> float:
    """Exact sign-flip (randomisation) p of n differences that all equal c."""
    if c == 0:
        return 1.0
    one_tail = 0.5 ** n
    if alternative == "two-sided":
        return min(1.0, 2 * one_tail)
    toward = (alternative == "greater") == (c > 0)
    return one_tail if toward else 1.0


def paired_t(baseline, follow_up, alternative: str = "two-sided", confidence: float = 0.95) -> PairedTestResult:
    """Paired (Student) t-test of follow_up − baseline, with Cohen's d_z.

    ``statistic`` is t, ``df`` = n − 1, ``estimate`` the mean difference with its t
    interval (one-sided for a one-sided alternative). ``effect_size`` is Cohen's
    d_z = mean(d) / sd(d) with the noncentral-t interval. When all differences
    are equal, t and d_z are undefined and the exact sign-flip test gives p (see
    the module docstring); fewer than 2 pairs: not run.
    """
    _check_alternative(alternative)
    _check_confidence(confidence)
    b, f = _pairs(baseline, follow_up)
    n = int(b.size)
    if n < 2:
        return _undefined("paired_t", alternative, b, f, "cohen_dz", "mean_difference",
                          f"Paired t-test not run: {n} pair(s), at least 2 are needed")
    d = f - b
    mean_d = _f(d.mean())
    sd = _f(np.std(d, ddof=1))
    pct = _pct(confidence)
    if sd == 0:
        c = _f(d[0])
        p = _sign_flip_p(c, n, alternative)
        p_shifted = 0.5 ** n if alternative != "two-sided" else min(1.0, 2 * 0.5 ** n)
        low, high = _degenerate_interval(c, p_shifted, confidence, alternative)
        tail = "2·0.5^n" if alternative == "two-sided" else "0.5^n"
        if c == 0:
            how_p = f"p = 1 (all {n} differences are 0)"
        elif alternative == "two-sided" or (alternative == "greater") == (c > 0):
            how_p = f"p = {tail} = {p:.6g}"
        else:
            how_p = "p = 1 (the differences go the other way)"
        interval = (f"the {pct} interval inverts the same test: [{low:g}, {high:g}]"
                    if math.isfinite(low) or math.isfinite(high) else
                    f"no {pct} interval narrower than the whole line: with {n} pairs the test cannot reach "
                    f"p < {1 - confidence:.4g}")
        return PairedTestResult(
            test="paired_t", alternative=alternative, n_pairs=n,
            mean_baseline=_f(b.mean()), mean_follow_up=_f(f.mean()), mean_difference=mean_d,
            estimate=c, estimate_kind="mean_difference", ci_level=confidence, ci_low=low, ci_high=high,
            statistic=math.nan, df=None, p_value=_f(p),
            effect_size=math.nan, effect_size_kind="cohen_dz", effect_size_ci_low=None, effect_size_ci_high=None,
            method=(f"Paired t-test undefined: all {n} differences equal {c:g} (no spread, so t and Cohen's d_z "
                    f"are undefined); exact sign-flip (randomisation) test of the mean instead, {how_p}; estimate "
                    f"= the common difference; {interval}"),
        )
    res = stats.ttest_rel(f, b, alternative=alternative)
    ci = res.confidence_interval(confidence_level=confidence)
    dz = mean_d / sd
    dz_low, dz_high = _cohen_dz_interval(_f(res.statistic), n, confidence, alternative)
    return PairedTestResult(
        test="paired_t", alternative=alternative, n_pairs=n,
        mean_baseline=_f(b.mean()), mean_follow_up=_f(f.mean()), mean_difference=mean_d,
        estimate=mean_d, estimate_kind="mean_difference", ci_level=confidence, ci_low=_f(ci.low), ci_high=_f(ci.high),
        statistic=_f(res.statistic), df=_f(res.df), p_value=_f(res.pvalue),
        effect_size=dz, effect_size_kind="cohen_dz", effect_size_ci_low=dz_low, effect_size_ci_high=dz_high,
        method=(f"Paired t-test on {n} pairs (df = {n - 1}), {pct} t-interval of the mean difference; "
                f"Cohen's d_z (mean/SD of the differences) with a noncentral-t {pct} interval"),
    )


# ---------------------------------------------------------------------------
# Wilcoxon signed-rank
# ---------------------------------------------------------------------------

def _signrank_cdf(k: float, n: int) -> float:
    """P(V ≤ k) for the signed-rank statistic V of n untied non-zero differences under H0.

    Read from scipy's exact distribution through its public API: a sample of the
    signed ranks ±1, …, ±n whose positive ranks sum to k (the greedy choice from
    n down always finds one) has W+ = k, and the exact one-sided "less" p of that
    sample is P(V ≤ k).
    """
    total = n * (n + 1) // 2
    k = math.floor(k + 1e-9)
    if k < 0:
        return 0.0
    if k >= total:
        return 1.0
    signed, remaining = [], k
    for rank in range(n, 0, -1):
        if rank <= remaining:
            signed.append(float(rank))
            remaining -= rank
        else:
            signed.append(-float(rank))
    return _f(stats.wilcoxon(signed, alternative="less", method="exact").pvalue)


def _qsignrank(p: float, n: int) -> int:
    """R's ``qsignrank(p, n)`` for p ≤ 0.5: the smallest k with P(V ≤ k) ≥ p (R's 10·eps fuzz)."""
    target = p - 10 * np.finfo(float).eps
    low, high = 0, n * (n + 1) // 4 + 1                  # P(V ≤ ⌊M/2⌋ + 1) ≥ 1/2 ≥ p
    while low < high:
        mid = (low + high) // 2
        if _signrank_cdf(mid, n) >= target:
            high = mid
        else:
            low = mid + 1
    return low


def _walsh_averages(x: np.ndarray) -> np.ndarray:
    """The n(n+1)/2 averages (x_i + x_j)/2, i ≤ j, sorted."""
    i, j = np.triu_indices(x.size)
    return np.sort((x[i] + x[j]) / 2)


def _hl_exact_interval(x: np.ndarray, walsh: np.ndarray, confidence: float,
                       alternative: str) -> tuple[float, float, float]:
    """R's exact interval (no ties, no zeros) from the sorted Walsh averages: (low, high, achieved confidence)."""
    n = x.size
    total = n * (n + 1) // 2
    alpha = 1 - confidence
    qu = _qsignrank(alpha / 2 if alternative == "two-sided" else alpha, n)
    qu = max(qu, 1)                                     # R: if (qu == 0) qu <- 1
    tail = _signrank_cdf(qu - 1, n)
    if alternative == "two-sided":
        return _f(walsh[qu - 1]), _f(walsh[total - qu]), 1 - 2 * tail
    if alternative == "greater":
        return _f(walsh[qu - 1]), math.inf, 1 - tail
    return -math.inf, _f(walsh[total - qu]), 1 - tail


def _sigma(n: int, tie_sizes: np.ndarray) -> float:
    variance = n * (n + 1) * (2 * n + 1) / 24 - _f(np.sum(tie_sizes ** 3 - tie_sizes)) / 48
    return math.sqrt(max(variance, 0.0))


def _w_at(x: np.ndarray, d: float, correct: bool, alternative: str) -> float:
    """R's ``W(d)``: the standardised signed-rank statistic of x − d (zeros dropped), as in wilcox.test."""
    xd = np.round(x - d, TIE_DECIMALS)
    xd = xd[xd != 0]
    nx = xd.size
    if nx == 0:
        return math.nan
    ranks = stats.rankdata(np.abs(xd))
    zd = _f(ranks[xd > 0].sum()) - nx * (nx + 1) / 4
    _, sizes = np.unique(ranks, return_counts=True)
    sigma = _sigma(nx, sizes)
    if sigma == 0:
        return math.nan
    correction = 0.0
    if correct:
        correction = {"two-sided": 0.5 * np.sign(zd), "greater": 0.5, "less": -0.5}[alternative]
    return (zd - correction) / sigma


def _step_root(walsh_values: np.ndarray, step_stat: np.ndarray, zq: float, upper_end: float) -> float:
    """Where a non-increasing step function crosses ``zq``.

    ``walsh_values`` are the distinct Walsh averages v_1 < … < v_m and
    ``step_stat[k]`` the statistic just right of v_k. The root is the first v_k
    whose right-hand step is below zq; a step exactly at zq is a flat root and
    gives its midpoint.
    """
    below = np.flatnonzero(step_stat < zq)
    if below.size == 0:
        return upper_end
    k = int(below[0])
    if k > 0 and step_stat[k - 1] == zq:               # flat at zq on (v_{k-1}, v_k)
        return _f((walsh_values[k - 1] + walsh_values[k]) / 2)
    return _f(walsh_values[k])


def _hl_asymptotic_interval(x: np.ndarray, walsh: np.ndarray, confidence: float, alternative: str,
                            correct: bool) -> tuple[float, float, float]:
    """R's asymptotic interval (ties or zeros) from the sorted Walsh averages: (low, high, confidence used)."""
    n = x.size
    total = n * (n + 1) / 2
    values, counts = np.unique(walsh, return_counts=True)
    at_or_below = np.cumsum(counts)                      # #{A ≤ v_k}
    _, tie_sizes = np.unique(x, return_counts=True)      # ties of |x − d| for d between Walsh averages
    sigma = _sigma(n, tie_sizes)

    def step_stat(use_correction: bool) -> np.ndarray:
        zd = total / 2 - at_or_below                     # W+ − n(n+1)/4 just right of each v_k
        correction = np.zeros_like(zd)
        if use_correction:
            correction = {"two-sided": 0.5 * np.sign(zd), "greater": np.full_like(zd, 0.5),
                          "less": np.full_like(zd, -0.5)}[alternative]
        return (zd - correction) / sigma

    stat = step_stat(correct)
    mumin, mumax = _f(x.min()), _f(x.max())
    w_min, w_max = _w_at(x, mumin, correct, alternative), _w_at(x, mumax, correct, alternative)
    alpha = 1 - confidence
    upper_z, lower_z = (lambda a: stats.norm.isf(a / 2), lambda a: stats.norm.ppf(a / 2)) \
        if alternative == "two-sided" else (lambda a: stats.norm.isf(a), lambda a: stats.norm.ppf(a))
    while alpha < 1:                                     # R's loop: lower the level until reachable
        too_low = alternative != "less" and w_min < upper_z(alpha)
        too_high = alternative != "greater" and w_max > lower_z(alpha)
        if not (too_low or too_high):
            break
        alpha *= 2
    used = 1 - min(1.0, alpha) if alpha > 1 - confidence else confidence
    if alpha >= 1:
        middle = _f(np.median(x))
        low = middle if alternative != "less" else -math.inf
        high = middle if alternative != "greater" else math.inf
        return low, high, 0.0
    low = _step_root(values, stat, upper_z(alpha), mumax) if alternative != "less" else -math.inf
    high = _step_root(values, stat, lower_z(alpha), mumax) if alternative != "greater" else math.inf
    return low, high, used


def _sign_bound_interval(k: int, n: int, confidence: float, alternative: str) -> tuple[float, float]:
    """Bounds on the population rank-biserial r from the sign test (k of n non-zero differences positive).

    With p = P(D > 0) among non-zero differences, P(D1 + D2 > 0) ≥ p² and
    P(D1 + D2 < 0) ≥ (1 − p)², so r = P(D1+D2>0) − P(D1+D2<0) lies in
    [2p² − 1, 1 − 2(1 − p)²]; the Clopper–Pearson limits of p give the interval.
    """
    if alternative == "two-sided":
        ci = stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="exact")
    elif alternative == "greater":
        ci = stats.binomtest(k, n, alternative="greater").proportion_ci(confidence_level=confidence, method="exact")
    else:
        ci = stats.binomtest(k, n, alternative="less").proportion_ci(confidence_level=confidence, method="exact")
    low = 2 * _f(ci.low) ** 2 - 1 if alternative != "less" else -1.0
    high = 1 - 2 * (1 - _f(ci.high)) ** 2 if alternative != "greater" else 1.0
    return low, high


def _rank_biserial_statistic(x: np.ndarray):
    """r of resamples of ``x`` (non-zero differences in canonical order), vectorised over positions.

    For a resample with counts c_k of each x_k, the mid-rank of x_k is the count of
    smaller |x| plus (the count of equal |x| + 1)/2, so W+ − W− = Σ c_k·sign(x_k)·midrank_k
    and r = (W+ − W−) / (m(m + 1)/2): no sorting per resample.
    """
    n = x.size
    a = np.abs(x)
    starts = np.flatnonzero(np.r_[True, a[1:] != a[:-1]])
    signs = np.sign(x).astype(np.int64)
    grouped = starts.size < n

    def statistic(positions, axis=-1):
        positions = np.asarray(positions)
        shape, m = positions.shape[:-1], positions.shape[-1]
        flat = positions.reshape(-1, m).astype(np.intp)
        rows = flat.shape[0]
        counts = np.bincount((flat + (np.arange(rows) * n)[:, None]).ravel(),
                             minlength=rows * n).reshape(rows, n)
        net = counts * signs
        if grouped:
            counts = np.add.reduceat(counts, starts, axis=1)
            net = np.add.reduceat(net, starts, axis=1)
        before = np.cumsum(counts, axis=1) - counts
        twice_diff = (net * (2 * before + counts + 1)).sum(axis=1)   # 2·(W+ − W−)
        return (twice_diff / (m * (m + 1))).reshape(shape)

    return statistic


def _rank_biserial_at_shift(residuals: np.ndarray, shift: float) -> float:
    """r of the shift model: P(ε1 + ε2 + 2·shift > 0) − P(ε1 + ε2 + 2·shift < 0) for two different people,
    ε drawn from the symmetrised residuals ±e.

    The probability is estimated as a U-statistic: every ordered pair of two different residuals
    e_i, e_j (i ≠ j), each with either sign. A pair of a residual with itself (sums 2e_i, 0, 0, −2e_i)
    is left out, as it would be in the population r, which compares two different people: with it
    (the V-statistic, every ordered pair of the 2n values) r(θ) overstates |r| by about (1 − |r|)/(2n),
    and the one-sided intervals covered 0.94 on one side and 0.96 on the other at n = 30.

    Non-decreasing in ``shift`` and exactly 0 at shift 0 (the pair (a, b) cancels (−a, −b)). Where it
    is still 0 at a shift ≠ 0 (the shift lies below half the smallest |e_i ± e_j|), the V-statistic is
    returned, which includes a + (−a) = 0 and so has the sign of the shift: r(θ) > 0 for every θ > 0.

    The pair sums a + b are formed first and compared with −2·shift, so a limit at a step of r(θ)
    (θ = −(y_i + y_j)/2 for two values y_i, y_j, where a sum is 0 in exact arithmetic) finds that sum
    exactly 0 and does not leave the side of the step to rounding; a + (−a) is exactly 0 and
    (−a) + (−b) exactly −(a + b), so r(0) = 0 holds in floating point too.
    """
    e = np.asarray(residuals, dtype=float)
    values = np.sort(np.r_[e, -e])
    m = values.size
    cut = -2 * shift
    rows = max(1, SHIFT_MODEL_BLOCK // m)
    above = below = 0
    for start in range(0, m, rows):
        sums = values[start:start + rows, None] + values[None, :]
        above += int(np.count_nonzero(sums > cut))
        below += int(np.count_nonzero(sums < cut))
    own = np.r_[e + e, e - e, -e + e, -e - e]                   # a residual with itself, as summed above
    own_above, own_below = int(np.count_nonzero(own > cut)), int(np.count_nonzero(own < cut))
    pairs = m * m - own.size
    if pairs > 0 and (above - own_above) != (below - own_below):
        return _f((above - own_above - below + own_below) / pairs)
    if pairs > 0 and shift == 0:
        return 0.0
    return _f((above - below) / (m * m))


def _shift_model_thresholds(x: np.ndarray, estimate: float, positive: int) -> np.ndarray:
    """The shifts θ at which samples of the fitted shift model reach the observed r (sorted, read-only).

    The fitted model is the symmetrised residuals {e, −e} (e = x − estimate) shifted by θ. Each of
    ``SHIFT_MODEL_SAMPLES`` samples y of n values is drawn from it at θ = 0 (fixed seed); the sample at θ
    is y + θ. With M = n(n + 1)/2 Walsh averages and ``positive`` of the observed ones above 0, the
    sample's r at θ is at least the observed r exactly when at least ``positive`` of its Walsh averages
    w + θ are above 0, that is when θ > −w_(M − positive + 1) (w sorted ascending, 1-based), and it is
    above the observed r when θ > −w_(M − positive). Both thresholds of every sample are returned
    together (mid-p), the first only when positive > 0 and the second only when positive < M (the
    other event is then certain or impossible whatever θ). x must be in a canonical order (sorted)
    so that the order of the pairs does not change the draws; the result is cached, so the three
    alternatives of one data set share one set of samples.
    """
    return _shift_model_thresholds_cached(x.tobytes(), float(estimate), int(positive))


@functools.lru_cache(maxsize=8)
def _shift_model_thresholds_cached(x_bytes: bytes, estimate: float, positive: int) -> np.ndarray:
    x = np.frombuffer(x_bytes, dtype=np.float64)
    n = x.size
    total = n * (n + 1) // 2
    e = x - estimate
    samples = np.random.default_rng(BOOTSTRAP_SEED).choice(np.r_[e, -e], size=(SHIFT_MODEL_SAMPLES, n))
    kth = ([total - positive] if positive > 0 else []) + ([total - positive - 1] if positive < total else [])
    i, j = np.triu_indices(n)
    rows = max(1, SHIFT_MODEL_BLOCK // total)
    parts = []
    for start in range(0, SHIFT_MODEL_SAMPLES, rows):
        block = samples[start:start + rows]
        sums = block[:, i] + block[:, j]                   # twice the Walsh averages of each sample
        parts.append(np.partition(sums, kth, axis=1)[:, kth])
    thresholds = np.sort(-np.concatenate(parts).ravel() / 2)
    thresholds.flags.writeable = False
    return thresholds


def _rank_biserial_shift_interval(nonzero: np.ndarray, r: float, estimate: float, ci_low: float,
                                  ci_high: float, confidence: float, alternative: str) -> tuple[float, float, str]:
    """The interval of r from the test's shift model, with the spread of the differences estimated (untied data).

    The signed-rank test assumes differences symmetric about a centre θ; under that model r is a
    non-decreasing function of θ, r(θ) = P(ε1 + ε2 + 2θ > 0) − P(ε1 + ε2 + 2θ < 0). The fitted model is
    the symmetrised residuals {e, −e} around the estimate, shifted by θ. θ_L is the smallest θ at which
    samples of n from the model reach the observed r with mid-p probability α (α/2 two-sided), θ_U the
    largest at which they stay at or below it with that probability (the α and 1 − α quantiles of
    :func:`_shift_model_thresholds`), and the limits are r(θ_L) and r(θ_U) of the fitted model. The
    samples carry the uncertainty of the spread that mapping the Hodges–Lehmann limits through r(θ)
    leaves out; r(θ) compares two different people (:func:`_rank_biserial_at_shift`). A θ-limit on the other side of 0 from the Hodges–Lehmann limit is replaced by the
    Hodges–Lehmann limit; since r(0) = 0 and r(θ) > 0 for θ > 0, the interval then excludes 0 exactly
    when the Hodges–Lehmann interval does, that is when the test rejects. The observed r is added to
    the interval when the limits leave it just outside and adding it does not change whether 0 is
    excluded.
    """
    x = np.sort(nonzero)                                        # canonical order: the pairs' order is irrelevant
    n = x.size
    total = n * (n + 1) // 2
    i, j = np.triu_indices(n)
    positive = int(np.count_nonzero(x[i] + x[j] > 0))          # = W+ for untied data
    e = x - estimate
    level = (1 - confidence) / 2 if alternative == "two-sided" else 1 - confidence
    thresholds = None
    low, high = -1.0, 1.0
    if alternative != "less" and math.isfinite(ci_low) and positive > 0:
        thresholds = _shift_model_thresholds(x, estimate, positive)
        theta = _f(np.quantile(thresholds, level))
        if (theta > 0) != (ci_low > 0):
            theta = ci_low
        low = _rank_biserial_at_shift(e, theta)
    if alternative != "greater" and math.isfinite(ci_high) and positive < total:
        thresholds = _shift_model_thresholds(x, estimate, positive) if thresholds is None else thresholds
        theta = _f(np.quantile(thresholds, 1 - level))
        if (theta < 0) != (ci_high < 0):
            theta = ci_high
        high = _rank_biserial_at_shift(e, theta)
    excludes = low > 0 or high < 0
    widened_low, widened_high = min(low, r), max(high, r)
    if (widened_low > 0 or widened_high < 0) == excludes:
        low, high = widened_low, widened_high
    return low, high, (f"rank-biserial r with a {_pct(confidence)} interval under the test's shift model "
                       f"(untied differences): the shifts θ at which {SHIFT_MODEL_SAMPLES:,} samples of the "
                       f"fitted model (the symmetrised residuals around the estimate, fixed seed) reach the "
                       f"observed r (mid-p), mapped through r(θ) = P(e1 + e2 + 2θ > 0) − P(e1 + e2 + 2θ < 0) "
                       f"over pairs of two different residuals; "
                       f"a limit on the other side of 0 from the Hodges–Lehmann limit is replaced by it, so "
                       f"the interval excludes 0 exactly when the test rejects")


def _rank_biserial_interval(nonzero: np.ndarray, r: float, confidence: float,
                            alternative: str) -> tuple[float, float, str]:
    n = nonzero.size
    k = int((nonzero > 0).sum())
    pct = _pct(confidence)
    if abs(r) < 1 and n >= BOOTSTRAP_MIN_N:
        x = nonzero[np.lexsort((nonzero, np.abs(nonzero)))]          # canonical order
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = stats.bootstrap((np.arange(n),), _rank_biserial_statistic(x), vectorized=True,
                                  n_resamples=BOOTSTRAP_RESAMPLES, confidence_level=confidence,
                                  alternative=alternative, method="BCa",
                                  rng=np.random.default_rng(BOOTSTRAP_SEED))
        low, high = _f(res.confidence_interval.low), _f(res.confidence_interval.high)
        if not (math.isnan(low) or math.isnan(high)):
            low, high = max(-1.0, low), min(1.0, high)
            return low, high, (f"rank-biserial r with a BCa bootstrap {pct} interval "
                               f"({BOOTSTRAP_RESAMPLES} resamples of the {n} non-zero differences, fixed seed)")
        why = "the bootstrap was degenerate"
    elif abs(r) == 1:
        why = f"r = {r:+g}: all {n} non-zero differences have the same sign"
    else:
        why = f"only {n} non-zero difference{'s' if n != 1 else ''}"
    low, high = _sign_bound_interval(k, n, confidence, alternative)
    return low, high, (f"rank-biserial r with a {pct} interval from the sign test ({why}; {k} of {n} positive: "
                       f"Clopper–Pearson limits p of P(D > 0), r in [2p_low² − 1, 1 − 2(1 − p_high)²])")


def wilcoxon_signed_rank(baseline, follow_up, alternative: str = "two-sided", confidence: float = 0.95, *,
                         method: str = "auto", correction: bool = True) -> PairedTestResult:
    """Wilcoxon signed-rank test of follow_up − baseline, with the Hodges–Lehmann estimate and r.

    ``method="auto"`` (the pipeline's choice): exact p, and R's exact interval,
    when there are fewer than 50 non-zero differences, no ties and no zeros;
    otherwise the normal approximation with tie correction and — unless
    ``correction=False`` — continuity correction, with R's asymptotic interval.
    ``method="exact"`` or ``"approx"`` forces a variant (to reproduce published
    output); exact is refused with ties or zeros. Zero differences are dropped
    before ranking (zero_method "wilcox", as R).

    ``statistic`` is W+ (R's V) whatever the alternative. ``estimate`` is the
    Hodges–Lehmann pseudo-median of the non-zero differences with the interval of
    R's ``wilcox.test(conf.int = TRUE)`` (``ci_level`` its confidence, lower where
    R lowers it); ``effect_size`` is r = (W+ − W−)/(W+ + W−) with an interval from
    the test's shift model with the spread simulated, which agrees with the test
    (untied data), else a BCa bootstrap interval (a sign-test bound when r = ±1). See the module docstring
    for the details and every special case.
    """
    _check_alternative(alternative)
    _check_confidence(confidence)
    if method not in WILCOXON_METHODS:
        raise ValueError(f"method must be 'auto', 'exact' or 'approx', got {method!r}")
    b, f = _pairs(baseline, follow_up)
    n_pairs = int(b.size)
    if n_pairs == 0:
        return _undefined("wilcoxon", alternative, b, f, "rank_biserial", "pseudo_median",
                          "Wilcoxon signed-rank not run: no pairs")
    d_raw = f - b
    d = np.round(d_raw, TIE_DECIMALS)
    nonzero = d[d != 0]
    n = int(nonzero.size)
    n_zero = n_pairs - n
    pct = _pct(confidence)
    descriptive = dict(test="wilcoxon", alternative=alternative, n_pairs=n_pairs, mean_baseline=_f(b.mean()),
                       mean_follow_up=_f(f.mean()), mean_difference=_f(d_raw.mean()), df=None,
                       estimate_kind="pseudo_median", effect_size_kind="rank_biserial")

    if n == 0:
        # p = 1; shifting by any μ0 ≠ 0 leaves n_pairs equal non-zero differences: invert that test
        shifted = stats.wilcoxon(np.ones(n_pairs), zero_method="wilcox", correction=correction,
                                 alternative="two-sided" if alternative == "two-sided" else "greater",
                                 method="asymptotic").pvalue
        low, high = _degenerate_interval(0.0, _f(shifted), confidence, alternative)
        return PairedTestResult(
            **descriptive, estimate=0.0, ci_level=confidence, ci_low=low, ci_high=high, statistic=0.0, p_value=1.0,
            effect_size=math.nan, effect_size_ci_low=None, effect_size_ci_high=None,
            method=(f"Wilcoxon signed-rank: all {n_pairs} differences are 0, p = 1 and estimate 0; the {pct} "
                    f"interval inverts the test on the shifted differences: [{low:g}, {high:g}]; "
                    f"rank-biserial r undefined (no non-zero difference)"),
        )

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
    p_value = _f(res.pvalue)

    walsh = _walsh_averages(nonzero)
    estimate = _f(np.median(walsh))
    if np.unique(nonzero).size == 1:
        c = _f(nonzero[0])
        one_sided = "two-sided" if alternative == "two-sided" else "greater"
        shifted = stats.wilcoxon(np.ones(n), zero_method="wilcox", correction=correction,
                                 alternative=one_sided, method="exact" if exact else "asymptotic").pvalue
        ci_low, ci_high = _degenerate_interval(c, _f(shifted), confidence, alternative)
        ci_level = confidence
        how_ci = (f"Hodges–Lehmann estimate = the common non-zero difference {c:g}; the {pct} interval inverts "
                  f"the test (every shift leaves {n} equal differences): [{ci_low:g}, {ci_high:g}]")
    elif exact:
        ci_low, ci_high, achieved = _hl_exact_interval(nonzero, walsh, confidence, alternative)
        ci_level = min(confidence, achieved)
        how_ci = f"Hodges–Lehmann estimate with the exact {pct} interval (Walsh averages, as R)"
        if achieved < confidence - 1e-12:
            how_ci += (f"; {pct} is not attainable with n = {n}: the interval [min, max] of the differences "
                       f"has exact confidence {_pct(achieved)}")
    else:
        ci_low, ci_high, used = _hl_asymptotic_interval(nonzero, walsh, confidence, alternative, correction)
        ci_level = used if used > 0 else math.nan
        how_ci = (f"Hodges–Lehmann estimate with R's asymptotic {pct} interval "
                  f"({'with' if correction else 'without'} continuity correction)")
        if used == 0:
            how_ci += (f"; no confidence level is attainable from {n} non-zero differences, so the interval "
                       f"collapses to their median (as R)")
        elif used < confidence - 1e-12:
            how_ci += (f"; {pct} is not attainable from {n} non-zero differences, so the interval is at "
                       f"{_pct(used)} (as R)")

    r = (w_plus - w_minus) / (w_plus + w_minus)
    if not has_ties and n_zero == 0 and n >= 2 and ci_level >= confidence - 1e-12:
        r_low, r_high, how_r = _rank_biserial_shift_interval(nonzero, r, estimate, _f(ci_low), _f(ci_high),
                                                             confidence, alternative)
    else:
        r_low, r_high, how_r = _rank_biserial_interval(nonzero, r, confidence, alternative)
    return PairedTestResult(
        **descriptive, estimate=estimate, ci_low=_f(ci_low), ci_high=_f(ci_high), statistic=w_plus,
        p_value=p_value, effect_size=_f(r), effect_size_ci_low=r_low, effect_size_ci_high=r_high,
        method=f"{how}; {how_ci}; {how_r}", ci_level=ci_level,
    )


# ---------------------------------------------------------------------------
# McNemar
# ---------------------------------------------------------------------------

def _mid_p(n01: int, discordant: int, alternative: str) -> float:
    """Mid-p of n01 changes 0 → 1 among the discordant pairs (Fagerland, Lydersen & Laake 2013)."""
    return _f(binomial_mid_p(n01, discordant, alternative))


def _mid_p_upper_tail(k: int, m: int, prob: float) -> float:
    """P(X > k) + ½P(X = k), X ~ Binomial(m, prob): increasing in prob."""
    return _f(stats.binom.sf(k, m, prob)) + _f(stats.binom.pmf(k, m, prob)) / 2


def _mid_p_lower_tail(k: int, m: int, prob: float) -> float:
    """P(X < k) + ½P(X = k): decreasing in prob."""
    return _f(stats.binom.cdf(k - 1, m, prob)) + _f(stats.binom.pmf(k, m, prob)) / 2


def _mid_p_proportion_interval(k: int, m: int, confidence: float, alternative: str) -> tuple[float, float]:
    """Mid-p exact ("Clopper–Pearson mid-p") interval of a binomial proportion k/m."""
    alpha = 1 - confidence
    side = alpha / 2 if alternative == "two-sided" else alpha
    low, high = 0.0, 1.0
    if alternative != "less" and k > 0:
        low = _f(optimize.brentq(lambda p: _mid_p_upper_tail(k, m, p) - side, 1e-15, 1 - 1e-15,
                                 xtol=1e-14, rtol=1e-12, maxiter=500))
    if alternative != "greater" and k < m:
        high = _f(optimize.brentq(lambda p: _mid_p_lower_tail(k, m, p) - side, 1e-15, 1 - 1e-15,
                                  xtol=1e-14, rtol=1e-12, maxiter=500))
    return low, high


def _odds(p: float) -> float:
    return math.inf if p >= 1 else p / (1 - p)


def _difference_score(delta: float, n11: int, n01: int, n10: int, n00: int, skew: bool = True) -> float:
    """The score statistic for H0: p01 − p10 = delta, decreasing in delta.

    ``skew=False``: Tango's (1998) score statistic, (n01 − n10 − N·delta)/√(N(2·p̃10 + delta(1 − delta))),
    p̃10 the restricted maximum-likelihood estimate of the 1 → 0 probability (Tango's closed form).
    ``skew=True`` (the engine's): Laud's skewness-corrected asymptotic score (SCAS; Laud 2017, Pharm Stat
    16:334, for independent rates; for paired proportions the ``ratesci`` package's ``pairbinci``): the
    same score with the variance multiplied by N/(N − 1), and z solving γz² + z − (score + γ) = 0, γ =
    μ3/(6V^(3/2)) the skewness of the score's numerator under H0 (μ3 its third central moment under the
    restricted estimates, which need the concordant counts n11 and n00 too).
    """
    total = n11 + n01 + n10 + n00
    numerator = (n01 - n10 - total * delta) / total
    a = 2 * total
    b = -n01 - n10 + (2 * total - n01 + n10) * delta
    c = -n10 * delta * (1 - delta)
    root = math.sqrt(max(b * b - 4 * a * c, 0.0)) - b
    p10 = root / (2 * a) if root else 0.0                            # restricted MLE of p10
    if not skew:
        variance = total * (2 * p10 + delta * (1 - delta))
        if numerator == 0:
            return 0.0
        if variance <= 0:
            return math.copysign(math.inf, numerator)
        return numerator * total / math.sqrt(variance)
    p01 = p10 + delta
    p11 = n11 / (n11 + n00) * (1 - p01 - p10) if n11 else 0.0
    p00 = 1 - p11 - p01 - p10
    p_base = min(1.0, max(0.0, p10 + p11))                           # P(yes at baseline)
    p_follow = p_base + delta                                        # P(yes at follow-up)
    bias = total / (total - 1) if total > 1 else 1.0
    variance = max(0.0, (p_follow * (1 - p_follow) + p_base * (1 - p_base) - 2 * (p11 * p00 - p01 * p10))
                   / total) * bias
    mu3 = (p_follow * (1 - p_follow) * (1 - 2 * p_follow) - p_base * (1 - p_base) * (1 - 2 * p_base)
           - 3 * (p11 * (1 - p_follow) ** 2 + p10 * p_follow ** 2 - p_follow * p_base * (1 - p_follow))
           + 3 * (p11 * (1 - p_base) ** 2 + p01 * p_base ** 2 - p_follow * p_base * (1 - p_base))) / total ** 2
    if variance <= 0:
        return 0.0 if numerator == 0 else math.copysign(math.inf, numerator)
    score = numerator / math.sqrt(variance)
    gamma = 0.0 if abs(mu3) < 1e-10 or variance < 1e-10 else mu3 / (6 * variance ** 1.5)
    if gamma == 0:
        return score
    return (-1 + math.sqrt(max(0.0, 1 + 4 * gamma * (score + gamma)))) / (2 * gamma)


def _difference_interval(n11: int, n01: int, n10: int, n00: int, confidence: float, alternative: str,
                         skew: bool = True) -> tuple[float, float]:
    """The score interval of the difference in paired proportions (n01 − n10)/N: the deltas whose score
    lies within ±z (SCAS by default, Tango's with ``skew=False``)."""
    alpha = 1 - confidence
    z = _f(stats.norm.isf(alpha / 2 if alternative == "two-sided" else alpha))
    edge = 1e-12

    def score(delta: float) -> float:
        return _difference_score(delta, n11, n01, n10, n00, skew)

    low, high = -1.0, 1.0
    if alternative != "less" and score(-1 + edge) > z > score(1 - edge):
        low = _f(optimize.brentq(lambda dl: score(dl) - z, -1 + edge, 1 - edge, xtol=1e-13, rtol=1e-12,
                                 maxiter=500))
    if alternative != "greater" and score(1 - edge) < -z < score(-1 + edge):
        high = _f(optimize.brentq(lambda dl: score(dl) + z, -1 + edge, 1 - edge, xtol=1e-13, rtol=1e-12,
                                  maxiter=500))
    return low, high


DIFFERENCE_INTERVALS = ("scas", "tango")


def mcnemar(baseline, follow_up, alternative: str = "two-sided", confidence: float = 0.95, *,
            method: str = "mid-p", correction: bool = True, difference_interval: str = "scas") -> PairedTestResult:
    """McNemar's test on a dichotomous (0/1) outcome measured twice.

    ``method="mid-p"`` (default, for any number of discordant pairs): the mid-p
    McNemar test of Fagerland, Lydersen & Laake (2013). ``method="exact"``: the
    exact conditional binomial test. ``method="asymptotic"``: R's
    ``mcnemar.test`` (chi-square, 1 df, continuity correction unless
    ``correction=False`` or the two discordant counts are equal); two-sided only.
    "greater" means more 0 → 1 than 1 → 0 changes.

    ``estimate`` is the difference in proportions (follow-up − baseline) with
    the skewness-corrected score interval (SCAS; Tango's with
    ``difference_interval="tango"``); ``effect_size`` is the conditional odds ratio
    (0 → 1 changes)/(1 → 0 changes) with the mid-p exact interval, which agrees
    with the mid-p test. See the module docstring.
    """
    _check_alternative(alternative)
    _check_confidence(confidence)
    if method not in MCNEMAR_METHODS:
        raise ValueError(f"method must be one of {MCNEMAR_METHODS}, got {method!r}")
    if difference_interval not in DIFFERENCE_INTERVALS:
        raise ValueError(f"difference_interval must be one of {DIFFERENCE_INTERVALS}, got {difference_interval!r}")
    b, f = _pairs(baseline, follow_up)
    if not (np.isin(b, (0, 1)).all() and np.isin(f, (0, 1)).all()):
        raise ValueError("McNemar's test needs 0/1 values at baseline and follow-up")
    if alternative != "two-sided" and method == "asymptotic":
        raise ValueError("the asymptotic McNemar test (R's mcnemar.test) is two-sided only; "
                         "use method='mid-p' or 'exact' for a one-sided test")
    n = int(b.size)
    if n == 0:
        return _undefined("mcnemar", alternative, b, f, "odds_ratio", "difference_in_proportions",
                          "McNemar's test not run: no pairs")

    n01 = int(((b == 0) & (f == 1)).sum())
    n10 = int(((b == 1) & (f == 0)).sum())
    n11 = int(((b == 1) & (f == 1)).sum())
    discordant = n01 + n10
    pct = _pct(confidence)
    sided = "" if alternative == "two-sided" else " (one-sided)"

    df: float | None = None
    if discordant == 0:
        statistic, p_value = 0.0, 1.0
        how = f"McNemar {method} test: no discordant pairs, p = 1"
    elif method == "mid-p":
        statistic, p_value = float(n01), _mid_p(n01, discordant, alternative)
        how = f"McNemar mid-p test{sided} (Fagerland, Lydersen & Laake 2013) on {discordant} discordant pairs"
    elif method == "exact":
        statistic = float(n01)
        p_value = min(1.0, _f(stats.binomtest(n01, discordant, 0.5, alternative=alternative).pvalue))
        how = f"McNemar exact conditional binomial test{sided} on {discordant} discordant pairs"
    else:
        yates = 1.0 if correction and n01 != n10 else 0.0          # R: no correction when n01 == n10
        statistic = (abs(n01 - n10) - yates) ** 2 / discordant
        p_value, df = _f(stats.chi2.sf(statistic, 1)), 1.0
        if yates:
            variant = "with continuity correction"
        elif correction:
            variant = "without continuity correction (equal discordant counts, as R)"
        else:
            variant = "without continuity correction"
        how = f"McNemar chi-square {variant} on {discordant} discordant pairs (R's mcnemar.test)"

    estimate = (n01 - n10) / n
    skew = difference_interval == "scas"
    ci_low, ci_high = _difference_interval(n11, n01, n10, n - n01 - n10 - n11, confidence, alternative, skew)
    how_ci = ("the skewness-corrected score (SCAS) interval of Laud, Tango's score with skewness and variance "
              "bias correction" if skew else "Tango's score interval")

    if discordant:
        odds_ratio = n01 / n10 if n10 else math.inf
        p_low, p_high = _mid_p_proportion_interval(n01, discordant, confidence, alternative)
        or_low, or_high = _odds(p_low), _odds(p_high)
        how_or = f"conditional odds ratio with the mid-p exact {pct} interval"
    else:
        odds_ratio, or_low, or_high = math.nan, None, None
        how_or = "conditional odds ratio undefined (no discordant pairs)"

    return PairedTestResult(
        test="mcnemar", alternative=alternative, n_pairs=n,
        mean_baseline=_f((n10 + n11) / n), mean_follow_up=_f((n01 + n11) / n), mean_difference=_f(estimate),
        estimate=_f(estimate), estimate_kind="difference_in_proportions", ci_level=confidence, ci_low=ci_low, ci_high=ci_high,
        statistic=_f(statistic), df=df, p_value=_f(p_value),
        effect_size=_f(odds_ratio), effect_size_kind="odds_ratio",
        effect_size_ci_low=or_low, effect_size_ci_high=or_high,
        method=f"{how}; difference in proportions with {how_ci} ({pct}); {how_or}",
    )


#: The tests by the name a Theory of Change declares.
PAIRED_TESTS = {"paired_t": paired_t, "wilcoxon": wilcoxon_signed_rank, "mcnemar": mcnemar}
