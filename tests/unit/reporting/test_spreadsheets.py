"""The report tables as people open them: the XLSX workbook (words, formats, × and –, legend) and the CSV
for Dutch Excel next to the machine CSV, with the same values; the disclosure scanner reads both."""

from __future__ import annotations

import datetime
import io
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from impact.reporting.disclosure import scan_published_csv, scan_published_folder
from impact.reporting.files import csv_bytes, excel_csv_bytes
from impact.language import Translator
from impact.reporting.publish import Report, publish
from impact.reporting.render import ZIP_EPOCH
from impact.reporting.spreadsheets import headers, report_workbook

pytestmark = pytest.mark.unit

CREATED = datetime.date(2019, 1, 31)

REACH = pd.DataFrame({
    "period": ["2018-Q1", "2018-Q2", "2018"],
    "participants_new": [66.0, np.nan, 110.0],
    "participants_reached": [66.0, np.nan, 110.0],
    "activities": [29.0, 28.0, 100.0],
    "attendance": [385.0, 386.0, 1512.0],
    "volunteer_hours": [406.5, 392.5, 1600.0],
    "hidden": ["", "participants_new:fewer_than_threshold;participants_reached:protects_hidden_figure", ""],
})
HYPOTHESES = pd.DataFrame({
    "hypothesis_id": ["H1", "H2"],
    "outcome": ["Eenzaamheid", "Toekomstbeeld"],
    "primary": [True, False],
    "test": ["paired_t", "wilcoxon"],
    "n_pairs": [41.0, 40.0],
    "mean_difference": [-1.0975609756097562, 0.9625],
    "ci_level": [0.95, 0.891],
    "statistic": [-3.2110108426108694, np.nan],
    "df": [40.0, np.nan],
    "p_value": [0.00261020246246288, 2.922541076404755e-05],
    "p_adjusted": [9.34e-08, 0.0001753524645842],
    "effect_size": [-0.501, np.nan],
    "discordant_share": [np.nan, np.nan],
    "mde_alpha": [0.00625, 0.05],
    "verdict": ["supported", "supported"],
    "hidden": ["", "statistic:reveals_unchanged;effect_size:reveals_unchanged"],
})
SESSIONS = pd.DataFrame({"initiative_id": ["all"], "kind": ["plenary"], "session_no": [1], "date": ["2018-02-08"],
                         "theme": ["impact_definition"], "lessons": ["=SUM(A1) staat er als tekst"]})
TABLES = {"reach_per_quarter": REACH, "hypotheses": HYPOTHESES, "coaching_sessions": SESSIONS}


def _book(language: str = "nl") -> openpyxl.Workbook:
    data = report_workbook(TABLES, title="Impactrapport 2018", created=CREATED, language=language, threshold=10,
                           count_columns={"reach_per_quarter.csv": ["attendance"]}, stem="demo_2018")
    return openpyxl.load_workbook(io.BytesIO(data))


def test_workbook_sheets_and_headers_are_in_dutch_with_the_code_names_on_a_columns_sheet():
    book = _book()
    assert book.sheetnames == ["Toelichting", "Bereik per kwartaal", "Hypothesen", "Coachingsessies", "Kolommen"]
    reach = book["Bereik per kwartaal"]
    assert [c.value for c in reach[1]] == ["Periode", "Nieuwe deelnemers", "Deelnemers bereikt (tot dan)",
                                           "Registraties in het activiteitenlogboek",
                                           "Aanwezigen", "Vrijwilligersuren", "Afgeschermd (×) en waarom"]
    assert [c.value for c in book["Hypothesen"][1]][:6] == ["Hypothese", "Uitkomst", "Primair", "Toets", "Aantal paren",
                                                            "Gemiddeld verschil"]
    assert reach.freeze_panes == "A2" and reach.auto_filter.ref == "A1:G4"
    assert all(c.font.bold for c in reach[1])
    assert 8 <= reach.column_dimensions["A"].width <= 60
    columns = list(book["Kolommen"].iter_rows(values_only=True))
    assert columns[0] == ("Blad", "Kolom", "Codenaam (CSV)", "Inhoud en opmaak")
    assert ("Hypothesen", "p (Holm)", "p_adjusted", "p-waarde, 3 decimalen; kleiner dan 0,001 als ‘< 0,001’") in columns
    assert ("Bereik per kwartaal", "Nieuwe deelnemers", "participants_new",
            "aantal personen, geheel getal (afgeschermd onder 10)") in columns
    assert len(columns) == 1 + sum(frame.shape[1] for frame in TABLES.values())


def test_cells_keep_their_values_with_a_number_format_per_kind():
    book = _book()
    reach, hyp, sessions = book["Bereik per kwartaal"], book["Hypothesen"], book["Coachingsessies"]
    assert (reach["B2"].value, reach["B2"].number_format) == (66, "#,##0")
    assert (reach["F2"].value, reach["F2"].number_format) == (406.5, "#,##0.0")
    # unrounded (openpyxl writes 16 significant digits), shown with two decimals
    assert (hyp["F2"].value, hyp["F2"].number_format) == (pytest.approx(-1.0975609756097562, rel=1e-15), "0.00")
    assert (hyp["G3"].value, hyp["G3"].number_format) == (0.891, "0.0%")                    # interval level
    assert (hyp["I2"].value, hyp["I2"].number_format) == (40, "#,##0")                      # df
    assert (hyp["J2"].value, hyp["J2"].number_format) == (0.00261020246246288, '[<0.001]"< 0,001";0.000')
    assert (hyp["K2"].value, hyp["K2"].number_format) == (9.34e-08, '[<0.001]"< 0,001";0.000')
    assert (hyp["N2"].value, hyp["N2"].number_format) == (0.00625, "0.0000")                # the MDE's alpha
    assert (hyp["C2"].value, hyp["C3"].value) == ("ja", "nee")
    assert (hyp["D2"].value, hyp["O2"].value) == ("gepaarde t-toets", "Ondersteund")         # codes in words
    assert (sessions["B2"].value, sessions["E2"].value) == ("plenair", "Impactdefinitie en Theory of Change")
    assert sessions["D2"].value == datetime.datetime(2018, 2, 8) and sessions["D2"].number_format == "d-m-yyyy"
    assert sessions["F2"].value == "'=SUM(A1) staat er als tekst" and sessions["F2"].data_type == "s"


def test_hidden_figures_read_x_and_figures_not_computed_read_a_dash():
    book = _book()
    reach, hyp = book["Bereik per kwartaal"], book["Hypothesen"]
    assert (reach["B3"].value, reach["C3"].value) == ("×", "×")
    assert reach["G3"].value == ("Nieuwe deelnemers: rust op minder dan 10 personen; "
                                 "Deelnemers bereikt (tot dan): beschermt een ander afgeschermd cijfer")
    assert reach["G2"].value is None
    assert (hyp["H3"].value, hyp["L3"].value) == ("×", "×")   # statistic, effect size: hidden
    assert (hyp["I3"].value, hyp["M2"].value) == ("–", "–")   # df of a Wilcoxon test, a discordant share: not computed
    assert hyp["H3"].alignment.horizontal == "right"


def test_the_legend_explains_the_marks_the_reasons_the_files_and_the_source():
    legend = list(_book()["Toelichting"].iter_rows(values_only=True))
    assert legend[0][0] == "Impactrapport 2018"
    assert legend[1][0].startswith("De tabellen van het rapport demo_2018.pdf, na afscherming")
    rows = {row[0]: row[1:] for row in legend if row[0]}
    assert rows["×"][0].startswith("afgeschermd: het cijfer rust op minder dan 10 personen")
    assert rows["–"][0].startswith("niet berekend of niet van toepassing")
    assert rows["rust op minder dan 10 personen"][0] == "het cijfer rust op minder dan 10 personen"
    assert rows["Bereik per kwartaal"] == ("tables/reach_per_quarter.csv", "tables/machine/reach_per_quarter.csv")
    assert rows["Kolommen"][0].startswith("per blad en kolom: de kop, de codenaam")
    source = legend[[row[0] for row in legend].index("Bron") + 1][1]
    assert source.startswith("Gemaakt met de openbare rekensoftware van het programma Impactcoaching") and "bewaart het programmateam een controlegetal (SHA-256)" in source
    assert rows["Datum"][0] == "31 januari 2019"


def test_an_english_report_gets_an_english_workbook():
    book = _book("en")
    assert book.sheetnames == ["Notes", "Reach per quarter", "Hypotheses", "Coaching sessions", "Columns"]
    hyp = book["Hypotheses"]
    assert [c.value for c in hyp[1]][9:11] == ["p", "p (Holm)"]
    assert hyp["K2"].number_format == '[<0.001]"< 0.001";0.000' and hyp["C2"].value == "yes"
    assert book["Coaching sessions"]["D2"].number_format == "yyyy-mm-dd"


def test_the_workbook_is_the_same_bytes_every_time():
    first = report_workbook(TABLES, title="T", created=CREATED, language="nl", threshold=10)
    assert report_workbook(TABLES, title="T", created=CREATED, language="nl", threshold=10) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {i.date_time for i in archive.infolist()} == {ZIP_EPOCH}
        assert b"2019-01-31T00:00:00Z" in archive.read("docProps/core.xml")


def test_the_excel_csv_is_the_machine_csv_with_semicolons_decimal_commas_and_words_as_headers():
    frame = pd.DataFrame({"label": ["a; b", "-1.5", None], "n": [12, 0, 40], "p_value": [9.34e-08, 0.5, np.nan],
                          "primary": [True, False, True]})
    header = headers(frame.columns, Translator("nl"))
    excel = excel_csv_bytes(frame, header)
    assert excel.startswith(b"\xef\xbb\xbf")
    assert excel.decode("utf-8-sig").splitlines() == [
        "Omschrijving;Aantal;p;Primair", '"a; b";12;9,34e-08;True', "'-1.5;0;0,5;False", ";40;;True"]
    assert csv_bytes(frame).decode("utf-8-sig").splitlines() == [
        "label,n,p_value,primary", "a; b,12,9.34e-08,True", "'-1.5,0,0.5,False", ",40,,True"]
    people = pd.read_csv(io.BytesIO(excel), sep=";", decimal=",", encoding="utf-8-sig")
    machine = pd.read_csv(io.BytesIO(csv_bytes(frame)), encoding="utf-8-sig")
    pd.testing.assert_frame_equal(people.set_axis(machine.columns, axis=1), machine)
    with pytest.raises(ValueError, match="3 header labels for 4 columns"):
        excel_csv_bytes(frame, header[:3])


#: The coded cells of :data:`TABLES` as the Dutch Excel CSV shows them (the machine CSV keeps the codes).
WORDED = {
    "reach_per_quarter": {"hidden": [np.nan, "Nieuwe deelnemers: rust op minder dan 10 personen; Deelnemers bereikt "
                                             "(tot dan): beschermt een ander afgeschermd cijfer", np.nan]},
    "hypotheses": {"primary": ["ja", "nee"], "test": ["gepaarde t-toets", "Wilcoxon-rangtekentoets"],
                   "verdict": ["Ondersteund", "Ondersteund"],
                   "hidden": [np.nan, "Toetsingsgrootheid en Effectmaat: zou tonen bij hoeveel deelnemers de score "
                                      "gelijk bleef"]},
    "coaching_sessions": {"kind": ["plenair"], "theme": ["Impactdefinitie en Theory of Change"]},
}


def test_publish_writes_the_excel_csv_the_machine_csv_and_the_workbook_with_the_same_values(tmp_path):
    report = Report(folder="demo", stem="demo_2018", title="Demo", language="nl", created=CREATED,
                    html="<html><body><p>Demo</p></body></html>", tables=dict(TABLES),
                    count_columns={"reach_per_quarter.csv": ["attendance"]})
    written = {p.relative_to(tmp_path / "demo").as_posix() for p in publish(report, tmp_path, 10)}
    assert {"tables/hypotheses.csv", "tables/machine/hypotheses.csv", "demo_2018_tables.xlsx"} <= written
    for name in TABLES:
        people = pd.read_csv(tmp_path / "demo" / "tables" / f"{name}.csv", sep=";", decimal=",", encoding="utf-8-sig")
        machine = pd.read_csv(tmp_path / "demo" / "tables" / "machine" / f"{name}.csv", encoding="utf-8-sig")
        assert list(machine.columns) == list(TABLES[name].columns)
        assert list(people.columns) == headers(TABLES[name].columns, Translator("nl"))
        people = people.set_axis(machine.columns, axis=1)
        # the same numbers; the coded cells in the report's words, the machine CSV's codes unchanged
        for column, words in WORDED[name].items():
            assert [None if pd.isna(v) else v for v in people[column]] == [None if pd.isna(v) else v for v in words]
        coded = list(WORDED[name])
        pd.testing.assert_frame_equal(people.drop(columns=coded), machine.drop(columns=coded))
    machine = pd.read_csv(tmp_path / "demo" / "tables" / "machine" / "hypotheses.csv", encoding="utf-8-sig")
    assert machine["verdict"].tolist() == ["supported", "supported"] and machine["primary"].tolist() == [True, False]
    assert scan_published_folder(tmp_path, 10, {"reach_per_quarter.csv": ["attendance"]}) == []


def test_the_excel_csv_may_put_a_code_in_words_but_never_a_number_or_nothing(tmp_path):
    tables = tmp_path / "tables"
    (tables / "machine").mkdir(parents=True)
    frame = pd.DataFrame({"verdict": ["supported", "not_shown"], "n": [12.0, 40.0]})
    (tables / "machine" / "effects.csv").write_bytes(csv_bytes(frame))
    (tables / "effects.csv").write_bytes(excel_csv_bytes(frame.assign(verdict=["Ondersteund", "Niet aangetoond"])))
    assert scan_published_folder(tmp_path, 10) == []
    (tables / "effects.csv").write_bytes(excel_csv_bytes(frame.assign(verdict=["Ondersteund", "4"])))
    assert scan_published_folder(tmp_path, 10) == ["tables/effects.csv: differs from tables/machine/effects.csv in row 3, column 1"]
    (tables / "effects.csv").write_bytes(excel_csv_bytes(frame.assign(verdict=["Ondersteund", ""])))
    assert scan_published_folder(tmp_path, 10) == ["tables/effects.csv: differs from tables/machine/effects.csv in row 3, column 1"]


def test_the_scanner_reads_the_excel_dialect_and_holds_an_excel_csv_to_its_machine_twin(tmp_path):
    tables = tmp_path / "tables"
    (tables / "machine").mkdir(parents=True)
    frame = pd.DataFrame({"period": ["2018-Q1", "2018-Q2"], "participants_new": [12.0, 40.0], "share": [0.25, 0.5]})
    (tables / "machine" / "reach.csv").write_bytes(csv_bytes(frame))
    (tables / "reach.csv").write_bytes(excel_csv_bytes(frame, ["Periode", "Nieuw", "Aandeel"]))
    assert scan_published_folder(tmp_path, 10, {"tables/reach.csv": ["share"]}) == [
        "tables/machine/reach.csv: row 2, column 'share': people count '0.25' is below the disclosure threshold 10",
        "tables/machine/reach.csv: row 3, column 'share': people count '0.5' is below the disclosure threshold 10"]
    assert scan_published_folder(tmp_path, 10) == []
    # an Excel CSV that shows a figure its machine twin does not
    (tables / "reach.csv").write_bytes(excel_csv_bytes(frame.assign(participants_new=[12.0, 4.0])))
    assert scan_published_folder(tmp_path, 10) == [
        "tables/reach.csv: differs from tables/machine/reach.csv in row 3, column 2"]
    # on its own, an Excel CSV is read in its dialect: decimal commas, semicolons
    alone = tmp_path / "alone.csv"
    alone.write_bytes(excel_csv_bytes(pd.DataFrame({"n": [4.0, 12.0], "mean": [1.5, 2.25]})))
    assert scan_published_csv(alone, 10) == [f"{alone}: row 2, column 'n': people count '4' is below the "
                                             "disclosure threshold 10"]
