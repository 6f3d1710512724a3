"""Testing the hypotheses of the Theories of Change on the scored outcomes (docs/statistics.md).

``run_hypothesis_tests`` runs one test per hypothesis (the only loop) on the
participants who have both waves; ``conclude`` applies the Holm correction across
the programme's primary hypotheses and gives each its verdict. Rows follow the
``hypothesis_results`` contract of docs/warehouse.md.

The test ``auto`` is declared, never silent: McNemar for a binary outcome;
Wilcoxon for an ordinal outcome or a score with at most 7 distinct values, or
when the differences are clearly not normal (Shapiro–Wilk p < 0.05 with fewer
than 30 pairs); otherwise the paired t-test. ``notes`` says which ran and why.
McNemar on a registered instrument uses its cut-off (e.g. lonely: 3 or more on
the De Jong Gierveld 11-item scale).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from impact.instruments.scoring import dichotomy
from impact.statistics.attrition import attrition_check
from impact.statistics.multiple_testing import holm_adjust
from impact.statistics.pairing import BASELINE, FOLLOW_UP, both_waves, by_wave
from impact.statistics.paired_tests import PairedTestResult, mcnemar, paired_t, wilcoxon_signed_rank
from impact.statistics.power import minimum_detectable_effect
from impact.statistics.verdicts import verdict
from impact.warehouse.tables import HYPOTHESIS_TESTS

RESULT_COLUMNS = list(HYPOTHESIS_TESTS.column_names)
FEW_DISTINCT = 7


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """The result columns in the order and types the warehouse declares (``marts.hypothesis_tests``)."""
    return HYPOTHESIS_TESTS.conform(frame.reindex(columns=RESULT_COLUMNS))


SMALL_N = 30


def choose_test(declared: str, instrument: str, outcome_type: str | None, differences: np.ndarray, distinct: int) -> tuple[str, str]:
    """(test, why): the declared test, or the documented choice for ``auto``."""
    if declared != "auto":
        return declared, f"{declared} as declared in the Theory of Change"
    if outcome_type == "binary":
        return "mcnemar", "auto chose McNemar: the outcome is binary"
    if outcome_type == "ordinal" or instrument in ("participation_ladder", "zrm") or distinct <= FEW_DISTINCT:
        return "wilcoxon", "auto chose Wilcoxon: the outcome is ordinal or has few distinct values"
    if 3 <= len(differences) < SMALL_N and np.ptp(differences) > 0:
        p = stats.shapiro(differences).pvalue
        if p < 0.05:
            return "wilcoxon", f"auto chose Wilcoxon: the differences are not normal (Shapiro-Wilk p = {p:.3f}, n = {len(differences)})"
    return "paired_t", "auto chose the paired t-test: a numeric outcome with roughly normal differences or at least 30 pairs"


def run_one_test(h: pd.Series, scores: pd.DataFrame, min_pairs: int, alpha: float) -> dict:
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
        "n_pairs": len(both), "min_pairs": needed,
    }
    notes = ["means are over the participants with both waves"]
    test, why = choose_test(h["test"], h["instrument"], h.get("type"), f - b, len(np.unique(np.concatenate([b, f]))))
    notes.append(why)
    result: PairedTestResult | None = None
    bb = ff = np.array([])
    if len(both) < needed:
        notes.append(f"only {len(both)} participants answered both waves; at least {needed} are needed for a test")
        row.update(mean_baseline=_mean(b), mean_follow_up=_mean(f), mean_difference=_mean(f - b) if len(both) else None)
    elif test == "mcnemar":
        rule = dichotomy(h["instrument"], h.get("type"))
        if rule is None:
            notes.append(f"McNemar needs a yes/no outcome; '{h['outcome_id']}' has no cut-off, so it was not tested")
        else:
            label, side = rule
            bb, ff = side(pd.Series(b)).to_numpy(float), side(pd.Series(f)).to_numpy(float)
            result = mcnemar(bb, ff, h["alternative"])
            notes.append(f"outcome read as the share '{label}'")
    elif test == "wilcoxon":
        result = wilcoxon_signed_rank(b, f, h["alternative"])
    else:
        result = paired_t(b, f, h["alternative"])
    if result is not None:
        row.update({k: getattr(result, k) for k in (
            "mean_baseline", "mean_follow_up", "mean_difference", "ci_low", "ci_high", "statistic", "df", "p_value",
            "effect_size", "effect_size_kind", "effect_size_ci_low", "effect_size_ci_high", "method")})
        # the MDE in the unit of the tested difference: score points, or a share for McNemar
        tested = (ff - bb) if test == "mcnemar" else (f - b)
        sd = float(np.std(tested, ddof=1)) if len(both) > 1 else None
        _, mde_raw = minimum_detectable_effect(len(both), alpha, 0.8, h["alternative"], sd_difference=sd)
        row["mde"] = mde_raw if sd else None  # no spread in the differences: nothing to express it in
        if test != "paired_t":
            notes.append("the minimum detectable effect is the paired t-test approximation")
    row["test"] = test
    # attrition: of those with a baseline score, did the ones without a follow-up differ?
    measured = base.dropna()
    lost, kept = measured[follow[measured.index].isna()], measured[follow[measured.index].notna()]
    if len(lost) >= 2 and len(kept) >= 2:
        notes.append("attrition: " + attrition_check(kept.to_numpy(float), lost.to_numpy(float)).note.rstrip("."))
    row["notes"] = "; ".join(notes)
    return row


def _mean(values: np.ndarray) -> float | None:
    return float(np.mean(values)) if len(values) else None


def run_hypothesis_tests(hypotheses: pd.DataFrame, outcomes: pd.DataFrame, scores: pd.DataFrame, min_pairs: int, alpha: float) -> pd.DataFrame:
    """One row per hypothesis of the given initiatives, before the Holm correction."""
    if hypotheses.empty:
        return typed(pd.DataFrame(columns=RESULT_COLUMNS))
    spec = hypotheses.merge(outcomes[["initiative_id", "outcome_id", "instrument", "type"]], on=["initiative_id", "outcome_id"], how="left")
    rows = [run_one_test(h, scores, min_pairs, alpha) for _, h in spec.sort_values(["initiative_id", "hypothesis_id"]).iterrows()]
    return typed(pd.DataFrame(rows))


def conclude(tests: pd.DataFrame, alpha: float, disclosure_threshold: int = 10) -> pd.DataFrame:
    """Holm across the primary hypotheses that were tested; then a verdict for every hypothesis.

    ``suppressed`` marks results whose pairs are fewer than the disclosure threshold: a report
    shows the verdict but not the means of so few people.
    """
    out = tests.copy()
    primary = out["primary"].astype(bool) & out["p_value"].notna()
    out["p_adjusted"] = np.nan
    if primary.any():
        out.loc[primary, "p_adjusted"] = holm_adjust(out.loc[primary, "p_value"].astype(float).to_numpy())
    secondary = ~out["primary"].astype(bool) & out["p_value"].notna()
    out.loc[secondary, "p_adjusted"] = out.loc[secondary, "p_value"]
    family = int(primary.sum())
    verdicts, notes = [], []
    for _, r in out.iterrows():
        # the sign of what the test estimates: the rank-biserial r for Wilcoxon (W+ versus W-), the
        # difference in proportions for McNemar, the mean difference for the t-test
        difference = r["effect_size"] if r["test"] == "wilcoxon" and pd.notna(r["effect_size"]) else r["mean_difference"]
        verdicts.append(verdict(None if pd.isna(r["p_adjusted"]) else float(r["p_adjusted"]), alpha, r["direction"],
                                None if pd.isna(difference) else float(difference), int(r["n_pairs"]), int(r["min_pairs"])))
        extra = (f"Holm correction across {family} primary hypotheses" if r["primary"] and pd.notna(r["p_value"])
                 else "secondary hypothesis: not in the Holm family, its p-value is not adjusted" if pd.notna(r["p_value"])
                 else None)
        notes.append("; ".join(x for x in (r["notes"], extra) if x))
    out["verdict"] = verdicts
    out["notes"] = notes
    out["suppressed"] = out["n_pairs"].astype(int) < disclosure_threshold
    return typed(out)

