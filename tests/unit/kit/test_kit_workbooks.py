"""The kit's workbooks: filled in with the values their own drop-downs offer, the pipeline stages every row.

The done-when of the kit (issue 14, item 4): a register, an activity log and a survey workbook per wave, filled
in by openpyxl as a coordinator fills them in Excel (date cells, answer words from the drop-downs), pass the
contract with zero quarantined rows and zero notices, for every registered instrument, every kind of custom
outcome, and for the kit of every sample initiative.
"""

from __future__ import annotations

import io

import datetime as dt
import functools

import pytest

from impact.contracts.vocabulary import AGE_BANDS, GENDERS, WIJKEN
from impact.ingest.drops import kind_of
from impact.ingest.readers import choose_sheet
from impact.instruments.registry import REGISTRY, fold
from impact.kit import build_workbooks, kit_file_names
from impact.kit.content import READY_ROWS, activity_names, code_prefix
from impact.kit.workbooks import DATE_FORMAT
from impact.programme import load_programme
from impact.theory_of_change import load_theory_of_change
from tests.conftest import SAMPLE_RAW_DATA, load_toc_text
from tests.unit.kit.kit_helpers import (
    assert_all_staged,
    of_initiative,
    dropdowns,
    fill,
    header,
    open_workbook,
    stage,
    survey_rows,
    toc_text,
    validations_by_column,
)

pytestmark = pytest.mark.unit

PROGRAMME = load_programme(SAMPLE_RAW_DATA)


@functools.lru_cache(maxsize=None)
def sample_toc(initiative_id: str):
    return load_theory_of_change(SAMPLE_RAW_DATA / initiative_id, SAMPLE_RAW_DATA)


@functools.lru_cache(maxsize=None)
def sample_workbooks(initiative_id: str) -> dict[str, bytes]:
    return build_workbooks(sample_toc(initiative_id), PROGRAMME)


SAMPLE_INITIATIVES = sorted(p.parent.name for p in SAMPLE_RAW_DATA.glob("*/theory_of_change.yaml"))
CUSTOM_OUTCOMES = [
    "{id: has_work, label: Betaald werk, instrument: custom, type: binary, higher_is_better: true}",
    "{id: confidence, label: Zelfvertrouwen, instrument: custom, type: ordinal, min: 1, max: 5, higher_is_better: true}",
    "{id: network, label: Sociaal netwerk, instrument: custom, type: numeric, min: 0, max: 30, unit: personen, higher_is_better: true}",
    "{id: steps, label: Stappen per dag, instrument: custom, type: ordinal, min: 0, max: 20000, higher_is_better: true}",
]


def filled_kit(toc, language: str = "nl", n: int = 12) -> tuple[dict[str, bytes], dict[str, int]]:
    """The kit's workbooks filled in with ``n`` participants, activities and answers at every wave."""
    workbooks = (sample_workbooks(toc.id) if language == "nl" and toc.id in SAMPLE_INITIATIVES and toc is sample_toc(toc.id)
                 else build_workbooks(toc, PROGRAMME, language))
    names = kit_file_names(toc, language)
    prefix = code_prefix(toc)
    codes = [f"{prefix}-{i:04d}" for i in range(1, n + 1)]
    files, rows = {}, {}

    register = open_workbook(workbooks[names["participants"]])
    lists = dropdowns(register)
    files[names["participants"]] = fill(workbooks[names["participants"]], [
        {"participant_id": code, "enrolled_on": dt.date(2018, 1, 2) + dt.timedelta(days=i),
         "wijk": lists["wijk"][i % len(lists["wijk"])] if i % 5 else None,
         "age_band": lists["age_band"][i % len(lists["age_band"])],
         "gender": lists["gender"][i % len(lists["gender"])] if i % 4 else None,
         "left_on": dt.date(2018, 11, 1) if i % 6 == 0 else None}
        for i, code in enumerate(codes)])
    rows["participants"] = n

    log = open_workbook(workbooks[names["activities"]])
    activities = dropdowns(log)["activity"]
    files[names["activities"]] = fill(workbooks[names["activities"]], [
        {"date": dt.date(2018, 1, 3) + dt.timedelta(days=7 * i), "activity": activities[i % len(activities)],
         "attendees": 10 + i, "volunteers": i % 4 or None, "volunteer_hours": 2.5 * (i % 3), "cost_eur": 12.75 * i}
        for i in range(n)])
    rows["activities"] = n

    for w, wave in enumerate(toc.waves):
        name = names[f"survey:{wave}"]
        files[name] = fill(workbooks[name], survey_rows(open_workbook(workbooks[name]), codes, dt.date(2018, 2 + 3 * w, 1)))
    rows["survey"] = n * len(toc.waves)
    return files, rows


ALL_INSTRUMENTS = [f"{{id: {i}, label: {i}, instrument: {i}}}" for i in sorted(REGISTRY)]


def test_a_filled_in_kit_passes_the_contract_for_every_instrument_custom_outcome_and_extra_wave(tmp_path):
    toc = load_toc_text(tmp_path, toc_text("demo", ALL_INSTRUMENTS + CUSTOM_OUTCOMES, "[baseline, follow_up, follow_up_2]"))
    files, rows = filled_kit(toc)
    assert sorted(n for n in files if n.startswith("survey")) == [
        "survey_baseline_demo.xlsx", "survey_follow_up_2_demo.xlsx", "survey_follow_up_demo.xlsx"]
    batches = stage(tmp_path / "demo", files, toc)
    assert_all_staged(batches, rows)
    staged = batches["survey"].staged
    assert sorted(staged["wave"].unique()) == ["baseline", "follow_up", "follow_up_2"]
    # every item of every instrument is stored, the answer words turned into the instrument's codes in turn
    first = staged.sort_values("responded_on").iloc[0]
    columns = header(open_workbook(files["survey_baseline_demo.xlsx"]).worksheets[0])
    for instrument, inst in REGISTRY.items():
        codes = [first[item] for item in inst.items]
        assert codes == [inst.codes[(columns.index(item) - 3) % len(inst.codes)] for item in inst.items], instrument
        labels = inst.answer_labels.get("nl")
        if labels:
            assert [inst.answer_words[fold(label)] for label in labels] == list(inst.codes), instrument
    assert set(staged["has_work"]) == {0.0, 1.0}
    assert staged["confidence"].between(1, 5).all() and staged["network"].between(0, 30).all()
    assert staged["steps"].between(0, 20000).all()


def test_a_filled_in_english_kit_passes_the_contract(tmp_path):
    toc = load_toc_text(tmp_path, toc_text("demo", ALL_INSTRUMENTS + CUSTOM_OUTCOMES[:1]))
    files, rows = filled_kit(toc, "en")
    survey = open_workbook(files["survey_baseline_demo.xlsx"])
    assert dropdowns(survey)["rses_1"] == ["strongly disagree", "disagree", "agree", "strongly agree"]
    assert dropdowns(survey)["has_work"] == ["yes", "no"]
    assert_all_staged(stage(tmp_path / "demo", files, toc), rows)


@pytest.fixture(scope="module")
def sample_batches(tmp_path_factory):
    """The kit of every sample initiative, filled in and staged together, as one build stages the year."""
    from impact.contracts import ContractContext
    from impact.contracts.batches import stage_drops
    from impact.ingest.drops import Drop, sha256_of
    from tests.unit.kit.kit_helpers import KEY

    root = tmp_path_factory.mktemp("kits")
    drops: dict[str, dict[str, list]] = {}
    contexts, rows = {}, {}
    for initiative_id in SAMPLE_INITIATIVES:
        toc = sample_toc(initiative_id)
        files, rows[initiative_id] = filled_kit(toc)
        contexts[initiative_id] = ContractContext.from_theory_of_change(toc)
        for name, data in files.items():
            path = root / initiative_id / name
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(data)
            drop = Drop(initiative_id, kind_of(name), path, f"{initiative_id}/{name}", sha256_of(path))
            drops.setdefault(drop.kind, {}).setdefault(initiative_id, []).append(drop)
    return {kind: stage_drops(kind, by_initiative, contexts, KEY) for kind, by_initiative in drops.items()}, rows


@pytest.mark.parametrize("initiative_id", SAMPLE_INITIATIVES)
def test_the_kit_of_every_sample_initiative_passes_the_contract(sample_batches, initiative_id):
    batches, rows = sample_batches
    assert_all_staged({kind: of_initiative(batch, initiative_id) for kind, batch in batches.items()}, rows[initiative_id])


def test_there_are_nine_sample_initiatives():
    assert len(SAMPLE_INITIATIVES) == 9


def test_the_drop_downs_hold_exactly_the_allowed_values(tmp_path):
    toc = sample_toc("sociale-supermarkt")
    workbooks = sample_workbooks("sociale-supermarkt")
    register = dropdowns(open_workbook(workbooks["participants_sociale-supermarkt.xlsx"]))
    assert register == {"wijk": list(WIJKEN), "age_band": list(AGE_BANDS), "gender": list(GENDERS)}
    log = dropdowns(open_workbook(workbooks["activities_sociale-supermarkt.xlsx"]))
    # the names the outputs count first, as the log must write them, then the Theory of Change's activities
    assert log == {"activity": ["Winkel open", "Winkel drie dagen per week open", "Budgetcursus",
                                "Klanten helpen als vrijwilliger in de winkel"]}
    assert log["activity"] == list(activity_names(toc))
    survey = dropdowns(open_workbook(workbooks["survey_follow_up_sociale-supermarkt.xlsx"]))
    assert survey == {"wave": ["follow_up"],
                      **{f"rses_{i}": ["helemaal oneens", "oneens", "eens", "helemaal eens"] for i in range(1, 11)}}
    # every answer word is one the contract reads as the code in that position
    assert [REGISTRY["rses"].answer_words[w] for w in survey["rses_1"]] == [1, 2, 3, 4]


def test_the_survey_columns_are_exactly_the_instruments_item_columns():
    survey = open_workbook(sample_workbooks("zorgverslimming")["survey_baseline_zorgverslimming.xlsx"]).worksheets[0]
    assert header(survey) == ["participant_id", "wave", "responded_on", *REGISTRY["zrm"].items, *REGISTRY["who5"].items]
    survey = open_workbook(sample_workbooks("digitale-buddies")["survey_baseline_digitale-buddies.xlsx"]).worksheets[0]
    assert header(survey) == ["participant_id", "wave", "responded_on", *REGISTRY["djg11"].items, "life_satisfaction"]
    assert dropdowns(survey.parent)["life_satisfaction"] == list(range(1, 11))


def test_the_data_sheet_is_the_one_the_pipeline_reads_and_its_cells_are_ready(tmp_path):
    for name, data in sample_workbooks("talent-connection").items():
        workbook = open_workbook(data)
        kind = kind_of(name)
        assert workbook.sheetnames == [kind, "Uitleg", "Lijsten"]
        assert choose_sheet(workbook.sheetnames, kind) == kind
        assert workbook["Lijsten"].sheet_state == "hidden"
        sheet = workbook.worksheets[0]
        assert sheet.max_row == 1  # the header, no data
        assert all(cell.comment is not None and cell.comment.text for cell in sheet[1])
        for column, cell in zip(header(sheet), sheet[1]):
            style = sheet.column_dimensions[cell.column_letter].number_format
            if column in ("enrolled_on", "left_on", "date", "responded_on"):
                assert style == DATE_FORMAT
            elif column == "participant_id":
                assert style == "@"
        validations = validations_by_column(workbook)
        required_free_text = {"participant_id"}
        assert set(header(sheet)) - required_free_text == set(validations), name
        assert all(str(v.sqref) == f"{sheet.cell(row=2, column=header(sheet).index(c) + 1).column_letter}2:"
                                   f"{sheet.cell(row=2, column=header(sheet).index(c) + 1).column_letter}{READY_ROWS[kind] + 1}"
                   for c, v in validations.items())
    log = validations_by_column(open_workbook(sample_workbooks("talent-connection")["activities_talent-connection.xlsx"]))
    assert log["activity"].errorStyle == "warning"  # another name may be logged, with a warning
    assert log["attendees"].type == "whole" and log["cost_eur"].type == "decimal"


def test_an_empty_kit_workbook_is_refused_as_empty_not_read_as_data(tmp_path):
    batches = stage(tmp_path / "food-for-good", sample_workbooks("food-for-good"), sample_toc("food-for-good"))
    for batch in batches.values():
        assert batch.drops["refused"].all()
        assert set(batch.quarantine["rule"]) == {"empty_file"}


def test_workbooks_are_the_same_bytes_on_rebuild():
    for initiative_id in ("digitale-buddies", "zorgverslimming", "talent-connection"):
        assert build_workbooks(sample_toc(initiative_id), PROGRAMME) == sample_workbooks(initiative_id)


def test_no_clock_reaches_a_workbook():
    """Two builds within a second would match even with the time in them: the dates are fixed, not the clock's."""
    import re
    import zipfile

    for name, data in build_workbooks(sample_toc("digitale-buddies"), PROGRAMME).items():
        archive = zipfile.ZipFile(io.BytesIO(data))
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}, name
        core = archive.read("docProps/core.xml").decode("utf-8")
        assert re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]*)<", core) == ["2018-01-01T00:00:00Z"] * 2, name
