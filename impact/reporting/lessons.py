"""The lessons-learned summary for the closing meeting: ``reports/<year>/lessons_learned/``.

Dated at the closing meeting of ``programme.yaml``. Which hypotheses held and
which did not, and why the data say so; what the data-quality record teaches
(response, attrition, the most frequent reasons rows were set aside); the
coaching log's lessons and actions grouped by coaching theme; a timeline of the
coaching year; and recommendations for next year derived by the rules in
``impact.reporting.recommendations`` from the results (never written by hand).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from impact.contracts.vocabulary import COACHING_THEMES
from impact.reporting import charts
from impact.reporting.completeness import counted_key, left_out_table, roster, title_notice
from impact.reporting.context import ProgrammeContext
from impact.reporting.data_quality import PROGRAMME_ROWS
from impact.language import Translator
from impact.reporting.publish import Report, environment
from impact.reporting.recommendations import recommend
from impact.reporting.render import png_bytes
from impact.reporting.report_data import ReportData
from impact.reporting.sentences import hidden_counts, publishable_sessions, redacted, verdict_sentence
from impact.reporting.tables import HIDDEN_COLUMN, InitiativeFigures, delivered_rows_hidden, hidden_reasons, hidden_text
from impact.reporting.yearly import cell, min_reliability, report_date, with_context
from impact.statistics.verdicts import VERDICTS

TEMPLATE = "lessons.html.j2"
VERDICT_ORDER = VERDICTS  # supported, contradicted, not_shown, unreliable_measurement, insufficient_data


RELIABILITY_FACTS = [f"reliability_{w}{part}" for w in ("baseline", "follow_up") for part in ("", "_ci_low", "_ci_high")]


def facts(data: ReportData, figures: dict[str, InitiativeFigures]) -> pd.DataFrame:
    """One row per hypothesis with what the recommendation rules read (published figures where people are counted)."""
    names = dict(zip(data.initiatives["initiative_id"], data.initiatives["name"]))
    rows = []
    for i, fig in figures.items():
        raw = data.of("hypotheses", i).set_index("hypothesis_id")
        resp = fig.response.iloc[0]
        drops = data.of("drops", i)
        reasons = data.of("quarantine_reasons", i)
        warnings = data.of("warnings", i)
        labels = dict(zip(data.of("outcomes", i)["outcome_id"], data.of("outcomes", i)["label"]))
        # an outcome whose verdict is unreliable_measurement gets check_the_measurement instead
        not_judged = set(fig.hypotheses.loc[fig.hypotheses["verdict"] == "unreliable_measurement", "outcome_id"])
        low_alpha = sorted({labels.get(o, o) for o in
                            warnings.loc[warnings["check_name"] == "reliability", "outcome_id"].dropna()
                            if o not in not_judged}) if len(warnings) else []
        real = fig.realisation.dropna(subset=["realisation"]).sort_values("realisation")
        for _, h in fig.hypotheses.iterrows():
            r = raw.loc[h["hypothesis_id"]]
            rows.append({
                "initiative_id": i, "initiative_name": names[i], "hypothesis_id": h["hypothesis_id"],
                "primary": bool(h["primary"]), "verdict": h["verdict"], "test": h["test"],
                # a count hidden because it is small reads 'fewer than 10' in the texts; one hidden to protect
                # another cell ('secondary') is not given at all
                "n_baseline": h["n_baseline"], "n_follow_up": h["n_follow_up"],
                "n_pairs": r["n_pairs"] if fig.cells.reasons.get(f"n.{h['outcome_id']}.pairs") == "primary" else h["n_pairs"],
                "min_pairs": int(r["min_pairs"]) if not pd.isna(r["min_pairs"]) else int(data.programme["min_pairs"]),
                "alpha": float(data.programme["alpha"]), "mean_difference": h["mean_difference"],
                "effect_size": h["effect_size"], "effect_size_kind": h["effect_size_kind"], "mde": h["mde"],
                "alternative": h["alternative"], "mde_alpha": h["mde_alpha"], "estimate_kind": h["estimate_kind"],
                "multiple_testing": data.programme.get("multiple_testing") or "holm",
                "target_effect_dz": data.programme.get("target_effect_dz"), "outcome": h["outcome"],
                **{c: h[c] for c in RELIABILITY_FACTS}, "min_reliability": min_reliability(data),
                "response_rate": resp["response_rate"], "retention": resp["retention"],
                "raw_rows": int(drops["raw_rows"].sum()) if len(drops) else 0,
                "quarantined_rows": int(drops["quarantined_rows"].sum()) if len(drops) else 0,
                "top_quarantine_rule": reasons["rule"].iloc[0] if len(reasons) else None,
                "low_reliability_outcomes": low_alpha,
                "lowest_realisation": float(real["realisation"].iloc[0]) if len(real) else np.nan,
                "lowest_realisation_output": real["label"].iloc[0] if len(real) else None,
                "has_sroi": bool(len(fig.sroi_summary)),
            })
    return pd.DataFrame(rows)


def _response_hidden(fig: InitiativeFigures, rows_hidden: bool = False) -> str:
    """The ``hidden`` cell of an initiative's response rate and retention (and its rows delivered, where hidden)."""
    reasons = hidden_reasons(fig.response.iloc[0])
    return hidden_text({**{c: reasons[c] for c in ("response_rate", "retention") if c in reasons},
                        **({"raw_rows": "reveals_survey_count"} if rows_hidden else {})})


@dataclass(kw_only=True)
class LessonsContext(ProgrammeContext):
    """The programme context with the language (the recommendations' rules write in it) and the facts the
    recommendation rules read."""

    language: str
    facts: pd.DataFrame = field(init=False)
    #: the coaching log's sessions of the programme (``all``) and of the initiatives in the report: a session of an
    #: initiative left out (``impact.reporting.completeness``) is not shown, as none of its figures are
    sessions: pd.DataFrame = field(init=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.facts = facts(self.data, self.figures)
        log = self.data.sessions
        self.sessions = log[log["initiative_id"].isin([PROGRAMME_ROWS, *self.figures])].reset_index(drop=True)


def held_section(c: LessonsContext) -> dict:
    """1. Which hypotheses held and which did not, grouped by verdict, each in one plain sentence."""
    tr, data, figures = c.tr, c.data, c.figures
    section = c.doc.section("held")
    hyp = pd.concat([f.hypotheses.assign(initiative_id=i) for i, f in figures.items()], ignore_index=True)
    published = list(hyp.columns)
    raw = data.hypotheses.set_index(["initiative_id", "hypothesis_id"])
    hyp = with_context(hyp, data)
    hyp["min_pairs_required"] = [int(raw.loc[(r.initiative_id, r.hypothesis_id), "min_pairs"]) if not pd.isna(
        raw.loc[(r.initiative_id, r.hypothesis_id), "min_pairs"]) else int(data.programme["min_pairs"]) for r in hyp.itertuples()]
    groups = []
    for verdict in VERDICT_ORDER:
        part = hyp[hyp["verdict"] == verdict]
        if len(part):
            groups.append({"verdict": verdict, "title": tr.t(f"lessons.verdict_group.{verdict}", n=count_words(part, tr)),
                           "entries": [{"who": f"{c.names[h['initiative_id']]} – {h['hypothesis_id']}"
                                               + ("" if bool(h["primary"]) else " " + tr.t("lessons.secondary_mark")),
                                        "statement": h["statement"], "sentence": verdict_sentence(h, tr)}
                                       for _, h in part.iterrows()]})
    c.tables["hypotheses"] = hyp[published].reset_index(drop=True)
    return {"section": section, "groups": groups, "roster": roster(data.completeness, c.names, tr),
            "intro": tr.t("lessons.held_intro" if data.completeness.complete else "lessons.held_intro_incomplete",
                          n=len(hyp), initiatives=len(figures),
                          detail="" if hyp["primary"].astype(bool).all() else f": {count_words(hyp, tr)}")}


def count_words(hyp: pd.DataFrame, tr: Translator) -> str:
    """'6' when every hypothesis is primary, else '6 hoofdvragen en 1 bijvraag': the programme overview counts
    primary hypotheses only, so a count here that includes a secondary one says so."""
    primary = int(hyp["primary"].astype(bool).sum())
    secondary = len(hyp) - primary
    if not secondary:
        return str(primary)
    parts = ([tr.units("lessons.primary_count", primary, 0)] if primary else []) + [
        tr.units("lessons.secondary_count", secondary, 0)]
    return tr.listing(parts)


def quality_section(c: LessonsContext) -> dict:
    """2. What the year taught about data: response, retention and the rows set aside, per initiative."""
    tr, data, figures, names = c.tr, c.data, c.figures, c.names
    section = c.doc.section("quality_lessons")
    per = c.facts.drop_duplicates("initiative_id")
    q_rows = []
    for r in per.itertuples():
        reasons = data.of("quarantine_reasons", r.initiative_id)
        top = ", ".join(f"{tr.quarantine_reason(x.rule)} ({x.entries})" for x in reasons.itertuples()) or "–"
        resp = figures[r.initiative_id].response.iloc[0]
        # the reasons (words) stand beside the name, as text columns wrap; the figures follow
        q_rows.append([names[r.initiative_id], top,
                       cell(resp, "response_rate", tr.pct(resp["response_rate"]), "no_share"),
                       cell(resp, "retention", tr.pct(resp["retention"]), "no_share"), tr.num(r.quarantined_rows, 0)])
    q_tab = c.doc.table("quality", tr.t("lessons.quality_caption"),
                        [tr.t("col.initiative"), tr.t("lessons.top_reasons"), tr.t("col.response"), tr.t("col.retention"),
                         tr.t("col.quarantined")], q_rows, text_columns=2, note=tr.t("lessons.quality_note"))
    # the reasons of the initiatives in the table, as the totals below (not of one left out of the report)
    in_report = data.quarantine_reasons[data.quarantine_reasons["initiative_id"].isin(list(figures))] \
        if len(data.quarantine_reasons) else data.quarantine_reasons
    all_reasons = in_report.groupby("rule")["entries"].sum().sort_values(ascending=False) \
        if len(in_report) else pd.Series(dtype=int)
    resp = per["response_rate"].astype(float)
    ret = per["retention"].astype(float)
    lows = per.loc[resp < 0.6, "initiative_id"].map(names).tolist()
    low_ret = per.loc[ret < 0.7, "initiative_id"].map(names).tolist()
    top = [f"{tr.quarantine_reason(k)} ({v})" for k, v in all_reasons.items()]
    set_aside = int(per["quarantined_rows"].sum())
    # an initiative whose respondent count is hidden has its rows hidden too (they would give that count back): then
    # the programme's total, which with the others' gives its rows back, is rounded to hundreds
    rows_hidden = {i for i in per["initiative_id"] if delivered_rows_hidden(figures[i])}
    total = int(per["raw_rows"].sum())
    total_text = tr.t("lessons.about", n=tr.num(round(total, -2), 0)) if rows_hidden else tr.num(total, 0)
    points = [
        tr.t(_counted("lessons.response_point", lows), median=tr.pct(resp.median()), low=tr.listing(lows)),
        tr.t(_counted("lessons.retention_point", low_ret), median=tr.pct(ret.median()), low=tr.listing(low_ret)),
        tr.t(_counted("lessons.quarantine_point", top if set_aside else []), rows=tr.num(set_aside, 0),
             total=total_text, reasons=tr.listing(top)),
    ]
    c.tables["data_quality"] = (
        per[["initiative_id", "response_rate", "retention", "raw_rows", "quarantined_rows", "top_quarantine_rule"]]
        .assign(raw_rows=lambda d: d["raw_rows"].where(~d["initiative_id"].isin(rows_hidden)),
                top_quarantine_reason=lambda d: d["top_quarantine_rule"].map(
            lambda r: tr.quarantine_reason(r) if isinstance(r, str) else None),
                **{HIDDEN_COLUMN: lambda d: d["initiative_id"].map(
                    lambda i: _response_hidden(figures[i], i in rows_hidden))})
        .reset_index(drop=True))
    return {"section": section, "table": q_tab, "points": points}


def _counted(key: str, items: list) -> str:
    """``key`` for several items, ``<key>_one`` for one, ``<key>_none`` for none (a verb that agrees: 'bleven', 'bleef')."""
    return key if len(items) > 1 else f"{key}_one" if items else f"{key}_none"


def coaching_section(c: LessonsContext) -> dict:
    """3. The coaching log's lessons and actions per coaching theme (a sentence naming a small group left out)."""
    tr = c.tr
    section = c.doc.section("coaching_lessons")
    published_log = publishable_sessions(c.sessions, tr, {i: hidden_counts(fig.cells) for i, fig in c.figures.items()})
    sessions = published_log.copy()
    sessions["who"] = sessions["initiative_id"].map(c.names).fillna(tr.t("lessons.all_initiatives"))
    themes = []
    for theme in (*COACHING_THEMES, None):
        part = sessions[sessions["theme"] == theme] if theme else sessions[~sessions["theme"].isin(COACHING_THEMES)]
        part = part[part["lessons"].notna() | part["actions"].notna()]
        if len(part):
            themes.append({"title": tr.t(f"theme.{theme or 'other'}"), "entries": [
                {"who": f"{s.who}, {tr.date(s.date)}", "lessons": s.lessons or "", "actions": s.actions or ""}
                for s in part.itertuples()]})
    c.tables["coaching_sessions"] = published_log[
        ["initiative_id", "kind", "session_no", "date", "theme", "topics", "lessons", "actions"]].assign(
        date=lambda d: pd.to_datetime(d["date"]).dt.strftime("%Y-%m-%d"))
    left_out = len(c.data.sessions) - len(c.sessions)   # sessions of initiatives left out of the report
    intro = tr.t("lessons.coaching_intro", n=len(sessions)) + (
        " " + tr.t(counted_key("lessons.sessions_left_out", left_out), n=left_out) if left_out else "")
    return {"section": section, "themes": themes, "intro": intro,
            "redacted": redacted(c.sessions, published_log)}


def timeline_section(c: LessonsContext) -> dict:
    """4. The coaching year as a timeline: every session per initiative, coloured and shaped by theme; and the
    table of its dates."""
    tr = c.tr
    section = c.doc.section("timeline")
    order = [(PROGRAMME_ROWS, tr.t("lessons.all_initiatives"))] + [(i, c.names[i]) for i in c.figures]
    figure = c.doc.figure("timeline", png_bytes(charts.timeline(c.sessions, order, tr)), tr.t("lessons.timeline_caption"),
                          shows=tr.t("alt.timeline"), table="timeline")
    # the chart's figures: per initiative (a row) and theme (a column) the dates of its sessions
    themes = list(COACHING_THEMES)
    sessions = c.sessions.assign(theme=lambda d: d["theme"].where(d["theme"].isin(themes), "other"))
    shown = themes + (["other"] if (sessions["theme"] == "other").any() else [])
    rows = []
    for key, label in order:
        mine = sessions[sessions["initiative_id"] == key].sort_values("date")
        # a date outside the programme year (the closing meeting early the next year) gets its year; a date is not
        # broken over lines
        rows.append([label, *[", ".join((tr.short_date(d) + ("" if d.year == c.data.year else f" {d.year}")).replace(" ", "\u00a0")
                                        for d in pd.to_datetime(mine.loc[mine["theme"] == t, "date"]).dt.date)
                              for t in shown]])
    table = c.doc.table("timeline", tr.t("lessons.timeline_table_caption"),
                        [tr.t("col.initiative"), *[tr.t(f"theme.{t}") for t in shown]], rows, text_columns=1 + len(shown))
    return {"section": section, "figure": figure, "table": table}


def recommendations_section(c: LessonsContext) -> dict:
    """5. Recommendations per initiative from the tested rules in impact/reporting/recommendations.py."""
    tr = c.tr
    section = c.doc.section("recommendations")
    recs = (recommend(c.facts, c.language, threshold=c.data.threshold) if len(c.facts)
            else pd.DataFrame(columns=["initiative_id", "theme", "text"]))
    by_initiative = [{"name": c.names[i], "entries": [{"theme": tr.t(f"theme.{r.theme}"), "text": r.text}
                                                    for r in recs[recs["initiative_id"] == i].itertuples()]}
                     for i in c.figures if (recs["initiative_id"] == i).any()]
    c.tables["recommendations"] = recs.reset_index(drop=True)
    return {"section": section, "groups": by_initiative, "intro": tr.t("lessons.recommendations_intro")}


#: The chapters in their order: (template variable, section function).
SECTIONS = (("held", held_section), ("quality", quality_section), ("coaching", coaching_section),
            ("timeline", timeline_section), ("recommendations", recommendations_section))


def build(data: ReportData, figures: dict[str, InitiativeFigures], language: str, code_version: dict,
          delivered_anyway: bool = False) -> Report:
    """The summary; ``delivered_anyway``: an incomplete programme is delivered as asked (its title page says so)."""
    c = LessonsContext(data=data, figures=figures, tr=Translator(language, data.threshold), language=language)
    ctx = {name: section(c) for name, section in SECTIONS}
    closing = report_date(data)
    title = c.tr.t("lessons.title", year=c.year)
    whole = data.completeness
    c.tables.update(left_out_table(whole, c.tr))
    subtitle = (c.tr.t("lessons.subtitle", n=len(figures)) if whole.complete else
                c.tr.t("lessons.subtitle_incomplete", n=len(whole.included), expected=len(whole.expected)))
    html = environment().get_template(TEMPLATE).render(
        tr=c.tr, programme=data.programme, title=title, kicker=c.tr.t("lessons.kicker", date=c.tr.date(closing)),
        subtitle=subtitle, title_notice=title_notice(whole, c.tr, delivered_anyway), report_date=closing,
        sections=c.doc.sections, **ctx)
    return Report(folder="lessons_learned", stem=f"lessons_learned_{c.year}", title=title, language=language,
                  created=closing, html=html, tables=c.tables, charts=c.doc.finished_charts())
