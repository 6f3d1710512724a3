"""Small groups of people named in the coaching log's free text (impact/text_disclosure.py)."""

from __future__ import annotations

import pytest

from impact.text_disclosure import Finding, small_counts

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("text", "expected"), [
    # the two notes readers found in the sample year's reports
    ("Slechts zeven bewoners hebben zowel een nul- als een nameting.",
     [Finding("zeven bewoners", "small_count", 7)]),
    ("Na een jaar hebben vier op de tien nu betaald werk.", [Finding("vier op de tien", "share")]),
    # digits, adjectives between number and noun, a pronoun, English
    ("Er kwamen 7 nieuwe deelnemers bij.", [Finding("7 nieuwe deelnemers", "small_count", 7.0)]),
    ("Twee van hen stopten in de zomer.", [Finding("Twee van hen", "small_count", 2)]),
    # after an article a number still counts people; only "de twee metingen" are the survey's waves
    ("Van de zeven bewoners kwamen er vijf terug.", [Finding("zeven bewoners", "small_count", 7)]),
    ("Bij de twee metingen en het ene paar vragen.", []),
    # a small group without a number
    ("Een enkeling is het werk kwijtgeraakt.", [Finding("Een enkeling", "small_count")]),
    ("Een paar oudere deelnemers stopten; na een paar bezoeken ging het beter.",
     [Finding("Een paar oudere deelnemers", "small_count")]),
    ("Three residents dropped out.", [Finding("Three residents", "small_count", 3)]),
    ("Een derde van de vrouwen komt na de zomer niet meer.", [Finding("Een derde van de", "share")]),
    # the threshold itself and above are fine; "een" is the article
    ("Tien deelnemers en 12 ouderen; een deelnemer belde af.", []),
    # numbers that are not counts of people
    ("Eigen maat: 0 tot 30 personen; schaal 1–10; sessie 2 op 2018-05-09 om 14:00.", []),
    ("De Jong Gierveld (6 items); één-op-één sessie; drie ZRM-domeinen.", []),
    ("Voorleggen aan twee docenten en een leerlingenpanel; één gedeelde deelnemerslijst.", []),
    ("Gemiddeld twee personen meer in het netwerk bij de nameting.", []),
    ("Na zes weken zeventig ingevulde nulmetingen.", []),
    ("", []),
    (None, []),
])
def test_small_groups_are_found_and_other_numbers_left_alone(text, expected):
    assert small_counts(text, 10) == expected


def test_a_masked_count_is_found_however_large():
    # 14 baseline measurements: above the threshold, but masked in this initiative's report
    assert small_counts("Veertien nulmetingen sinds mei.", 10) == []
    assert small_counts("Veertien nulmetingen sinds mei.", 10, hidden={14.0}) == [
        Finding("Veertien nulmetingen", "masked_count", 14)]


def test_the_threshold_comes_from_the_programme():
    assert small_counts("Er deden 12 jongeren mee.", 10) == []
    assert small_counts("Er deden 12 jongeren mee.", 15) == [Finding("12 jongeren", "small_count", 12.0)]
