"""Behaviour of ``impact.statistics.paired_tests`` that published output does not pin down.

The published reference values (R, Fagerland et al., rcompanion) live in
``test_statistics_reference.py``. Here every expected value is either worked out by
hand in the comment next to it, or computed in the test itself by an independent
route: brute-force enumeration of the 2^n sign patterns of the signed-rank
statistic, a direct transcription of R's ``W(d)`` from ``wilcox.test`` with a
bisection, or the defining property of an interval (it excludes the null value
exactly when its test rejects). None is taken from the engine.
"""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import pytest
from scipy import stats

from impact.statistics.paired_tests import (
    BOOTSTRAP_RESAMPLES,
    PairedTestResult,
    mcnemar,
    paired_t,
    wilcoxon_signed_rank,
)

pytestmark = pytest.mark.unit


def binary_pairs(n00: int, n01: int, n10: int, n11: int) -> tuple[list[int], list[int]]:
    """Paired 0/1 lists with n01 changes 0 → 1 and n10 changes 1 → 0."""
    baseline = [0] * n00 + [0] * n01 + [1] * n10 + [1] * n11
    follow_up = [0] * n00 + [1] * n01 + [0] * n10 + [1] * n11
    return baseline, follow_up


def signrank_counts(n: int) -> list[int]:
    """Number of the 2^n sign patterns of ranks 1..n whose positive ranks sum to k, by enumeration."""
    total = n * (n + 1) // 2
    counts = [0] * (total + 1)
    for signs in itertools.product((0, 1), repeat=n):
        counts[sum(rank for rank, positive in zip(range(1, n + 1), signs) if positive)] += 1
    return counts


def walsh(x) -> list[float]:
    return sorted((a + b) / 2 for i, a in enumerate(x) for b in x[i:])


# ---------------------------------------------------------------------------
# the result object
# ---------------------------------------------------------------------------

def test_result_carries_the_estimate_each_test_is_about():
    t = paired_t([1, 2, 4, 3], [2, 4, 5, 6])
    w = wilcoxon_signed_rank([1, 2, 4, 3], [2, 4, 5, 6])
    m = mcnemar(*binary_pairs(3, 4, 1, 2))
    assert (t.estimate_kind, w.estimate_kind, m.estimate_kind) == (
        "mean_difference", "pseudo_median", "difference_in_proportions")
    # differences 1, 2, 1, 3: mean 7/4; Walsh averages 1, 1, 1, 1.5, 1.5, 2, 2, 2, 2.5, 3 -> median 1.75
    assert t.estimate == pytest.approx(7 / 4) and t.mean_difference == pytest.approx(7 / 4)
    assert w.estimate == pytest.approx(1.75) and w.mean_difference == pytest.approx(7 / 4)
    assert m.estimate == pytest.approx((4 - 1) / 10) == m.mean_difference
    for res in (t, w, m):
        assert res.ci_low <= res.estimate <= res.ci_high
    fields = [f.name for f in dataclasses.fields(PairedTestResult)]
    assert fields.index("estimate") == fields.index("mean_difference") + 1
    assert fields[fields.index("estimate") + 1] == "estimate_kind"


@pytest.mark.parametrize("test", [paired_t, wilcoxon_signed_rank, mcnemar])
@pytest.mark.parametrize("bad", [math.inf, -math.inf])
def test_infinite_values_are_refused(test, bad):
    with pytest.raises(ValueError, match="infinite"):
        test([0, 1, bad, 0], [1, 0, 1, 1])
    with pytest.raises(ValueError, match="infinite"):
        test([0, 1, 1, 0], [1, bad, 1, 1])


# ---------------------------------------------------------------------------
# paired t without spread: the exact sign-flip test
# ---------------------------------------------------------------------------

def test_paired_t_with_all_differences_equal_uses_the_sign_flip_test():
    # 7 differences of +1: of the 2^7 sign patterns only the observed one and its mirror are as
    # extreme, p = 2/128 = 0.015625 < 0.05, so the inverted test excludes every mean but 1
    res = paired_t([1, 2, 3, 4, 5, 6, 7], [2, 3, 4, 5, 6, 7, 8])
    assert res.p_value == pytest.approx(2 / 2 ** 7)
    assert res.estimate == 1 and res.estimate_kind == "mean_difference"
    assert (res.ci_low, res.ci_high) == (1.0, 1.0)
    assert math.isnan(res.statistic) and res.df is None
    assert math.isnan(res.effect_size) and res.effect_size_ci_low is None
    assert "all 7 differences equal 1" in res.method and "sign-flip" in res.method
    assert "d_z are undefined" in res.method


@pytest.mark.parametrize(("alternative", "p", "interval"), [
    ("greater", 1 / 2 ** 7, (1.0, math.inf)),       # only the observed pattern: 1/128
    ("less", 1.0, (-math.inf, 1.0)),                  # the differences go the other way
])
def test_paired_t_without_spread_one_sided(alternative, p, interval):
    res = paired_t([0] * 7, [1] * 7, alternative=alternative)
    assert res.p_value == pytest.approx(p)
    assert (res.ci_low, res.ci_high) == interval


def test_paired_t_without_spread_and_few_pairs_has_an_unbounded_interval():
    # 3 pairs: the sign-flip p can never go below 2/8 = 0.25, so no mean is excluded
    res = paired_t([1, 2, 3], [3, 4, 5])
    assert res.p_value == pytest.approx(0.25)
    assert (res.ci_low, res.ci_high) == (-math.inf, math.inf)
    assert res.estimate == 2 and res.mean_difference == 2
    assert "cannot reach" in res.method


def test_paired_t_with_all_differences_zero():
    res = paired_t([1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6])
    # p = 1; a shift μ0 ≠ 0 leaves 6 equal differences with p = 2/64 < 0.05: interval [0, 0]
    assert res.p_value == 1 and res.estimate == 0
    assert (res.ci_low, res.ci_high) == (0.0, 0.0)
    assert "all 6 differences are 0" in res.method


def test_paired_t_with_one_pair_is_not_run():
    res = paired_t([1], [2])
    assert res.n_pairs == 1 and math.isnan(res.p_value) and math.isnan(res.estimate)
    assert "at least 2" in res.method


# ---------------------------------------------------------------------------
# Wilcoxon: Hodges–Lehmann estimate and the interval of R's wilcox.test
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_exact_interval_is_r_construction_by_enumeration(seed, alternative):
    # R's exact interval: qu = qsignrank(alpha/2, n) (alpha one-sided), raised to 1 if 0;
    # (A[qu], A[M − qu + 1]) of the sorted Walsh averages. qsignrank from enumeration here.
    rng = np.random.default_rng(seed)
    n = int(rng.integers(6, 12))
    d = np.round(rng.normal(0.4, 1, n), 3)
    while np.unique(np.abs(d)).size < n or (d == 0).any():     # the exact case: no ties, no zeros
        d = np.round(rng.normal(0.4, 1, n), 3)
    counts, total = signrank_counts(n), n * (n + 1) // 2
    cdf = np.cumsum(counts) / 2 ** n
    side = 0.025 if alternative == "two-sided" else 0.05
    qu = max(int(np.argmax(cdf >= side - 1e-12)), 1)
    a = walsh(list(d))
    res = wilcoxon_signed_rank(np.zeros(n), d, alternative=alternative)
    assert res.method.startswith("Wilcoxon signed-rank, exact p")
    assert res.estimate == pytest.approx(float(np.median(a)))
    low = a[qu - 1] if alternative != "less" else -math.inf
    high = a[total - qu] if alternative != "greater" else math.inf
    assert (res.ci_low, res.ci_high) == (pytest.approx(low), pytest.approx(high))


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_exact_interval_agrees_with_the_exact_test(alternative):
    # the interval is the inversion of the exact test: for n ≥ 6 (two-sided; n ≥ 5 one-sided)
    # it excludes 0 exactly when p < 0.05
    rng = np.random.default_rng(2024)
    checked = 0
    for _ in range(150):
        n = int(rng.integers(6, 16))
        d = np.round(rng.normal(rng.uniform(-1, 1), 1, n), 4)
        if np.unique(np.abs(d)).size < n or (d == 0).any():
            continue
        res = wilcoxon_signed_rank(np.zeros(n), d, alternative=alternative)
        excludes_zero = not (res.ci_low <= 0 <= res.ci_high)
        assert excludes_zero == (res.p_value < 0.05), (d, res.p_value, res.ci_low, res.ci_high)
        checked += 1
    assert checked > 100


def test_exact_interval_below_the_attainable_level_says_so():
    # n = 5, all positive: the smallest two-sided p is 2/32 = 0.0625, so no 95 % interval exists;
    # R raises qu from 0 to 1, giving [min, max] with exact confidence 1 − 2/32 = 93.75 %
    res = wilcoxon_signed_rank([0] * 5, [1, 2, 3, 4, 5])
    assert res.p_value == pytest.approx(0.0625)
    assert (res.ci_low, res.ci_high) == (1.0, 5.0)
    assert "95% is not attainable with n = 5" in res.method and "93.75%" in res.method


def r_w(x: np.ndarray, d: float, correct: bool, alternative: str) -> float:
    """R's W(d) from stats:::wilcox.test.default (R 4.0–4.5), transcribed line by line."""
    xd = x - d
    xd = xd[xd != 0]
    nx = xd.size
    dr = stats.rankdata(np.abs(xd))
    zd = dr[xd > 0].sum() - nx * (nx + 1) / 4
    _, nties = np.unique(dr, return_counts=True)
    sigma = math.sqrt(nx * (nx + 1) * (2 * nx + 1) / 24 - (nties ** 3 - nties).sum() / 48)
    correction = {"two-sided": np.sign(zd) * 0.5, "greater": 0.5, "less": -0.5}[alternative] if correct else 0
    return (zd - correction) / sigma


def r_root(x: np.ndarray, zq: float, correct: bool, alternative: str) -> float:
    """Bisection on R's W(d) − zq between min(x) and max(x), to 1e-10 (R's uniroot stops at 1e-4)."""
    lo, hi = float(x.min()), float(x.max())
    for _ in range(200):
        mid = (lo + hi) / 2
        if r_w(x, mid, correct, alternative) - zq > 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("correct", [True, False])
def test_asymptotic_interval_is_the_root_of_r_w(seed, correct):
    # Likert-like differences: ties and zeros, so R uses the asymptotic interval
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(15, 60))
    d = rng.choice([-2, -1, 0, 1, 2, 3], size=n, p=[0.1, 0.15, 0.2, 0.3, 0.15, 0.1]).astype(float)
    x = d[d != 0]
    z = stats.norm.isf(0.025)
    res = wilcoxon_signed_rank(np.zeros(n), d, correction=correct)
    assert "R's asymptotic 95% interval" in res.method
    assert res.ci_low == pytest.approx(r_root(x, z, correct, "two-sided"), abs=1e-8)
    assert res.ci_high == pytest.approx(r_root(x, -z, correct, "two-sided"), abs=1e-8)
    # the estimate: the root of the uncorrected W(d); W is 0 on a whole step when the Walsh
    # averages are even in number, and the engine takes the middle of that step, the median
    assert res.estimate == pytest.approx(float(np.median(walsh(list(x)))))
    assert r_w(x, res.estimate - 1e-6, False, "two-sided") >= 0 >= r_w(x, res.estimate + 1e-6, False, "two-sided")


def test_asymptotic_one_sided_intervals_mirror_each_other():
    # R checks the "less" limit against qnorm(alpha/2) instead of qnorm(alpha); the engine uses the
    # exact mirror of "greater", so flipping the data flips the interval
    d = np.array([3, 1, 2, 2, 0, -1, 4, 2, 1, 1, 0, 3, -2, 2, 1], dtype=float)
    up = wilcoxon_signed_rank(np.zeros(d.size), d, alternative="greater")
    down = wilcoxon_signed_rank(np.zeros(d.size), -d, alternative="less")
    assert up.ci_high == math.inf and down.ci_low == -math.inf
    assert down.ci_high == pytest.approx(-up.ci_low)
    assert down.estimate == pytest.approx(-up.estimate)
    z = stats.norm.isf(0.05)
    assert up.ci_low == pytest.approx(r_root(d[d != 0], z, True, "greater"), abs=1e-8)


def test_asymptotic_interval_at_a_lowered_level_says_so():
    # 4 non-zero differences, two tied: W(min x) cannot reach the 97.5 % normal quantile, so R doubles
    # alpha until it can and reports the lower level
    res = wilcoxon_signed_rank([0] * 4, [1, 2, 2, 3])
    assert "95% is not attainable from 4 non-zero differences" in res.method
    assert res.ci_low <= res.estimate <= res.ci_high


def test_wilcoxon_with_all_absolute_differences_tied_uses_the_normal_approximation():
    # ten differences of +1: all ranks 5.5, W+ = 55; the tie-corrected variance is
    # 10·11·21/24 − (10³ − 10)/48 = 96.25 − 20.625 = 75.625, z = (55 − 27.5 − 0.5)/√75.625 = 3.1048,
    # two-sided p = 2·Φ(−3.1048) = 0.001904
    res = wilcoxon_signed_rank([0] * 10, [1] * 10)
    assert res.statistic == 55
    assert res.p_value == pytest.approx(2 * stats.norm.sf(27 / math.sqrt(75.625)))
    assert res.estimate == 1
    # every shift leaves ten equal differences with that same p < 0.05: the interval is [1, 1]
    assert (res.ci_low, res.ci_high) == (1.0, 1.0)
    assert "the common non-zero difference 1" in res.method
    # mixed signs, all |d| tied: still a regular asymptotic interval
    mixed = wilcoxon_signed_rank([0] * 10, [1] * 7 + [-1] * 3)
    assert mixed.ci_low <= mixed.estimate <= mixed.ci_high and math.isfinite(mixed.p_value)


def test_wilcoxon_with_all_differences_zero():
    res = wilcoxon_signed_rank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert res.p_value == 1 and res.estimate == 0 and res.statistic == 0
    assert (res.ci_low, res.ci_high) == (0.0, 0.0)
    assert math.isnan(res.effect_size) and res.effect_size_ci_low is None
    assert "all 10 differences are 0" in res.method


# ---------------------------------------------------------------------------
# the rank-biserial interval
# ---------------------------------------------------------------------------

def test_rank_biserial_bootstrap_interval_is_deterministic_and_order_free():
    rng = np.random.default_rng(7)
    b = rng.integers(1, 6, 40).astype(float)
    f = np.clip(b + rng.integers(-2, 3, 40), 1, 5)
    first = wilcoxon_signed_rank(b, f)
    again = wilcoxon_signed_rank(b, f)
    order = rng.permutation(40)
    shuffled = wilcoxon_signed_rank(b[order], f[order])
    assert first == again
    assert (first.effect_size_ci_low, first.effect_size_ci_high) == (
        shuffled.effect_size_ci_low, shuffled.effect_size_ci_high)
    assert -1 <= first.effect_size_ci_low <= first.effect_size <= first.effect_size_ci_high <= 1
    assert f"BCa bootstrap 95% interval ({BOOTSTRAP_RESAMPLES} resamples" in first.method


def test_rank_biserial_bootstrap_statistic_is_r():
    # the bootstrap's statistic, applied to the data themselves, must give the reported r
    from impact.statistics.paired_tests import _rank_biserial_statistic
    d = np.array([-3.0, -1, 1, 1, 2, 2, 2, 4, 5, -5])
    x = d[np.lexsort((d, np.abs(d)))]
    ranks = stats.rankdata(np.abs(d))
    r = (ranks[d > 0].sum() - ranks[d < 0].sum()) / ranks.sum()
    assert _rank_biserial_statistic(x)(np.arange(d.size)[None, :])[0] == pytest.approx(r)
    # and a resample with repeats equals r computed directly on the repeated values
    idx = np.array([0, 0, 3, 5, 5, 5, 7, 9, 9, 2])
    y = x[idx]
    ranks = stats.rankdata(np.abs(y))
    assert _rank_biserial_statistic(x)(idx[None, :])[0] == pytest.approx(
        (ranks[y > 0].sum() - ranks[y < 0].sum()) / ranks.sum())


@pytest.mark.parametrize(("alternative", "expected"), [
    # all 9 non-zero differences positive: Clopper–Pearson lower limit of P(D > 0) at x = n is
    # (α/2)^(1/n) two-sided, α^(1/n) one-sided; r ≥ 2p² − 1
    ("two-sided", (2 * 0.025 ** (2 / 9) - 1, 1.0)),
    ("greater", (2 * 0.05 ** (2 / 9) - 1, 1.0)),
    ("less", (-1.0, 1.0)),
])
def test_rank_biserial_at_the_boundary_comes_from_the_sign_test(alternative, expected):
    # tied differences (Likert-like), so the shift-model interval of untied data does not apply
    res = wilcoxon_signed_rank([0] * 9, [1, 1, 2, 2, 3, 3, 4, 4, 5], alternative=alternative)
    assert res.effect_size == 1.0
    assert res.effect_size_ci_low == pytest.approx(expected[0])
    assert res.effect_size_ci_high == pytest.approx(expected[1])
    assert "from the sign test" in res.method and "all 9 non-zero differences have the same sign" in res.method


def test_rank_biserial_of_the_shift_model_by_hand():
    # residuals 1 and −2: the pairs of two different residuals, either sign, are ±1 ± 2 = 3, −1, 1, −3;
    # shifted by 2·0.75 they are 4.5, 0.5, 2.5, −1.5, so r = (3 − 1)/4
    from impact.statistics.paired_tests import _rank_biserial_at_shift
    assert _rank_biserial_at_shift(np.array([1.0, -2.0]), 0.75) == 0.5
    # at 0.25 the sums are 3.5, −0.5, 1.5, −2.5: r = 0 between the steps at ±0.5 ...
    assert _rank_biserial_at_shift(np.array([1.0, -2.0]), 0.0) == 0.0
    # ... so a small shift falls back to every ordered pair of {−2, −1, 1, 2} (16 sums, a residual
    # with itself included): at 0.25, 10 sums lie above −0.5 (0 four times, 1, 1, 2, 3, 3, 4) and 6 below
    # (−4, −3, −3, −2, −1, −1), so r = 4/16, and the sign of any shift ≠ 0 survives
    assert _rank_biserial_at_shift(np.array([1.0, -2.0]), 0.25) == 4 / 16
    assert _rank_biserial_at_shift(np.array([1.0, -2.0]), 1e-9) > 0
    assert _rank_biserial_at_shift(np.array([1.0, -2.0]), -1e-9) < 0
    # four residuals: 4·3·4 = 48 ordered sums of two different residuals, counted by hand below
    e = np.array([0.5, -1.0, 2.0, -3.5])
    sums = [s1 * e[i] + s2 * e[j] + 2 * 0.4 for i in range(4) for j in range(4) if i != j
            for s1 in (1, -1) for s2 in (1, -1)]
    assert _rank_biserial_at_shift(e, 0.4) == np.mean(np.sign(sums))


@pytest.mark.parametrize("n", [6, 8, 15, 30, 60])
def test_rank_biserial_interval_of_untied_data_agrees_with_the_test(n):
    rng = np.random.default_rng(n)
    disagreements = []
    for i in range(60):
        d = np.round(rng.normal(rng.uniform(-1, 1), 1, n), 6)
        for alternative in ("two-sided", "greater", "less"):
            res = wilcoxon_signed_rank(np.zeros(n), d, alternative=alternative)
            assert "under the test's shift model" in res.method
            assert res.effect_size_ci_low <= res.effect_size <= res.effect_size_ci_high
            excludes = res.effect_size_ci_low > 0 or res.effect_size_ci_high < 0
            if excludes != (res.p_value < 0.05):
                disagreements.append((i, alternative, res.p_value))
    assert disagreements == []


def _shift_model_limits_by_brute_force(d, alternative, hl_low, hl_high, confidence=0.95):
    """The rank-biserial limits of untied data computed from their definition, not from the engine's code:
    the fitted model (symmetrised residuals around the Hodges–Lehmann estimate, shifted by θ), the same
    fixed-seed samples of it, each sample's r at every θ between its breakpoints, the mid-p thresholds,
    their α and 1 − α quantiles, r(θ) of the model by counting the pairs of two different residuals
    (every ordered pair where that count is 0 at θ ≠ 0), the agreement rule."""
    from impact.statistics.paired_tests import BOOTSTRAP_SEED, SHIFT_MODEL_SAMPLES
    x = np.sort(np.asarray(d, dtype=float))
    n = x.size
    walsh = np.array([(x[i] + x[j]) / 2 for i in range(n) for j in range(i, n)])
    estimate = float(np.median(walsh))
    r_obs = float(np.mean(np.sign(walsh)))
    e = x - estimate
    values = np.r_[e, -e]

    def r_model(theta):                       # P(ε1 + ε2 + 2θ > 0) − P(ε1 + ε2 + 2θ < 0), two different people
        distinct = np.mean([np.sign(s1 * e[i] + s2 * e[j] + 2 * theta) for i in range(n) for j in range(n)
                            if i != j for s1 in (1, -1) for s2 in (1, -1)])
        if distinct != 0 or theta == 0:
            return float(distinct)
        return float(np.mean([np.sign(a + b + 2 * theta) for a in values for b in values]))

    samples = np.random.default_rng(BOOTSTRAP_SEED).choice(values, size=(SHIFT_MODEL_SAMPLES, n))
    at_least, above = [], []                  # per sample: the θ above which r* ≥ r_obs, r* > r_obs
    for y in samples:
        w = np.array([(y[i] + y[j]) / 2 for i in range(n) for j in range(i, n)])
        breaks = np.unique(-w)                # r*(θ) = mean sign(w + θ) only changes at θ = −w
        probes = np.r_[breaks[0] - 1, (breaks[:-1] + breaks[1:]) / 2, breaks[-1] + 1]
        r_star = np.array([np.mean(np.sign(w + t)) for t in probes])
        lefts = np.r_[-np.inf, breaks]        # the left end of each probe's interval
        for out, hit in ((at_least, r_star >= r_obs - 1e-12), (above, r_star > r_obs + 1e-12)):
            if hit.any():
                out.append(lefts[np.argmax(hit)])
    pooled = np.array(at_least + above)       # an event that never happens contributes nothing
    level = (1 - confidence) / (2 if alternative == "two-sided" else 1)
    low, high = -1.0, 1.0
    if alternative != "less" and r_obs > -1:
        theta = np.quantile(pooled, level)
        low = r_model(hl_low if (theta > 0) != (hl_low > 0) else theta)
    if alternative != "greater" and r_obs < 1:
        theta = np.quantile(pooled, 1 - level)
        high = r_model(hl_high if (theta < 0) != (hl_high < 0) else theta)
    return low, high


@pytest.mark.parametrize("d", [
    [-1.3, 0.4, 2.2, 3.1, 0.9, 4.5, -0.2],          # a clear change
    [-1.3, 0.4, -2.2, 3.1, 0.9, -4.5, 0.7],         # no clear change
    [0.3, 1.1, 2.7, 0.8, 1.9, 3.4],                  # all positive: r = 1, one-sided threshold pool
])
@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_rank_biserial_interval_of_untied_data_by_brute_force(d, alternative):
    res = wilcoxon_signed_rank(np.zeros(len(d)), d, alternative=alternative)
    assert "under the test's shift model" in res.method
    low, high = _shift_model_limits_by_brute_force(d, alternative, res.ci_low, res.ci_high)
    low, high = min(low, res.effect_size), max(high, res.effect_size)   # the observed r, as documented
    assert res.effect_size_ci_low == pytest.approx(low, abs=1e-12)
    assert res.effect_size_ci_high == pytest.approx(high, abs=1e-12)


def test_rank_biserial_interval_of_untied_data_is_deterministic_and_ignores_the_order_of_the_pairs():
    rng = np.random.default_rng(7)
    for n in (9, 40, 70):
        b = np.round(rng.normal(10, 2, n), 6)
        f = np.round(b + rng.normal(0.6, 1, n), 6)
        order = rng.permutation(n)
        for alternative in ("two-sided", "greater", "less"):
            first = wilcoxon_signed_rank(b, f, alternative=alternative)
            again = wilcoxon_signed_rank(b, f, alternative=alternative)
            shuffled = wilcoxon_signed_rank(b[order], f[order], alternative=alternative)
            assert "under the test's shift model" in first.method
            assert first == again                         # the same floats, bit for bit
            fields = ("estimate", "ci_low", "ci_high", "p_value", "effect_size", "effect_size_ci_low",
                      "effect_size_ci_high", "method")   # the plain means are sums, whose rounding follows the order
            assert [getattr(shuffled, k) for k in fields] == [getattr(first, k) for k in fields]


def test_rank_biserial_one_sided_interval_is_open_at_one_end():
    d = [2, -1, 3, 4, -2, 5, 1, 6, 3, 2, -4, 7]
    greater = wilcoxon_signed_rank([0] * 12, d, alternative="greater")
    less = wilcoxon_signed_rank([0] * 12, d, alternative="less")
    assert greater.effect_size_ci_high == 1.0 and greater.effect_size_ci_low < greater.effect_size
    assert less.effect_size_ci_low == -1.0 and less.effect_size_ci_high > less.effect_size


# ---------------------------------------------------------------------------
# McNemar
# ---------------------------------------------------------------------------

def test_mcnemar_mid_p_by_hand():
    # 3 changes 0 → 1, 1 change 1 → 0: exact p = 2·P(X ≤ 1 | 4, ½) = 2·5/16 = 10/16;
    # mid-p = 10/16 − P(X = 3) = 10/16 − 4/16 = 6/16
    res = mcnemar(*binary_pairs(5, 3, 1, 5))
    assert res.p_value == pytest.approx(6 / 16)
    assert res.statistic == 3 and res.df is None
    assert res.method.startswith("McNemar mid-p test (Fagerland, Lydersen & Laake 2013) on 4 discordant pairs")
    exact = mcnemar(*binary_pairs(5, 3, 1, 5), method="exact")
    assert exact.p_value == pytest.approx(10 / 16)
    assert exact.method.startswith("McNemar exact conditional binomial test on 4 discordant pairs")


def test_mcnemar_mid_p_with_equal_discordant_counts():
    # Fagerland et al. (2013), supplementary: "If n12 = n21, the mid-p-value equals 1 − 0.5·binompdf"
    res = mcnemar(*binary_pairs(2, 3, 3, 2))
    assert res.p_value == pytest.approx(1 - 0.5 * 20 / 64)


def test_mcnemar_one_sided_mid_p_and_exact():
    # all four changes upward: exact P(X ≥ 4) = 1/16; mid-p P(X > 4) + ½P(X = 4) = 1/32
    assert mcnemar(*binary_pairs(5, 4, 0, 5), alternative="greater").p_value == pytest.approx(1 / 32)
    exact = mcnemar(*binary_pairs(5, 4, 0, 5), alternative="greater", method="exact")
    assert exact.p_value == pytest.approx(1 / 16)
    # the other direction: mid-p P(X < 4) + ½P(X = 4) = 15/16 + 1/32
    assert mcnemar(*binary_pairs(5, 4, 0, 5), alternative="less").p_value == pytest.approx(31 / 32)
    with pytest.raises(ValueError, match="two-sided only"):
        mcnemar(*binary_pairs(5, 4, 0, 5), alternative="greater", method="asymptotic")


def test_mcnemar_no_longer_switches_at_25_discordant_pairs():
    for n01, n10 in ((16, 8), (17, 8), (60, 40)):
        assert mcnemar(*binary_pairs(5, n01, n10, 5)).method.startswith("McNemar mid-p test")


def test_mcnemar_asymptotic_follows_r_continuity_rule():
    # (|17 − 8| − 1)² / 25 = 64/25; without correction 81/25
    res = mcnemar(*binary_pairs(5, 17, 8, 5), method="asymptotic")
    assert res.statistic == pytest.approx(64 / 25) and res.df == 1
    assert res.method.startswith("McNemar chi-square with continuity correction on 25 discordant pairs")
    plain = mcnemar(*binary_pairs(5, 17, 8, 5), method="asymptotic", correction=False)
    assert plain.statistic == pytest.approx(81 / 25)
    # R: YATES <- if (correct && (r == 2) && any(x - t(x) != 0)) 1 else 0: with n01 = n10 = 15 no
    # correction, statistic 0, p = 1
    equal = mcnemar(*binary_pairs(5, 15, 15, 5), method="asymptotic")
    assert equal.statistic == 0 and equal.p_value == 1
    assert "equal discordant counts, as R" in equal.method


def test_mcnemar_without_discordant_pairs():
    res = mcnemar([0, 1, 1, 0, 1, 0, 0, 1, 1, 1], [0, 1, 1, 0, 1, 0, 0, 1, 1, 1])
    assert res.p_value == 1.0 and res.estimate == 0
    assert "no discordant pairs" in res.method
    assert math.isnan(res.effect_size) and res.effect_size_ci_low is None
    # Tango's interval is not the degenerate (0, 0) of a Wald interval: it stays symmetric about 0
    assert res.ci_low < 0 < res.ci_high and res.ci_low == pytest.approx(-res.ci_high)
    for method in ("exact", "asymptotic"):
        assert mcnemar([0, 1, 1], [0, 1, 1], method=method).p_value == 1.0


def test_tango_interval_inverts_its_score_test():
    # at each limit the score statistic equals ∓z (Tango 1998, eq. for the restricted MLE of p21)
    n01, n10, n = 9, 3, 40

    def score(delta):
        a, b = 2 * n, -n01 - n10 + (2 * n - n01 + n10) * delta
        c = -n10 * delta * (1 - delta)
        p10 = (math.sqrt(b * b - 4 * a * c) - b) / (2 * a)
        return (n01 - n10 - n * delta) / math.sqrt(n * (2 * p10 + delta * (1 - delta)))

    res = mcnemar(*binary_pairs(20, n01, n10, 8), difference_interval="tango")
    z = stats.norm.isf(0.025)
    assert score(res.ci_low) == pytest.approx(z, abs=1e-8)
    assert score(res.ci_high) == pytest.approx(-z, abs=1e-8)
    greater = mcnemar(*binary_pairs(20, n01, n10, 8), alternative="greater", difference_interval="tango")
    assert greater.ci_high == 1.0 and score(greater.ci_low) == pytest.approx(stats.norm.isf(0.05), abs=1e-8)
    # every pair changed upward: the estimate is 1 and so is the upper limit
    up = mcnemar(*binary_pairs(0, 6, 0, 0))
    assert up.estimate == 1 and up.ci_high == 1 and up.ci_low < 1


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_odds_ratio_interval_agrees_with_the_mid_p_test(alternative):
    # both solve the same mid-p tail equations, so the interval excludes 1 exactly when mid-p < 0.05
    for n01 in range(0, 21):
        for n10 in range(0, 21):
            if n01 + n10 == 0:
                continue
            res = mcnemar(*binary_pairs(3, n01, n10, 3), alternative=alternative)
            excludes_one = not (res.effect_size_ci_low <= 1 <= res.effect_size_ci_high)
            assert excludes_one == (res.p_value < 0.05), (n01, n10, res.p_value)


def test_odds_ratio_interval_limits_solve_the_mid_p_tails():
    # 7 of 8 discordant pairs went 0 → 1: the lower limit p of n01/D has P(X > 7) + ½P(X = 7) = 0.025
    res = mcnemar(*binary_pairs(12, 7, 1, 1))
    p_low = res.effect_size_ci_low / (1 + res.effect_size_ci_low)
    assert stats.binom.sf(7, 8, p_low) + stats.binom.pmf(7, 8, p_low) / 2 == pytest.approx(0.025)
    p_high = res.effect_size_ci_high / (1 + res.effect_size_ci_high)
    assert stats.binom.cdf(6, 8, p_high) + stats.binom.pmf(7, 8, p_high) / 2 == pytest.approx(0.025)
    # no 1 → 0 change: the odds ratio and its upper limit are infinite
    up = mcnemar(*binary_pairs(5, 4, 0, 5))
    assert up.effect_size == math.inf and up.effect_size_ci_high == math.inf
