"""Recommendations for next year, derived from the year's results by explicit rules.

The lessons-learned summary (docs/warehouse.md, ``reports/<year>/lessons_learned/``)
ends with recommendations for the next year. They are not written by hand: each
one comes from a small, named rule below that looks at the facts of one
initiative (its hypotheses' verdicts and counts, its response, retention,
quarantine, scale reliability and output realisation) and, when its condition
holds, fills in a message template in Dutch (default) or English.

Every rule has an ``id``, the coaching ``theme`` it belongs to (one of
:data:`THEMES`), a ``priority`` (1 = most important), a ``scope`` and a
``condition``; its thresholds are the module constants below.

Scope:

- ``hypothesis`` rules (``fixed_follow_up_moment``, ``plan_sample_size``,
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

The sample size of ``plan_sample_size`` comes from statsmodels
(``TTestPower.solve_power``, the noncentral-t power of the paired t-test, the
same function ``impact.statistics.power`` uses for the minimum detectable
effect); no power formula is written here.

Pure: pandas, statsmodels and the standard library; no Dagster, no warehouse.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.power import TTestPower

from impact.contracts.vocabulary import COACHING_THEMES
from impact.reporting.i18n import LANGUAGES as REPORT_LOCALES
from impact.statistics.verdicts import VERDICTS

LANGUAGES = tuple(REPORT_LOCALES)
THEMES = COACHING_THEMES
TESTS = ("paired_t", "wilcoxon", "mcnemar")  # the tests that run (``auto`` resolves to one of them)

# -- thresholds ---------------------------------------------------------------------------------
TARGET_PAIRS_FACTOR = 2  # fixed_follow_up_moment: aim for this many times the minimum number of pairs
POWER = 0.80  # plan_sample_size: the power the needed number of pairs is computed for (two-sided)
# plan_sample_size, Wilcoxon: the asymptotic relative efficiency of the Wilcoxon signed-rank test to
# the t test when the differences are normal is 3/π ≈ 0.955 (Hodges & Lehmann 1956, "The efficiency
# of some nonparametric competitors of the t-test", Ann. Math. Statist. 27: 324-335; Lehmann 1975,
# Nonparametrics, ch. 4): the signed-rank test needs about n_t / (3/π) pairs where the t test needs n_t.
WILCOXON_ARE = 3 / math.pi
MIN_RESPONSE_RATE = 0.60  # baseline_at_intake: share of registered participants with a baseline
MIN_RETENTION = 0.70  # keep_in_touch_for_follow_up: share of baseline respondents with a follow-up
MAX_QUARANTINE_SHARE = 0.01  # check_before_dropping: share of raw rows set aside
MIN_RELIABILITY = 0.70  # review_scale_administration: Cronbach's alpha below which an outcome is listed
MIN_REALISATION = 0.80  # review_target_or_reach: realised share of a Theory-of-Change output target
DISCLOSURE_THRESHOLD = 10  # counts of people below this are written as "fewer than 10"

OUTPUT_COLUMNS = ("initiative_id", "initiative_name", "rule_id", "theme", "priority", "text")
REQUIRED_COLUMNS = (
    "initiative_id", "initiative_name", "hypothesis_id", "primary", "verdict", "test",
    "n_baseline", "n_follow_up", "n_pairs", "min_pairs", "alpha", "mean_difference", "effect_size",
    "effect_size_kind", "mde", "response_rate", "retention", "raw_rows", "quarantined_rows",
    "top_quarantine_rule", "low_reliability_outcomes", "lowest_realisation", "lowest_realisation_output",
)
# Optional: ``alternative`` ('two-sided' | 'greater' | 'less', the hypothesis's), used only to read the
# observed d_z of a Wilcoxon hypothesis back from its minimum detectable effect; two-sided if absent.

# Quarantine and refusal rule ids (impact.contracts, impact.ingest) in words: the reports' catalogue
# (``impact/reporting/locale/<language>.yaml``, ``quarantine_rule.*``); an unknown id is shown as is.

_WORDS: Mapping[str, Mapping[str, str]] = {
    "nl": {"and": "en", "scale_points": "schaalpunt",
           "percentage_points": "procentpunt"},
    "en": {"and": "and", "scale_points": "scale points",
           "percentage_points": "percentage points"},
}


# -- the rule object ----------------------------------------------------------------------------

Facts = Mapping[str, Any]


@dataclass(frozen=True)
class Rule:
    """One recommendation rule.

    ``condition(facts)`` says whether it fires; ``parameters(facts, language)``
    gives the template variant and its named, already formatted parameters;
    ``templates[variant][language]`` is filled in with ``str.format``.
    """

    id: str
    theme: str
    priority: int
    scope: str  # "hypothesis" | "initiative"
    statement: str  # the rule in words (English), for the documentation and the report's appendix
    condition: Callable[[Facts], bool]
    parameters: Callable[[Facts, str], tuple[str, dict[str, str]]]
    templates: Mapping[str, Mapping[str, str]] = field(repr=False)

    def applies(self, facts: Facts) -> bool:
        return bool(self.condition(facts))

    def text(self, facts: Facts, language: str = "nl") -> str:
        _check_language(language)
        variant, params = self.parameters(facts, language)
        return self.templates[variant][language].format(**params)


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


# -- formatting numbers for the language --------------------------------------------------------

def _swap(text: str, language: str) -> str:
    """Python's 1,234.5 as Dutch 1.234,5."""
    return text.translate(str.maketrans({",": ".", ".": ","})) if language == "nl" else text


def format_number(value: float, language: str, decimals: int = 2, signed: bool = False) -> str:
    """``value`` with ``decimals`` decimals and thousands separators (nl: 1.234,56; en: 1,234.56)."""
    return _swap(f"{value:{'+' if signed else ''},.{decimals}f}", language)


def format_integer(value: float, language: str) -> str:
    return format_number(round(value), language, 0)


def format_people(value: float | None, facts: "Facts", language: str) -> str:
    """A number of people, or 'minder dan 10' / 'fewer than 10' below the disclosure threshold."""
    threshold = int(_num(facts.get("_threshold")) or DISCLOSURE_THRESHOLD)
    if value is None:  # hidden by disclosure control upstream
        return "een afgeschermd aantal" if language == "nl" else "a suppressed number of"
    if 0 < value < threshold:
        return ("minder dan " if language == "nl" else "fewer than ") + format_integer(threshold, language)
    return format_integer(value, language)


def format_alpha(value: float, language: str) -> str:
    """A significance level as written (0.05, 0.025): no fixed decimals."""
    return _swap(f"{value:g}", language)


def format_percent(share: float, language: str, decimals: int = 0) -> str:
    """A share as a percentage, e.g. 0.56 → '56%' (both languages; nl 0.565 → '56,5%' with one decimal)."""
    return format_number(share * 100, language, decimals) + "%"


def format_share_against(share: float, threshold: float, language: str) -> str:
    """A share as a whole percentage, with as many decimals (up to 3) as needed to differ from the threshold.

    A retention of 0.695 against 0.70 is shown as '69,5%', not as '70%' (which would read as on target).
    """
    decimals = 0
    while decimals < 3 and round(share * 100, decimals) == round(threshold * 100, decimals):
        decimals += 1
    return format_percent(share, language, decimals)


def _join(items: list[str], language: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {_WORDS[language]['and']} " + items[-1]


def _amount(value: float, facts: Facts, language: str, signed: bool = False) -> str:
    """A difference or MDE in the outcome's unit: percentage points for McNemar, scale points otherwise."""
    if _text(facts.get("test")) == "mcnemar":
        return format_number(value * 100, language, 0, signed) + " " + _WORDS[language]["percentage_points"]
    return format_number(value, language, 2, signed) + " " + _WORDS[language]["scale_points"]


# -- power: statsmodels only ----------------------------------------------------------------------

def _solve(**kwargs: Any) -> float | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = TTestPower().solve_power(**kwargs)
    except (ValueError, RuntimeError, ZeroDivisionError, FloatingPointError, OverflowError):
        return None
    value = _num(np.squeeze(np.asarray(value, dtype=float)))
    return value if value is not None and value > 0 else None


def observed_dz(facts: Facts) -> float | None:
    """The observed |d_z| the needed number of pairs is computed for.

    ``paired_t``: the reported effect size (Cohen's d_z). ``wilcoxon``: the
    effect size reported there is the rank-biserial r, so d_z is read back from
    the minimum detectable effect, which is d_z,mde × SD(differences) with
    d_z,mde the paired t-test's for this n (``impact.statistics.power``):
    d_z = |mean difference| × d_z,mde / mde. None when a fact is missing.
    """
    test = _text(facts.get("test"))
    if test == "paired_t":
        d = _num(facts.get("effect_size"))
        return abs(d) if d is not None and d != 0 else None
    if test == "wilcoxon":
        diff, mde, n, alpha = (_num(facts.get(k)) for k in ("mean_difference", "mde", "n_pairs", "alpha"))
        if diff is None or mde is None or mde <= 0 or n is None or n < 2 or alpha is None or not 0 < alpha < 1:
            return None
        tail = {"greater": "larger", "less": "larger"}.get(_text(facts.get("alternative")) or "", "two-sided")
        mde_dz = _solve(effect_size=None, nobs=n, alpha=alpha, power=POWER, alternative=tail)
        if mde_dz is None or diff == 0:
            return None
        return abs(diff) * mde_dz / mde
    return None


def needed_pairs(facts: Facts) -> tuple[int, int] | None:
    """(pairs for the paired t-test, pairs for the hypothesis's test) at 80% power, two-sided, or None.

    ``TTestPower().solve_power(effect_size=|d_z|, alpha=alpha, power=0.8,
    alternative='two-sided')`` rounded up; for Wilcoxon the t-test's n divided
    by the ARE 3/π, rounded up.
    """
    alpha = _num(facts.get("alpha"))
    d = observed_dz(facts)
    if d is None or alpha is None or not 0 < alpha < 1:
        return None
    n_t = _solve(effect_size=d, nobs=None, alpha=alpha, power=POWER, alternative="two-sided")
    if n_t is None:
        return None
    if _text(facts.get("test")) == "wilcoxon":
        return math.ceil(n_t), math.ceil(n_t / WILCOXON_ARE)
    return math.ceil(n_t), math.ceil(n_t)


# -- the rules --------------------------------------------------------------------------------------
# Hypothesis rules: facts are one row of ``facts``.

def too_few_pairs(facts: Facts) -> bool:
    """fixed_follow_up_moment: verdict insufficient_data (with min_pairs known; the number of pairs may be
    hidden by disclosure control), or n_pairs < min_pairs (both counts known)."""
    n, minimum = _num(facts.get("n_pairs")), _num(facts.get("min_pairs"))
    if minimum is None:
        return False
    return _verdict(facts) == "insufficient_data" or (n is not None and n < minimum)


def _follow_up_params(facts: Facts, language: str) -> tuple[str, dict[str, str]]:
    minimum = _num(facts["min_pairs"])
    return "default", {
        "hypothesis_id": str(facts["hypothesis_id"]),
        "n_pairs": format_people(_num(facts["n_pairs"]), facts, language),
        "min_pairs": format_integer(minimum, language),
        "target_pairs": format_integer(TARGET_PAIRS_FACTOR * minimum, language),
    }


def underpowered_null(facts: Facts) -> bool:
    """plan_sample_size: verdict not_shown, finite mde, |mean_difference| < mde, and a computable n
    (paired_t, wilcoxon) or a McNemar test (a message without n)."""
    if _verdict(facts) != "not_shown":
        return False
    diff, mde, n = _num(facts.get("mean_difference")), _num(facts.get("mde")), _num(facts.get("n_pairs"))
    if diff is None or mde is None or n is None or not abs(diff) < mde:
        return False
    test = _text(facts.get("test"))
    if test == "mcnemar":
        return True
    return test in ("paired_t", "wilcoxon") and needed_pairs(facts) is not None


def _sample_size_params(facts: Facts, language: str) -> tuple[str, dict[str, str]]:
    test = _text(facts.get("test"))
    params = {
        "hypothesis_id": str(facts["hypothesis_id"]),
        "n_pairs": format_people(_num(facts["n_pairs"]), facts, language),
        "difference": _amount(_num(facts["mean_difference"]), facts, language, signed=True),
        "mde": _amount(_num(facts["mde"]), facts, language),
    }
    if test == "mcnemar":
        return "mcnemar", params
    n_t, n = needed_pairs(facts)
    params.update(
        d_z=format_number(observed_dz(facts), language, 2),
        alpha=format_alpha(_num(facts["alpha"]), language),
        power=format_percent(POWER, language),
        needed_pairs=format_integer(n, language),
        t_pairs=format_integer(n_t, language),
        are=format_number(WILCOXON_ARE, language, 3),
    )
    return test, params


def contradicted(facts: Facts) -> bool:
    """revisit_theory_of_change: verdict contradicted."""
    return _verdict(facts) == "contradicted"


def supported(facts: Facts) -> bool:
    """add_comparison: verdict supported."""
    return _verdict(facts) == "supported"


def _hypothesis_only(facts: Facts, language: str) -> tuple[str, dict[str, str]]:
    return "default", {"hypothesis_id": str(facts["hypothesis_id"])}


def not_shown_with_mde(facts: Facts) -> bool:
    """report_the_null_honestly: verdict not_shown with a finite mde (the number the text reports)."""
    mde, n = _num(facts.get("mde")), _num(facts.get("n_pairs"))
    return _verdict(facts) == "not_shown" and mde is not None and mde > 0 and n is not None


def _null_params(facts: Facts, language: str) -> tuple[str, dict[str, str]]:
    return "default", {
        "hypothesis_id": str(facts["hypothesis_id"]),
        "n_pairs": format_people(_num(facts["n_pairs"]), facts, language),
        "mde": _amount(_num(facts["mde"]), facts, language),
        "power": format_percent(POWER, language),
    }


# Initiative rules: facts are the initiative's facts (first non-missing value per column).

def low_response(facts: Facts) -> bool:
    """baseline_at_intake: response_rate < MIN_RESPONSE_RATE."""
    rate = _num(facts.get("response_rate"))
    return rate is not None and rate < MIN_RESPONSE_RATE


def _response_params(facts: Facts, language: str) -> tuple[str, dict[str, str]]:
    return "default", {
        "response_rate": format_share_against(_num(facts["response_rate"]), MIN_RESPONSE_RATE, language),
        "threshold": format_percent(MIN_RESPONSE_RATE, language),
    }


def low_retention(facts: Facts) -> bool:
    """keep_in_touch_for_follow_up: retention < MIN_RETENTION."""
    retention = _num(facts.get("retention"))
    return retention is not None and retention < MIN_RETENTION


def _retention_params(facts: Facts, language: str) -> tuple[str, dict[str, str]]:
    return "default", {
        "retention": format_share_against(_num(facts["retention"]), MIN_RETENTION, language),
        "threshold": format_percent(MIN_RETENTION, language),
    }


def many_quarantined(facts: Facts) -> bool:
    """check_before_dropping: quarantined_rows / raw_rows > MAX_QUARANTINE_SHARE (raw_rows > 0)."""
    raw, quarantined = _num(facts.get("raw_rows")), _num(facts.get("quarantined_rows"))
    return raw is not None and raw > 0 and quarantined is not None and quarantined / raw > MAX_QUARANTINE_SHARE


def reason_words(rule_id: str, language: str) -> str:
    """A quarantine rule id in words; an unknown id as it is."""
    from impact.reporting.i18n import catalogue

    return catalogue(language).get(f"quarantine_rule.{rule_id}", rule_id)


def _quarantine_params(facts: Facts, language: str) -> tuple[str, dict[str, str]]:
    raw, quarantined = _num(facts["raw_rows"]), _num(facts["quarantined_rows"])
    reason = _text(facts.get("top_quarantine_rule"))
    return ("reason" if reason else "no_reason"), {
        "quarantined_rows": format_integer(quarantined, language),
        "raw_rows": format_integer(raw, language),
        "share": format_share_against(quarantined / raw, MAX_QUARANTINE_SHARE, language),
        "reason": reason_words(reason, language) if reason else "",
    }


def _outcomes(facts: Facts) -> list[str]:
    text = _text(facts.get("low_reliability_outcomes"))
    return [part.strip() for part in text.split(",") if part.strip()] if text else []


def unreliable_scales(facts: Facts) -> bool:
    """review_scale_administration: at least one outcome listed in low_reliability_outcomes."""
    return bool(_outcomes(facts))


def _scale_params(facts: Facts, language: str) -> tuple[str, dict[str, str]]:
    return "default", {
        "outcomes": _join(_outcomes(facts), language),
        "threshold": format_number(MIN_RELIABILITY, language, 2),
    }


def target_missed(facts: Facts) -> bool:
    """review_target_or_reach: lowest_realisation < MIN_REALISATION."""
    realisation = _num(facts.get("lowest_realisation"))
    return realisation is not None and realisation < MIN_REALISATION


def _target_params(facts: Facts, language: str) -> tuple[str, dict[str, str]]:
    output = _text(facts.get("lowest_realisation_output"))
    return ("named" if output else "unnamed"), {
        "output": output or "",
        "realisation": format_share_against(_num(facts["lowest_realisation"]), MIN_REALISATION, language),
        "threshold": format_percent(MIN_REALISATION, language),
    }


RULES: tuple[Rule, ...] = (
    Rule(
        id="fixed_follow_up_moment", theme="data_collection", priority=1, scope="hypothesis",
        statement=("verdict insufficient_data or n_pairs < min_pairs: plan a fixed follow-up moment and aim for "
              f"target_pairs = {TARGET_PAIRS_FACTOR} × min_pairs pairs"),
        condition=too_few_pairs, parameters=_follow_up_params,
        templates={"default": {
            "nl": ("{hypothesis_id}: {n_pairs} deelnemers vulden zowel de voor- als de nameting in; voor een toets "
                   "zijn er minstens {min_pairs} nodig. Plan volgend jaar een vast nameetmoment, bijvoorbeeld in de "
                   "laatste coachingsessie of een vast aantal weken na de intake, en streef naar minstens "
                   "{target_pairs} paren (twee keer het minimum)."),
            "en": ("{hypothesis_id}: {n_pairs} participants answered both the baseline and the follow-up; a test "
                   "needs at least {min_pairs}. Next year, plan a fixed follow-up moment, for example in the last "
                   "coaching session or a fixed number of weeks after intake, and aim for at least {target_pairs} "
                   "pairs (twice the minimum)."),
        }},
    ),
    Rule(
        id="revisit_theory_of_change", theme="impact_definition", priority=2, scope="hypothesis",
        statement="verdict contradicted: revisit the assumed causal chain and ask participants why",
        condition=contradicted, parameters=_hypothesis_only,
        templates={"default": {
            "nl": ("{hypothesis_id}: de verandering ging de andere kant op dan verwacht. Bespreek met deelnemers "
                   "hoe dat komt, en herzie de veronderstelde oorzaak-gevolgketen in de Theory of Change."),
            "en": ("{hypothesis_id}: the change went the other way than expected. Talk to participants about why, "
                   "and revisit the assumed causal chain in the Theory of Change."),
        }},
    ),
    Rule(
        id="baseline_at_intake", theme="data_collection", priority=3, scope="initiative",
        statement=f"response_rate < {MIN_RESPONSE_RATE}: take the baseline questionnaire at intake",
        condition=low_response, parameters=_response_params,
        templates={"default": {
            "nl": ("{response_rate} van de aangemelde deelnemers vulde de voormeting in (minder dan {threshold}). "
                   "Neem de voormeting af bij de intake, voordat de eerste activiteit begint."),
            "en": ("{response_rate} of the registered participants answered the baseline questionnaire (below "
                   "{threshold}). Take the baseline questionnaire at intake, before the first activity."),
        }},
    ),
    Rule(
        id="keep_in_touch_for_follow_up", theme="data_collection", priority=4, scope="initiative",
        statement=f"retention < {MIN_RETENTION}: record contact consent at intake and plan the follow-up",
        condition=low_retention, parameters=_retention_params,
        templates={"default": {
            "nl": ("{retention} van wie de voormeting invulde, vulde ook de nameting in (minder dan {threshold}). "
                   "Vraag bij de intake toestemming om contact te houden, noteer hoe deelnemers bereikbaar zijn en "
                   "plan de nameting meteen in."),
            "en": ("{retention} of the baseline respondents also answered the follow-up (below {threshold}). At "
                   "intake, record consent to stay in touch and how participants can be reached, and schedule the "
                   "follow-up straight away."),
        }},
    ),
    Rule(
        id="plan_sample_size", theme="analysis", priority=5, scope="hypothesis",
        statement=("verdict not_shown and |mean_difference| < mde: the pairs needed for 80% power (two-sided) at the "
              "observed d_z, from statsmodels TTestPower; Wilcoxon: divided by the ARE 3/π; McNemar: no n"),
        condition=underpowered_null, parameters=_sample_size_params,
        templates={
            "paired_t": {
                "nl": ("{hypothesis_id}: het gevonden verschil ({difference}) is kleiner dan wat met {n_pairs} paren "
                       "aantoonbaar was ({mde}). Om een effect van deze omvang (d_z = {d_z}) met {power} kans aan "
                       "te tonen (tweezijdig, alfa {alpha}) zijn {needed_pairs} paren nodig. Plan de werving "
                       "daarop, of bespreek of een effect van deze omvang de moeite waard is."),
                "en": ("{hypothesis_id}: the difference found ({difference}) is smaller than what {n_pairs} pairs "
                       "could detect ({mde}). Detecting an effect of this size (d_z = {d_z}) with {power} power "
                       "(two-sided, alpha {alpha}) takes {needed_pairs} pairs. Plan recruitment for that, or discuss "
                       "whether an effect this small is worth it."),
            },
            "wilcoxon": {
                "nl": ("{hypothesis_id}: het gevonden verschil ({difference}) is kleiner dan wat met {n_pairs} paren "
                       "aantoonbaar was ({mde}). Om een effect van deze omvang (d_z = {d_z}) met {power} kans aan "
                       "te tonen (tweezijdig, alfa {alpha}) zijn voor de Wilcoxon-toets ongeveer {needed_pairs} "
                       "paren nodig ({t_pairs} voor de gepaarde t-toets, gedeeld door de asymptotische relatieve "
                       "efficiëntie 3/π ≈ {are}). Plan de werving daarop, of bespreek of een effect van deze "
                       "omvang de moeite waard is."),
                "en": ("{hypothesis_id}: the difference found ({difference}) is smaller than what {n_pairs} pairs "
                       "could detect ({mde}). Detecting an effect of this size (d_z = {d_z}) with {power} power "
                       "(two-sided, alpha {alpha}) takes about {needed_pairs} pairs for the Wilcoxon test "
                       "({t_pairs} for the paired t-test, divided by the asymptotic relative efficiency "
                       "3/π ≈ {are}). Plan recruitment for that, or discuss whether an effect this small is "
                       "worth it."),
            },
            "mcnemar": {
                "nl": ("{hypothesis_id}: het gevonden verschil ({difference}) is kleiner dan wat met {n_pairs} paren "
                       "aantoonbaar was ({mde}). Bij een ja/nee-uitkomst hangt de kans om een verandering aan te "
                       "tonen af van hoeveel deelnemers van categorie wisselen: plan duidelijk meer paren dan dit "
                       "jaar, of toets de volledige score in plaats van een ja/nee-indeling."),
                "en": ("{hypothesis_id}: the difference found ({difference}) is smaller than what {n_pairs} pairs "
                       "could detect ({mde}). With a yes/no outcome the power depends on how many participants "
                       "change category: plan clearly more pairs than this year, or test the full score instead of "
                       "a yes/no split."),
            },
        },
    ),
    Rule(
        id="report_the_null_honestly", theme="reporting", priority=6, scope="hypothesis",
        statement="verdict not_shown (finite mde): report that no change was shown, which is no proof of no effect",
        condition=not_shown_with_mde, parameters=_null_params,
        templates={"default": {
            "nl": ("{hypothesis_id}: rapporteer dat er geen verandering is aangetoond, en dat dit geen bewijs is dat "
                   "er geen effect is: met {n_pairs} paren was alleen een verschil van minstens {mde} met {power} "
                   "kans aantoonbaar."),
            "en": ("{hypothesis_id}: report that no change was shown, and that this is not proof that there is no "
                   "effect: with {n_pairs} pairs only a difference of at least {mde} could be detected with "
                   "{power} power."),
        }},
    ),
    Rule(
        id="review_scale_administration", theme="analysis", priority=7, scope="initiative",
        statement=f"an outcome with Cronbach's alpha < {MIN_RELIABILITY}: check how the questionnaire is administered",
        condition=unreliable_scales, parameters=_scale_params,
        templates={"default": {
            "nl": ("De betrouwbaarheid (Cronbachs alfa) van {outcomes} lag onder {threshold}. Ga na hoe de "
                   "vragenlijst wordt afgenomen: wordt hij voorgelezen, en worden de omgekeerd gestelde vragen "
                   "goed begrepen en goed gescoord?"),
            "en": ("The reliability (Cronbach's alpha) of {outcomes} was below {threshold}. Check how the "
                   "questionnaire is administered: is it read aloud, and are the reversed items understood and "
                   "scored correctly?"),
        }},
    ),
    Rule(
        id="check_before_dropping", theme="data_collection", priority=8, scope="initiative",
        statement=f"quarantined_rows / raw_rows > {MAX_QUARANTINE_SHARE}: `coaching check FILE` before adding a file",
        condition=many_quarantined, parameters=_quarantine_params,
        templates={
            "reason": {
                "nl": ("{quarantined_rows} van de {raw_rows} aangeleverde rijen ({share}) zijn apart gezet; de meest "
                       "voorkomende reden: {reason}. Controleer een bestand met `coaching check BESTAND` voordat u "
                       "het toevoegt."),
                "en": ("{quarantined_rows} of the {raw_rows} rows delivered ({share}) were set aside; the most "
                       "frequent reason: {reason}. Check a file with `coaching check FILE` before adding it."),
            },
            "no_reason": {
                "nl": ("{quarantined_rows} van de {raw_rows} aangeleverde rijen ({share}) zijn apart gezet. "
                       "Controleer een bestand met `coaching check BESTAND` voordat u het toevoegt."),
                "en": ("{quarantined_rows} of the {raw_rows} rows delivered ({share}) were set aside. Check a file "
                       "with `coaching check FILE` before adding it."),
            },
        },
    ),
    Rule(
        id="review_target_or_reach", theme="improvement", priority=9, scope="initiative",
        statement=f"lowest_realisation < {MIN_REALISATION}: review the output target or how participants are reached",
        condition=target_missed, parameters=_target_params,
        templates={
            "named": {
                "nl": ("Van het outputdoel '{output}' is {realisation} gerealiseerd (minder dan {threshold}). "
                       "Herzie het doel, of de manier waarop deelnemers worden bereikt."),
                "en": ("Only {realisation} of the output target '{output}' was realised (below {threshold}). Review "
                       "the target, or how participants are reached."),
            },
            "unnamed": {
                "nl": ("Van het minst gerealiseerde outputdoel is {realisation} gerealiseerd (minder dan "
                       "{threshold}). Herzie het doel, of de manier waarop deelnemers worden bereikt."),
                "en": ("Only {realisation} of the least realised output target was realised (below {threshold}). "
                       "Review the target, or how participants are reached."),
            },
        },
    ),
    Rule(
        id="add_comparison", theme="improvement", priority=10, scope="hypothesis",
        statement="verdict supported: keep the measurement; consider a comparison group or the SROI attribution",
        condition=supported, parameters=_hypothesis_only,
        templates={"default": {
            "nl": ("{hypothesis_id}: de verwachte verandering is aangetoond; houd de meting zoals ze is. Een voor- en "
                   "nameting kan de verandering niet aan het initiatief toeschrijven: overweeg een vergelijkingsgroep, "
                   "of onderbouw de attributie-aanname in de SROI."),
            "en": ("{hypothesis_id}: the expected change was shown; keep the measurement as it is. A pre/post design "
                   "cannot attribute the change to the initiative: consider a comparison group, or substantiate the "
                   "attribution assumption in the SROI."),
        }},
    ),
)

RULES_BY_ID: Mapping[str, Rule] = {r.id: r for r in RULES}


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
    "LANGUAGES", "THEMES", "RULES", "RULES_BY_ID", "Rule", "recommend", "needed_pairs", "observed_dz",
    "reason_words", "format_number", "format_percent", "format_share_against",
    "TARGET_PAIRS_FACTOR", "POWER", "WILCOXON_ARE", "MIN_RESPONSE_RATE", "MIN_RETENTION",
    "MAX_QUARANTINE_SHARE", "MIN_RELIABILITY", "MIN_REALISATION",
]
