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


def _hypothesis(initiative, outcome, test, direction="increase", primary=True, min_pairs=None):
    return {"initiative_id": initiative, "hypothesis_id": "H1", "outcome_id": outcome, "statement": "s",
            "test": test, "direction": direction, "alternative": "two-sided", "primary": primary, "min_pairs": min_pairs}


def test_auto_is_declared_with_its_reason():
    d = np.array([1.0, 2.0, 1.5, 0.5, 3.0, 2.5, 1.0, 2.0, 1.5, 0.0, 2.2, 1.1])
    assert choose_test("auto", "custom", "binary", d, 2) == ("mcnemar", "auto chose McNemar: the outcome is binary")
    assert choose_test("auto", "participation_ladder", None, d, 6)[0] == "wilcoxon"
    assert choose_test("auto", "custom", "numeric", np.arange(40.0), 40) == (
        "paired_t", "auto chose the paired t-test: a numeric outcome with roughly normal differences or at least 30 pairs")
    skewed = np.array([0.1, 0.1, 0.2, 0.1, 0.2, 0.1, 0.3, 0.1, 9.0, 12.0, 0.2, 0.1])
    test, why = choose_test("auto", "custom", "numeric", skewed, 20)
    assert test == "wilcoxon" and why.startswith("auto chose Wilcoxon: the differences are not normal (Shapiro-Wilk p = ")
    assert choose_test("paired_t", "djg11", None, d, 12) == ("paired_t", "paired_t as declared in the Theory of Change")


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
    result = conclude(run_hypothesis_tests(hyps, outcomes, scores, min_pairs=10, alpha=0.05), alpha=0.05).set_index("initiative_id")
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
    r = conclude(run_hypothesis_tests(hyps, outcomes, scores, 10, 0.05), 0.05).iloc[0]
    assert r["test"] == "mcnemar" and r["verdict"] == "supported"
    assert "outcome read as the share 'lonely (score 3 or more)'" in r["notes"]
    assert r["mean_difference"] == pytest.approx((6 - 17) / 23)  # share lonely 17/23 -> 6/23


def _run(pairs, test, direction="increase", instrument="custom", outcome_type="numeric", extra_rows=()):
    scores = pd.concat([_scores("a", "x", pairs), pd.DataFrame(list(extra_rows), columns=["initiative_id", "participant_id", "wave", "outcome_id", "score"])])
    hyps = pd.DataFrame([_hypothesis("a", "x", test, direction=direction)])
    outcomes = pd.DataFrame([{"initiative_id": "a", "outcome_id": "x", "instrument": instrument, "type": outcome_type}])
    return conclude(run_hypothesis_tests(hyps, outcomes, scores, 10, 0.05), 0.05).iloc[0]


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
        _scores("a", "x", [(1.0, 2.0), (2.0, 4.0), (3.0, 3.5), (1.0, 1.5)]), 10, 0.05), 0.05, disclosure_threshold=10)
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
    result = conclude(run_hypothesis_tests(tables["hypotheses"], outcomes, scores, 10, 0.05), 0.05).iloc[0]
    assert (result["outcome_id"], result["test"], result["n_pairs"], result["verdict"]) == ("contact", "mcnemar", 14, "supported")
