"""Dutch, the default: every message of the bad-input catalogue (tests/bad_inputs.py) in Dutch, with no English
left and no internal code in it; and the grouped lines `coaching check` prints for the causes that share one line.

The English messages are asserted exactly per case in test_bad_input_catalogue.py; here the Dutch ones are
checked for every case against words only English uses, and exactly for the causes the issue names.
"""

from __future__ import annotations

import re

import pytest

from impact.contracts import ContractContext
from impact.contracts.batches import stage_drops
from impact.ingest.drops import discover_drops, discover_initiatives
from impact.theory_of_change import load_theory_of_change
from pipelines.cli import main
from tests.bad_inputs import CASES, source_files, write_case
from tests.conftest import write_demo_initiative

pytestmark = pytest.mark.unit

INITIATIVE = "demo"
# words of the English messages that Dutch never uses (quoted values and column names are taken out first)
ENGLISH = re.compile(r"\b(the|expected|row|rows|column|columns|refused|which|should|must|cannot|allowed|value|"
                     r"empty|not|and|or|with|file|answer|stored|whole|number|like)\b", re.I)  # not date: a column name
CODES = re.compile(r"\b(allowed_values|whole_number|coded_off_by_one|month_first_date|survey_responses|outcome_scores|"
                   r"coaching_sessions|drop_inventory|djg11|djg6|rses|who5)\b(?!_)")
# a quote opens after a space or bracket (not the apostrophe of euro's) and closes before one
QUOTED = re.compile(r"(?<![\w])'[^']*'(?![\w])|\"[^\"]*\"|\([^()]*\.(csv|xlsx|xls|md|yaml|txt|docx)[^()]*\)")


def _dutch_messages(case, raw):
    folder = write_demo_initiative(raw, INITIATIVE)
    write_case(case, raw if case.kind == "coaching_sessions" else folder)
    owner = "all" if case.kind == "coaching_sessions" else INITIATIVE
    context = (ContractContext(initiative_ids=tuple(discover_initiatives(raw)))
               if case.kind == "coaching_sessions" else
               ContractContext.from_theory_of_change(load_theory_of_change(folder, raw)))
    assert context.language == "nl"  # the default
    batch = stage_drops(case.kind, {owner: discover_drops(raw, owner, case.kind)}, {owner: context}, b"k")
    files = set(source_files(case, INITIATIVE).values())
    q, n = batch.quarantine, batch.notices
    return q.loc[q["source_file"].isin(files), "message"].tolist() + n.loc[n["source_file"].isin(files), "message"].tolist()


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES if c.is_table and not c.xfail])
def test_every_message_of_the_catalogue_is_dutch_without_codes(case, tmp_path):
    messages = _dutch_messages(case, tmp_path)
    assert len(messages) == len(case.messages)
    for message in messages:
        files = set(source_files(case, INITIATIVE).values()) | {case.filename}
        text = message
        for name in sorted(files, key=len, reverse=True):
            text = text.replace(name, "")
        text = QUOTED.sub("", text)
        assert not ENGLISH.findall(text), message
        assert not CODES.findall(text), message


ROSENBERG_0_TO_3 = ("participant_id,wave,responded_on," + ",".join(f"rses_{i}" for i in range(1, 11)) + "\n"
                    + "".join(f"R{n:02d},baseline,2018-03-0{1 + n % 9}," + ",".join(str((n + i) % 4) for i in range(10)) + "\n"
                              for n in range(1, 31)))


@pytest.fixture
def check(tmp_path, monkeypatch, capsys):
    """`coaching check` on a drop written into the demo initiative's folder: (exit code, lines printed)."""
    monkeypatch.setenv("COACHING_RAW_DATA", str(tmp_path))
    folder = write_demo_initiative(tmp_path, INITIATIVE)

    def run(name: str, text: str) -> tuple[int, list[str]]:
        drop = folder / name
        drop.write_text(text, encoding="utf-8")
        code = main(["check", str(drop)])
        return code, [line.replace(str(drop), name) for line in capsys.readouterr().out.splitlines()]

    return run


def test_check_says_once_that_a_rosenberg_file_is_coded_one_too_low_and_how_to_fix_it(check):
    """30 respondents, every answer 0-3: one line with the cause and the fix, not 30 × 10 lines."""
    assert check("survey_2018-03.csv", ROSENBERG_0_TO_3) == (1, [
        "survey_2018-03.csv: 30 rijen gelezen: 0 in orde, 30 apart gezet",
        "  - kolom 'rses_1–rses_10', rijen 1–30: de antwoorden op de zelfwaarderingsschaal van Rosenberg zijn in dit "
        "bestand gecodeerd van 0 tot en met 3, één lager dan de codes van de schaal (1 tot en met 4): elk antwoord is "
        "één te laag gecodeerd. Tel bij elk antwoord in de kolommen rses_1 tot en met rses_10 1 op (of schrijf de "
        "antwoordwoorden: helemaal oneens, oneens, eens, helemaal eens) en lever het bestand opnieuw aan",
    ])


def test_check_keeps_participants_with_a_misspelt_wijk_and_names_the_rows_once(check):
    assert check("participants_2018-q1.csv",
                 "participant_id,enrolled_on,wijk,age_band\nP1,2018-03-01,Overvect,18-29\nP2,2018-03-01,Zuid,30-44\n"
                 "P3,2018-03-02,Overvect,45-64\nP4,2018-03-02,overvect,45-64\n") == (0, [
        "participants_2018-q1.csv: 4 rijen gelezen, alles in orde",
        "  let op: kolom 'wijk', rijen 1, 3 en 4: 'Overvect' is geen van de tien Utrechtse wijken (bedoelt u Overvecht?); "
        "de deelnemer telt gewoon mee, maar staat in het bereik per wijk bij ‘wijk onbekend’",
    ])


def test_check_says_once_that_a_date_column_is_month_first(check):
    assert check("participants_2018-q1.csv",
                 "participant_id,enrolled_on,wijk,age_band\nP1,03/31/2018,Oost,18-29\nP2,04/05/2018,Oost,30-44\n"
                 "P3,04/13/2018,Oost,45-64\n") == (1, [
        "participants_2018-q1.csv: 3 rijen gelezen: 0 in orde, 3 apart gezet",
        "  - kolom 'enrolled_on', rijen 1–3: de datums in deze kolom staan met de maand eerst ('03/31/2018' kan geen "
        "dag-maand-jaar zijn), dus elke datum in deze kolom kan verkeerd gelezen zijn; schrijf ze als een datum zoals "
        "31-03-2018 of 2018-03-31",
    ])
