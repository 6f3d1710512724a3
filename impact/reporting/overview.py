"""The programme overview for the municipality: ``reports/<year>/programme/``.

Every initiative included side by side (and, on the title page, each one left out with why:
``impact.reporting.completeness``): a forest plot of the effect sizes with their
intervals and verdicts (one panel and axis per kind of effect size), reach by wijk over the ten districts of Utrecht,
realisation against the targets, and response and data quality per initiative,
with a short reading guide. Aggregates only, and the same disclosure-controlled
figures as the yearly reports (a figure hidden there is hidden here). Totals over
initiatives per wijk are shown only where no part is hidden, or where at least
two parts are hidden and together rest on at least the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from impact.reporting import charts
from impact.reporting.completeness import counted_key, left_out_table, roster, title_notice
from impact.reporting.context import ProgrammeContext
from impact.language import Translator
from impact.reporting.layout import hidden, missing
from impact.reporting.publish import Report, environment
from impact.reporting.render import png_bytes
from impact.reporting.report_data import ReportData
from impact.reporting.sentences import conclusion_sentence, evidence_words, glossary, scale_words
from impact.reporting.sroi_text import masked_range, ratio_text
from impact.reporting.tables import (
    HIDDEN_COLUMN, UNKNOWN_WIJK, WIJKEN, InitiativeFigures, delivered_rows_hidden, hidden_reason, hidden_reasons, hidden_text,
)
from impact.reporting.yearly import (
    DECIMALS, caveat_note, cell, effect_cell, estimate_cell, holm_family, holm_left_out, methods_notes, min_reliability, p_holm_cell,
    report_date, verdict_cell, wave_line, with_context,
)
from impact.statistics.verdicts import VERDICTS

TEMPLATE = "overview.html.j2"


def wijk_table(figures: dict[str, InitiativeFigures], names: dict[str, str], threshold: int) -> pd.DataFrame:
    """Initiatives × wijken (published cells), with a total row whose cells follow the rule above."""
    wijken = list(WIJKEN) + [UNKNOWN_WIJK]
    rows = []
    for i, fig in figures.items():
        w = fig.wijk.set_index("wijk")
        reasons = {k: hidden_reasons(w.loc[k]).get("participants") for k in wijken if k in w.index}
        rows.append({"initiative": names[i], **{k: w["participants"].get(k, np.nan) for k in wijken},
                     HIDDEN_COLUMN: hidden_text({k: v for k, v in reasons.items() if v})})
    table = pd.DataFrame(rows, columns=["initiative", *wijken, HIDDEN_COLUMN])
    # the counts before suppression and whether each was hidden, per initiative
    counts = [(fig.cells.rows_by_id(), fig.cells) for fig in figures.values()]
    totals = {"initiative": "total"}
    why = {}
    for k in wijken:
        cell = f"wijk.{k}"
        hidden_sum = sum(values[cell] for values, cells in counts if cells.hidden(cell))
        hidden = sum(1 for _, cells in counts if cells.hidden(cell))
        total = sum(values[cell] for values, _ in counts)
        ok = total >= threshold or total == 0
        ok &= hidden == 0 or (hidden >= 2 and hidden_sum >= threshold)
        totals[k] = float(total) if ok else np.nan
        if not ok:
            why[k] = "fewer_than_threshold" if 0 < total < threshold else "protects_hidden_figure"
    totals[HIDDEN_COLUMN] = hidden_text(why)
    return pd.concat([table, pd.DataFrame([totals])], ignore_index=True)


def initiative_budget(data: ReportData, figures: dict[str, InitiativeFigures], initiative_id: str) -> float:
    """The initiative's cost in the year: its Theory of Change's ``budget_eur`` where stated, else the
    investment its SROI values (``inputs_eur``); NaN when neither is known."""
    ini = data.of("initiatives", initiative_id)
    if "budget_eur" in ini.columns and len(ini) and not pd.isna(ini["budget_eur"].iloc[0]):
        return float(ini["budget_eur"].iloc[0])
    summary = figures[initiative_id].sroi_summary
    if len(summary) and "inputs_eur" in summary.columns and not pd.isna(summary["inputs_eur"].iloc[0]):
        return float(summary["inputs_eur"].iloc[0])
    return np.nan


def cost_words(budget: float, reached: float, tr: Translator) -> str:
    """'€42.000 in het jaar; €235 per bereikte deelnemer': the overview's cost cell and the yearly summary's line."""
    if pd.isna(budget):
        return tr.t("funder.cost_missing")
    per = tr.num(budget / reached, 0) if not pd.isna(reached) and reached > 0 else tr.t("common.suppressed_cell")
    return tr.t("funder.cost_value", cost=tr.num(budget, 0), per=per)


def sroi_words(fig: InitiativeFigures, data: ReportData, tr: Translator) -> str:
    """The SROI in a few words: the ratio with its range, or why it is hidden (with the range over every value the
    hidden count can take, where that says nothing more), or that it was not estimated; the overview's SROI cell
    and the yearly summary's line."""
    summary = fig.sroi_summary
    if not len(summary):
        return tr.t("funder.sroi_none")
    if pd.isna(summary["ratio"].iloc[0]):
        hidden = hidden_reasons(summary.iloc[0]).get("ratio")
        if not hidden:
            return tr.t("funder.sroi_not_computed")
        reason = tr.t(f"hidden_reason.{hidden}", threshold=tr.threshold)
        span = masked_range(fig, data.programme, data.year, data.threshold)
        return (tr.t("funder.sroi_hidden_range", reason=reason, low=ratio_text(span[0], tr), high=ratio_text(span[1], tr))
                if span else tr.t("funder.sroi_hidden", reason=reason))
    return tr.t("funder.sroi_value", ratio=ratio_text(summary["ratio"].iloc[0], tr),
                low=ratio_text(summary["ratio_low"].iloc[0], tr), high=ratio_text(summary["ratio_high"].iloc[0], tr))


def funder_rows(data: ReportData, figures: dict[str, InitiativeFigures], names: dict[str, str],
                tr: Translator) -> list[dict]:
    """Per initiative what a funder decides on: the plain conclusion of each primary hypothesis, and reach,
    cost, targets, the primary verdict with its strength of evidence, SROI and data quality, each from the
    same published (disclosure-controlled) figures as the yearly report."""
    out = []
    for i, fig in figures.items():
        year_row = fig.reach.iloc[-1]
        reached = year_row["participants_reached"]
        target = fig.realisation.loc[fig.realisation["measure"] == "participants", "target"]
        reach = (tr.t("funder.reach_value", reached=tr.count(reached), target=tr.num(target.iloc[0], 0)) if len(target)
                 else tr.t("funder.reach_value_no_target", reached=tr.count(reached)))
        budget = initiative_budget(data, figures, i)
        cost = cost_words(budget, reached, tr)
        shares = fig.realisation["realisation"].dropna()
        if len(shares) > 1:
            targets = tr.t("funder.targets_value", met=int((shares >= 1).sum()), n=len(shares),
                           low=tr.pct(shares.min()), high=tr.pct(shares.max()))
        elif len(shares) == 1:
            targets = tr.t("funder.targets_one", met=int((shares >= 1).sum()), low=tr.pct(shares.iloc[0]))
        else:
            targets = tr.t("funder.targets_none")
        hyp = with_context(fig.hypotheses, data, i)
        raw = data.of("hypotheses", i)
        hyp["min_pairs_required"] = (raw["min_pairs"].fillna(data.programme["min_pairs"]).astype(int).to_numpy()
                                     if len(raw) else [])
        primary = hyp[hyp["primary"].astype(bool)]
        outcomes = data.of("outcomes", i).set_index("outcome_id")
        conclusions = []
        for _, h in primary.iterrows():
            scale = (scale_words(outcomes.loc[h["outcome_id"].split(".")[0]], tr)
                     if h["outcome_id"].split(".")[0] in outcomes.index else "")
            conclusions.append(conclusion_sentence(h, tr, scale))
            if pd.isna(h["mean_baseline"]) and (line := wave_line(fig, h, scale, tr)):
                conclusions.append(line)   # the paired figures are hidden: what the score table still shows
        conclusions = conclusions or [tr.t("conclusion.none")]
        verdicts = "; ".join(f"{h['hypothesis_id']}: {tr.t('verdict.' + h['verdict']).lower()}"
                             + (f" ({evidence_words(h, tr)})" if h["verdict"] in ("supported", "contradicted") else "")
                             for _, h in primary.iterrows()) or "–"
        sroi = sroi_words(fig, data, tr)
        resp = fig.response.iloc[0]
        drops = data.of("drops", i)
        quality = tr.t("funder.quality_value" + ("_rows_hidden" if delivered_rows_hidden(fig) else ""),
                       response=tr.pct(resp["response_rate"]), retention=tr.pct(resp["retention"]),
                       set_aside=tr.num(int(drops["quarantined_rows"].sum()) if len(drops) else 0, 0),
                       rows=tr.num(int(drops["raw_rows"].sum()) if len(drops) else 0, 0))
        out.append({"initiative_id": i, "name": names[i], "conclusions": conclusions,
                    "facts": [(tr.t("funder.reach"), reach), (tr.t("funder.cost"), cost), (tr.t("funder.targets"), targets),
                              (tr.t("funder.verdict"), verdicts), (tr.t("funder.sroi"), sroi), (tr.t("funder.quality"), quality)],
                    "budget_eur": budget, "participants_reached": reached,
                    "reached_hidden": hidden_reason(year_row, "participants_reached"),
                    "cost_per_participant": budget / reached if not pd.isna(budget) and not pd.isna(reached) and reached > 0
                    else np.nan})
    return out


@dataclass(kw_only=True)
class OverviewContext(ProgrammeContext):
    """The programme context with what the overview's methods chapter names: the code version and the manifest."""

    code_version: dict
    manifest_name: str


def guide_section(c: OverviewContext) -> dict:
    """1. How to read the overview, the verdict counts of the primary hypotheses and what each verdict means."""
    tr, data = c.tr, c.data
    section = c.doc.section("reading_guide")
    primary = data.hypotheses[data.hypotheses["primary"].astype(bool)]
    verdict_counts = primary["verdict"].value_counts()
    floor = tr.num(min_reliability(data), 2)
    whole = data.completeness
    return {"section": section, "paragraphs": [
        tr.t("overview.guide_1", n=len(c.figures), year=c.year) if whole.complete else
        tr.t("overview.guide_1_incomplete", n=len(c.figures), expected=len(whole.expected), year=c.year),
        tr.t("overview.guide_2"),
        tr.t("overview.guide_3", threshold=data.threshold),
    ], "counts": [(tr.t(f"verdict.{v}"), int(verdict_counts.get(v, 0))) for v in VERDICTS],
        "meanings": [(tr.t(f"verdict.{v}"), tr.t(f"verdict_meaning.{v}", floor=floor)) for v in VERDICTS],
        "counts_note": tr.t("overview.counts_note", primary=len(primary), initiatives=len(c.figures),
                            secondary=len(data.hypotheses) - len(primary))
        + ("" if whole.complete else " " + tr.t(counted_key("overview.counts_note_missing", len(whole.left_out)),
                                                 missing=len(whole.left_out)))}


def funder_section(c: OverviewContext) -> dict:
    """2. Per initiative what a funder decides on: the conclusion first, then the facts (table ``initiatives``)."""
    tr, doc = c.tr, c.doc
    section = doc.section("per_initiative")
    rows = funder_rows(c.data, c.figures, c.names, tr)
    chapter = {"section": section, "intro": tr.t("funder.intro"), "initiatives": [
        {"name": r["name"], "conclusions": r["conclusions"],
         "table": doc.table(f"initiative_{r['initiative_id']}", r["name"], [tr.t("funder.aspect"), tr.t("funder.finding")],
                            [[label, value] for label, value in r["facts"]], text_columns=2)} for r in rows],
        # an initiative left out still has its place here, saying why there is nothing to show
        "left_out": [{"name": x.label(tr), "reason": tr.t("completeness.card", reason=tr.t(f"completeness.reason.{x.reason}"))}
                     for x in c.data.completeness.left_out]}
    c.tables["initiatives"] = pd.DataFrame([{
        "initiative_id": r["initiative_id"], "participants_reached": r["participants_reached"],
        "budget_eur": r["budget_eur"], "cost_per_participant_eur": r["cost_per_participant"],
        "conclusion": " ".join(r["conclusions"]),
        HIDDEN_COLUMN: hidden_text({col: r["reached_hidden"] for col in ("participants_reached", "cost_per_participant_eur")
                                    if r["reached_hidden"]})} for r in rows])
    return chapter


def effects_section(c: OverviewContext) -> dict:
    """3. Every hypothesis side by side: the forest plot and the table of estimates, effect sizes and verdicts."""
    tr, data, doc = c.tr, c.data, c.doc
    section = doc.section("effects")
    hyp = pd.concat([f.hypotheses.assign(initiative_id=i) for i, f in c.figures.items()], ignore_index=True)
    hyp["initiative"] = hyp["initiative_id"].map(c.names)
    context = with_context(hyp, data)
    hyp["label"] = hyp["initiative"] + " " + hyp["hypothesis_id"]
    forest = doc.figure("forest", png_bytes(charts.forest(hyp, tr)), tr.t("overview.forest_caption"),
                        shows=tr.t("alt.forest"), table="effects")
    eff_rows = [[f'{h["initiative"]} {h["hypothesis_id"]}', h["outcome"], cell(h, "n_pairs", tr.num(h["n_pairs"], 0)),
                 # a measurement too unreliable for a verdict gives no figure to read either
                 *([missing("unreliable")] * 3 if h["verdict"] == "unreliable_measurement" else
                   [estimate_cell(h, tr), effect_cell(h, tr), p_holm_cell(h, tr)]), verdict_cell(h, tr)]
                for _, h in context.iterrows()]
    eff_tab = doc.table("effects", tr.t("overview.effects_caption"),
                        [tr.t("col.initiative"), tr.t("col.outcome"), tr.t("col.pairs"),
                         tr.t("col.estimate"), tr.t("overview.effect_with_ci"), tr.t("col.p_adjusted"), tr.t("col.verdict")],
                        eff_rows, text_columns=2, note=tr.t("overview.effects_note", alpha=tr.num(data.programme["alpha"], 2),
                                                          threshold=data.threshold) + caveat_note(context, tr))
    c.tables["effects"] = hyp.drop(columns=["label"]).reset_index(drop=True)
    return {"section": section, "figure": forest, "table": eff_tab}


def wijk_section(c: OverviewContext) -> dict:
    """4. Participants reached per wijk and initiative, with the totals the disclosure rule allows."""
    tr, data = c.tr, c.data
    section = c.doc.section("reach_wijk")
    wt = wijk_table(c.figures, c.names, data.threshold)
    # the total of the initiatives in the overview; one left out would add to it
    total = tr.t("col.total") if data.completeness.complete else tr.t(counted_key("overview.total_of", len(c.figures)),
                                                                         n=len(c.figures))
    wijk_rows = [[total if r["initiative"] == "total" else r["initiative"],
                  *[cell(r, k, tr.num(r[k], 0), "no_data") for k in list(WIJKEN) + [UNKNOWN_WIJK]]] for _, r in wt.iterrows()]
    w_tab = c.doc.table("wijk", tr.t("overview.wijk_caption"),
                        [tr.t("col.initiative"), *WIJKEN, tr.t("wijk.unknown")], wijk_rows,
                        note=tr.t("overview.wijk_note", threshold=data.threshold))
    c.tables["reach_by_wijk"] = wt
    return {"section": section, "table": w_tab}


def realisation_section(c: OverviewContext) -> dict:
    """5. How much of each output target every initiative realised."""
    section = c.doc.section("realisation")
    real = pd.concat([f.realisation.assign(initiative=c.names[i]) for i, f in c.figures.items() if len(f.realisation)]
                     or [pd.DataFrame(columns=[*next(iter(c.figures.values())).realisation.columns, "initiative"])],
                     ignore_index=True)
    real["output"] = real["label"]
    real["label"] = real["initiative"] + ": " + real["label"]
    tr = c.tr
    real_fig = c.doc.figure("realisation", png_bytes(charts.realisation(real, tr)), tr.t("overview.realisation_caption"),
                            shows=tr.t("alt.realisation"), table="realisation")
    met = tr.t("chart.answer_yes"), tr.t("chart.answer_no")
    real_tab = c.doc.table("realisation", tr.t("overview.realisation_table_caption"),
                           [tr.t("col.initiative"), tr.t("col.output"), tr.t("col.target"), tr.t("col.realised"),
                            tr.t("col.realisation"), tr.t("col.target_met")],
                           [[r["initiative"], r["output"], tr.num(r["target"], 0),
                             cell(r, "realised", tr.num(r["realised"], DECIMALS.get(r["measure"], 0)), "no_data"),
                             cell(r, "realisation", tr.pct(r["realisation"]), "no_data"),
                             cell(r, "realisation", met[0] if r["realisation"] >= 1 else met[1], "no_data")]
                            for _, r in real.iterrows()], text_columns=2)
    c.tables["realisation"] = real.reset_index(drop=True)
    return {"section": section, "figure": real_fig, "table": real_tab}


def quality_section(c: OverviewContext) -> dict:
    """6. Response, retention and data quality per initiative."""
    tr, data = c.tr, c.data
    section = c.doc.section("response_quality")
    q_rows = []
    quality_frame = []
    for i, f in c.figures.items():
        resp = f.response.iloc[0]
        drops = data.of("drops", i)
        warnings = data.of("warnings", i)
        raw_rows = int(drops["raw_rows"].sum()) if len(drops) else 0
        quarantined = int(drops["quarantined_rows"].sum()) if len(drops) else 0
        rows_hidden = delivered_rows_hidden(f)   # the total would give a hidden count of responses back
        q_rows.append([c.names[i], cell(resp, "n_registered", tr.num(resp["n_registered"], 0), "no_data"),
                       cell(resp, "response_rate", tr.pct(resp["response_rate"]), "no_share"),
                       cell(resp, "retention", tr.pct(resp["retention"]), "no_share"),
                       hidden("reveals_survey_count") if rows_hidden else tr.num(raw_rows, 0), tr.num(quarantined, 0),
                       tr.num(int((warnings["outcome"] == "warning").sum()) if len(warnings) else 0, 0)])
        reasons = hidden_reasons(resp)
        quality_frame.append({"initiative_id": i, "n_registered": resp["n_registered"], "response_rate": resp["response_rate"],
                              "retention": resp["retention"], "rows_delivered": np.nan if rows_hidden else raw_rows,
                              "rows_set_aside": quarantined,
                              "checks_warned": int((warnings["outcome"] == "warning").sum()) if len(warnings) else 0,
                              HIDDEN_COLUMN: hidden_text({**{col: reasons[col] for col in ("n_registered", "response_rate",
                                                                                           "retention") if col in reasons},
                                                          **({"rows_delivered": "reveals_survey_count"} if rows_hidden else {})})})
    q_tab = c.doc.table("quality", tr.t("overview.quality_caption"),
                        [tr.t("col.initiative"), tr.t("col.registered"), tr.t("col.response"), tr.t("col.retention"),
                         tr.t("col.rows"), tr.t("col.quarantined"), tr.t("col.warnings")], q_rows,
                        note=tr.t("overview.quality_note"))
    c.tables["response_and_quality"] = pd.DataFrame(quality_frame)
    return {"section": section, "table": q_tab}


def methods_section(c: OverviewContext) -> dict:
    """7. Which initiatives the overview is about, the Holm family, disclosure, how to read the marks, and where the
    figures come from."""
    return {"section": c.doc.section("methods"), "roster": roster(c.data.completeness, c.names, c.tr),
            "holm_family": holm_family(c.data),
            "holm_left_out": holm_left_out(c.data, c.tr), "code_version": c.code_version,
            "manifest": c.manifest_name, "notes": methods_notes(c.data, c.tr)}


def glossary_section(c: OverviewContext) -> dict:
    """8. The words that do not speak for themselves, in plain language."""
    return {"section": c.doc.section("glossary", "glossary.title"), "intro": c.tr.t("glossary.intro"),
            "terms": glossary(c.tr, min_reliability(c.data))}


#: The chapters in their order: (template variable, section function).
SECTIONS = (("guide", guide_section), ("funder", funder_section), ("effects", effects_section), ("wijk", wijk_section),
            ("realisation", realisation_section), ("quality", quality_section), ("methods", methods_section),
            ("glossary_terms", glossary_section))


def build(data: ReportData, figures: dict[str, InitiativeFigures], language: str, code_version: dict,
          manifest_name: str = "manifest.json", delivered_anyway: bool = False) -> Report:
    """The overview; ``delivered_anyway``: an incomplete programme is delivered as asked (its title page says so)."""
    c = OverviewContext(data=data, figures=figures, tr=Translator(language, data.threshold), code_version=code_version,
                        manifest_name=manifest_name)
    ctx = {name: section(c) for name, section in SECTIONS}
    whole = data.completeness
    c.tables.update(left_out_table(whole, c.tr))
    # never "all initiatives" when one is left out
    title = (c.tr.t("overview.title", year=c.year) if whole.complete else
             c.tr.t("overview.title_incomplete", year=c.year, n=len(whole.included), expected=len(whole.expected)))
    subtitle = (c.tr.t("overview.subtitle", n=len(figures)) if whole.complete else
                c.tr.t("overview.subtitle_incomplete", n=len(whole.included), expected=len(whole.expected)))
    html = environment().get_template(TEMPLATE).render(
        tr=c.tr, programme=data.programme, title=title, kicker=c.tr.t("overview.kicker", year=c.year),
        subtitle=subtitle, title_notice=title_notice(whole, c.tr, delivered_anyway), report_date=report_date(data),
        sections=c.doc.sections, **ctx)
    return Report(folder="programme", stem=f"programme_{c.year}", title=title, language=language, created=report_date(data),
                  html=html, tables=c.tables, charts=c.doc.finished_charts(),
                  count_columns={"reach_by_wijk.csv": [*WIJKEN, UNKNOWN_WIJK]})
