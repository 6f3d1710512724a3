"""Hypothesis orchestration: which test runs and why, the Holm family, verdicts, the minimum pairs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from impact.statistics.hypotheses import choose_test, conclude, run_hypothesis_tests

pytestmark = pytest.mark.unit


def _scores(initiative, outcome, pairs, extra_baseline=()):
    rows = []
    for i, (b, f) in enumerate(pairs):
        rows += [(initiative, f"p{i}", "baseline", outcome, b), (initiative, f"p{i}", "follow_up", outcome, f)]
    rows += [(initiative, f"x{i}", "baseline", outcome, b) for i, b in enumerate(extra_baseline)]
    return pd.DataFrame(rows, columns=["initiative_id", "participant_id", "wave", "outcome_id", "score"])


def _hypothesis(initiative, outcome, test, direction="increase", primary=True, min_pairs=None, alternative="two-sided",
                hypothesis_id="H1"):
    return {"initiative_id": initiative, "hypothesis_id": hypothesis_id, "outcome_id": outcome, "statement": "s",
            "test": test, "direction": direction, "alternative": alternative, "primary": primary, "min_pairs": min_pairs}


def test_auto_decides_from_the_design_and_says_why():
    assert choose_test("auto", "custom", "binary") == ("mcnemar", "auto chose McNemar: the outcome is binary")
    assert choose_test("auto", "participation_ladder", None) == ("wilcoxon", "auto chose Wilcoxon: the outcome is ordinal")
    assert choose_test("auto", "custom", "ordinal")[0] == "wilcoxon"
    assert choose_test("auto", "djg6", None) == ("wilcoxon", "auto chose Wilcoxon: the score has only 7 possible values")
    for instrument in ("djg11", "rses", "who5", "life_satisfaction"):
        assert choose_test("auto", instrument, None)[0] == "paired_t", instrument
    assert choose_test("auto", "custom", "numeric") == (
        "paired_t", "auto chose the paired t-test: the outcome is a numeric score and the hypothesis is about its mean")
    assert choose_test("paired_t", "djg11", None) == ("paired_t", "paired_t as declared in the Theory of Change")


def test_verdicts_holm_and_minimum_pairs():
    rng = np.random.default_rng(1)
    up = [(b, b + 2 + rng.normal(0, 0.5)) for b in rng.normal(20, 3, 20)]      # clearly up
    down = [(b, b - 2 + rng.normal(0, 0.5)) for b in rng.normal(20, 3, 20)]    # clearly down
    few = [(5.0, 6.0)] * 4
    scores = pd.concat([_scores("a", "esteem", up, extra_baseline=[18.0, 25.0]), _scores("b", "lonely", down),
                        _scores("c", "esteem", few)])
    hyps = pd.DataFrame([
        _hypothesis("a", "esteem", "paired_t"),                           # supported
        _hypothesis("b", "lonely", "paired_t", direction="increase"),     # significant the other way
        _hypothesis("c", "esteem", "paired_t"),                           # 4 pairs of the 10 needed
    ])
    outcomes = pd.DataFrame([{"initiative_id": i, "outcome_id": o, "instrument": "custom", "type": "numeric"}
                             for i, o in (("a", "esteem"), ("b", "lonely"), ("c", "esteem"))])
    result = conclude(run_hypothesis_tests(hyps, outcomes, scores, None, min_pairs=10), alpha=0.05).set_index("initiative_id")
    assert result["verdict"].to_dict() == {"a": "supported", "b": "contradicted", "c": "insufficient_data"}
    assert result.loc["a", ["n_baseline", "n_follow_up", "n_pairs"]].tolist() == [22, 20, 20]
    # Holm over the two tested primary hypotheses: the smaller p is doubled
    p = result.loc[["a", "b"], "p_value"].astype(float)
    assert result.loc[p.idxmin(), "p_adjusted"] == pytest.approx(2 * p.min())
    assert np.isnan(result.loc["c", "p_value"]) and "at least 10 are needed" in result.loc["c", "notes"]
    assert "attrition: Those lost to follow-up (n = 2)" in result.loc["a", "notes"]
    assert "Holm correction across 2 primary hypotheses" in result.loc["a", "notes"]


def test_mcnemar_on_an_instrument_uses_its_cut_off():
    # De Jong Gierveld 11: lonely at 3 or more; 12 people move from lonely to not lonely, 1 the other way
    pairs = [(5.0, 1.0)] * 12 + [(1.0, 4.0)] + [(6.0, 6.0)] * 5 + [(0.0, 0.0)] * 5
    scores = _scores("a", "loneliness", pairs)
    hyps = pd.DataFrame([_hypothesis("a", "loneliness", "mcnemar", direction="decrease")])
    outcomes = pd.DataFrame([{"initiative_id": "a", "outcome_id": "loneliness", "instrument": "djg11", "type": None}])
    r = conclude(run_hypothesis_tests(hyps, outcomes, scores, None, 10), 0.05).iloc[0]
    assert r["test"] == "mcnemar" and r["verdict"] == "supported"
    assert "outcome read as the share 'lonely (score 3 or more)'" in r["notes"]
    assert r["mean_difference"] == pytest.approx((6 - 17) / 23)  # share lonely 17/23 -> 6/23


def _run(pairs, test, direction="increase", instrument="custom", outcome_type="numeric", extra_rows=()):
    scores = pd.concat([_scores("a", "x", pairs), pd.DataFrame(list(extra_rows), columns=["initiative_id", "participant_id", "wave", "outcome_id", "score"])])
    hyps = pd.DataFrame([_hypothesis("a", "x", test, direction=direction)])
    outcomes = pd.DataFrame([{"initiative_id": "a", "outcome_id": "x", "instrument": instrument, "type": outcome_type}])
    return conclude(run_hypothesis_tests(hyps, outcomes, scores, None, 10), 0.05).iloc[0]


def test_wilcoxon_verdict_follows_the_ranks_not_the_mean():
    # 25 people gain a point, 2 lose 30: the signed ranks say "up" (W+ 325 of 378), the mean says "down"
    r = _run([(10.0, 11.0)] * 25 + [(40.0, 10.0)] * 2, "wilcoxon")
    assert r["mean_difference"] < 0 < r["effect_size"]
    assert r["verdict"] == "supported"


def test_a_third_wave_does_not_break_the_pairs():
    third = [("a", f"p{i}", "tussenmeting", "x", 5.0) for i in range(20)]
    r = _run([(5.0, 7.0 + 0.1 * i) for i in range(20)], "paired_t", extra_rows=third)
    assert r["n_pairs"] == 20 and r["verdict"] == "supported"


def test_mcnemar_mde_is_a_share_and_small_groups_are_flagged():
    r = _run([(5.0, 1.0)] * 12 + [(1.0, 4.0)] + [(6.0, 6.0)] * 5 + [(0.0, 0.0)] * 5, "mcnemar",
             direction="decrease", instrument="djg11", outcome_type=None)
    assert 0 < r["mde"] < 1  # a difference in the share lonely, not in loneliness points
    assert not r["suppressed"]
    few = conclude(run_hypothesis_tests(
        pd.DataFrame([_hypothesis("a", "x", "paired_t", min_pairs=3)]),
        pd.DataFrame([{"initiative_id": "a", "outcome_id": "x", "instrument": "custom", "type": "numeric"}]),
        _scores("a", "x", [(1.0, 2.0), (2.0, 4.0), (3.0, 3.5), (1.0, 1.5)]), None, 10), 0.05, disclosure_threshold=10)
    assert bool(few["suppressed"].iloc[0]) is True


def test_a_binary_custom_outcome_without_min_and_max_is_staged_scored_and_tested(tmp_path):
    """From the Theory of Change to the verdict, through the functions the pipeline's assets call."""
    from impact.contracts import ContractContext, CustomOutcome
    from impact.contracts.batches import stage_drops
    from impact.indicators import compute_indicators
    from impact.ingest.drops import discover_drops, sha256_of
    from impact.instruments.scoring import score_outcomes
    from impact.theory_of_change import as_tables, load_theory_of_change
    from tests.conftest import write_demo_initiative

    folder = write_demo_initiative(tmp_path, "buurtkamer-west")
    toc_file = folder / "theory_of_change.yaml"
    toc_file.write_text(toc_file.read_text(encoding="utf-8")
                        .replace(" type: numeric, min: 0, max: 10, unit: punten,", " type: binary,")
                        .replace("test: paired_t", "test: mcnemar"), encoding="utf-8")
    codes = [f"W{i}" for i in range(14)]
    (folder / "participants_2018.csv").write_text(
        "participant_id,enrolled_on,wijk,age_band\n" + "".join(f"{c},2018-02-01,West,65-74\n" for c in codes), encoding="utf-8")
    (folder / "activities_2018.csv").write_text("date,activity,attendees\n2018-03-01,Koffie,12\n", encoding="utf-8")
    # 12 move from no to yes, 1 from yes to no, 1 stays yes; answers as words and as codes
    before = ["nee"] * 6 + ["0"] * 6 + ["ja", "1"]
    after = ["ja"] * 6 + ["1"] * 6 + ["nee", "ja"]
    (folder / "survey_2018.csv").write_text("participant_id,wave,responded_on,contact\n" + "".join(
        f"{c},baseline,2018-02-15,{b}\n{c},follow_up,2018-10-01,{a}\n" for c, b, a in zip(codes, before, after)), encoding="utf-8")

    toc = load_theory_of_change(folder, tmp_path)
    tables = as_tables({toc.id: (toc, sha256_of(toc_file))})
    outcomes = tables["outcomes"]
    assert outcomes.loc[outcomes["outcome_id"] == "contact", ["type", "min", "max"]].values.tolist() == [["binary", 0.0, 1.0]]
    # as the staging assets build the contract: from the programme.outcomes table
    custom = outcomes[outcomes["instrument"] == "custom"][["outcome_id", "type", "min", "max", "unit"]]
    context = {toc.id: ContractContext(custom_outcomes=tuple(CustomOutcome(*row) for row in custom.values.tolist()))}
    staged = {kind: stage_drops(kind, {toc.id: discover_drops(tmp_path, toc.id, kind)}, context, b"k")
              for kind in ("participants", "activities", "survey")}
    assert staged["survey"].quarantine.empty and len(staged["survey"].staged) == 28
    scores = score_outcomes(staged["survey"].staged, outcomes)
    contact = scores[scores["outcome_id"] == "contact"]
    assert sorted(contact["score"].unique()) == [0.0, 1.0] and set(contact["category"]) == {"ja", "nee"}

    indicators = compute_indicators(*(staged[k].staged for k in ("participants", "activities", "survey")), scores,
                                    outcomes, tables["outputs"], initiatives=[toc.id], year=2018, disclosure_threshold=10)
    shares = indicators[indicators["indicator_id"].str.startswith("share_cut_off.contact.")].set_index("indicator_id")
    assert shares["value"].round(4).to_dict() == {"share_cut_off.contact.baseline": round(2 / 14, 4),
                                                  "share_cut_off.contact.follow_up": round(13 / 14, 4)}
    result = conclude(run_hypothesis_tests(tables["hypotheses"], outcomes, scores, None, 10), 0.05).iloc[0]
    assert (result["outcome_id"], result["test"], result["n_pairs"], result["verdict"]) == ("contact", "mcnemar", 14, "supported")


def _numeric(*initiatives_outcomes):
    return pd.DataFrame([{"initiative_id": i, "outcome_id": o, "instrument": "custom", "type": "numeric"}
                         for i, o in initiatives_outcomes])


def _shift(shift, n=20, seed=3):
    rng = np.random.default_rng(seed)
    return [(b, b + shift + rng.normal(0, 1.0)) for b in rng.normal(20, 3, n)]


def test_a_one_sided_hypothesis_proved_wrong_is_contradicted():
    """Expected an increase (alternative greater); the scores fell by 2 SD: p = 1 one way, tiny the other."""
    hyps = pd.DataFrame([_hypothesis("a", "x", "paired_t", alternative="greater")])
    r = conclude(run_hypothesis_tests(hyps, _numeric(("a", "x")), _scores("a", "x", _shift(-2.0)), None, 10), 0.05).iloc[0]
    assert r["p_value"] > 0.999 and r["p_value_opposite"] < 1e-6
    assert r["p_adjusted"] == pytest.approx(r["p_value_opposite"] / 0.1)
    assert r["verdict"] == "contradicted"
    assert "one-sided: 90% of alpha on the declared direction" in r["notes"]
    # the same data, two-sided: contradicted as well, read from the sign
    two = conclude(run_hypothesis_tests(pd.DataFrame([_hypothesis("a", "x", "paired_t")]), _numeric(("a", "x")),
                                        _scores("a", "x", _shift(-2.0)), None, 10), 0.05).iloc[0]
    assert two["verdict"] == "contradicted" and pd.isna(two["p_value_opposite"])


def test_an_outcome_whose_items_do_not_hang_together_is_not_judged():
    reliability = pd.DataFrame([
        {"initiative_id": "a", "outcome_id": "x", "instrument": "rses", "wave": "baseline", "alpha": 0.35,
         "ci_low": 0.1, "ci_high": 0.55, "n_complete": 20, "n_items": 10},
        {"initiative_id": "a", "outcome_id": "x", "instrument": "rses", "wave": "follow_up", "alpha": -0.11,
         "ci_low": -0.6, "ci_high": 0.3, "n_complete": 20, "n_items": 10},
    ])
    hyps = pd.DataFrame([_hypothesis("a", "x", "paired_t")])
    tests = run_hypothesis_tests(hyps, _numeric(("a", "x")), _scores("a", "x", _shift(2.0)), reliability, 10)
    assert tests.iloc[0][["reliability_baseline", "reliability_follow_up", "reliability_baseline_ci_high"]].tolist() == [
        0.35, -0.11, 0.55]
    r = conclude(tests, 0.05, min_reliability=0.60).iloc[0]
    assert r["p_value"] < 0.001 and r["verdict"] == "unreliable_measurement"
    assert ("Cronbach's alpha below 0.60 (baseline 0.35, follow-up -0.11): the items do not measure one thing here, "
            "so the result is not judged") in r["notes"]
    # with a floor of 0.30 only the negative follow-up alpha blocks it; with no alpha at all nothing does
    assert conclude(tests, 0.05, min_reliability=0.30).iloc[0]["verdict"] == "unreliable_measurement"
    assert conclude(tests.assign(reliability_follow_up=np.nan), 0.05, min_reliability=0.30).iloc[0]["verdict"] == "supported"


def test_the_mde_is_computed_at_the_alpha_the_hypothesis_faces():
    hyps = pd.DataFrame([
        _hypothesis("a", "x", "paired_t"),
        _hypothesis("b", "x", "paired_t"),
        _hypothesis("c", "x", "paired_t", alternative="greater"),
        _hypothesis("d", "x", "paired_t", primary=False),
    ])
    scores = pd.concat([_scores(i, "x", _shift(0.1, seed=k)) for k, i in enumerate("abcd")])
    out = conclude(run_hypothesis_tests(hyps, _numeric(*((i, "x") for i in "abcd")), scores, None, 10), 0.05)
    out = out.set_index("initiative_id")
    assert out["mde_alpha"].round(6).to_dict() == {"a": round(0.05 / 3, 6), "b": round(0.05 / 3, 6),
                                                    "c": round(0.9 * 0.05 / 3, 6), "d": 0.05}
    assert "paired t power (noncentral t), alpha = 0.01667, 80% power" in out.loc["a", "mde_method"]
    in_sd = out["mde"] / out["sd_difference"]
    assert in_sd["a"] > in_sd["d"]  # a stricter level needs a larger effect (in SDs of the differences)


def test_without_multiple_testing_each_hypothesis_stands_at_alpha():
    hyps = pd.DataFrame([_hypothesis(i, "x", "paired_t") for i in "ab"])
    scores = pd.concat([_scores(i, "x", _shift(1.0, seed=k)) for k, i in enumerate("ab")])
    tests = run_hypothesis_tests(hyps, _numeric(("a", "x"), ("b", "x")), scores, None, 10)
    none = conclude(tests, 0.05, multiple_testing="none")
    assert none["p_adjusted"].tolist() == none["p_value"].tolist()
    assert none["mde_alpha"].tolist() == [0.05, 0.05]
    assert all("no correction for multiple testing (multiple_testing: none)" in n for n in none["notes"])
    with pytest.raises(ValueError, match="multiple_testing must be 'holm' or 'none', got 'bonferroni'"):
        conclude(tests, 0.05, multiple_testing="bonferroni")


def test_an_interval_that_disagrees_with_its_test_is_noted():
    from impact.statistics.hypotheses import _interval_disagrees
    from impact.statistics.paired_tests import mcnemar, paired_t

    assert _interval_disagrees(paired_t([1.0, 2, 3, 4, 5], [2.0, 2.5, 4, 4.5, 6.5])) is None  # t agrees by construction
    # 4 changes 0 → 1, none back, 60 unchanged (30 yes, 30 no): mid-p = 2·P(X ≥ 4) − P(X = 4) = 2/16 − 1/16 =
    # 0.0625, while the score interval of the difference, (0.0012, 0.144), excludes 0
    before = [0] * 4 + [0] * 30 + [1] * 30
    after = [1] * 4 + [0] * 30 + [1] * 30
    res = mcnemar(before, after)
    assert res.p_value == 0.0625 and 0 < res.ci_low < 0.002
    assert _interval_disagrees(res) == (
        f"the 95% interval of the estimate ({res.ci_low:.3g} to 0.144) and the test (p = 0.0625) disagree about no "
        "change: the score interval (SCAS) of the difference is not the inversion of the mid-p test")
    # with ties, r's bootstrap interval is not the signed-rank test's inversion: 13 answers on a few points
    from impact.statistics.paired_tests import wilcoxon_signed_rank
    w = wilcoxon_signed_rank([0] * 13, [3, 2, 0, 3, -2, 1, -1, -1, 2, 2, 3, -1, 3])
    assert w.p_value > 0.05 and w.effect_size_ci_low > 0
    assert _interval_disagrees(w) == (
        f"the 95% interval of the effect size (rank_biserial) ({w.effect_size_ci_low:.3g} to "
        f"{w.effect_size_ci_high:.3g}) and the test (p = {w.p_value:.3g}) disagree about no change: with ties or "
        "zeros r's interval is a bootstrap interval, not the signed-rank test's inversion")
    # untied differences: r's interval is the test's own, never noted
    assert _interval_disagrees(wilcoxon_signed_rank([0] * 8, [1.1, 2.2, 3.3, 4.4, 5.5, 6.6, 7.7, -1.0])) is None


def test_one_sided_tests_stored_without_the_opposite_p_say_they_cannot_be_contradicted():
    """Rows written by older code have no p_value_opposite (a column added later reads as NULL)."""
    hyps = pd.DataFrame([_hypothesis("a", "x", "paired_t", alternative="less", direction="decrease")])
    tests = run_hypothesis_tests(hyps, _numeric(("a", "x")), _scores("a", "x", _shift(2.0)), None, 10)
    fresh = conclude(tests, 0.05).iloc[0]
    assert fresh["verdict"] == "contradicted"
    assert ("the interval shown is one-sided in the declared direction; the change the other way has one-sided p = "
            in fresh["notes"])
    stale = conclude(tests.assign(p_value_opposite=np.nan), 0.05).iloc[0]
    assert stale["verdict"] == "not_shown"
    assert ("one-sided, but the p-value the other way is missing (tests from an older build), so a change the other "
            "way cannot be judged: rebuild this initiative") in stale["notes"]
    assert "reads as contradicted" not in stale["notes"]


def test_no_mde_means_no_mde_alpha():
    hyps = pd.DataFrame([_hypothesis("a", "x", "paired_t")])
    same = [(float(b), float(b) + 1.0) for b in range(12)]  # every pair up by exactly 1: no spread, no MDE
    r = conclude(run_hypothesis_tests(hyps, _numeric(("a", "x")), _scores("a", "x", same), None, 10), 0.05).iloc[0]
    assert r["p_value"] == pytest.approx(2 * 0.5 ** 12) and r["verdict"] == "supported"
    assert pd.isna(r["mde"]) and pd.isna(r["mde_alpha"])
