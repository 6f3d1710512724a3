"""Building blocks the report builders share: numbered sections, figures and tables for the template.

A table cell is its formatted text, or a :class:`Mark` when there is no figure to print. A mark says
why, and the two reasons never look alike: a figure **hidden** by disclosure control prints "×", a
figure that is **missing** (not computed, not applicable: no interval, no p with too few pairs, an
undefined MDE) prints "–". Each table's note then explains every mark it holds, with the real reason
(``hidden_reason.*`` and ``missing_reason.*`` in the catalogues).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from impact.language import Translator
from impact.reporting.publish import data_uri

HIDDEN = "hidden"
MISSING = "missing"


@dataclass(frozen=True)
class Section:
    id: str
    number: int
    title: str


@dataclass
class Figure:
    """A chart in the report. ``alt`` is its alternative text: one sentence of what it shows, then the table
    that holds its figures (``table_id``, ``table_ref``), filled in once that table is made."""

    id: str
    label: str
    caption: str
    src: str
    alt: str
    table_id: str = ""
    table_ref: str = ""


@dataclass(frozen=True)
class Mark:
    """A cell without a figure: ``kind`` ``hidden`` (disclosure control) or ``missing`` (not computed or not
    applicable), with the reason's code (``hidden_reason.<reason>`` / ``missing_reason.<reason>``)."""

    kind: str
    reason: str

    def __post_init__(self) -> None:
        if self.kind not in (HIDDEN, MISSING):
            raise ValueError(f"a mark is 'hidden' or 'missing', not {self.kind!r}")


def hidden(reason: str) -> Mark:
    return Mark(HIDDEN, reason)


def missing(reason: str = "not_computed") -> Mark:
    return Mark(MISSING, reason)


@dataclass(frozen=True)
class Table:
    id: str
    label: str
    caption: str
    header: list[str]
    rows: list[list[str | Mark]]
    text_columns: int = 1
    note: str = ""
    legend: str = ""  # what the marks in this table mean, with their reasons
    number: int = 0

    @property
    def has_hidden(self) -> bool:
        """Whether a cell is hidden by disclosure control."""
        return any(isinstance(v, Mark) and v.kind == HIDDEN for row in self.rows for v in row)

    @property
    def has_missing(self) -> bool:
        return any(isinstance(v, Mark) and v.kind == MISSING for row in self.rows for v in row)


def _reasons(rows: list[list], kind: str) -> list[str]:
    """The reasons of the marks of one kind, in the order they first appear (row by row)."""
    found: list[str] = []
    for row in rows:
        for v in row:
            if isinstance(v, Mark) and v.kind == kind and v.reason not in found:
                found.append(v.reason)
    return found


def _row_labels(rows: list[list], kind: str, reason: str) -> list[str]:
    """The first cells (as text) of the rows with a mark of ``kind`` for ``reason``."""
    return [str(row[0]) for row in rows
            if row and isinstance(row[0], str) and any(isinstance(v, Mark) and v.kind == kind and v.reason == reason
                                                       for v in row)]


def legend(tr: Translator, rows: list[list]) -> str:
    """'× = afgeschermd: …. – = niet berekend: ….' for the marks in ``rows`` (empty without marks)."""
    parts = []
    for kind, mark in ((HIDDEN, "common.suppressed_mark"), (MISSING, "common.missing_mark")):
        # the basic reason first ("rests on fewer than 10 people"), the others in the order the table shows them
        reasons = sorted(_reasons(rows, kind), key=lambda r: r != "fewer_than_threshold")
        if reasons:
            # more than one reason: each names the rows it applies to (their first cell), so that no reader takes
            # every mark for the first reason
            where = {r: _row_labels(rows, kind, r) for r in reasons} if len(reasons) > 1 else {}
            why = "; ".join(tr.t(f"{kind}_reason.{r}", threshold=tr.threshold)
                            + (f" ({tr.listing(where[r])})" if where.get(r) else "") for r in reasons)
            parts.append(tr.t(f"common.{kind}_legend", mark=tr.t(mark), reasons=why))
    return " ".join(parts)


@dataclass
class Document:
    """Numbers sections, figures and tables in the order they are added; keeps the charts' PNGs."""

    tr: Translator
    sections: list[Section] = field(default_factory=list)
    charts: dict[str, bytes] = field(default_factory=dict)
    _figures: int = 0
    _tables: dict[str, Table] = field(default_factory=dict)
    _waiting: dict[str, list[Figure]] = field(default_factory=dict)

    def section(self, key: str, title_key: str | None = None, **values) -> Section:
        s = Section(key, len(self.sections) + 1, self.tr.t(title_key or f"section.{key}", **values))
        self.sections.append(s)
        return s

    def figure(self, name: str, png: bytes, caption: str, *, shows: str, table: str) -> Figure:
        """A chart: ``shows`` says in one sentence what it shows, ``table`` is the key of the table in this
        report that holds its figures (made before or after the chart); the alternative text is both."""
        self._figures += 1
        self.charts[name] = png
        figure = Figure(f"fig-{name}", self.tr.t("common.figure", n=self._figures), caption, data_uri(png), shows)
        if table in self._tables:
            self._point(figure, self._tables[table])
        else:
            self._waiting.setdefault(table, []).append(figure)
        return figure

    def table(self, key: str, caption: str, header: list[str], rows: list[list[str | Mark]], text_columns: int = 1,
              note: str = "") -> Table:
        number = len(self._tables) + 1
        made = Table(f"tab-{key}", self.tr.t("common.table", n=number), caption, header, rows, text_columns, note,
                     legend(self.tr, rows), number)
        self._tables[key] = made
        for figure in self._waiting.pop(key, []):
            self._point(figure, made)
        return made

    def _point(self, figure: Figure, table: Table) -> None:
        figure.table_id, figure.table_ref = table.id, self.tr.t("common.table_ref", n=table.number)
        figure.alt = f"{figure.alt} {self.tr.t('common.figures_in', table=figure.table_ref)}"

    def finished_charts(self) -> dict[str, bytes]:
        """The charts' PNGs, once every chart's table is in the report (a chart whose figures are in no
        table is a mistake of the builder: a screen reader would have nothing to read)."""
        if self._waiting:
            raise ValueError(f"charts without their table: {', '.join(f.id for fs in self._waiting.values() for f in fs)} "
                             f"(tables {', '.join(sorted(self._waiting))} never made)")
        return self.charts


def is_missing(value) -> bool:
    return value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value))


def shown(value, formatted: str, hidden_reason: str | None = None, missing_reason: str = "not_computed") -> str | Mark:
    """A cell's text; without a value, a mark: hidden (with ``hidden_reason``, the reason disclosure control
    gave) or missing (``missing_reason``)."""
    if not is_missing(value):
        return formatted
    return hidden(hidden_reason) if hidden_reason else missing(missing_reason)
