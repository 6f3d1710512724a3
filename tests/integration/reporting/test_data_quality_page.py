"""The coaches' data-quality page of the sample year, in Dutch (the programme's language): no English, no internal
codes, problems grouped by cause, and the misspelt wijk of the sample year kept as unknown with its notice."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# words only the English page and messages use; file names, quoted values and column names are taken out first
ENGLISH = re.compile(r"\b(the|expected|row|rows|column|columns|refused|which|should|must|cannot|allowed|value|empty|"
                     r"not|and|or|with|file|files|answer|stored|whole|number|found|falls|least|items|hang|together|"
                     r"checks?|warning|failed|passed|participants|survey|initiative|reason|set aside)\b", re.I)
CODES = re.compile(r"\b(allowed_values|whole_number|coded_off_by_one|month_first_date|survey_responses|outcome_scores|"
                   r"coaching_sessions|drop_inventory|dates_in_programme_year|no_small_groups_in_text|"
                   r"response_and_retention|follow_up|djg11|djg6|rses|who5|zrm|None|nan)\b(?!_)")
FILE = re.compile(r"[\w&.-]+/[\w.-]+\.(csv|xlsx|md|yaml)|\b[\w-]+\.(csv|xlsx|md|yaml)\b")
QUOTED = re.compile(r"'[^']*'|‘[^’]*’")


@pytest.fixture(scope="module")
def page(built_sample) -> str:
    assert built_sample["code"] == 0
    return (Path(built_sample["reports"]) / "2018" / "data_quality" / "index.html").read_text(encoding="utf-8")


def _text(page: str) -> str:
    body = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "\n", body))


def test_the_page_is_dutch_and_names_no_internal_code(page):
    assert '<html lang="nl">' in page
    text = _text(page)
    assert "Kwaliteit van de gegevens, coachingsjaar 2018" in text
    words = QUOTED.sub("", FILE.sub("", text))
    assert ENGLISH.findall(words) == []
    assert CODES.findall(words) == []
    assert re.findall(r"\d\.\d", words) == []  # decimals with a comma


def test_the_misspelt_wijk_of_the_sample_year_keeps_its_participant(page, built_sample):
    text = re.sub(r"\s+", " ", _text(page))
    assert ("sociale-supermarkt/participants_2018-q1.csv kolom 'wijk', rij 38: 'Overvect' is geen van de tien Utrechtse "
            "wijken (bedoelt u Overvecht?); de deelnemer telt gewoon mee, maar staat in het bereik per wijk bij ‘wijk "
            "onbekend’") in text
    con = built_sample["con"]
    staged, raw = con.execute("""
        SELECT sum(staged_rows), sum(raw_rows) FROM staging.drops
        WHERE source_file = 'sociale-supermarkt/participants_2018-q1.csv'""").fetchone()
    assert staged == raw  # nobody of that drop is set aside
    assert con.execute("""
        SELECT wijk FROM staging.participants
        WHERE source_file = 'sociale-supermarkt/participants_2018-q1.csv' AND source_row = 38""").fetchone() == (None,)
