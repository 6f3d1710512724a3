"""Instrument scoring against worked examples derived by hand from the manuals' rules.

De Jong Gierveld & Van Tilburg, Manual of the Loneliness Scale (SPSS syntax §8):
negative items count 1 for codes 2–3 ("min of meer", "ja"), positive items for
codes 1–2 ("nee", "min of meer"). Rosenberg (1965): items 2, 5, 6, 8, 9 reversed,
0–3 per item. WHO-5: raw 0–25, ×4.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from impact.instruments.scoring import dichotomy, score_outcomes

pytestmark = pytest.mark.unit

NAN = float("nan")


def _survey(prefix: str, patterns: list[list[float]], extra: dict | None = None) -> pd.DataFrame:
    rows = []
    for i, answers in enumerate(patterns):
        row = {"initiative_id": "demo", "participant_id": f"p{i}", "wave": "baseline",
               "responded_on": pd.Timestamp("2018-03-01")}
        row.update({f"{prefix}_{k + 1}": a for k, a in enumerate(answers)})
        row.update(extra or {})
        rows.append(row)
    return pd.DataFrame(rows)


def _outcomes(*specs) -> pd.DataFrame:
    return pd.DataFrame([{"initiative_id": "demo", "outcome_id": o, "instrument": i, "type": t} for o, i, t in specs])


def _scores(survey, *specs):
    return score_outcomes(survey, _outcomes(*specs)).set_index("participant_id")


def test_djg11_worked_examples():
    ja, mm, nee = 3.0, 2.0, 1.0
    out = _scores(
        _survey("djg11", [[ja] * 11, [mm] * 11, [nee] * 11, [ja] * 10 + [NAN]]),
        ("loneliness", "djg11", None),
    )
    # all "ja": the six negative items count, the five positive do not -> 6, emotional 6, social 0
    assert out.loc["p0", ["score", "category", "subscale_emotional", "subscale_social"]].tolist() == [6.0, "moderately lonely", 6.0, 0.0]
    # "min of meer" counts on every item -> 11
    assert out.loc["p1", ["score", "category"]].tolist() == [11.0, "very severely lonely"]
    # all "nee": the five positive items count -> 5
    assert out.loc["p2", ["score", "subscale_emotional", "subscale_social"]].tolist() == [5.0, 0.0, 5.0]
    # an unanswered item: no 11-item score
    assert math.isnan(out.loc["p3", "score"]) and out.loc["p3", "items_answered"] == 10


def test_djg6_worked_examples_and_missing_rule():
    ja, nee = 3.0, 1.0
    out = _scores(
        _survey("djg6", [[ja, ja, nee, nee, ja, ja], [ja, ja, NAN, nee, ja, ja], [NAN, NAN, nee, nee, ja, ja]]),
        ("loneliness", "djg6", None),
    )
    # items 1-3 negative (2 x ja count), items 4-6 positive (1 x nee counts) -> 3
    assert out.loc["p0", ["score", "category"]].tolist() == [3.0, "moderately lonely"]
    assert out.loc["p1", "score"] == 3.0  # one missing item: still scored (manual: missing if more than one)
    assert math.isnan(out.loc["p1", "subscale_emotional"])  # a subscale needs all its items
    assert math.isnan(out.loc["p2", "score"])  # two missing: no score


def test_rses_worked_examples():
    pos = [1, 3, 4, 7, 10]  # the other five are reversed

    def pattern(p, n):
        return [p if i + 1 in pos else n for i in range(10)]

    out = _scores(
        _survey("rses", [[4.0] * 10, pattern(4.0, 1.0), pattern(1.0, 4.0), [NAN] + pattern(4.0, 1.0)[1:], [NAN, NAN] + [4.0] * 8]),
        ("self_esteem", "rses", None),
    )
    assert out.loc["p0", ["score", "category"]].tolist() == [15.0, "normal"]  # 5 x 3 + 5 x 0
    assert out.loc["p1", ["score", "category"]].tolist() == [30.0, "high"]
    assert out.loc["p2", ["score", "category"]].tolist() == [0.0, "low"]
    assert out.loc["p3", "score"] == 30.0  # nine answered, all at the top: prorated to 30
    assert math.isnan(out.loc["p4", "score"])  # two missing


def test_who5_is_reported_on_0_to_100():
    out = _scores(_survey("who5", [[5.0] * 5, [2.0] * 5, [3.0, 3.0, 2.0, 2.0, 2.0]]), ("wellbeing", "who5", None))
    assert out["score"].tolist() == [100.0, 40.0, 48.0]
    assert out["category"].tolist() == ["adequate well-being", "poor well-being", "poor well-being"]  # raw 12 < 13


def test_custom_zrm_and_single_items():
    survey = _survey("x", [[]], {"has_paid_work": 1.0, "zrm_financien": 3.0, "zrm_dagbesteding": 5.0,
                                 "participation_ladder": 4.0, "life_satisfaction": 7.0})
    out = score_outcomes(survey, _outcomes(("has_paid_work", "custom", "binary"), ("self_reliance", "zrm", None),
                                           ("participation", "participation_ladder", None), ("life", "life_satisfaction", None)))
    got = {r.outcome_id: (r.score, r.category) for r in out.itertuples()}
    assert got == {
        "has_paid_work": (1.0, "ja"),
        "life": (7.0, None),
        "participation": (4.0, "onbetaald werk"),
        "self_reliance.dagbesteding": (5.0, "volledig zelfredzaam"),
        "self_reliance.financien": (3.0, "beperkt zelfredzaam"),
    }


def test_dichotomies_at_the_cut_offs():
    label, lonely = dichotomy("djg11", None)
    assert label == "lonely (score 3 or more)"
    assert lonely(pd.Series([2.0, 3.0, NAN])).tolist()[:2] == [0.0, 1.0]
    assert dichotomy("life_satisfaction", None) is None


def test_a_custom_outcome_is_scored_by_its_own_initiative_type():
    survey = pd.concat([_survey("x", [[]], {"x": 1.0}).assign(initiative_id="a"),
                        _survey("x", [[]], {"x": 1.0}).assign(initiative_id="b")])
    outcomes = pd.DataFrame([{"initiative_id": "a", "outcome_id": "x", "instrument": "custom", "type": "binary"},
                             {"initiative_id": "b", "outcome_id": "x", "instrument": "custom", "type": "numeric"}])
    out = score_outcomes(survey, outcomes).set_index("initiative_id")
    assert out.loc["a", "category"] == "ja" and out.loc["b", "category"] is None
