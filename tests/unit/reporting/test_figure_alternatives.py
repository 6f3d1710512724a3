"""A chart's alternative text: one sentence of what it shows, then the table in the report that holds its
figures, whether that table is made before or after the chart (impact/reporting/layout.py)."""

from __future__ import annotations

import pytest

from impact.language import Translator
from impact.reporting.layout import Document

pytestmark = pytest.mark.unit

PNG = b"\x89PNG\r\n\x1a\n"


def test_a_chart_names_its_table_made_after_it_and_one_made_before():
    doc = Document(Translator("nl"))
    doc.table("first", "Eerste.", ["a"], [["x"]])
    later = doc.figure("reach", PNG, "Bereik per kwartaal.", shows="Grafiek van het bereik per kwartaal.", table="reach")
    earlier = doc.figure("other", PNG, "Iets anders.", shows="Grafiek van iets anders.", table="first")
    assert later.alt == "Grafiek van het bereik per kwartaal."  # its table is not made yet
    made = doc.table("reach", "Bereik.", ["kwartaal", "deelnemers"], [["K1", "12"]])
    assert (made.number, made.label, made.id) == (2, "Tabel 2.", "tab-reach")
    assert later.alt == "Grafiek van het bereik per kwartaal. De cijfers staan in tabel 2."
    assert (later.table_id, later.table_ref) == ("tab-reach", "tabel 2")
    assert earlier.alt == "Grafiek van iets anders. De cijfers staan in tabel 1."
    assert doc.finished_charts() == {"reach": PNG, "other": PNG}


def test_a_chart_whose_table_never_comes_is_refused():
    doc = Document(Translator("en"))
    doc.figure("forest", PNG, "Effects.", shows="Chart of the effects.", table="effects")
    with pytest.raises(ValueError, match=r"charts without their table: fig-forest \(tables effects never made\)"):
        doc.finished_charts()


def test_english_names_the_table_in_english():
    doc = Document(Translator("en"))
    figure = doc.figure("timeline", PNG, "Sessions.", shows="Timeline of the sessions.", table="timeline")
    doc.table("timeline", "Sessions.", ["initiative"], [["A"]])
    assert figure.alt == "Timeline of the sessions. The figures are in table 1."
