"""Publishing one report: HTML and PDF from one template, its tables as CSV and XLSX, its charts.

Each table goes out three times with the same values (:mod:`impact.reporting.spreadsheets`): as a sheet
of ``<stem>_tables.xlsx`` (headers in the report's language, number formats, × and –, a legend), as
``tables/<table>.csv`` for Excel (``;``, decimal comma, the same headers) and as
``tables/machine/<table>.csv`` for programs (code-name headers, ``,``, decimal point).

The files of a report are first written to a private temporary folder and the
tables scanned for disclosure violations there; only when the scan is clean is
each file moved into ``reports/<year>/<folder>/`` atomically (temporary file,
then rename), so nobody ever opens half a report or a table that breaks the
threshold. Files left over from an earlier build of the same report (a chart of
an outcome that no longer exists) are removed.

A report whose content did not change is not rendered again: the folder keeps a record
(``.published.json``) of the report's fingerprint (a SHA-256 over its HTML, tables, charts, settings
and the code and renderer versions) and of every file's SHA-256. When the fingerprint is the same and
every file is still there with those bytes, :func:`publish` returns the files as they are; the PDF,
the workbook and the CSVs would have come out byte for byte the same.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from impact.reporting.disclosure import DEFAULT_THRESHOLD, scan_published_folder
from impact.reporting.files import MACHINE_FOLDER, csv_bytes, excel_csv_bytes, write_atomic
from impact.language import Translator
from impact.reporting.render import pdf_bytes
from impact.reporting.spreadsheets import headers, report_workbook, worded_frame

AUTHOR = "Impact coaching pipeline"


class DisclosureViolation(RuntimeError):
    """A table about to be published shows a figure resting on too few people."""


def environment() -> Environment:
    from impact.reporting.layout import Mark  # layout builds on this module

    env = Environment(
        loader=PackageLoader("impact.reporting"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,  # a misspelt name in a template is an error, not an empty string
    )
    env.tests["mark"] = lambda value: isinstance(value, Mark)  # a cell without a figure: hidden or missing
    env.filters["no_orphan"] = no_orphan
    env.finalize = subscripts
    return env


def no_orphan(text: str) -> str:
    """``text`` with its last two words joined by a no-break space, so that a heading never ends with one short
    word alone on its last line ('… bij ouderen boven de' / '75')."""
    head, sep, last = str(text).rpartition(" ")
    return f"{head}\u00a0{last}" if sep and len(last) <= 12 else str(text)


#: Cohen's d_z as the catalogue writes it; HTML (and so the PDF) shows it as d with subscript z.
D_Z = re.compile(r"(?<!\w)d_z(?!\w)")


def subscripts(value):
    """What a template prints: text naming 'd_z' escaped, with d_z as <i>d</i><sub>z</sub>; anything else as it is."""
    if isinstance(value, str) and not isinstance(value, Markup) and D_Z.search(value):
        return Markup(D_Z.sub("<i>d</i><sub>z</sub>", str(escape(value))))
    return value


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@dataclass
class Report:
    """One rendered report before it is written."""

    folder: str  # under reports/<year>/
    stem: str  # file name without extension
    title: str
    language: str
    created: dt.date
    html: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    charts: dict[str, bytes] = field(default_factory=dict)
    count_columns: dict[str, list[str]] = field(default_factory=dict)
    #: per table, columns whose text the Excel CSV and the workbook show in the report's language instead of the
    #: machine CSV's (the SROI tables' notes): table -> column -> one text per row
    worded_columns: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def files(self, threshold: int = DEFAULT_THRESHOLD) -> dict[str, bytes]:
        """Relative path -> bytes of every file of the report (``threshold``: the disclosure threshold the
        workbook's legend names)."""
        out = {
            f"{self.stem}.html": self.html.encode("utf-8"),
            f"{self.stem}.pdf": pdf_bytes(self.html, title=self.title, author=AUTHOR, created=self.created,
                                          language=self.language),
        }
        for name, png in self.charts.items():
            out[f"charts/{name}.png"] = png
        tr = Translator(self.language, threshold=threshold)
        shown = {name: frame.assign(**self.worded_columns.get(name, {})) for name, frame in self.tables.items()}
        for name, frame in self.tables.items():
            out[f"tables/{name}.csv"] = excel_csv_bytes(worded_frame(shown[name], tr, threshold), headers(frame.columns, tr))
            out[f"tables/{MACHINE_FOLDER}/{name}.csv"] = csv_bytes(frame)
        if self.tables:
            out[f"{self.stem}_tables.xlsx"] = report_workbook(
                shown, title=self.title, created=self.created, language=self.language, threshold=threshold,
                count_columns=self.count_columns, stem=self.stem)
        return out


def disclosure_violations(files: dict[str, bytes], threshold: int, count_columns: dict[str, list[str]]) -> list[str]:
    """Scan the CSV tables among ``files`` as they would be published: the machine CSVs by the rules, each
    Excel CSV for holding the same cells as its machine twin (``scan_published_folder``)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, data in files.items():
            if name.endswith(".csv"):
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                (root / name).write_bytes(data)
        return scan_published_folder(root, threshold, count_columns or None)


#: The record of what a report folder holds, written last by :func:`publish` (a dot file: neither the
#: manifest nor the delivery lists it, and the clean-up of old files leaves it).
PUBLISHED_RECORD = ".published.json"


@functools.cache
def _renderer_version() -> str:
    """The project's source (templates, catalogues, code), the packaged fonts, and the versions of the libraries
    (and of the system's Pango) that write the files."""
    from importlib import metadata

    from weasyprint.text.ffi import pango

    from impact.reporting.provenance import source_sha256

    fonts = hashlib.sha256()
    for font in sorted((Path(__file__).parent / "fonts").glob("*")):
        fonts.update(font.name.encode("utf-8") + b"\0" + font.read_bytes())
    libraries = ("weasyprint", "pydyf", "fonttools", "pillow", "pyphen", "tinycss2", "cssselect2", "openpyxl",
                 "pandas", "jinja2")
    return (source_sha256() + ";fonts=" + fonts.hexdigest() + f";pango={pango.pango_version()}"
            + "".join(f";{name}={metadata.version(name)}" for name in libraries))


def fingerprint(report: Report, threshold: int) -> str:
    """A SHA-256 over everything :meth:`Report.files` renders from, and the code that renders it."""
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(label.encode("utf-8") + b"\0" + len(data).to_bytes(8, "big") + data)

    add("renderer", _renderer_version().encode("utf-8"))
    settings = {"folder": report.folder, "stem": report.stem, "title": report.title, "language": report.language,
                "created": report.created.isoformat(), "threshold": threshold, "count_columns": report.count_columns,
                "worded_columns": report.worded_columns}
    add("settings", json.dumps(settings, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    add("html", report.html.encode("utf-8"))
    for name, frame in sorted(report.tables.items()):
        add(f"table:{name}", csv_bytes(frame) + str(list(frame.dtypes)).encode("utf-8"))
    for name, png in sorted(report.charts.items()):
        add(f"chart:{name}", png)
    return digest.hexdigest()


def _unchanged(target: Path, print_: str) -> list[Path] | None:
    """The report's files when ``target`` holds exactly what the record says for fingerprint ``print_``."""
    try:
        record = json.loads((target / PUBLISHED_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if record.get("fingerprint") != print_:
        return None
    files = record.get("files", {})
    present = sorted(p for p in target.rglob("*") if p.is_file() and not p.name.startswith("."))
    if [p.relative_to(target).as_posix() for p in present] != sorted(files):
        return None
    for path in present:
        if hashlib.sha256(path.read_bytes()).hexdigest() != files[path.relative_to(target).as_posix()]:
            return None
    return present


def publish(report: Report, year_folder: Path, threshold: int) -> list[Path]:
    """Write ``report`` into ``year_folder / report.folder``; returns the files written (or found unchanged),
    sorted."""
    target = year_folder / report.folder
    print_ = fingerprint(report, threshold)
    unchanged = _unchanged(target, print_)
    if unchanged is not None:
        return unchanged
    files = report.files(threshold)
    count_columns = {f"tables/{MACHINE_FOLDER}/{name}": cols for name, cols in report.count_columns.items()
                     if f"tables/{MACHINE_FOLDER}/{name}" in files}
    problems = disclosure_violations(files, threshold, count_columns)
    if problems:
        raise DisclosureViolation(
            f"{report.folder}: not published, {len(problems)} figure(s) rest on fewer than {threshold} people:\n  "
            + "\n  ".join(problems)
        )
    (target / PUBLISHED_RECORD).unlink(missing_ok=True)  # no stale record while the files change
    written = [write_atomic(target / name, data) for name, data in sorted(files.items())]
    keep = {p.resolve() for p in written}
    if target.exists():
        for old in sorted(target.rglob("*")):
            if old.is_file() and old.resolve() not in keep and not old.name.startswith("."):
                old.unlink()
    record = {"fingerprint": print_, "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}}
    write_atomic(target / PUBLISHED_RECORD, (json.dumps(record, indent=1, sort_keys=True) + "\n").encode("utf-8"))
    return written
