"""Verdicts a statistician would sign, as the reports print them (issue "Verdicts a statistician would sign").

Hand-made rows of ``marts.hypothesis_results`` (no build): the verdict ``unreliable_measurement`` with its
reason and what to check, the reliability caveat, the estimate that belongs to each test with its interval,
d_z, r and the odds ratio kept apart, a missing figure read apart from a hidden one (in tables, notes, charts
and the CSV's ``hidden`` column), the MDE with its alpha and unit. Exact strings in Dutch and English.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from impact.reporting import charts, lessons, sentences
from impact.language import Translator, catalogue
from impact.reporting.layout import Document, Mark, hidden, missing
from impact.reporting.publish import environment
from impact.reporting.tables import (
    HIDDEN_COLUMN, HYPOTHESIS_COLUMNS, HYPOTHESIS_FIGURES, Cells, _hypotheses_table, hidden_reason, hidden_reasons,
    hidden_text,
)
from impact.reporting.yearly import effect_cell, estimate_cell, interval_cell, mde_cell, p_holm_cell, verdict_cell
from impact.statistics import reliability
from impact.statistics.verdicts import VERDICTS

pytestmark = pytest.mark.unit

NL, EN = Translator("nl"), Translator("en")


def row(**changes) -> pd.Series:
    """A published hypothesis row of a primary paired t-test under Holm, supported, reliable items."""
    base = dict(
        hypothesis_id="H1", outcome_id="loneliness", outcome="Eenzaamheid", verdict="supported", test="paired_t",
        primary=True, alternative="two-sided", multiple_testing="holm", alpha=0.05, min_reliability=0.60,
        n_pairs=41.0, estimate_kind="mean_difference", estimate=-1.0976, ci_low=-1.6153, ci_high=-0.5799,
        mean_difference=-1.0976, p_value=0.00011, p_adjusted=0.00056, effect_size=-0.6692,
        effect_size_kind="cohen_dz", effect_size_ci_low=-1.0049, effect_size_ci_high=-0.3265, mde=0.9613,
        mde_alpha=0.00625, reliability_baseline=0.76, reliability_baseline_ci_low=0.66,
        reliability_baseline_ci_high=0.84, reliability_follow_up=0.86, reliability_follow_up_ci_low=0.80,
        reliability_follow_up_ci_high=0.91, min_pairs_required=10, hidden="", ci_level=0.95,
    )
    unknown = set(changes) - set(base)
    assert not unknown, unknown
    return pd.Series({**base, **changes})


MODERATE = dict(reliability_follow_up=0.65, reliability_follow_up_ci_low=0.48, reliability_follow_up_ci_high=0.78)
UNRELIABLE = dict(verdict="unreliable_measurement", reliability_follow_up=-1.0422, reliability_follow_up_ci_low=-2.4005,
                  reliability_follow_up_ci_high=-0.1033)
WILCOXON = dict(test="wilcoxon", estimate_kind="pseudo_median", estimate=1.25, ci_low=0.75, ci_high=1.75, mean_difference=0.96,
                outcome="Toekomstbeeld", n_pairs=40.0, effect_size=0.8569, effect_size_kind="rank_biserial",
                effect_size_ci_low=0.5645, effect_size_ci_high=0.9677)
MCNEMAR = dict(test="mcnemar", estimate_kind="difference_in_proportions", estimate=0.36, ci_low=0.2137, ci_high=0.5046,
               outcome="Betaald werk", n_pairs=50.0, effect_size=19.0, effect_size_kind="odds_ratio",
               effect_size_ci_low=3.4882, effect_size_ci_high=398.8604, mde=0.3007)


# -- 1. the new verdict ---------------------------------------------------------------------------------------

def test_the_new_verdict_has_words_meaning_and_a_group_in_both_languages():
    assert VERDICTS == ("supported", "contradicted", "not_shown", "unreliable_measurement", "insufficient_data")
    assert (NL.t("verdict.unreliable_measurement"), EN.t("verdict.unreliable_measurement")) == (
        "Meting onbetrouwbaar", "Unreliable measurement")
    assert NL.t("lessons.verdict_group.unreliable_measurement", n=1) == "Meting onbetrouwbaar (1)"
    assert NL.t("verdict_meaning.unreliable_measurement", floor="0,60") == (
        "de vragen van de schaal hangen bij deze deelnemers te weinig samen (Cronbachs "
        "alfa onder 0,60 bij de nul- of nameting) om de totaalscore als één maat te lezen. Dan zegt een toets op die "
        "score niets, en daarom is er geen oordeel. Vaak ligt het aan de afname of de verwerking: verkeerd gecodeerde "
        "antwoorden, omgekeerd gestelde vragen die niet zijn omgescoord, of een andere taal of versie van de vragenlijst.")
    assert EN.t("verdict_meaning.unreliable_measurement", floor="0.60").startswith(
        "the items of the scale hang together too little among these participants "
        "(Cronbach's alpha below 0.60 at baseline or follow-up)")
    for verdict in VERDICTS:  # every verdict has its words everywhere verdicts appear
        for language in ("nl", "en"):
            words = catalogue(language)
            assert {f"verdict.{verdict}", f"verdict_meaning.{verdict}", f"lessons.verdict_group.{verdict}"} <= set(words)
    assert lessons.VERDICT_ORDER == VERDICTS
    assert set(charts.VERDICT_COLOURS) == set(VERDICTS)


def test_an_unreliable_measurement_says_which_wave_with_its_interval_and_what_to_check():
    h = row(**UNRELIABLE)
    assert sentences.verdict_sentence(h, NL) == (
        "De uitkomst ‘eenzaamheid’ krijgt geen oordeel: de vragen van de schaal hangen te weinig samen om als één score te "
        "tellen (Cronbachs alfa −1,04 bij de nameting, 95%-interval −2,40 tot −0,10; voor een oordeel is minstens 0,60 "
        "nodig). Controleer hoe de antwoorden zijn gecodeerd, of de omgekeerd gestelde vragen zijn omgescoord en of "
        "iedereen dezelfde taal en versie van de vragenlijst kreeg. Een negatieve alfa wijst er meestal op dat "
        "omgekeerd gestelde vragen niet zijn omgescoord.")
    assert sentences.verdict_sentence(h, EN) == (
        "Eenzaamheid is not judged: the items of the scale hang together too little to count as one score (Cronbach's "
        "alpha −1.04 at follow-up, 95% interval −2.40 to −0.10; a verdict needs at least 0.60). Check how the answers "
        "were coded, whether the reversed items were reverse-scored, and whether everyone got the same language and "
        "version of the questionnaire. A negative alpha usually means that reversed items were not reverse-scored.")
    both = row(verdict="unreliable_measurement", reliability_baseline=0.55, reliability_baseline_ci_low=0.40,
               reliability_baseline_ci_high=0.67, reliability_follow_up=0.52, reliability_follow_up_ci_low=np.nan,
               reliability_follow_up_ci_high=np.nan)
    assert ("(Cronbachs alfa 0,55 bij de nulmeting, 95%-interval 0,40 tot 0,67, en 0,52 bij de nameting; voor een "
            "oordeel is minstens 0,60 nodig)") in sentences.verdict_sentence(both, NL)
    # the programme's own floor, not a literal
    assert "a verdict needs at least 0.75" in sentences.verdict_sentence(
        row(verdict="unreliable_measurement", reliability_follow_up=0.72, min_reliability=0.75), EN)
    assert verdict_cell(h, NL) == "Meting onbetrouwbaar"


# -- 2. the caveat --------------------------------------------------------------------------------------------

def test_a_verdict_on_moderately_consistent_items_carries_a_caveat_in_both_languages():
    h = row(**MODERATE)
    assert sentences.caveat(h, NL) == (
        "Let op: de vragen van de schaal hangen maar matig samen (Cronbachs alfa 0,65 bij de nameting, 95%-interval "
        "0,48 tot 0,78); lees het resultaat met voorzichtigheid.")
    assert sentences.caveat(h, EN) == (
        "Note: the items of the scale hang together only moderately (Cronbach's alpha 0.65 at follow-up, 95% interval "
        "0.48 to 0.78); read the result with care.")
    assert sentences.verdict_sentence(h, NL).endswith(" " + sentences.caveat(h, NL))
    assert verdict_cell(h, NL) == "Ondersteund †"
    for verdict in ("contradicted", "not_shown"):
        assert sentences.caveat(row(verdict=verdict, **MODERATE), EN)
    for verdict in ("insufficient_data", "unreliable_measurement"):
        assert sentences.caveat(row(verdict=verdict, **MODERATE), EN) == ""


def test_the_caveat_uses_the_statistics_constant_and_the_floor(monkeypatch):
    assert reliability.CAVEAT_BELOW == 0.70
    just_below = row(reliability_follow_up=0.6999)
    assert sentences.caveat(just_below, EN) and sentences.caveat(row(reliability_follow_up=0.70), EN) == ""
    assert sentences.caveat(row(reliability_follow_up=0.60), EN)  # at the floor: judged, with care
    monkeypatch.setattr(sentences, "CAVEAT_BELOW", 0.65)
    assert sentences.caveat(just_below, EN) == ""
    assert sentences.caveat(row(reliability_follow_up=np.nan, reliability_baseline=np.nan), EN) == ""  # single item


# -- 3. the estimate that belongs to the test ----------------------------------------------------------------

def test_each_test_reports_its_own_estimate_with_its_interval():
    assert sentences.verdict_sentence(row(), NL) == (
        "De uitkomst ‘eenzaamheid’ veranderde in de verwachte richting: 1,10 punten lager (gemiddeld verschil; 95%-interval −1,62 tot "
        "−0,58), bij 41 deelnemers met beide metingen. Zo’n verschil ontstaat zelden door toeval (p < 0,001 na "
        "Holm-correctie).")
    assert sentences.verdict_sentence(row(**WILCOXON), NL) == (
        "De uitkomst ‘toekomstbeeld’ veranderde in de verwachte richting: gemiddeld 0,96 punten hoger; bij wie veranderde "
        "typisch 1,25 punten hoger (pseudomediaan volgens Hodges–Lehmann; 95%-interval 0,75 tot 1,75), bij 40 deelnemers met beide metingen. Zo’n verschil ontstaat zelden door toeval "
        "(p < 0,001 na Holm-correctie).")
    assert sentences.verdict_sentence(row(**WILCOXON), EN) == (
        "Toekomstbeeld changed in the expected direction: on average 0.96 points higher; among those who changed typically 1.25 points higher "
        "(Hodges–Lehmann pseudo-median; 95% "
        "interval 0.75 to 1.75), among 40 participants with both measurements. A difference like this rarely arises "
        "by chance (p < 0.001 after the Holm correction).")
    contradicted = row(**{**MCNEMAR, "verdict": "contradicted", "estimate": -0.36, "ci_low": -0.5046, "ci_high": -0.2137})
    assert sentences.verdict_sentence(contradicted, NL) == (
        "De uitkomst ‘betaald werk’ veranderde de andere kant op dan verwacht: 36 procentpunten lager (verschil in aandelen; "
        "95%-interval −50 tot −21 procentpunten), bij 50 deelnemers met beide metingen (p < 0,001 na Holm-correctie).")
    assert sentences.verdict_sentence(contradicted, EN) == (
        "Betaald werk changed the opposite way to what was expected: 36 percentage points lower (difference in "
        "proportions; 95% interval −50 to −21 percentage points), among 50 participants with both measurements "
        "(p < 0.001 after the Holm correction).")


def test_the_table_cells_name_the_estimate_and_a_one_sided_interval_is_a_bound():
    assert [estimate_cell(row(**kind), NL) for kind in ({}, WILCOXON, MCNEMAR)] == [
        "gemiddeld verschil −1,10", "pseudomediaan (HL) +1,25", "verschil in aandelen +36,0"]
    assert [estimate_cell(row(**kind), EN) for kind in ({}, WILCOXON, MCNEMAR)] == [
        "mean difference −1.10", "pseudo-median (HL) +1.25", "difference in proportions +36.0"]
    assert [interval_cell(row(**kind), NL) for kind in ({}, WILCOXON, MCNEMAR)] == [
        "−1,62 tot −0,58", "0,75 tot 1,75", "21,4 tot 50,5"]
    one_sided = row(alternative="greater", estimate=0.3, ci_low=-0.1, ci_high=math.inf)
    assert interval_cell(one_sided, NL) == "≥ −0,10"
    assert "(gemiddeld verschil; 95%-ondergrens −0,10)" in sentences.estimate_phrase(one_sided, NL)
    assert "(mean difference; 95% upper bound 0.40)" in sentences.estimate_phrase(
        row(alternative="less", ci_low=-math.inf, ci_high=0.4), EN)


def test_an_interval_below_95_percent_says_its_level_in_words_and_in_the_table():
    # R lowers the level of the Hodges–Lehmann interval when 95% is not attainable (Likert data, few pairs)
    low = row(**{**WILCOXON, "ci_level": 0.8906})
    assert interval_cell(low, NL) == "0,75 tot 1,75 (89,1%-interval; 95% niet haalbaar)"
    assert interval_cell(low, EN) == "0.75 to 1.75 (89.1% interval; 95% not attainable)"
    assert sentences.estimate_phrase(low, NL) == (
        "gemiddeld 0,96 punten hoger; bij wie veranderde typisch 1,25 punten hoger (pseudomediaan volgens Hodges–Lehmann; "
        "89,1%-interval 0,75 tot 1,75)")
    assert "95%-interval 0,75 tot 1,75" in sentences.estimate_phrase(row(**WILCOXON), NL)
    assert interval_cell(row(**WILCOXON), NL) == "0,75 tot 1,75"


def test_a_lowered_level_is_hidden_with_the_change_counts_it_gives_back():
    # the lowered level is a function of the number of non-zero differences, as r is
    h = _hypotheses_table(_raw(**{**WILCOXON, "ci_level": 0.8906}), _cells(same=9, worse=4, better=27), {}, 10).iloc[0]
    assert h[["ci_low", "ci_high", "ci_level"]].isna().all()
    assert hidden_reason(h, "ci_level") == "reveals_unchanged" and hidden_reason(h, "ci_low") == "reveals_unchanged"
    at_95 = _hypotheses_table(_raw(**WILCOXON), _cells(same=9, worse=4, better=27), {}, 10).iloc[0]
    assert (at_95["ci_low"], at_95["ci_high"], at_95["ci_level"]) == (0.75, 1.75, 0.95)


# -- 4. d_z, r and the odds ratio kept apart ------------------------------------------------------------------

def test_every_effect_size_cell_names_its_kind():
    assert effect_cell(row(), NL) == "d_z = −0,67 (−1,00 tot −0,33)"
    assert effect_cell(row(**WILCOXON), NL) == "r = 0,86 (0,56 tot 0,97)"
    assert effect_cell(row(**MCNEMAR), EN) == "OR = 19.00 (3.49 to 398.86)"
    assert effect_cell(row(**{**MCNEMAR, "effect_size_ci_high": math.inf}), EN) == "OR = 19.00 (≥ 3.49)"
    assert effect_cell(row(effect_size_ci_low=np.nan, effect_size_ci_high=np.nan), EN) == "d_z = −0.67 (no interval)"
    assert NL.t("col.effect_size") == "Effectmaat (95%-interval)" and NL.t("col.effect_size") != "Effectgrootte"


def test_the_forest_plot_has_a_panel_and_a_labelled_axis_per_kind():
    frame = pd.DataFrame([
        {**row(), "label": "A H1"}, {**row(**WILCOXON), "label": "B H1"}, {**row(**MCNEMAR), "label": "C H1"},
        {**row(**UNRELIABLE), "label": "D H1"},
        {**row(**{**WILCOXON, "effect_size": np.nan, "effect_size_ci_low": np.nan, "effect_size_ci_high": np.nan,
                  "hidden": "effect_size:reveals_unchanged"}), "label": "E H1"},
        {**row(verdict="insufficient_data", effect_size=np.nan), "label": "F H1"},
        {**row(**{**MCNEMAR, "effect_size": math.inf}), "label": "G H1"},
    ])
    fig = charts.forest(frame, NL)
    axes = fig.axes
    assert [ax.get_title(loc="left") for ax in axes] == [
        "Cohens $d_z$ (gepaarde t-toets)", "Rangbiseriële correlatie (Wilcoxon)",
        "Odds ratio van de wisselaars (McNemar, logaritmische schaal)",
        "Zonder effectmaat: niet getoetst, niet berekend of afgeschermd"]
    assert [ax.get_xlabel() for ax in axes[:3]] == [
        "$d_z$, in standaardafwijkingen van de verschillen (0 = geen verandering)",
        "r, van −1 tot 1 (0 = geen verandering)", "OR, logaritmische schaal (1 = geen verandering)"]
    assert axes[2].get_xscale() == "log"
    assert [" ".join(t.get_text().split()) for t in axes[3].texts] == [  # wrapped to stay inside the figure
        "Ondersteund – afgeschermd: zou tonen bij hoeveel deelnemers de score gelijk bleef",
        "Te weinig gegevens – niet getoetst", "Ondersteund – OR = ∞: valt buiten de schaal"]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["Ondersteund", "Meting onbetrouwbaar"]
    import matplotlib.pyplot as plt

    plt.close(fig)


# -- 5. missing is not hidden ---------------------------------------------------------------------------------

def _cells(same: float, worse: float = 12, better: float = 19, pairs_yes: bool = False) -> Cells:
    cells = Cells()
    o = "loneliness"
    n = same + worse + better
    for key, value in (("baseline", n + 15), ("follow_up", n + 5), ("pairs", n), ("lost", 15)):
        cells.add(f"n.{o}.{key}", value)
    cells.relate(f"n.{o}.baseline", f"n.{o}.pairs", f"n.{o}.lost")
    for part, value in (("worse", worse), ("same", same), ("better", better)):
        cells.add(f"change.{o}.{part}", value)
    cells.relate(f"n.{o}.pairs", *(f"change.{o}.{p}" for p in ("worse", "same", "better")))
    return cells.resolve(10)


def _raw(**changes) -> pd.DataFrame:
    h = row(**changes).drop(["outcome", "hidden", "multiple_testing", "alpha", "min_reliability", "min_pairs_required"])
    return pd.DataFrame([{**h.to_dict(), "n_baseline": 55, "n_follow_up": 45, "statement": "s", "direction": "decrease",
                          "p_value_opposite": np.nan, "statistic": 210.0, "df": np.nan, "mean_baseline": 5.0,
                          "mean_follow_up": 6.0, "sd_difference": 1.2, "discordant_share": np.nan, "suppressed": False}])


def test_a_wilcoxon_with_a_hidden_count_of_unchanged_scores_hides_p_and_keeps_the_strength_of_evidence():
    """The sample's IMC Weekendschool and Zorgverslimming (40 and 33 pairs, 9 and 5 unchanged). What gives the
    hidden number of unchanged scores back goes: W+ with r, r to full precision, the interval of r, and the exact
    p to full precision (a reader of the sample year worked p back to one number of non-zero differences and
    W+ for each of them). The strength of the evidence, a band of p after Holm, stays."""
    published = _hypotheses_table(_raw(**WILCOXON), _cells(same=9, worse=4, better=27),
                                  {"loneliness": "Toekomstbeeld"}, 10)
    h = published.iloc[0]
    assert list(published.columns) == HYPOTHESIS_COLUMNS
    assert h["estimate"] == 1.25 and h["evidence"] == "strong" and not h["suppressed"]
    assert h[["statistic", "effect_size", "effect_size_ci_low", "effect_size_ci_high", "p_value", "p_adjusted"]].isna().all()
    assert h[HIDDEN_COLUMN] == ("statistic:reveals_unchanged;p_value:reveals_unchanged;p_adjusted:reveals_unchanged;"
                                "effect_size:reveals_unchanged;effect_size_ci_low:reveals_unchanged;"
                                "effect_size_ci_high:reveals_unchanged")
    # the verdict's sentence gives p as the bound of its band, the funder's conclusion the band in words
    assert sentences.p_words({**h.to_dict(), "multiple_testing": "holm"}, NL) == "p < 0,001 na Holm-correctie"
    assert sentences.evidence_words(h, NL) == "sterk bewijs dat het geen toeval is"
    # the reason in words, not "rests on fewer than 10 people"
    assert NL.t("hidden_reason.reveals_unchanged") == (
        "samen met de andere toetscijfers zou het verraden bij hoeveel deelnemers de score precies gelijk bleef, een "
        "afgeschermd aantal")
    # r to full precision alone gives the hidden count back: (1 − r)/2 · nz(nz + 1)/2 is a multiple of 1/2
    r = 0.8568548387096774  # the old CSV's r of the sample's IMC Weekendschool
    assert [nz for nz in range(1, 41) if abs(((1 - r) / 2 * nz * (nz + 1) / 2) * 2 % 1) < 1e-9] == [31]


def test_a_wilcoxon_whose_unchanged_count_is_shown_still_hides_r_and_p_when_who_got_worse_is_hidden():
    # nz = 40 − 20 is public; r would then give W−, which bounds the 4 people who got worse; so would the exact p
    h = _hypotheses_table(_raw(**WILCOXON), _cells(same=28, worse=4, better=8), {}, 10).iloc[0]
    assert hidden_reasons(h) == {key: "reveals_change_counts" for key in (
        "statistic", "p_value", "p_adjusted", "effect_size", "effect_size_ci_low", "effect_size_ci_high")}
    assert h["evidence"] == "strong"


def test_every_reason_has_its_words_in_both_languages():
    from impact.reporting.tables import HIDDEN_REASONS

    for language in ("nl", "en"):
        words = catalogue(language)
        assert {f"hidden_reason.{r}" for r in HIDDEN_REASONS} | {f"hidden_short.{r}" for r in HIDDEN_REASONS} <= set(words)
        assert {k.split(".", 1)[1] for k in words if k.startswith("hidden_reason.")} == set(HIDDEN_REASONS)


def test_a_wilcoxon_with_every_change_count_shown_publishes_everything():
    h = _hypotheses_table(_raw(**WILCOXON), _cells(same=10, worse=11, better=19), {}, 10).iloc[0]
    assert h[HIDDEN_COLUMN] == "" and h["effect_size"] == 0.8569 and h["statistic"] == 210.0


def test_one_sided_wilcoxon_with_hidden_change_counts_hides_every_p():
    raw = _raw(**WILCOXON, alternative="greater")
    raw["p_value"], raw["p_value_opposite"] = 0.4, 0.001  # the opposite direction decided the verdict p
    h = _hypotheses_table(raw, _cells(same=9, worse=4, better=27), {}, 10).iloc[0]
    assert h[["p_value", "p_value_opposite", "p_adjusted"]].isna().all()
    assert {"p_value", "p_value_opposite", "p_adjusted"} <= set(hidden_reasons(h))


def test_too_few_pairs_hides_what_was_computed_and_leaves_the_rest_missing():
    raw = _raw(verdict="insufficient_data", n_pairs=7.0)
    for column in ("estimate", "ci_low", "ci_high", "p_value", "p_adjusted", "effect_size", "effect_size_ci_low",
                   "effect_size_ci_high", "mde", "mde_alpha", "statistic"):
        raw[column] = np.nan  # no test ran
    h = _hypotheses_table(raw, _cells(same=2, worse=2, better=3), {}, 10).iloc[0]
    reasons = hidden_reasons(h)
    assert h["suppressed"] and reasons["mean_baseline"] == "few_pairs" and reasons["n_pairs"] == "fewer_than_threshold"
    assert "p_value" not in reasons and "estimate" not in reasons  # never computed: missing, not hidden
    assert h[HYPOTHESIS_FIGURES].isna().all()
    h = pd.concat([h, pd.Series({"alpha": 0.05, "multiple_testing": "holm"})])
    assert cell_marks(h) == [hidden("few_pairs"), missing("no_test"), missing("no_test"), missing("no_test"),
                             missing("no_test"), missing("no_test"), missing("no_test")]


def cell_marks(h) -> list:
    """The marks of the yearly report's hypothesis table for a row without figures."""
    from impact.reporting.yearly import _why_missing, cell

    return [cell(h, "mean_baseline", ""), estimate_cell(h, NL), interval_cell(h, NL), effect_cell(h, NL),
            cell(h, "p_value", "", _why_missing(h, "no_p")), p_holm_cell(h, NL), mde_cell(h, NL)]


def test_mcnemar_with_hidden_changers_hides_its_figures_for_that_reason():
    raw = _raw(**MCNEMAR)
    raw["discordant_share"] = 0.4
    h = _hypotheses_table(raw, _cells(same=30, worse=1, better=19), {}, 10).iloc[0]
    reasons = hidden_reasons(h)
    assert {reasons[c] for c in ("estimate", "p_value", "effect_size", "discordant_share", "mde")} == {"reveals_changers"}
    # every figure of the test is hidden, so the row reads as suppressed (its CSV column "Toets afgeschermd")
    assert h["mde_alpha"] == 0.00625 and "mde_alpha" not in reasons and h["suppressed"]


def test_marks_and_their_legend_read_apart_in_both_languages():
    rows = [["H1", hidden("reveals_unchanged"), missing("no_interval")], ["H2", hidden("fewer_than_threshold"), "1,0"]]
    table = Document(NL).table("t", "c", ["a", "b", "c"], rows)
    # the basic reason first, though the table shows the other one first; with two reasons each names its rows
    assert table.legend == (
        "× = afgeschermd: het cijfer rust op minder dan 10 personen (H2); samen met de andere toetscijfers zou het "
        "verraden bij hoeveel deelnemers de score precies gelijk bleef, een afgeschermd aantal (H1). – = niet "
        "berekend: de toets gaf geen "
        "interval (bijvoorbeeld bij een rangbiseriële r van ±1, of een odds ratio zonder wisselaars in één richting).")
    english = Document(EN).table("t", "c", ["a", "b", "c"], [["H1", missing("no_mde"), "x"]])
    assert english.legend == ("– = not computed: the MDE cannot be determined: the differences have no spread, or "
                              "there are too few pairs to show anything at this level.")
    html = environment().from_string('{% from "macros.html.j2" import table with context %}{{ table(t) }}').render(
        t=table, tr=NL)
    assert '<td class="hidden" title="het cijfer rust op minder dan 10 personen">×</td>' in html
    assert '<td class="missing" title="de toets gaf geen interval' in html and ">–</td>" in html
    assert Document(NL).table("t", "c", ["a"], [["x"]]).legend == ""
    with pytest.raises(ValueError):
        Mark("gone", "x")


def test_the_csv_hidden_column_round_trips_and_refuses_an_unknown_reason():
    text = hidden_text({"p_value": "reveals_unchanged", "n_pairs": "fewer_than_threshold"})
    assert text == "p_value:reveals_unchanged;n_pairs:fewer_than_threshold"
    assert hidden_reasons({HIDDEN_COLUMN: text}) == {"p_value": "reveals_unchanged", "n_pairs": "fewer_than_threshold"}
    assert hidden_reasons({HIDDEN_COLUMN: ""}) == {} and hidden_reasons({HIDDEN_COLUMN: np.nan}) == {}
    with pytest.raises(ValueError, match="unknown reason"):
        hidden_text({"p_value": "because"})


def test_a_yes_no_outcome_is_drawn_as_stacked_shares_and_a_hidden_wave_says_why():
    dist = pd.DataFrame({"wave": ["baseline", "follow_up"], "n": [72.0, 52.0], "mean": [np.nan, 23 / 52],
                         "p10": np.nan, "p25": np.nan, "p50": np.nan, "p75": np.nan, "p90": np.nan,
                         HIDDEN_COLUMN: ["mean:reveals_yes_no", ""]})
    fig = charts.distribution(dist, "Betaald werk", None, NL, yes_no=True)
    assert [t.get_text() for t in fig.axes[0].texts] == [
        "afgeschermd: " + NL.t("hidden_short.reveals_yes_no"), "44%", "56%"]
    assert [round(p.get_width(), 4) for p in fig.axes[0].patches] == [round(23 / 52, 4), round(29 / 52, 4)]
    few = dist.assign(mean=[np.nan, 3.0], p50=[np.nan, 3.0], **{HIDDEN_COLUMN: ["mean:fewer_than_threshold;p50:"
                                                                                  "fewer_than_threshold", ""]})
    fig2 = charts.distribution(few, "Score", None, EN)
    assert [t.get_text() for t in fig2.axes[0].texts] == ["fewer than 10 measurements: not shown"]
    import matplotlib.pyplot as plt

    plt.close(fig), plt.close(fig2)


# -- 7. the MDE stated honestly -------------------------------------------------------------------------------

def test_a_not_shown_verdict_gives_the_mde_at_its_alpha_in_the_unit_of_the_estimate():
    h = row(verdict="not_shown", estimate=-0.6, ci_low=-4.5212, ci_high=3.3212, p_adjusted=1.0, mde=7.2561,
            outcome="Welzijn", n_pairs=50.0)
    assert sentences.verdict_sentence(h, NL) == (
        "De uitkomst ‘welzijn’ veranderde niet aantoonbaar: 0,60 punten lager (gemiddeld verschil; 95%-interval −4,52 tot 3,32) "
        "bij de 50 deelnemers met beide metingen. Zo’n verschil kan door toeval komen (p = 1,00 na Holm-correctie). "
        "Met deze aantallen kon het onderzoek alleen een verandering van minstens 7,26 punten betrouwbaar aantonen "
        "(80% kans, bij α = 0,00625, het strengste niveau van de Holm-correctie). Deze kleinste aantoonbare "
        "verandering (MDE) staat in dezelfde maat als de schatting (gemiddeld verschil).")
    assert sentences.verdict_sentence(h, EN) == (
        "Welzijn among the 50 participants with both measurements: 0.60 points lower (mean difference; 95% "
        "interval −4.52 to 3.32). Such a difference may be due to chance (p = 1.00 after the Holm correction). This study "
        "could only reliably detect a change of at least 7.26 points (80% power, at α = 0.00625, Holm's strictest "
        "level); the MDE is in the same measure as the estimate (mean difference).")
    secondary = row(verdict="not_shown", primary=False, alternative="greater", mde=0.61, mde_alpha=0.045,
                    p_adjusted=0.2)
    assert "(80% kans, bij α = 0,045, eenzijdig). Deze kleinste aantoonbare verandering (MDE) staat in dezelfde " \
           "maat als de schatting (gemiddeld verschil)." in sentences.verdict_sentence(secondary, NL)
    assert mde_cell(h, NL) == "7,26 (α = 0,00625)"
    assert mde_cell(row(**MCNEMAR), EN) == "30.1 (α = 0.00625)"
    no_mde = row(verdict="not_shown", mde=np.nan, p_adjusted=0.3)
    assert sentences.verdict_sentence(no_mde, EN).endswith(
        "How large a change would have had to be to be seen (the MDE) cannot be determined for this test: the "
        "differences have no spread, or there are too few pairs to show anything at this level.")
    assert mde_cell(no_mde, NL) == missing("no_mde")
    for language in ("nl", "en"):
        assert not any("t-test approximation" in text or "benadering van de gepaarde t" in text
                       for text in catalogue(language).values())


def test_significance_levels_are_written_as_they_are():
    assert [sentences.alpha_text(a, NL) for a in (0.05, 0.05 / 8, 0.005, 0.05 / 9, 0.9 * 0.05 / 10)] == [
        "0,05", "0,00625", "0,005", "0,00556", "0,0045"]


def test_a_coaching_note_keeps_its_other_sentences_and_loses_the_one_naming_a_small_or_masked_group():
    sessions = pd.DataFrame({
        "initiative_id": ["nieuw-rotsoord", "nieuw-rotsoord", "zus-en-zo", "talent-connection"],
        "topics": ["Tussenstand", "Veertien nulmetingen sinds mei", "Veertien nulmetingen sinds mei", "Werk"],
        "lessons": ["Slechts zeven bewoners hebben zowel een nul- als een nameting. Meer werven.", None,
                    "Twaalf deelnemers", "Na een jaar hebben vier op de tien nu betaald werk. Een enkeling is het werk "
                    "kwijtgeraakt. De begeleiding loopt door."],
        "actions": ["Wijk uit een vaste lijst kiezen.", "Doorgaan", None, "Van de 7 deelnemers twee opnieuw spreken."],
    })
    published = sentences.publishable_sessions(sessions, NL, {"nieuw-rotsoord": {14.0}})
    # the small group, and the count that is masked in Nieuw Rotsoord's report (not in Zus&Zo's)
    # a whole sentence goes ("één deelnemer" or "een enkeling" says how many with its noun), the others stay
    assert published["lessons"].tolist() == [
        "(…) Meer werven.", None, "Twaalf deelnemers", "(…) (…) De begeleiding loopt door."]
    assert published["topics"].tolist() == ["Tussenstand", "(…)", "Veertien nulmetingen sinds mei", "Werk"]
    assert published["actions"].tolist() == ["Wijk uit een vaste lijst kiezen.", "Doorgaan", None, "(…)"]
    assert sentences.redacted(sessions, published) and not sentences.redacted(sessions, sessions)
    assert NL.t("common.text_redacted", threshold=10) == (
        "(…) staat voor een zin die een aantal van minder dan 10 personen of een deel van een groep noemde; die zin "
        "is weggelaten, de rest van de tekst niet.")


def test_the_reach_caption_names_the_quarters_it_masks_and_why():
    from impact.reporting.yearly import masked_quarters

    quarters = pd.DataFrame({
        "period": ["2018-Q1", "2018-Q2", "2018-Q3", "2018-Q4"],
        "participants_new": [31.0, np.nan, np.nan, np.nan],
        "hidden": ["", "participants_new:fewer_than_threshold", "participants_new:protects_hidden_figure",
                   "participants_new:fewer_than_threshold;participants_reached:fewer_than_threshold"],
    })
    assert masked_quarters(quarters, NL) == (
        "Afgeschermd omdat er minder dan 10 nieuwe deelnemers waren: K2 en K4. Afgeschermd omdat ze samen met het "
        "jaartotaal een afgeschermd aantal zouden verraden: K3.")
    assert masked_quarters(quarters.iloc[[0, 2]], EN) == (
        "Suppressed because with the year's total they would give a suppressed count away: Q3.")
    assert masked_quarters(quarters.iloc[[0]], NL) == "Geen kwartaal is afgeschermd."


def test_a_funder_reads_one_plain_conclusion_per_verdict_with_the_strength_of_evidence():
    scale = NL.t("instrument.djg11.scale")
    assert sentences.conclusion_sentence(row(), NL, scale) == (
        f"Bij 41 deelnemers met beide metingen veranderde de uitkomst ‘eenzaamheid’ in de verwachte richting: "
        f"1,10 punten lager (gemiddeld verschil, {scale}; sterk bewijs dat het geen toeval is). Zonder vergelijkingsgroep is niet vast te "
        f"stellen hoeveel daarvan door het initiatief komt.")
    assert sentences.evidence_words(row(p_adjusted=0.004), NL) == "duidelijk bewijs dat het geen toeval is"
    assert sentences.evidence_words(row(p_adjusted=0.03), EN) == "limited evidence that it is not chance"
    # no change shown: the interval says which changes the data leave open, the MDE what would have been found
    assert sentences.conclusion_sentence(row(verdict="not_shown", estimate=-0.2, ci_low=-0.9, ci_high=0.5,
                                             mde=0.9613), NL, scale) == (
        f"Bij 41 deelnemers met beide metingen is geen verandering in de uitkomst ‘eenzaamheid’ aangetoond. Het "
        f"95%-interval −0,90 tot 0,50 (gemiddeld verschil, {scale}) geeft de veranderingen die bij deze gegevens "
        f"passen; een verandering buiten dat interval is onwaarschijnlijk. Een verandering van 0,96 punten of meer "
        f"had deze meting met 80% kans gevonden; een kleinere kon ze missen.")
    assert sentences.conclusion_sentence(row(**MCNEMAR), EN).startswith(
        "Among 50 participants with both measurements, betaald werk changed in the expected direction: 36 "
        "percentage points higher (difference in proportions; strong evidence that it is not chance).")
    assert sentences.conclusion_sentence(row(verdict="insufficient_data"), NL) == (
        "Over de uitkomst ‘eenzaamheid’ is geen uitspraak mogelijk: er waren minder dan 10 deelnemers met zowel een "
        "nul- als een nameting.")


def test_response_per_outcome_is_stated_where_it_differs_from_the_survey():
    """Digitale Buddies: 99 baselines in the survey, but loneliness rests on 66 (the DJG needs enough items)."""
    from impact.reporting.yearly import per_outcome_response

    resp = pd.Series({"n_baseline": 99.0})
    attrition = pd.DataFrame({"outcome": ["Eenzaamheid", "Tevredenheid met het leven"],
                              "n_baseline": [66.0, 99.0], "n_with_follow_up": [41.0, 69.0]})
    assert per_outcome_response(attrition, resp, NL) == (
        " Niet iedereen die de vragenlijst invulde, heeft een score voor elke uitkomst: een score telt alleen als "
        "genoeg vragen van de schaal zijn beantwoord. Daarom zijn niet alle 99 nulmetingen bruikbaar: voor "
        "eenzaamheid 66 nulmetingen en 41 paren.")
    assert per_outcome_response(attrition.iloc[[1]], resp, NL) == ""
    # a masked survey count says nothing, and a masked pair count reads as masked
    assert per_outcome_response(attrition, pd.Series({"n_baseline": np.nan}), NL) == ""
    masked = attrition.assign(n_with_follow_up=[np.nan, 69.0])
    assert per_outcome_response(masked, resp, EN).endswith("Eenzaamheid on 66 baselines and suppressed pairs.")


def test_sroi_assumptions_are_shown_with_their_own_precision():
    from impact.reporting.yearly import _assumption

    assert [_assumption(a, v, NL) for a, v in (("attribution", 0.3), ("non_respondents", 0.23),
                                                ("non_respondents", -12.0), ("proxy_eur", 1200.0))] == [
        "30%", "0,2", "−12,0", "1.200"]


def test_the_overview_takes_the_budget_else_the_sroi_investment():
    from types import SimpleNamespace

    from impact.reporting.overview import initiative_budget

    def data(budget):
        return SimpleNamespace(of=lambda name, i: pd.DataFrame({"initiative_id": [i], "budget_eur": [budget]}))

    with_sroi = {"x": SimpleNamespace(sroi_summary=pd.DataFrame({"inputs_eur": [42000.0]}))}
    without = {"x": SimpleNamespace(sroi_summary=pd.DataFrame(columns=["inputs_eur"]))}
    assert initiative_budget(data(50000.0), with_sroi, "x") == 50000.0
    assert initiative_budget(data(np.nan), with_sroi, "x") == 42000.0
    assert math.isnan(initiative_budget(data(np.nan), without, "x"))


def test_a_masked_conclusion_says_so_once():
    masked = row(estimate=np.nan, p_adjusted=np.nan, n_pairs=np.nan)
    assert sentences.conclusion_sentence(masked, NL) == (
        "Bij een klein, afgeschermd aantal deelnemers met beide metingen veranderde de uitkomst ‘eenzaamheid’ in de verwachte "
        "richting; hoe groot de verandering is en hoe sterk het bewijs, is afgeschermd, omdat die cijfers een klein "
        "aantal deelnemers zouden verraden. "
        "Zonder vergelijkingsgroep is niet vast te stellen hoeveel daarvan door het initiatief komt.")


def test_a_custom_outcome_with_a_unit_says_it_instead_of_points():
    # Zus&Zo's network size counts people ('unit: personen' in its Theory of Change)
    assert sentences.change_words({**row(mean_difference=2.0).to_dict(), "unit": "personen"}, NL) == "2,00 personen hoger"
    assert sentences.change_words(row(mean_difference=-1.0976), NL) == "1,10 punten lager"
