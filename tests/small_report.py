"""A ReportData of one small initiative ("a", year 2018, threshold 10) built from scores, for unit tests of the
report layer: the indicators, distributions and changes are computed by the project's own functions, every
other table is empty unless given."""

from __future__ import annotations

import pandas as pd

from impact.indicators import compute_indicators
from impact.reporting.report_data import ReportData, changes, distributions
from impact.warehouse import tables


def empty(table) -> pd.DataFrame:
    """An empty frame of a warehouse table, with its columns and types."""
    return table.conform(pd.DataFrame(columns=list(table.column_names)))


def report_data(scores: pd.DataFrame, outcomes: pd.DataFrame, registered: int, **tables_given) -> ReportData:
    """Initiative "a" with ``registered`` participants p0… (enrolled 1 February 2018, wijk Oost) and ``scores``
    (participant_id, wave, outcome_id, instrument, score); ``tables_given`` replaces any ReportData field."""
    participants = pd.DataFrame({"initiative_id": "a", "participant_id": [f"p{i}" for i in range(registered)],
                                 "enrolled_on": [pd.Timestamp("2018-02-01")] * registered, "wijk": ["Oost"] * registered})
    indicators = compute_indicators(participants, empty(tables.ACTIVITIES),
                                    scores[["initiative_id", "participant_id", "wave"]], scores, outcomes,
                                    empty(tables.OUTPUTS), ["a"], 2018, 10)
    fields = dict(
        programme={"year": 2018, "disclosure_threshold": 10}, initiatives=pd.DataFrame({"initiative_id": ["a"]}),
        outputs=empty(tables.OUTPUTS), outcomes=outcomes, hypotheses=empty(tables.HYPOTHESIS_RESULTS),
        indicators=indicators, drops=empty(tables.DROPS), inventory=empty(tables.DROP_INVENTORY),
        quarantine_reasons=pd.DataFrame(), warnings=pd.DataFrame(), sessions=pd.DataFrame(),
        distributions=distributions(scores), changes=changes(scores, outcomes), attrition=pd.DataFrame(),
        sroi_outcomes=empty(tables.SROI_OUTCOMES), sroi_summary=empty(tables.SROI),
        sroi_sensitivity=empty(tables.SROI_SENSITIVITY))
    return ReportData(**{**fields, **tables_given})
