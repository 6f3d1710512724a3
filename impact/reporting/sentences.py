"""Plain-language sentences of the reports: a verdict, an attrition finding, a test's method.

Built from the *published* (disclosure-controlled) figures, in the report's language. A verdict
sentence gives what the test is about: the estimate of its kind (mean difference for the paired
t-test, the Hodges–Lehmann pseudo-median for Wilcoxon, the difference in proportions for McNemar)
with its interval, never the mean difference with a t-interval for every test. It says which p the
verdict is read from (after Holm for a primary hypothesis), at which alpha a minimum detectable effect
holds, why a measurement was not judged (Cronbach's alpha below the programme's floor, per wave with
its interval) and, next to a verdict on items that hang together only moderately (alpha below
:data:`impact.statistics.reliability.CAVEAT_BELOW`), a caveat.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

import pandas as pd

from impact.language import Translator, mid_sentence
from impact.reporting.tables import WAVES, hidden_reason
from impact.statistics.power import POWER
from impact.statistics.reliability import CAVEAT_BELOW
from impact.statistics.verdicts import CONFIDENCE, DEFAULT_FLOOR

ESTIMATE_KINDS = ("mean_difference", "pseudo_median", "difference_in_proportions")
#: The verdicts that judge a result (and may carry the reliability caveat).
JUDGED = ("supported", "contradicted", "not_shown")


def _nan(x) -> bool:
    if x is None:
        return True
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return False


def _get(row, key, default=None):
    try:
        value = row[key]
    except (KeyError, IndexError):
        return default
    return default if value is None else value


def in_percentage_points(row) -> bool:
    """Whether the row's estimate (and MDE) is a difference in proportions, shown in percentage points."""
    kind = _get(row, "estimate_kind")
    return kind == "difference_in_proportions" if isinstance(kind, str) else row["test"] == "mcnemar"


def estimate_kind(row) -> str:
    """The kind of the row's estimate (from the engine; for an older row from its test)."""
    kind = _get(row, "estimate_kind")
    if isinstance(kind, str) and kind in ESTIMATE_KINDS:
        return kind
    return {"mcnemar": "difference_in_proportions", "wilcoxon": "pseudo_median"}.get(row["test"], "mean_difference")


def amount(value: float, row, tr: Translator, digits: int | None = None, signed: bool = False) -> str:
    """'1,10 punten' or '36 procentpunten' ('1 punt' for exactly one): a difference in the unit of the row's estimate."""
    if in_percentage_points(row):
        return tr.units("unit.percentage_points", value * 100, 0 if digits is None else digits, signed=signed)
    unit = _get(row, "unit")
    if isinstance(unit, str) and unit:   # a custom outcome's own unit ('personen')
        return f"{tr.num(value, 2 if digits is None else digits, signed)} {unit}"
    return tr.units("unit.points", value, 2 if digits is None else digits, signed=signed)


def change_words(row, tr: Translator, column: str = "mean_difference") -> str:
    """'1,10 punten lager' / '36 procentpunten hoger' for ``column`` of a hypothesis row (follow-up minus baseline)."""
    diff = row[column]
    if _nan(diff):
        return ""
    key = "change.higher" if diff > 0 else "change.lower" if diff < 0 else "change.equal"
    return tr.t(key, amount=amount(abs(diff), row, tr))


def lowered_level(row) -> float | None:
    """The confidence of the estimate's interval when it is below 95% (not attainable from so few
    differences, column ``ci_level``), else None."""
    level = _get(row, "ci_level")
    return None if _nan(level) or level >= CONFIDENCE - 1e-9 else float(level)


def level_text(row, tr: Translator) -> str:
    """'95%', or the lower level of the estimate's interval to one decimal ('89,1%')."""
    level = lowered_level(row)
    return tr.pct(CONFIDENCE) if level is None else tr.pct(level, 1)


def interval_words(row, tr: Translator, low: str = "ci_low", high: str = "ci_high") -> str:
    """'95%-interval −1,79 tot −0,41'; a one-sided interval as its one bound; '' without an interval."""
    lo, hi = _get(row, low), _get(row, high)
    level = level_text(row, tr)
    finite = [not _nan(v) and math.isfinite(float(v)) for v in (lo, hi)]
    pct = in_percentage_points(row)

    def value(v: float) -> str:
        return tr.num(v * 100, 0) if pct else tr.num(v, 2)

    unit = " " + tr.t("unit.percentage_points_short") if pct else ""
    if all(finite):
        return tr.t("common.ci", level=level, low=value(lo), high=value(hi)) + unit
    if finite[0] and not _nan(hi):
        return tr.t("common.ci_lower", level=level, low=value(lo)) + unit
    if finite[1] and not _nan(lo):
        return tr.t("common.ci_upper", level=level, high=value(hi)) + unit
    return ""


def estimate_phrase(row, tr: Translator) -> str:
    """'1,10 punten lager (gemiddeld verschil; 95%-interval −1,79 tot −0,41)': the estimate the test is about."""
    if _nan(_get(row, "estimate")):
        return tr.t("estimate.not_computed")
    kind = tr.t(f"estimate_kind.{estimate_kind(row)}")
    interval = interval_words(row, tr)
    words = change_words(row, tr, "estimate") if row["estimate"] != 0 else amount(0.0, row, tr)
    if estimate_kind(row) == "pseudo_median" and not _nan(_get(row, "mean_difference")):
        # a reader takes the first number for the average change: the mean first, then what the test estimates
        mean = change_words(row, tr, "mean_difference") if row["mean_difference"] != 0 else amount(0.0, row, tr)
        words = tr.t("estimate.mean_then_typical", mean=mean, typical=words)
    return f"{words} ({kind}; {interval})" if interval else f"{words} ({kind})"


def alpha_text(alpha: float, tr: Translator) -> str:
    """A significance level to three significant digits, at least two decimals: 0,05; 0,00625; 0,0056 → 0,00556."""
    if _nan(alpha) or alpha <= 0:
        return "–"
    value = float(f"{float(alpha):.3g}")
    decimals = max(2, -Decimal(repr(value)).normalize().as_tuple().exponent)
    return tr.num(value, decimals)


def p_words(row, tr: Translator) -> str:
    """'p = 0,005 na Holm-correctie' for a primary hypothesis, 'p = 0,03' otherwise; a hidden p as the bound."""
    p = _get(row, "p_adjusted")
    holm = bool(_get(row, "primary", False)) and _get(row, "multiple_testing", "holm") == "holm"
    if _nan(p):
        band = _get(row, "evidence")   # a hidden p of a decided test: the bound of its published band
        bound = {"strong": 0.001, "clear": 0.01}.get(band) if isinstance(band, str) else None
        if bound is not None:
            text = "p < " + tr.num(bound, 3 if bound < 0.01 else 2)
            return tr.t("verdict_p.holm", p=text) if holm else text
        alpha = tr.num(_get(row, "alpha", 0.05), 2)
        return ("p < " if row["verdict"] in ("supported", "contradicted") else "p ≥ ") + alpha
    return tr.t("verdict_p.holm", p=tr.p(p)) if holm else tr.p(p)


def mde_sentence(row, tr: Translator) -> str:
    """What a result that showed nothing could have shown: the MDE, its alpha and its unit (the estimate's)."""
    mde = _get(row, "mde")
    if _nan(mde):
        return tr.t("verdict_sentence.mde_missing")
    holm = bool(_get(row, "primary", False)) and _get(row, "multiple_testing", "holm") == "holm"
    level = alpha_text(_get(row, "mde_alpha", _get(row, "alpha", 0.05)), tr)
    key = "verdict_sentence.mde_holm" if holm else "verdict_sentence.mde"
    return tr.t(key, mde=amount(mde, row, tr), power=tr.pct(POWER), alpha=level,
                sided=tr.t("verdict_sentence.one_sided") if _get(row, "alternative") in ("greater", "less") else "",
                kind=tr.t(f"estimate_kind.{estimate_kind(row)}"))


def _alpha_at(row, wave: str, tr: Translator) -> str:
    value = row[f"reliability_{wave}"]
    low, high = _get(row, f"reliability_{wave}_ci_low"), _get(row, f"reliability_{wave}_ci_high")
    where = tr.t(f"reliability.at_{wave}")
    if _nan(low) or _nan(high):
        return tr.t("reliability.value", alpha=tr.num(value, 2), wave=where)
    return tr.t("reliability.value_ci", alpha=tr.num(value, 2), wave=where, low=tr.num(low, 2), high=tr.num(high, 2))


def _alphas(row, tr: Translator, waves: list[str]) -> str:
    """'Cronbachs alfa 0,65 bij de nameting, 95%-interval 0,48 tot 0,78' (two waves joined by 'en')."""
    parts = [_alpha_at(row, w, tr) for w in waves]
    values = parts[0] if len(parts) == 1 else tr.t("reliability.both", first=parts[0], second=parts[1])
    return tr.t("reliability.alpha", values=values)


def floor_of(row) -> float:
    floor = _get(row, "min_reliability", DEFAULT_FLOOR)
    return DEFAULT_FLOOR if _nan(floor) else float(floor)


def low_reliability_waves(row, below: float) -> list[str]:
    """The waves at which the outcome's published Cronbach's alpha is below ``below``."""
    return [w for w in WAVES if not _nan(_get(row, f"reliability_{w}")) and float(row[f"reliability_{w}"]) < below]


def caveat_waves(row) -> list[str]:
    """The waves whose alpha is at or above the floor but below CAVEAT_BELOW: the result stands, with care."""
    floor = floor_of(row)
    return [w for w in low_reliability_waves(row, CAVEAT_BELOW) if float(row[f"reliability_{w}"]) >= floor]


def caveat(row, tr: Translator) -> str:
    """'Let op: de vragen … hangen maar matig samen (Cronbachs alfa 0,65 bij de nameting, …); lees het resultaat
    met voorzichtigheid.' for a judged verdict on moderately consistent items; '' otherwise."""
    if row["verdict"] not in JUDGED:
        return ""
    waves = caveat_waves(row)
    return tr.t("reliability.caveat", alphas=_alphas(row, tr, waves)) if waves else ""


def unreliable_sentence(row, tr: Translator) -> str:
    """Why a measurement was not judged and what to check."""
    floor = floor_of(row)
    waves = low_reliability_waves(row, floor)
    alphas = _alphas(row, tr, waves) if waves else tr.t("reliability.hidden")
    text = tr.t("verdict_sentence.unreliable_measurement", outcome=row["outcome"], outcome_lower=mid_sentence(row["outcome"]),
                alphas=alphas, floor=tr.num(floor, 2))
    if low_reliability_waves(row, 0.0):  # below zero: the items pull against each other
        text += " " + tr.t("verdict_sentence.negative_alpha")
    return text


def verdict_sentence(row, tr: Translator) -> str:
    """One sentence a reader without statistics understands, with the numbers that carry it, and its caveat.
    The outcome's name is given as it is (``outcome``) and as it reads inside a sentence (``outcome_lower``)."""
    verdict = row["verdict"]
    outcome = row["outcome"]
    if verdict == "insufficient_data":
        return tr.t("verdict_sentence.insufficient_data", outcome=outcome, outcome_lower=mid_sentence(outcome),
                    min_pairs=int(_get(row, "min_pairs_required", 10)))
    if verdict == "unreliable_measurement":
        return unreliable_sentence(row, tr)
    if _nan(_get(row, "estimate")) and hidden_reason(row, "estimate"):
        # disclosure control hid the test's figures: the verdict stands, the numbers are not shown
        text = tr.t(f"verdict_sentence.{verdict}_hidden", outcome=outcome, outcome_lower=mid_sentence(outcome),
                    threshold=tr.threshold)
    else:
        values = {"outcome": outcome, "outcome_lower": mid_sentence(outcome), "estimate": estimate_phrase(row, tr), "p": p_words(row, tr),
                  "n": tr.count(row["n_pairs"])}
        if verdict == "not_shown":
            values["mde"] = mde_sentence(row, tr)
        text = tr.t(f"verdict_sentence.{verdict}", **values)
    extra = caveat(row, tr)
    return f"{text} {extra}" if extra else text


#: Below this many people in either group, "no demonstrable difference" says little (a Welch test of two groups
#: of 30 detects only a difference of about three quarters of a standard deviation with 80% power).
SMALL_GROUP = 30


def attrition_sentence(row, tr: Translator) -> str:
    """Did those lost to follow-up differ at baseline? Only when both groups are large enough to say."""
    if _nan(row["n_without_follow_up"]) or _nan(row["n_with_follow_up"]) or _nan(row["difference"]):
        if not _nan(row["n_without_follow_up"]) and row["n_without_follow_up"] == 0:
            return tr.t("attrition.none_lost")
        why = hidden_reason(row, "difference")
        if why == "reveals_yes_no":       # both groups are large enough; their shares would give a small count
            return tr.t("attrition.hidden_yes_no", threshold=tr.threshold)
        return tr.t("attrition.too_few", threshold=tr.threshold)
    diff = row["difference"]
    key = "attrition.higher" if diff > 0 else "attrition.lower"
    significant = not _nan(row["p_value"]) and row["p_value"] < 0.05
    return tr.t(key, lost=tr.count(row["n_without_follow_up"]), stayed=tr.count(row["n_with_follow_up"]),
                amount=tr.units("unit.points", abs(diff), 1), p=tr.p(row["p_value"])) + " " + tr.t(
        "attrition.differs" if significant else "attrition.similar_small"
        if min(row["n_without_follow_up"], row["n_with_follow_up"]) < SMALL_GROUP else "attrition.similar")


LOG_TEXT = ("topics", "lessons", "actions")


def hidden_counts(cells) -> set[float]:
    """The whole-number values of an initiative's masked cells (a note that states one gives it back)."""
    return {v for cid, v in cells.rows_by_id().items() if cells.hidden(cid) and not _nan(v) and float(v).is_integer()}


def publishable_text(text, tr: Translator, hidden) -> str | None:
    """A free text (a coaching note, a discussion) as a report may print it: each sentence that names a group of
    fewer than the threshold's people, a masked count (``hidden``) or a share of a group
    (:func:`impact.text_disclosure.small_counts`) replaced by '(…)', the other sentences kept."""
    from impact.text_disclosure import redact, small_counts

    found = small_counts(text, tr.threshold, hidden)
    return redact(text, found, tr.t("common.sentence_mark")) if found else text


def publishable_sessions(sessions: pd.DataFrame, tr: Translator, hidden: dict[str, set[float]]) -> pd.DataFrame:
    """The coaching log as the reports may quote it: in a note, each sentence that names a group of fewer than the
    threshold's people, a masked count of the initiative (``hidden`` by initiative) or a share of a group is
    replaced by '(…)' (:func:`publishable_text`); the data-quality page lists the note (quality rule
    ``no_small_groups_in_text``) so that the coach can reword it."""
    out = sessions.copy()
    for field in LOG_TEXT:
        out[field] = [publishable_text(text, tr, hidden.get(initiative, ()))
                      for initiative, text in zip(out["initiative_id"], out[field])]
    return out


def redacted(before: pd.DataFrame, after: pd.DataFrame) -> bool:
    """Whether :func:`publishable_sessions` left a sentence out of any note of ``before`` (giving ``after``)."""
    return any(a != b for field in LOG_TEXT for a, b in zip(before[field], after[field]) if isinstance(a, str))


def publishable_discussions(discussions: pd.DataFrame, tr: Translator, hidden: set[float]) -> dict[str, str]:
    """Each hypothesis' discussion (the initiative's own reading, from the Theory of Change) as the yearly report
    may print it, by hypothesis id: a sentence naming a small group, a masked count (``hidden``) or a share of a
    group replaced by '(…)', as in a coaching note (:func:`publishable_text`)."""
    return {h: publishable_text(text, tr, hidden) for h, text in zip(discussions["hypothesis_id"], discussions["discussion"])}


#: An age or age band in a teller's description: '75+', '30-44 jaar', '50–64', '67 jaar'.
_AGE = re.compile(r"\s*,?\s*\b\d{1,3}\s*(?:[-–]\s*\d{1,3}|\+)?(?:\s*jaar(?:\s+oud)?)?(?!\w)")


def who_without_age(who: str) -> str:
    """A story teller's description without an age ('bewoner, 75+' -> 'bewoner'): where the participant profile
    merged age bands to protect a small group, a finer band beside a quote would undo that."""
    text = re.sub(r"\(\s*\)", "", _AGE.sub("", who)).strip(" ,;")
    return text or who


def publishable_stories(stories: pd.DataFrame, tr: Translator, hidden: set[float]) -> tuple[pd.DataFrame, int]:
    """The stories a report may quote, and how many it withholds: a story whose quote or teller names a group of
    fewer than the threshold's people, a masked count of the initiative (``hidden``) or a share of a group
    (:func:`impact.text_disclosure.small_counts`) is left out, as the coaching log's notes are; the data-quality
    page lists it (quality rule ``no_small_groups_in_stories``) so that the coach can reword it."""
    from impact.text_disclosure import small_counts

    if stories.empty:
        return stories, 0
    named = [bool(small_counts(q, tr.threshold, hidden) or small_counts(w, tr.threshold, hidden))
             for q, w in zip(stories["quote"], stories["who"])]
    keep = pd.Series(named, index=stories.index).map(lambda v: not v)
    return stories[keep].reset_index(drop=True), int(sum(named))


def instrument_name(instrument: str, tr: Translator) -> str:
    """A registered instrument's name in the report's language, the original in brackets (Dutch reports)."""
    key = f"instrument.{instrument}.name"
    return tr.t(key) if tr.has(key) else instrument


def scale_words(outcome, tr: Translator) -> str:
    """'schaal 0–30, hoger is een groter gevoel van eigenwaarde': an outcome's scale and direction, from its
    registered instrument or, for a custom outcome, from the Theory of Change's min, max and direction."""
    instrument = _get(outcome, "instrument")
    key = f"instrument.{instrument}.scale"
    if tr.has(key):
        return tr.t(key)
    if _get(outcome, "type") == "binary":
        return tr.t("instrument.binary")
    low, high = _get(outcome, "min"), _get(outcome, "max")
    words = []
    if not (_nan(low) or _nan(high)):
        words.append(tr.t("instrument.custom_scale", low=tr.num(low, 0 if float(low).is_integer() else 1),
                          high=tr.num(high, 0 if float(high).is_integer() else 1)))
    better = _get(outcome, "higher_is_better")
    if better is not None and not _nan(better):
        words.append(tr.t("instrument.higher_better" if bool(better) else "instrument.higher_worse"))
    return ", ".join(words)


#: The glossary's terms, in the order a reader meets them (locale keys ``glossary.<term>.term/.text``).
GLOSSARY_TERMS = ("baseline_followup", "pairs", "hypothesis", "p_value", "holm", "evidence", "interval", "effect_size",
                  "pseudo_median", "mde", "reliability", "masked", "retention", "toc", "sroi")


def glossary(tr: Translator, floor: float) -> list[tuple[str, str]]:
    """(term, plain-words explanation) of every glossary term, with the programme's threshold and floor."""
    values = {"threshold": tr.threshold, "floor": tr.num(floor, 2), "caveat": tr.num(CAVEAT_BELOW, 2)}
    return [(tr.t(f"glossary.{k}.term"), tr.t(f"glossary.{k}.text", **values)) for k in GLOSSARY_TERMS]


def evidence_words(row, tr: Translator) -> str:
    """How strong the evidence for a supported or contradicted primary hypothesis is (the published band
    ``evidence``, :func:`impact.reporting.tables.evidence_band`): 'sterk' (p after Holm below 0.001), 'duidelijk'
    (below 0.01), else 'beperkt'."""
    from impact.reporting.tables import evidence_band

    band = _get(row, "evidence") if "evidence" in row else evidence_band(row)  # a published row, or the engine's
    if not isinstance(band, str):
        return tr.t("evidence.hidden")
    return tr.t(f"evidence.{band}")


def conclusion_sentence(row, tr: Translator, scale: str = "") -> str:
    """The plain conclusion of an initiative's primary hypothesis for a funder: what the data show and what not.

    The change names its kind of estimate and the outcome's ``scale`` (:func:`scale_words`), so that a mean on
    0–11 and a pseudo-median on 0–100 side by side are not read as one measure. Where no change was shown,
    the interval says which changes the data make unlikely, and the minimum detectable effect which change
    the measurement would have found with 80% chance.
    """
    verdict = row["verdict"]
    values = {"outcome": mid_sentence(row["outcome"]),
              "n": tr.count(row["n_pairs"]) if not _nan(_get(row, "n_pairs")) else tr.t("conclusion.n_hidden")}
    # the change a funder reads is the average; a pseudo-median (Hodges–Lehmann) stays in the test table
    mean_first = (estimate_kind(row) == "pseudo_median" and not _nan(_get(row, "mean_difference"))
                  and verdict in ("supported", "contradicted"))   # (an interval is the test's, with its own kind)
    kind = tr.t(f"estimate_kind.{'mean_difference' if mean_first else estimate_kind(row)}")
    values["detail"] = tr.t("conclusion.detail", kind=kind, scale=scale) if scale else kind
    if verdict in ("supported", "contradicted"):
        if _nan(_get(row, "estimate")):   # masked with the test's figures: say so once
            return tr.t(f"conclusion.{verdict}_hidden", **values)
        values["change"] = change_words(row, tr, "mean_difference" if mean_first else "estimate")
        values["evidence"] = evidence_words(row, tr)
    elif verdict == "not_shown":
        mde = _get(row, "mde")
        values["mde"] = amount(mde, row, tr) if not _nan(mde) else tr.t("conclusion.mde_unknown")
        interval = interval_words(row, tr)
        values["interval"] = tr.t("conclusion.interval_clause", interval=interval, detail=values["detail"]) if interval else ""
    elif verdict == "insufficient_data":
        values["min_pairs"] = int(_get(row, "min_pairs_required", 10))
    return tr.t(f"conclusion.{verdict}", **values)
