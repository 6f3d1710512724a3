"""Recommendations for next year by explicit rules (impact.reporting.recommendations).

Every rule gets a fact row that fires it and one at its boundary that does not;
exact texts are checked in Dutch and English for fixed_follow_up_moment,
check_the_measurement, plan_sample_size, report_the_null_honestly,
keep_in_touch_for_follow_up and check_before_dropping. No recommendation is
computed from the effect a sample happened to show: plan_sample_size plans for
the programme's target d_z.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats
from statsmodels.stats.power import TTestPower

from impact.reporting.recommendations import (
    LANGUAGES,
    OUTPUT_COLUMNS,
    RULES,
    TARGET_EFFECT_DZ,
    THEMES,
    WILCOXON_ARE,
    needed_pairs,
    recommend,
)
from impact.statistics.power import pairs_needed

pytestmark = pytest.mark.unit

RULE_IDS = {
    "fixed_follow_up_moment", "plan_sample_size", "baseline_at_intake", "keep_in_touch_for_follow_up",
    "check_before_dropping", "review_scale_administration", "revisit_theory_of_change", "add_comparison",
    "review_target_or_reach", "report_the_null_honestly", "check_the_measurement",
}


def row(**changes) -> dict:
    """A fact row that fires nothing: no verdict, enough pairs, every initiative fact on target."""
    base = {
        "initiative_id": "buurtkoffie", "initiative_name": "Buurtkoffie Oost", "hypothesis_id": "H1",
        "primary": True, "verdict": np.nan, "test": "paired_t", "n_baseline": 40, "n_follow_up": 35,
        "n_pairs": 30, "min_pairs": 10, "alpha": 0.05, "mean_difference": 0.30, "effect_size": 0.30,
        "effect_size_kind": "cohen_dz", "mde": 0.50, "response_rate": 0.90, "retention": 0.90,
        "raw_rows": 1000, "quarantined_rows": 0, "top_quarantine_rule": None, "low_reliability_outcomes": [],
        "lowest_realisation": 1.0, "lowest_realisation_output": "Koffieochtenden",
    }
    unknown = set(changes) - set(base) - OPTIONAL
    assert not unknown, unknown
    return {**base, **changes}


# the optional facts (recommendations.py): absent from ``row()`` unless a test sets them
OPTIONAL = {"alternative", "mde_alpha", "multiple_testing", "target_effect_dz", "estimate_kind", "outcome",
            "min_reliability", "has_sroi", *(f"reliability_{w}{p}" for w in ("baseline", "follow_up") for p in ("", "_ci_low", "_ci_high"))}


def run(*rows: dict, language: str = "nl") -> pd.DataFrame:
    return recommend(pd.DataFrame(list(rows)), language)


def fired(*rows: dict) -> list[str]:
    return list(run(*rows)["rule_id"])


def text(rule_id: str, *rows: dict, language: str = "nl") -> str:
    out = run(*rows, language=language)
    texts = list(out.loc[out["rule_id"] == rule_id, "text"])
    assert len(texts) == 1, (rule_id, list(out["rule_id"]))
    return texts[0]


# -- independent power: the exact noncentral-t power of the two-sided one-sample t test -------------

def paired_t_power(n: float, d: float, alpha: float = 0.05) -> float:
    """Power of the two-sided paired t test on n pairs at effect d_z, from the definition:
    t = mean/(sd/√n) follows a noncentral t with n − 1 df and noncentrality d_z·√n."""
    df, nc = n - 1, d * math.sqrt(n)
    crit = stats.t.ppf(1 - alpha / 2, df)
    return float(stats.nct.sf(crit, df, nc) + stats.nct.cdf(-crit, df, nc))


def test_quiet_facts_fire_nothing():
    out = run(row())
    assert out.empty
    assert list(out.columns) == list(OUTPUT_COLUMNS)


# -- the rule set --------------------------------------------------------------------------------

def test_rules_are_named_themed_and_bilingual():
    assert {r.id for r in RULES} == RULE_IDS
    assert len({r.id for r in RULES}) == len(RULES)
    assert THEMES == ("impact_definition", "data_collection", "analysis", "reporting", "improvement")
    assert [r.priority for r in RULES] == sorted(r.priority for r in RULES)  # RULES is in priority order
    assert len({r.priority for r in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.theme in THEMES
        assert rule.scope in ("hypothesis", "initiative")
        assert rule.statement and rule.condition.__doc__
        for variant in rule.templates.values():
            assert set(variant) == set(LANGUAGES)
    themes = {r.id: r.theme for r in RULES}
    assert themes["fixed_follow_up_moment"] == "data_collection"
    assert themes["plan_sample_size"] == "analysis"
    assert themes["revisit_theory_of_change"] == "impact_definition"
    assert themes["report_the_null_honestly"] == "reporting"
    assert themes["add_comparison"] == "improvement"
    assert themes["check_the_measurement"] == "data_collection"


# -- 1. fixed_follow_up_moment ------------------------------------------------------------------------

def test_fixed_follow_up_moment_fires_below_the_minimum_with_exact_text():
    facts = row(verdict="insufficient_data", n_pairs=6, min_pairs=10)
    assert text("fixed_follow_up_moment", facts) == (
        "H1: minder dan 10 deelnemers vulden zowel de nul- als de nameting in; voor een toets zijn er minstens 10 nodig. "
        "Plan volgend jaar een vast nameetmoment, bijvoorbeeld in de laatste coachingsessie of een vast aantal "
        "weken na de intake, en streef naar minstens 20 paren (twee keer het minimum).")
    assert text("fixed_follow_up_moment", facts, language="en") == (
        "H1: fewer than 10 participants answered both the baseline and the follow-up; a test needs at least 10. Next year, "
        "plan a fixed follow-up moment, for example in the last coaching session or a fixed number of weeks after "
        "intake, and aim for at least 20 pairs (twice the minimum).")


def test_a_count_of_pairs_below_the_disclosure_threshold_is_not_printed():
    facts = pd.DataFrame([row(verdict="insufficient_data", n_pairs=6, min_pairs=10)])
    assert recommend(facts, threshold=5)["text"].iloc[0].startswith("H1: 6 deelnemers vulden")
    assert recommend(facts, threshold=10)["text"].iloc[0].startswith("H1: minder dan 10 deelnemers vulden")


def test_a_number_of_pairs_hidden_upstream_still_fires_the_rule_without_a_number():
    facts = pd.DataFrame([row(verdict="insufficient_data", n_pairs=float("nan"), min_pairs=10)])
    out = recommend(facts)
    assert out["rule_id"].tolist()[0] == "fixed_follow_up_moment"
    assert out["text"].iloc[0].startswith("H1: een afgeschermd aantal deelnemers vulden")


def test_fixed_follow_up_moment_boundary():
    assert "fixed_follow_up_moment" in fired(row(verdict="not_shown", n_pairs=9, min_pairs=10))
    assert "fixed_follow_up_moment" not in fired(row(verdict="not_shown", n_pairs=10, min_pairs=10))
    assert "minstens 30 paren" in text("fixed_follow_up_moment", row(verdict="insufficient_data", n_pairs=14,
                                                                      min_pairs=15))


# -- 2. plan_sample_size: from the programme's target, never from the observed effect --------------------

def test_ninety_pairs_for_dz_0_3_independently():
    # d_z = 0.3, alpha = 0.05 two-sided, 80% power → 90 pairs. G*Power 3 (Faul, Erdfelder, Lang & Buchner
    # 2007, Behav. Res. Methods 39: 175-191; t tests, "Means: Difference between two dependent means (matched
    # pairs)", effect size d_z) and R's pwr::pwr.t.test(type = "paired") both compute the a-priori n from the
    # exact noncentral-t power of the one-sample t test on the differences. That power is recomputed here
    # from its definition with scipy, not with statsmodels: 89 pairs fall just short of 80%, 90 reach it
    # (power 0.8038). The published R output below anchors statsmodels' solver to the same definition.
    assert paired_t_power(89, 0.3) < 0.80 <= paired_t_power(90, 0.3)
    assert paired_t_power(90, 0.3) == pytest.approx(0.8038, abs=5e-5)
    facts = row(verdict="not_shown", test="paired_t", target_effect_dz=0.3, mde_alpha=0.05)
    assert needed_pairs(facts) == (90, 90)


def test_statsmodels_matches_published_paired_sample_size():
    # Dalgaard (2008), Introductory Statistics with R, 2nd ed., §8.3, printed output of
    # power.t.test(delta = 10, sd = 10 * sqrt(2), power = 0.85, type = "paired"): n = 19.96892
    # (R's uniroot stops at tol = .Machine$double.eps^0.25 ≈ 1.2e-4, so the last digits may differ).
    n = TTestPower().solve_power(effect_size=10 / (10 * math.sqrt(2)), alpha=0.05, power=0.85,
                                 alternative="two-sided")
    assert abs(n - 19.96892) < 1.2e-4


def test_plan_sample_size_uses_the_target_at_the_level_after_holm_with_exact_text():
    # the sample's Food for Good: 50 pairs, d_z = −0.04 observed (the old text planned 1.608 pairs for it, sign
    # dropped); now the target d_z = 0.5 at alpha 0.05 / 8 primary hypotheses: 55 pairs
    assert TARGET_EFFECT_DZ == 0.5
    facts = row(verdict="not_shown", test="paired_t", n_pairs=50, mean_difference=-0.6, effect_size=-0.04, mde=7.26,
                mde_alpha=0.00625, target_effect_dz=0.5, alternative="two-sided")
    assert pairs_needed(0.5, 0.00625) == 55 and paired_t_power(55, 0.5, 0.00625) >= 0.8 > paired_t_power(54, 0.5, 0.00625)
    assert text("plan_sample_size", facts) == (
        "H1: met 50 paren is geen verandering aangetoond. Om een verandering van d_z = 0,5 met 80% kans te zien "
        "(tweezijdig, α = 0,00625, het strengste niveau van de Holm-correctie) zijn ongeveer 55 paren nodig. Die d_z = 0,5 is de effectgrootte "
        "die het programma nastreeft (het streefeffect dat het programma heeft vastgelegd), niet het effect dat dit jaar is "
        "gevonden. Plan de werving daarop, of bespreek welke verandering de moeite van het aantonen waard is.")
    assert text("plan_sample_size", facts, language="en") == (
        "H1: no change was shown with 50 pairs. To see a change of d_z = 0.5 with 80% power (two-sided, α = 0.00625, "
        "Holm's strictest level) takes about 55 pairs. That d_z = 0.5 is the effect size the programme aims for (the "
        "target effect the programme has set), not the effect found this year. Plan recruitment for that, or discuss "
        "which change is worth showing.")


def test_plan_sample_size_never_reads_the_observed_effect():
    base = row(verdict="not_shown", n_pairs=20, mde_alpha=0.05)
    texts = {text("plan_sample_size", {**base, "effect_size": d, "mean_difference": diff, "mde": mde})
             for d, diff, mde in ((0.07, 0.1, 0.9), (-0.9, -2.0, 0.3), (np.nan, np.nan, 0.5))}
    assert texts == {text("plan_sample_size", base)}
    assert "ongeveer 34 paren nodig" in text("plan_sample_size", base)  # d_z = 0.5 at alpha 0.05: 34 pairs
    assert "d_z = 0,8 met 80% kans te zien (tweezijdig, α = 0,05) zijn ongeveer 15 paren" in text(
        "plan_sample_size", {**base, "target_effect_dz": 0.8, "n_pairs": 10, "primary": False})
    one_sided = text("plan_sample_size", {**base, "alternative": "greater", "mde_alpha": 0.045}, language="en")
    assert f"(one-sided, α = 0.045, Holm's strictest level) takes about {pairs_needed(0.5, 0.045, 'greater')} pairs" in one_sided


def test_plan_sample_size_boundary():
    fires = row(verdict="not_shown", n_pairs=33, mde_alpha=0.05)  # 34 pairs needed for d_z = 0.5
    assert "plan_sample_size" in fired(fires)
    assert "plan_sample_size" not in fired({**fires, "n_pairs": 34})  # this year had enough pairs for the target
    assert "plan_sample_size" not in fired({**fires, "verdict": "supported"})
    assert "plan_sample_size" not in fired({**fires, "mde_alpha": np.nan, "alpha": np.nan})  # no level to plan at


def test_plan_sample_size_wilcoxon_uses_the_are():
    n_t = optimize.brentq(lambda n: paired_t_power(n, 0.3) - 0.8, 10, 1000, xtol=1e-10)
    assert n_t == pytest.approx(89.149, abs=1e-3)
    expected = math.ceil(math.ceil(n_t) / (3 / math.pi))  # ARE of the signed-rank test to the t test: 3/π ≈ 0.955
    assert WILCOXON_ARE == pytest.approx(0.955, abs=5e-4)
    assert expected == 95
    facts = row(verdict="not_shown", test="wilcoxon", n_pairs=20, mean_difference=0.3, effect_size=0.12,
                effect_size_kind="rank_biserial", mde=0.7, target_effect_dz=0.3, mde_alpha=0.05)
    assert needed_pairs(facts) == (90, 95)
    assert "ongeveer 95 paren nodig (90 voor de gepaarde t-toets" in text("plan_sample_size", facts)
    assert "3/π ≈ 0,955" in text("plan_sample_size", facts)
    assert "about 95 pairs for the Wilcoxon test (90 for the paired t-test" in text("plan_sample_size", facts,
                                                                                     language="en")


def test_plan_sample_size_mcnemar_has_no_number_of_pairs():
    facts = row(verdict="not_shown", test="mcnemar", n_pairs=20, mean_difference=-0.05, effect_size=0.8,
                effect_size_kind="odds_ratio", mde=0.30)
    assert text("plan_sample_size", facts, language="en") == (
        "H1: no change was shown with 20 pairs. With a yes/no outcome the power depends on how many participants "
        "change category: plan clearly more pairs than this year, or test the full score instead of a yes/no split.")
    assert needed_pairs(facts) is None


# -- 2b. check_the_measurement ----------------------------------------------------------------------------------

def test_check_the_measurement_names_the_wave_its_alpha_and_what_to_check():
    facts = row(verdict="unreliable_measurement", outcome="Eenzaamheid", reliability_baseline=0.74,
                reliability_follow_up=-1.0422, reliability_follow_up_ci_low=-2.4005,
                reliability_follow_up_ci_high=-0.1033, min_reliability=0.6)
    assert text("check_the_measurement", facts) == (
        "H1 (eenzaamheid) is niet beoordeeld, omdat de vragen van de schaal te weinig samenhingen (Cronbachs alfa −1,04 "
        "bij de nameting, 95%-interval −2,40 tot −0,10; voor een oordeel is minstens 0,60 nodig). Controleer vóór de "
        "volgende meting hoe de antwoorden worden gecodeerd, of de omgekeerd gestelde vragen worden omgescoord en of "
        "iedereen dezelfde taal en versie van de vragenlijst krijgt.")
    assert text("check_the_measurement", facts, language="en") == (
        "H1: Eenzaamheid was not judged because the items of the scale hung together too little (Cronbach's alpha "
        "−1.04 at follow-up, 95% interval −2.40 to −0.10; a verdict needs at least 0.60). Before the next measurement, "
        "check how the answers are coded, whether the reversed items are reverse-scored, and whether everyone gets "
        "the same language and version of the questionnaire.")
    assert text("check_the_measurement", row(verdict="unreliable_measurement", outcome="Welzijn"),
                language="en").startswith("H1: Welzijn was not judged because the items of the scale hung together "
                                          "too little (a verdict needs a Cronbach's alpha of at least 0.60).")
    assert fired(facts)[0] == "check_the_measurement"  # the first thing to fix
    assert "check_the_measurement" not in fired(row(verdict="not_shown"))


# -- 3. baseline_at_intake ------------------------------------------------------------------------------

def test_baseline_at_intake():
    assert text("baseline_at_intake", row(response_rate=0.59)) == (
        "Van de ingeschreven deelnemers vulde 59% de nulmeting in (minder dan 60%). Neem de nulmeting af bij de "
        "intake, voordat de eerste activiteit begint.")
    assert "baseline_at_intake" not in fired(row(response_rate=0.60))


def test_a_share_just_below_the_threshold_is_not_shown_as_the_threshold():
    assert text("baseline_at_intake", row(response_rate=0.5996)).startswith("Van de ingeschreven deelnemers vulde 59,96% de")
    assert text("baseline_at_intake", row(response_rate=0.5996), language="en").startswith("59.96% of the")


# -- 4. keep_in_touch_for_follow_up -----------------------------------------------------------------------

def test_keep_in_touch_for_follow_up_exact_text():
    facts = row(retention=0.56)
    assert text("keep_in_touch_for_follow_up", facts) == (
        "Van wie de nulmeting invulde, vulde 56% ook de nameting in (minder dan 70%). Vraag bij de intake "
        "toestemming om contact te houden, noteer hoe deelnemers bereikbaar zijn en plan de nameting meteen in.")
    assert text("keep_in_touch_for_follow_up", facts, language="en") == (
        "56% of the baseline respondents also answered the follow-up (below 70%). At intake, record consent to "
        "stay in touch and how participants can be reached, and schedule the follow-up straight away.")
    assert "keep_in_touch_for_follow_up" not in fired(row(retention=0.70))


# -- 5. check_before_dropping -------------------------------------------------------------------------------

def test_check_before_dropping_exact_text():
    facts = row(raw_rows=1000, quarantined_rows=11, top_quarantine_rule="date")
    assert text("check_before_dropping", facts) == (
        "11 van de 1.000 aangeleverde rijen (1,1%) zijn apart gezet; de meest voorkomende reden: een datum die "
        "niet te lezen is. Laat elk bestand vóór het aanleveren controleren op de afspraken over kolommen en waarden.")
    assert text("check_before_dropping", facts, language="en") == (
        "11 of the 1,000 rows delivered (1.1%) were set aside; the most frequent reason: a date that cannot be "
        "read. Have every file checked against the agreements on columns and values before delivering it.")


def test_check_before_dropping_boundary_and_reasons():
    assert "check_before_dropping" not in fired(row(raw_rows=1000, quarantined_rows=10))  # exactly 1%
    assert "check_before_dropping" not in fired(row(raw_rows=0, quarantined_rows=0))
    assert "reden: new_rule_id." in text("check_before_dropping",
                                         row(raw_rows=100, quarantined_rows=5, top_quarantine_rule="new_rule_id"))
    assert text("check_before_dropping", row(raw_rows=100, quarantined_rows=5, top_quarantine_rule=None),
                language="en") == ("5 of the 100 rows delivered (5%) were set aside. Have every file checked "
                                   "against the agreements on columns and values before delivering it.")


# -- 6. review_scale_administration ---------------------------------------------------------------------------

def test_review_scale_administration():
    assert text("review_scale_administration", row(low_reliability_outcomes=["djg11", "rses", "who5"])).startswith(
        "De betrouwbaarheid (Cronbachs alfa) van djg11, rses en who5 lag onder 0,70.")
    assert "review_scale_administration" in fired(row(low_reliability_outcomes=["djg11"]))
    assert "review_scale_administration" not in fired(row(low_reliability_outcomes=[]))
    assert "review_scale_administration" not in fired(row(low_reliability_outcomes=[" ", ""]))


# -- 7. revisit_theory_of_change; 8. add_comparison; 10. report_the_null_honestly ---------------------------------

def test_revisit_theory_of_change():
    assert text("revisit_theory_of_change", row(verdict="contradicted"), language="en") == (
        "H1: the change went the other way than expected. Talk to participants about why, and revisit the "
        "assumed causal chain in the Theory of Change.")
    assert "revisit_theory_of_change" not in fired(row(verdict="supported"))


def test_add_comparison():
    assert text("add_comparison", row(verdict="supported")).startswith(
        "H1: de verwachte verandering is aangetoond; houd de meting zoals ze is.")
    # the SROI is named only where the initiative has one
    assert text("add_comparison", row(verdict="supported"), language="en") == (
        "H1: the expected change was shown; keep the measurement as it is. A pre/post design cannot attribute the "
        "change to the initiative: consider a comparison group.")
    assert text("add_comparison", row(verdict="supported", has_sroi=True), language="en") == (
        "H1: the expected change was shown; keep the measurement as it is. A pre/post design cannot attribute the "
        "change to the initiative: consider a comparison group, and substantiate the attribution assumption in the SROI.")
    assert "SROI" not in text("add_comparison", row(verdict="supported", has_sroi=False))
    assert "SROI" in text("add_comparison", row(verdict="supported", has_sroi=True))
    assert "add_comparison" not in fired(row(verdict="not_shown"))


def test_report_the_null_honestly():
    facts = row(verdict="not_shown", n_pairs=25, mde=0.62, mde_alpha=0.00625)
    assert text("report_the_null_honestly", facts, language="en") == (
        "H1: report that no change was shown, and that this is not proof that there is no effect: with 25 pairs "
        "only a mean difference of at least 0.62 scale points could be detected with 80% power (at α = 0.00625, "
        "Holm's strictest level).")
    assert text("report_the_null_honestly", facts) == (
        "H1: rapporteer dat er geen verandering is aangetoond, en dat dit geen bewijs is dat er geen effect is: met "
        "25 paren was alleen een gemiddeld verschil van minstens 0,62 punten met 80% kans aantoonbaar (bij "
        "α = 0,00625, het strengste niveau van de Holm-correctie).")
    wilcoxon = row(verdict="not_shown", test="wilcoxon", primary=False, mde=0.7, estimate_kind="pseudo_median")
    assert ("alleen een pseudomediaan volgens Hodges–Lehmann van minstens 0,70 punten met 80% kans aantoonbaar "
            "(bij α = 0,05).") in text("report_the_null_honestly", wilcoxon)
    assert "report_the_null_honestly" not in fired(row(verdict="insufficient_data", n_pairs=5))
    assert "report_the_null_honestly" not in fired(row(verdict="contradicted"))


# -- 9. review_target_or_reach ----------------------------------------------------------------------------------

def test_review_target_or_reach():
    assert text("review_target_or_reach", row(lowest_realisation=0.55)) == (
        "Van het outputdoel ‘Koffieochtenden’ is 55% gerealiseerd (minder dan 80%). Herzie het doel, of de "
        "aanpak waarmee het gehaald moet worden (bijvoorbeeld hoe deelnemers worden bereikt of vrijwilligers "
        "worden ingezet).")
    assert text("review_target_or_reach", row(lowest_realisation=0.55, lowest_realisation_output=None),
                language="en").startswith("Only 55% of the least realised output target was realised")
    assert "review_target_or_reach" not in fired(row(lowest_realisation=0.80))


# -- missing facts never fire ----------------------------------------------------------------------------------

FIRING = {
    "fixed_follow_up_moment": ({"verdict": "not_shown", "n_pairs": 5}, ["n_pairs", "min_pairs"]),
    "plan_sample_size": ({"verdict": "not_shown"}, ["alpha", "n_pairs", "verdict"]),
    "check_the_measurement": ({"verdict": "unreliable_measurement"}, ["verdict"]),
    "baseline_at_intake": ({"response_rate": 0.3}, ["response_rate"]),
    "keep_in_touch_for_follow_up": ({"retention": 0.3}, ["retention"]),
    "check_before_dropping": ({"quarantined_rows": 500}, ["quarantined_rows", "raw_rows"]),
    "review_scale_administration": ({"low_reliability_outcomes": ["rses"]}, ["low_reliability_outcomes"]),
    "review_target_or_reach": ({"lowest_realisation": 0.3}, ["lowest_realisation"]),
    "report_the_null_honestly": ({"verdict": "not_shown"}, ["mde", "n_pairs"]),
    "revisit_theory_of_change": ({"verdict": "contradicted"}, ["verdict"]),
    "add_comparison": ({"verdict": "supported"}, ["verdict"]),
}


@pytest.mark.parametrize("missing", [np.nan, None, pd.NA])
@pytest.mark.parametrize("rule_id", sorted(FIRING))
def test_a_missing_fact_never_fires(rule_id, missing):
    changes, facts_it_needs = FIRING[rule_id]
    assert rule_id in fired(row(**changes))
    for column in facts_it_needs:
        assert rule_id not in fired(row(**{**changes, column: missing})), column


def test_all_facts_missing_fire_nothing():
    numeric = ["n_baseline", "n_follow_up", "n_pairs", "min_pairs", "alpha", "mean_difference", "effect_size",
               "mde", "response_rate", "retention", "raw_rows", "quarantined_rows", "lowest_realisation"]
    facts = row(**{c: np.nan for c in numeric}, low_reliability_outcomes=np.nan, top_quarantine_rule=np.nan,
                lowest_realisation_output=np.nan, test=np.nan)
    for verdict in (np.nan, "not_shown"):
        assert fired({**facts, "verdict": verdict}) == []


# -- scope: primary hypotheses, once per initiative -------------------------------------------------------------

def test_only_primary_hypotheses_drive_hypothesis_rules():
    h1 = row(hypothesis_id="H1", primary=True, verdict="supported")
    h2 = row(hypothesis_id="H2", primary=False, verdict="contradicted")
    out = run(h1, h2)
    assert list(out["rule_id"]) == ["add_comparison"]
    assert out["text"].iloc[0].startswith("H1:")


def test_without_a_primary_hypothesis_all_hypotheses_drive_rules():
    h1 = row(hypothesis_id="H1", primary=False, verdict="supported")
    h2 = row(hypothesis_id="H2", primary=False, verdict="contradicted")
    assert fired(h2, h1) == ["revisit_theory_of_change", "add_comparison"]


def test_initiative_facts_come_from_the_first_row_that_has_them():
    h1 = row(hypothesis_id="H1", verdict="supported", retention=np.nan, raw_rows=np.nan, quarantined_rows=np.nan,
             top_quarantine_rule="date")
    h2 = row(hypothesis_id="H2", verdict="supported", retention=0.5, raw_rows=100, quarantined_rows=5,
             top_quarantine_rule="duplicate")
    assert "50% of the baseline respondents" in text("keep_in_touch_for_follow_up", h2, h1, language="en")
    # the reason is read from the same row as the counts it belongs to
    assert "reason: a duplicate row." in text("check_before_dropping", h1, h2, language="en")


def test_initiative_rules_fire_once_per_initiative():
    rows = [row(hypothesis_id=h, verdict="supported", response_rate=0.4, retention=0.5, quarantined_rows=50,
                low_reliability_outcomes=["rses"], lowest_realisation=0.5) for h in ("H1", "H2", "H3")]
    counts = run(*rows)["rule_id"].value_counts()
    for rule_id in ("baseline_at_intake", "keep_in_touch_for_follow_up", "check_before_dropping",
                    "review_scale_administration", "review_target_or_reach"):
        assert counts[rule_id] == 1
    assert counts["add_comparison"] == 3


# -- ordering, determinism, language ---------------------------------------------------------------------------

def test_sorted_by_initiative_priority_rule_and_deterministic():
    rows = [
        row(initiative_id="b_init", initiative_name="B", verdict="supported", retention=0.5),
        row(initiative_id="a_init", initiative_name="A", hypothesis_id="H2", verdict="insufficient_data", n_pairs=4,
            response_rate=0.2, lowest_realisation=0.5),
        row(initiative_id="a_init", initiative_name="A", hypothesis_id="H1", verdict="insufficient_data", n_pairs=3,
            response_rate=0.2, lowest_realisation=0.5),
    ]
    out = run(*rows)
    assert list(zip(out["initiative_id"], out["rule_id"])) == [
        ("a_init", "fixed_follow_up_moment"), ("a_init", "fixed_follow_up_moment"), ("a_init", "baseline_at_intake"),
        ("a_init", "review_target_or_reach"), ("b_init", "keep_in_touch_for_follow_up"), ("b_init", "add_comparison"),
    ]
    assert list(out["text"].str[:3].iloc[:2]) == ["H1:", "H2:"]  # the same rule for two hypotheses: by hypothesis
    assert out["priority"].dtype == "int64"
    keys = list(zip(out["initiative_id"], out["priority"], out["rule_id"]))
    assert keys == sorted(keys)
    assert list(out["initiative_name"]) == ["A"] * 4 + ["B"] * 2
    for order in ([2, 0, 1], [1, 2, 0]):
        pd.testing.assert_frame_equal(run(*[rows[i] for i in order]), out)


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="'nl', 'en'") as info:
        run(row(), language="de")
    assert "'de'" in str(info.value)
    with pytest.raises(ValueError, match="'nl', 'en'"):
        RULES[0].text(row(verdict="insufficient_data", n_pairs=3), "de")


def test_facts_are_checked():
    with pytest.raises(ValueError, match="mde"):
        recommend(pd.DataFrame([row()]).drop(columns=["mde"]))
    with pytest.raises(ValueError, match="'maybe'"):
        run(row(verdict="maybe"))
