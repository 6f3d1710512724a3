"""Plain-language sentences of the reports: a verdict, an attrition finding, a test's method.

Built from the *published* (disclosure-controlled) figures, in the report's language.
"""

from __future__ import annotations

import math

from impact.reporting.i18n import Translator


def _nan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def change_words(row, tr: Translator) -> str:
    """'1,10 punt lager' / '36 procentpunt hoger' for a hypothesis row (follow-up minus baseline)."""
    diff = row["mean_difference"]
    if _nan(diff):
        return ""
    if row["test"] == "mcnemar":
        amount = tr.t("unit.percentage_points", value=tr.num(abs(diff) * 100, 0))
    else:
        amount = tr.t("unit.points", value=tr.num(abs(diff), 2))
    return tr.t("change.higher" if diff > 0 else "change.lower" if diff < 0 else "change.equal", amount=amount)


def verdict_sentence(row, tr: Translator) -> str:
    """One sentence a reader without statistics understands, with the numbers that carry it."""
    verdict = row["verdict"]
    outcome = row["outcome"]
    if verdict == "insufficient_data":
        return tr.t("verdict_sentence.insufficient_data", outcome=outcome, min_pairs=int(row.get("min_pairs_required", 10)))
    if _nan(row["mean_difference"]):
        # disclosure control hid the test's figures: the verdict stands, the numbers are not shown
        return tr.t(f"verdict_sentence.{verdict}_hidden", outcome=outcome, threshold=tr.threshold)
    pct = row["test"] == "mcnemar"
    scale, digits = (100, 0) if pct else (1, 2)
    p = row["p_adjusted"] if not _nan(row["p_adjusted"]) else row["p_value"]
    values = {
        "outcome": outcome,
        "change": change_words(row, tr),
        # a p-value hidden by disclosure control is given as the bound the verdict rests on
        "p": tr.p(p) if not _nan(p) else ("p < " if verdict != "not_shown" else "p ≥ ") + tr.num(row.get("alpha", 0.05), 2),
        "n": tr.count(row["n_pairs"]),
        "ci": tr.t("common.interval", low=tr.num(row["ci_low"] * scale, digits), high=tr.num(row["ci_high"] * scale, digits))
        + (" " + tr.t("unit.percentage_points_short") if pct else ""),
    }
    if verdict == "not_shown":
        mde = row["mde"]
        values["mde"] = (tr.t("unit.percentage_points", value=tr.num(mde * 100, 0)) if row["test"] == "mcnemar"
                         else tr.t("unit.points", value=tr.num(mde, 2)))
    return tr.t(f"verdict_sentence.{verdict}", **values)


def attrition_sentence(row, tr: Translator) -> str:
    """Did those lost to follow-up differ at baseline? Only when both groups are large enough to say."""
    if _nan(row["n_without_follow_up"]) or _nan(row["n_with_follow_up"]) or _nan(row["difference"]):
        if not _nan(row["n_without_follow_up"]) and row["n_without_follow_up"] == 0:
            return tr.t("attrition.none_lost")
        return tr.t("attrition.too_few", threshold=tr.threshold)
    diff = row["difference"]
    key = "attrition.higher" if diff > 0 else "attrition.lower"
    significant = not _nan(row["p_value"]) and row["p_value"] < 0.05
    return tr.t(key, lost=tr.count(row["n_without_follow_up"]), stayed=tr.count(row["n_with_follow_up"]),
                amount=tr.num(abs(diff), 1), p=tr.p(row["p_value"])) + " " + tr.t(
        "attrition.differs" if significant else "attrition.similar")
