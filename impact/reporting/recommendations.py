"""Recommendations for next year, derived from the year's results by explicit rules.

The lessons-learned summary (docs/warehouse.md, ``reports/<year>/lessons_learned/``)
ends with recommendations for the next year. They are not written by hand: each
one comes from a small, named rule below that looks at the facts of one
initiative (its hypotheses' verdicts and counts, its response, retention,
quarantine, scale reliability and output realisation) and, when its condition
holds, fills in its sentence from the reports' catalogue in Dutch (default) or
English.

Every rule has an ``id``, the coaching ``theme`` it belongs to (one of
:data:`THEMES`), a ``priority`` (1 = most important), a ``scope`` and a
``condition``; its thresholds are the module constants below. Rules of one
shape are rows of a table (:data:`VERDICT_RULES`, :data:`SHARE_RULES`).

Sentences: ``recommendation.<rule_id>.<variant>`` in
``impact/language/locale/<language>/`` (``text`` for a rule with one
sentence; :data:`TEXT_KEYS` lists every key this module builds). Numbers,
shares and counts are written by the reports' :class:`~impact.language.Translator`.

Scope:

- ``hypothesis`` rules (``fixed_follow_up_moment``, ``check_the_measurement``, ``plan_sample_size``,
  ``revisit_theory_of_change``, ``add_comparison``, ``report_the_null_honestly``)
  look at one hypothesis at a time, and only at the initiative's primary
  hypotheses; an initiative without a primary hypothesis has all of its
  hypotheses looked at. The text names the hypothesis.
- ``initiative`` rules (``baseline_at_intake``, ``keep_in_touch_for_follow_up``,
  ``check_before_dropping``, ``review_scale_administration``,
  ``review_target_or_reach``) fire at most once per initiative. Their facts
  repeat on every row of the initiative; the first value that is not missing
  (rows in hypothesis order) is used.

A missing fact (None, NaN) never fires a rule: every comparison is made on
a checked, finite number, never on NaN (where ``NaN < 0.6`` is merely False
and ``not NaN >= 0.6`` would be True).

No power is computed from the effect a sample happened to show (no "observed power", no "pairs
needed" for the observed d_z: Hoenig & Heisey 2001). ``plan_sample_size`` plans next year's sample
for the change the programme calls worth showing, ``target_effect_dz`` in ``programme.yaml``
(default 0.5), with ``impact.statistics.power.pairs_needed`` (statsmodels' noncentral-t power of the
paired t-test) at the level the hypothesis faces (``mde_alpha``: alpha over the Holm family for a
primary hypothesis); no power formula is written here.

Pure: pandas, statsmodels, the reports' catalogue and the standard library; no Dagster, no warehouse.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

import pandas as pd

from impact.contracts.vocabulary import COACHING_THEMES
from impact.quality.reliability import MIN_ALPHA
from impact.quality.rules import MIN_BASELINE_RESPONSE
from impact.language import LANGUAGES as REPORT_LOCALES
from impact.language import Translator, catalogue, mid_sentence
from impact.statistics.power import pairs_needed
from impact.statistics.verdicts import DEFAULT_FLOOR
from impact.statistics.verdicts import VERDICTS

LANGUAGES = tuple(REPORT_LOCALES)
THEMES = COACHING_THEMES
TESTS = ("paired_t", "wilcoxon", "mcnemar")  # the tests that run (``auto`` resolves to one of them)

# -- thresholds ---------------------------------------------------------------------------------
TARGET_PAIRS_FACTOR = 2  # fixed_follow_up_moment: aim for this many times the minimum number of pairs
POWER = 0.80  # plan_sample_size: the power the needed number of pairs is computed for
TARGET_EFFECT_DZ = 0.5  # plan_sample_size: programme.settings.target_effect_dz when the facts do not give it
# plan_sample_size, Wilcoxon: the asymptotic relative efficiency of the Wilcoxon signed-rank test to
# the t test when the differences are normal is 3/π ≈ 0.955 (Hodges & Lehmann 1956, "The efficiency
# of some nonparametric competitors of the t-test", Ann. Math. Statist. 27: 324-335; Lehmann 1975,
# Nonparametrics, ch. 4): the signed-rank test needs about n_t / (3/π) pairs where the t test needs n_t.
WILCOXON_ARE = 3 / math.pi
# baseline_at_intake fires where the data-quality check warns: MIN_BASELINE_RESPONSE (impact.quality.rules)
# keep_in_touch_for_follow_up aims higher than the data-quality floor MIN_RETENTION (0.50, below which the
# check warns): with more than 30 % of the baseline lost, who stays is likely to differ from who left
RETENTION_TARGET = 0.70
MAX_QUARANTINE_SHARE = 0.01  # check_before_dropping: share of raw rows set aside
# review_scale_administration lists the outcomes the reliability check warns about: MIN_ALPHA (impact.quality.reliability)
MIN_REALISATION = 0.80  # review_target_or_reach: realised share of a Theory-of-Change output target
DISCLOSURE_THRESHOLD = 10  # counts of people below this are written as "fewer than 10"

OUTPUT_COLUMNS = ("initiative_id", "initiative_name", "rule_id", "theme", "priority", "text")
REQUIRED_COLUMNS = (
    "initiative_id", "initiative_name", "hypothesis_id", "primary", "verdict", "test",
    "n_baseline", "n_follow_up", "n_pairs", "min_pairs", "alpha", "mean_difference", "effect_size",
    "effect_size_kind", "mde", "response_rate", "retention", "raw_rows", "quarantined_rows",
    "top_quarantine_rule", "low_reliability_outcomes", "lowest_realisation", "lowest_realisation_output",
)
# Optional columns, with their default when absent or missing:
# - ``alternative`` ('two-sided' | 'greater' | 'less', the hypothesis's; two-sided), ``mde_alpha`` (the level
#   the hypothesis faces: alpha over the Holm family for a primary one; ``alpha``), ``multiple_testing``
#   ('holm'), ``target_effect_dz`` (programme.settings; TARGET_EFFECT_DZ): plan_sample_size;
# - ``estimate_kind`` (the kind of the MDE's unit; from the test): report_the_null_honestly;
# - ``outcome`` (its label; the hypothesis id), ``reliability_baseline``, ``reliability_follow_up`` with
#   their ``_ci_low``/``_ci_high`` and ``min_reliability`` (DEFAULT_FLOOR): check_the_measurement;
# - ``has_sroi`` (the initiative's Theory of Change has an SROI; False): add_comparison names the SROI's
#   attribution assumption only then.

# Quarantine and refusal rule ids (impact.contracts, impact.ingest) in words: the reports' catalogue
# (``impact/language/locale/<language>/``, ``quarantine_rule.*``); an unknown id is shown as is.


# -- the rule object ----------------------------------------------------------------------------

Facts = Mapping[str, Any]
Parameters = Callable[[Facts, Translator], tuple[str, dict[str, str]]]


@dataclass(frozen=True)
class Rule:
    """One recommendation rule.

    ``condition(facts)`` says whether it fires; ``parameters(facts, tr)`` gives
    the variant (one of ``variants``) and its named, already formatted
    parameters; the sentence is ``recommendation.<id>.<variant>`` in the
    catalogue, filled in by ``Translator.t``.
    """

    id: str
    theme: str
    priority: int
    scope: str  # "hypothesis" | "initiative"
    statement: str  # the rule in words (English), for the documentation and the report's appendix
    condition: Callable[[Facts], bool]
    parameters: Parameters
    variants: tuple[str, ...] = ("text",)

    def key(self, variant: str) -> str:
        return f"recommendation.{self.id}.{variant}"

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.key(v) for v in self.variants)

    @property
    def templates(self) -> dict[str, dict[str, str]]:
        """The catalogue's sentence per variant and language (a KeyError if one is missing)."""
        return {v: {language: catalogue(language)[self.key(v)] for language in LANGUAGES} for v in self.variants}

    def applies(self, facts: Facts) -> bool:
        return bool(self.condition(facts))

    def text(self, facts: Facts, language: str = "nl") -> str:
        _check_language(language)
        tr = Translator(language, int(_num(facts.get("_threshold")) or DISCLOSURE_THRESHOLD))
        variant, params = self.parameters(facts, tr)
        if variant not in self.variants:
            raise ValueError(f"rule {self.id} has no variant {variant!r}")
        return tr.t(self.key(variant), **params)


# -- reading facts: a missing or non-finite value is None ------------------------------------------

def _num(value: Any) -> float | None:
    """A finite float, or None for None, NaN, pd.NA, ±inf and anything that is not a number."""
    if value is None or isinstance(value, (str, bytes)) or value is pd.NA:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _missing(value: Any) -> bool:
    """None, NaN, NaT, pd.NA, or a blank string."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return bool(pd.api.types.is_scalar(value) and pd.isna(value))


def _text(value: Any) -> str | None:
    return None if _missing(value) else str(value).strip()


def _verdict(facts: Facts) -> str | None:
    return _text(facts.get("verdict"))


# -- writing numbers: the reports' Translator (impact.language) ------------------------------

def _people(value: float | None, tr: Translator) -> str:
    """A number of people ('minder dan 10' below the disclosure threshold); hidden upstream (None) in words."""
    return tr.t("recommendation.suppressed_count") if value is None else tr.count(value)


def _as_written(value: float, tr: Translator) -> str:
    """A significance level as written (0,05; 0,025): its own decimals, no fixed number of them."""
    return tr.num(value, max(0, -Decimal(f"{value:g}").normalize().as_tuple().exponent))


def _signed(value: float, digits: int, tr: Translator) -> str:
    """A difference with its sign, '+0,30' or '-1,00' (here with the ASCII hyphen-minus, not U+2212)."""
    return tr.num(value, digits, signed=True).replace("\u2212", "-")


def _share_against(share: float, threshold: float, tr: Translator) -> str:
    """A share as a whole percentage, with as many decimals (up to 3) as needed to differ from the threshold.

    A retention of 0.695 against 0.70 is shown as '69,5%', not as '70%' (which would read as on target).
    """
    decimals = 0
    while decimals < 3 and tr.pct(share, decimals) == tr.pct(threshold, decimals):
        decimals += 1
    return tr.pct(share, decimals)


def _join(items: list[str], tr: Translator) -> str:
    return tr.listing(items)


def _amount(value: float, facts: Facts, tr: Translator, signed: bool = False) -> str:
    """A difference or MDE in the outcome's unit: percentage points for McNemar, scale points otherwise."""
    if _text(facts.get("test")) == "mcnemar":
        number = _signed(value * 100, 0, tr) if signed else tr.num(value * 100, 0)
        return tr.t(_one("unit.percentage_points", value * 100, 0, tr), value=number)
    number = _signed(value, 2, tr) if signed else tr.num(value, 2)
    return tr.t(_one("recommendation.unit.scale_points", value, 2, tr), value=number)


def _one(key: str, value: float, digits: int, tr: Translator) -> str:
    """``key``, or its singular ``<key>_one`` when the number as shown is exactly 1 ('1 punt', '1,10 punten')."""
    return f"{key}_one" if abs(round(float(value), digits)) == 1 else key


def _reason(rule_id: str, tr: Translator) -> str:
    key = f"quarantine_rule.{rule_id}"
    return tr.t(key) if tr.has(key) else rule_id


def reason_words(rule_id: str, language: str) -> str:
    """A quarantine rule id in words; an unknown id as it is."""
    return _reason(rule_id, Translator(language))


# -- planning: from a stated target, never from the observed effect ------------------------------

def _level(facts: Facts) -> float | None:
    """The significance level the hypothesis faces: its ``mde_alpha``, or ``alpha``."""
    level = _num(facts.get("mde_alpha"))
    level = level if level is not None else _num(facts.get("alpha"))
    return level if level is not None and 0 < level < 1 else None


def _alternative(facts: Facts) -> str:
    alternative = _text(facts.get("alternative"))
    return alternative if alternative in ("two-sided", "greater", "less") else "two-sided"


def target_dz(facts: Facts) -> float:
    """The change worth showing, as Cohen's d_z: ``target_effect_dz`` of the programme (default 0.5)."""
    target = _num(facts.get("target_effect_dz"))
    return target if target is not None and target > 0 else TARGET_EFFECT_DZ


def needed_pairs(facts: Facts) -> tuple[int, int] | None:
    """(pairs for the paired t-test, pairs for the hypothesis's test) to see a change of the programme's
    target d_z with 80% power at the level the hypothesis faces, or None (McNemar, or a fact missing).

    ``impact.statistics.power.pairs_needed(target_effect_dz, mde_alpha, alternative)``; for Wilcoxon
    the t-test's n divided by the ARE 3/π, rounded up. The observed effect plays no part.
    """
    test, level = _text(facts.get("test")), _level(facts)
    if test not in ("paired_t", "wilcoxon") or level is None:
        return None
    n_t = pairs_needed(target_dz(facts), level, _alternative(facts), POWER)
    if n_t is None:
        return None
    if test == "wilcoxon":
        return n_t, math.ceil(n_t / WILCOXON_ARE)
    return n_t, n_t


def _holm(facts: Facts) -> bool:
    """A primary hypothesis under the Holm correction (the programme's ``multiple_testing``, default holm)."""
    primary = facts.get("primary")
    return (not _missing(primary) and bool(primary)
            and (_text(facts.get("multiple_testing")) or "holm") == "holm")


def _alpha_words(level: float, facts: Facts, tr: Translator) -> str:
    """'α = 0,005, het strengste niveau van Holm' / 'α = 0,05'."""
    text = tr.t("recommendation.alpha", alpha=_as_written(float(f"{level:.3g}"), tr))
    return text + (tr.t("recommendation.after_holm") if _holm(facts) else "")


# -- the rules --------------------------------------------------------------------------------------
# Hypothesis rules: facts are one row of ``facts``.

def too_few_pairs(facts: Facts) -> bool:
    """fixed_follow_up_moment: verdict insufficient_data (with min_pairs known; the number of pairs may be
    hidden by disclosure control), or n_pairs < min_pairs (both counts known)."""
    n, minimum = _num(facts.get("n_pairs")), _num(facts.get("min_pairs"))
    if minimum is None:
        return False
    return _verdict(facts) == "insufficient_data" or (n is not None and n < minimum)


def _follow_up_params(facts: Facts, tr: Translator) -> tuple[str, dict[str, str]]:
    minimum = _num(facts["min_pairs"])
    return "text", {
        "hypothesis_id": str(facts["hypothesis_id"]),
        "n_pairs": _people(_num(facts["n_pairs"]), tr),
        "min_pairs": tr.num(minimum, 0),
        "target_pairs": tr.num(TARGET_PAIRS_FACTOR * minimum, 0),
    }


def underpowered_null(facts: Facts) -> bool:
    """plan_sample_size: verdict not_shown with a known number of pairs, and either a McNemar test (a message
    without n) or fewer pairs than a paired t or Wilcoxon test needs to see the programme's target d_z."""
    if _verdict(facts) != "not_shown":
        return False
    n = _num(facts.get("n_pairs"))
    if n is None:
        return False
    if _text(facts.get("test")) == "mcnemar":
        return True
    needed = needed_pairs(facts)
    return needed is not None and needed[1] > n


def _sample_size_params(facts: Facts, tr: Translator) -> tuple[str, dict[str, str]]:
    test = _text(facts.get("test"))
    params = {"hypothesis_id": str(facts["hypothesis_id"]), "n_pairs": _people(_num(facts["n_pairs"]), tr)}
    if test == "mcnemar":
        return "mcnemar", params
    n_t, n = needed_pairs(facts)
    params.update(
        target=_as_written(target_dz(facts), tr),
        power=tr.pct(POWER),
        sided=tr.t("recommendation.two_sided" if _alternative(facts) == "two-sided" else "recommendation.one_sided"),
        alpha=_alpha_words(_level(facts), facts, tr),
        needed_pairs=tr.num(n, 0),
        t_pairs=tr.num(n_t, 0),
        are=tr.num(WILCOXON_ARE, 3),
    )
    return test, params


def not_shown_with_mde(facts: Facts) -> bool:
    """report_the_null_honestly: verdict not_shown with a finite mde (the number the text reports)."""
    mde, n = _num(facts.get("mde")), _num(facts.get("n_pairs"))
    return _verdict(facts) == "not_shown" and mde is not None and mde > 0 and n is not None


KINDS = {"paired_t": "mean_difference", "wilcoxon": "pseudo_median", "mcnemar": "difference_in_proportions"}


def _null_params(facts: Facts, tr: Translator) -> tuple[str, dict[str, str]]:
    kind = _text(facts.get("estimate_kind")) or KINDS.get(_text(facts.get("test")) or "", "mean_difference")
    level = _level(facts)
    return "text", {
        "hypothesis_id": str(facts["hypothesis_id"]),
        "n_pairs": _people(_num(facts["n_pairs"]), tr),
        "kind": tr.t(f"estimate_kind.{kind}") if tr.has(f"estimate_kind.{kind}") else kind,
        "mde": _amount(_num(facts["mde"]), facts, tr),
        "power": tr.pct(POWER),
        "at": tr.t("recommendation.at_level", alpha=_alpha_words(level, facts, tr)) if level is not None else "",
    }


def unreliable(facts: Facts) -> bool:
    """check_the_measurement: verdict unreliable_measurement."""
    return _verdict(facts) == "unreliable_measurement"


def _measurement_params(facts: Facts, tr: Translator) -> tuple[str, dict[str, str]]:
    floor = _num(facts.get("min_reliability"))
    floor = DEFAULT_FLOOR if floor is None else floor
    parts = []
    for wave in ("baseline", "follow_up"):
        alpha = _num(facts.get(f"reliability_{wave}"))
        if alpha is None or alpha >= floor:
            continue
        low, high = _num(facts.get(f"reliability_{wave}_ci_low")), _num(facts.get(f"reliability_{wave}_ci_high"))
        where = tr.t(f"reliability.at_{wave}")
        parts.append(tr.t("reliability.value", alpha=tr.num(alpha, 2), wave=where) if low is None or high is None
                     else tr.t("reliability.value_ci", alpha=tr.num(alpha, 2), wave=where, low=tr.num(low, 2),
                               high=tr.num(high, 2)))
    outcome = _text(facts.get("outcome")) or ""
    params = {"hypothesis_id": str(facts["hypothesis_id"]), "outcome": outcome, "outcome_lower": mid_sentence(outcome),
              "floor": tr.num(floor, 2)}
    if not parts:
        return "no_alpha", params
    values = parts[0] if len(parts) == 1 else tr.t("reliability.both", first=parts[0], second=parts[1])
    return "text", {**params, "alphas": tr.t("reliability.alpha", values=values)}


# Initiative rules: facts are the initiative's facts (first non-missing value per column).

def many_quarantined(facts: Facts) -> bool:
    """check_before_dropping: quarantined_rows / raw_rows > MAX_QUARANTINE_SHARE (raw_rows > 0)."""
    raw, quarantined = _num(facts.get("raw_rows")), _num(facts.get("quarantined_rows"))
    return raw is not None and raw > 0 and quarantined is not None and quarantined / raw > MAX_QUARANTINE_SHARE


def _quarantine_params(facts: Facts, tr: Translator) -> tuple[str, dict[str, str]]:
    raw, quarantined = _num(facts["raw_rows"]), _num(facts["quarantined_rows"])
    reason = _text(facts.get("top_quarantine_rule"))
    return ("reason" if reason else "no_reason"), {
        "quarantined_rows": tr.num(quarantined, 0),
        "raw_rows": tr.num(raw, 0),
        "share": _share_against(quarantined / raw, MAX_QUARANTINE_SHARE, tr),
        "reason": _reason(reason, tr) if reason else "",
    }


def _outcomes(facts: Facts) -> list[str]:
    """The outcome labels listed in ``low_reliability_outcomes`` (a list; missing is none)."""
    value = facts.get("low_reliability_outcomes")
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):  # absent, or missing in a frame
        return []
    if isinstance(value, str):
        raise TypeError(f"low_reliability_outcomes is a list of outcome labels, not the text {value!r}")
    return [str(v).strip() for v in value if str(v).strip()]


def unreliable_scales(facts: Facts) -> bool:
    """review_scale_administration: at least one outcome listed in low_reliability_outcomes."""
    return bool(_outcomes(facts))


def _scale_params(facts: Facts, tr: Translator) -> tuple[str, dict[str, str]]:
    return "text", {"outcomes": _join(_outcomes(facts), tr), "threshold": tr.num(MIN_ALPHA, 2)}


# Rules of one shape, one row each.

class VerdictRule(NamedTuple):
    """A hypothesis rule that fires on one verdict; its sentence names the hypothesis only."""

    id: str
    theme: str
    priority: int
    verdict: str
    action: str  # the statement after "verdict <verdict>: "
    sroi_variant: bool = False  # variant ``with_sroi`` where the initiative has an SROI (fact ``has_sroi``)


class ShareRule(NamedTuple):
    """An initiative rule that fires when a share is below its threshold; both are written as percentages.

    Sentence parameters ``{share}`` and ``{threshold}``. With a ``label`` column (what the share is of), the
    variant is ``named`` (with ``{label}``) when the label is there and ``unnamed`` when not.
    """

    id: str
    theme: str
    priority: int
    column: str
    threshold: float
    action: str  # the statement after "<column> < <threshold>: "
    label: str | None = None


VERDICT_RULES: tuple[VerdictRule, ...] = (
    VerdictRule("revisit_theory_of_change", "impact_definition", 3, "contradicted",
                "revisit the assumed causal chain and ask participants why"),
    VerdictRule("add_comparison", "improvement", 11, "supported",
                "keep the measurement; consider a comparison group (with an SROI: substantiate its attribution)",
                sroi_variant=True),
)

SHARE_RULES: tuple[ShareRule, ...] = (
    ShareRule("baseline_at_intake", "data_collection", 4, "response_rate", MIN_BASELINE_RESPONSE,
              "take the baseline questionnaire at intake"),
    ShareRule("keep_in_touch_for_follow_up", "data_collection", 5, "retention", RETENTION_TARGET,
              "record contact consent at intake and plan the follow-up"),
    ShareRule("review_target_or_reach", "improvement", 10, "lowest_realisation", MIN_REALISATION,
              "review the output target or the approach meant to reach it", label="lowest_realisation_output"),
)


def _verdict_rule(row: VerdictRule) -> Rule:
    def condition(facts: Facts) -> bool:
        return _verdict(facts) == row.verdict

    def parameters(facts: Facts, tr: Translator) -> tuple[str, dict[str, str]]:
        variant = "with_sroi" if row.sroi_variant and _has_sroi(facts) else "text"
        return variant, {"hypothesis_id": str(facts["hypothesis_id"])}

    condition.__doc__ = f"{row.id}: verdict {row.verdict}."
    return Rule(id=row.id, theme=row.theme, priority=row.priority, scope="hypothesis",
                statement=f"verdict {row.verdict}: {row.action}", condition=condition, parameters=parameters,
                variants=("text", "with_sroi") if row.sroi_variant else ("text",))


def _has_sroi(facts: Facts) -> bool:
    """Whether the initiative has an SROI (fact ``has_sroi``; missing: no): only then do texts mention it."""
    value = facts.get("has_sroi")
    return value is not None and not pd.isna(value) and bool(value)


def _share_rule(row: ShareRule) -> Rule:
    def condition(facts: Facts) -> bool:
        share = _num(facts.get(row.column))
        return share is not None and share < row.threshold

    def parameters(facts: Facts, tr: Translator) -> tuple[str, dict[str, str]]:
        params = {"share": _share_against(_num(facts[row.column]), row.threshold, tr),
                  "threshold": tr.pct(row.threshold)}
        if row.label is None:
            return "text", params
        label = _text(facts.get(row.label))
        return ("named" if label else "unnamed"), {**params, "label": label or ""}

    condition.__doc__ = f"{row.id}: {row.column} < {row.threshold}."
    return Rule(id=row.id, theme=row.theme, priority=row.priority, scope="initiative",
                statement=f"{row.column} < {row.threshold}: {row.action}", condition=condition,
                parameters=parameters, variants=("text",) if row.label is None else ("named", "unnamed"))


RULES: tuple[Rule, ...] = tuple(sorted((
    Rule(
        id="fixed_follow_up_moment", theme="data_collection", priority=1, scope="hypothesis",
        statement=("verdict insufficient_data or n_pairs < min_pairs: plan a fixed follow-up moment and aim for "
                   f"target_pairs = {TARGET_PAIRS_FACTOR} × min_pairs pairs"),
        condition=too_few_pairs, parameters=_follow_up_params,
    ),
    Rule(
        id="check_the_measurement", theme="data_collection", priority=2, scope="hypothesis",
        statement=("verdict unreliable_measurement: say which wave's Cronbach's alpha was below min_reliability and "
                   "check the coding of the answers, the reversed items and the form's language and version"),
        condition=unreliable, parameters=_measurement_params, variants=("text", "no_alpha"),
    ),
    Rule(
        id="plan_sample_size", theme="analysis", priority=6, scope="hypothesis",
        statement=("verdict not_shown with fewer pairs than needed to see the programme's target_effect_dz (default "
                   "0.5) with 80% power at mde_alpha: impact.statistics.power.pairs_needed; Wilcoxon: divided by the "
                   "ARE 3/π; McNemar: no n. Never from the observed effect"),
        condition=underpowered_null, parameters=_sample_size_params, variants=TESTS,
    ),
    Rule(
        id="report_the_null_honestly", theme="reporting", priority=7, scope="hypothesis",
        statement=("verdict not_shown (finite mde): report that no change was shown, which is no proof of no effect, "
                   "with the MDE in the estimate's unit and the level it holds at"),
        condition=not_shown_with_mde, parameters=_null_params,
    ),
    Rule(
        id="review_scale_administration", theme="analysis", priority=8, scope="initiative",
        statement=f"an outcome with Cronbach's alpha < {MIN_ALPHA}: check how the questionnaire is administered",
        condition=unreliable_scales, parameters=_scale_params,
    ),
    Rule(
        id="check_before_dropping", theme="data_collection", priority=9, scope="initiative",
        statement=f"quarantined_rows / raw_rows > {MAX_QUARANTINE_SHARE}: `coaching check FILE` before adding a file",
        condition=many_quarantined, parameters=_quarantine_params, variants=("reason", "no_reason"),
    ),
    *map(_verdict_rule, VERDICT_RULES),
    *map(_share_rule, SHARE_RULES),
), key=lambda rule: rule.priority))

RULES_BY_ID: Mapping[str, Rule] = {r.id: r for r in RULES}

# Every catalogue key this module uses: the rules' sentences (built from rule id and variant, so checked
# here rather than by a scan for literal keys) and the shared words.
TEXT_KEYS: tuple[str, ...] = (
    *(key for rule in RULES for key in rule.keys),
    "recommendation.suppressed_count", "recommendation.list", "recommendation.unit.scale_points",
    "recommendation.unit.scale_points_one", "unit.percentage_points_one",
    "recommendation.alpha", "recommendation.after_holm", "recommendation.at_level", "recommendation.two_sided", "recommendation.one_sided",
    "unit.percentage_points", "reliability.value", "reliability.value_ci", "reliability.both", "reliability.alpha",
    "reliability.at_baseline", "reliability.at_follow_up",
    *(f"estimate_kind.{kind}" for kind in ("mean_difference", "pseudo_median", "difference_in_proportions")),
)


# -- applying the rules -----------------------------------------------------------------------------

def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(repr(x) for x in LANGUAGES)}; got {language!r}")


def _check_facts(facts: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in facts.columns]
    if missing:
        raise ValueError(f"facts lack the column(s) {', '.join(missing)}")
    verdicts = {v for v in facts["verdict"].map(_text) if v is not None}
    unknown = sorted(verdicts - set(VERDICTS))
    if unknown:
        raise ValueError(f"unknown verdict(s) {', '.join(map(repr, unknown))}; expected one of {', '.join(VERDICTS)}")


def _initiative_facts(rows: pd.DataFrame) -> dict[str, Any]:
    """One value per column: the first that is not missing, rows in hypothesis order.

    Values that belong together come from the same row: raw and quarantined rows with
    the most frequent reason, and the lowest realisation with its output's label.
    """
    records = rows.to_dict("records")

    def first(*columns: str) -> dict[str, Any]:
        return next((r for r in records if all(not _missing(r.get(c)) for c in columns)), {})

    out: dict[str, Any] = {}
    for column in ("response_rate", "retention", "low_reliability_outcomes"):
        out[column] = first(column).get(column)
    counts = first("raw_rows", "quarantined_rows")
    for column in ("raw_rows", "quarantined_rows", "top_quarantine_rule"):
        out[column] = counts.get(column)
    realisation = first("lowest_realisation")
    for column in ("lowest_realisation", "lowest_realisation_output"):
        out[column] = realisation.get(column)
    return out


def recommend(facts: pd.DataFrame, language: str = "nl", threshold: int = DISCLOSURE_THRESHOLD) -> pd.DataFrame:
    """The recommendations for next year: one row per rule that fires.

    Columns ``initiative_id, initiative_name, rule_id, theme, priority, text``,
    sorted by (initiative_id, priority, rule_id) and, for a hypothesis rule that
    fires for more than one hypothesis, by hypothesis_id. A number of participants below
    ``threshold`` (the disclosure threshold) is written as 'fewer than <threshold>'. Deterministic: the
    order of the rows in ``facts`` does not matter.
    """
    _check_language(language)
    _check_facts(facts)
    found: list[dict[str, Any]] = []
    frame = facts.assign(_initiative=facts["initiative_id"].astype(str), _hypothesis=facts["hypothesis_id"].astype(str),
                         _threshold=threshold)
    frame = frame.sort_values(["_initiative", "_hypothesis"], kind="mergesort")
    for initiative_id, rows in frame.groupby("_initiative", sort=True):
        names = [n for n in rows["initiative_name"].map(_text) if n is not None]
        name = names[0] if names else initiative_id
        primary = rows[rows["primary"].eq(True)]
        driving = primary if len(primary) else rows

        def add(rule: Rule, facts_: Facts, hypothesis: str) -> None:
            found.append({"initiative_id": initiative_id, "initiative_name": name, "rule_id": rule.id,
                          "theme": rule.theme, "priority": rule.priority, "text": rule.text(facts_, language),
                          "_hypothesis": hypothesis})

        initiative = _initiative_facts(rows)
        for rule in RULES:
            if rule.scope == "initiative":
                if rule.applies(initiative):
                    add(rule, initiative, "")
                continue
            for record in driving.to_dict("records"):
                if rule.applies(record):
                    add(rule, record, record["_hypothesis"])
    if not found:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "priority" else "object") for c in OUTPUT_COLUMNS})
    out = pd.DataFrame(found).sort_values(["initiative_id", "priority", "rule_id", "_hypothesis"], kind="mergesort")
    out["priority"] = out["priority"].astype("int64")
    return out[list(OUTPUT_COLUMNS)].reset_index(drop=True)


__all__ = [
    "LANGUAGES", "THEMES", "RULES", "RULES_BY_ID", "Rule", "recommend", "needed_pairs", "target_dz",
    "reason_words", "TEXT_KEYS", "VERDICT_RULES", "SHARE_RULES", "VerdictRule", "ShareRule",
    "TARGET_PAIRS_FACTOR", "POWER", "TARGET_EFFECT_DZ", "WILCOXON_ARE", "MIN_BASELINE_RESPONSE", "RETENTION_TARGET",
    "MAX_QUARANTINE_SHARE", "MIN_ALPHA", "MIN_REALISATION",
]
