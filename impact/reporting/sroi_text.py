"""The SROI in words, for the yearly report's SROI chapter and summary and the programme overview's SROI cell.

Every sentence is built from the *published* (disclosure-controlled) SROI tables of
:func:`impact.reporting.tables.initiative_figures` and, where a figure is hidden, from the published cells
only (``InitiativeFigures.cells``), so that a sentence cannot say more than the tables:

- :func:`ratio_text` prints a ratio with as many decimals as show which side of 1 it is on (0,995 is never
  "1,00"), and :func:`ratio_sentence` says in words when the value is below the inputs;
- :func:`tipping_text` prints a tipping point with one or two more decimals where it would otherwise read the
  same as the assumption it is the tipping point of (at break-even every assumption is almost one);
- :func:`not_computed_sentence` says *why* a ratio is not computed: which count it rests on is hidden and why,
  that the inputs are missing, or that the data give no pairs;
- :func:`masked_range` is the ratio over every value the one hidden count can take (1 to threshold − 1, as a
  count hidden for resting on fewer than the threshold's people is never 0): it rests on the published counts
  and the threshold only, so it cannot give the hidden count back;
- :func:`non_respondents_sentence` says how many participants without both measurements count as 0 and what the
  ratio would be at the measured net rate.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from impact.language import Translator
from impact.reporting.tables import InitiativeFigures, hidden_reasons

#: At most this many decimals to show which side of 1 a ratio is on, or how a tipping point differs.
MOST_DIGITS = 4
SHARES = ("deadweight", "displacement", "attribution", "drop_off")


def _shown(text: str, tr: Translator) -> float:
    """The value a formatted number shows (its grouping and decimal marks undone)."""
    group, mark = (".", ",") if tr.language == "nl" else (",", ".")
    return float(text.replace(group, "").replace(mark, ".").replace("−", "-").rstrip("%"))


def ratio_digits(ratio: float, tr: Translator, digits: int = 2) -> int:
    """Decimals enough that the printed ratio is on the same side of 1 as the ratio itself (2 at least)."""
    if ratio is None or not math.isfinite(float(ratio)) or float(ratio) == 1.0:
        return digits
    below = float(ratio) < 1
    while digits < MOST_DIGITS:
        shown = _shown(tr.num(ratio, digits), tr)
        if (shown < 1) == below and shown != 1:
            break
        digits += 1
    return digits


def ratio_text(ratio: float, tr: Translator) -> str:
    """'1,56'; '0,995' for a ratio just below 1 (never '1,00'); '–' when missing."""
    return tr.num(ratio, ratio_digits(ratio, tr))


def ratio_sentence(summary: pd.Series, tr: Translator) -> str:
    """The chapter's first sentence: what a euro yields, the value against the inputs (in words when it is
    below them), the range, and at break-even that every assumption is almost a tipping point."""
    ratio = float(summary["ratio"])
    values = {"ratio": ratio_text(ratio, tr), "low": ratio_text(summary["ratio_low"], tr),
              "high": ratio_text(summary["ratio_high"], tr), "inputs": tr.num(summary["inputs_eur"], 0),
              "pv": tr.num(summary["present_value"], 0)}
    if ratio < 1:
        values["less"] = tr.t("sroi.less_slightly" if ratio >= 0.95 else "sroi.less")
        text = tr.t("sroi.ratio_sentence_below", **values)
    else:
        text = tr.t("sroi.ratio_sentence", **values)
    if break_even(ratio):
        text += " " + tr.t("sroi.break_even")
    return text


def break_even(ratio: float) -> bool:
    """Whether a ratio reads 1,00 at two decimals: within a rounding of 1:1."""
    return math.isfinite(ratio) and abs(ratio - 1) < 0.005


def mid_sentence(label: str) -> str:
    """An outcome's name mid-sentence: lower case ('eenzaamheid'), an abbreviation as it is ('ZRM')."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _plain(name: str, value: float, tr: Translator, extra: int = 0) -> str:
    if name in SHARES:
        return tr.pct(value, extra)
    if name == "non_respondents":
        return tr.num(value, 1 + extra)
    return tr.num(value, extra)


def assumption_text(name: str, value: float, tr: Translator) -> str:
    """A value of an SROI assumption as the sensitivity table shows it: shares as percentages, the net number
    of participants not measured to one decimal (a tipping point of 0,23 person is not '0'), euros and
    quantities whole."""
    return _plain(name, value, tr)


def tipping_text(name: str, declared: float, tipping: float, tr: Translator, extra: int = 0) -> str:
    """A tipping point, with one or two decimals more than the assumption where it would otherwise print the
    same ('30%' and '29,7%', '46' and '46,2'): a tipping point that reads as the assumption says nothing.
    ``extra``: decimals more in any case (one at break-even, :func:`break_even`, so the column reads alike)."""
    same = _plain(name, declared, tr)
    for extra in range(extra, extra + 3):
        text = _plain(name, tipping, tr, extra)
        if _shown(text, tr) != _shown(same, tr) or float(tipping) == float(declared):
            return text
    return text


# -- why a ratio is not computed ------------------------------------------------------------------------------

#: The published cells a quantity from the data rests on (``tables._sroi_tables``), in the order they are named.
_COUNTS = (("change.{o}.worse", "worse"), ("change.{o}.better", "better"), ("n.{o}.pairs", "pairs"),
           ("reached.{year}", "reached"))


def hidden_counts(fig: InitiativeFigures, year: int | str) -> list[tuple[str, str, str]]:
    """(outcome_id, which count, why) for every published count a hidden SROI quantity rests on."""
    out = []
    for _, r in fig.sroi_outcomes.iterrows():
        if "quantity" not in hidden_reasons(r):
            continue
        for cell, which in _COUNTS:
            key = cell.format(o=r["outcome_id"], year=year)
            if key in fig.cells.reasons and fig.cells.hidden(key):
                out.append((r["outcome_id"], which, fig.cells.why(key)))
        if not any(o == r["outcome_id"] for o, _, _ in out):  # the rule's own count (meaningful change) is small
            out.append((r["outcome_id"], "meaningful", "fewer_than_threshold"))
    return out


def not_computed_sentence(fig: InitiativeFigures, labels: dict[str, str], year: int | str, tr: Translator) -> str:
    """Why the ratio is not there, in words: the count it rests on that is hidden and why; the inputs missing
    from the Theory of Change; or an outcome the data give no quantity for."""
    summary = fig.sroi_summary.iloc[0]
    causes = []
    for outcome_id, which, why in hidden_counts(fig, year):
        reason = tr.t(f"sroi.hidden_why.{why}" if tr.has(f"sroi.hidden_why.{why}") else "sroi.hidden_why.other",
                      threshold=tr.threshold)
        causes.append(tr.t(f"sroi.hidden_count.{which}", outcome=mid_sentence(labels.get(outcome_id, outcome_id)),
                           why=reason))
    if pd.isna(summary["inputs_eur"]):
        causes.append(tr.t("sroi.inputs_missing"))
    for _, r in fig.sroi_outcomes.iterrows():
        if pd.isna(r["quantity"]) and "quantity" not in hidden_reasons(r):
            causes.append(tr.t("sroi.no_pairs", outcome=mid_sentence(labels.get(r["outcome_id"], r["outcome_id"]))))
    if not causes:
        return tr.t("sroi.not_computed")
    return tr.t("sroi.not_computed_because", causes=tr.t("sroi.and").join(dict.fromkeys(causes)))


def masked_range(fig: InitiativeFigures, data_programme: dict, year: int | str, threshold: int) -> tuple[float, float] | None:
    """The lowest and highest ratio over every value the hidden count can take, or None when that range could
    say more than the threshold: only where one outcome's quantity is hidden, because the count of participants
    who got worse (or better) rests on fewer than ``threshold`` people (so it is 1 .. threshold − 1), every other
    count it rests on is published, any change counts (``net_any_change``) and the participants without both
    measurements count as 0 (so the quantity is the published other count minus the hidden one), and the inputs
    are known. The other outcomes add their published present values."""
    from impact.valuation.sroi import present_values

    summary = fig.sroi_summary.iloc[0] if len(fig.sroi_summary) else None
    if summary is None or pd.isna(summary["inputs_eur"]) or float(summary["inputs_eur"]) <= 0:
        return None
    hidden = hidden_counts(fig, year)
    if len(hidden) != 1 or hidden[0][1] not in ("worse", "better") or hidden[0][2] != "fewer_than_threshold":
        return None
    outcome_id, which, _ = hidden[0]
    rows = fig.sroi_outcomes
    mine = rows[rows["outcome_id"] == outcome_id].iloc[0]
    if mine.get("quantity_rule") != "net_any_change" or mine.get("non_respondents") != "zero":
        return None
    others = rows[rows["outcome_id"] != outcome_id]
    if others["present_value"].isna().any():
        return None
    other = "better" if which == "worse" else "worse"
    shown = fig.cells[f"change.{outcome_id}.{other}"]
    if pd.isna(shown):
        return None
    sign = 1 if which == "worse" else -1  # the net is better − worse

    def ratio_at(count: int) -> float:
        quantity = sign * (shown - count)
        _, _, pv = present_values(np.array([quantity]), np.array([mine["proxy_eur"]]), np.array([mine["deadweight"]]),
                                  np.array([mine["displacement"]]), np.array([mine["attribution"]]),
                                  np.array([mine["drop_off"]]), np.array([int(mine["duration_years"])]),
                                  discount_rate=float(data_programme["discount_rate"]))
        return (float(pv[0]) + float(others["present_value"].sum())) / float(summary["inputs_eur"])

    ends = ratio_at(1), ratio_at(threshold - 1)
    return min(ends), max(ends)


def masked_range_sentence(span: tuple[float, float] | None, tr: Translator) -> str:
    """'Bij elk mogelijk aantal (1 tot en met 9) ligt de verhouding tussen €0,39 en €0,59 …'; '' without a range."""
    if span is None:
        return ""
    return tr.t("sroi.masked_range", low=ratio_text(span[0], tr), high=ratio_text(span[1], tr),
                most=tr.threshold - 1)


# -- participants without both measurements --------------------------------------------------------------------

def non_respondents_sentence(fig: InitiativeFigures, sensitivity: pd.DataFrame, not_measured: dict[str, int],
                             labels: dict[str, str], tr: Translator) -> list[str]:
    """Per outcome valued from the data with participants of the register lacking a measurement: how many count
    as 0 (or at the measured net rate) and what the ratio would be under the other assumption. Nothing when
    the ratio is not published."""
    summary = fig.sroi_summary.iloc[0]
    if pd.isna(summary["ratio"]):
        return []
    lines = []
    rows = sensitivity[sensitivity["assumption"] == "non_respondents"]
    published = fig.sroi_outcomes.set_index("outcome_id")
    for r in rows.itertuples():
        n = not_measured.get(r.outcome_id)
        if not n or r.outcome_id not in published.index or pd.isna(r.ratio_at_alternative):
            continue
        rule = published.loc[r.outcome_id, "non_respondents"]
        key = "sroi.non_respondents_zero" if rule == "zero" else "sroi.non_respondents_rate"
        lines.append(tr.t(key, n=tr.num(n, 0), outcome=mid_sentence(labels.get(r.outcome_id, r.outcome_id)),
                          ratio=ratio_text(r.ratio_at_alternative, tr)))
    return lines


# -- the notes of the SROI sheets in the report's language -------------------------------------------------------

def _discounting(rate: float, years: int, tr: Translator) -> str:
    span = tr.t("spreadsheet.sroi_note.year_1") if years == 1 else tr.t("spreadsheet.sroi_note.years", years=years)
    return tr.t("spreadsheet.sroi_note.discounting", rate=tr.pct(rate, 0 if float(rate * 100).is_integer() else 1),
                factor=tr.num(1 + rate, 2), span=span)


def outcome_notes(published: pd.DataFrame, warehouse: pd.DataFrame, rate: float, tr: Translator) -> list[str]:
    """The notes of the published SROI-per-outcome table (``published``, one row per outcome) in the report's
    language, with the numbers of the warehouse's rows (``warehouse``: ``marts.sroi_outcomes``, counts included)
    where the published row shows its quantity; a hidden quantity says only that it is hidden."""
    rows = warehouse.set_index("outcome_id") if len(warehouse) else warehouse
    out = []
    for _, p in published.iterrows():
        w = rows.loc[p["outcome_id"]] if p["outcome_id"] in rows.index else None
        key = lambda k: f"spreadsheet.sroi_note.{k}"  # noqa: E731
        if "quantity" in hidden_reasons(p):
            out.append(tr.t(key("hidden")))
            continue
        if p["quantity_source"] != "from_data" or w is None:
            out.append(f"{tr.t(key('declared'))}; {_discounting(rate, int(p['duration_years']), tr)}")
            continue
        if pd.isna(p["quantity"]):
            out.append(tr.t(key("no_pairs")))
            continue
        least = w.get("meaningful_change")
        rule = (tr.t(key("any_change")) if least is None or pd.isna(least)
                else tr.t(key("meaningful_change"), least=tr.num(least, 0 if float(least).is_integer() else 1)))
        net = int(w["n_improved"]) - int(w["n_worsened"])
        text = tr.t(key("from_data"), net=tr.num(net, 0), improved=tr.num(w["n_improved"], 0),
                    worsened=tr.num(w["n_worsened"], 0), paired=tr.num(w["n_paired"], 0), rule=rule)
        missing = int(w["n_not_measured"])
        at_rate = net / int(w["n_paired"]) * missing if int(w["n_paired"]) else 0.0  # as sroi.ChangeCounts
        if missing == 0:
            text += "; " + tr.t(key("all_measured"))
        elif w["non_respondents"] == "zero":
            text += "; " + tr.t(key("zero"), n=tr.num(missing, 0), alternative=tr.num(at_rate, 2))
        else:
            text += "; " + tr.t(key("respondents_rate"), n=tr.num(missing, 0), net=tr.num(net, 0),
                                paired=tr.num(w["n_paired"], 0), added=tr.num(at_rate, 2))
        out.append(f"{text}; {_discounting(rate, int(p['duration_years']), tr)}")
    return out


def summary_notes(published: pd.DataFrame, outcomes: pd.DataFrame, tr: Translator) -> list[str]:
    """The notes of the published SROI summary (one row) in the report's language: hidden, or why a figure is
    not computed, no payback, and how the discounting, the payback and the range are computed."""
    out = []
    for _, s in published.iterrows():
        key = lambda k: f"spreadsheet.sroi_note.{k}"  # noqa: E731
        if "ratio" in hidden_reasons(s):
            out.append(tr.t(key("summary_hidden")))
            continue
        parts = []
        if pd.isna(s["present_value"]):
            parts.append(tr.t(key("not_computed_quantity")))
        if pd.isna(s["inputs_eur"]):
            parts.append(tr.t(key("not_computed_inputs")))
        if not parts and pd.isna(s["payback_months"]):
            parts.append(tr.t(key("no_payback")))
        years = int(outcomes["duration_years"].max()) if len(outcomes) else 1
        parts.append(_discounting(float(s["discount_rate"]), years, tr))
        parts.append(tr.t(key("method")))
        out.append("; ".join(parts))
    return out
