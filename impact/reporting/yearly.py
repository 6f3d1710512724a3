"""The yearly report of one initiative: ``reports/<year>/<initiative_id>/``.

Chapters, one function each over a shared :class:`YearlyContext` (:data:`SECTIONS`, in order): summary;
Theory of Change (diagram); reach and activities per quarter against the targets; outcomes (distribution
per wave, change among the people measured twice); hypotheses with their verdicts in plain language;
participants' stories where the initiative dropped them (told with consent); attrition; data quality; the
coaching sessions; SROI where configured; methods and provenance; glossary.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from impact.instruments.registry import REGISTRY, ReferenceValue, references_of
from impact.reporting import charts
from impact.language import Translator
from impact.reporting.completeness import counted_key
from impact.reporting.layout import Document, Mark, missing, shown
from impact.reporting.publish import Report, environment
from impact.reporting.render import png_bytes
from impact.reporting.report_data import ReportData, as_list
from impact.reporting.sentences import (
    JUDGED, alpha_text, attrition_sentence, caveat_waves, change_words, estimate_kind, hidden_counts, in_percentage_points,
    glossary, instrument_name, level_text, lowered_level, publishable_sessions, redacted, scale_words, verdict_sentence,
)
from impact.reporting.sentences import publishable_discussions, publishable_stories, who_without_age
from impact.reporting.sroi_text import (
    assumption_text, break_even, masked_range, masked_range_sentence, non_respondents_sentence, not_computed_sentence,
    mid_sentence, outcome_notes, ratio_sentence, summary_notes, tipping_text,
)
from impact.reporting.tables import (EXTRA_COUNT_COLUMNS, WIJKEN, InitiativeFigures, hidden_reason, initiative_figures,
                                     delivered_rows_hidden, reliability_floor, unreliable_measurements)
from impact.quality.rules import MIN_BASELINE_RESPONSE, MIN_RETENTION
from impact.statistics.reliability import CAVEAT_BELOW

TEMPLATE = "yearly.html.j2"


def report_date(data: ReportData) -> dt.date:
    """Reports are dated at the programme's closing meeting (``programme.yaml``), never by the clock."""
    return pd.Timestamp(data.programme["closing_meeting"]).date()


def min_reliability(data: ReportData) -> float:
    """The programme's floor for Cronbach's alpha (``programme.settings.min_reliability``, default 0.60)."""
    return reliability_floor(data.programme)


def with_context(hyp: pd.DataFrame, data: ReportData, initiative_id: str | None = None) -> pd.DataFrame:
    """The programme's settings a hypothesis's sentences need, on every row, and the unit of a custom outcome
    that names one (``unit: personen``: '2,00 personen hoger', not 'punten'); rows without an ``initiative_id``
    column are ``initiative_id``'s."""
    hyp = hyp.copy()
    units = {(r.initiative_id, r.outcome_id): r.unit for r in data.outcomes.itertuples()
             if r.instrument == "custom" and isinstance(r.unit, str) and r.unit.strip()}
    owners = hyp["initiative_id"] if "initiative_id" in hyp else [initiative_id] * len(hyp)
    hyp["unit"] = [units.get((i, str(o).split(".")[0])) for i, o in zip(owners, hyp["outcome_id"])]
    hyp["alpha"] = float(data.programme["alpha"])
    hyp["multiple_testing"] = data.programme.get("multiple_testing") or "holm"
    hyp["min_reliability"] = min_reliability(data)
    return hyp


def _hypothesis_rows(fig: InitiativeFigures, data: ReportData, initiative_id: str) -> pd.DataFrame:
    hyp = with_context(fig.hypotheses, data, initiative_id)
    raw = data.of("hypotheses", initiative_id)
    hyp["min_pairs_required"] = raw["min_pairs"].fillna(data.programme["min_pairs"]).astype(int).to_numpy() if len(raw) else []
    return hyp


# -- cells of the hypothesis tables: a figure, or a mark saying why there is none ---------------------------

#: Decimals of a count that is not whole: hours with one, as the workbook shows them (rounded to whole hours the
#: quarters need not add up to the year: 752 + 786 + 816 + 761 = 3.115 against 3.116); other counts none.
DECIMALS = {"volunteer_hours": 1}


def cell(row, column: str, formatted: str, missing_reason: str = "not_computed") -> str | Mark:
    """``formatted`` when the published row has a value in ``column``; else hidden (its reason) or missing."""
    return shown(row[column], formatted, hidden_reason(row, column), missing_reason)


def _why_missing(h, reason: str) -> str:
    """A test figure that is missing: no test at all (too few pairs), or ``reason``."""
    return "no_test" if h["verdict"] == "insufficient_data" else reason


def _bounds(low, high, tr: Translator, scale: float = 1, digits: int = 2) -> str:
    """'−1,79 tot −0,41'; a one-sided interval as '≥ 0,50' or '≤ 1,20'."""
    import math

    lo_ok, hi_ok = math.isfinite(float(low)), math.isfinite(float(high))
    if lo_ok and hi_ok:
        return tr.t("common.interval", low=tr.num(low * scale, digits), high=tr.num(high * scale, digits))
    return f"≥ {tr.num(low * scale, digits)}" if lo_ok else f"≤ {tr.num(high * scale, digits)}"


def per_outcome_response(attrition: pd.DataFrame, resp: pd.Series, tr: Translator) -> str:
    """' Niet iedereen …: Eenzaamheid op 66 nulmetingen en 41 paren.' where an outcome's counts differ from
    the survey's (a score needs enough of its scale's items answered); '' where they agree or are masked."""
    differing = [r for _, r in attrition.iterrows()
                 if not pd.isna(r["n_baseline"]) and not pd.isna(resp["n_baseline"]) and r["n_baseline"] != resp["n_baseline"]]
    if not differing:
        return ""
    parts = [tr.t("attrition.outcome_counts", outcome=r["outcome"], outcome_lower=mid_sentence(r["outcome"]),
                  baseline=tr.count(r["n_baseline"]),
                  pairs=tr.count(r["n_with_follow_up"]) if not pd.isna(r["n_with_follow_up"]) else tr.t("common.suppressed_cell"))
             for r in differing]
    key = "attrition.per_outcome" if len(differing) > 1 else "attrition.per_outcome_one"
    return " " + tr.t(key, survey=tr.count(resp["n_baseline"]), outcomes=tr.t("attrition.outcome_join").join(parts))


def quarter_label(period: str, tr: Translator) -> str:
    """A quarter as the report's language names it: '2018-Q1' → 'K1' (Dutch), 'Q1' (English); the CSVs keep the code."""
    code = str(period).split("-")[-1]
    return tr.t("period.quarter", q=code[1:]) if code[:1] == "Q" and code[1:].isdigit() else code


def masked_quarters(quarters: pd.DataFrame, tr: Translator) -> str:
    """What the reach chart masks, quarter by quarter and why (a caption must not say "quarters with fewer
    than 10" where a quarter of 20 is masked to protect another)."""
    by_reason: dict[str, list[str]] = {}
    for _, r in quarters.iterrows():
        reason = hidden_reason(r, "participants_new")
        if reason:
            by_reason.setdefault(reason, []).append(quarter_label(r["period"], tr))
    if not by_reason:
        return tr.t("reach.masked_none")

    def listed(items: list[str]) -> str:
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + tr.t("reach.and") + items[-1]

    parts = [tr.t("reach.masked_small", threshold=tr.threshold, quarters=listed(by_reason.pop("fewer_than_threshold")))
             ] if "fewer_than_threshold" in by_reason else []
    rest = [q for qs in by_reason.values() for q in qs]
    if rest:
        parts.append(tr.t("reach.masked_secondary", quarters=listed(sorted(rest))))
    return " ".join(parts)


def estimate_cell(h, tr: Translator) -> str | Mark:
    """'gemiddeld verschil −1,10', 'pseudomediaan (HL) +1,00', 'verschil in aandelen +36,0': the estimate, by kind."""
    pct = in_percentage_points(h)
    value = tr.num(h["estimate"] * (100 if pct else 1), 1 if pct else 2, signed=True) if not pd.isna(h["estimate"]) else ""
    return cell(h, "estimate", f"{tr.t('estimate_kind_short.' + estimate_kind(h))} {value}", _why_missing(h, "no_estimate"))


def interval_cell(h, tr: Translator) -> str | Mark:
    pct = in_percentage_points(h)
    if pd.isna(h["ci_low"]) or pd.isna(h["ci_high"]):
        column = "ci_low" if pd.isna(h["ci_low"]) else "ci_high"
        return cell(h, column, "", _why_missing(h, "no_interval"))
    bounds = _bounds(h["ci_low"], h["ci_high"], tr, 100 if pct else 1, 1 if pct else 2)
    if lowered_level(h) is None:
        return bounds
    return tr.t("common.ci_at_level", interval=bounds, level=level_text(h, tr))


def effect_cell(h, tr: Translator) -> str | Mark:
    """'d_z = −0,50 (−0,82 tot −0,17)', 'r = 0,86 (0,71 tot 0,93)', 'OR = 19,00 (3,02 tot 789,46)': the kind is
    named in every cell, so d_z, r and the odds ratio are never read as one scale."""
    if pd.isna(h["effect_size"]):
        return cell(h, "effect_size", "", _why_missing(h, "no_effect_size"))
    text = f"{tr.t('effect_kind_short.' + str(h['effect_size_kind']))} = {tr.num(h['effect_size'], 2)}"
    low, high = h["effect_size_ci_low"], h["effect_size_ci_high"]
    if pd.isna(low) or pd.isna(high):
        hid = hidden_reason(h, "effect_size_ci_low") or hidden_reason(h, "effect_size_ci_high")
        return f"{text} ({tr.t('chart.interval_hidden' if hid else 'chart.no_interval')})"
    return f"{text} ({_bounds(low, high, tr)})"


def p_holm_cell(h, tr: Translator) -> str | Mark:
    if not bool(h["primary"]) or (h.get("multiple_testing") or "holm") != "holm":
        return tr.t("hypotheses.secondary")
    return cell(h, "p_adjusted", tr.p_value(h["p_adjusted"]), _why_missing(h, "no_p"))


def mde_cell(h, tr: Translator) -> str | Mark:
    pct = in_percentage_points(h)
    if pd.isna(h["mde"]):
        return cell(h, "mde", "", _why_missing(h, "no_mde"))
    level = h["mde_alpha"] if not pd.isna(h["mde_alpha"]) else h.get("alpha")
    return f"{tr.num(h['mde'] * (100 if pct else 1), 1 if pct else 2)} (α = {alpha_text(level, tr)})"


def verdict_cell(h, tr: Translator) -> str:
    """The verdict in words, with the caveat mark when the items hang together only moderately."""
    word = tr.t(f"verdict.{h['verdict']}")
    return f"{word} {tr.t('reliability.caveat_mark')}" if h["verdict"] in JUDGED and caveat_waves(h) else word


def caveat_note(hyp: pd.DataFrame, tr: Translator) -> str:
    """The note for the caveat mark, when a row of ``hyp`` carries it."""
    if any(h["verdict"] in JUDGED and caveat_waves(h) for _, h in hyp.iterrows()):
        return " " + tr.t("reliability.caveat_note", mark=tr.t("reliability.caveat_mark"), below=tr.num(CAVEAT_BELOW, 2))
    return ""


def _instrument_rows(data: ReportData, initiative_id: str, tr: Translator) -> list[list[str]]:
    rows = []
    for o in data.of("outcomes", initiative_id).itertuples():
        inst = REGISTRY.get(o.instrument)
        if inst is not None:
            # how the score is made, where the scale is not the plain sum of the answers (WHO-5: the sum times 4)
            scoring = f"; {tr.t(f'instrument.{inst.id}.scoring')}" if tr.has(f"instrument.{inst.id}.scoring") else ""
            rows.append([o.label, instrument_name(inst.id, tr), scale_words(o._asdict(), tr) + scoring, inst.source])
        else:
            rows.append([o.label, tr.t("methods.custom_outcome"), scale_words(o._asdict(), tr),
                         tr.t("methods.custom_source")])
    return rows


@dataclass
class YearlyContext:
    """What every chapter of one initiative's yearly report reads: the published figures, the Theory of Change,
    the hypotheses with their settings, and the document that numbers chapters, figures and tables in order."""

    data: ReportData
    initiative_id: str
    tr: Translator
    code_version: dict
    fig: InitiativeFigures = field(init=False)
    ini: pd.Series = field(init=False)
    year: str = field(init=False)
    doc: Document = field(init=False)
    hyp: pd.DataFrame = field(init=False)
    outcomes: pd.DataFrame = field(init=False)
    resp: pd.Series = field(init=False)

    def __post_init__(self) -> None:
        self.fig = initiative_figures(self.data, self.initiative_id, self.tr.language)
        self.ini = self.data.of("initiatives", self.initiative_id).iloc[0]
        self.year = str(self.data.year)
        self.doc = Document(self.tr)
        self.hyp = _hypothesis_rows(self.fig, self.data, self.initiative_id)
        self.outcomes = self.data.of("outcomes", self.initiative_id)
        self.resp = self.fig.response.iloc[0]

    @property
    def participants_target(self) -> float | None:
        """The year's target for participants reached (an output measured by participants), or None."""
        row = self.fig.realisation[self.fig.realisation["measure"] == "participants"]
        return float(row["target"].iloc[0]) if len(row) else None

    def verdicts(self) -> list[dict]:
        tr = self.tr
        return [{"id": h.hypothesis_id, "statement": h.statement, "verdict": h.verdict,
                 "verdict_word": tr.t(f"verdict.{h.verdict}"), "primary": bool(h.primary),
                 "sentence": verdict_sentence(h, tr)}
                for _, h in self.hyp.iterrows()]


def summary_section(c: YearlyContext) -> dict:
    """1. What was reached, what the hypotheses showed, and each outcome's means with its scale."""
    tr, fig, hyp = c.tr, c.fig, c.hyp
    section = c.doc.section("summary")
    reached = fig.reach.iloc[-1]["participants_reached"]
    target = c.participants_target
    kpis = [
        (tr.count(reached) if not pd.isna(reached) else tr.t("common.suppressed_cell"),
         tr.t("kpi.reached") + (" " + tr.t("kpi.of_target", target=tr.num(target, 0)) if target else "")),
        output_kpi(fig, tr),
        (_share(c.resp, "response_rate", tr), tr.t("kpi.response")),
        (_share(c.resp, "retention", tr), tr.t("kpi.retention" if not pd.isna(c.resp["retention"]) else "kpi.retention_hidden")),
    ]
    key_outcomes = []
    outcome_rows = c.outcomes.set_index("outcome_id")
    for _, h in hyp.iterrows():
        unit_pct = h["test"] == "mcnemar"
        fmt = (lambda v: tr.pct(v)) if unit_pct else (lambda v: tr.num(v, 2))
        base_outcome = str(h["outcome_id"]).split(".")[0]
        scale = scale_words(outcome_rows.loc[base_outcome], tr) if base_outcome in outcome_rows.index else ""
        if pd.isna(h["mean_baseline"]):
            line = wave_line(fig, h, scale, tr)
            if line:
                key_outcomes.append(line)
            continue
        if h["verdict"] == "unreliable_measurement":   # the scale's score does not count: no means to compare
            key_outcomes.append(tr.t("summary.outcome_line_unreliable", outcome=h["outcome"], scale=scale))
            continue
        key_outcomes.append(tr.t("summary.outcome_line", outcome=h["outcome"], baseline=fmt(h["mean_baseline"]),
                                 follow_up=fmt(h["mean_follow_up"]), n=tr.count(h["n_pairs"]), change=change_words(h, tr),
                                 scale=scale))
    return {"section": section, "kpis": kpis, "money": money_lines(c), "verdicts": c.verdicts(), "key_outcomes": key_outcomes,
            "intro": tr.t("summary.intro", name=c.ini["name"], year=c.year, target_group=target_group_words(c.ini["target_group"]))}


def wave_line(fig: InitiativeFigures, h, scale: str, tr: Translator) -> str | None:
    """Where a hypothesis' paired figures are hidden: what the score table still shows, over everyone measured at
    a wave ('Betaald werk (…): 44% bij de nameting (52 deelnemers). Dit gaat over iedereen …'); None without it."""
    if h["verdict"] == "unreliable_measurement":
        return None
    waves = fig.outcomes[(fig.outcomes["outcome_id"] == h["outcome_id"]) & fig.outcomes["mean"].notna()]
    if not len(waves):
        return None
    share = h["test"] == "mcnemar"
    parts = [tr.t("summary.wave_value" if share else "summary.wave_mean", wave=tr.t(f"wave.{w['wave']}").lower(),
                  value=tr.pct(w["mean"]) if share else tr.num(w["mean"], 2), n=tr.count(w["n"]))
             for _, w in waves.iterrows()]
    return tr.t("summary.outcome_line_waves", outcome=h["outcome"], scale=scale, values=tr.listing(parts))


def target_group_words(text: str) -> str:
    """The target group after 'Doelgroep:' in lower case ('alleenwonende volwassenen …'), except a proper noun:
    the city's name and the words made from it ('Utrechters met een U-pas')."""
    return text if text.startswith("Utrecht") else mid_sentence(text)


def output_kpi(fig: InitiativeFigures, tr: Translator) -> tuple[str, str]:
    """The summary's tile for what the initiative did: its first output target that counts neither participants
    nor hours (the home visits, lessons, shop days), realised against the target ('1.155', 'huisbezoeken (doel
    1.200)'); without one, the rows of the activity log, called that (never 'activiteiten': a row is a
    registration, which may hold many visits)."""
    rows = fig.realisation[~fig.realisation["measure"].isin(["participants", "volunteer_hours"])]
    for _, r in rows.iterrows():
        if not pd.isna(r["realised"]):
            label = mid_sentence(str(r["label"]))
            return (tr.num(r["realised"], 0) if float(r["realised"]).is_integer() else tr.num(r["realised"], 1),
                    tr.t("kpi.output", output=label, target=tr.num(r["target"], 0)) if not pd.isna(r["target"])
                    else label)
    return tr.num(fig.reach.iloc[-1]["activities"], 0), tr.t("kpi.log_rows")


def money_lines(c: YearlyContext) -> list[str]:
    """The cost in the year and per participant reached, and the SROI where the initiative has one: the same
    words and values as the programme overview's cells (:func:`impact.reporting.overview.cost_words`,
    :func:`~impact.reporting.overview.sroi_words`)."""
    from impact.reporting.overview import cost_words, initiative_budget, sroi_words

    tr = c.tr
    budget = initiative_budget(c.data, {c.initiative_id: c.fig}, c.initiative_id)
    lines = [tr.t("summary.cost_line", label=tr.t("funder.cost"),
                  value=cost_words(budget, c.fig.reach.iloc[-1]["participants_reached"], tr))]
    if len(c.fig.sroi_summary):
        lines.append(tr.t("summary.cost_line", label=tr.t("funder.sroi"), value=sroi_words(c.fig, c.data, tr)))
    return lines


def toc_section(c: YearlyContext) -> dict:
    """2. The Theory of Change as a chain: activities, outputs with their targets, outcomes, impact."""
    tr, ini = c.tr, c.ini
    section = c.doc.section("theory_of_change")
    outputs = c.data.of("outputs", c.initiative_id)
    return {
        "section": section,
        "problem": ini["problem"], "target_group": ini["target_group"], "impact": ini["impact"],
        "activities": [a for a in as_list(ini["activities"]) if a],
        "outputs": [{"label": o.label, "sub": tr.t("toc.target", target=tr.num(o.target, 0)) if not pd.isna(o.target) else ""}
                    for o in outputs.itertuples()],
        "outcomes": [{"label": o.label, "sub": (instrument_name(o.instrument, tr) if o.instrument in REGISTRY
                                                else tr.t("methods.custom_outcome"))} for o in c.outcomes.itertuples()],
        "hypotheses": [{"id": h.hypothesis_id, "statement": h.statement} for h in c.hyp.itertuples()],
    }


def reach_section(c: YearlyContext) -> dict:
    """3. Reach and activities per quarter against the year's target, realisation of the targets, reach per wijk."""
    tr, fig, doc, year = c.tr, c.fig, c.doc, c.year
    section = doc.section("reach")
    quarters = fig.reach[fig.reach["period"] != year]
    # the chart labels each quarter with the last part of its period: the quarter in the report's words
    labelled = quarters.assign(period=[quarter_label(p, tr) for p in quarters["period"]])
    reach_fig = doc.figure("reach_and_activities", png_bytes(charts.reach_and_activities(labelled, c.participants_target, tr)),
                           tr.t("reach.figure_caption", masked=masked_quarters(quarters, tr)),
                           shows=tr.t("alt.reach_and_activities"), table="reach")
    reach_rows = [[tr.t("period.year", year=year) if r["period"] == year else quarter_label(r["period"], tr),
                   *[cell(r, col, tr.num(r[col], DECIMALS.get(col, 0)), "no_data")
                     for col in ("participants_new", "participants_reached", "activities", "attendance", "volunteer_hours")]]
                  for _, r in fig.reach.iterrows()]
    reach_tab = doc.table("reach", tr.t("reach.table_caption"), [tr.t("col.period"), tr.t("col.new"), tr.t("col.reached"),
                          tr.t("col.log_rows"), tr.t("col.attendance"), tr.t("col.volunteer_hours")], reach_rows)
    real_rows = [[r["label"], tr.num(r["target"], 0),
                  cell(r, "realised", tr.num(r["realised"], DECIMALS.get(r["measure"], 0)), "no_data"),
                  cell(r, "realisation", tr.pct(r["realisation"]), "no_data")] for _, r in fig.realisation.iterrows()]
    real_tab = doc.table("realisation", tr.t("reach.realisation_caption"),
                         [tr.t("col.output"), tr.t("col.target"), tr.t("col.realised"), tr.t("col.realisation")], real_rows)
    wijk_rows = [[tr.t("wijk.unknown") if r["wijk"] == "unknown" else r["wijk"],
                  cell(r, "participants", tr.num(r["participants"], 0), "no_data")] for _, r in fig.wijk.iterrows()]
    wijk_tab = doc.table("wijk", tr.t("reach.wijk_caption", n=len(WIJKEN)), [tr.t("col.wijk"), tr.t("col.participants")], wijk_rows)
    # the participant profile: one small table per characteristic (age, gender), only groups with someone in them
    profile_tabs = []
    for characteristic, rows in fig.profile.groupby("characteristic", sort=False):
        profile_tabs.append(doc.table(
            f"profile_{characteristic}", tr.t(f"reach.profile_caption.{characteristic}")
            + (" " + tr.t("reach.profile_merged", threshold=tr.threshold) if rows["merged"].any() else ""),
            [tr.t(f"profile.characteristic.{characteristic}"), tr.t("col.participants"), tr.t("col.share")],
            [[r["label"], cell(r, "participants", tr.num(r["participants"], 0), "no_data"),
              cell(r, "share", tr.pct(r["share"]), "no_data")] for _, r in rows.iterrows()]))
    return {"section": section, "figure": reach_fig, "table": reach_tab, "realisation": real_tab, "wijk": wijk_tab,
            "profile": profile_tabs}


def outcomes_section(c: YearlyContext) -> dict:
    """4. Each outcome's distribution per wave, the paired change, and the score table."""
    tr, fig, doc = c.tr, c.fig, c.doc
    section = doc.section("outcomes")
    outcome_figs = []
    yes_no_kinds = set()
    # an outcome whose hypothesis found the measurement unreliable: its scores are not drawn, its changes not
    # counted, and its scores not summarised at a wave whose Cronbach's alpha is below the floor
    unreliable, below = unreliable_measurements(c.hyp, min_reliability(c.data))
    for o in fig.outcomes["outcome_id"].unique():
        if o in unreliable:
            continue
        d = fig.outcomes[fig.outcomes["outcome_id"] == o]
        label = d["label"].iloc[0]
        scale = charts.outcome_scale(c.outcomes, o)  # the axis runs over the instrument's or ToC's whole scale
        yes_no = f"yes.{o}.baseline" in fig.cells.reasons or f"yes.{o}.follow_up" in fig.cells.reasons
        yes_no_kinds.add(yes_no)
        png = png_bytes(charts.distribution(d, label, scale, tr, yes_no=yes_no))
        # a yes/no outcome is drawn as the share of yes, not as a spread of scores
        caption = tr.t("outcomes.distribution_caption_yes_no" if yes_no else "outcomes.distribution_caption", outcome=label,
                       outcome_lower=mid_sentence(label))
        shows = tr.t("alt.distribution_yes_no" if yes_no else "alt.distribution", outcome_lower=mid_sentence(label))
        outcome_figs.append(doc.figure(f"distribution_{o.replace('.', '_')}", png, caption, shows=shows,
                                       table="distributions"))
    intro = ("outcomes.intro_mixed" if len(yes_no_kinds) > 1 else "outcomes.intro_yes_no" if yes_no_kinds == {True}
             else "outcomes.intro")
    change_fig = None
    # every outcome measured reliably gets a bar (one whose shares are all hidden is one hatched 'afgeschermd' bar,
    # so that no outcome silently drops out of the figure); a figure of hidden bars only is not drawn
    drawable = fig.changes[~fig.changes["outcome_id"].isin(unreliable)]
    shares = ["share_worse", "share_same", "share_better"]
    change_tab = None
    if len(drawable.dropna(subset=shares, how="all")):
        change_fig = doc.figure("paired_change", png_bytes(charts.change_shares(drawable, tr)),
                                tr.t("outcomes.change_caption", threshold=c.data.threshold),
                                shows=tr.t("alt.paired_change"), table="changes")
    dist_rows = []
    for _, r in fig.outcomes.iterrows():
        yes_no = f"yes.{r['outcome_id']}.{r['wave']}" in fig.cells.reasons
        spread = "yes_no_percentiles" if yes_no else "no_data"
        scores = ([missing("unreliable")] * 4 if (r["outcome_id"], r["wave"]) in below else
                  [cell(r, "mean", tr.pct(r["mean"]) if yes_no else tr.num(r["mean"], 2), "no_data"),
                   *[cell(r, col, tr.num(r[col], 1), spread) for col in ("p25", "p50", "p75")]])
        dist_rows.append([r["label"], tr.t(f"wave.{r['wave']}"), cell(r, "n", tr.num(r["n"], 0), "no_data"), *scores])
    if change_fig is not None:  # the chart's figures: the shares it draws, with the pairs they are shares of
        change_tab = doc.table("changes", tr.t("outcomes.change_table_caption"),
                               [tr.t("col.outcome"), tr.t("col.pairs"),
                                *[tr.t(f"change.{p}").capitalize() for p in ("worse", "same", "better")]],
                               [[r["label"], cell(r, "n_pairs", tr.num(r["n_pairs"], 0), "no_data"),
                                 *[cell(r, f"share_{p}", tr.pct(r[f"share_{p}"]), "no_data") for p in ("worse", "same", "better")]]
                                for _, r in drawable.iterrows()])
    dist_tab = doc.table("distributions", tr.t("outcomes.table_caption"),
                         [tr.t("col.outcome"), tr.t("col.wave"), "n", tr.t("col.mean"), tr.t("col.p25"), tr.t("col.median"),
                          tr.t("col.p75")],
                         dist_rows, text_columns=2)
    references = reference_lines(fig.references, c.outcomes, c.ini["name"], tr)
    all_outcomes = set(fig.outcomes["outcome_id"].unique())
    if unreliable:
        names = tr.listing([mid_sentence(fig.outcomes.loc[fig.outcomes["outcome_id"] == o, "label"].iloc[0])
                            for o in fig.outcomes["outcome_id"].unique() if o in unreliable])
        # with every outcome unreliable, the general description of the figures would describe nothing
        intro_text = (("" if all_outcomes <= unreliable else tr.t(intro) + " ")
                      + tr.t("outcomes.unreliable", outcomes=names))
    else:
        intro_text = tr.t(intro)
    # "the changes are masked" only where a measured outcome's changes are masked, not where none is drawn
    # because the measurement was unreliable
    changes_masked = change_fig is None and bool(all_outcomes - unreliable)
    return {"section": section, "intro": intro_text, "figures": outcome_figs, "change": change_fig,
            "change_table": change_tab, "changes_masked": changes_masked, "table": dist_tab,
            "references": references, "reference_caveat": tr.t("reference.caveat") if references else ""}


def _reference_of(instrument: str, row) -> ReferenceValue | None:
    """The registered reference value a row of the references table shows."""
    for ref in references_of(instrument):
        cut = np.nan if ref.cut_off is None else float(ref.cut_off)
        if ref.statistic == row["statistic"] and (cut == row["cut_off"] or (np.isnan(cut) and pd.isna(row["cut_off"]))):
            return ref
    return None


def reference_lines(references: pd.DataFrame, outcomes: pd.DataFrame, name: str, tr: Translator) -> list[str]:
    """Per registered reference value of an outcome's instrument: the published Dutch figure with its source, and
    the initiative's own figure at baseline on the same statistic (a share at the same cut-off, or the mean), or
    that it is hidden by disclosure control. Nothing for an outcome whose instrument has no reference value."""
    instruments = dict(zip(outcomes["outcome_id"], outcomes["instrument"]))
    lines = []
    for _, row in references.iterrows():
        ref = _reference_of(instruments.get(row["outcome_id"]), row)
        if ref is None:
            continue
        words = {"population": tr.t(f"reference.population.{ref.population}"),
                 "category": tr.t(f"reference.category.{ref.category}"), "citation": ref.citation, "name": name}
        if ref.statistic == "share_at_least":
            lead = tr.t("reference.share", value=tr.pct(ref.value), cut_off=tr.num(ref.cut_off, 0), **words)
            own = (tr.t("reference.share_baseline", name=name, share=tr.pct(row["baseline_value"]), n=tr.count(row["n_baseline"]))
                   if not pd.isna(row["baseline_value"]) else tr.t("reference.baseline_hidden", name=name, threshold=tr.threshold))
        else:
            lead = tr.t("reference.mean", value=tr.num(ref.value, 1), **words)
            own = (tr.t("reference.mean_baseline", name=name, mean=tr.num(row["baseline_value"], 1), n=tr.count(row["n_baseline"]))
                   if not pd.isna(row["baseline_value"]) else tr.t("reference.baseline_hidden", name=name, threshold=tr.threshold))
        lines.append(f"{lead} {own}")
    return lines


def reference_sources(references: pd.DataFrame, outcomes: pd.DataFrame, tr: Translator) -> list[str]:
    """The sources of the reference values a report shows, once each, for the methods chapter."""
    instruments = dict(zip(outcomes["outcome_id"], outcomes["instrument"]))
    refs = [_reference_of(instruments.get(r["outcome_id"]), r) for _, r in references.iterrows()]
    sources = dict.fromkeys((r.citation, r.url) for r in refs if r is not None)
    return [tr.t("reference.source", citation=citation, url=url) for citation, url in sources]


def hypotheses_section(c: YearlyContext) -> dict:
    """5. The test table, and per hypothesis its verdict in words, what the verdict means and why this test."""
    tr, hyp, data = c.tr, c.hyp, c.data
    section = c.doc.section("hypotheses")
    hyp_rows = [[h["hypothesis_id"], tr.t(f"test_short.{h['test']}"), cell(h, "n_pairs", tr.num(h["n_pairs"], 0)),
                 # a measurement too unreliable for a verdict gives no figure to read either (nor do the tables; the warehouse keeps them)
                 *([missing("unreliable")] * 6 if h["verdict"] == "unreliable_measurement" else
                   [estimate_cell(h, tr), interval_cell(h, tr), effect_cell(h, tr),
                    cell(h, "p_value", tr.p_value(h["p_value"]), _why_missing(h, "no_p")), p_holm_cell(h, tr),
                    mde_cell(h, tr)]), verdict_cell(h, tr)] for _, h in hyp.iterrows()]
    hyp_tab = c.doc.table("hypotheses", tr.t("hypotheses.table_caption"),
                          [tr.t("col.hypothesis"), tr.t("col.test"), tr.t("col.pairs"), tr.t("col.estimate"), tr.t("col.ci"),
                           tr.t("col.effect_size"), "p", tr.t("col.p_adjusted"), tr.t("col.mde"), tr.t("col.verdict")],
                          hyp_rows, text_columns=2,
                          note=tr.t("hypotheses.table_note", alpha=tr.num(data.programme["alpha"], 2)) + caveat_note(hyp, tr))
    floor = tr.num(min_reliability(data), 2)
    written = data.of("discussions", c.initiative_id)
    discussions = publishable_discussions(written, tr, hidden_counts(c.fig.cells))
    discussion_redacted = any(discussions[h] != text for h, text in zip(written["hypothesis_id"], written["discussion"]))
    explanations = [{"id": v["id"], "statement": v["statement"], "verdict": v["verdict"], "verdict_word": v["verdict_word"],
                     "sentence": v["sentence"],
                     # why this test, where it gave the verdict (not where the measurement or the pairs fell short)
                     "test_why": "" if h["verdict"] in ("unreliable_measurement", "insufficient_data") else
                     tr.t(f"test.{h['test']}.why"),
                     "meaning": tr.t("verdict_meaning.lead", meaning=tr.t(f"verdict_meaning.{h['verdict']}", floor=floor)),
                     "discussion": discussions.get(h["hypothesis_id"])}
                    for v, (_, h) in zip(c.verdicts(), hyp.iterrows())]
    return {"section": section, "table": hyp_tab, "explanations": explanations, "redacted": discussion_redacted,
            "holm": tr.t("hypotheses.holm", n=len(holm_family(data)))}


def stories_section(c: YearlyContext) -> dict | None:
    """6. In their own words: the stories told with consent, after the results they give a face to; a line on the
    stories left out (no consent; a small group named; set aside for another reason). None (no chapter) when the
    initiative dropped no stories file."""
    tr, data = c.tr, c.data
    inventory = data.of("inventory", c.initiative_id)
    if not len(inventory) or not (inventory["kind"] == "stories").any():
        return None
    section = c.doc.section("stories")
    shown_stories, small_group = publishable_stories(data.of("stories", c.initiative_id), tr, hidden_counts(c.fig.cells))
    # an outcome's name mid-sentence in lower case ("over gevoel van eigenwaarde"), an abbreviation as it is
    labels = {o: label[:1].lower() + label[1:] if label[1:2].islower() else label
              for o, label in zip(c.outcomes["outcome_id"], c.outcomes["label"])}
    # a teller's age finer than the profile's merged age groups would undo the merging: it is left out
    coarse_ages = bool(c.fig.profile.loc[c.fig.profile["characteristic"] == "age_band", "merged"].any())
    stories = [{"quote": s.quote, "who": who_without_age(s.who) if coarse_ages else s.who, "date": tr.date(s.date) if not pd.isna(s.date) else "",
                "outcome": tr.t("stories.outcome", outcome=labels[s.outcome_id]) if s.outcome_id in labels else ""}
               for s in shown_stories.itertuples()]
    set_aside = data.of("stories_set_aside", c.initiative_id)
    no_consent = int(set_aside["no_consent"].astype(bool).sum()) if len(set_aside) else 0
    notes = [tr.t("stories.consent")]
    for key, n in (("no_consent", no_consent), ("small_group", small_group), ("set_aside", len(set_aside) - no_consent)):
        if n:
            notes.append(tr.t(f"stories.{key}_one" if n == 1 else f"stories.{key}_many", n=tr.num(n, 0),
                              threshold=tr.threshold))
    return {"section": section, "intro": tr.t("stories.intro" if stories else "stories.none_shown", name=c.ini["name"]),
            "stories": stories, "notes": notes}


def attrition_section(c: YearlyContext) -> dict:
    """6. Response, and per outcome who was lost between the waves and whether they differed at baseline."""
    tr, fig, resp = c.tr, c.fig, c.resp
    section = c.doc.section("attrition")
    att_rows = [[r["outcome"], *[cell(r, col, tr.num(r[col], 0), "no_data") for col in ("n_baseline", "n_with_follow_up",
                                                                                         "n_without_follow_up")],
                 cell(r, "mean_with_follow_up", tr.num(r["mean_with_follow_up"], 2), "no_group"),
                 cell(r, "mean_without_follow_up", tr.num(r["mean_without_follow_up"], 2), "no_group"),
                 cell(r, "p_value", tr.p_value(r["p_value"]), "no_group")] for _, r in fig.attrition.iterrows()]
    att_tab = c.doc.table("attrition", tr.t("attrition.table_caption"),
                          [tr.t("col.outcome"), tr.t("col.baseline"), tr.t("col.with_follow_up"), tr.t("col.without_follow_up"),
                           tr.t("col.mean_with"), tr.t("col.mean_without"), "p (Welch)"], att_rows)
    return {"section": section, "table": att_tab,
            "sentences": [f"{r['outcome']}: {attrition_sentence(r, tr)}" for _, r in fig.attrition.iterrows()],
            "response": tr.t("attrition.response" if not pd.isna(resp["retention"]) else "attrition.response_only",
                             registered=tr.count(resp["n_registered"]), response=_share(resp, "response_rate", tr),
                             retention=_share(resp, "retention", tr), threshold=c.data.threshold)
            + per_outcome_response(fig.attrition, resp, tr)}


def quality_section(c: YearlyContext) -> dict:
    """7. The rows delivered and set aside, why, and the quality checks that warned."""
    tr, data, doc = c.tr, c.data, c.doc
    section = doc.section("data_quality")
    drops = data.of("drops", c.initiative_id)
    raw_rows = int(drops["raw_rows"].sum()) if len(drops) else 0
    quarantined = int(drops["quarantined_rows"].sum()) if len(drops) else 0
    reasons = data.of("quarantine_reasons", c.initiative_id)
    reason_rows = [[tr.t(f"table.{r.table_name}"), tr.quarantine_reason(r.rule), tr.num(r.entries, 0)] for r in reasons.itertuples()]
    reason_tab = doc.table("quarantine", tr.t("quality.reasons_caption"), [tr.t("col.table"), tr.t("col.reason"), tr.t("col.entries")],
                           reason_rows, text_columns=2) if reason_rows else None
    warns = merged_warnings(data.of("warnings", c.initiative_id))
    labels = dict(zip(c.outcomes["outcome_id"], c.outcomes["label"]))
    warn_rows = [[tr.t(f"check.{w.check_name}"), tr.t(f"outcome.{w.outcome}"), _found(w, tr, labels)] for w in warns.itertuples()]
    warn_tab = doc.table("checks", tr.t("quality.checks_caption"), [tr.t("col.check"), tr.t("col.result"), tr.t("col.found")],
                         warn_rows, text_columns=3) if warn_rows else None
    return {"section": section, "reasons": reason_tab, "checks": warn_tab,
            "intro": tr.t(("quality.intro" if quarantined else "quality.intro_none")
                          + ("_rows_hidden" if delivered_rows_hidden(c.fig) else ""), files=len(drops), rows=tr.num(raw_rows, 0),
                          staged=tr.num(raw_rows - quarantined, 0), quarantined=tr.num(quarantined, 0)),
            "refused": int(drops["refused"].sum()) if len(drops) else 0}


def merged_warnings(warns: pd.DataFrame) -> pd.DataFrame:
    """One row per rule the data-quality table shows (check, result, outcome and wave), in the order of first
    appearance: a check run on several columns or tables (the coaching log's topics and lessons) is one rule to a
    reader, so its counts not as expected are summed and its observed values listed once each."""
    if warns.empty:
        return warns
    keys = ["check_name", "outcome", "outcome_id", "wave"]
    frame = warns.assign(_key=[tuple("" if pd.isna(v) else v for v in row) for row in warns[keys].itertuples(index=False)])
    rows = []
    for _, group in frame.groupby("_key", sort=False):
        row = group.iloc[0].copy()
        counts = pd.to_numeric(group["unexpected_count"], errors="coerce")
        row["unexpected_count"] = counts.sum() if counts.notna().any() else np.nan
        observed = [v for v in dict.fromkeys(group["observed_value"]) if isinstance(v, str) and v]
        row["observed_value"] = "; ".join(observed) if len(observed) > 1 else (observed[0] if observed else None)
        rows.append(row.drop("_key"))
    return pd.DataFrame(rows).reset_index(drop=True)


def coaching_section(c: YearlyContext) -> dict:
    """8. The one-to-one coaching sessions as the coach logged them (a sentence naming a small group left out)."""
    tr, data = c.tr, c.data
    section = c.doc.section("coaching")
    logged = data.sessions[data.sessions["initiative_id"].isin([c.initiative_id])]
    sessions = publishable_sessions(logged, tr, {c.initiative_id: hidden_counts(c.fig.cells)})
    return {"section": section, "redacted": redacted(logged, sessions), "sessions": [
        {"no": int(s.session_no), "date": tr.date(s.date), "theme": tr.t(f"theme.{s.theme}") if isinstance(s.theme, str) else "",
         "topics": s.topics or "", "lessons": s.lessons or "", "actions": s.actions or ""} for s in sessions.itertuples()]}


def sroi_section(c: YearlyContext) -> dict | None:
    """9. The SROI where the Theory of Change values outcomes; None (no chapter) otherwise."""
    if not len(c.fig.sroi_summary):
        return None
    section = c.doc.section("sroi")
    return _sroi_context(c.doc, c.fig, c.data, c.tr, c.outcomes) | {"section": section}


def methods_section(c: YearlyContext) -> dict:
    """10. Instruments with their scales, the tests, the Holm family, disclosure, and where the figures come from."""
    tr, data = c.tr, c.data
    section = c.doc.section("methods")
    return {
        "section": section,
        "instruments": c.doc.table("instruments", tr.t("methods.instruments_caption"),
                                   [tr.t("col.outcome"), tr.t("col.instrument"), tr.t("col.scale"), tr.t("col.source")],
                                   _instrument_rows(data, c.initiative_id, tr), text_columns=4),
        "tests": sorted({tr.t(f"test.{t}.method") for t in c.hyp["test"]}),
        "notes": methods_notes(data, tr),
        "references": reference_sources(c.fig.references, c.outcomes, tr),
        "holm_family": holm_family(data),
        "holm_left_out": holm_left_out(data, tr),
        "inputs": data.input_files(c.initiative_id)["source_file"].tolist(),
        "code_version": c.code_version,
    }


def glossary_section(c: YearlyContext) -> dict:
    """11. The words that do not speak for themselves, in plain language."""
    terms = glossary(c.tr, min_reliability(c.data))
    if reference_lines(c.fig.references, c.outcomes, c.ini["name"], c.tr):
        terms.append((c.tr.t("glossary.reference.term"), c.tr.t("glossary.reference.text")))
    # a term the initiative's own discussion of a result uses
    if c.data.of("discussions", c.initiative_id)["discussion"].str.contains("response shift", case=False).any():
        terms.append((c.tr.t("glossary.response_shift.term"), c.tr.t("glossary.response_shift.text")))
    return {"section": c.doc.section("glossary", "glossary.title"), "intro": c.tr.t("glossary.intro"), "terms": terms}


#: The chapters in their order: (template variable, section function).
SECTIONS = (("summary", summary_section), ("toc", toc_section), ("reach", reach_section),
            ("outcomes", outcomes_section), ("hypotheses", hypotheses_section), ("stories", stories_section),
            ("attrition", attrition_section),
            ("quality", quality_section), ("coaching", coaching_section), ("sroi", sroi_section),
            ("methods", methods_section), ("glossary_terms", glossary_section))


def build(data: ReportData, initiative_id: str, language: str, code_version: dict) -> Report:
    c = YearlyContext(data, initiative_id, Translator(language, data.threshold), code_version)
    ctx = {name: section(c) for name, section in SECTIONS}
    title = c.tr.t("yearly.title", year=c.year, name=c.ini["name"])
    html = environment().get_template(TEMPLATE).render(
        tr=c.tr, programme=data.programme, title=title, kicker=c.tr.t("yearly.kicker", year=c.year),
        subtitle=c.ini["name"], report_date=report_date(data), sections=c.doc.sections, **ctx,
    )
    return Report(folder=initiative_id, stem=f"{initiative_id}_{c.year}", title=title, language=language,
                  created=report_date(data), html=html, tables=c.fig.tables(), charts=c.doc.finished_charts(),
                  count_columns=dict(EXTRA_COUNT_COLUMNS), worded_columns=sroi_notes(c))


def sroi_notes(c: YearlyContext) -> dict[str, dict[str, list[str]]]:
    """The notes of the SROI sheets in the report's language (the machine CSV keeps the pipeline's own)."""
    fig, tr = c.fig, c.tr
    if not len(fig.sroi_summary):
        return {}
    rate = float(c.data.programme["discount_rate"])
    return {"sroi_outcomes": {"notes": outcome_notes(fig.sroi_outcomes, c.data.of("sroi_outcomes", c.initiative_id), rate, tr)},
            "sroi": {"notes": summary_notes(fig.sroi_summary, fig.sroi_outcomes, tr)}}


def _share(row, column: str, tr: Translator) -> str:
    """A share in words: the percentage, 'afgeschermd' when disclosure control hid it, '–' when there is none."""
    if not pd.isna(row[column]):
        return tr.pct(row[column])
    return tr.t("common.suppressed_cell") if hidden_reason(row, column) else tr.t("common.missing_mark")


def methods_notes(data: ReportData, tr: Translator) -> list[str]:
    """How to read the marks, the MDE and the reliability verdicts (yearly report and overview)."""
    return [tr.t("methods.marks"), tr.t("methods.mde"),
            tr.t("methods.reliability", floor=tr.num(min_reliability(data), 2), below=tr.num(CAVEAT_BELOW, 2))]


def holm_family(data: ReportData) -> list[str]:
    """The primary hypotheses that were tested this year: the family of the Holm correction."""
    h = data.hypotheses
    tested = h[h["primary"].astype(bool) & h["p_adjusted"].notna()]
    names = dict(zip(data.initiatives["initiative_id"], data.initiatives["name"]))
    return [f"{names.get(r.initiative_id, r.initiative_id)} {r.hypothesis_id}" for r in tested.itertuples()]


def holm_left_out(data: ReportData, tr: Translator) -> str | None:
    """The sentence naming the expected initiatives that are not in the Holm family because they are left out;
    None when none is."""
    left_out = data.completeness.left_out
    if not left_out:
        return None
    return tr.t(counted_key("completeness.holm_left_out", len(left_out)), initiatives=", ".join(x.label(tr) for x in left_out))


#: The quality checks whose observed value is a share, with the agreed minimum: (check, column) → minimum.
SHARE_RULES = {("response_and_retention", "baseline_response"): MIN_BASELINE_RESPONSE,
               ("response_and_retention", "retention"): MIN_RETENTION}


def _found(w, tr: Translator, labels: dict[str, str]) -> str:
    parts = []
    if isinstance(w.outcome_id, str) and isinstance(w.wave, str):  # a check about one outcome at one wave
        wave = tr.t("wave." + w.wave).lower() if tr.has("wave." + w.wave) else w.wave
        parts.append(f"{labels.get(w.outcome_id, w.outcome_id)}, {wave}")
    share_rule = SHARE_RULES.get((w.check_name, w.column))
    if share_rule is not None and isinstance(w.observed_value, str) and w.observed_value:
        # a share against the agreed minimum: 'respons 56% (afgesproken: minstens 60%)'
        try:
            parts.append(tr.t(f"quality.observed_share.{w.column}", value=tr.pct(float(w.observed_value)),
                              threshold=tr.pct(share_rule)))
            return "; ".join(parts)
        except ValueError:
            pass
    if not pd.isna(w.unexpected_count) and w.unexpected_count:
        parts.append(tr.t("quality.not_as_expected", n=tr.num(w.unexpected_count, 0)))
    if isinstance(w.observed_value, str) and w.observed_value:
        try:
            parts.append(tr.t("quality.observed", value=tr.num(float(w.observed_value), 2)))
        except ValueError:
            parts.append(w.observed_value)
    return "; ".join(parts) or "–"



def _sroi_context(doc: Document, fig: InitiativeFigures, data: ReportData, tr: Translator, outcomes: pd.DataFrame) -> dict:
    labels = dict(zip(outcomes["outcome_id"], outcomes["label"]))
    summary = fig.sroi_summary.iloc[0]
    rows = [[labels.get(r["outcome_id"], r["outcome_id"]),
             r["proxy_source"] if isinstance(r.get("proxy_source"), str) and r["proxy_source"] else "–",
             cell(r, "quantity", tr.num(r["quantity"], 0), "no_data"),
             tr.num(r["proxy_eur"], 0), tr.pct(r["deadweight"]), tr.pct(r["displacement"]), tr.pct(r["attribution"]),
             tr.pct(r["drop_off"]), str(int(r["duration_years"])),
             cell(r, "present_value", tr.num(r["present_value"], 0), "no_data")] for _, r in fig.sroi_outcomes.iterrows()]
    table = doc.table("sroi", tr.t("sroi.table_caption", rate=tr.pct(data.programme["discount_rate"])),
                      [tr.t("col.outcome"), tr.t("col.source"), tr.t("col.quantity"), tr.t("col.proxy"),
                       tr.t("col.deadweight"), tr.t("col.displacement"), tr.t("col.attribution"), tr.t("col.drop_off"),
                       tr.t("col.years"), tr.t("col.present_value")], rows, text_columns=2)
    sens = data.of("sroi_sensitivity", fig.initiative_id)
    sens_rows = [[labels.get(r.outcome_id, r.outcome_id), tr.t(f"sroi.assumption.{r.assumption}"),
                  _assumption(r.assumption, r.declared_value, tr),
                  tipping_text(r.assumption, r.declared_value, r.tipping_point, tr, int(break_even(summary["ratio"])))
                  if not pd.isna(r.tipping_point)
                  else tr.t("sroi.no_tipping_point")]
                 for r in sens.itertuples()] if not pd.isna(summary["ratio"]) else []
    sens_tab = doc.table("sroi_sensitivity", tr.t("sroi.sensitivity_caption"),
                         [tr.t("col.outcome"), tr.t("col.assumption"), tr.t("col.declared"), tr.t("col.tipping_point")],
                         sens_rows, text_columns=2) if sens_rows else None
    if not pd.isna(summary["ratio"]):
        sentence = ratio_sentence(summary, tr)
        not_measured = {r.outcome_id: int(r.n_not_measured) for r in data.of("sroi_outcomes", fig.initiative_id).itertuples()
                        if r.quantity_source == "from_data" and not pd.isna(r.n_not_measured)}
        extra = non_respondents_sentence(fig, sens, not_measured, labels, tr)
    else:
        sentence = not_computed_sentence(fig, labels, data.year, tr)
        extra = [line for line in [masked_range_sentence(masked_range(fig, data.programme, data.year, data.threshold), tr)]
                 if line]
    return {"table": table, "sensitivity": sens_tab, "sentence": sentence, "notes": extra,
            "explain": tr.t("sroi.explain" if sens_tab else "sroi.explain_estimate")}


def _assumption(name: str, value: float, tr: Translator) -> str:
    """A value of an SROI assumption as the sensitivity table shows it (:func:`sroi_text.assumption_text`)."""
    return assumption_text(name, value, tr)
