"""The SROI as the yearly report publishes it: a net quantity from the data is hidden with any count it rests on.

One initiative 'a' registered 40 participants in 2018; 30 answered twice, all starting at 10 on a custom score:
20 moved to 12 (better), ``worse`` moved down to 8 (of whom the first ``far`` to 6), the rest stayed at 10. The proxy is 100 EUR,
no deadweight, displacement, attribution or drop-off, one year, discount rate 0, inputs 1000 EUR; the disclosure
threshold is 10. The report data are built with the same functions the pipeline uses, no warehouse.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from impact.reporting.report_data import ReportData
from impact.reporting.tables import initiative_figures
from impact.valuation.sroi import change_counts, compute_sroi
from tests import small_report

pytestmark = pytest.mark.unit



def _report_data(worse: int, far: int = 0, meaningful_change: float | None = None) -> ReportData:
    registered = 40
    rows = []
    for i in range(30):
        follow_up = 12.0 if i < 20 else 6.0 if i < 20 + far else 8.0 if i < 20 + worse else 10.0
        rows += [(f"p{i}", "baseline", 10.0), (f"p{i}", "follow_up", follow_up)]
    scores = pd.DataFrame(rows, columns=["participant_id", "wave", "score"]).assign(
        initiative_id="a", outcome_id="o", instrument="custom")
    outcomes = pd.DataFrame([{"initiative_id": "a", "outcome_id": "o", "label": "O", "instrument": "custom",
                              "type": "numeric", "min": 0.0, "max": 30.0, "unit": None, "higher_is_better": True}])
    assumptions = pd.DataFrame([{
        "initiative_id": "a", "outcome_id": "o", "quantity": "from_data", "meaningful_change": meaningful_change,
        "proxy_eur": 100.0, "proxy_source": "illustrative", "deadweight": 0.0, "displacement": 0.0, "attribution": 0.0,
        "drop_off": 0.0, "duration_years": 1, "non_respondents": "zero"}])
    sroi = compute_sroi(assumptions, {"a": 1000.0}, change_counts(scores, outcomes, assumptions, {"a": registered}), 0.0)
    return small_report.report_data(scores, outcomes, registered, sroi_outcomes=sroi.outcomes,
                                    sroi_summary=sroi.summary, sroi_sensitivity=sroi.sensitivity)


def test_a_net_quantity_resting_on_published_counts_is_published_without_the_counts():
    fig = initiative_figures(_report_data(worse=10), "a")
    o, s = fig.sroi_outcomes.iloc[0], fig.sroi_summary.iloc[0]
    # net 20 − 10 = 10; value 10 × 100 = 1000; ratio 1000 / 1000 = 1
    assert (o.quantity, o.present_value, o.hidden) == (10.0, 1000.0, "")
    assert s.ratio == 1.0
    assert not {"n_paired", "n_improved", "n_worsened", "n_not_measured"} & set(fig.sroi_outcomes.columns)
    assert o.quantity_rule == "net_any_change" and o.proxy_source == "illustrative"


def test_a_net_quantity_is_hidden_when_the_worsened_count_is():
    # 3 got worse: fewer than 10, so that count is hidden in the paired-change table, and the net 20 − 3 = 17
    # would give it back next to the published 20 who improved
    fig = initiative_figures(_report_data(worse=3), "a")
    o, s = fig.sroi_outcomes.iloc[0], fig.sroi_summary.iloc[0]
    assert math.isnan(o.quantity) and math.isnan(o.present_value) and math.isnan(s.ratio)
    assert o.hidden == "quantity:rests_on_hidden_count;value_year_1:rests_on_hidden_count;present_value:rests_on_hidden_count"
    assert o.notes == "suppressed: the quantity rests on a hidden count"
    assert math.isnan(fig.changes.iloc[0].n_worse)  # hidden there too


def test_a_meaningful_change_count_below_the_threshold_hides_the_quantity():
    # a meaningful change of 3: the 20 who gained 2 do not count, nor the 10 who lost 2: net 0 − 0 = 0, shown
    fig = initiative_figures(_report_data(worse=10, meaningful_change=3.0), "a")
    assert (fig.sroi_outcomes.iloc[0].quantity, fig.sroi_outcomes.iloc[0].quantity_rule) == (0.0, "net_meaningful_change")
    # all 10 who got worse lost 4: net 0 − 10 = −10, value −1000, shown (10 is not below the threshold)
    fig = initiative_figures(_report_data(worse=10, far=10, meaningful_change=3.0), "a")
    assert fig.sroi_outcomes.iloc[0].quantity == -10.0 and fig.sroi_summary.iloc[0].ratio == -1.0
    # 3 of the 10 lost 4: the published counts (20 better, 10 worse) are fine, but the rule's own count of 3 who got
    # worse by at least 3 is below the threshold, and the net 0 − 3 = −3 would give it away: hidden
    fig = initiative_figures(_report_data(worse=10, far=3, meaningful_change=3.0), "a")
    assert math.isnan(fig.sroi_outcomes.iloc[0].quantity) and math.isnan(fig.sroi_summary.iloc[0].ratio)
    assert fig.sroi_outcomes.iloc[0].notes == "suppressed: the quantity rests on a hidden count"
