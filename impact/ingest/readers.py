"""Read one drop (CSV or XLSX) into a table of text, with each row's number.

Accepted (docs/raw-data-contract.md): CSV with ``,`` or ``;`` as separator, in UTF-8 (with or
without BOM) or Windows-1252; XLSX (the sheet named like the kind, else the
first sheet). Everything is read as text here; types are the contract's job
(``impact.contracts``), so a coach's ``ca. 20`` is reported, not lost.

Row numbers (``source_row``) count data rows from 1, the header not counted,
so data row 1 is line/row 2 of the file as a spreadsheet shows it. Blank rows
hold no data and are not rows; they keep their place in the numbering.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from impact.errors import UnreadableDrop
from impact.language import Joined, Text
from impact.ingest.drops import TABLE_SUFFIXES

EXTRA_VALUES = "__extra_values__"
# Columns read as dates; an XLSX number in them is an Excel date serial.
DATE_COLUMNS = frozenset({"enrolled_on", "left_on", "date", "responded_on"})
ACCEPTED = Text("contract.accepted")
# A cell may hold up to this many characters (csv's default, 128 KiB, refuses long free-text answers).
CSV_FIELD_LIMIT = 16 * 1024 * 1024


@dataclass
class RawTable:
    """A drop read as text: normalised column names, ``source_row``, and reading notes."""

    source_file: str
    frame: pd.DataFrame
    header: list[str]
    original_header: list[str]
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    notes: list[Text] = field(default_factory=list)
    unnamed: list[str] = field(default_factory=list)


def normalise_header(name: object) -> str:
    """``' Participant ID'`` -> ``participant_id``; ``'Follow-up'`` -> ``follow_up``."""
    text = str(name if name is not None else "").replace("\ufeff", "").strip().lower()
    text = re.sub(r"[^0-9a-z]+", "_", text)
    return text.strip("_")


# Excel date serials between 1990-01-01 and 2100-01-01; other numbers in a date column stay numbers.
PLAUSIBLE_SERIALS = (32874, 73051)
RESERVED_COLUMNS = frozenset({"source_row", "source_file", "source_sha256", "table_name", EXTRA_VALUES.strip("_")})


def _cell_value(value: object, column: str) -> object:
    """A cell as the contract will see it: text, or a number exactly as the workbook holds it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        if column in DATE_COLUMNS and PLAUSIBLE_SERIALS[0] <= value < PLAUSIBLE_SERIALS[1]:
            from openpyxl.utils.datetime import from_excel

            return _cell_value(from_excel(value), column)
        return int(value) if isinstance(value, float) and value.is_integer() else value
    return str(value)


def _decode(data: bytes, source_file: str) -> tuple[str, str]:
    bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if bom else data
    try:
        return body.decode("utf-8"), "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return body.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        raise UnreadableDrop(
            source_file, Text("contract.file.not_utf8", accepted=ACCEPTED), "unreadable_file"
        ) from None


def _first_record(text: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    except csv.Error:
        return []


def _count_data_rows(text: str, delimiter: str) -> int:
    """Non-blank records after the header, for a file that is refused but could be counted."""
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        return 0
    return sum(1 for r in records[1:] if any(c.strip() for c in r))


def _delimiter(text: str, source_file: str) -> str:
    """``,`` or ``;``: whichever splits the header row into more columns."""
    widths = {d: len(_first_record(text, d)) for d in (",", ";")}
    if max(widths.values()) <= 1:
        header = text.splitlines()[0] if text else ""
        for other, label in (("\t", Text("contract.file.tabs")), ("|", "'|'")):
            if other in header:
                raise UnreadableDrop(source_file, Text("contract.file.delimiter", label=label, accepted=ACCEPTED),
                                     "wrong_delimiter", rows=_count_data_rows(text, other))
        return ","
    return ";" if widths[";"] > widths[","] else ","


_FIELD_LIMIT_LOCK = threading.Lock()
_readers_with_long_cells = 0
_limit_before: int | None = None


@contextmanager
def long_csv_cells() -> Iterator[None]:
    """Allow cells up to ``CSV_FIELD_LIMIT`` while a CSV is read.

    csv's limit is process-wide: it is raised when the first reader starts and put back when the
    last one (of any thread) is done.
    """
    global _readers_with_long_cells, _limit_before
    with _FIELD_LIMIT_LOCK:
        if _readers_with_long_cells == 0:
            _limit_before = csv.field_size_limit(CSV_FIELD_LIMIT)
        _readers_with_long_cells += 1
    try:
        yield
    finally:
        with _FIELD_LIMIT_LOCK:
            _readers_with_long_cells -= 1
            if _readers_with_long_cells == 0:
                csv.field_size_limit(_limit_before)


def _records_from_csv(path: Path, source_file: str) -> tuple[list[list[str]], dict[str, str]]:
    with long_csv_cells():
        return _parse_csv(path, source_file)


def _parse_csv(path: Path, source_file: str) -> tuple[list[list[str]], dict[str, str]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableDrop(source_file, Text("contract.file.cannot_read", error=exc.strerror), "unreadable_file") from None
    if data.startswith(b"PK\x03\x04"):
        raise UnreadableDrop(
            source_file, Text("contract.file.xlsx_named_csv"), "not_a_table"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
        raise UnreadableDrop(
            source_file, Text("contract.file.utf16", accepted=ACCEPTED),
            "unreadable_file", rows=_count_data_rows(text, ";" if text.count(";") > text.count(",") else ","),
        )
    if b"\x00" in data[:65536]:
        raise UnreadableDrop(source_file, Text("contract.file.binary", accepted=ACCEPTED), "not_a_table")
    text, encoding = _decode(data, source_file)
    text = text.lstrip("\r\n")
    if not text.strip():
        raise UnreadableDrop(source_file, Text("contract.file.empty"), "empty_file")
    hint = re.match(r"^sep=([,;])\r?\n", text)  # Excel's separator hint line
    if hint:
        text, delimiter = text[hint.end():], hint.group(1)
    else:
        delimiter = _delimiter(text, source_file)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    line = 0 if not hint else 1  # physical lines read so far, the hint line included
    try:
        for record in reader:
            records.append(record)
            line = reader.line_num + (1 if hint else 0)
    except csv.Error:
        raise UnreadableDrop(
            source_file,
            Text("contract.file.broken_quotes", line=line + 1),
            "broken_quotes",
            rows=max(len([r for r in records[1:] if any(c.strip() for c in r)]), 0),
        ) from None
    return records, {"encoding": encoding, "delimiter": delimiter}


def choose_sheet(names: list[str], kind: str) -> str:
    """The sheet named like the kind (``Survey``, ``survey september``), else the first sheet."""
    exact = next((n for n in names if normalise_header(n) == kind), None)
    return exact or next((n for n in names if normalise_header(n).startswith(kind)), names[0])


def _records_from_xlsx(path: Path, source_file: str, kind: str) -> tuple[list[list[object]], dict[str, str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise UnreadableDrop(
            source_file, Text("contract.file.not_workbook", accepted=ACCEPTED), "unreadable_file"
        ) from None
    try:
        names = wb.sheetnames
        chosen = choose_sheet(names, kind)
        sheet = wb[chosen]
        sheet.reset_dimensions()  # some tools store a wrong sheet size; read what is there
        records = [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        wb.close()
    return records, {"sheet": chosen}


def read_drop(path: Path, source_file: str, kind: str) -> RawTable:
    """Read a drop into text columns; raise :class:`UnreadableDrop` if it cannot be used at all."""
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise UnreadableDrop(source_file, Text("contract.file.extension", suffix=suffix or Text("contract.file.no_extension"),
                                              accepted=ACCEPTED), "not_a_table")
    if suffix == ".csv":
        records, info = _records_from_csv(path, source_file)
    else:
        records, info = _records_from_xlsx(path, source_file, kind)

    notes: list[Text] = []
    leading = next((i for i, r in enumerate(records) if not all(_blank(v) for v in r)), None)
    if leading is None:
        raise UnreadableDrop(source_file, Text("contract.file.empty"), "empty_file")
    if leading:
        records = records[leading:]  # empty rows above the header (Excel exports)
        notes.append(Text("contract.note.leading_empty_rows", file=source_file, n=leading, row=leading + 1))
    original = [str(v).strip() if v is not None else "" for v in records[0]]
    while original and original[-1] == "":  # trailing empty header cells (Excel)
        original.pop()
    header = [normalise_header(h) for h in original]
    unnamed: list[str] = []
    for i, h in enumerate(header):
        if not h:
            header[i] = f"column_{i + 1}"
            unnamed.append(header[i])
            notes.append(Text("contract.note.unnamed_column", file=source_file, n=i + 1))
    data_rows = sum(1 for r in records[1:] if not all(_blank(v) for v in r))
    for h, o in zip(header, original):
        if h in RESERVED_COLUMNS:
            raise UnreadableDrop(
                source_file, Text("contract.file.reserved_column", name=o),
                "reserved_column", rows=data_rows,
            )
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        names = [repr(o) for h, o in zip(header, original) if h == dupes[0]]
        raise UnreadableDrop(
            source_file,
            Text("contract.file.duplicate_column", names=Joined(names), column=dupes[0]),
            "duplicate_column", rows=data_rows,
        )

    width = len(header)
    rows: list[list[str]] = []
    numbers: list[int] = []
    extras: list[str] = []
    for number, record in enumerate(records[1:], start=1):
        cells = [_cell_value(v, header[i] if i < width else "") for i, v in enumerate(record)]
        if all(_blank(c) for c in cells):
            continue
        extra = [str(c) for c in cells[width:] if not _blank(c)]
        cells = (cells + [""] * width)[:width]
        rows.append(cells)
        numbers.append(number)
        extras.append(" | ".join(extra))
    if not rows:
        no_rows = Text("contract.file.no_rows_sheet", sheet=info["sheet"]) if info.get("sheet") else Text("contract.file.no_rows")
        raise UnreadableDrop(source_file, no_rows, "empty_file")

    frame = pd.DataFrame(rows, columns=header, dtype="object")
    frame.insert(0, "source_row", pd.array(numbers, dtype="int64"))
    frame[EXTRA_VALUES] = extras
    return RawTable(
        source_file=source_file,
        frame=frame,
        header=header,
        original_header=original,
        encoding=info.get("encoding"),
        delimiter=info.get("delimiter"),
        sheet=info.get("sheet"),
        notes=notes,
        unnamed=unnamed,
    )


def _blank(v: object) -> bool:
    return v is None or str(v).strip() == ""
