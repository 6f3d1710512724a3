"""Attrition: did the people lost to follow-up differ at baseline from those who stayed?

A pre/post result only speaks for the people measured twice. This compares the
baseline scores of the two groups with Welch's t-test (unequal variances;
``scipy.stats.ttest_ind(equal_var=False)``) and writes one sentence for the
report. Disclosure control (groups below the threshold) is the caller's job.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class AttritionResult:
    """Baseline comparison of those with and without a follow-up measurement.

    ``difference`` is mean(lost) − mean(followed up); ``statistic``, ``df`` and
    ``p_value`` are Welch's t-test of that difference (NaN when a group has
    fewer than 2 people or neither group varies).
    """

    n_with_follow_up: int
    n_without_follow_up: int
    mean_with_follow_up: float
    mean_without_follow_up: float
    difference: float
    statistic: float
    df: float
    p_value: float
    note: str


def format_p(p: float, decimal: str = ".") -> str:
    """p as a report prints it: "p < 0.001", "p = 0.004", "p = 0.04", "p = 0.31"."""
    if p is None or math.isnan(p):
        return "p not available"
    if p < 0.001:
        text = "p < 0.001"
    elif p < 0.01:
        text = f"p = {p:.3f}"
    else:
        text = f"p = {p:.2f}"
    return text.replace(".", decimal)


def attrition_check(baseline_with_follow_up, baseline_without, unit: str = "points",
                    language: str = "en") -> AttritionResult:
    """Compare baseline scores of those followed up and those lost to follow-up.

    Both arguments are baseline scores (NaN is ignored). ``note`` is one
    sentence for the report, e.g. "Those lost to follow-up (n = 8) scored 1.2
    points higher at baseline than those followed up (n = 30; Welch p = 0.04)."
    ``language="nl"`` gives the Dutch sentence (decimal comma).
    """
    if language not in ("en", "nl"):
        raise ValueError(f"language must be 'en' or 'nl', got {language!r}")
    stayed = np.asarray(baseline_with_follow_up, dtype=float)
    lost = np.asarray(baseline_without, dtype=float)
    stayed, lost = stayed[~np.isnan(stayed)], lost[~np.isnan(lost)]
    n_stayed, n_lost = int(stayed.size), int(lost.size)
    mean_stayed = float(stayed.mean()) if n_stayed else math.nan
    mean_lost = float(lost.mean()) if n_lost else math.nan
    difference = mean_lost - mean_stayed
    statistic = df = p_value = math.nan
    if n_stayed >= 2 and n_lost >= 2 and (stayed.std() > 0 or lost.std() > 0):
        res = stats.ttest_ind(lost, stayed, equal_var=False)
        statistic, df, p_value = float(res.statistic), float(res.df), float(res.pvalue)

    note = _note(n_stayed, n_lost, difference, p_value, unit, language)
    return AttritionResult(
        n_with_follow_up=n_stayed, n_without_follow_up=n_lost, mean_with_follow_up=mean_stayed,
        mean_without_follow_up=mean_lost, difference=difference, statistic=statistic, df=df,
        p_value=p_value, note=note,
    )


def _note(n_stayed: int, n_lost: int, difference: float, p_value: float, unit: str, language: str) -> str:
    dec = "," if language == "nl" else "."
    if n_lost == 0:
        return ("Nobody was lost to follow-up." if language == "en"
                else "Niemand viel uit tussen voor- en nameting.")
    if n_stayed == 0:
        return ("Nobody was measured at follow-up." if language == "en"
                else "Niemand werd bij de nameting gemeten.")
    if math.isnan(p_value):
        return (f"{n_lost} of {n_stayed + n_lost} baseline respondents were lost to follow-up; their baseline "
                f"scores cannot be compared (a Welch test needs at least 2 people per group and some spread)."
                if language == "en" else
                f"{n_lost} van de {n_stayed + n_lost} deelnemers aan de voormeting vielen uit; hun scores bij de "
                f"voormeting zijn niet te vergelijken (daarvoor zijn minstens 2 mensen per groep en spreiding nodig).")
    size = f"{abs(difference):.1f}".replace(".", dec)
    p_text = format_p(p_value, dec)
    if size in ("0.0", "0,0"):
        return (f"Those lost to follow-up (n = {n_lost}) scored about the same at baseline as those followed up "
                f"(n = {n_stayed}; Welch {p_text})." if language == "en" else
                f"Wie uitviel (n = {n_lost}) scoorde bij de voormeting ongeveer gelijk aan wie bleef "
                f"(n = {n_stayed}; Welch {p_text}).")
    if language == "en":
        direction = "higher" if difference > 0 else "lower"
        return (f"Those lost to follow-up (n = {n_lost}) scored {size} {unit} {direction} at baseline than those "
                f"followed up (n = {n_stayed}; Welch {p_text}).")
    direction = "hoger" if difference > 0 else "lager"
    unit_nl = "punten" if unit == "points" else unit
    return (f"Wie uitviel (n = {n_lost}) scoorde bij de voormeting {size} {unit_nl} {direction} dan wie bleef "
            f"(n = {n_stayed}; Welch {p_text}).")
