"""Participants' stories in the sample year: staged or quarantined story by story, and the yearly report's
chapter "In hun eigen woorden" showing exactly the stories told with consent that name no small group."""

from __future__ import annotations

import re

import pytest

from impact.reporting import report_data
from impact.language import Translator
from impact.reporting.provenance import code_version
from impact.reporting.yearly import SECTIONS, YearlyContext, stories_section
from tests.integration.reporting.test_reports import folded, pdf_text

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SS, NR = "sociale-supermarkt", "nieuw-rotsoord"


@pytest.fixture(scope="module")
def data(built_sample):
    assert built_sample["code"] == 0
    return report_data.load(built_sample["con"])


def _chapter(built_sample, initiative_id: str) -> str:
    html = (built_sample["reports"] / "2018" / initiative_id / f"{initiative_id}_2018.html").read_text(encoding="utf-8")
    found = re.search(r'<h1 id="stories">.*?</section>', html, re.S)
    return folded(re.sub(r"<[^>]+>", " ", found.group(0))).strip() if found else ""


def test_every_story_is_staged_or_quarantined_and_the_counts_add_up(built_sample):
    con = built_sample["con"]
    assert con.execute(
        "SELECT source_file, raw_rows, staged_rows, quarantined_rows, refused FROM staging.drops "
        "WHERE table_name = 'stories' ORDER BY 1").fetchall() == [
        ("nieuw-rotsoord/stories_interviews.md", 5, 5, 0, False),
        ("sociale-supermarkt/stories_2018.yaml", 3, 2, 1, False),
    ]
    assert con.execute("SELECT initiative_id, count(*) FROM staging.stories GROUP BY 1 ORDER BY 1").fetchall() == [
        (NR, 5), (SS, 2)]
    assert con.execute(
        "SELECT source_file, source_row, \"column\", value, rule, message FROM staging.quarantine "
        "WHERE table_name = 'stories'").fetchall() == [
        ("sociale-supermarkt/stories_2018.yaml", 3, "consent", "nee", "no_consent",
         "sociale-supermarkt/stories_2018.yaml, rij 3, kolom 'consent': geen toestemming gegeven: het verhaal wordt niet "
         "gepubliceerd")]
    # the text of the story without consent is nowhere in the warehouse
    assert con.execute("SELECT count(*) FROM staging.stories WHERE quote LIKE '%weekmenu%'").fetchone() == (0,)
    checks = dict(con.execute(
        "SELECT initiative_id || ' ' || check_name || ' ' || expectation, outcome || ' ' || coalesce(failing_rows, '') "
        "FROM quality.quality_results WHERE table_name = 'stories' AND outcome <> 'passed'").fetchall())
    assert checks == {f"{NR} no_small_groups_in_stories expect_column_values_to_be_between":
                      "warning nieuw-rotsoord/stories_interviews.md, verhaal 3, veld 'quote': 'zes bewoners'"}
    assert con.execute(
        "SELECT count(*) FROM quality.quality_results WHERE table_name = 'stories' AND check_name = 'raw_rows_add_up' "
        "AND outcome = 'passed'").fetchone() == (2,)


def test_the_chapter_shows_the_consented_stories_after_the_hypotheses(built_sample):
    text = _chapter(built_sample, SS)
    assert text.startswith("6. In hun eigen woorden Deelnemers en betrokkenen vertellen hier in hun eigen woorden wat "
                           "Sociale Supermarkt voor hen betekende.")
    assert ("Vroeger schaamde ik me als ik bij de voedselbank in de rij stond. Hier pak ik zelf een mandje en reken ik "
            "af bij de kassa, net als iedereen. Dat voelt als gewoon meedoen. – klant, alleenstaande moeder, "
            "14 juni 2018 · over gevoel van eigenwaarde") in text
    # the teller wrote '50-64 jaar'; the profile merged 75+ into 65–74, so a teller's age is left out (finer
    # bands beside a quote would undo the merging)
    assert "– vrijwilliger en oud-klant, 20 september 2018 · over gevoel van eigenwaarde" in text and "50-64" not in text
    assert "weekmenu" not in text  # the story told without consent
    assert text.endswith("Alle verhalen in dit hoofdstuk zijn gedeeld met toestemming van wie ze vertelde. Namen staan "
                         "er niet in: bij elk verhaal staat alleen in algemene woorden wie het vertelde. Eén verhaal "
                         "staat niet in dit rapport, omdat er geen toestemming was om het te delen.")
    pdf = pdf_text(built_sample["reports"] / "2018" / SS / f"{SS}_2018.pdf")
    assert "6. In hun eigen woorden" in pdf and "weekmenu" not in pdf


def test_a_story_naming_a_small_group_is_withheld_and_said_so(built_sample, data):
    text = _chapter(built_sample, NR)
    assert text.count("– bewoner") == 3 and text.count("– vrijwilliger") == 1
    assert "zes bewoners" not in text and "speelveldje" not in text
    assert "Eén verhaal is weggelaten, omdat het een groep van minder dan 10 personen" in text
    assert "geen toestemming" not in text  # every story of Nieuw Rotsoord was told with consent
    shown = stories_section(YearlyContext(data, NR, Translator("nl", data.threshold), code_version()))
    # as written: 'bewoner, 75+' and 'bewoner, 30-44 jaar'; the profile shows 18–44 and 45+ only
    assert [s["who"] for s in shown["stories"]] == ["bewoner", "bewoner", "bewoner, nieuw in de wijk", "vrijwilliger"]
    # written as the outcome's label in the drop ("Participatie"), stored as its id
    assert [s["outcome"] for s in shown["stories"]] == ["over participatie"] * 3 + [""]


def test_no_chapter_without_a_stories_file(built_sample, data):
    assert _chapter(built_sample, "digitale-buddies") == ""
    c = YearlyContext(data, "digitale-buddies", Translator("nl", data.threshold), code_version())
    built = {name: section(c) for name, section in SECTIONS}
    assert built["stories"] is None and "stories" not in [s.id for s in c.doc.sections]


def test_the_chapter_in_english(data):
    c = YearlyContext(data, SS, Translator("en", data.threshold), code_version())
    shown = stories_section(c)
    assert shown["section"].title == "In their own words"
    assert shown["notes"] == [
        "Every story in this chapter is shared with the consent of the person who told it. Names are left out: each "
        "story says only in general terms who told it.",
        "One story is not in this report because there was no consent to share it."]
    assert shown["stories"][0]["outcome"] == "on gevoel van eigenwaarde"  # the label as the Theory of Change writes it
