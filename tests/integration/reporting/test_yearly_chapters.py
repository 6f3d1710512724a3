"""Each chapter of the yearly report built and read on its own (impact/reporting/yearly.py: SECTIONS), on the
sample year's warehouse; the expected figures come from the warehouse the same build wrote."""

from __future__ import annotations

import pandas as pd
import pytest

from impact.reporting import report_data
from impact.language import Translator
from impact.reporting.provenance import code_version
from impact.reporting.yearly import SECTIONS, YearlyContext, attrition_section, reach_section, summary_section

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def data(built_sample):
    return report_data.load(built_sample["con"])


def _context(data, initiative_id: str) -> YearlyContext:
    return YearlyContext(data, initiative_id, Translator("nl", data.threshold), code_version())


def test_the_summary_states_reach_and_response_from_the_indicators(data, built_sample):
    reached, response = built_sample["con"].execute(
        "SELECT max(value) FILTER (WHERE indicator_id = 'participants_reached'), "
        "max(value) FILTER (WHERE indicator_id = 'response_rate') FROM marts.indicators "
        "WHERE initiative_id = 'sociale-supermarkt' AND period = '2018'").fetchone()
    summary = summary_section(_context(data, "sociale-supermarkt"))
    assert summary["section"].number == 1
    kpis = dict((label, value) for value, label in summary["kpis"])
    assert any(label.startswith("deelnemers bereikt") and value == f"{int(reached)}" for label, value in kpis.items())
    assert kpis["respons op de nulmeting"] == f"{round(response * 100)}%"
    # the outcome line names the instrument's scale
    assert summary["key_outcomes"][0].startswith("Gevoel van eigenwaarde (schaal 0–30, hoger is een groter gevoel van eigenwaarde)")


def test_the_realisation_table_shows_the_realisation_indicators(data, built_sample):
    rows = built_sample["con"].execute(
        "SELECT o.label, o.measure, i.value FROM marts.indicators i JOIN programme.outputs o "
        "ON o.initiative_id = i.initiative_id AND i.indicator_id = 'output.' || o.output_id "
        "WHERE i.initiative_id = 'utrecht-cares' AND i.period = '2018' ORDER BY o.label").fetchall()
    reach = reach_section(_context(data, "utrecht-cares"))
    shown = {r[0]: r[2] for r in reach["realisation"].rows}
    for label, measure, value in rows:
        # hours with one decimal, as in the reach table (the quarters add up to the year), counts whole
        digits = 1 if measure == "volunteer_hours" else 0
        assert shown[label] == f"{value:,.{digits}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def test_response_per_outcome_is_stated_when_an_outcome_rests_on_fewer_baselines(data, built_sample):
    survey, loneliness = built_sample["con"].execute(
        "SELECT max(value) FILTER (WHERE indicator_id = 'baseline_respondents'), "
        "(SELECT n_baseline FROM marts.hypothesis_results WHERE initiative_id = 'digitale-buddies' "
        " AND outcome_id = 'loneliness') FROM marts.indicators "
        "WHERE initiative_id = 'digitale-buddies' AND period = '2018'").fetchone()
    assert loneliness < survey
    text = attrition_section(_context(data, "digitale-buddies"))["response"]
    assert f"Daarom zijn niet alle {int(survey)} nulmetingen bruikbaar: voor eenzaamheid {int(loneliness)} " in text


def test_the_chapters_are_numbered_in_their_order(data):
    c = _context(data, "digitale-buddies")
    built = {name: section(c) for name, section in SECTIONS}
    numbered = [built[name]["section"].number for name, _ in SECTIONS if built[name] is not None]
    assert numbered == list(range(1, len(numbered) + 1))
    assert c.doc.sections[-1].title == "Begrippenlijst"


def test_an_unreliable_measurement_shows_no_change_and_no_scores_at_the_wave_below_the_floor(data, built_sample):
    """Utrecht Cares: its follow-up DJG-6 has alpha below the floor (items 4–6 coded the other way round), so the
    hypotheses table shows no test figure, the outcomes chapter draws neither the outcome nor its changes, and the
    score table keeps the baseline (alpha above the floor) but not the follow-up."""
    from impact.reporting.layout import Mark
    from impact.reporting.yearly import hypotheses_section, outcomes_section

    alpha_base, alpha_follow = built_sample["con"].execute(
        "SELECT reliability_baseline, reliability_follow_up FROM marts.hypothesis_results "
        "WHERE initiative_id = 'utrecht-cares'").fetchone()
    assert alpha_base >= 0.60 > alpha_follow
    c = _context(data, "utrecht-cares")
    row = hypotheses_section(c)["table"].rows[0]
    assert [v.reason for v in row[3:9]] == ["unreliable"] * 6 and all(isinstance(v, Mark) for v in row[3:9])
    outcomes = outcomes_section(c)
    assert outcomes["figures"] == [] and outcomes["change"] is None and not outcomes["changes_masked"]
    # its only outcome: no general description of figures that are not there
    assert outcomes["intro"].startswith("Voor eenzaamheid ontbreken hieronder de figuur en de veranderingen")
    baseline, follow_up = outcomes["table"].rows
    assert not isinstance(baseline[3], Mark) and follow_up[3] == Mark("missing", "unreliable")


def test_the_tables_of_an_unreliable_measurement_publish_what_the_report_shows(built_sample):
    """Utrecht Cares: the report prints "–" for its test, its follow-up scores and its changes; the CSVs, the
    workbook, the programme's effects and the lessons' hypotheses left the warehouse's figures in, which read as
    "no change". They are blank now (shown as "–"), while the warehouse keeps them and the reliability that
    explains why stays."""
    year = built_sample["reports"] / "2018"
    marts = built_sample["con"].execute(
        "SELECT mean_difference, p_value, effect_size FROM marts.hypothesis_results "
        "WHERE initiative_id = 'utrecht-cares'").fetchone()
    assert all(v is not None for v in marts)   # computed, kept in the warehouse

    def machine(folder: str, name: str) -> pd.DataFrame:
        return pd.read_csv(year / folder / "tables" / "machine" / f"{name}.csv", encoding="utf-8-sig")

    hyp = machine("utrecht-cares", "hypotheses").iloc[0]
    figures = ["mean_baseline", "mean_follow_up", "mean_difference", "estimate", "ci_low", "ci_high", "statistic",
               "p_value", "p_adjusted", "effect_size", "effect_size_ci_low", "effect_size_ci_high", "mde"]
    assert hyp[figures].isna().all() and hyp["verdict"] == "unreliable_measurement"
    assert hyp["reliability_follow_up"] < 0 and hyp["n_pairs"] == 37 and pd.isna(hyp["evidence"])
    change = machine("utrecht-cares", "paired_change").iloc[0]
    assert change["n_pairs"] == 37 and change[["n_worse", "n_same", "n_better", "share_worse", "share_better"]].isna().all()
    scores = machine("utrecht-cares", "outcome_distributions").set_index("wave")
    assert scores.loc["baseline", "mean"] > 0 and scores.loc["follow_up", ["mean", "p50", "p90"]].isna().all()
    effects = machine("programme", "effects")
    assert effects.loc[effects["initiative_id"] == "utrecht-cares", ["estimate", "effect_size", "p_adjusted"]].isna().all().all()
    lessons = machine("lessons_learned", "hypotheses")
    assert lessons.loc[lessons["initiative_id"] == "utrecht-cares", ["estimate", "p_value"]].isna().all().all()


def test_a_summary_whose_paired_figures_are_hidden_still_gives_what_the_score_table_shows(data, built_sample):
    """Talent Connection: its McNemar test is masked (one person lost work), but the share with paid work at
    follow-up, over everyone measured then, is published in the score table; the summary says it, and says that
    the comparison per participant is hidden."""
    n, mean = built_sample["con"].execute(
        "SELECT count(*), avg(score) FROM marts.outcome_scores WHERE initiative_id = 'talent-connection' "
        "AND outcome_id = 'has_paid_work' AND wave = 'follow_up' AND score IS NOT NULL").fetchone()
    assert (n, round(mean * 100)) == (52, 44)
    lines = summary_section(_context(data, "talent-connection"))["key_outcomes"]
    assert lines == ["Betaald werk (ja of nee; getoond als aandeel ja): 44% bij de nameting (52 deelnemers). Dit gaat "
                     "over iedereen die bij die meting de vragenlijst invulde; de vergelijking per deelnemer is afgeschermd."]
