"""SROI with a quantity from the data, worked by hand: net of those who got worse, a meaningful change, and the
participants who were not measured counted by a stated assumption (zero or the respondents' net rate).

The case: the shop 'winkel' registered 10 participants in the year and spent 1000 EUR. Its outcome self_esteem
(a custom score 0..30, higher is better) was measured twice by 6 of them:

    participant  baseline  follow-up  change
    p1           10        14         +4   improved
    p2           12        13         +1   improved
    p3           15        15          0   unchanged
    p4           20        18         -2   worsened
    p5            8        11         +3   improved
    p6            9         8         -1   worsened
    p7           10         –              baseline only (not paired)
    p8            –        12              follow-up only (not paired)
    p9, p10       –         –              never measured

Proxy 1000 EUR, deadweight 0.2, displacement 0, attribution 0.5, no drop-off, one year, discount rate 0 (so the
present value is the value of year 1 and every step below is plain arithmetic):
value of one unit = 1000 × (1 − 0.2) × (1 − 0) × (1 − 0.5) = 400 EUR.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from impact.valuation.sroi import ChangeCounts, change_counts, compute_sroi, quantity_from_data

pytestmark = pytest.mark.unit

R = 0.0
INPUTS = {"winkel": 1000.0}
UNIT_VALUE = 1000 * (1 - 0.2) * (1 - 0) * (1 - 0.5)  # 400 EUR per unit of quantity

SCORES = [  # participant, wave, score
    ("p1", "baseline", 10), ("p1", "follow_up", 14),
    ("p2", "baseline", 12), ("p2", "follow_up", 13),
    ("p3", "baseline", 15), ("p3", "follow_up", 15),
    ("p4", "baseline", 20), ("p4", "follow_up", 18),
    ("p5", "baseline", 8), ("p5", "follow_up", 11),
    ("p6", "baseline", 9), ("p6", "follow_up", 8),
    ("p7", "baseline", 10),
    ("p8", "follow_up", 12),
]


def _scores() -> pd.DataFrame:
    frame = pd.DataFrame(SCORES, columns=["participant_id", "wave", "score"]).astype({"score": "float64"})
    return frame.assign(initiative_id="winkel", outcome_id="self_esteem", instrument="custom")


OUTCOMES = pd.DataFrame([{"initiative_id": "winkel", "outcome_id": "self_esteem", "instrument": "custom",
                          "type": "numeric", "higher_is_better": True}])


def _assumptions(meaningful_change=None, non_respondents="zero") -> pd.DataFrame:
    return pd.DataFrame([{
        "initiative_id": "winkel", "outcome_id": "self_esteem", "quantity": "from_data",
        "meaningful_change": meaningful_change, "proxy_eur": 1000.0, "proxy_source": "illustrative",
        "deadweight": 0.2, "displacement": 0.0, "attribution": 0.5, "drop_off": 0.0, "duration_years": 1,
        "non_respondents": non_respondents,
    }])


def _sroi(meaningful_change=None, non_respondents="zero", inputs=INPUTS):
    assumptions = _assumptions(meaningful_change, non_respondents)
    counts = change_counts(_scores(), OUTCOMES, assumptions, {"winkel": 10})
    return counts, compute_sroi(assumptions, inputs, counts, R)


def test_net_of_those_who_got_worse_with_non_respondents_as_zero():
    counts, res = _sroi()
    # paired: p1..p6 = 6; improved p1, p2, p5 = 3; worsened p4, p6 = 2; net 3 − 2 = 1
    # not measured: 10 registered − 6 paired = 4 (p7, p8, p9, p10), counted as 0
    assert counts == {("winkel", "self_esteem"): ChangeCounts(paired=6, improved=3, worsened=2, registered=10)}
    o = res.outcomes.iloc[0]
    assert (o.n_paired, o.n_improved, o.n_worsened, o.n_not_measured) == (6, 3, 2, 4)
    assert (o.quantity_rule, o.non_respondents, o.proxy_source) == ("net_any_change", "zero", "illustrative")
    assert o.quantity == 1.0
    # value = 1 × 400 = 400; ratio = 400 / 1000 = 0.4 (the old rule, improved only, gave 3 × 400 / 1000 = 1.2)
    assert o.value_year_1 == pytest.approx(400.0, rel=1e-12) and o.present_value == pytest.approx(400.0, rel=1e-12)
    assert res.summary.ratio.iloc[0] == pytest.approx(0.4, rel=1e-12)
    assert o.notes == (
        "quantity from the data: net 1 = 3 improved − 2 worsened of 6 paired participants (any change the better or "
        "the worse way counts); the 4 participants of the year's register without both scores count as 0 "
        "(non_respondents: zero; at the paired participants' net rate they would add 0.67); discounted at 0% a year "
        "from year 1 (value in year t divided by 1^t, year 1)"
    )


def test_non_respondents_at_the_respondents_net_rate():
    _, res = _sroi(non_respondents="respondents_rate")
    # net rate 1 / 6 applied to the 4 not measured: 4/6 = 0.6667; quantity 1 + 4/6 = 5/3
    # value 5/3 × 400 = 666.67; ratio 666.67 / 1000 = 0.6667
    o = res.outcomes.iloc[0]
    assert o.quantity == pytest.approx(5 / 3, rel=1e-12)
    assert o.present_value == pytest.approx(2000 / 3, rel=1e-12)
    assert res.summary.ratio.iloc[0] == pytest.approx(2 / 3, rel=1e-12)
    assert "count at the paired participants' net rate 1/6, adding 0.67 (non_respondents: respondents_rate" in o.notes


def test_only_changes_past_the_meaningful_change_count():
    counts, res = _sroi(meaningful_change=3)
    # at least +3: p1 (+4), p5 (+3) = 2; at least −3: nobody (p4 −2, p6 −1) = 0; net 2
    assert counts[("winkel", "self_esteem")] == ChangeCounts(paired=6, improved=2, worsened=0, registered=10)
    o = res.outcomes.iloc[0]
    assert (o.quantity_rule, o.meaningful_change, o.quantity) == ("net_meaningful_change", 3.0, 2.0)
    # value 2 × 400 = 800; ratio 0.8
    assert res.summary.ratio.iloc[0] == pytest.approx(0.8, rel=1e-12)
    assert "(only a change of at least 3 either way counts (meaningful_change))" in o.notes
    # with a meaningful change of 2: improved p1, p5 (+4, +3) = 2, worsened p4 (−2) = 1, net 1
    counts, _ = _sroi(meaningful_change=2)
    assert counts[("winkel", "self_esteem")] == ChangeCounts(paired=6, improved=2, worsened=1, registered=10)
    # and with the respondents' rate: 2 + 2/6 × 4 = 10/3; 10/3 × 400 / 1000 = 1.3333
    _, res = _sroi(meaningful_change=3, non_respondents="respondents_rate")
    assert res.summary.ratio.iloc[0] == pytest.approx(4 / 3, rel=1e-12)


def test_the_sensitivity_row_of_the_non_respondent_assumption():
    _, res = _sroi()
    row = res.sensitivity.set_index("assumption").loc["non_respondents"]
    # the ratio is (1 + x) × 400 / 1000 for x of the 4 not measured counted as improved, on balance;
    # 1:1 at 1 + x = 2.5, x = 1.5 (inside −4..4); under respondents_rate x = 4/6 and the ratio is 0.6667
    assert row.declared_value == 0.0
    assert row.tipping_point == pytest.approx(1.5, rel=1e-12)
    assert row.alternative_value == pytest.approx(2 / 3, rel=1e-12)
    assert row.ratio_at_alternative == pytest.approx(2 / 3, rel=1e-12)
    assert row.notes == ("the 4 participants without both scores as non_respondents: zero (they add 0.00); as "
                         "respondents_rate they would add 0.67 and the ratio would be 0.67; 1:1 when 1.50 of them, "
                         "on balance, changed the better way (solved exactly)")
    # the quantity's own tipping point: 2.5 × 400 = 1000
    assert res.sensitivity.set_index("assumption").loc["quantity", "tipping_point"] == pytest.approx(2.5, rel=1e-12)
    # with inputs of 3000, 1:1 needs 1 + x = 7.5, x = 6.5: more than the 4 not measured
    _, res = _sroi(inputs={"winkel": 3000.0})
    row = res.sensitivity.set_index("assumption").loc["non_respondents"]
    assert math.isnan(row.tipping_point)
    # the ratio runs from (1 − 4) × 400 / 3000 = −0.40 to (1 + 4) × 400 / 3000 = 0.67
    assert row.notes.endswith("no net number of them from -4 to 4 gives a 1:1 ratio: the ratio runs from -0.40 to 0.67")
    # with inputs of 200 the ratio is (1 + x) × 400 / 200 = 2 (1 + x): 1:1 even if, on balance, half a person got worse
    _, res = _sroi(inputs={"winkel": 200.0})
    row = res.sensitivity.set_index("assumption").loc["non_respondents"]
    assert row.tipping_point == pytest.approx(-0.5, rel=1e-12)
    assert row.notes.endswith("1:1 when 0.50 of them, on balance, got worse (solved exactly)")


def test_more_got_worse_than_better_gives_a_negative_value():
    # 1 improved, 3 worsened of 4 paired, all registered measured: net −2, value −2 × 400 = −800, ratio −0.8
    counts = {("winkel", "self_esteem"): ChangeCounts(paired=4, improved=1, worsened=3, registered=4)}
    res = compute_sroi(_assumptions(), INPUTS, counts, R)
    assert res.outcomes.quantity.iloc[0] == -2.0
    assert res.summary.ratio.iloc[0] == pytest.approx(-0.8, rel=1e-12)
    assert res.summary.ratio_low.iloc[0] <= res.summary.ratio_high.iloc[0]
    assert math.isnan(res.summary.payback_months.iloc[0])


def test_which_way_is_better_and_yes_no_outcomes():
    scores = pd.DataFrame([
        # loneliness (De Jong Gierveld: lower is better): a 5 -> 3 improved, b 2 -> 4 worsened, c 6 -> 1 improved
        ("a", "loneliness", "djg11", "baseline", 5), ("a", "loneliness", "djg11", "follow_up", 3),
        ("b", "loneliness", "djg11", "baseline", 2), ("b", "loneliness", "djg11", "follow_up", 4),
        ("c", "loneliness", "djg11", "baseline", 6), ("c", "loneliness", "djg11", "follow_up", 1),
        # paid work (yes/no, yes is better): a 0 -> 1, b 0 -> 1 improved, c 1 -> 0 worsened, d 0 -> 0
        ("a", "work", "custom", "baseline", 0), ("a", "work", "custom", "follow_up", 1),
        ("b", "work", "custom", "baseline", 0), ("b", "work", "custom", "follow_up", 1),
        ("c", "work", "custom", "baseline", 1), ("c", "work", "custom", "follow_up", 0),
        ("d", "work", "custom", "baseline", 0), ("d", "work", "custom", "follow_up", 0),
    ], columns=["participant_id", "outcome_id", "instrument", "wave", "score"]).assign(initiative_id="x")
    outcomes = pd.DataFrame([
        {"initiative_id": "x", "outcome_id": "loneliness", "instrument": "djg11", "type": None, "higher_is_better": None},
        {"initiative_id": "x", "outcome_id": "work", "instrument": "custom", "type": "binary", "higher_is_better": True},
    ])
    assumptions = pd.DataFrame([{"initiative_id": "x", "outcome_id": o, "quantity": "from_data"}
                                for o in ("loneliness", "work", "unmeasured")])
    counts = change_counts(scores, outcomes, assumptions, {"x": 5})
    assert counts == {("x", "loneliness"): ChangeCounts(paired=3, improved=2, worsened=1, registered=5),
                      ("x", "work"): ChangeCounts(paired=4, improved=2, worsened=1, registered=5)}
    # net 1 each; 5 − 3 = 2 and 5 − 4 = 1 not measured; at the net rate: 1 + 1/3 × 2 and 1 + 1/4 × 1
    assert quantity_from_data(counts[("x", "loneliness")], "zero") == 1.0
    assert quantity_from_data(counts[("x", "loneliness")], "respondents_rate") == pytest.approx(5 / 3, rel=1e-12)
    assert quantity_from_data(counts[("x", "work")], "respondents_rate") == pytest.approx(1.25, rel=1e-12)
