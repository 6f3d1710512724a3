"""The yearly report of one initiative: ``reports/<year>/<initiative_id>/``.

Sections: summary; Theory of Change (diagram); reach and activities per quarter
against the targets; outcomes (distribution per wave, change among the people
measured twice); hypotheses with their verdicts in plain language; attrition;
data quality; the coaching sessions; SROI where configured; methods and provenance.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from impact.instruments.registry import REGISTRY
from impact.reporting import charts
from impact.reporting.i18n import Translator
from impact.reporting.layout import Document, shown
from impact.reporting.publish import Report, environment
from impact.reporting.render import png_bytes
from impact.reporting.report_data import ReportData, as_list
from impact.reporting.sentences import attrition_sentence, change_words, verdict_sentence
from impact.reporting.tables import EXTRA_COUNT_COLUMNS, WIJKEN, InitiativeFigures, initiative_figures

TEMPLATE = "yearly.html.j2"


def report_date(data: ReportData) -> dt.date:
    """Reports are dated at the programme's closing meeting (``programme.yaml``), never by the clock."""
    return pd.Timestamp(data.programme["closing_meeting"]).date()


def _hypothesis_rows(fig: InitiativeFigures, data: ReportData, initiative_id: str) -> pd.DataFrame:
    hyp = fig.hypotheses.copy()
    raw = data.of("hypotheses", initiative_id)
    hyp["min_pairs_required"] = raw["min_pairs"].fillna(data.programme["min_pairs"]).astype(int).to_numpy() if len(raw) else []
    hyp["alpha"] = float(data.programme["alpha"])
    return hyp


def _instrument_rows(data: ReportData, initiative_id: str, tr: Translator) -> list[list[str]]:
    rows = []
    for o in data.of("outcomes", initiative_id).itertuples():
        inst = REGISTRY.get(o.instrument)
        if inst is not None:
            rows.append([o.label, inst.name, inst.source])
        else:
            rows.append([o.label, tr.t("methods.custom_outcome"), tr.t("methods.custom_source")])
    return rows


def build(data: ReportData, initiative_id: str, language: str, code_version: dict) -> Report:
    tr = Translator(language, data.threshold)
    fig = initiative_figures(data, initiative_id)
    ini = data.of("initiatives", initiative_id).iloc[0]
    year = str(data.year)
    doc = Document(tr)
    ctx: dict = {}

    # 1 summary
    s_summary = doc.section("summary")
    hyp = _hypothesis_rows(fig, data, initiative_id)
    verdicts = [{"id": h.hypothesis_id, "statement": h.statement, "verdict": h.verdict,
                 "verdict_word": tr.t(f"verdict.{h.verdict}"), "primary": bool(h.primary),
                 "sentence": verdict_sentence(h, tr)}
                for _, h in hyp.iterrows()]
    reached = fig.reach.iloc[-1]["participants_reached"]
    target_row = fig.realisation[fig.realisation["measure"] == "participants"]
    target = float(target_row["target"].iloc[0]) if len(target_row) else None
    resp = fig.response.iloc[0]
    kpis = [
        (tr.count(reached) if not pd.isna(reached) else tr.t("common.suppressed_cell"),
         tr.t("kpi.reached") + (" " + tr.t("kpi.of_target", target=tr.num(target, 0)) if target else "")),
        (tr.num(fig.reach.iloc[-1]["activities"], 0), tr.t("kpi.activities")),
        (tr.pct(resp["response_rate"]), tr.t("kpi.response")),
        (tr.pct(resp["retention"]), tr.t("kpi.retention")),
    ]
    key_outcomes = []
    for _, h in hyp.iterrows():
        if pd.isna(h["mean_baseline"]):
            continue
        unit_pct = h["test"] == "mcnemar"
        fmt = (lambda v: tr.pct(v)) if unit_pct else (lambda v: tr.num(v, 2))
        key_outcomes.append(tr.t("summary.outcome_line", outcome=h["outcome"], baseline=fmt(h["mean_baseline"]),
                                 follow_up=fmt(h["mean_follow_up"]), n=tr.count(h["n_pairs"]), change=change_words(h, tr)))
    ctx["summary"] = {"section": s_summary, "kpis": kpis, "verdicts": verdicts, "key_outcomes": key_outcomes,
                      "intro": tr.t("summary.intro", name=ini["name"], year=year, target_group=ini["target_group"])}

    # 2 Theory of Change
    s_toc = doc.section("theory_of_change")
    outputs = data.of("outputs", initiative_id)
    outcomes = data.of("outcomes", initiative_id)
    ctx["toc"] = {
        "section": s_toc,
        "problem": ini["problem"], "target_group": ini["target_group"], "impact": ini["impact"],
        "activities": [a for a in as_list(ini["activities"]) if a],
        "outputs": [{"label": o.label, "sub": tr.t("toc.target", target=tr.num(o.target, 0)) if not pd.isna(o.target) else ""}
                    for o in outputs.itertuples()],
        "outcomes": [{"label": o.label, "sub": (REGISTRY[o.instrument].name if o.instrument in REGISTRY
                                                else tr.t("methods.custom_outcome"))} for o in outcomes.itertuples()],
        "hypotheses": [{"id": h.hypothesis_id, "statement": h.statement} for h in hyp.itertuples()],
    }

    # 3 reach and activities
    s_reach = doc.section("reach")
    quarters = fig.reach[fig.reach["period"] != year]
    reach_fig = doc.figure("reach_and_activities", png_bytes(charts.reach_and_activities(quarters, target, tr)),
                           tr.t("reach.figure_caption", threshold=data.threshold))
    reach_rows = [[tr.t("period.year", year=year) if r.period == year else r.period.split("-")[-1],
                   shown(r.participants_new, tr.num(r.participants_new, 0)),
                   shown(r.participants_reached, tr.num(r.participants_reached, 0)),
                   shown(r.activities, tr.num(r.activities, 0)), shown(r.attendance, tr.num(r.attendance, 0)),
                   shown(r.volunteer_hours, tr.num(r.volunteer_hours, 0))] for r in fig.reach.itertuples()]
    reach_tab = doc.table("reach", tr.t("reach.table_caption"), [tr.t("col.period"), tr.t("col.new"), tr.t("col.reached"),
                          tr.t("col.activities"), tr.t("col.attendance"), tr.t("col.volunteer_hours")], reach_rows)
    real_rows = [[r.label, tr.num(r.target, 0), shown(r.realised, tr.num(r.realised, 0)), shown(r.realisation, tr.pct(r.realisation))]
                 for r in fig.realisation.itertuples()]
    real_tab = doc.table("realisation", tr.t("reach.realisation_caption"),
                         [tr.t("col.output"), tr.t("col.target"), tr.t("col.realised"), tr.t("col.realisation")], real_rows)
    wijk_rows = [[tr.t("wijk.unknown") if r.wijk == "unknown" else r.wijk, shown(r.participants, tr.num(r.participants, 0))]
                 for r in fig.wijk.itertuples()]
    wijk_tab = doc.table("wijk", tr.t("reach.wijk_caption", n=len(WIJKEN)), [tr.t("col.wijk"), tr.t("col.participants")], wijk_rows)
    ctx["reach"] = {"section": s_reach, "figure": reach_fig, "table": reach_tab, "realisation": real_tab, "wijk": wijk_tab}

    # 4 outcomes
    s_out = doc.section("outcomes")
    outcome_figs = []
    for o in fig.outcomes["outcome_id"].unique():
        d = fig.outcomes[fig.outcomes["outcome_id"] == o]
        label = d["label"].iloc[0]
        png = png_bytes(charts.distribution(d, label, None, tr))
        outcome_figs.append(doc.figure(f"distribution_{o.replace('.', '_')}", png, tr.t("outcomes.distribution_caption", outcome=label)))
    change_fig = None
    drawable = fig.changes.dropna(subset=["share_worse", "share_same", "share_better"], how="all")
    if len(drawable):  # an outcome whose every share is hidden would be an empty bar
        change_fig = doc.figure("paired_change", png_bytes(charts.change_shares(drawable, tr)),
                                tr.t("outcomes.change_caption", threshold=data.threshold))
    dist_rows = [[r.label, tr.t(f"wave.{r.wave}"), shown(r.n, tr.num(r.n, 0)), shown(r.mean, tr.num(r.mean, 2)),
                  shown(r.p25, tr.num(r.p25, 1)), shown(r.p50, tr.num(r.p50, 1)), shown(r.p75, tr.num(r.p75, 1))]
                 for r in fig.outcomes.itertuples()]
    dist_tab = doc.table("distributions", tr.t("outcomes.table_caption"),
                         [tr.t("col.outcome"), tr.t("col.wave"), "n", tr.t("col.mean"), "P25", tr.t("col.median"), "P75"],
                         dist_rows, text_columns=2)
    ctx["outcomes"] = {"section": s_out, "figures": outcome_figs, "change": change_fig, "table": dist_tab}

    # 5 hypotheses
    s_hyp = doc.section("hypotheses")
    hyp_rows = []
    for _, h in hyp.iterrows():
        pct = h["test"] == "mcnemar"
        diff = shown(h["mean_difference"], tr.num(h["mean_difference"] * (100 if pct else 1), 1 if pct else 2, signed=True))
        ci = shown(h["ci_low"], tr.t("common.interval", low=tr.num(h["ci_low"] * (100 if pct else 1), 1 if pct else 2),
                                     high=tr.num(h["ci_high"] * (100 if pct else 1), 1 if pct else 2)))
        es = shown(h["effect_size"], f"{tr.num(h['effect_size'], 2)} ({tr.t('effect_kind_short.' + str(h['effect_size_kind']))})")
        hyp_rows.append([h["hypothesis_id"], tr.t(f"test.{h['test']}"), shown(h["n_pairs"], tr.num(h["n_pairs"], 0)), diff, ci,
                         es, shown(h["p_value"], tr.p_value(h["p_value"])),
                         shown(h["p_adjusted"], tr.p_value(h["p_adjusted"])) if h["primary"] else tr.t("hypotheses.secondary"),
                         shown(h["mde"], tr.num(h["mde"] * (100 if pct else 1), 1 if pct else 2)), tr.t(f"verdict.{h['verdict']}")])
    hyp_tab = doc.table("hypotheses", tr.t("hypotheses.table_caption"),
                        [tr.t("col.hypothesis"), tr.t("col.test"), tr.t("col.pairs"), tr.t("col.change"), tr.t("col.ci"),
                         tr.t("col.effect_size"), "p", tr.t("col.p_adjusted"), tr.t("col.mde"), tr.t("col.verdict")],
                        hyp_rows, text_columns=2, note=tr.t("hypotheses.table_note", alpha=tr.num(data.programme["alpha"], 2)))
    explanations = [{"id": v["id"], "statement": v["statement"], "verdict": v["verdict"], "verdict_word": v["verdict_word"],
                     "sentence": v["sentence"], "test_why": tr.t(f"test.{h['test']}.why"),
                     "meaning": tr.t(f"verdict_meaning.{h['verdict']}")}
                    for v, (_, h) in zip(verdicts, hyp.iterrows())]
    ctx["hypotheses"] = {"section": s_hyp, "table": hyp_tab, "explanations": explanations,
                         "holm": tr.t("hypotheses.holm", n=len(holm_family(data)))}

    # 6 attrition
    s_att = doc.section("attrition")
    att_rows = [[r.outcome, shown(r.n_baseline, tr.num(r.n_baseline, 0)), shown(r.n_with_follow_up, tr.num(r.n_with_follow_up, 0)),
                 shown(r.n_without_follow_up, tr.num(r.n_without_follow_up, 0)),
                 shown(r.mean_with_follow_up, tr.num(r.mean_with_follow_up, 2)),
                 shown(r.mean_without_follow_up, tr.num(r.mean_without_follow_up, 2)),
                 shown(r.p_value, tr.p_value(r.p_value))] for r in fig.attrition.itertuples()]
    att_tab = doc.table("attrition", tr.t("attrition.table_caption"),
                        [tr.t("col.outcome"), tr.t("col.baseline"), tr.t("col.with_follow_up"), tr.t("col.without_follow_up"),
                         tr.t("col.mean_with"), tr.t("col.mean_without"), "p (Welch)"], att_rows)
    ctx["attrition"] = {"section": s_att, "table": att_tab,
                        "sentences": [f"{r['outcome']}: {attrition_sentence(r, tr)}" for _, r in fig.attrition.iterrows()],
                        "response": tr.t("attrition.response" if not pd.isna(resp["retention"]) else "attrition.response_only",
                                         registered=tr.count(resp["n_registered"]), response=tr.pct(resp["response_rate"]),
                                         retention=tr.pct(resp["retention"]), threshold=data.threshold)}

    # 7 data quality
    s_q = doc.section("data_quality")
    drops = data.of("drops", initiative_id)
    raw_rows = int(drops["raw_rows"].sum()) if len(drops) else 0
    quarantined = int(drops["quarantined_rows"].sum()) if len(drops) else 0
    reasons = data.of("quarantine_reasons", initiative_id)
    reason_rows = [[tr.t(f"table.{r.table_name}"), tr.quarantine_reason(r.rule), tr.num(r.entries, 0)] for r in reasons.itertuples()]
    reason_tab = doc.table("quarantine", tr.t("quality.reasons_caption"), [tr.t("col.table"), tr.t("col.reason"), tr.t("col.entries")],
                           reason_rows, text_columns=2) if reason_rows else None
    warns = data.of("warnings", initiative_id)
    labels = dict(zip(outcomes["outcome_id"], outcomes["label"]))
    warn_rows = [[tr.t(f"check.{w.check_name}"), tr.t(f"outcome.{w.outcome}"), _found(w, tr, labels)] for w in warns.itertuples()]
    warn_tab = doc.table("checks", tr.t("quality.checks_caption"), [tr.t("col.check"), tr.t("col.result"), tr.t("col.found")],
                         warn_rows, text_columns=3) if warn_rows else None
    ctx["quality"] = {"section": s_q, "reasons": reason_tab, "checks": warn_tab,
                      "intro": tr.t("quality.intro", files=len(drops), rows=tr.num(raw_rows, 0),
                                    staged=tr.num(raw_rows - quarantined, 0), quarantined=tr.num(quarantined, 0)),
                      "refused": int(drops["refused"].sum()) if len(drops) else 0}

    # 8 coaching
    s_c = doc.section("coaching")
    sessions = data.sessions[data.sessions["initiative_id"].isin([initiative_id])]
    ctx["coaching"] = {"section": s_c, "sessions": [
        {"no": int(s.session_no), "date": tr.date(s.date), "theme": tr.t(f"theme.{s.theme}") if isinstance(s.theme, str) else "",
         "topics": s.topics or "", "lessons": s.lessons or "", "actions": s.actions or ""} for s in sessions.itertuples()]}

    # 9 SROI
    if len(fig.sroi_summary):
        s_sroi = doc.section("sroi")
        ctx["sroi"] = _sroi_context(doc, fig, data, tr, outcomes) | {"section": s_sroi}
    else:
        ctx["sroi"] = None

    # 10 methods and provenance
    s_m = doc.section("methods")
    input_rows = data.input_files(initiative_id).values.tolist()
    ctx["methods"] = {
        "section": s_m,
        "instruments": doc.table("instruments", tr.t("methods.instruments_caption"),
                                 [tr.t("col.outcome"), tr.t("col.instrument"), tr.t("col.source")],
                                 _instrument_rows(data, initiative_id, tr), text_columns=3),
        "tests": sorted({tr.t(f"test.{t}.method") for t in hyp["test"]}),
        "holm_family": holm_family(data),
        "inputs": doc.table("inputs", tr.t("methods.inputs_caption"), [tr.t("col.file"), "SHA-256"], input_rows, text_columns=2),
        "code_version": code_version,
    }

    title = tr.t("yearly.title", year=year, name=ini["name"])
    html = environment().get_template(TEMPLATE).render(
        tr=tr, programme=data.programme, title=title, kicker=tr.t("yearly.kicker", year=year),
        subtitle=ini["name"], report_date=report_date(data), sections=doc.sections, **ctx,
    )
    return Report(folder=initiative_id, stem=f"{initiative_id}_{year}", title=title, language=language,
                  created=report_date(data), html=html, tables=fig.tables(), charts=doc.charts,
                  count_columns=dict(EXTRA_COUNT_COLUMNS))


def holm_family(data: ReportData) -> list[str]:
    """The primary hypotheses that were tested this year: the family of the Holm correction."""
    h = data.hypotheses
    tested = h[h["primary"].astype(bool) & h["p_adjusted"].notna()]
    names = dict(zip(data.initiatives["initiative_id"], data.initiatives["name"]))
    return [f"{names.get(r.initiative_id, r.initiative_id)} {r.hypothesis_id}" for r in tested.itertuples()]


def _found(w, tr: Translator, labels: dict[str, str]) -> str:
    parts = []
    if isinstance(w.outcome_id, str) and isinstance(w.wave, str):  # a check about one outcome at one wave
        wave = tr.t("wave." + w.wave).lower() if tr.has("wave." + w.wave) else w.wave
        parts.append(f"{labels.get(w.outcome_id, w.outcome_id)}, {wave}")
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
    rows = [[labels.get(r.outcome_id, r.outcome_id), shown(r.quantity, tr.num(r.quantity, 0)), tr.num(r.proxy_eur, 0),
             tr.pct(r.deadweight), tr.pct(r.displacement), tr.pct(r.attribution), tr.pct(r.drop_off), str(int(r.duration_years)),
             shown(r.present_value, tr.num(r.present_value, 0))] for r in fig.sroi_outcomes.itertuples()]
    table = doc.table("sroi", tr.t("sroi.table_caption", rate=tr.pct(data.programme["discount_rate"])),
                      [tr.t("col.outcome"), tr.t("col.quantity"), tr.t("col.proxy"), tr.t("col.deadweight"),
                       tr.t("col.displacement"), tr.t("col.attribution"), tr.t("col.drop_off"), tr.t("col.years"),
                       tr.t("col.present_value")], rows)
    sens = data.of("sroi_sensitivity", fig.initiative_id)
    sens_rows = [[labels.get(r.outcome_id, r.outcome_id), tr.t(f"sroi.assumption.{r.assumption}"),
                  _assumption(r.assumption, r.declared_value, tr),
                  _assumption(r.assumption, r.tipping_point, tr) if not pd.isna(r.tipping_point) else tr.t("sroi.no_tipping_point")]
                 for r in sens.itertuples()] if not pd.isna(summary["ratio"]) else []
    sens_tab = doc.table("sroi_sensitivity", tr.t("sroi.sensitivity_caption"),
                         [tr.t("col.outcome"), tr.t("col.assumption"), tr.t("col.declared"), tr.t("col.tipping_point")],
                         sens_rows, text_columns=2) if sens_rows else None
    sentence = (tr.t("sroi.ratio_sentence", ratio=tr.num(summary["ratio"], 2), low=tr.num(summary["ratio_low"], 2),
                     high=tr.num(summary["ratio_high"], 2), inputs=tr.num(summary["inputs_eur"], 0),
                     pv=tr.num(summary["present_value"], 0))
                if not pd.isna(summary["ratio"]) else tr.t("sroi.not_computed"))
    return {"table": table, "sensitivity": sens_tab, "sentence": sentence}


def _assumption(name: str, value: float, tr: Translator) -> str:
    if name in ("deadweight", "displacement", "attribution", "drop_off"):
        return tr.pct(value)
    return tr.num(value, 0)
