"""The reason a hidden cell publishes must not tell its value (impact/reporting/tables.py, Cells.why)."""

from __future__ import annotations

import pytest

from impact.reporting.tables import Cells

pytestmark = pytest.mark.unit


def test_a_hidden_zero_reads_fewer_than_the_threshold_not_protects_another_figure():
    # pairs 27 = worse 0 + same 3 + better 24: 'same' is small; the 0 and the 24 are hidden to protect it (two
    # hidden cells of 0 and 3 would still add up to fewer than 10). 'Protects another figure' on the 0 would say
    # it is 0 or at least 10, and with 'better' at 24 the pairs leave only 0.
    cells = Cells()
    cells.add("pairs", 27.0)
    cells.add("worse", 0.0)
    cells.add("same", 3.0)
    cells.add("better", 24.0)
    cells.add("activities", 0.0, people=False)
    cells.add("activities_q1", 0.0, people=False)
    cells.relate("pairs", "worse", "same", "better")
    cells.resolve(10)
    assert [cells.hidden(c) for c in ("pairs", "worse", "same", "better")] == [False, True, True, True]
    assert cells.why("same") == "fewer_than_threshold"
    assert cells.why("worse") == "fewer_than_threshold"   # secondary, but a 0: no reason that tells it apart
    assert cells.why("better") == "protects_hidden_figure" and cells.why("activities") is None


def test_a_hidden_count_above_zero_still_says_it_protects_another_figure():
    cells = Cells()
    for cell_id, value in (("year", 40.0), ("q1", 4.0), ("q2", 12.0), ("q3", 24.0)):
        cells.add(cell_id, value)
    cells.relate("year", "q1", "q2", "q3")
    cells.resolve(10)
    assert (cells.why("q1"), cells.why("q2"), cells.why("q3")) == ("fewer_than_threshold", "protects_hidden_figure", None)
