"""What realises an output's target: the quantity it names, of the activities it names.

A small hand-made activity log of one initiative; every expected number is counted by hand in the comments.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from impact.indicators import compute_indicators
from impact.theory_of_change import is_total_row

pytestmark = pytest.mark.unit

T = pd.Timestamp

#: row: date, activity, attendees, volunteers, volunteer_hours, cost_eur
LOG = [
    (T("2018-01-05"), "Huisbezoeken (weektotaal)", 20, 10, 15.0, 0.0),  # a week's 20 home visits
    (T("2018-01-12"), "Huisbezoeken (weektotaal)", 25, 12, 18.5, 0.0),  # the next week's 25
    (T("2018-01-09"), "Wandelgroep", 8, 2, 4.0, 0.0),
    (T("2018-02-06"), " wandelgroep", 11, 3, 6.0, 0.0),  # the same activity, written differently
    (T("2018-03-01"), "Koffie-ochtend", 15, 2, 5.0, 12.5),
    (T("2017-12-29"), "Wandelgroep", 30, 9, 9.0, 0.0),  # before the programme year
    (T("2019-01-04"), "Huisbezoeken (weektotaal)", 99, 9, 9.0, 0.0),  # after it
    (T("2017-08-01"), "Zomerkamp", 40, 5, 20.0, 300.0),  # held once, in the year before
]


def _output(output_id, measure, target, activities=None, activity_pattern=None):
    return {"initiative_id": "demo", "output_id": output_id, "label": output_id.capitalize(), "target": target,
            "unit": None, "measure": measure, "activities": activities, "activity_pattern": activity_pattern}


OUTPUTS = [
    # 20 + 25 home visits in 2018 (the 2019 week does not count): 45 of 50
    _output("visits", "attendance", 50.0, activities=["Huisbezoeken (weektotaal)"]),
    # the walking group met twice in 2018 ('Wandelgroep' and ' wandelgroep'): 2 of 4
    _output("walks", "sessions", 4.0, activities=["WANDELGROEP"]),
    _output("walks_pattern", "sessions", 4.0, activity_pattern="^wandel"),
    # every activity as sessions: two of the rows are weekly totals, so not computed
    _output("all_sessions", "sessions", 10.0),
    # rows of the log in 2018, as written: 2 weekly totals + 2 walks + 1 coffee morning = 5 of 10
    _output("rows", "log_rows", 10.0),
    # volunteer hours of the walks and the coffee morning: 4 + 6 + 5 = 15 of 30
    _output("hours", "volunteer_hours", 30.0, activities=["Wandelgroep", "Koffie-ochtend"]),
    # costs of the coffee morning: 12.50 of 25
    _output("cost", "cost_eur", 25.0, activity_pattern="koffie"),
    # volunteer shifts of the home visits: 10 + 12 = 22 of 44
    _output("shifts", "volunteers", 44.0, activities=["Huisbezoeken (weektotaal)"]),
    # a misspelt name matches no row at all: not computed (not 0 %)
    _output("typo", "attendance", 100.0, activities=["Huisbezoek"]),
    # held, but not in 2018: 0 of 40 is a real 0
    _output("camp", "attendance", 40.0, activities=["Zomerkamp"]),
    # distinct participants enrolled in 2018: p1, p2, p3 = 3 of 6 (p0 enrolled in 2017)
    _output("people", "participants", 6.0),
]


def _indicators():
    participants = pd.DataFrame({
        "initiative_id": "demo", "participant_id": ["p0", "p1", "p2", "p3"],
        "enrolled_on": [T("2017-12-01"), T("2018-01-10"), T("2018-02-10"), T("2018-05-10")],
        "wijk": ["Oost"] * 4,
    })
    activities = pd.DataFrame(LOG, columns=["date", "activity", "attendees", "volunteers", "volunteer_hours", "cost_eur"])
    activities.insert(0, "initiative_id", "demo")
    survey = pd.DataFrame(columns=["initiative_id", "participant_id", "wave"])
    scores = pd.DataFrame(columns=["initiative_id", "participant_id", "wave", "outcome_id", "instrument", "score"])
    outcomes = pd.DataFrame(columns=["initiative_id", "outcome_id", "instrument", "type", "higher_is_better"])
    out = compute_indicators(participants, activities, survey, scores, outcomes, pd.DataFrame(OUTPUTS),
                             initiatives=["demo"], year=2018, disclosure_threshold=3)
    return out.set_index(["indicator_id", "period"])


def _year(ind, indicator_id):
    return ind.loc[(indicator_id, "2018")]


@pytest.mark.parametrize(("output_id", "value", "n", "realisation"), [
    ("visits", 45.0, 2, 0.9),
    ("walks", 2.0, 2, 0.5),
    ("walks_pattern", 2.0, 2, 0.5),
    ("rows", 5.0, 5, 0.5),
    ("hours", 15.0, 3, 0.5),
    ("cost", 12.5, 1, 0.5),
    ("shifts", 22.0, 2, 0.5),
    ("camp", 0.0, 0, 0.0),
    ("people", 3.0, 3, 0.5),
])
def test_an_output_is_realised_by_the_quantity_it_names(output_id, value, n, realisation):
    ind = _indicators()
    assert _year(ind, f"output.{output_id}")[["value", "n", "target"]].tolist() == [value, n, OUTPUTS_BY_ID[output_id]]
    assert _year(ind, f"realisation.{output_id}")["value"] == pytest.approx(realisation, abs=1e-12)
    assert _year(ind, f"realisation.{output_id}")["unit"] == "share"


OUTPUTS_BY_ID = {o["output_id"]: o["target"] for o in OUTPUTS}


def test_home_visits_count_the_visits_not_the_weekly_rows():
    ind = _indicators()
    # the old rule counted rows of the log: 5 in 2018, 10 % of 50; the visits are 45, 90 %
    assert _year(ind, "output.visits")["value"] == 45.0
    assert _year(ind, "output.visits")["unit"] == "attendances"
    assert _year(ind, "output.visits")["label"] == "Visits: attendance of 'Huisbezoeken (weektotaal)'"
    assert _year(ind, "output.walks")["unit"] == "sessions"


def test_sessions_are_not_computed_over_rows_that_record_a_total():
    ind = _indicators()
    row = _year(ind, "output.all_sessions")
    assert math.isnan(row["value"]) and math.isnan(_year(ind, "realisation.all_sessions")["value"])
    assert row["n"] == 5  # the rows it would have rested on
    assert row["label"] == ("All_sessions: sessions held of every activity: not computed, 2 row(s) of "
                            "'Huisbezoeken (weektotaal)' record a period's total, not one session")


def test_a_selection_that_matches_no_row_is_not_computed():
    ind = _indicators()
    assert math.isnan(_year(ind, "output.typo")["value"]) and math.isnan(_year(ind, "realisation.typo")["value"])
    assert _year(ind, "output.typo")["label"].endswith("not computed, no row of the activity log matches (check the spelling)")


def test_the_target_shows_on_the_whole_count_only_when_the_output_selects_nothing():
    ind = _indicators()
    assert _year(ind, "activities_held")["target"] == 10.0  # 'rows' selects nothing and counts log rows
    assert _year(ind, "participants_reached")["target"] == 6.0
    assert math.isnan(_year(ind, "attendance")["target"])  # 'visits' and 'typo' select activities
    assert math.isnan(_year(ind, "volunteer_hours")["target"])


def test_only_person_based_outputs_are_suppressed_below_the_threshold():
    ind = _indicators()  # threshold 3
    assert not _year(ind, "output.people")["suppressed"]  # 3 people
    assert not _year(ind, "output.cost")["suppressed"]  # 1 activity, not people
    low = compute_indicators(*(_frames_with_threshold()), initiatives=["demo"], year=2018, disclosure_threshold=4)
    low = low.set_index(["indicator_id", "period"])
    assert _year(low, "output.people")["suppressed"] and _year(low, "realisation.people")["suppressed"]


def _frames_with_threshold():
    participants = pd.DataFrame({"initiative_id": "demo", "participant_id": ["p1", "p2", "p3"],
                                 "enrolled_on": [T("2018-01-10")] * 3, "wijk": ["Oost"] * 3})
    activities = pd.DataFrame(LOG[:1], columns=["date", "activity", "attendees", "volunteers", "volunteer_hours",
                                                "cost_eur"]).assign(initiative_id="demo")
    return (participants, activities, pd.DataFrame(columns=["initiative_id", "participant_id", "wave"]),
            pd.DataFrame(columns=["initiative_id", "participant_id", "wave", "outcome_id", "instrument", "score"]),
            pd.DataFrame(columns=["initiative_id", "outcome_id", "instrument", "type", "higher_is_better"]),
            pd.DataFrame([_output("people", "participants", 6.0)]))


@pytest.mark.parametrize(("name", "total"), [
    ("Huisbezoeken (weektotaal)", True), ("Coachgesprekken (maandtotaal)", True), ("Mentoring weekly total", True),
    ("Totaaloverzicht", True), ("Wandelgroep", False), ("Totem workshop", False), ("Computerles", False),
])
def test_which_activity_names_mark_a_total_row(name, total):
    assert is_total_row(name) is total
