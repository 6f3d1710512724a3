"""Compute the ``indicators`` table (long format) for all initiatives at once.

One row per initiative, period (``2018-Q1`` … ``2018-Q4``, ``2018``) and
indicator. ``n`` is the number of people (or activities) a value rests on;
``suppressed`` marks person-based values resting on fewer people than the
programme's disclosure threshold — reports must not publish those. Only dates
inside the programme year count (dates outside are flagged by the quality rules).

Indicators:

- ``participants_new`` and ``participants_reached`` (cumulative) per quarter and year;
- ``activities_held``, ``attendance``, ``volunteer_hours``, ``volunteers``, ``cost_eur``
  per quarter and year;
- for the year: ``baseline_respondents``, ``follow_up_respondents``, ``paired_respondents``,
  ``response_rate`` (baseline / registered), ``retention`` (paired / baseline);
- per outcome: ``mean_score.<outcome>.<wave>``, ``share_improved.<outcome>`` (paired
  participants whose score moved the better way), ``share_cut_off.<outcome>.<wave>``
  (share on the named side of the instrument's cut-off, e.g. lonely);
- ``reach_wijk.<wijk>``: participants per wijk (``unknown`` when empty);
- ``reach_age.<age band>`` and ``reach_gender.<v|m|x>``: participants per age band and per gender
  (``unknown`` when empty), the participant profile; only groups with someone in them get a row;
- per output of the Theory of Change with a ``measure`` and a ``target``, for the year:
  ``output.<output>``, the quantity its measure names (``output_quantity``), and
  ``realisation.<output>``, that quantity / the target.

What realises an output is what it names (``impact.theory_of_change.MEASURES``): ``participants``
counts the distinct participants in the register; the other measures read the rows of the activity log
of the activities the output selects (``activities``: names, ``activity_pattern``: a regular expression;
neither: every activity): ``sessions`` counts them as sessions held, one per row, which only a row
recording one session is (a row whose name says ``totaal``/``total`` records a period's total, and
``sessions`` is then not computed); ``attendance``, ``volunteer_hours``, ``volunteers`` and
``cost_eur`` add up their column; ``log_rows`` counts rows as written. A selection that matches no row
of the log at all (in any year) is not computed either: it is more likely a misspelt name than an
activity never held. Not computed means a NaN value, and the label says why.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from impact.instruments.scoring import HIGHER_IS_BETTER, dichotomy
from impact.statistics.pairing import improved, pairs, respondents_by_wave
from impact.theory_of_change import Output, is_total_row

INDICATOR_COLUMNS = ["initiative_id", "period", "indicator_id", "label", "value", "n", "unit", "target", "suppressed"]
ACTIVITY_MEASURES = {  # indicator id: (column, aggregation, unit, label)
    "activities_held": ("activity", "count", "activities", "rows of the activity log (activities held; a row "
                        "recording a period's total counts once)"),
    "attendance": ("attendees", "sum", "attendances", "total attendance"),
    "volunteer_hours": ("volunteer_hours", "sum", "hours", "volunteer hours"),
    "volunteers": ("volunteers", "sum", "volunteer shifts", "volunteers at activities (shifts)"),
    "cost_eur": ("cost_eur", "sum", "EUR", "costs of activities"),
}
#: The count an output measures when it selects no activities (its target is shown on it too); ``sessions``
#: has none: ``activities_held`` counts rows, total rows included.
MEASURE_INDICATOR = {"participants": "participants_reached", "log_rows": "activities_held",
                     "attendance": "attendance", "volunteer_hours": "volunteer_hours",
                     "volunteers": "volunteers", "cost_eur": "cost_eur"}
#: Per measure of the activity log: (column, aggregation, unit, words).
OUTPUT_MEASURES = {
    "sessions": ("activity", "count", "sessions", "sessions held"),
    "attendance": ("attendees", "sum", "attendances", "attendance"),
    "volunteer_hours": ("volunteer_hours", "sum", "hours", "volunteer hours"),
    "volunteers": ("volunteers", "sum", "volunteer shifts", "volunteers (shifts)"),
    "cost_eur": ("cost_eur", "sum", "EUR", "costs"),
    "log_rows": ("activity", "count", "rows", "rows of the activity log"),
}
OUTPUT_COLUMNS = ["output_id", "label", "target", "measure", "activities", "activity_pattern"]


def _quarter(dates: pd.Series, year: int) -> pd.Series:
    return str(year) + "-Q" + dates.dt.quarter.astype("Int64").astype(str)


def _in_year(frame: pd.DataFrame, column: str, year: int) -> pd.DataFrame:
    return frame[frame[column].dt.year == year]


def _rows(frame: pd.DataFrame, indicator_id, label, unit, value="value", n="n", person_based=True) -> pd.DataFrame:
    out = pd.DataFrame({
        "initiative_id": frame["initiative_id"], "period": frame["period"],
        "indicator_id": indicator_id, "label": label,
        "value": frame[value].astype("float64"), "n": frame[n].astype("Int64"), "unit": unit,
    })
    out["person_based"] = person_based
    return out


def _periods(initiatives: list[str], year: int) -> pd.DataFrame:
    periods = [f"{year}-Q{q}" for q in range(1, 5)] + [str(year)]
    return pd.MultiIndex.from_product([initiatives, periods], names=["initiative_id", "period"]).to_frame(index=False)


def reach(participants: pd.DataFrame, initiatives: list[str], year: int) -> pd.DataFrame:
    p = _in_year(participants, "enrolled_on", year).assign(period=lambda f: _quarter(f["enrolled_on"], year))
    new_q = p.groupby(["initiative_id", "period"]).size().rename("value")
    grid = _periods(initiatives, year)
    new = grid.merge(new_q.reset_index(), how="left").fillna({"value": 0})
    quarters = new[new["period"] != str(year)].sort_values(["initiative_id", "period"])
    year_total = quarters.groupby("initiative_id")["value"].sum()
    new.loc[new["period"] == str(year), "value"] = new.loc[new["period"] == str(year), "initiative_id"].map(year_total).fillna(0).to_numpy()
    cumulative = quarters.assign(value=quarters.groupby("initiative_id")["value"].cumsum())
    cumulative = pd.concat([cumulative, new[new["period"] == str(year)]])
    return pd.concat([
        _rows(new.assign(n=new["value"]), "participants_new", "participants who enrolled in the period", "persons"),
        _rows(cumulative.assign(n=cumulative["value"]), "participants_reached", "participants enrolled so far", "persons"),
    ])


def activity_indicators(activities: pd.DataFrame, initiatives: list[str], year: int) -> pd.DataFrame:
    a = _in_year(activities, "date", year).assign(period=lambda f: _quarter(f["date"], year))
    both = pd.concat([a, a.assign(period=str(year))])
    grid = _periods(initiatives, year)
    parts = []
    for indicator, (column, how, unit, label) in ACTIVITY_MEASURES.items():
        g = both.groupby(["initiative_id", "period"])
        agg = pd.DataFrame({"value": g[column].agg(how), "n": g.size()}).reset_index()
        agg = grid.merge(agg, how="left").fillna({"value": 0, "n": 0})
        parts.append(_rows(agg, indicator, label, unit, person_based=False))
    return pd.concat(parts)


def response(participants: pd.DataFrame, survey: pd.DataFrame, initiatives: list[str], year: int) -> pd.DataFrame:
    registered = participants.groupby("initiative_id")["participant_id"].nunique()
    waves = respondents_by_wave(survey)
    counts = waves.groupby("initiative_id")[["baseline", "follow_up", "paired"]].sum().astype("float64").reindex(initiatives).fillna(0)
    counts["registered"] = registered.reindex(initiatives).fillna(0)
    frame = counts.reset_index().assign(period=str(year))
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["response_rate"] = frame["baseline"] / frame["registered"].replace(0, np.nan)
        frame["retention"] = frame["paired"] / frame["baseline"].replace(0, np.nan)
    return pd.concat([
        _rows(frame.assign(value=frame["baseline"], n=frame["baseline"]), "baseline_respondents", "participants who answered the baseline", "persons"),
        _rows(frame.assign(value=frame["follow_up"], n=frame["follow_up"]), "follow_up_respondents", "participants who answered the follow-up", "persons"),
        _rows(frame.assign(value=frame["paired"], n=frame["paired"]), "paired_respondents", "participants who answered both waves", "persons"),
        _rows(frame.assign(value=frame["response_rate"], n=frame["registered"]), "response_rate", "share of registered participants who answered the baseline", "share"),
        _rows(frame.assign(value=frame["retention"], n=frame["baseline"]), "retention", "share of baseline respondents who answered the follow-up", "share"),
    ])


def outcome_indicators(scores: pd.DataFrame, outcomes: pd.DataFrame, year: int) -> pd.DataFrame:
    if scores.empty:
        return pd.DataFrame()
    s = scores[scores["score"].notna()]
    means = s.groupby(["initiative_id", "outcome_id", "wave"])["score"].agg(value="mean", n="size").reset_index()
    means = means.assign(period=str(year))
    parts = [_rows(means.assign(indicator_id="mean_score." + means["outcome_id"] + "." + means["wave"]),
                   means.pipe(lambda f: "mean_score." + f["outcome_id"] + "." + f["wave"]),
                   "mean score at " + means["wave"].str.replace("_", "-"), "score")]

    # share improved, on participants with both waves
    paired = pairs(s)
    if len(paired):
        paired = paired.merge(outcome_spec(outcomes), on=["initiative_id", "outcome_id"], how="left")
        paired["improved"] = improved(paired, paired["higher_is_better"]) > 0
        imp = paired.groupby(["initiative_id", "outcome_id"])["improved"].agg(value="mean", n="size").reset_index()
        imp = imp.assign(period=str(year))
        parts.append(_rows(imp, "share_improved." + imp["outcome_id"], "share of paired participants whose score improved", "share"))

    # share on the named side of the cut-off, per wave
    spec = outcome_spec(outcomes)
    with_spec = s.merge(spec, on=["initiative_id", "outcome_id"], how="left")
    cut_parts = []
    for (instrument, outcome_type), group in with_spec.groupby(["base_instrument", "type"], dropna=False):
        rule = dichotomy(instrument, None if pd.isna(outcome_type) else outcome_type)
        if rule is None:
            continue
        label, side = rule
        cut_parts.append(group.assign(flag=side(group["score"]), cut_label=f"share {label}"))
    if cut_parts:
        cut = pd.concat(cut_parts)
        shares = cut.groupby(["initiative_id", "outcome_id", "wave", "cut_label"])["flag"].agg(value="mean", n="size").reset_index()
        shares = shares.assign(period=str(year))
        parts.append(_rows(shares, "share_cut_off." + shares["outcome_id"] + "." + shares["wave"],
                           shares["cut_label"] + " at " + shares["wave"].str.replace("_", "-"), "share"))
    return pd.concat(parts)


def outcome_spec(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Per declared outcome (ZRM domains included): instrument, type and which way is better."""
    spec = outcomes[["initiative_id", "outcome_id", "instrument", "type", "higher_is_better"]].copy()
    spec["base_instrument"] = spec["instrument"]
    spec["higher_is_better"] = spec["higher_is_better"].astype("object").where(
        spec["instrument"] == "custom", spec["instrument"].map(HIGHER_IS_BETTER)
    )
    return spec


def _zrm_domains(scores: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """Outcome rows for ZRM domains (``<outcome>.<domain>``), so they get indicators too."""
    zrm = outcomes[outcomes["instrument"] == "zrm"]
    if zrm.empty or scores.empty:
        return outcomes
    domains = scores[scores["instrument"] == "zrm"][["initiative_id", "outcome_id"]].drop_duplicates()
    domains["base"] = domains["outcome_id"].str.split(".").str[0]
    extra = domains.merge(zrm.rename(columns={"outcome_id": "base"}), on=["initiative_id", "base"]).drop(columns="base")
    return pd.concat([outcomes, extra], ignore_index=True)


def reach_by_wijk(participants: pd.DataFrame, initiatives: list[str], year: int) -> pd.DataFrame:
    p = _in_year(participants, "enrolled_on", year)
    wijk = p["wijk"].fillna("unknown")
    counts = p.assign(wijk=wijk).groupby(["initiative_id", "wijk"]).size().rename("value").reset_index()
    counts = counts.assign(period=str(year), n=counts["value"])
    return _rows(counts, "reach_wijk." + counts["wijk"], "participants living in " + counts["wijk"], "persons")


#: The participant profile: indicator prefix, register column, words for the label.
PROFILE = (("reach_age", "age_band", "participants aged "), ("reach_gender", "gender", "participants of gender "))


def reach_by_profile(participants: pd.DataFrame, initiatives: list[str], year: int) -> pd.DataFrame:
    """Participants enrolled in the year per age band and per gender (``unknown`` when empty)."""
    p = _in_year(participants, "enrolled_on", year)
    frames = []
    for prefix, column, words in PROFILE:
        group = (p[column] if column in p else pd.Series(None, index=p.index, dtype="object")).fillna("unknown")
        counts = p.assign(group=group.astype(str)).groupby(["initiative_id", "group"]).size().rename("value").reset_index()
        counts = counts.assign(period=str(year), n=counts["value"])
        frames.append(_rows(counts, f"{prefix}." + counts["group"], words + counts["group"], "persons"))
    return pd.concat(frames, ignore_index=True)


def _selection_words(output: Output) -> str:
    if output.activities is not None:
        return "of " + ", ".join(f"'{name}'" for name in output.activities)
    if output.activity_pattern is not None:
        return f"of the activities matching /{output.activity_pattern}/"
    return "of every activity"


def output_quantity(output: Output, reached: float, activities: pd.DataFrame, year: int) -> tuple[float, float, str, str]:
    """(value, n, unit, what) of one output for the year: the quantity its measure names.

    ``reached`` is the number of distinct participants enrolled in the year (``participants_reached``);
    ``activities`` the initiative's activity log, every year (a selection is checked against all of it).
    The value is NaN when it cannot be computed honestly, and ``what`` then says why.
    """
    if output.measure == "participants":
        return reached, reached, "persons", "distinct participants in the register"
    column, how, unit, words = OUTPUT_MEASURES[output.measure]
    what = f"{words} {_selection_words(output)}"
    names = activities["activity"].astype(str)
    chosen = activities[names.map(output.selects).astype(bool)] if len(activities) else activities
    if len(chosen) == 0 and (output.activities is not None or output.activity_pattern is not None):
        return np.nan, 0.0, unit, f"{what}: not computed, no row of the activity log matches (check the spelling)"
    held = _in_year(chosen, "date", year)
    if output.measure == "sessions":
        totals = held[held["activity"].astype(str).map(is_total_row).astype(bool)]
        if len(totals):
            named = ", ".join(f"'{a}'" for a in sorted(totals["activity"].astype(str).unique()))
            return np.nan, float(len(held)), unit, (
                f"{what}: not computed, {len(totals)} row(s) of {named} record a period's total, not one session")
    value = float(len(held)) if how == "count" else float(pd.to_numeric(held[column], errors="coerce").sum())
    return value, float(len(held)), unit, what


def output_indicators(indicators: pd.DataFrame, activities: pd.DataFrame, outputs: pd.DataFrame,
                      year: int) -> pd.DataFrame:
    """``output.<output>`` and ``realisation.<output>`` for every output with a measure and a target.

    ``indicators`` holds ``participants_reached`` for the year; ``outputs`` are rows of ``programme.outputs``.
    """
    o = outputs[outputs["measure"].notna() & outputs["target"].notna()]
    if o.empty:
        return pd.DataFrame()
    reached = indicators[(indicators["indicator_id"] == "participants_reached") & (indicators["period"] == str(year))]
    reached = dict(zip(reached["initiative_id"], reached["value"]))
    rows = []
    logs = {k: part for k, part in activities.groupby("initiative_id", sort=False)}  # one pass, not one per output
    for r in o.to_dict("records"):
        output = Output(id=r["output_id"], label=r["label"], target=r["target"], measure=r["measure"],
                        activities=_names(r.get("activities")), activity_pattern=_text(r.get("activity_pattern")))
        log = logs.get(r["initiative_id"], activities.iloc[0:0])
        value, n, unit, what = output_quantity(output, float(reached.get(r["initiative_id"], 0.0)), log, year)
        target = float(r["target"])
        share = value / target if target > 0 else np.nan
        common = {"initiative_id": r["initiative_id"], "period": str(year), "n": n, "target": target,
                  "person_based": r["measure"] == "participants"}
        rows.append({**common, "indicator_id": f"output.{r['output_id']}", "label": f"{r['label']}: {what}",
                     "value": value, "unit": unit})
        rows.append({**common, "indicator_id": f"realisation.{r['output_id']}",
                     "label": f"realised share of the target: {r['label']} ({what})", "value": share, "unit": "share"})
    out = pd.DataFrame(rows)
    out["n"] = out["n"].astype("Int64")
    return out


def _names(value) -> list[str] | None:
    if value is None or (not isinstance(value, (list, tuple, np.ndarray)) and pd.isna(value)):
        return None
    return [str(v) for v in value]


def _text(value) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def compute_indicators(
    participants: pd.DataFrame,
    activities: pd.DataFrame,
    survey: pd.DataFrame,
    scores: pd.DataFrame,
    outcomes: pd.DataFrame,
    outputs: pd.DataFrame,
    initiatives: list[str],
    year: int,
    disclosure_threshold: int,
) -> pd.DataFrame:
    """All indicators of the given initiatives, long format, in a stable order."""
    outcomes = _zrm_domains(scores, outcomes)
    base = pd.concat([
        reach(participants, initiatives, year),
        activity_indicators(activities, initiatives, year),
        response(participants, survey, initiatives, year),
        outcome_indicators(scores, outcomes, year),
        reach_by_wijk(participants, initiatives, year),
        reach_by_profile(participants, initiatives, year),
    ], ignore_index=True)
    real = output_indicators(base, activities, outputs, year)
    out = pd.concat([base, real], ignore_index=True)
    # the target of a measured output that selects no activities also shows on the count itself
    if len(real):
        whole = outputs[outputs["measure"].notna()]
        for column in ("activities", "activity_pattern"):
            if column in whole:
                whole = whole[whole[column].map(lambda v: _names(v) is None)]
        targets = whole.assign(indicator_id=lambda f: f["measure"].map(MEASURE_INDICATOR)).dropna(subset=["indicator_id"])
        targets = targets.groupby(["initiative_id", "indicator_id"])["target"].sum().rename("count_target")
        out = out.merge(targets.reset_index(), on=["initiative_id", "indicator_id"], how="left")
        out["target"] = out["target"].where(out["target"].notna(), out["count_target"].where(out["period"] == str(year)))
        out = out.drop(columns="count_target")
    if "target" not in out:
        out["target"] = np.nan
    out["suppressed"] = out["person_based"].astype(bool) & (out["n"].fillna(0) < disclosure_threshold)
    out = out[out["initiative_id"].isin(initiatives)]
    return out.reindex(columns=INDICATOR_COLUMNS).sort_values(["initiative_id", "indicator_id", "period"], kind="stable").reset_index(drop=True)
