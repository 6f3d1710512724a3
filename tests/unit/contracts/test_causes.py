"""Problems with one cause, on small frames: a coding shifted by one, month-first dates, and the grouping of
entries that share their message (impact/contracts/causes.py, impact/contracts/problems.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from impact.contracts import ContractContext, stage_file
from impact.contracts import causes
from impact.contracts.problems import group_problems, row_ranges
from impact.ingest.drops import Drop, sha256_of
from impact.language import Translator

pytestmark = pytest.mark.unit


def _stage(tmp_path, name: str, text: str, kind: str, language: str = "nl"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return stage_file(Drop("demo", kind, path, f"demo/{name}", sha256_of(path)), ContractContext(language=language))


def test_a_single_item_scale_coded_one_low_names_its_one_column_and_no_answer_words(tmp_path):
    # the grade 1-10 written 0-9 by twelve respondents, six of them a 0
    rows = "".join(f"P{i},baseline,2018-03-01,{[0, 0, 3, 5, 9, 0][i % 6]}\n" for i in range(12))
    result = _stage(tmp_path, "survey_a.csv", "participant_id,wave,responded_on,life_satisfaction\n" + rows, "survey")
    assert result.quarantined_rows == 12 and result.staged.empty
    assert set(result.quarantine["message"].str.split(": ", n=1).str[1]) == {
        "de antwoorden op de vraag naar het rapportcijfer voor het eigen leven zijn in dit bestand gecodeerd van 0 tot en "
        "met 9, één lager dan de codes van de schaal (1 tot en met 10): elk antwoord is één te laag gecodeerd. Tel bij "
        "elk antwoord in de kolom life_satisfaction 1 op en lever het bestand opnieuw aan"}


def test_answers_scored_zero_or_one_are_not_taken_for_a_coding_one_low():
    """A De Jong Gierveld file of 0s and 1s (scored, not answered) has no 2 = 'min of meer' shifted: no cause."""
    schema_items = {f"djg11_{i}": pd.Series([0, 1, 0, 1, 0, 1], dtype="float64") for i in range(1, 12)}
    typed = pd.DataFrame(schema_items)
    from impact.contracts.models import schema_for

    schema = schema_for("survey", ContractContext(), list(typed.columns))
    assert causes.shifted_codings(typed, schema, typed.astype(int).astype(str)) == []


def test_a_month_first_column_needs_two_dates_that_cannot_be_day_first():
    assert not causes.month_first(pd.Series(["02/03/2018", "05/04/2018", "03/13/2018", "11/06/2018"]))
    assert causes.month_first(pd.Series(["03/31/2018", "04/05/2018", "04/13/2018", "2018-04-20"]))
    assert not causes.month_first(pd.Series(["03/31/2018", "04/13/2018", "13/04/2018"]))  # one only day-first: mixed
    assert causes.numeric_dates(pd.Series(["2018-04-20", "04/13/2018", None])).tolist() == [False, True, False]


def test_entries_staged_in_english_are_grouped_for_a_dutch_reader(tmp_path):
    result = _stage(tmp_path, "participants_a.csv", "participant_id,enrolled_on,wijk,age_band\n"
                    "A1,2018-01-01,Oost,65+\nA2,2018-01-02,Oost,65+\nA3,2018-01-03,Oost,18-29\n", "participants", "en")
    groups = group_problems(result.quarantine, Translator("nl"))
    assert [(g.column, g.rows, g.text) for g in groups] == [
        ("age_band", (1, 2), "'65+' is not allowed; expected an age band: 0-11, 12-17, 18-29, 30-44, 45-64, 65-74, 75+")]


def test_row_runs_read_as_ranges_from_three_rows_on():
    nl = Translator("nl")
    assert row_ranges([4], nl) == "rij 4"
    assert row_ranges([3, 4], nl) == "rijen 3 en 4"
    assert row_ranges([1, 2, 3, 5, 9, 10, 11, 12], nl) == "rijen 1–3, 5 en 9–12"
