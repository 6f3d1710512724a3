"""The statistics engine on small made-up data whose right answer is obvious by hand.

The published-output checks live in ``test_statistics_reference.py``; these pin
the rules and conventions around them: verdicts, NaN in the Holm family, W+ for
every alternative, the method sentence, McNemar's mid-p default, input checks.
The special cases of the paired tests (no spread, boundary intervals) are in
``test_paired_tests.py``.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from impact.statistics import (
    PairedTestResult,
    attrition_check,
    cronbach_alpha,
    holm_adjust,
    mcnemar,
    paired_t,
    verdict,
    wilcoxon_signed_rank,
)

pytestmark = pytest.mark.unit

# ---------------------------------------------------------------------------
# verdicts (docs/statistics.md)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p_adjusted", "direction", "went_up", "n_pairs", "expected"),
    [
        (0.01, "increase", True, 30, "supported"),
        (0.01, "decrease", False, 30, "supported"),
        (0.01, "increase", False, 30, "contradicted"),
        (0.01, "decrease", True, 30, "contradicted"),
        (0.20, "increase", True, 30, "not_shown"),
        (0.05, "increase", True, 30, "not_shown"),       # p must be *below* alpha
        (0.20, "increase", False, 30, "not_shown"),      # not significant either way
        (float("nan"), "increase", True, 30, "not_shown"),
        (None, "increase", True, 30, "not_shown"),
        (0.01, "increase", None, 30, "not_shown"),        # the evidence points nowhere
        (0.001, "increase", True, 9, "insufficient_data"),  # fewer pairs than the minimum wins
        (0.001, "increase", True, 10, "supported"),         # exactly the minimum is enough
    ],
)
def test_verdict_rules(p_adjusted, direction, went_up, n_pairs, expected):
    assert verdict(p_adjusted, 0.05, direction, went_up, n_pairs, min_pairs=10) == expected


def test_verdict_refuses_an_unknown_direction():
    with pytest.raises(ValueError, match="increase"):
        verdict(0.01, 0.05, "up", True, 20, 10)


# ---------------------------------------------------------------------------
# Holm
# ---------------------------------------------------------------------------


def test_holm_by_hand():
    # sorted 0.01, 0.02, 0.03 × 3, 2, 1 = 0.03, 0.04, 0.03 -> running max 0.03, 0.04, 0.04
    assert holm_adjust([0.03, 0.01, 0.02]) == pytest.approx([0.04, 0.03, 0.04])


def test_holm_keeps_nan_and_leaves_it_out_of_the_family():
    adjusted = holm_adjust([0.01, float("nan"), 0.04, None])
    # a family of two: 0.01 × 2 = 0.02, max(0.04 × 1, 0.02) = 0.04
    assert adjusted[0] == pytest.approx(0.02)
    assert adjusted[2] == pytest.approx(0.04)
    assert math.isnan(adjusted[1]) and math.isnan(adjusted[3])


def test_holm_caps_at_one_and_handles_empty_and_all_missing():
    assert holm_adjust([0.6, 0.7]) == pytest.approx([1.0, 1.0])
    assert holm_adjust([]).size == 0
    assert np.isnan(holm_adjust([None, float("nan")])).all()


def test_holm_refuses_values_outside_zero_one():
    with pytest.raises(ValueError):
        holm_adjust([0.2, 1.5])


# ---------------------------------------------------------------------------
# paired t
# ---------------------------------------------------------------------------


def test_paired_t_by_hand():
    # differences 1, 2, 3: mean 2, sd 1, t = 2 / (1/√3) = 2√3, d_z = 2
    res = paired_t([10, 10, 10], [11, 12, 13])
    assert res.mean_difference == pytest.approx(2)
    assert res.estimate == pytest.approx(2) and res.estimate_kind == "mean_difference"
    assert res.statistic == pytest.approx(2 * math.sqrt(3))
    assert res.df == 2
    assert res.effect_size == pytest.approx(2)
    assert res.effect_size_ci_low < 2 < res.effect_size_ci_high
    assert res.ci_low < 2 < res.ci_high


def test_paired_t_one_sided_interval_is_open_on_one_end():
    res = paired_t([10, 10, 10, 10], [11, 12, 13, 11], alternative="greater")
    assert res.ci_high == math.inf and res.effect_size_ci_high == math.inf
    assert res.ci_low < res.mean_difference
    less = paired_t([10, 10, 10, 10], [11, 12, 13, 11], alternative="less")
    assert less.ci_low == -math.inf and less.effect_size_ci_low == -math.inf


def test_paired_t_without_spread_in_the_differences_says_so():
    # t is undefined; the exact sign-flip test gives p = 2·0.5³ = 0.25 (details: test_paired_tests.py)
    res = paired_t([1, 2, 3], [3, 4, 5])
    assert res.p_value == pytest.approx(0.25) and math.isnan(res.effect_size)
    assert "all 3 differences equal 2" in res.method and "sign-flip" in res.method
    assert res.mean_difference == 2 and res.estimate == 2


def test_paired_t_with_one_pair_is_not_run():
    res = paired_t([1], [2])
    assert res.n_pairs == 1 and math.isnan(res.p_value)
    assert "at least 2" in res.method


# ---------------------------------------------------------------------------
# Wilcoxon: W+ and the method sentence
# ---------------------------------------------------------------------------

BASE = [0, 0, 0, 0]
FOLLOW = [1, 2, 3, -4]     # ranks 1, 2, 3 positive, 4 negative: W+ = 6, W− = 4


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_wilcoxon_reports_w_plus_for_every_alternative(alternative):
    res = wilcoxon_signed_rank(BASE, FOLLOW, alternative=alternative)
    assert res.statistic == 6           # not min(W+, W−) = 4, not W− = 4
    assert res.effect_size == pytest.approx((6 - 4) / 10)


def test_wilcoxon_one_sided_p_values_are_the_two_tails():
    greater = wilcoxon_signed_rank(BASE, FOLLOW, alternative="greater")
    less = wilcoxon_signed_rank(BASE, FOLLOW, alternative="less")
    # exact null distribution of W+ for n = 4 (16 equally likely sign patterns):
    # sums >= 6: {2,4} {3,4} {1,2,3} {1,2,4} {1,3,4} {2,3,4} {1,2,3,4} -> 7/16;
    # sums >= 7: five of those -> P(W+ <= 6) = 11/16
    assert greater.p_value == pytest.approx(7 / 16)
    assert less.p_value == pytest.approx(11 / 16)


def test_wilcoxon_method_sentence_switches_between_exact_and_approximate():
    # the sentence starts with the test that ran; the estimate and effect-size parts follow after "; "
    exact = wilcoxon_signed_rank([0] * 5, [1, 2, 3, 4, -5])
    assert exact.method.startswith("Wilcoxon signed-rank, exact p (n = 5, no ties, no zeros); "
                                   "Hodges–Lehmann estimate with the exact 95% interval")

    ties = wilcoxon_signed_rank([0] * 5, [1, 2, 2, 4, -5])
    assert ties.method.startswith("Wilcoxon signed-rank, normal approximation with continuity and tie correction "
                                  "(ties present; n = 5 non-zero differences); "
                                  "Hodges–Lehmann estimate with R's asymptotic 95% interval")

    zero = wilcoxon_signed_rank([0] * 6, [1, 2, 3, 4, -5, 0])
    assert zero.method.startswith("Wilcoxon signed-rank, normal approximation with continuity and tie correction "
                                  "(1 zero difference dropped; n = 5 non-zero differences);")
    assert zero.n_pairs == 6

    # R's wilcox.test is exact below 50 pairs only: at exactly 50 it approximates, and so does the engine
    at_fifty = wilcoxon_signed_rank([0] * 50, [k if k % 2 else -k for k in range(1, 51)])
    assert at_fifty.method.startswith("Wilcoxon signed-rank, normal approximation with continuity and tie "
                                      "correction (n = 50 ≥ 50; n = 50 non-zero differences);")
    below = wilcoxon_signed_rank([0] * 49, [k if k % 2 else -k for k in range(1, 50)])
    assert below.method.startswith("Wilcoxon signed-rank, exact p (n = 49, no ties, no zeros);")

    forced = wilcoxon_signed_rank([0] * 5, [1, 2, 3, 4, -5], method="approx")
    assert "approximation requested" in forced.method


def test_wilcoxon_treats_floating_point_noise_as_a_tie():
    # 0.2 − 1.1 and 1.0 − 0.1 are both 0.9 in magnitude, but in floating point
    # the first is 0.9000000000000001
    res = wilcoxon_signed_rank([1.1, 0.1, 0.0, 0.0], [0.2, 1.0, 3.0, 4.0])
    assert "ties present" in res.method


def test_wilcoxon_refuses_exact_with_ties():
    with pytest.raises(ValueError, match="ties"):
        wilcoxon_signed_rank([0] * 5, [1, 2, 2, 4, -5], method="exact")


def test_wilcoxon_without_non_zero_differences_gives_p_one():
    res = wilcoxon_signed_rank([1, 2, 3], [1, 2, 3])
    assert res.p_value == 1 and res.estimate == 0 and "all 3 differences are 0" in res.method


def test_rank_biserial_at_the_boundary_has_the_sign_test_interval():
    # all 5 positive: Clopper–Pearson lower limit of P(D > 0) is 0.025^(1/5); r >= 2p² − 1
    res = wilcoxon_signed_rank([0] * 5, [1, 2, 3, 4, 5])
    assert res.effect_size == 1.0
    assert res.effect_size_ci_low == pytest.approx(2 * 0.025 ** 0.4 - 1) and res.effect_size_ci_high == 1.0


# ---------------------------------------------------------------------------
# McNemar
# ---------------------------------------------------------------------------


def _binary(n01: int, n10: int, n00: int = 5, n11: int = 5):
    baseline = [0] * n00 + [0] * n01 + [1] * n10 + [1] * n11
    follow_up = [0] * n00 + [1] * n01 + [0] * n10 + [1] * n11
    return baseline, follow_up


def test_mcnemar_is_mid_p_for_every_number_of_discordant_pairs():
    assert mcnemar(*_binary(16, 8)).method.startswith("McNemar mid-p test (Fagerland, Lydersen & Laake 2013) "
                                                      "on 24 discordant pairs")
    assert mcnemar(*_binary(17, 8)).method.startswith("McNemar mid-p test (Fagerland, Lydersen & Laake 2013) "
                                                      "on 25 discordant pairs")
    res = mcnemar(*_binary(17, 8), method="asymptotic")
    assert res.method.startswith("McNemar chi-square with continuity correction on 25 discordant pairs")
    # (|17 − 8| − 1)² / 25 = 64/25
    assert res.statistic == pytest.approx(64 / 25) and res.df == 1


def test_mcnemar_by_hand():
    # 3 changes 0 → 1, 1 change 1 → 0 among 14 people: exact p = 2 · P(X ≤ 1 | 4, ½) = 10/16,
    # mid-p = 10/16 − P(X = 3 | 4, ½) = 6/16
    res = mcnemar(*_binary(3, 1))
    assert res.p_value == pytest.approx(6 / 16)
    assert mcnemar(*_binary(3, 1), method="exact").p_value == pytest.approx(10 / 16)
    assert res.statistic == 3 and res.df is None
    assert res.effect_size == pytest.approx(3.0)
    assert res.mean_difference == pytest.approx((3 - 1) / 14) == res.estimate
    assert res.estimate_kind == "difference_in_proportions"
    assert res.mean_baseline == pytest.approx(6 / 14) and res.mean_follow_up == pytest.approx(8 / 14)


def test_mcnemar_one_sided_is_the_mid_p_binomial_tail():
    res = mcnemar(*_binary(4, 0), alternative="greater")
    assert res.p_value == pytest.approx(1 / 32)             # all four changes upward: ½⁴ − ½·½⁴
    assert mcnemar(*_binary(4, 0), alternative="greater", method="exact").p_value == pytest.approx(1 / 16)
    assert res.effect_size == math.inf                      # no 1 → 0 change
    assert res.effect_size_ci_high == math.inf
    assert "one-sided" in res.method
    with pytest.raises(ValueError, match="two-sided"):
        mcnemar(*_binary(4, 0), alternative="greater", method="asymptotic")


def test_mcnemar_without_discordant_pairs():
    res = mcnemar([0, 1, 1], [0, 1, 1])
    assert res.p_value == 1.0 and math.isnan(res.effect_size)
    assert "no discordant pairs" in res.method
    assert res.ci_low < 0 < res.ci_high                     # Tango's interval, not (0, 0)


def test_mcnemar_refuses_an_unknown_method():
    with pytest.raises(ValueError, match="method"):
        mcnemar(*_binary(4, 0), method="chi2")


def test_mcnemar_refuses_non_binary_values():
    with pytest.raises(ValueError, match="0/1"):
        mcnemar([0, 1, 2], [1, 1, 0])


# ---------------------------------------------------------------------------
# inputs and the result object
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("test", [paired_t, wilcoxon_signed_rank, mcnemar])
def test_inputs_must_be_paired_and_complete(test):
    with pytest.raises(ValueError, match="paired"):
        test([0, 1, 1], [1, 0])
    with pytest.raises(ValueError, match="NaN"):
        test([0, 1, float("nan")], [1, 0, 1])
    with pytest.raises(ValueError, match="infinite"):
        test([0, 1, float("inf")], [1, 0, 1])
    with pytest.raises(ValueError, match="alternative"):
        test([0, 1, 1], [1, 0, 1], alternative="two.sided")


def test_result_is_frozen_and_has_the_warehouse_fields():
    res = paired_t([1, 2, 4], [2, 4, 5])
    assert isinstance(res, PairedTestResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.p_value = 0.5
    assert [f.name for f in dataclasses.fields(res)] == [
        "test", "alternative", "n_pairs", "mean_baseline", "mean_follow_up", "mean_difference",
        "estimate", "estimate_kind", "ci_low", "ci_high", "statistic", "df", "p_value", "effect_size",
        "effect_size_kind", "effect_size_ci_low", "effect_size_ci_high", "method", "ci_level",
    ]
    assert res.ci_level == 0.95


# ---------------------------------------------------------------------------
# Cronbach's alpha, attrition (the minimum detectable effect: test_power.py)
# ---------------------------------------------------------------------------


def test_cronbach_alpha_by_hand():
    # identical items: Σ var = k·v, var(total) = k²·v, alpha = k/(k−1)·(1 − 1/k) = 1
    items = pd.DataFrame({"a": [1, 2, 3, 4], "b": [1, 2, 3, 4], "c": [1, 2, 3, 4]})
    assert cronbach_alpha(items) == (pytest.approx(1.0), 4)
    # a row with a missing item is left out
    items.loc[4] = [5, None, 5]
    alpha, n_complete = cronbach_alpha(items)
    assert n_complete == 4 and alpha == pytest.approx(1.0)
    # one item cannot have an alpha
    alpha, n_complete = cronbach_alpha(items[["a"]])
    assert math.isnan(alpha) and n_complete == 5


def test_attrition_notes():
    nobody_lost = attrition_check([3, 4, 5], [])
    assert nobody_lost.note == "Nobody was lost to follow-up."
    higher = attrition_check([10, 11, 12, 13], [14, 15, 16])
    assert higher.difference == pytest.approx(15 - 11.5)
    assert higher.note.startswith("Those lost to follow-up (n = 3) scored 3.5 points higher at baseline")
    assert "(n = 4; Welch p = " in higher.note
    dutch = attrition_check([10, 11, 12, 13], [14, 15, 16], language="nl")
    assert dutch.note.startswith("Wie uitviel (n = 3) scoorde bij de voormeting 3,5 punten hoger")
    too_few = attrition_check([10, 11, 12, 13], [14])
    assert math.isnan(too_few.p_value) and "cannot be compared" in too_few.note
    with_nan = attrition_check([10, 11, float("nan")], [12, 13])
    assert with_nan.n_with_follow_up == 2
