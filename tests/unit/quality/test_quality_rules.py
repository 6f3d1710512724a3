"""Great Expectations rules evaluated on a small hand-made warehouse: the error rules that the contract normally makes moot."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from impact import warehouse
from impact.quality.rules import RULES, ProgrammeYear, survey_retention
from impact.warehouse import tables

pytestmark = pytest.mark.unit

SURVEY_RULES = {r.name: r for r in RULES if r.table_name == "survey_responses"}


@pytest.fixture
def con(tmp_path):
    with warehouse.connect(tmp_path / "w.duckdb") as con:  # creates every declared table
        yield con


def _write(con, table, rows, columns):
    frame = pd.DataFrame(rows, columns=columns)
    with warehouse.transaction(con):
        warehouse.replace_rows(con, table, frame, where={})


def _bypassed_warehouse(con, survey_rows):
    """A warehouse whose survey table did not come through the contract (as after a bug or a hand edit)."""
    _write(con, tables.SURVEY_RESPONSES, survey_rows,
           ["initiative_id", "source_file", "source_row", "participant_id", "wave", "responded_on"])
    return con


def test_error_rules_fail_when_the_contract_was_bypassed(con):
    _bypassed_warehouse(con, [
        ("demo", "demo/s.csv", 1, "p1", "baseline", "2018-06-01"),
        ("demo", "demo/s.csv", 2, "p1", "follow_up", "2018-02-01"),
        ("demo", "demo/s.csv", 3, "p2", "baseline", "2018-01-01"),
        ("demo", "demo/s.csv", 4, "p2", "baseline", "2018-01-02"),
        ("other", "other/s.csv", 1, "p9", "baseline", "2018-01-01"),
    ])
    order = SURVEY_RULES["follow_up_after_baseline"].evaluate(con, ProgrammeYear(2018), ["demo", "other"])
    assert order[["initiative_id", "outcome", "unexpected_count", "failing_rows"]].values.tolist() == [
        ["demo", "failed", 1, "demo/s.csv, rij 2"],
        ["other", "passed", 0, None],
    ]
    unique = SURVEY_RULES["one_response_per_participant_and_wave"].evaluate(con, ProgrammeYear(2018), ["demo", "other"])
    assert unique[["initiative_id", "outcome", "unexpected_count"]].values.tolist() == [["demo", "failed", 2], ["other", "passed", 0]]
    assert set(order["severity"]) == {"ERROR"}
    # the results are held to the declaration of quality.quality_results
    assert list(order.columns) == list(tables.QUALITY_RESULTS.column_names)


def test_response_and_retention_counts_from_the_register():
    participants = pd.DataFrame({
        "initiative_id": ["a"] * 5 + ["refused"] * 3,
        "participant_id": ["p1", "p2", "p3", "p4", "p4", "r1", "r2", "r3"],  # p4 registered twice: one person
    })
    survey = pd.DataFrame({
        "initiative_id": ["a"] * 6 + ["unregistered"],
        "participant_id": ["p1", "p1", "p2", "p3", "p9", "p4", "x1"],
        "wave": ["baseline", "follow_up", "baseline", "follow_up", "baseline", "follow_up_2", "baseline"],
    })
    frame = survey_retention(participants, survey)
    # a: 4 registered; baselines p1, p2 and p9 (not registered, still a respondent); p1 answered both
    # refused: every survey drop refused, so no answers: 0, from the register
    assert frame.to_dict("records") == [
        {"initiative_id": "a", "registered": 4, "baseline": 3, "paired": 1, "baseline_response": 0.75,
         "retention": 1 / 3},
        {"initiative_id": "refused", "registered": 3, "baseline": 0, "paired": 0, "baseline_response": 0.0,
         "retention": 0.0},
    ]


def test_response_and_retention_rule_reads_the_register_and_the_survey(con):
    _write(con, tables.PARTICIPANTS, [("a", "p1"), ("a", "p2"), ("a", "p3"), ("b", "q1")],
           ["initiative_id", "participant_id"])
    _bypassed_warehouse(con, [
        ("a", "a/s.csv", 1, "p1", "baseline", "2018-02-01"),
        ("a", "a/s.csv", 2, "p2", "baseline", "2018-02-01"),
        ("a", "a/s.csv", 3, "p1", "follow_up", "2018-09-01"),
    ])
    rule = SURVEY_RULES["response_and_retention"]
    assert rule.read_frame(con)[["initiative_id", "baseline", "paired"]].values.tolist() == [["a", 2, 1], ["b", 0, 0]]
    result = rule.evaluate(con, ProgrammeYear(2018), ["a", "b"])
    # a: 2 of 3 answered the baseline (67 %), 1 of 2 the follow-up (50 %); b: nobody answered
    assert result[["initiative_id", "column", "outcome"]].values.tolist() == [
        ["a", "baseline_response", "passed"], ["a", "retention", "passed"],
        ["b", "baseline_response", "warning"], ["b", "retention", "warning"],
    ]


def test_a_rule_reading_a_table_it_does_not_declare_fails(con):
    rule = dataclasses.replace(SURVEY_RULES["response_and_retention"], reads=(tables.SURVEY_RESPONSES,))
    with pytest.raises(warehouse.UndeclaredRead, match="staging.participants"):
        rule.evaluate(con, ProgrammeYear(2018), ["demo"])


def test_every_rule_reads_only_what_it_declares(con):
    for rule in RULES:
        assert rule.reads, rule.name
        rule.read_frame(con)  # a read through warehouse.read/query outside rule.reads raises UndeclaredRead
        if isinstance(rule.frame, str):  # SQL is not parsed by the guard: its tables are the declared ones
            named = {t.name for t in tables.TABLES if t.name in rule.frame}
            assert named == {t.name for t in rule.reads}, rule.name


def test_coaching_log_notes_that_name_a_small_group_are_listed_where_they_are(con):
    rule = next(r for r in RULES if r.name == "no_small_groups_in_text")
    _write(con, tables.COACHING_SESSIONS, [
        ("nieuw-rotsoord", "coaching_sessions.csv", 31, "one_to_one", 4, "2018-10-01", "analysis", "Tussenstand",
         "Slechts zeven bewoners hebben zowel een nul- als een nameting.", None),
        ("nieuw-rotsoord", "coaching_sessions.csv", 12, "one_to_one", 1, "2018-04-13", None, "Start",
         "Het initiatief draait op een kleine kern vrijwilligers.", "Eén korte vraag bij aanmelding."),
        ("zus-en-zo", "coaching_sessions.csv", 5, "one_to_one", 1, "2018-04-04", None, "Start", None, None),
    ], ["initiative_id", "source_file", "source_row", "kind", "session_no", "date", "theme", "topics", "lessons",
        "actions"])
    results = rule.evaluate(con, ProgrammeYear(2018, 10), ["nieuw-rotsoord", "zus-en-zo"])
    assert results.loc[results["initiative_id"] == "zus-en-zo", "outcome"].tolist() == ["passed", "passed"]
    counts, shares = results[results["initiative_id"] == "nieuw-rotsoord"].sort_values("expectation").itertuples()
    assert (counts.expectation, counts.outcome, counts.unexpected_count) == (
        "expect_column_values_to_be_between", "warning", 1)
    assert counts.failing_rows == ("coaching_sessions.csv, rij 31, sessie 4 (1 oktober 2018), kolom 'lessons': "
                                   "'zeven bewoners'")
    assert counts.description == ("de notities in het coachinglogboek noemen geen groep van minder dan 10 mensen "
                                  "(zo'n notitie blijft uit de rapporten tot die anders is verwoord)")
    assert (shares.expectation, shares.outcome) == ("expect_column_values_to_be_null", "passed")
    # with a programme threshold of 5, seven residents may be named ("Eén korte vraag" is no group of people)
    assert rule.evaluate(con, ProgrammeYear(2018, 5), ["nieuw-rotsoord"])["outcome"].tolist() == ["passed", "passed"]


def test_stories_that_name_a_small_group_are_listed_where_they_are(con):
    rule = next(r for r in RULES if r.name == "no_small_groups_in_stories")
    _write(con, tables.STORIES, [
        ("nieuw-rotsoord", "nieuw-rotsoord/stories.md", 3, "bewoner", "Nu helpen elke zaterdag zes bewoners.", None),
        ("nieuw-rotsoord", "nieuw-rotsoord/stories.md", 4, "vrijwilliger", "Vier op de tien komen elke week.", None),
        ("nieuw-rotsoord", "nieuw-rotsoord/stories.md", 5, "bewoner, 75+", "Ik ken nu mijn buren.", "participation"),
    ], ["initiative_id", "source_file", "source_row", "who", "quote", "outcome_id"])
    results = rule.evaluate(con, ProgrammeYear(2018, 10, "en"), ["nieuw-rotsoord"])  # a programme in English
    counts, shares = results.sort_values("expectation").itertuples()
    assert (counts.outcome, counts.unexpected_count, counts.failing_rows) == (
        "warning", 1, "nieuw-rotsoord/stories.md story 3, field 'quote': 'zes bewoners'")
    assert (shares.outcome, shares.unexpected_count, shares.failing_rows) == (
        "warning", 1, "nieuw-rotsoord/stories.md story 4, field 'quote': 'Vier op de tien'")
    assert counts.description == ("the stories name no group of fewer than 10 people (such a story is left out of the "
                                  "yearly report until it is reworded)")
