"""What every chapter of a programme-level report (the overview, the lessons-learned summary) reads."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from impact.language import Translator
from impact.reporting.layout import Document
from impact.reporting.report_data import ReportData
from impact.reporting.tables import InitiativeFigures


@dataclass
class ProgrammeContext:
    """The report data and every initiative's published figures, the initiatives' names, the document that
    numbers chapters, figures and tables in order, and the CSV tables the chapters publish (in chapter order)."""

    data: ReportData
    figures: dict[str, InitiativeFigures]
    tr: Translator
    names: dict[str, str] = field(init=False)
    year: str = field(init=False)
    doc: Document = field(init=False)
    tables: dict[str, pd.DataFrame] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.names = dict(zip(self.data.initiatives["initiative_id"], self.data.initiatives["name"]))
        self.year = str(self.data.year)
        self.doc = Document(self.tr)
