"""Scoring the registered instruments and custom outcomes, for all initiatives at once.

Input: staged survey responses (one row per participant and wave; item columns
hold answer codes, see ``impact.instruments.registry``) and the outcomes the
Theories of Change declare. Output: ``outcome_scores``, one row per
participant, wave and outcome. Each scorer works on whole columns; the only
loop is over the (at most a dozen) instruments and outcomes.

Scoring rules and their sources:

- De Jong Gierveld (11 and 6 items), De Jong Gierveld & Van Tilburg (1999/2022),
  *Manual of the Loneliness Scale*, §7–§9 and its SPSS syntax: answers are
  dichotomised — a negatively worded item counts 1 for "ja" or "min of meer",
  a positively worded item counts 1 for "nee" or "min of meer" — and counted.
  The 6-item score is missing when more than one item is missing (a missing
  item counts as not lonely, as in the manual's syntax); a subscale when any
  of its items is. The manual gives no missing-item rule for the 11-item
  scale; since an unanswered item would count as "not lonely", the 11-item
  score is computed only when all 11 items are answered.
  Categories: 11 items 0–2 not lonely, 3–8 moderately, 9–10 severely,
  11 very severely lonely (Van Tilburg & De Jong Gierveld 1999); 6 items 0–1
  not lonely, 2–4 moderately, 5–6 severely lonely (manual §8).
- Rosenberg (1965): items 2, 5, 6, 8, 9 reversed; item scores 0–3, total 0–30;
  below 15 low, 15–25 normal, above 25 high self-esteem. With one item
  missing the total is prorated (mean of the nine × 10); with more, missing.
- WHO-5 (WHO 1998; Topp et al. 2015): raw total 0–25, reported ×4 as 0–100;
  raw below 13 is poor well-being. One missing item is prorated, more is missing.
- Life satisfaction: the grade 1–10 itself. Participatieladder: the rung 1–6.
- ZRM: a profile, one score per domain (``<outcome>.<domain>``), no total.
- Custom outcomes: the value itself; a binary outcome is 0/1.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from impact.instruments.registry import REGISTRY

KEY = ["initiative_id", "participant_id", "wave", "responded_on"]
SCORE_COLUMNS = [
    "initiative_id", "participant_id", "wave", "responded_on", "outcome_id", "instrument",
    "score", "category", "items_answered", "items_total", "subscale_emotional", "subscale_social",
]

DJG_POSITIVE = {i: REGISTRY[i].reversed_items for i in ("djg11", "djg6")}
DJG_NEGATIVE = {i: tuple(n for n in range(1, len(REGISTRY[i].items) + 1) if n not in DJG_POSITIVE[i]) for i in ("djg11", "djg6")}
DJG_CATEGORIES = {
    "djg11": ([-0.5, 2.5, 8.5, 10.5, 11.5], ["not lonely", "moderately lonely", "severely lonely", "very severely lonely"]),
    "djg6": ([-0.5, 1.5, 4.5, 6.5], ["not lonely", "moderately lonely", "severely lonely"]),
}
RSES_REVERSED = REGISTRY["rses"].reversed_items
LADDER_RUNGS = {1: "geïsoleerd", 2: "sociale contacten buiten de deur", 3: "deelname aan georganiseerde activiteiten",
                4: "onbetaald werk", 5: "betaald werk met ondersteuning", 6: "betaald werk"}
ZRM_LEVELS = {1: "acute problematiek", 2: "niet zelfredzaam", 3: "beperkt zelfredzaam",
              4: "voldoende zelfredzaam", 5: "volledig zelfredzaam"}

# Whether a higher score is better, per registered instrument (custom outcomes declare it).
HIGHER_IS_BETTER = {i.id: i.higher_is_better for i in REGISTRY.values()}


def _items(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return frame.reindex(columns=columns).astype("float64")


def _with_key(frame: pd.DataFrame, **columns) -> pd.DataFrame:
    out = frame[KEY].copy()
    for name, values in columns.items():
        out[name] = values
    return out


MAX_MISSING_DJG = {i: REGISTRY[i].max_missing for i in ("djg11", "djg6")}


def item_scores(frame: pd.DataFrame, instrument: str) -> pd.DataFrame | None:
    """Per-item scores as the scale adds them up, NaN where an item is unanswered; None for
    single-item instruments. De Jong Gierveld: 1 for a lonely answer (``ja`` or ``min of meer`` to
    a negative item, ``nee`` or ``min of meer`` to a positive one), negative items first;
    Rosenberg: 0–3, reversed items turned round; WHO-5: 0–5. The scorers below and the
    reliability check (Cronbach's alpha) both start from these."""
    if instrument in DJG_NEGATIVE:
        negative = [f"{instrument}_{i}" for i in DJG_NEGATIVE[instrument]]
        positive = [f"{instrument}_{i}" for i in DJG_POSITIVE[instrument]]
        neg, pos = _items(frame, negative), _items(frame, positive)
        return pd.concat([neg.isin([2, 3]).astype(float).where(neg.notna()), pos.isin([1, 2]).astype(float).where(pos.notna())], axis=1)
    if instrument == "rses":
        codes = _items(frame, [f"rses_{i}" for i in range(1, 11)])
        scores = codes - 1
        reversed_cols = [f"rses_{i}" for i in RSES_REVERSED]
        scores[reversed_cols] = 4 - codes[reversed_cols]
        return scores
    if instrument == "who5":
        return _items(frame, [f"who5_{i}" for i in range(1, 6)])
    return None


def score_djg(frame: pd.DataFrame, instrument: str) -> pd.DataFrame:
    items = item_scores(frame, instrument)
    neg = items[[f"{instrument}_{i}" for i in DJG_NEGATIVE[instrument]]]
    pos = items[[f"{instrument}_{i}" for i in DJG_POSITIVE[instrument]]]
    lonely_neg, lonely_pos = neg.sum(axis=1), pos.sum(axis=1)
    answered = items.notna().sum(axis=1)
    total = items.shape[1]
    score = (lonely_neg + lonely_pos).astype("float64").where(total - answered <= MAX_MISSING_DJG[instrument])
    bins, labels = DJG_CATEGORIES[instrument]
    category = pd.cut(score, bins=bins, labels=labels).astype("object").where(score.notna(), None)
    return _with_key(
        frame, score=score, category=category, items_answered=answered, items_total=total,
        subscale_emotional=lonely_neg.astype("float64").where(neg.notna().all(axis=1)),
        subscale_social=lonely_pos.astype("float64").where(pos.notna().all(axis=1)),
    )


def _prorated_total(items: pd.DataFrame, max_missing: int) -> tuple[pd.Series, pd.Series]:
    answered = items.notna().sum(axis=1)
    total = items.mean(axis=1) * items.shape[1]
    return total.where(items.shape[1] - answered <= max_missing), answered


def score_rses(frame: pd.DataFrame) -> pd.DataFrame:
    score, answered = _prorated_total(item_scores(frame, "rses"), REGISTRY["rses"].max_missing)
    category = pd.Series(np.select([score < 15, score <= 25], ["low", "normal"], "high"), index=frame.index).where(score.notna(), None)
    return _with_key(frame, score=score, category=category, items_answered=answered, items_total=10)


def score_who5(frame: pd.DataFrame) -> pd.DataFrame:
    raw, answered = _prorated_total(item_scores(frame, "who5"), REGISTRY["who5"].max_missing)
    category = pd.Series(np.where(raw < 13, "poor well-being", "adequate well-being"), index=frame.index).where(raw.notna(), None)
    return _with_key(frame, score=raw * 4, category=category, items_answered=answered, items_total=5)


def _single(frame: pd.DataFrame, column: str, labels: dict | None = None) -> pd.DataFrame:
    values = _items(frame, [column])[column]
    category = values.map(labels) if labels else pd.Series(None, index=frame.index, dtype="object")
    return _with_key(frame, score=values, category=category.astype("object"), items_answered=values.notna().astype(int), items_total=1)


def score_zrm(frame: pd.DataFrame, outcome_id: str) -> pd.DataFrame:
    """One row per domain the initiative used, outcome ``<outcome>.<domain>``."""
    domains = [c for c in REGISTRY["zrm"].items if c in frame.columns and frame[c].notna().any()]
    parts = [_single(frame, c, ZRM_LEVELS).assign(outcome_id=f"{outcome_id}.{c.removeprefix('zrm_')}") for c in domains]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=SCORE_COLUMNS)


SCORERS: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "djg11": lambda f: score_djg(f, "djg11"),
    "djg6": lambda f: score_djg(f, "djg6"),
    "rses": score_rses,
    "who5": score_who5,
    "life_satisfaction": lambda f: _single(f, "life_satisfaction"),
    "participation_ladder": lambda f: _single(f, "participation_ladder", LADDER_RUNGS),
}


def score_outcomes(survey: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """``outcome_scores`` for every declared outcome of every initiative in ``survey``.

    ``outcomes`` has the columns of ``programme.outcomes`` (initiative_id, outcome_id,
    instrument, type, ...). A wave row without any answer for an outcome gets no score row.
    """
    parts = []
    # one group per instrument, outcome and (for custom outcomes) type: the same outcome id may be a
    # binary outcome in one initiative and numeric in another
    keyed = outcomes.assign(_type=outcomes["type"].fillna("") if "type" in outcomes else "")
    for (instrument, outcome_id, _), spec in keyed.groupby(["instrument", "outcome_id", "_type"], sort=True):
        rows = survey[survey["initiative_id"].isin(spec["initiative_id"])]
        if rows.empty:
            continue
        if instrument == "zrm":
            scored = score_zrm(rows, outcome_id)
        elif instrument == "custom":
            scored = _single(rows, outcome_id)
            binary = spec["type"].eq("binary").any()
            if binary:
                scored["category"] = scored["score"].map({1.0: "ja", 0.0: "nee"}).astype("object")
            scored = scored.assign(outcome_id=outcome_id)
        else:
            scored = SCORERS[instrument](rows).assign(outcome_id=outcome_id)
        parts.append(scored.assign(instrument=instrument)[scored["items_answered"] > 0])
    if not parts:
        return empty_scores()
    out = pd.concat(parts, ignore_index=True).reindex(columns=SCORE_COLUMNS)
    out["category"] = out["category"].astype("object").where(out["category"].notna(), None)
    out["items_answered"] = out["items_answered"].astype("int64")
    out["items_total"] = out["items_total"].astype("int64")
    return out.sort_values(["initiative_id", "outcome_id", "participant_id", "wave"], kind="stable").reset_index(drop=True)


def empty_scores() -> pd.DataFrame:
    """No scores, with the column types of ``outcome_scores``."""
    return pd.DataFrame({
        c: pd.Series(dtype="float64" if c in ("score", "subscale_emotional", "subscale_social")
                     else "int64" if c.startswith("items_") else "datetime64[ns]" if c == "responded_on" else "object")
        for c in SCORE_COLUMNS
    })


def dichotomy(instrument: str, outcome_type: str | None) -> tuple[str, Callable[[pd.Series], pd.Series]] | None:
    """The yes/no reading of an outcome for McNemar: (label, function of the score), or None."""
    if instrument == "djg11":
        return "lonely (score 3 or more)", lambda s: (s >= 3).astype(float).where(s.notna())
    if instrument == "djg6":
        return "lonely (score 2 or more)", lambda s: (s >= 2).astype(float).where(s.notna())
    if instrument == "rses":
        return "normal or high self-esteem (15 or more)", lambda s: (s >= 15).astype(float).where(s.notna())
    if instrument == "who5":
        return "adequate well-being (raw 13 or more, 52 or more of 100)", lambda s: (s >= 52).astype(float).where(s.notna())
    if instrument == "custom" and outcome_type == "binary":
        return "yes", lambda s: s
    return None
