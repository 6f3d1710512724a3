"""Reading drops: encodings, separators, XLSX cells, and drops that cannot be used at all."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from impact.errors import UnreadableDrop
from impact.ingest.readers import EXTRA_VALUES, normalise_header, read_drop

pytestmark = pytest.mark.unit

HEADER = "participant_id,enrolled_on,wijk,age_band\n"


def _read(path, kind="participants"):
    return read_drop(path, path.name, kind)


def test_utf8_comma_csv(tmp_path):
    p = tmp_path / "participants.csv"
    p.write_text(HEADER + "A1,2018-01-02,Oost,18-29\nA2,2018-01-03,Zuid,75+\n", encoding="utf-8")
    t = _read(p)
    assert (t.encoding, t.delimiter) == ("utf-8", ",")
    assert t.frame["participant_id"].tolist() == ["A1", "A2"]
    assert t.frame["source_row"].tolist() == [1, 2]


def test_utf8_with_bom_header_is_clean(tmp_path):
    p = tmp_path / "participants.csv"
    p.write_bytes("\ufeff".encode("utf-8") + (HEADER + "A1,2018-01-02,Oost,18-29\n").encode("utf-8"))
    t = _read(p)
    assert t.encoding == "utf-8-sig"
    assert t.header == ["participant_id", "enrolled_on", "wijk", "age_band"]


def test_windows_1252_semicolon_export(tmp_path):
    p = tmp_path / "activities.csv"
    text = "date;activity;attendees\r\n31-03-2018;Ideeënavond in het café;12\r\n"
    p.write_bytes(text.encode("cp1252"))
    t = _read(p, "activities")
    assert (t.encoding, t.delimiter) == ("windows-1252", ";")
    assert t.frame.loc[0, "activity"] == "Ideeënavond in het café"
    assert t.frame.loc[0, "date"] == "31-03-2018"


def test_semicolon_file_keeps_decimal_commas_as_text(tmp_path):
    p = tmp_path / "activities.csv"
    p.write_text("date;activity;attendees;volunteer_hours\n01-02-2018;Les;5;3,5\n", encoding="utf-8")
    assert _read(p, "activities").frame.loc[0, "volunteer_hours"] == "3,5"


def test_headers_are_normalised():
    assert normalise_header(" Participant ID ") == "participant_id"
    assert normalise_header("Follow-up") == "follow_up"
    assert normalise_header("\ufeffDJG11_3") == "djg11_3"


def test_blank_rows_are_skipped_but_keep_their_number(tmp_path):
    p = tmp_path / "participants.csv"
    p.write_text(HEADER + "A1,2018-01-02,Oost,18-29\n,,,\n\nA4,2018-01-05,Oost,18-29\n", encoding="utf-8")
    assert _read(p).frame["source_row"].tolist() == [1, 4]


def test_values_beyond_the_header_are_kept_for_the_contract(tmp_path):
    p = tmp_path / "participants.csv"
    p.write_text(HEADER + "A1,2018-01-02,Oost,18-29,surprise\n", encoding="utf-8")
    assert _read(p).frame.loc[0, EXTRA_VALUES] == "surprise"


def _xlsx(path, sheet_title, rows):
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title
    for r in rows:
        ws.append(r)
    wb.save(path)


def test_xlsx_date_cells_numbers_and_serials(tmp_path):
    p = tmp_path / "activities_2018.xlsx"
    _xlsx(
        p,
        "activities",
        [
            ["date", "activity", "attendees", "volunteer_hours"],
            [dt.datetime(2018, 3, 31), "Les", 12, 3.5],
            [43190, "Les", 12.0, None],  # Excel serial 43190 = 2018-03-31
        ],
    )
    t = _read(p, "activities")
    assert t.sheet == "activities"
    assert t.frame["date"].tolist() == ["2018-03-31", "2018-03-31"]
    # numbers stay numbers as the workbook holds them; the contract reads them without parsing
    assert t.frame["attendees"].tolist() == [12, 12]
    assert t.frame["volunteer_hours"].tolist() == [3.5, ""]


def test_xlsx_sheet_named_like_the_kind_wins(tmp_path):
    p = tmp_path / "survey.xlsx"
    wb = Workbook()
    wb.active.title = "toelichting"
    wb.active.append(["Dit blad is uitleg"])
    ws = wb.create_sheet("Survey")
    ws.append(["participant_id", "wave", "responded_on"])
    ws.append(["A1", "baseline", dt.datetime(2018, 2, 1)])
    wb.save(p)
    t = _read(p, "survey")
    assert t.sheet == "Survey"
    assert t.frame.loc[0, "responded_on"] == "2018-02-01"


@pytest.mark.parametrize(
    ("name", "content", "rule", "reason"),
    [
        ("participants.csv", b"", "empty_file", "is empty; expected a header row and data rows"),
        ("participants.csv", HEADER.encode(), "empty_file", "has a header but no data rows"),
        ("participants.csv", b"\x00\x01\x02binary\x00", "not_a_table",
         "holds binary data, not a table; expected a CSV file (separator , or ;  encoding UTF-8 or Windows-1252) or an Excel .xlsx workbook"),
        ("participants.csv", b"PK\x03\x04rest-of-zip", "not_a_table",
         "is an Excel workbook saved with a .csv name; rename it to .xlsx"),
        ("participants.csv", "participant_id\tenrolled_on\nA1\t2018-01-01\n".encode(), "wrong_delimiter",
         "separates its columns with tabs; expected a CSV file (separator , or ;  encoding UTF-8 or Windows-1252) or an Excel .xlsx workbook"),
        ("participants.csv", "participant_id,wijk\n".encode("utf-16"), "unreadable_file",
         "is saved as UTF-16 text, which is not accepted; save it as CSV UTF-8; expected a CSV file (separator , or ;  encoding UTF-8 or Windows-1252) or an Excel .xlsx workbook"),
        ("participants.xlsx", b"not really a workbook", "unreadable_file",
         "cannot be opened as an Excel workbook; expected a CSV file (separator , or ;  encoding UTF-8 or Windows-1252) or an Excel .xlsx workbook"),
        ("participants.txt", b"a,b\n1,2\n", "not_a_table",
         "has the extension '.txt'; expected a CSV file (separator , or ;  encoding UTF-8 or Windows-1252) or an Excel .xlsx workbook"),
        ("participants.csv", b"participant_id,wijk,Wijk\nA1,Oost,Oost\n", "duplicate_column",
         "has the columns 'wijk' and 'Wijk', which mean the same column 'wijk'; each column must appear once"),
        ("participants.csv", b"participant_id,Source row\nA1,3\n", "reserved_column",
         "uses the column name 'Source row', which the pipeline reserves for itself; rename that column"),
        ("participants.csv", b'participant_id,wijk\nA1,"Oost\nA2,Zuid\nA3,West\n', "broken_quotes",
         'has an unclosed quote (") in the row that starts on line 2 of the file (the header is line 1); '
         'every value that starts with a quote must end with one'),
        ("participants.csv", b"\n\n", "empty_file", "is empty; expected a header row and data rows"),
    ],
)
def test_unusable_drops_are_refused_with_the_reason(tmp_path, name, content, rule, reason):
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(UnreadableDrop) as err:
        _read(p)
    assert (err.value.rule, str(err.value.reason)) == (rule, reason)
    assert str(err.value) == f"{name}: {reason}"


def test_xlsx_with_a_wrong_stored_sheet_size_loses_no_rows(tmp_path):
    """Some export tools store a sheet size smaller than the data; every row must still be read."""
    import re
    import zipfile

    p = tmp_path / "participants_dim.xlsx"
    _xlsx(p, "participants", [["participant_id", "wijk"], *[[f"A{i}", "Oost"] for i in range(1, 6)]])
    shrunk = tmp_path / "participants_dim2.xlsx"
    with zipfile.ZipFile(p) as zin, zipfile.ZipFile(shrunk, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:B2"/>', data)
            zout.writestr(item, data)
    assert _read(shrunk).frame["participant_id"].tolist() == ["A1", "A2", "A3", "A4", "A5"]


def test_bom_with_windows_1252_bytes_is_read(tmp_path):
    p = tmp_path / "activities.csv"
    p.write_bytes(b"\xef\xbb\xbf" + "date;activity;attendees\n01-02-2018;Caf\u00e9;3\n".encode("cp1252"))
    t = _read(p, "activities")
    assert (t.encoding, t.frame.loc[0, "activity"]) == ("windows-1252", "Caf\u00e9")


def test_excel_separator_hint_and_a_header_with_a_line_break(tmp_path):
    p = tmp_path / "participants.csv"
    p.write_text('sep=;\nparticipant_id;"enrolled\non";wijk;age_band\nA1;01-02-2018;Oost;18-29\n', encoding="utf-8")
    t = _read(p)
    assert t.delimiter == ";"
    assert t.header == ["participant_id", "enrolled_on", "wijk", "age_band"]
    assert t.frame["source_row"].tolist() == [1]


def test_a_plain_number_in_an_xlsx_date_column_is_not_taken_for_a_date(tmp_path):
    p = tmp_path / "activities.xlsx"
    _xlsx(p, "activities", [["date", "activity", "attendees"], [2018, "Les", 3], [43190, "Les", 3]])
    assert _read(p, "activities").frame["date"].tolist() == [2018, "2018-03-31"]
