"""Indicators on a small hand-made initiative, every expected number counted by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from impact.indicators import compute_indicators

pytestmark = pytest.mark.unit

T = pd.Timestamp


def _frames():
    participants = pd.DataFrame({
        "initiative_id": "demo",
        "participant_id": [f"p{i}" for i in range(12)],
        "enrolled_on": [T("2018-01-10")] * 5 + [T("2018-04-02")] * 4 + [T("2018-11-30")] * 2 + [T("2017-12-31")],
        "wijk": ["Oost"] * 10 + [None, "Zuid"],
        "age_band": ["18-29"] * 6 + ["65-74"] * 4 + ["75+", "18-29"],
        "gender": ["v"] * 7 + ["m"] * 3 + [None, "x"],
    })
    activities = pd.DataFrame({
        "initiative_id": "demo",
        "date": [T("2018-02-01"), T("2018-02-08"), T("2018-05-01"), T("2019-01-05")],
        "activity": ["a", "b", "c", "d"],
        "attendees": [10, 12, 8, 99],
        "volunteers": [2, 2, 1, 9],
        "volunteer_hours": [4.0, 4.5, 2.0, 99.0],
        "cost_eur": [10.0, 0.0, 5.5, 99.0],
    })
    # p0..p3 answer both waves, p4 only the baseline
    survey = pd.DataFrame({
        "initiative_id": "demo",
        "participant_id": ["p0", "p1", "p2", "p3", "p4", "p0", "p1", "p2", "p3"],
        "wave": ["baseline"] * 5 + ["follow_up"] * 4,
    })
    scores = pd.DataFrame({
        "initiative_id": "demo", "participant_id": survey["participant_id"], "wave": survey["wave"],
        "outcome_id": "loneliness", "instrument": "djg11",
        "score": [5.0, 4.0, 2.0, 6.0, 3.0, 2.0, 4.0, 3.0, 1.0],
    })
    outcomes = pd.DataFrame([{"initiative_id": "demo", "outcome_id": "loneliness", "instrument": "djg11",
                              "type": None, "higher_is_better": None}])
    outputs = pd.DataFrame([
        {"initiative_id": "demo", "output_id": "reached", "label": "Bereik", "target": 20.0, "unit": None, "measure": "participants"},
        {"initiative_id": "demo", "output_id": "hours", "label": "Uren", "target": 20.0, "unit": None, "measure": "volunteer_hours"},
    ])
    return participants, activities, survey, scores, outcomes, outputs


def _indicators(threshold=3):
    out = compute_indicators(*_frames(), initiatives=["demo"], year=2018, disclosure_threshold=threshold)
    return out.set_index(["indicator_id", "period"])


def test_reach_per_quarter_and_cumulative():
    ind = _indicators()
    assert [ind.loc[("participants_new", p), "value"] for p in ("2018-Q1", "2018-Q2", "2018-Q3", "2018-Q4", "2018")] == [5, 4, 0, 2, 11]
    assert [ind.loc[("participants_reached", p), "value"] for p in ("2018-Q1", "2018-Q2", "2018-Q3", "2018-Q4", "2018")] == [5, 9, 9, 11, 11]
    # the enrolment of 2017-12-31 is outside the programme year


def test_activities_only_count_inside_the_year():
    ind = _indicators()
    assert ind.loc[("activities_held", "2018"), "value"] == 3
    assert ind.loc[("attendance", "2018-Q1"), "value"] == 22
    assert ind.loc[("volunteer_hours", "2018"), "value"] == 10.5
    assert ind.loc[("cost_eur", "2018"), "value"] == 15.5


def test_response_retention_and_outcomes():
    ind = _indicators()
    assert ind.loc[("response_rate", "2018"), ["value", "n"]].tolist() == [5 / 12, 12]  # 5 baselines of 12 registered
    assert ind.loc[("retention", "2018"), ["value", "n"]].tolist() == [4 / 5, 5]
    assert ind.loc[("mean_score.loneliness.baseline", "2018"), ["value", "n"]].tolist() == [4.0, 5]  # (5+4+2+6+3)/5
    # loneliness: lower is better; p0 5->2 and p3 6->1 improved, p1 4->4 same, p2 2->3 worse
    assert ind.loc[("share_improved.loneliness", "2018"), ["value", "n"]].tolist() == [0.5, 4]
    # lonely = score 3 or more: baseline 5, 4, 6, 3 of 5; follow-up 4, 3 of 4
    assert ind.loc[("share_cut_off.loneliness.baseline", "2018"), "value"] == 0.8
    assert ind.loc[("share_cut_off.loneliness.follow_up", "2018"), "value"] == 0.5


def test_realisation_targets_and_wijk():
    ind = _indicators()
    assert ind.loc[("realisation.reached", "2018"), ["value", "n", "target"]].tolist() == [11 / 20, 11, 20.0]
    assert ind.loc[("realisation.hours", "2018"), "value"] == 10.5 / 20
    assert ind.loc[("participants_reached", "2018"), "target"] == 20.0
    assert ind.loc[("reach_wijk.Oost", "2018"), "value"] == 10
    assert ind.loc[("reach_wijk.unknown", "2018"), "value"] == 1


def test_participant_profile_counts_the_year_by_age_band_and_gender():
    ind = _indicators()
    # p0..p10 enrolled in 2018 (p11 in 2017, with the only 'x' and the second '18-29' outside the year)
    age = ind[ind.index.get_level_values(0).str.startswith("reach_age.")]["value"].to_dict()
    assert age == {("reach_age.18-29", "2018"): 6, ("reach_age.65-74", "2018"): 4, ("reach_age.75+", "2018"): 1}
    gender = ind[ind.index.get_level_values(0).str.startswith("reach_gender.")]["value"].to_dict()
    assert gender == {("reach_gender.m", "2018"): 3, ("reach_gender.unknown", "2018"): 1, ("reach_gender.v", "2018"): 7}
    assert sum(age.values()) == sum(gender.values()) == ind.loc[("participants_reached", "2018"), "value"] == 11


def test_disclosure_flags_person_based_values_only():
    ind = _indicators(threshold=10)
    assert ind.loc[("reach_wijk.Oost", "2018"), "suppressed"] == False  # noqa: E712 - 10 people
    assert ind.loc[("reach_wijk.unknown", "2018"), "suppressed"] == True  # noqa: E712 - 1 person
    assert ind.loc[("retention", "2018"), "suppressed"] == True  # noqa: E712 - rests on 5 baselines
    assert ind.loc[("activities_held", "2018"), "suppressed"] == False  # noqa: E712 - activities, not people
