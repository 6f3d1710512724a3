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
"""

from __future__ import annotations

import base64
import datetime as dt
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


def publish(report: Report, year_folder: Path, threshold: int) -> list[Path]:
    """Write ``report`` into ``year_folder / report.folder``; returns the files written, sorted."""
    files = report.files(threshold)
    count_columns = {f"tables/{MACHINE_FOLDER}/{name}": cols for name, cols in report.count_columns.items()
                     if f"tables/{MACHINE_FOLDER}/{name}" in files}
    problems = disclosure_violations(files, threshold, count_columns)
    if problems:
        raise DisclosureViolation(
            f"{report.folder}: not published, {len(problems)} figure(s) rest on fewer than {threshold} people:\n  "
            + "\n  ".join(problems)
        )
    target = year_folder / report.folder
    written = [write_atomic(target / name, data) for name, data in sorted(files.items())]
    keep = {p.resolve() for p in written}
    if target.exists():
        for old in sorted(target.rglob("*")):
            if old.is_file() and old.resolve() not in keep and not old.name.startswith("."):
                old.unlink()
    return written
