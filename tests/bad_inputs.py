"""A catalogue of bad inputs a coach realistically produces, with what the coach should be told.

Each :class:`Case` is one file: a drop (participants, activities, survey, coaching_sessions)
or a settings file (programme, theory_of_change). For drops, ``messages`` are the exact
quarantine messages of the batch (the file and its ``siblings``, in the order the
quarantine is sorted: file, row, column), followed by the exact notice messages. In
messages, ``{f}`` stands for the drop's ``source_file`` (``<initiative>/<file name>``)
and ``{s1}``, ``{s2}`` … for its siblings'. ``counts`` is (raw, staged, quarantined)
rows of the drop itself. For settings files, ``messages`` are the exact
``ConfigError.problems``, in Dutch (the demo programme's language).

:func:`write_catalogue_folder` writes every drop of the catalogue into one initiative
folder (participant codes and activity descriptions are unique per case, so cases do not
repeat or contradict each other), for tests that build a whole year with broken drops.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from tests.conftest import PROGRAMME_YAML, TOC_YAML

TABLE_KINDS = ("participants", "activities", "survey", "coaching_sessions")
CONFIG_KINDS = ("programme", "theory_of_change")
CONFIG_FILES = {"programme": "programme.yaml", "theory_of_change": "theory_of_change.yaml"}

Content = bytes | Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    content: Content
    messages: tuple[str, ...]
    counts: tuple[int, int, int] | None = None  # (raw, staged, quarantined) rows of this drop
    siblings: tuple[Content, ...] = ()  # earlier drops of the same kind, next to this one
    suffix: str = ".csv"
    stored: tuple[tuple[str, tuple], ...] = ()  # (column, staged values of this drop) for what must pass
    check_exit: int = 1  # what `coaching check` returns for this file
    decided_later: str = ""  # a quality rule (Great Expectations) that judges this after the door
    xfail: str = ""  # "bug: …" when the messages are not yet what a coach should see
    counts_xfail: str = ""  # "bug: …" when the row accounting is not yet what it should be

    @property
    def filename(self) -> str:
        return CONFIG_FILES[self.kind] if self.kind in CONFIG_KINDS else f"{self.kind}_{self.id}{self.suffix}"

    def sibling_name(self, i: int) -> str:
        # "-" sorts before ".", so a sibling counts as the earlier drop when repeats are kept once
        return f"{self.kind}_{self.id}-{i}{self.suffix}"

    @property
    def is_table(self) -> bool:
        return self.kind in TABLE_KINDS


# --- building file contents ---------------------------------------------------------------------

P = "participant_id,enrolled_on,wijk,age_band"
A = "date,activity,attendees,volunteers,volunteer_hours,cost_eur"
A_NL = "Date;Activity;Attendees;Volunteers;Volunteer hours;Cost (EUR)"  # a Dutch Excel export
S = "participant_id,wave,responded_on"
C = "initiative_id,kind,session_no,date,topics,lessons,actions"

ACCEPTED = "a CSV file (separator , or ;  encoding UTF-8 or Windows-1252) or an Excel .xlsx workbook"
DATE = "a date like 2018-03-31 or 31-03-2018"
WIJKEN = ("one of Utrecht's ten wijken (Binnenstad, Oost, Leidsche Rijn, West, Overvecht, Zuid, Noordoost, "
          "Zuidwest, Noordwest, Vleuten-De Meern) or empty")
ATTENDEES = "a whole number of 0 or more, like 20"
DJG = "a whole number from 1 to 3 or nee, min of meer, ja (no, more or less, yes)"
RSES = "a whole number from 1 to 4 or helemaal oneens, oneens, eens, helemaal eens (strongly disagree … strongly agree)"
WHO5 = "a whole number from 0 to 5 or op geen enkel moment … de hele tijd (at no time … all of the time)"
NOT_STORED_PII = "it is not stored. Leave it out of the files you drop."


def csv_bytes(*lines: str, encoding: str = "utf-8", eol: str = "\n") -> bytes:
    return "".join(line + eol for line in lines).encode(encoding)


def separated_by(sep: str, *lines: str) -> bytes:
    """Lines written with ``,`` (and no quoted commas), separated by ``sep`` instead."""
    return csv_bytes(*(line.replace(",", sep) for line in lines))


def xlsx(*rows: list, sheet: str = "Blad1") -> Callable[[Path], None]:
    def write(path: Path) -> None:
        wb = Workbook()
        ws = wb.active
        ws.title = sheet
        for row in rows:
            ws.append(row)
        wb.save(path)

    return write


def link_to(target: str) -> Callable[[Path], None]:
    """A symbolic link instead of a file: the pipeline refuses it without opening ``target``."""
    def write(path: Path) -> None:
        path.symlink_to(target)

    return write


def _edited(text: str, replacements: tuple[tuple[str, str], ...]) -> bytes:
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text.encode("utf-8")


def toc(*replacements: tuple[str, str]) -> bytes:
    """The demo Theory of Change of tests/conftest.py (folder ``demo``), edited."""
    return _edited(TOC_YAML.format(id="demo"), replacements)


def programme(*replacements: tuple[str, str]) -> bytes:
    """The programme.yaml of tests/conftest.py, edited."""
    return _edited(PROGRAMME_YAML, replacements)


def refused(reason: str) -> tuple[str]:
    return (f"{{f}}: the whole file is refused: it {reason}",)


def at(row: int, column: str, text: str) -> str:
    return f"{{f}}, row {row}, column '{column}': {text}"


REFUSED_ROWS = ("bug: a drop refused after its rows were read records raw_rows=0, so its data row is neither staged "
                "nor quarantined; the warehouse's own recount (impact.quality.accounting.independent_row_count) finds 1 "
                "row and staging.drops no longer balances")

ONE_MB = 1_000_000
LONG_TEXT = ("Verslag van de buurtavond: wie er waren en wat er besproken is. " * (ONE_MB // 60 + 1))[:ONE_MB]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa" + bytes(range(256))
FORMULA = '=HYPERLINK("http://example.com/x","Klik hier")'


# --- the catalogue ------------------------------------------------------------------------------

CASES: list[Case] = [
    # participants --------------------------------------------------------------------------
    Case("c01_impossible_date", "participants",
         csv_bytes(P, "C01-1,2018-02-30,Oost,18-29", "C01-2,2018-02-28,Oost,18-29"),
         (at(1, "enrolled_on", f"'2018-02-30' is not a real date; expected {DATE}"),),
         (2, 1, 1)),
    # an unknown wijk is kept as unknown (it only counts in the reach per wijk), with a notice naming its rows
    Case("c02_unknown_wijk", "participants",
         csv_bytes(P, "C02-1,2018-03-01, leidsche rijn ,18-29", "C02-2,2018-03-01,Lombok,30-44", "C02-3,2018-03-01,,45-64"),
         # not a typo of a wijk, so not quoted: a notice is not masked like the quarantine (it could be a code or a name)
         ("{f}: column 'wijk', row 2: (value not shown: it may identify a person) is not one of Utrecht's ten wijken; "
          "stored as unknown wijk. The participant is kept: the wijk only counts in the reach per wijk",),
         (3, 3, 0), stored=(("wijk", ("Leidsche Rijn", None, None)),), check_exit=0),
    Case("c65_misspelt_wijk_on_several_rows", "participants",
         csv_bytes(P, "C65-1,2018-03-01,Overvect,18-29", "C65-2,2018-03-01,Zuid,30-44", "C65-3,2018-03-02,overvect,45-64"),
         ("{f}: column 'wijk', rows 1 and 3: 'Overvect' is not one of Utrecht's ten wijken (did you mean Overvecht?); "
          "stored as unknown wijk. The participant is kept: the wijk only counts in the reach per wijk",),
         (3, 3, 0), stored=(("wijk", (None, "Zuid", None)),), check_exit=0),
    # every date of a month-first column is suspect: 04/05/2018 there is 5 April, not 4 May
    Case("c67_month_first_dates", "participants",
         csv_bytes(P, "C67-1,03/31/2018,Oost,18-29", "C67-2,04/05/2018,Oost,30-44", "C67-3,04/13/2018,Oost,45-64",
                   "C67-4,2018-04-20,Oost,45-64"),
         tuple(at(r, "enrolled_on", "the dates in this column are written month first ('03/31/2018' cannot be "
                                    f"day-month-year), so every date in it may be wrong; write them as {DATE}")
               for r in (1, 2, 3)),
         (4, 1, 3), stored=(("enrolled_on", ("2018-04-20",)),)),  # an ISO date is what it says
    # one date that cannot be day-month-year among day-first ones is a typo, not a month-first column
    Case("c68_one_month_first_looking_date", "participants",
         csv_bytes(P, "C68-1,02/03/2018,Oost,18-29", "C68-2,05/04/2018,Oost,30-44", "C68-3,03/13/2018,Oost,45-64"),
         (at(3, "enrolled_on", f"'03/13/2018' is not a real date; expected {DATE}"),),
         (3, 2, 1)),
    Case("c03_unknown_age_band", "participants",
         csv_bytes(P, "C03-1,2018-03-01,Zuid,65+", "C03-2,2018-03-01,Zuid,75+"),
         (at(1, "age_band", "'65+' is not allowed; expected an age band: 0-11, 12-17, 18-29, 30-44, 45-64, 65-74, 75+"),),
         (2, 1, 1)),
    Case("c04_missing_required_column", "participants",
         csv_bytes("participant_id,wijk,age_band", "C04-1,Oost,18-29", "C04-2,West,30-44"),
         refused("lacks the required column 'enrolled_on'; a participants file needs the columns "
                 "participant_id, enrolled_on, wijk, age_band (found: participant_id, wijk, age_band)"),
         (2, 0, 2)),
    Case("c05_duplicated_header", "participants",
         csv_bytes("participant_id,enrolled_on,wijk,age_band,Participant ID", "C05-1,2018-03-01,Oost,18-29,C05-1"),
         refused("has the columns 'participant_id' and 'Participant ID', which mean the same column 'participant_id'; "
                 "each column must appear once"),
         (1, 0, 1)),
    Case("c06_conflicting_registration", "participants",
         csv_bytes(P, "C06-1,2018-05-01,Zuid,30-44", "C06-2,2018-05-01,Zuid,30-44"),
         ("{s1}, row 1: this participant code is registered more than once with different details "
          "({s1} row 1 and {f} row 1; they differ in enrolled_on, wijk); these rows are set aside: correct or remove the wrong one",
          "{f}, row 1: this participant code is registered more than once with different details "
          "({s1} row 1 and {f} row 1; they differ in enrolled_on, wijk); these rows are set aside: correct or remove the wrong one"),
         (2, 1, 1),
         siblings=(csv_bytes(P, "C06-1,2018-04-01,Oost,30-44"),)),
    Case("c07_exact_duplicate_row", "participants",
         csv_bytes(P, "C07-1,2018-03-01,West,18-29", "C07-2,2018-03-02,West,18-29", "C07-1,2018-03-01,West,18-29"),
         ("{f}, row 3: an exact repeat of {f} row 1; that row is kept, this one is set aside",),
         (3, 2, 1)),
    Case("c08_pii_columns_by_header", "participants",
         csv_bytes("participant_id,Naam,E-mail,Geboortedatum,BSN,enrolled_on,wijk,age_band",
                   "C08-1,Jan Jansen,jan@example.nl,12-05-1941,111222333,2018-03-01,Oost,75+"),
         tuple(f"{{f}}: column '{c}' holds a direct identifier ({k}); {NOT_STORED_PII}"
               for c, k in (("Naam", "name"), ("E-mail", "e-mail address"), ("Geboortedatum", "full birth date"),
                            ("BSN", "BSN"))),
         (1, 1, 0)),
    Case("c09_pii_column_by_content", "participants",
         csv_bytes(P + ",contact_info", "C09-1,2018-03-01,Oost,18-29,piet@example.nl",
                   "C09-2,2018-03-01,Oost,18-29,kees@voorbeeld.nl", "C09-3,2018-03-01,Oost,18-29,"),
         (f"{{f}}: column 'contact_info' holds a direct identifier (e-mail address); {NOT_STORED_PII}",),
         (3, 3, 0)),
    Case("c10_unclosed_quote", "participants",
         csv_bytes(P, 'C10-1,2018-03-01,"Oost,18-29', *(f"C10-{i},2018-03-01,Zuid,18-29" for i in range(2, 7))),
         refused('has an unclosed quote (") in the row that starts on line 2 of the file (the header is line 1); '
                 "every value that starts with a quote must end with one"),
         (0, 0, 0)),
    Case("c11_binary_file_named_csv", "participants", PNG,
         refused(f"holds binary data, not a table; expected {ACCEPTED}"), (0, 0, 0)),
    Case("c12_xlsx_renamed_to_csv", "participants",
         xlsx(P.split(","), ["C12-1", dt.datetime(2018, 3, 1), "Oost", "18-29"]),
         refused("is an Excel workbook saved with a .csv name; rename it to .xlsx"), (0, 0, 0)),
    Case("c13_tab_separated", "participants",
         separated_by("\t", P, "C13-1,2018-03-01,Oost,18-29"),
         refused(f"separates its columns with tabs; expected {ACCEPTED}"), (1, 0, 1)),
    Case("c14_pipe_separated", "participants",
         separated_by("|", P, "C14-1,2018-03-01,Oost,18-29"),
         refused(f"separates its columns with '|'; expected {ACCEPTED}"), (1, 0, 1)),
    Case("c15_utf16", "participants",
         csv_bytes(P, "C15-1,2018-03-01,Oost,18-29", encoding="utf-16"),
         refused(f"is saved as UTF-16 text, which is not accepted; save it as CSV UTF-8; expected {ACCEPTED}"), (1, 0, 1)),
    Case("c16_empty_file", "participants", b"",
         refused("is empty; expected a header row and data rows"), (0, 0, 0)),
    Case("c17_header_only", "participants", csv_bytes(P),
         refused("has a header but no data rows"), (0, 0, 0)),
    Case("c18_xlsx_date_cells_and_serials", "participants",
         xlsx(P.split(","),
              ["C18-1", dt.datetime(2018, 3, 31), "Oost", "18-29"],  # a real date cell
              ["C18-2", 43190, "Oost", "18-29"],  # an Excel serial number: 2018-03-31
              ["C18-3", "30-02-2018", "Oost", "18-29"],  # text, and no such day
              sheet="participants"),
         (at(3, "enrolled_on", f"'30-02-2018' is not a real date; expected {DATE}"),),
         (3, 2, 1), suffix=".xlsx", stored=(("enrolled_on", ("2018-03-31", "2018-03-31")),)),
    Case("c19_excel_serial_in_csv", "participants",
         csv_bytes(P, "C19-1,43190,Oost,18-29", "C19-2,31-03-2018,Oost,18-29"),
         (at(1, "enrolled_on", "'43190' looks like an Excel date number; format the column as a date in Excel, "
                             "or write 2018-03-31 or 31-03-2018"),),
         (2, 1, 1)),
    Case("c20_old_xls_workbook", "participants", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
         refused(f"has the extension '.xls'; expected {ACCEPTED}"), (0, 0, 0), suffix=".xls"),
    # the issue's find: a link to a system file, read because its name is a drop's (never opened now)
    Case("c62_link_to_a_system_file", "participants", link_to("/etc/passwd"),
         refused("is a shortcut (symbolic link) to a file elsewhere; the pipeline only reads files that are "
                 "themselves in raw_data/: remove the shortcut, and if you meant to deliver that file, put the file "
                 "itself in this folder"), (0, 0, 0)),
    # activities ----------------------------------------------------------------------------
    Case("c21_wrong_type_in_number_column", "activities",
         csv_bytes(A, "2018-03-01,Koffieochtend c21,twintig,,,", "2018-03-08,Koffieochtend c21,18,,,"),
         (at(1, "attendees", f"'twintig' is not a whole number; expected {ATTENDEES}"),),
         (2, 1, 1)),
    Case("c22_decimal_where_whole_number", "activities",
         csv_bytes(A, "01-03-2018,Taalcafé c22,12,\"2,5\",\"3,5\",", "08-03-2018,Taalcafé c22,14,2,\"3,5\","),
         (at(1, "volunteers", "'2,5' is not a whole number; expected a whole number of 0 or more, or empty"),),
         (2, 1, 1), stored=(("volunteer_hours", (3.5,)),)),
    Case("c23_negative_attendees", "activities",
         csv_bytes(A, "2018-03-01,Wandeling c23,-3,,,", "2018-03-08,Wandeling c23,0,,,"),
         (at(1, "attendees", f"'-3' is not allowed; expected {ATTENDEES}"),),
         (2, 1, 1)),
    # the column shows no decimal mark (1250 has none), so 1.250 may be 1250 or 1,25
    Case("c24_ambiguous_thousands", "activities",
         csv_bytes(A_NL, "01-03-2018;Buurtmaaltijd c24;40;4;12;1.250", "08-03-2018;Buurtmaaltijd c24;38;4;12;1250"),
         (at(1, "Cost (EUR)", "'1.250' is ambiguous: it could mean 1250 or 1,25; write 1250 without a separator, "
                            "or 1,25 with a decimal comma"),),
         (2, 1, 1), stored=(("cost_eur", (1250.0,)),)),
    # 3.5 and 3,5 in one column: it shows both decimal marks, so 1.250 stays ambiguous
    Case("c63_both_decimal_marks_in_one_column", "activities",
         csv_bytes(A_NL, "01-03-2018;Repaircafé c63;9;2;3.5;", "08-03-2018;Repaircafé c63;11;2;3,5;",
                   "15-03-2018;Repaircafé c63;10;2;1.250;"),
         (at(3, "Volunteer hours", "'1.250' is ambiguous: it could mean 1250 or 1,25, and this column writes numbers "
                                   "both the English way ('3.5') and the Dutch way ('3,5'); write 1250 without a separator, "
                                   "or 1,25 with a decimal comma"),),
         (3, 2, 1), stored=(("volunteer_hours", (3.5, 3.5)),)),
    Case("c25_email_in_description", "activities",
         csv_bytes(A, "2018-03-01,Aanmelden via ria@example.nl of 06-12345678 (c25),12,,,"),
         ("{f}: column 'activity': an e-mail address, phone number or BSN was removed from 1 row(s)",),
         (1, 1, 0), check_exit=0,
         stored=(("activity", ("Aanmelden via [e-mail verwijderd] of [telefoonnummer verwijderd] (c25)",)),)),
    Case("c26_formula_injection", "activities",
         csv_bytes("date,activity,attendees", f'2018-03-01,"{FORMULA.replace(chr(34), chr(34) * 2)}",12',
                   "2018-03-08,- koffie c26,9"),
         ("{f}: column 'activity': 2 value(s) started like a spreadsheet formula (=, +, -, @) and are stored with a leading '",),
         (2, 2, 0), check_exit=0, stored=(("activity", ("'" + FORMULA, "'- koffie c26")),)),
    Case("c27_one_megabyte_cell", "activities",
         csv_bytes("date,activity,attendees", f"2018-03-01,{LONG_TEXT},12", "2018-03-08,Buurtavond c27,15"),
         (at(1, "activity", f"'{LONG_TEXT[:200]}… ({ONE_MB} characters)' has {ONE_MB} characters; "
                            "expected a short description of the activity (at most 2000 characters)"),),
         (2, 1, 1)),
    Case("c28_exact_duplicate_across_drops", "activities",
         csv_bytes(A, "2018-04-05,Repaircafé c28,9,2,6,", "2018-04-12,Repaircafé c28,11,2,6,"),
         ("{f}, row 1: an exact repeat of {s1} row 2; that row is kept, this one is set aside",),
         (2, 1, 1),
         siblings=(csv_bytes(A, "2018-03-29,Repaircafé c28,7,2,6,", "2018-04-05,Repaircafé c28,9,2,6,"),)),
    Case("c29_empty_required_cell", "activities",
         csv_bytes(A, "2018-03-01,,12,,,", "2018-03-08,Kookles c29,12,,,"),
         (at(1, "activity", "the value is empty; expected a short description of the activity (at most 2000 characters)"),),
         (2, 1, 1)),
    Case("c30_windows_1252_dutch_export", "activities",
         csv_bytes(A_NL, "03-03-2018;Ideeënavond in het café c30;12;2;3,5;12,50", "10-03-2018;Crêpes bakken c30;±20;;;",
                   "17-03-2018;Café-avond c30;9;;;", encoding="cp1252", eol="\r\n"),
         (at(2, "Attendees", f"'±20' is not a whole number; expected {ATTENDEES}"),),
         (3, 2, 1), stored=(("activity", ("Ideeënavond in het café c30", "Café-avond c30")), ("cost_eur", (12.5, None)))),
    Case("c31_reserved_column_name", "activities",
         csv_bytes(A + ",source_row", "2018-03-01,Moestuin c31,5,,,,1"),
         refused("uses the column name 'source_row', which the pipeline reserves for itself; rename that column"),
         (1, 0, 1)),
    Case("c32_month_thirteen", "activities",
         csv_bytes(A, "31/13/2018,Voorleesuur c32,6,,,", "31/12/2018,Voorleesuur c32,7,,,"),
         (at(1, "date", f"'31/13/2018' is not a real date; expected {DATE}"),),
         (2, 1, 1), stored=(("date", ("2018-12-31",)),)),
    Case("c33_more_values_than_header", "activities",
         csv_bytes("date,activity,attendees", "2018-03-01,Koffie, thee en gesprek c33,12", "2018-03-08,Koffie c33,10"),
         (at(1, "(beyond the last column)",
             "the row has more values than the header has columns (3); check the separator or quotes"),
          at(1, "attendees", f"' thee en gesprek c33' is not a whole number; expected {ATTENDEES}")),
         (2, 1, 1)),
    Case("c62_dutch_column_names", "activities",
         csv_bytes("Datum;Activiteit;Aantal deelnemers", "03-03-2018;Koffieochtend c62;12"),
         refused("lacks the required columns 'date', 'activity', 'attendees'; an activities file needs the columns "
                 "date, activity, attendees (found: Datum, Activiteit, Aantal deelnemers)"),
         (1, 0, 1)),
    # survey --------------------------------------------------------------------------------
    Case("c34_out_of_range_answer_codes", "survey",
         csv_bytes(S + ",rses_4,who5_1", "C34-1,baseline,2018-03-01,5,3", "C34-2,baseline,2018-03-01,2,6",
                   "C34-3,baseline,2018-03-01,4,0"),
         (at(1, "rses_4", f"'5' is not allowed; expected {RSES}"), at(2, "who5_1", f"'6' is not allowed; expected {WHO5}")),
         (3, 1, 2), stored=(("rses_4", (4.0,)), ("who5_1", (0.0,)))),
    Case("c35_unknown_answer_word", "survey",
         csv_bytes(S + ",djg11_3", "C35-1,baseline,2018-03-01,misschien", "C35-2,baseline,2018-03-01,Yes",
                   "C35-3,baseline,2018-03-01,more or less", "C35-4,baseline,2018-03-01,Min of meer"),
         (at(1, "djg11_3", f"'misschien' is not an answer to djg11_3; expected {DJG}"),),
         (4, 3, 1), stored=(("djg11_3", (3.0, 2.0, 2.0)),)),
    Case("c36_custom_outcome_out_of_range", "survey",
         csv_bytes(S + ",contact", "C36-1,baseline,2018-03-01,11", "C36-2,baseline,2018-03-01,\"7,5\""),
         (at(1, "contact", "'11' is not allowed; expected a number from 0 to 10 (punten)"),),
         (2, 1, 1), stored=(("contact", (7.5,)),)),
    Case("c64_ambiguous_custom_outcome_answer", "survey",
         csv_bytes(S + ",contact", "C64-1,baseline,2018-03-01,1.250", "C64-2,baseline,2018-03-01,7"),
         (at(1, "contact", "'1.250' is ambiguous: it could mean 1250 or 1,25; write 1250 without a separator, "
                           "or 1,25 with a decimal comma"),),
         (2, 1, 1), stored=(("contact", (7.0,)),)),
    # a Rosenberg file coded 0-3 instead of 1-4: every row with an answer is set aside, for that one cause
    Case("c66_rosenberg_coded_one_too_low", "survey",
         csv_bytes(S + ",rses_1,rses_2,rses_3", "C66-1,baseline,2018-03-01,0,1,2", "C66-2,baseline,2018-03-01,3,0,1",
                   "C66-3,baseline,2018-03-01,2,2,0", "C66-4,baseline,2018-03-01,1,0,3", "C66-5,baseline,2018-03-01,0,3,2",
                   "C66-6,baseline,2018-03-01,,,"),
         tuple(at(r, "rses_1–rses_3", "the answers to the Rosenberg self-esteem scale in this file are coded 0 to 3, one "
                                      "lower than the scale's codes 1 to 4: every answer is coded one too low. Add 1 to "
                                      "every answer in the columns rses_1 to rses_3 (or write the answer words: "
                                      "helemaal oneens, oneens, eens, helemaal eens (strongly disagree … strongly agree)) "
                                      "and drop the file again") for r in range(1, 6)),
         (6, 1, 5)),
    Case("c37_unknown_wave", "survey",
         csv_bytes(S + ",contact", "C37-1,tussenmeting,2018-06-01,5", "C37-2,baseline,2018-03-01,4"),
         (at(1, "wave", "'tussenmeting' is not allowed; expected baseline or follow_up"),),
         (2, 1, 1)),
    Case("c38_wave_words_and_an_empty_wave", "survey",
         csv_bytes(S + ",contact", "C38-1,Nulmeting,2018-03-01,4", "C38-1,nameting,2018-10-01,6",
                   "C38-2,Follow-up,2018-10-01,6", "C38-3,,2018-10-01,5"),
         (at(4, "wave", "the value is empty; expected baseline or follow_up"),),
         (4, 3, 1), stored=(("wave", ("baseline", "follow_up", "follow_up")),)),
    Case("c39_unknown_item_column", "survey",
         csv_bytes(S + ",rses_1,rses_11", "C39-1,baseline,2018-03-01,3,2"),
         ("{f}: column 'rses_11' is not an item of the Rosenberg self-esteem scale; it is not stored",),
         (1, 1, 0)),
    Case("c40_unregistered_instrument_column", "survey",
         csv_bytes(S + ",UCLA_1", "C40-1,baseline,2018-03-01,2"),
         ("{f}: column 'UCLA_1' is neither an item of a registered instrument nor an outcome of the Theory of Change; "
          "it is not stored",),
         (1, 1, 0)),
    Case("c41_conflicting_answers_across_drops", "survey",
         csv_bytes(S + ",contact", "C41-1,follow_up,2018-10-01,8", "C41-2,follow_up,2018-10-01,6"),
         ("{s1}, row 1: this participant has more than one different answer row for wave 'follow_up' "
          "({s1} row 1 and {f} row 1; they differ in responded_on, contact); these rows are set aside: correct or remove the wrong one",
          "{f}, row 1: this participant has more than one different answer row for wave 'follow_up' "
          "({s1} row 1 and {f} row 1; they differ in responded_on, contact); these rows are set aside: correct or remove the wrong one"),
         (2, 1, 1),
         siblings=(csv_bytes(S + ",contact", "C41-1,follow_up,2018-09-28,7"),)),
    Case("c42_half_answer_code", "survey",
         csv_bytes(S.replace(",", ";") + ";rses_2", "C42-1;baseline;01-03-2018;2,5", "C42-2;baseline;01-03-2018;2"),
         (at(1, "rses_2", f"'2,5' is not an answer to rses_2; expected {RSES}"),),
         (2, 1, 1)),
    Case("c43_follow_up_before_baseline", "survey",
         csv_bytes(S + ",contact", "C43-1,baseline,2018-06-01,4", "C43-1,follow_up,2018-02-01,6"),
         tuple(f"{{f}}, row {r}: the follow_up answers ({{f}} row 2, 2018-02-01) are not dated after the baseline "
               "({f} row 1, 2018-06-01); these rows are set aside: check the dates and the waves" for r in (1, 2)),
         (2, 0, 2)),
    # coaching log (raw_data/coaching_sessions*.csv) -----------------------------------------
    Case("c44_unknown_initiative_and_session_kind", "coaching_sessions",
         csv_bytes(C, "all,plenary,8,2018-05-03,Data verzamelen,,", "sociale-super-markt,one_to_one,1,2018-05-07,Indicatoren,,",
                   "all,workshop,9,2018-06-07,Analyse,,"),
         (at(2, "initiative_id", "'sociale-super-markt' is not allowed; expected an initiative's folder name, or all for plenary sessions"),
          at(3, "kind", "'workshop' is not allowed; expected plenary, one_to_one or closing")),
         (3, 1, 2)),
    Case("c45_session_logged_twice", "coaching_sessions",
         csv_bytes(C, "all,plenary,7,2018-09-06,Rapporteren,,", "all,plenaire sessie,7,2018-09-13,Rapporteren,,",
                   "all,Plenair,7,2018-09-13,Rapporteren,,"),
         ("{f}, row 1: session plenary 7 is logged more than once with different details "
          "({f} row 1 and {f} row 3; they differ in date); these rows are set aside: correct or remove the wrong one",
          at(2, "kind", "'plenaire sessie' is not allowed; expected plenary, one_to_one or closing"),
          "{f}, row 3: session plenary 7 is logged more than once with different details "
          "({f} row 1 and {f} row 3; they differ in date); these rows are set aside: correct or remove the wrong one"),
         (3, 0, 3)),
    # programme.yaml --------------------------------------------------------------------------
    Case("c46_programme_yaml_syntax_error", "programme",
         programme(("language: nl\n", "language: nl\ndescription: Doel: minder eenzaamheid\n")),
         ("YAML-fout in regel 11, kolom 18: hier mag geen ': ' staan "
          "(zet tekst waarin ': ' voorkomt tussen aanhalingstekens)",)),
    Case("c47_programme_wrong_type", "programme", programme(("alpha: 0.05", "alpha: 5%")),
         ("sleutel 'alpha': verwacht een getal (er staat: '5%')",)),
    Case("c48_programme_unknown_key", "programme",
         programme(("disclosure_threshold: 10", "disclosure_treshold: 10")),
         ("sleutel 'disclosure_treshold' is onbekend (controleer de spelling)",)),
    Case("c49_programme_missing_key", "programme", programme(("closing_meeting: 2019-01-31\n", "")),
         ("sleutel 'closing_meeting' ontbreekt; die is verplicht",)),
    Case("c50_programme_not_a_mapping", "programme", b"- name: Test programme\n- year: 2018\n",
         ("bovenaan het bestand horen YAML-sleutels te staan ('sleutel: waarde'), maar er staat een lijst",)),
    Case("c51_programme_empty", "programme", b"",
         ("het bestand is leeg; er horen YAML-sleutels in te staan ('sleutel: waarde')",)),
    Case("c52_programme_impossible_date", "programme", programme(("2019-01-31", "2019-02-30")),
         ("sleutel 'closing_meeting': geen geldige datum; schrijf een bestaande datum als jjjj-mm-dd, zoals 2019-01-31 "
          "(er staat: '2019-02-30')",)),
    # theory_of_change.yaml -------------------------------------------------------------------
    Case("c53_toc_unknown_instrument", "theory_of_change", toc(("instrument: djg11", "instrument: ucla")),
         ("sleutel 'outcomes[1].instrument': onbekend instrument; kies een van: djg11, djg6, rses, who5, "
          "life_satisfaction, participation_ladder, zrm, custom (er staat: 'ucla')",)),
    Case("c54_toc_hypothesis_about_undeclared_outcome", "theory_of_change", toc(("outcome: contact", "outcome: wellbeing")),
         ("sleutel 'hypotheses[0].outcome': 'wellbeing' staat niet als uitkomst onder 'outcomes' "
          "(daar staan: contact, loneliness)",)),
    Case("c55_toc_custom_outcome_without_range", "theory_of_change", toc(("min: 0, max: 10, ", "")),
         ("sleutel 'outcomes[0].min' ontbreekt; een eigen uitkomst (instrument: custom) geeft type, min, max en "
          "higher_is_better op",
          "sleutel 'outcomes[0].max' ontbreekt; een eigen uitkomst (instrument: custom) geeft type, min, max en "
          "higher_is_better op")),
    Case("c56_toc_id_not_folder_name", "theory_of_change", toc(("id: demo\n", "id: demo-initiatief\n")),
         ("sleutel 'id': 'demo-initiatief' moet gelijk zijn aan de mapnaam van het initiatief, 'demo'",)),
    Case("c57_toc_duplicate_outcome_ids", "theory_of_change", toc(("id: loneliness", "id: contact")),
         ("sleutel 'outcomes[1].id': 'contact' komt twee keer voor; elke id mag maar één keer voorkomen",)),
    Case("c58_toc_bad_test_name", "theory_of_change", toc(("test: paired_t", "test: t-test")),
         ("sleutel 'hypotheses[0].test': kies 'paired_t', 'wilcoxon', 'mcnemar' of 'auto' (er staat: 't-test')",)),
    Case("c59_toc_yaml_syntax_error", "theory_of_change", toc(("outcomes:\n  - {id: contact", "outcomes:\n\t- {id: contact")),
         ("YAML-fout in regel 10, kolom 1: hier staat een tab (spring in met spaties, niet met tabs)",)),
    Case("c60_toc_dutch_wave_names", "theory_of_change",
         toc(("hypotheses:", "waves: [nulmeting, nameting]\nhypotheses:")),
         ("sleutel 'waves': moet beginnen met baseline, follow_up (daarna mogen meer metingen volgen)",)),
    Case("c61_toc_saved_as_windows_1252", "theory_of_change",
         toc(("name: Demo initiative", "name: Buurtcafé")).decode().encode("cp1252"),
         ("het bestand is geen UTF-8-tekst; sla het op als UTF-8",)),
]

# Each item of the issue's list, and the cases that cover it.
ISSUE_ITEMS: dict[str, tuple[str, ...]] = {
    "wrong types": ("c21_wrong_type_in_number_column", "c22_decimal_where_whole_number", "c47_programme_wrong_type"),
    "out-of-range codes": ("c34_out_of_range_answer_codes", "c36_custom_outcome_out_of_range"),
    "unknown answer words": ("c35_unknown_answer_word",),
    "empty file": ("c16_empty_file", "c51_programme_empty"),
    "header only": ("c17_header_only",),
    "a binary file named .csv": ("c11_binary_file_named_csv", "c12_xlsx_renamed_to_csv"),
    "wrong delimiter": ("c13_tab_separated", "c14_pipe_separated"),
    "Windows-1252 accents": ("c30_windows_1252_dutch_export", "c61_toc_saved_as_windows_1252"),
    "XLSX date cells and Excel serial numbers": ("c18_xlsx_date_cells_and_serials", "c19_excel_serial_in_csv"),
    "impossible dates like 2018-02-30": ("c01_impossible_date", "c32_month_thirteen", "c52_programme_impossible_date"),
    "duplicate and conflicting rows": ("c07_exact_duplicate_row", "c28_exact_duplicate_across_drops",
                                       "c06_conflicting_registration", "c41_conflicting_answers_across_drops",
                                       "c45_session_logged_twice"),
    "follow-up before baseline": ("c43_follow_up_before_baseline",),
    "unknown wave": ("c37_unknown_wave",),
    "unknown instrument": ("c53_toc_unknown_instrument", "c40_unregistered_instrument_column"),
    "a hypothesis about an undeclared outcome": ("c54_toc_hypothesis_about_undeclared_outcome",),
    "YAML syntax errors": ("c46_programme_yaml_syntax_error", "c59_toc_yaml_syntax_error"),
    "PII columns": ("c08_pii_columns_by_header", "c09_pii_column_by_content"),
    "formula injection": ("c26_formula_injection",),
    "a 1 MB cell": ("c27_one_megabyte_cell",),
}


# --- writing files ------------------------------------------------------------------------------

def write_content(path: Path, content: Content) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if callable(content):
        content(path)
    else:
        path.write_bytes(content)
    return path


def write_case(case: Case, folder: Path) -> tuple[Path, list[Path]]:
    """Write a case's file and its siblings into ``folder``; returns (the file, the siblings)."""
    siblings = [write_content(folder / case.sibling_name(i), c) for i, c in enumerate(case.siblings, start=1)]
    return write_content(folder / case.filename, case.content), siblings


def source_files(case: Case, initiative_id: str) -> dict[str, str]:
    """The placeholders of a case's messages: ``f`` and ``s1``, ``s2``, … as the pipeline names the files."""
    folder = "" if case.kind == "coaching_sessions" else f"{initiative_id}/"
    names = {"f": case.filename, **{f"s{i}": case.sibling_name(i) for i in range(1, len(case.siblings) + 1)}}
    return {k: folder + v for k, v in names.items()}


def expected_messages(case: Case, initiative_id: str) -> list[str]:
    names = source_files(case, initiative_id)
    out = []
    for message in case.messages:
        for key, name in names.items():
            message = message.replace("{" + key + "}", name)
        out.append(message)
    return out


def write_catalogue_folder(folder: Path, initiative_id: str, coaching_log_dir: Path | None = None) -> list[Path]:
    """Write every drop of the catalogue (and its siblings) into one initiative folder, with a Theory of Change.

    The coaching-log cases belong at the top of ``raw_data/``; they are written only when
    ``coaching_log_dir`` is given. Returns the paths written, the Theory of Change first.
    """
    folder.mkdir(parents=True, exist_ok=True)
    toc_path = folder / CONFIG_FILES["theory_of_change"]
    toc_path.write_text(TOC_YAML.format(id=initiative_id), encoding="utf-8")
    written = [toc_path]
    for case in CASES:
        if not case.is_table:
            continue
        target = coaching_log_dir if case.kind == "coaching_sessions" else folder
        if target is None:
            continue
        main, siblings = write_case(case, target)
        written += [*siblings, main]
    return written


__all__ = ["CASES", "ISSUE_ITEMS", "Case", "expected_messages", "source_files", "write_case", "write_catalogue_folder"]
