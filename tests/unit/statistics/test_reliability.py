"""Cronbach's alpha with Feldt's interval, per outcome and wave."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from impact.statistics.reliability import cronbach_alpha, feldt_interval, outcome_reliability

pytestmark = pytest.mark.unit


def _alphas(items: np.ndarray) -> np.ndarray:
    """Cronbach's alpha of many samples at once (samples × people × items), straight from the formula."""
    k = items.shape[2]
    item_var = items.var(axis=1, ddof=1).sum(axis=1)
    total_var = items.sum(axis=2).var(axis=1, ddof=1)
    return k / (k - 1) * (1 - item_var / total_var)


def test_feldt_interval_covers_the_true_alpha_ninety_five_percent_of_the_time():
    """Parallel normal items (the model Feldt's F distribution is exact under): true alpha = kρ / (1 + (k − 1)ρ)."""
    rng = np.random.default_rng(5)
    samples, n, k, rho = 3000, 40, 6, 0.4
    trait = rng.standard_normal((samples, n, 1))
    items = math.sqrt(rho) * trait + math.sqrt(1 - rho) * rng.standard_normal((samples, n, k))
    true_alpha = k * rho / (1 + (k - 1) * rho)
    covered = [low <= true_alpha <= high for low, high in (feldt_interval(a, n, k) for a in _alphas(items))]
    assert np.mean(covered) == pytest.approx(0.95, abs=3 * math.sqrt(0.95 * 0.05 / samples))


def test_feldt_interval_around_its_estimate_and_undefined_cases():
    low, high = feldt_interval(0.8, 100, 10)
    assert low < 0.8 < high < 1
    assert feldt_interval(0.8, 1000, 10)[1] - feldt_interval(0.8, 1000, 10)[0] < high - low
    assert all(math.isnan(v) for v in feldt_interval(math.nan, 100, 10))
    assert all(math.isnan(v) for v in feldt_interval(0.5, 1, 10))
    with pytest.raises(ValueError, match="confidence must lie strictly between 0 and 1, got 1.5"):
        feldt_interval(0.8, 100, 10, confidence=1.5)


def test_cronbach_alpha_of_a_textbook_table():
    # three items, five respondents (hand calculation): item variances 1.7, 1.7 and 2.8 sum to 6.2; the
    # totals 4, 7, 9, 13, 14 have variance 17.3; alpha = 3/2 · (1 − 6.2/17.3) = 0.962428
    items = pd.DataFrame({"a": [1, 2, 3, 4, 4], "b": [2, 2, 3, 4, 5], "c": [1, 3, 3, 5, 5]}, dtype=float)
    alpha, n = cronbach_alpha(items)
    assert n == 5
    assert items.var(ddof=1).tolist() == pytest.approx([1.7, 1.7, 2.8])
    assert alpha == pytest.approx(0.962428, abs=5e-7)


def test_outcome_reliability_per_outcome_and_wave_with_a_miscoded_wave_negative():
    """Rosenberg items: consistent answers at baseline; at follow-up four of the five reversed items were
    coded the wrong way round, as on a form that printed them un-reversed. Then six items rise with a
    person's level and four fall: the total is 2·level + 10, and alpha = 10/9 · (1 − 10 v / 4 v) = −5/3."""
    people = [f"p{i}" for i in range(30)]
    level = np.tile([1, 2, 3, 4, 2, 3], 5)  # each person's answer on the positive items
    reversed_items = (2, 5, 6, 8, 9)
    rows = []
    for wave in ("baseline", "follow_up"):
        for person, answer in zip(people, level):
            row = {"initiative_id": "a", "participant_id": person, "wave": wave}
            for item in range(1, 11):
                # a consistent respondent gives the reversed items the mirror answer; the miscoded form does not
                mirrored = item in reversed_items and (wave == "baseline" or item == reversed_items[-1])
                row[f"rses_{item}"] = float(5 - answer if mirrored else answer)
            rows.append(row)
    survey = pd.DataFrame(rows)
    outcomes = pd.DataFrame([{"initiative_id": "a", "outcome_id": "esteem", "instrument": "rses"},
                             {"initiative_id": "a", "outcome_id": "grade", "instrument": "life_satisfaction"}])
    found = outcome_reliability(survey, outcomes).set_index("wave")
    assert list(found.index) == ["baseline", "follow_up"]  # the single-item outcome has no alpha
    assert found.loc["baseline", "alpha"] == pytest.approx(1.0)
    assert found.loc["follow_up", "alpha"] == pytest.approx(-5 / 3)
    assert found.loc["baseline", ["n_complete", "n_items"]].tolist() == [30, 10]
    low, high = found.loc["follow_up", ["ci_low", "ci_high"]]
    assert low < found.loc["follow_up", "alpha"] < high
