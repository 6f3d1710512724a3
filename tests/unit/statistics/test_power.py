"""Minimum detectable effects from each test's own power, and the mid-p binomial test behind McNemar."""

from __future__ import annotations

import math
from itertools import product

import numpy as np
import pytest
from scipy import stats

from impact.statistics.midp import binomial_mid_p
from impact.statistics.power import (
    mcnemar_power,
    mde_mcnemar,
    mde_paired_t,
    mde_wilcoxon,
    minimum_detectable_effect,
    pairs_needed,
    wilcoxon_power,
)

pytestmark = pytest.mark.unit


def test_paired_t_mde_matches_pwr():
    # PsyTeachR (University of Glasgow), "Power and error", printed R output:
    #   pwr.t.test(power = .8, n = 32, type = "paired", alternative = "two.sided", sig.level = .05)
    #   n = 32, d = 0.5112738
    assert mde_paired_t(32, 0.05, 1.0) == pytest.approx(0.5112738, abs=5e-8)


def test_paired_t_mde_in_outcome_units_matches_power_t_test():
    # SURV 616 power-calculation script, printed R output:
    #   power.t.test(power = 0.8, delta = 5, sd = sqrt(312), type = "paired", alt = "one.sided") -> n = 78.52896
    #   power.t.test(power = 0.8, delta = 5, sd = sqrt(312), type = "one.sample")               -> n = 99.89177
    # Read backwards, at those n the detectable difference is 5 (R's uniroot tolerance: relative 1e-5).
    assert mde_paired_t(78.52896, 0.05, math.sqrt(312), "greater") == pytest.approx(5, rel=1e-5)
    assert mde_paired_t(99.89177, 0.05, math.sqrt(312), "two-sided") == pytest.approx(5, rel=1e-5)


def test_pairs_needed_for_a_stated_target_matches_pwr():
    # pwr.t.test(d = 0.5, power = 0.8, sig.level = 0.05, type = "paired") -> n = 33.36713 (Cohen 1988's
    # medium effect; printed in pwr's vignette), so 34 pairs
    assert pairs_needed(0.5, 0.05) == 34
    assert pairs_needed(0, 0.05) is None


def test_no_mde_without_pairs_or_spread():
    assert mde_paired_t(1, 0.05, 2.0) is None
    assert mde_paired_t(20, 0.05, 0.0) is None
    assert mde_wilcoxon(20, 0.05, None) is None
    assert mde_mcnemar(20, 0.05, 0.0) is None


def test_wilcoxon_with_five_pairs_cannot_reach_five_percent_so_has_no_mde():
    # the smallest exact two-sided p with n pairs is 2 / 2**n: 0.0625 for 5 pairs
    assert mde_wilcoxon(5, 0.05, 1.0) is None
    assert mde_wilcoxon(6, 0.05, 1.0) is not None  # 2 / 64 = 0.03125


def test_wilcoxon_power_at_its_mde_is_eighty_percent_on_fresh_samples():
    """Simulated on other random numbers than the ones the MDE was solved on (seed 7 against the default)."""
    for n in (10, 30):
        mde = mde_wilcoxon(n, 0.05, 1.0)
        power = wilcoxon_power(n, mde, 0.05, samples=8000, seed=7)
        assert power == pytest.approx(0.80, abs=3 * math.sqrt(0.8 * 0.2 / 8000) + 0.01), (n, mde, power)
    # Wilcoxon's efficiency relative to t is 3/pi = 0.955 for normal data (Lehmann 1975): its MDE is a little larger
    assert mde_paired_t(30, 0.05, 1.0) < mde_wilcoxon(30, 0.05, 1.0) < mde_paired_t(30, 0.05, 1.0) * 1.1


def _mid_p_by_hand(k: int, m: int) -> float:
    point = math.comb(m, k) / 2 ** m
    if 2 * k == m:  # as the method's authors' R package contingencytables computes it
        return 1 - point / 2
    lower = sum(math.comb(m, j) for j in range(k + 1)) / 2 ** m
    upper = sum(math.comb(m, j) for j in range(k, m + 1)) / 2 ** m
    return 2 * min(lower, upper) - point


def test_mid_p_matches_the_definition():
    # Fagerland, Lydersen & Laake (2013): mid-p = exact two-sided conditional p − P(X = k)
    for k, m in ((2, 12), (0, 5), (7, 9), (15, 30)):
        assert binomial_mid_p(k, m) == pytest.approx(_mid_p_by_hand(k, m), abs=1e-12)
    assert binomial_mid_p(2, 12) == pytest.approx((2 * 79 - 66) / 4096, abs=1e-15)
    # as many changes each way: 1 − P(X = 15)/2 (Fagerland et al.'s contingencytables), not 1
    assert binomial_mid_p(15, 30) == pytest.approx(1 - math.comb(30, 15) / 2 ** 31, abs=1e-15)
    assert binomial_mid_p(0, 0) == 1.0
    assert binomial_mid_p(10, 12, "greater") == pytest.approx((1 + 12 + 66 / 2) / 4096, abs=1e-15)


def test_mcnemar_power_equals_enumeration_of_all_tables():
    """Every table of n pairs (unchanged, 0→1, 1→0) weighted by its multinomial probability."""
    n, psi, delta, alpha = 12, 0.5, 0.3, 0.05
    p01, p10 = (psi + delta) / 2, (psi - delta) / 2
    power = 0.0
    for n01, n10 in product(range(n + 1), repeat=2):
        if n01 + n10 > n:
            continue
        probability = stats.multinomial.pmf([n - n01 - n10, n01, n10], n, [1 - psi, p01, p10])
        if n01 + n10 and _mid_p_by_hand(n01, n01 + n10) < alpha:
            power += probability
    assert mcnemar_power(n, delta, psi, alpha) == pytest.approx(power, abs=1e-12)


def test_mcnemar_mde_gives_eighty_percent_power():
    mde = mde_mcnemar(100, 0.05, 0.3)
    assert 0 < mde < 0.3
    assert mcnemar_power(100, mde, 0.3, 0.05) == pytest.approx(0.80, abs=1e-6)
    # too few pairs change for 80 % even if every change went one way
    assert mde_mcnemar(8, 0.05, 0.3) is None


def test_a_stricter_alpha_needs_a_larger_effect_and_each_test_says_how():
    for test, spread in (("paired_t", {"sd_difference": 2.0, "discordant_share": None}),
                         ("wilcoxon", {"sd_difference": 2.0, "discordant_share": None}),
                         ("mcnemar", {"sd_difference": 0.5, "discordant_share": 0.4})):
        loose, how = minimum_detectable_effect(test, 60, 0.05, "two-sided", **spread)
        strict, _ = minimum_detectable_effect(test, 60, 0.005, "two-sided", **spread)
        assert strict > loose > 0, test
        assert "alpha = 0.05, 80% power" in how
    with pytest.raises(ValueError, match="unknown test 'sign'"):
        minimum_detectable_effect("sign", 10, 0.05, "two-sided", 1.0, None)


def test_one_sided_mde_is_smaller_and_the_same_for_both_directions():
    greater, less = mde_paired_t(40, 0.05, 1.0, "greater"), mde_paired_t(40, 0.05, 1.0, "less")
    assert greater == less < mde_paired_t(40, 0.05, 1.0)
    assert np.isclose(mde_wilcoxon(20, 0.05, 1.0, "greater"), mde_wilcoxon(20, 0.05, 1.0, "less"))


@pytest.mark.parametrize("n_pairs", [51, 64, 73, 77, 87, 117])
def test_the_t_mde_comes_out_where_statsmodels_answers_with_a_one_element_array(n_pairs):
    """For these n statsmodels' brentq path returns array([d]); float() on it fails under numpy 2."""
    for alpha in (0.05, 0.00625):
        mde = mde_paired_t(n_pairs, alpha, 1.0)
        assert mde is not None and 0 < mde < 1
        # the power at that effect is 80 %, by statsmodels' own power function
        from statsmodels.stats.power import TTestPower
        assert float(np.asarray(TTestPower().power(mde, n_pairs, alpha)).item()) == pytest.approx(0.8, abs=1e-4)
