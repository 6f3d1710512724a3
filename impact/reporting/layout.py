"""Building blocks the report builders share: numbered sections, figures and tables for the template."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from impact.reporting.i18n import Translator
from impact.reporting.publish import data_uri


@dataclass(frozen=True)
class Section:
    id: str
    number: int
    title: str


@dataclass(frozen=True)
class Figure:
    id: str
    label: str
    caption: str
    src: str
    alt: str


@dataclass(frozen=True)
class Table:
    id: str
    label: str
    caption: str
    header: list[str]
    rows: list[list[str | None]]
    text_columns: int = 1
    note: str = ""

    @property
    def has_hidden(self) -> bool:
        """Whether a cell is suppressed (the table then explains the mark)."""
        return any(v is None for row in self.rows for v in row)


@dataclass
class Document:
    """Numbers sections, figures and tables in the order they are added; keeps the charts' PNGs."""

    tr: Translator
    sections: list[Section] = field(default_factory=list)
    charts: dict[str, bytes] = field(default_factory=dict)
    _figures: int = 0
    _tables: int = 0

    def section(self, key: str, title_key: str | None = None, **values) -> Section:
        s = Section(key, len(self.sections) + 1, self.tr.t(title_key or f"section.{key}", **values))
        self.sections.append(s)
        return s

    def figure(self, name: str, png: bytes, caption: str, alt: str | None = None) -> Figure:
        self._figures += 1
        self.charts[name] = png
        return Figure(f"fig-{name}", self.tr.t("common.figure", n=self._figures), caption, data_uri(png), alt or caption)

    def table(self, key: str, caption: str, header: list[str], rows: list[list[str | None]], text_columns: int = 1,
              note: str = "") -> Table:
        self._tables += 1
        return Table(f"tab-{key}", self.tr.t("common.table", n=self._tables), caption, header, rows, text_columns, note)


def shown(value, formatted: str) -> str | None:
    """A cell's text, or None when disclosure control hid it (the template prints 'suppressed')."""
    return None if value is None or pd.isna(value) else formatted
