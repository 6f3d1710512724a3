"""Testing the hypotheses of the Theories of Change on the scored outcomes (docs/statistics.md).

``run_hypothesis_tests`` runs one test per hypothesis (the only loop) on the
participants who have both waves; ``conclude`` applies the Holm correction across
the programme's primary hypotheses, computes each minimum detectable effect at the
alpha the hypothesis faces, and gives each its verdict. Rows follow the
``hypothesis_results`` contract (``impact/warehouse/tables.py``).

The test ``auto`` is chosen from the design, never from a pre-test on the same data
(a normality pre-test inflates the type-I error of what follows): McNemar for a
binary outcome; Wilcoxon for an ordinal outcome (the participation ladder, the
self-sufficiency matrix, a custom ``ordinal``) or a score with at most 7 possible
values (the 6-item De Jong Gierveld scale); otherwise the paired t-test, whose mean
difference is what a numeric score's hypothesis is about. ``notes`` says which ran
and why. McNemar on a registered instrument uses its cut-off (e.g. lonely: 3 or more
on the De Jong Gierveld 11-item scale).
"""

from __future__ import annotations


import numpy as np
import pandas as pd

from impact.instruments.scoring import dichotomy
from impact.statistics.attrition import attrition_check
from impact.statistics.multiple_testing import holm_adjust
from impact.statistics.pairing import BASELINE, FOLLOW_UP, both_waves, by_wave
from impact.statistics.paired_tests import PAIRED_TESTS, PairedTestResult
from impact.statistics.power import minimum_detectable_effect
from impact.statistics.reliability import RELIABILITY_COLUMNS
from impact.statistics.verdicts import CONFIDENCE, DECLARED_SHARE, DEFAULT_FLOOR, OPPOSITE, verdict, verdict_p_value
from impact.warehouse.tables import HYPOTHESIS_TESTS

RESULT_COLUMNS = list(HYPOTHESIS_TESTS.column_names)
FEW_POINTS = 7
#: Possible values of each registered score (the design, not the data): De Jong Gierveld counts lonely
#: answers (0–11, 0–6), Rosenberg 0–30, WHO-5 raw 0–25, life satisfaction 1–10.
SCALE_POINTS = {"djg11": 12, "djg6": 7, "rses": 31, "who5": 26, "life_satisfaction": 10}
ORDINAL_INSTRUMENTS = ("participation_ladder", "zrm")


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """The result columns in the order and types the warehouse declares (``marts.hypothesis_tests``)."""
    return HYPOTHESIS_TESTS.conform(frame.reindex(columns=RESULT_COLUMNS))


def choose_test(declared: str, instrument: str, outcome_type: str | None) -> tuple[str, str]:
    """(test, why): the declared test, or for ``auto`` the choice the design implies."""
    if declared != "auto":
        return declared, f"{declared} as declared in the Theory of Change"
    if outcome_type == "binary":
        return "mcnemar", "auto chose McNemar: the outcome is binary"
    if outcome_type == "ordinal" or instrument in ORDINAL_INSTRUMENTS:
        return "wilcoxon", "auto chose Wilcoxon: the outcome is ordinal"
    points = SCALE_POINTS.get(instrument)
    if points is not None and points <= FEW_POINTS:
        return "wilcoxon", f"auto chose Wilcoxon: the score has only {points} possible values"
    return "paired_t", "auto chose the paired t-test: the outcome is a numeric score and the hypothesis is about its mean"


def _run(test: str, b: np.ndarray, f: np.ndarray, alternative: str) -> PairedTestResult:
    return PAIRED_TESTS[test](b, f, alternative, CONFIDENCE)


def _reliability(reliability: pd.DataFrame, h: pd.Series) -> dict:
    """The outcome's alpha and Feldt interval at baseline and follow-up (NULL where not measured)."""
    mine = reliability[(reliability["initiative_id"] == h["initiative_id"]) & (reliability["outcome_id"] == h["outcome_id"])]
    row = {}
    for wave in (BASELINE, FOLLOW_UP):
        found = mine[mine["wave"] == wave]
        values = found.iloc[0] if len(found) else None
        for column, source in (("", "alpha"), ("_ci_low", "ci_low"), ("_ci_high", "ci_high")):
            value = None if values is None or pd.isna(values[source]) else float(values[source])
            row[f"reliability_{wave}{column}"] = value
    return row


def run_one_test(h: pd.Series, scores: pd.DataFrame, reliability: pd.DataFrame, min_pairs: int) -> dict:
    """Test one hypothesis; ``h`` is a row of ``programme.hypotheses`` joined with its outcome."""
    wide = by_wave(scores[(scores["initiative_id"] == h["initiative_id"]) & (scores["outcome_id"] == h["outcome_id"])])
    base, follow = wide[BASELINE], wide[FOLLOW_UP]
    both = both_waves(wide)
    b, f = (both["baseline"].to_numpy(float), both["follow_up"].to_numpy(float)) if len(both) else (np.array([]), np.array([]))
    needed = int(h["min_pairs"]) if pd.notna(h.get("min_pairs")) else min_pairs
    row = {
        "initiative_id": h["initiative_id"], "hypothesis_id": h["hypothesis_id"], "outcome_id": h["outcome_id"],
        "statement": h["statement"], "primary": bool(h["primary"]), "direction": h["direction"],
        "alternative": h["alternative"], "n_baseline": int(base.notna().sum()), "n_follow_up": int(follow.notna().sum()),
        "n_pairs": len(both), "min_pairs": needed, **_reliability(reliability, h),
    }
    notes = ["means are over the participants with both waves"]
    test, why = choose_test(h["test"], h["instrument"], h.get("type"))
    notes.append(why)
    result: PairedTestResult | None = None
    if test == "mcnemar":
        rule = dichotomy(h["instrument"], h.get("type"))
        if rule is None:
            notes.append(f"McNemar needs a yes/no outcome; '{h['outcome_id']}' has no cut-off, so it was not tested")
            b = f = np.array([])
        else:
            label, side = rule
            b, f = side(pd.Series(b)).to_numpy(float), side(pd.Series(f)).to_numpy(float)
            notes.append(f"outcome read as the share '{label}'")
    if len(both) < needed:
        notes.append(f"only {len(both)} participants answered both waves; at least {needed} are needed for a test")
        row.update(mean_baseline=_mean(b), mean_follow_up=_mean(f), mean_difference=_mean(f - b) if len(b) else None)
    elif len(b):
        result = _run(test, b, f, h["alternative"])
        row.update({k: getattr(result, k) for k in (
            "mean_baseline", "mean_follow_up", "mean_difference", "estimate", "estimate_kind", "ci_low", "ci_high",
            "ci_level", "statistic", "df", "p_value", "effect_size", "effect_size_kind", "effect_size_ci_low",
            "effect_size_ci_high", "method")})
        if h["alternative"] in OPPOSITE:
            row["p_value_opposite"] = _run(test, b, f, OPPOSITE[h["alternative"]]).p_value
        disagreement = _interval_disagrees(result)
        if disagreement:
            notes.append(disagreement)
        if result.ci_level is not None and not result.ci_level >= CONFIDENCE - 1e-12:
            notes.append("a 95% interval of the estimate is not attainable from so few differences: "
                         + (f"its interval has {result.ci_level:.1%} confidence" if result.ci_level > 0
                            else "no interval is"))
    if len(b) > 1:
        row["sd_difference"] = float(np.std(f - b, ddof=1))
        if test == "mcnemar":
            row["discordant_share"] = float(np.mean(b != f))
    row["test"] = test
    # attrition: of those with a baseline score, did the ones without a follow-up differ?
    measured = base.dropna()
    lost, kept = measured[follow[measured.index].isna()], measured[follow[measured.index].notna()]
    if len(lost) >= 2 and len(kept) >= 2:
        notes.append("attrition: " + attrition_check(kept.to_numpy(float), lost.to_numpy(float)).note.rstrip("."))
    row["notes"] = "; ".join(notes)
    return row


#: Why an interval may miss its test at the margin (the others are the test's own inversion).
MAY_DISAGREE = {
    "wilcoxon": "with ties or zeros the interval comes from the normal approximation's steps, not from the test's p",
    "mcnemar": "the score interval (SCAS) of the difference is not the inversion of the mid-p test",
}


#: Why an effect size's interval may miss the test (d_z's and the odds ratio's are the test's inversion).
EFFECT_MAY_DISAGREE = {
    "rank_biserial": "with ties or zeros r's interval is a bootstrap interval, not the signed-rank test's inversion",
}
#: The effect size of "no change", by kind.
NO_CHANGE = {"cohen_dz": 0.0, "rank_biserial": 0.0, "odds_ratio": 1.0}


def _interval_disagrees(result: PairedTestResult, confidence: float = CONFIDENCE) -> str | None:
    """A note when the interval of the estimate, or of the effect size, and the test disagree about "no
    change", else None."""
    if pd.isna(result.p_value):
        return None
    rejects = result.p_value < 1 - confidence
    notes = []
    for what, low, high, null, why in (
            ("the estimate", result.ci_low, result.ci_high, 0.0,
             MAY_DISAGREE.get(result.test, "the interval and the test are computed differently")),
            (f"the effect size ({result.effect_size_kind})", result.effect_size_ci_low, result.effect_size_ci_high,
             NO_CHANGE.get(result.effect_size_kind, 0.0),
             EFFECT_MAY_DISAGREE.get(result.effect_size_kind, "the interval and the test are computed differently"))):
        if low is None or high is None or pd.isna(low) or pd.isna(high):
            continue
        if (low > null or high < null) != rejects:
            notes.append(f"the {confidence:.0%} interval of {what} ({low:.3g} to {high:.3g}) and the test (p = "
                         f"{result.p_value:.3g}) disagree about no change: {why}")
    return "; ".join(notes) or None


def _mean(values: np.ndarray) -> float | None:
    return float(np.mean(values)) if len(values) else None


def run_hypothesis_tests(hypotheses: pd.DataFrame, outcomes: pd.DataFrame, scores: pd.DataFrame,
                         reliability: pd.DataFrame | None, min_pairs: int) -> pd.DataFrame:
    """One row per hypothesis of the given initiatives, before the Holm correction.

    ``reliability``: ``impact.statistics.reliability.outcome_reliability`` of the same initiatives
    (None: no multi-item outcome to check)."""
    if hypotheses.empty:
        return typed(pd.DataFrame(columns=RESULT_COLUMNS))
    reliability = pd.DataFrame(columns=RELIABILITY_COLUMNS) if reliability is None else reliability
    spec = hypotheses.merge(outcomes[["initiative_id", "outcome_id", "instrument", "type"]], on=["initiative_id", "outcome_id"], how="left")
    # each hypothesis gets only its initiative's scores (the same rows, in the same order, as filtering the
    # whole frame, which costs a pass over every initiative's scores per hypothesis)
    by_initiative = {k: part for k, part in scores.groupby("initiative_id", sort=False)}
    empty = scores.iloc[0:0]
    rows = [run_one_test(h, by_initiative.get(h["initiative_id"], empty), reliability, min_pairs)
            for _, h in spec.sort_values(["initiative_id", "hypothesis_id"]).iterrows()]
    return typed(pd.DataFrame(rows))


def _went_up(r: pd.Series, declared_side: bool | None) -> bool | None:
    """Whether the evidence says follow-up > baseline: for a one-sided hypothesis the side whose term
    decided the verdict p; otherwise the sign of what the test is about (the rank-biserial r for
    Wilcoxon, W+ against W−; the estimate for the others)."""
    if declared_side is not None:
        return declared_side == (r["alternative"] == "greater")
    signed = r["effect_size"] if r["test"] == "wilcoxon" else r["estimate"]
    if pd.isna(signed) or signed == 0:
        return None
    return bool(signed > 0)


def conclude(tests: pd.DataFrame, alpha: float, disclosure_threshold: int = 10,
             min_reliability: float = DEFAULT_FLOOR, multiple_testing: str = "holm") -> pd.DataFrame:
    """Holm across the primary hypotheses that were tested (``multiple_testing="none"``: each at alpha on
    its own); the minimum detectable effect at the alpha each faces; then a verdict for every hypothesis.

    ``suppressed`` marks results whose pairs are fewer than the disclosure threshold: a report
    shows the verdict but not the means of so few people.
    """
    out = tests.copy().reset_index(drop=True)
    verdict_p = [verdict_p_value(None if pd.isna(r["p_value"]) else float(r["p_value"]),
                                 None if pd.isna(r["p_value_opposite"]) else float(r["p_value_opposite"]),
                                 r["alternative"]) for _, r in out.iterrows()]
    p_verdict = pd.Series([p if p is not None else np.nan for p, _ in verdict_p], index=out.index, dtype="float64")
    if multiple_testing not in ("holm", "none"):
        raise ValueError(f"multiple_testing must be 'holm' or 'none', got {multiple_testing!r}")
    primary = out["primary"].astype(bool) & p_verdict.notna() & (multiple_testing == "holm")
    family = int(primary.sum())
    out["p_adjusted"] = np.nan
    if family:
        out.loc[primary, "p_adjusted"] = holm_adjust(p_verdict[primary].to_numpy())
    alone = ~primary & p_verdict.notna()  # secondary hypotheses, and every one without multiple testing
    out.loc[alone, "p_adjusted"] = p_verdict[alone]
    verdicts, notes, mdes, mde_alphas, mde_methods = [], [], [], [], []
    for i, r in out.iterrows():
        # the smallest level this hypothesis can face: alpha/m at Holm's first step; a one-sided one spends
        # 90 % of it on its declared direction
        faced = alpha / family if primary[i] else alpha
        if r["alternative"] != "two-sided":
            faced *= DECLARED_SHARE
        mde, how = (None, None) if pd.isna(r["p_value"]) else minimum_detectable_effect(
            r["test"], int(r["n_pairs"]), faced, r["alternative"],
            None if pd.isna(r["sd_difference"]) else float(r["sd_difference"]),
            None if pd.isna(r["discordant_share"]) else float(r["discordant_share"]))
        mdes.append(mde)
        mde_alphas.append(None if mde is None else faced)
        mde_methods.append(how)
        alphas = [r["reliability_baseline"], r["reliability_follow_up"]]
        reliable = all(pd.isna(a) or a >= min_reliability for a in alphas)
        p_adjusted = None if pd.isna(r["p_adjusted"]) else float(r["p_adjusted"])
        verdicts.append(verdict(p_adjusted, alpha, r["direction"], _went_up(r, verdict_p[i][1]), int(r["n_pairs"]),
                                int(r["min_pairs"]), reliable))
        extra = [None if pd.isna(r["p_value"])
                 else f"Holm correction across {family} primary hypotheses" if primary[i]
                 else "no correction for multiple testing (multiple_testing: none)" if multiple_testing == "none"
                 else "secondary hypothesis: not in the Holm family, its p-value is not adjusted"]
        if r["alternative"] != "two-sided" and pd.notna(r["p_value"]):
            if pd.isna(r["p_value_opposite"]):  # tests stored by older code: rebuild this initiative
                extra.append("one-sided, but the p-value the other way is missing (tests from an older build), so "
                             "a change the other way cannot be judged: rebuild this initiative")
            else:
                extra.append(f"one-sided: {DECLARED_SHARE:.0%} of alpha on the declared direction, the rest on the "
                             f"other, so a clear change the other way reads as contradicted")
                if verdict_p[i][1] is False:
                    extra.append(f"the interval shown is one-sided in the declared direction; the change the other "
                                 f"way has one-sided p = {float(r['p_value_opposite']):.3g}")
        if not reliable:
            low = ", ".join(f"{w} {a:.2f}" for w, a in zip(("baseline", "follow-up"), alphas)
                            if pd.notna(a) and a < min_reliability)
            extra.append(f"Cronbach's alpha below {min_reliability:.2f} ({low}): the items do not measure one thing "
                         f"here, so the result is not judged")
        notes.append("; ".join(x for x in (r["notes"], *extra) if x))
    out["verdict"] = verdicts
    out["notes"] = notes
    out["mde"] = pd.Series(mdes, index=out.index, dtype="float64")
    out["mde_alpha"] = pd.Series(mde_alphas, index=out.index, dtype="float64")
    out["mde_method"] = mde_methods
    out["suppressed"] = out["n_pairs"].astype(int) < disclosure_threshold
    return typed(out)
