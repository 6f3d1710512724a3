"""The yearly report's summary and reach chapter and its data-quality table: what the initiative did is its output
(not the rows of its activity log), cost and SROI read as in the programme overview, and one row per quality rule."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from impact.language import Translator
from impact.reporting.overview import cost_words
from impact.reporting.yearly import merged_warnings, output_kpi

pytestmark = pytest.mark.unit

NL = Translator("nl", 10)


def _fig(realisation: pd.DataFrame, activities: float = 123.0) -> SimpleNamespace:
    return SimpleNamespace(realisation=realisation, reach=pd.DataFrame({"period": ["2018"], "activities": [activities]}))


def test_the_summary_shows_the_output_realised_not_the_rows_of_the_activity_log():
    # Utrecht Cares: 123 rows in the activity log hold 1.155 home visits against a target of 1.200
    realisation = pd.DataFrame({"label": ["Huisbezoeken", "Deelnemers met een vaste bezoeker", "Vrijwilligersuren"],
                                "measure": ["attendance", "participants", "volunteer_hours"],
                                "target": [1200.0, 80.0, 2000.0], "realised": [1155.0, 70.0, 1661.0]})
    assert output_kpi(_fig(realisation), NL) == ("1.155", "huisbezoeken (doel 1.200)")
    # an initiative whose only targets are people and hours: the log's rows, called that
    assert output_kpi(_fig(realisation.iloc[1:]), NL) == ("123", "registraties in het activiteitenlogboek")
    # the first output that is neither people nor hours, and a masked one is skipped
    masked = realisation.assign(realised=[np.nan, 70.0, 1661.0])
    assert output_kpi(_fig(masked), NL) == ("123", "registraties in het activiteitenlogboek")


def test_cost_reads_as_in_the_overview():
    assert cost_words(42000.0, 179.0, NL) == "€42.000 in het jaar; €235 per bereikte deelnemer"
    assert cost_words(42000.0, np.nan, NL) == "€42.000 in het jaar; €afgeschermd per bereikte deelnemer"  # as before
    assert cost_words(np.nan, 179.0, NL) == "niet opgegeven"


def test_a_quality_rule_checked_on_two_columns_is_one_row_with_the_counts_summed():
    warns = pd.DataFrame({
        "initiative_id": "zus-en-zo", "table_name": ["coaching_sessions", "coaching_sessions", "participants"],
        "check_name": ["no_small_groups_in_text", "no_small_groups_in_text", "completeness"],
        "severity": "warning", "outcome": ["warning", "warning", "failed"],
        "column": ["smallest_count", "shares", "wijk"], "outcome_id": [None, None, None], "wave": [None, None, None],
        "description": ["a", "b", "c"], "observed_value": [None, None, "0.8"], "unexpected_count": [1, 1, 3]})
    merged = merged_warnings(warns)
    assert merged[["check_name", "outcome", "unexpected_count", "observed_value"]].values.tolist() == [
        ["no_small_groups_in_text", "warning", 2, None], ["completeness", "failed", 3, "0.8"]]
    assert merged_warnings(warns.iloc[:0]).empty
