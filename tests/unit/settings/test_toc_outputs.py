"""An output's measure and its selection of activities in theory_of_change.yaml: what is refused, and why."""

from __future__ import annotations

import pytest

from impact.theory_of_change import as_tables, load_theory_of_change
from tests.conftest import REPO, TOC_YAML, load_toc_text, toc_text_problems

pytestmark = pytest.mark.unit

OUTPUT_LINE = "  - {id: participants, label: Deelnemers, target: 40}\n"


def _with_outputs(*lines: str) -> str:
    text = TOC_YAML.format(id="demo")
    assert OUTPUT_LINE in text
    return text.replace(OUTPUT_LINE, "".join(f"  - {line}\n" for line in lines))


_load = load_toc_text


def _problems(root, text):
    """The problems in English (Dutch ones: test_settings_schemas.py and tests/bad_inputs.py)."""
    return toc_text_problems(root, text, language="en")


def test_outputs_that_name_their_activities_are_read_and_stored(tmp_path):
    toc = _load(tmp_path, _with_outputs(
        "{id: visits, label: Huisbezoeken, target: 1200, measure: attendance, activities: ['Huisbezoeken (weektotaal)']}",
        "{id: walks, label: Wandelingen, target: 40, measure: sessions, activity_pattern: '^wandel'}",
        "{id: people, label: Deelnemers, target: 40, measure: participants}",
    ))
    visits, walks, people = toc.outputs
    assert (visits.measure, visits.activities, visits.activity_pattern) == ("attendance", ["Huisbezoeken (weektotaal)"], None)
    assert visits.selects(" huisbezoeken  (WEEKTOTAAL)") and not visits.selects("Huisbezoeken")
    assert walks.selects("Wandelgroep") and walks.selects(" wandeling Oost") and not walks.selects("Stadswandeling")
    assert people.selects("anything")  # no selection
    stored = as_tables({"demo": (toc, "sha")})["outputs"]
    assert stored[["output_id", "measure", "activity_pattern"]].values.tolist() == [
        ["visits", "attendance", None], ["walks", "sessions", "^wandel"], ["people", "participants", None]]
    assert stored["activities"].tolist() == [["Huisbezoeken (weektotaal)"], None, None]


def test_measure_activities_is_refused_with_what_to_write_instead(tmp_path):
    assert _problems(tmp_path, _with_outputs("{id: days, label: Winkeldagen, target: 150, measure: activities}")) == [
        "key 'outputs[0].measure': 'activities' counted rows of the activity log, which is rarely what an output names "
        "(a row can hold a week's total); write 'sessions' (activities held, one per row that records one session), "
        "'attendance' (the attendees of the selected activities) or 'log_rows' (rows of the log, as written) "
        "(got 'activities')"
    ]


def test_unknown_measure_and_broken_pattern(tmp_path):
    assert _problems(tmp_path, _with_outputs(
        "{id: days, label: Dagen, target: 150, measure: days}",
        "{id: walks, label: Wandelingen, target: 40, measure: sessions, activity_pattern: 'wandel(groep'}",
        "{id: empty, label: Leeg, target: 4, measure: attendance, activities: []}",
    )) == [
        "key 'outputs[0].measure': unknown measure; expected one of participants, sessions, attendance, volunteer_hours, "
        "volunteers, cost_eur, log_rows (got 'days')",
        "key 'outputs[1].activity_pattern': not a valid regular expression (missing ), unterminated subpattern at "
        "position 6) (got 'wandel(groep')",
        "key 'outputs[2].activities': the list is empty; give at least one (got [])",
    ]


def test_combinations_that_make_no_sense_are_refused(tmp_path):
    assert _problems(tmp_path, _with_outputs(
        "{id: a, label: A, target: 1, measure: attendance, activities: [Wandelgroep], activity_pattern: wandel}",
        "{id: b, label: B, target: 1, activities: [Wandelgroep]}",
        "{id: c, label: C, target: 1, measure: participants, activity_pattern: wandel}",
        "{id: d, label: D, target: 1, measure: sessions, activities: ['Huisbezoeken (weektotaal)', Wandelgroep, ' wandelgroep']}",
    )) == [
        "key 'outputs[0].activity_pattern': give either 'activities' (names) or 'activity_pattern' (a regular "
        "expression), not both",
        "key 'outputs[1].activities': selects activities, but the output has no 'measure'; add one of sessions, "
        "attendance, volunteer_hours, volunteers, cost_eur, log_rows",
        "key 'outputs[2].activity_pattern': measure 'participants' counts the distinct participants of the register, "
        "which does not say who took part in which activity; select activities with one of sessions, attendance, "
        "volunteer_hours, volunteers, cost_eur, log_rows, or leave out 'activity_pattern'",
        "key 'outputs[3].activities[0]': 'Huisbezoeken (weektotaal)' names rows that each record a period's total (the "
        "name says 'totaal'/'total'), not one session, so they cannot be counted as sessions; measure what they record "
        "(e.g. measure: attendance for one-to-one visits or talks), or select activities logged one row per session",
        "key 'outputs[3].activities[2]': ' wandelgroep' is listed twice (also as activities[1])",
    ]


def test_the_sample_year_measures_what_its_outputs_name():
    """The three outputs readers found wrong: visits and talks by their attendance, trainings as sessions."""
    raw = REPO / "raw_data"
    by_id = {i: {o.id: o for o in load_theory_of_change(raw / i, raw).outputs}
             for i in ("utrecht-cares", "zorgverslimming", "talent-connection")}
    chosen = [(o.measure, o.activities) for o in (by_id["utrecht-cares"]["home_visits"],
                                                 by_id["zorgverslimming"]["coaching_contacts"],
                                                 by_id["talent-connection"]["trainings"])]
    assert chosen == [("attendance", ["Huisbezoeken (weektotaal)"]), ("attendance", ["Coachgesprekken (weektotaal)"]),
                      ("sessions", ["Sollicitatietraining"])]
