"""The verdict rules: reliability before evidence, and a one-sided hypothesis that turns out wrong."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from impact.statistics.verdicts import DECLARED_SHARE, VERDICTS, verdict, verdict_p_value

pytestmark = pytest.mark.unit


def test_the_verdicts_in_their_order():
    assert VERDICTS == ("supported", "contradicted", "not_shown", "unreliable_measurement", "insufficient_data")


@pytest.mark.parametrize(("p", "went_up", "n", "reliable", "expected"), [
    (0.01, True, 20, True, "supported"),
    (0.01, False, 20, True, "contradicted"),
    (0.20, True, 20, True, "not_shown"),
    (None, True, 20, True, "not_shown"),
    (math.nan, True, 20, True, "not_shown"),
    (0.01, None, 20, True, "not_shown"),            # the evidence points nowhere (an estimate of 0)
    (0.01, True, 20, False, "unreliable_measurement"),
    (0.50, True, 20, False, "unreliable_measurement"),  # not judged either way, also not "not shown"
    (0.01, True, 9, False, "insufficient_data"),    # too few pairs comes first
])
def test_verdict(p, went_up, n, reliable, expected):
    assert verdict(p, 0.05, "increase", went_up, n, 10, reliable) == expected


def test_a_decrease_expected_and_found_is_supported():
    assert verdict(0.01, 0.05, "decrease", False, 20, 10) == "supported"
    with pytest.raises(ValueError, match="expected_direction must be 'increase' or 'decrease', got 'up'"):
        verdict(0.01, 0.05, "up", True, 20, 10)


def test_two_sided_verdict_p_is_the_p():
    assert verdict_p_value(0.03, None, "two-sided") == (0.03, None)
    assert verdict_p_value(None, None, "two-sided") == (None, None)


def test_one_sided_splits_alpha_ninety_ten_between_the_directions():
    assert DECLARED_SHARE == 0.9
    p, declared = verdict_p_value(0.036, 0.964, "greater")
    assert p == pytest.approx(0.04) and declared is True
    # a large effect the other way: p = 0.999 in the declared direction, 0.001 in the other
    p, declared = verdict_p_value(0.999, 0.001, "greater")
    assert p == pytest.approx(0.01) and declared is False
    assert verdict(p, 0.05, "increase", False, 30, 10) == "contradicted"
    assert verdict_p_value(0.95, 0.05, "less") == (pytest.approx(0.5), False)
    assert verdict_p_value(0.95, 0.5, "less") == (1.0, True)  # capped at 1


def test_the_verdict_p_is_a_valid_p_value_under_no_change():
    """P(verdict p <= u) <= u when nothing changed: the one-sided t p-values of normal samples, both ways."""
    rng = np.random.default_rng(11)
    samples = rng.standard_normal((20000, 15))
    p_greater = stats.ttest_1samp(samples, 0, axis=1, alternative="greater").pvalue
    verdict_p = np.minimum(1, np.minimum(p_greater / 0.9, (1 - p_greater) / 0.1))
    for u in (0.01, 0.05, 0.2):
        share = np.mean(verdict_p <= u)
        assert share == pytest.approx(u, abs=3 * math.sqrt(u * (1 - u) / 20000)), u
