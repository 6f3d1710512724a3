"""What a coach reads about the quality checks: Dutch by default, English on request, from the catalogue
(impact/language/locale/<language>/quality.yaml); columns as written in the file, no table names, instrument
codes or rule names; percentages and decimals with a decimal comma in Dutch."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from impact.language import catalogue
from impact.quality import reliability
from impact.quality.rules import (
    RULES,
    ProgrammeYear,
    _item_completeness,
    _participants_completeness,
    _plausible_activities,
    _plausible_answers,
    _response_and_retention,
    _in_year,
)

pytestmark = pytest.mark.unit

NL, EN = ProgrammeYear(2018), ProgrammeYear(2018, 10, "en")
ITEMS = pd.DataFrame({"initiative_id": ["demo"] * 10, "djg11_3": [1, 2, 3, 1, 2, 3, 1, 2, 3, 1],
                      "zrm_financien": [1, 2, 3, 4, 5, 1, 2, 3, 4, 5], "life_satisfaction": [7] * 10,
                      "contact": [1, 2] * 5})


def _descriptions(expectations) -> list[str]:
    return [e.meta["description"] for e in expectations]


def test_expectations_read_in_dutch_with_a_decimal_comma_and_the_column_as_written():
    assert _descriptions(_participants_completeness(None, NL)) == [
        "'wijk' is bij minstens 90% van de deelnemers ingevuld",
        "'gender' is bij minstens 90% van de deelnemers ingevuld",
    ]
    assert _descriptions(_in_year("responded_on")(None, NL)) == [
        "de datum in 'responded_on' valt in het programmajaar 2018"]
    assert _descriptions(_response_and_retention(None, NL)) == [
        "minstens 60% van de ingeschreven deelnemers vulde de nulmeting in",
        "minstens 50% van wie de nulmeting invulde, vulde ook de nameting in",
    ]
    assert _descriptions(_plausible_activities(None, NL))[2] == "een activiteit kost hoogstens € 50.000"
    assert _descriptions(_plausible_activities(None, EN))[2] == "an activity costs at most €50,000"


def test_survey_items_are_named_by_their_instrument_not_its_code():
    assert _descriptions(_item_completeness(ITEMS, NL)) == [
        "kolom 'djg11_3' (vraag 3 van de eenzaamheidsschaal van De Jong Gierveld met 11 vragen) is door minstens 90% "
        "van de invullers beantwoord",
        "kolom 'zrm_financien' (het domein financiën van de Zelfredzaamheid-Matrix) is door minstens 90% van de "
        "invullers beantwoord",
        "kolom 'life_satisfaction' (rapportcijfer voor het eigen leven) is door minstens 90% van de invullers "
        "beantwoord",
        "kolom 'contact' is door minstens 90% van de invullers beantwoord",
    ]
    assert _descriptions(_plausible_answers(ITEMS, EN))[0] == (
        "answers in column 'djg11_3' (item 3 of the 11-item De Jong Gierveld loneliness scale) vary between "
        "respondents (not all the same)")


def test_reliability_reads_in_dutch_with_a_decimal_comma(monkeypatch):
    found = pd.DataFrame({"initiative_id": ["demo"], "outcome_id": ["loneliness"], "instrument": ["djg11"],
                          "wave": ["baseline"], "alpha": [0.6512], "n_complete": [24]})
    monkeypatch.setattr(reliability, "outcome_reliability", lambda survey, outcomes: found)
    nl = reliability.reliability_results(None, None).iloc[0]
    assert (nl.description, nl.expected, nl.observed_value, nl.outcome) == (
        "de vragen van de eenzaamheidsschaal van De Jong Gierveld met 11 vragen hangen goed samen bij de nulmeting "
        "(Cronbachs alfa minstens 0,70)", "alfa minstens 0,70", "0.65", "warning")  # the value stays a number
    en = reliability.reliability_results(None, None, "en").iloc[0]
    assert en.description == ("the items of the 11-item De Jong Gierveld loneliness scale hang together at baseline "
                              "(Cronbach's alpha at least 0.70)")


CODES = re.compile(r"\b(survey_responses|outcome_scores|coaching_sessions|quality_results|djg11|djg6|rses|who5|zrm"
                   r"|raw_rows_add_up|respondents_in_register|dates_in_programme_year)\b")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_internal_codes_outside_the_quoted_columns(language):
    """Every rule's and expectation's words: a column may be named in quotes, nothing else internal."""
    year = ProgrammeYear(2018, 10, language)
    frames = {"survey_responses": ITEMS}
    texts = [r.description(language) for r in RULES]
    for rule in RULES:
        texts += _descriptions(rule.expectations(frames.get(rule.table_name, ITEMS.iloc[:0]), year))
    texts += [v for k, v in catalogue(language).items() if k.startswith("quality.") and "{" not in v]
    unquoted = [re.sub(r"'[^']*'", "''", t) for t in texts]
    assert [t for t in unquoted if CODES.search(t)] == []
    assert len(set(texts)) > 30


def test_every_rule_says_what_it_checks_in_both_languages():
    for rule in RULES:
        nl, en = rule.description("nl"), rule.description("en")
        assert nl and en and nl != en, rule.name
    assert next(r for r in RULES if r.name == "coaching_log_complete").description() == (
        "Het coachinglogboek bevat de 5 één-op-één-sessies van elk initiatief.")


def test_the_catalogues_hold_the_same_quality_and_settings_keys():
    for domain in ("quality.", "settings."):
        nl = {k for k in catalogue("nl") if k.startswith(domain)}
        assert nl and nl == {k for k in catalogue("en") if k.startswith(domain)}
