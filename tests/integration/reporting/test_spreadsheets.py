"""The sample year's tables as the municipality opens them: every table as CSV for Dutch Excel and as the
machine CSV with the same values, and one workbook per report in Dutch with formats, × and – and a legend.

The sample year is built once per session (``built_sample`` in tests/integration/conftest.py).
"""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from impact.language import Translator
from impact.reporting.spreadsheets import HIDDEN_MARK, MISSING_MARK, headers, sheet_title, worded_frame
from impact.reporting.tables import hidden_reasons
from tests.integration.pipelines.test_pipeline_end_to_end import NINE

pytestmark = [pytest.mark.integration, pytest.mark.slow]

YEAR = "2018"
FOLDERS = [*NINE, "programme", "lessons_learned"]
P_FORMAT = '[<0.001]"< 0,001";0.000'


@pytest.fixture(scope="module")
def year_folder(built_sample) -> Path:
    assert built_sample["code"] == 0
    return built_sample["reports"] / YEAR


def _machine(year_folder: Path, folder: str, table: str) -> pd.DataFrame:
    return pd.read_csv(year_folder / folder / "tables" / "machine" / f"{table}.csv", encoding="utf-8-sig",
                       keep_default_na=False, na_values=[""])


def test_every_table_opens_in_dutch_excel_with_the_values_of_the_machine_csv(year_folder):
    nl = Translator("nl")
    for folder in FOLDERS:
        tables = year_folder / folder / "tables"
        excel = sorted(p.name for p in tables.glob("*.csv"))
        assert excel and excel == sorted(p.name for p in (tables / "machine").glob("*.csv")), folder
        for name in excel:
            raw = (tables / name).read_bytes()
            assert raw.startswith(b"\xef\xbb\xbf")
            people = pd.read_csv(tables / name, sep=";", decimal=",", encoding="utf-8-sig")
            machine = pd.read_csv(tables / "machine" / name, encoding="utf-8-sig")
            assert list(people.columns) == headers(machine.columns, nl), (folder, name)
            people = people.set_axis(machine.columns, axis=1)
            # the numbers of the machine CSV; its codes in the report's words, as the workbook shows them
            worded = worded_frame(machine, nl, 10)
            for column in machine.columns:
                if column == "notes" and name in ("sroi.csv", "sroi_outcomes.csv"):  # the yearly report's own words
                    assert people[column].notna().tolist() == machine[column].notna().tolist(), (folder, name)
                elif pd.api.types.is_numeric_dtype(machine[column]) and not pd.api.types.is_bool_dtype(machine[column]):
                    pd.testing.assert_series_equal(people[column], machine[column], obj=f"{folder}/{name}/{column}")
                else:
                    assert ([None if pd.isna(v) else str(v) for v in people[column]]
                            == [None if pd.isna(v) else str(v) for v in worded[column]]), (folder, name, column)
    # no code of the machine CSV is left in a Dutch one (review: 'True;increase;paired_t', 'unknown', 'supported')
    effects = pd.read_csv(year_folder / "programme" / "tables" / "effects.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert not {"supported", "not_shown", "True", "False", "increase", "paired_t"} & set(effects.astype(str).stack())
    wijk = (year_folder / "sociale-supermarkt" / "tables" / "reach_by_wijk.csv").read_text(encoding="utf-8-sig")
    assert "onbekend;" in wijk and "unknown" not in wijk and "fewer_than_threshold" not in wijk
    first = (year_folder / "sociale-supermarkt" / "tables" / "response.csv").read_text(encoding="utf-8-sig")
    assert first.splitlines()[0] == ("Ingeschreven;Aantal nulmetingen;Aantal nametingen;Aantal met beide metingen;"
                                     "Respons nulmeting;Behoud tot nameting;Afgeschermd (×) en waarom")


def test_every_workbook_cell_is_the_machine_csvs_value_or_the_mark_its_hidden_column_gives(year_folder):
    nl = Translator("nl")
    for folder in FOLDERS:
        stem = f"{folder}_{YEAR}"
        book = openpyxl.load_workbook(year_folder / folder / f"{stem}_tables.xlsx")
        names = sorted(p.stem for p in (year_folder / folder / "tables" / "machine").glob("*.csv"))
        assert book.sheetnames[0] == "Toelichting" and book.sheetnames[-1] == "Kolommen"
        assert sorted(book.sheetnames[1:-1]) == sorted(sheet_title(n, nl) for n in names), folder
        text_kinds = {nl.t("spreadsheet.kind.text"), nl.t("spreadsheet.kind.label")}
        kinds = {(sheet, code): kind for sheet, _, code, kind in book["Kolommen"].iter_rows(min_row=2, values_only=True)}
        for name in names:
            machine = _machine(year_folder, folder, name)
            sheet = book[sheet_title(name, nl)]
            rows = list(sheet.iter_rows(values_only=True))
            assert list(rows[0]) == headers(machine.columns, nl) and sheet.freeze_panes == "A2"
            assert len(rows) == len(machine) + 1, (folder, name)
            for (_, expected), shown in zip(machine.iterrows(), rows[1:]):
                masked = hidden_reasons(expected) if "hidden" in machine.columns else {}
                for column, value, cell in zip(machine.columns, expected, shown):
                    if column == "hidden" or not isinstance(value, float) or kinds[sheet.title, column] in text_kinds:
                        continue  # text (an empty text column reads as NaN here) stays as it is
                    if math.isnan(value):
                        assert cell == (HIDDEN_MARK if column in masked else MISSING_MARK), (folder, name, column)
                    else:
                        assert cell == pytest.approx(value, rel=1e-15), (folder, name, column)


def test_the_workbook_of_a_report_reads_as_the_report_does(year_folder):
    book = openpyxl.load_workbook(year_folder / "imc-weekendschool" / f"imc-weekendschool_{YEAR}_tables.xlsx")
    hyp = book["Hypothesen"]
    column = {cell.value: cell.column_letter for cell in hyp[1]}
    assert [c.value for c in hyp[1]][:4] == ["Hypothese", "Uitkomst (code)", "Uitkomst", "Hypothese (tekst)"]
    # a Wilcoxon test whose count of unchanged scores is hidden: W, r and the exact p are ×, the strength of the
    # evidence (a band of p) is shown; a t-test's df is not computed: –
    assert [hyp[f"{column[c]}2"].value for c in ("Toetsingsgrootheid", "Effectmaat", "p", "p (Holm)")] == ["×"] * 4
    assert hyp[f"{column['Bewijs dat het geen toeval is']}2"].value == "sterk bewijs dat het geen toeval is"
    assert hyp[f"{column['Vrijheidsgraden']}2"].value == "–"
    shown = openpyxl.load_workbook(year_folder / "digitale-buddies" / f"digitale-buddies_{YEAR}_tables.xlsx")["Hypothesen"]
    shown_column = {cell.value: cell.column_letter for cell in shown[1]}
    assert shown[f"{shown_column['p']}2"].number_format == P_FORMAT == shown[f"{shown_column['p (Holm)']}2"].number_format
    assert isinstance(shown[f"{shown_column['p']}2"].value, float)
    assert hyp[f"{column['Gemiddeld verschil']}2"].number_format == "0.00"
    assert hyp[f"{column['Niveau interval']}2"].number_format == "0.0%"
    assert (hyp[f"{column['Toets']}2"].value, hyp[f"{column['Oordeel']}2"].value) == ("Wilcoxon-rangtekentoets", "Ondersteund")
    # the columns hidden for one reason named together, the reason once
    assert hyp[f"{column['Afgeschermd (×) en waarom']}2"].value == (
        "Toetsingsgrootheid, p, p (Holm), Effectmaat, Effectmaat ondergrens en Effectmaat bovengrens: zou tonen bij "
        "hoeveel deelnemers de score gelijk bleef")
    response = book["Respons"]
    assert [c.number_format for c in response[2]][:6] == ["#,##0"] * 4 + ["0.0%"] * 2
    legend = [row for row in book["Toelichting"].iter_rows(values_only=True)]
    assert legend[0][0] == book.properties.title == "Jaarrapportage 2018: IMC Weekendschool Utrecht"
    marks = {row[0]: row[1] for row in legend if row[0] in ("×", "–")}
    assert marks["×"].startswith("afgeschermd: het cijfer rust op minder dan 10 personen")
    assert marks["–"].startswith("niet berekend of niet van toepassing")
    assert ("Hypothesen", "tables/hypotheses.csv", "tables/machine/hypotheses.csv") in legend
    columns = list(book["Kolommen"].iter_rows(values_only=True))
    assert ("Hypothesen", "p (Holm)", "p_adjusted", "p-waarde, 3 decimalen; kleiner dan 0,001 als ‘< 0,001’") in columns


def test_programme_workbook_marks_the_hidden_wijken(year_folder):
    book = openpyxl.load_workbook(year_folder / "programme" / f"programme_{YEAR}_tables.xlsx")
    wijk = book["Bereik per wijk"]
    machine = _machine(year_folder, "programme", "reach_by_wijk")
    assert [c.value for c in wijk[1]] == ["Initiatief", *machine.columns[1:-2], "onbekend", "Afgeschermd (×) en waarom"]
    # digitale-buddies: West, Noordwest, Oost and unknown have fewer than 10 participants (test_reports)
    row = next(r for r in wijk.iter_rows(min_row=2, values_only=True) if r[0].endswith("Digitale Buddies"))
    shown = dict(zip([c.value for c in wijk[1]], row))
    assert (shown["West"], shown["Noordwest"], shown["Oost"], shown["onbekend"]) == ("×",) * 4
    assert shown["Binnenstad"] == 15 and wijk["B2"].number_format == "#,##0"
