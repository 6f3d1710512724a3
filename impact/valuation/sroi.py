"""Social return on investment (SROI), evaluative, per initiative (docs/statistics.md and docs/warehouse.md).

The method follows the SROI guide of the Cabinet Office and The SROI Network, now
Social Value UK: "A guide to Social Return on Investment" (2012 edition), stage 4
("Establishing impact": deadweight, displacement, attribution, drop-off) and
stage 5 ("Calculating the SROI": projecting into the future, net present value,
ratio, sensitivity analysis, payback period). What is computed, exactly:

Value of one outcome
    ``value_year_1 = quantity × proxy_eur × (1 − deadweight) × (1 − displacement)
    × (1 − attribution)``. In later years ``t = 2 .. duration_years`` the value drops
    off by a fixed share of what remained the year before (the guide's drop-off):
    ``value_t = value_{t−1} × (1 − drop_off)``, i.e. ``value_year_1 × (1 − drop_off)^(t−1)``.
    The quantity is either declared in the Theory of Change (``quantity_source``
    ``'declared'``) or ``from_data``, computed from the participants' scores
    (:func:`change_counts`, :func:`quantity_from_data`; the guide's stage 4 counts the
    outcome *net*, and its principle "do not over-claim" sets the default below):

    - among the *paired* participants (a score at baseline and at follow-up), those who
      changed the better way minus those who changed the worse way (``quantity_rule``
      ``net_any_change``); where the Theory of Change declares ``meaningful_change`` for
      the outcome, only changes of at least that much count, either way
      (``net_meaningful_change``). The net may be negative: the outcome then has a
      negative value, as the guide prescribes for negative outcomes;
    - the participants of the year's register without both scores (``n_not_measured``)
      count as the Theory of Change's ``sroi.non_respondents`` says: ``zero`` (default:
      nobody of them changed) or ``respondents_rate`` (they changed at the paired
      participants' net rate, net / paired, so they add net / paired × n_not_measured).

    ``notes`` states the rule with its numbers. When the data give no pairs, the
    outcome's value is not computed and ``notes`` says why.

Present value
    ``present_value = Σ_{t=1..duration_years} value_t / (1 + r)^t``, with ``r`` the
    programme's discount rate (3 % in Dutch social cost-benefit practice 2016–2020).
    Year 1 is discounted too, as in the guide's formula (stage 5, "calculating the
    net present value": value in year 1 / (1 + r) + value in year 2 / (1 + r)^2 + …).
    The inputs are taken as spent at the start and are not discounted.

Per initiative
    ``present_value`` is the sum over its outcomes; ``npv = present_value − inputs_eur``;
    ``ratio = present_value / inputs_eur``. When the value of any of its outcomes
    cannot be computed, or ``inputs_eur`` is missing or not positive, these are NaN
    and ``notes`` says why (a partial total would overstate the ratio's basis).

Payback period
    ``payback_months``: months until the cumulative *undiscounted* value reaches
    ``inputs_eur``, each year's value (summed over the initiative's outcomes) spread
    evenly over its 12 months, year 1 first, then year 2, …; a fraction of a month
    is kept (in year 1 this equals the guide's ``inputs / (annual value / 12)``).
    NaN (no payback) when the value never reaches the inputs within the longest
    duration of the initiative's outcomes.

Sensitivity (the guide's "how much would an estimate have to change to give 1:1")
    ``tipping_point``: for each assumption (``quantity``, ``proxy_eur``, ``deadweight``,
    ``displacement``, ``attribution``, ``drop_off``) of each outcome, the value of
    that one assumption at which the initiative's ratio is exactly 1, every other
    assumption of every outcome kept as declared. The present value is linear in
    every assumption but drop-off, and in drop-off too when an outcome lasts at most
    2 years; those are solved exactly from the values at 0 and at 1. For longer
    durations the present value is a polynomial in drop-off, decreasing on 0..1,
    solved with ``scipy.optimize.brentq``. NaN, with the reason in ``notes``, when no
    value in the allowed range gives 1:1 (0..1 for the shares, ≥ 0 for proxy and
    quantity), when the ratio does not depend on the assumption (e.g. drop-off of a
    one-year outcome, or anything of an outcome worth 0), or when the ratio itself
    is not computed.

    ``non_respondents`` (one row per outcome from the data): the assumption about the
    participants without both scores, as the net number of them counted as changed the
    better way (``declared_value``: 0 under ``zero``, net / paired × n_not_measured under
    ``respondents_rate``); ``tipping_point`` is the net number of them, between
    −n_not_measured and +n_not_measured, that gives 1:1; ``alternative_value`` and
    ``ratio_at_alternative`` give the number and the ratio under the other assumption.

    ``ratio_low`` / ``ratio_high``: the ratio with deadweight, displacement,
    attribution and drop-off of *every* outcome of the initiative moved together by
    +0.1 (unfavourable) or −0.1 (favourable), each clipped to 0..1; quantities and
    proxies as declared; the lower of the two ratios is ``ratio_low``. Where every
    outcome's value is positive, the value falls in each of these shares, so
    ``ratio_low ≤ ratio ≤ ratio_high``.

Rows are sorted by ``initiative_id`` and ``outcome_id`` (sensitivity rows then by
assumption in the order of :data:`SENSITIVITY_ASSUMPTIONS`); columns follow the
``SROI_*_COLUMNS`` constants. Pure numpy/pandas/scipy; nothing here knows of Dagster
or the warehouse.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from impact.warehouse.tables import SROI, SROI_ASSUMPTIONS, SROI_OUTCOMES, SROI_SENSITIVITY

#: The assumptions of an outcome's value, in the order :func:`present_values` takes them.
VALUE_COLUMNS = ("quantity", "proxy_eur", "deadweight", "displacement", "attribution", "drop_off", "duration_years")
#: Columns of ``programme.sroi_assumptions`` this module needs.
ASSUMPTION_COLUMNS = ["initiative_id", "outcome_id", *VALUE_COLUMNS]
#: Columns of ``programme.sroi_assumptions`` it reads when they are there, with their default.
OPTIONAL_ASSUMPTIONS = {"meaningful_change": None, "proxy_source": None, "non_respondents": "zero"}
assert set(SROI_ASSUMPTIONS.column_names) == {*ASSUMPTION_COLUMNS, *OPTIONAL_ASSUMPTIONS}
SROI_OUTCOME_COLUMNS = list(SROI_OUTCOMES.column_names)
SROI_SUMMARY_COLUMNS = list(SROI.column_names)
SROI_SENSITIVITY_COLUMNS = list(SROI_SENSITIVITY.column_names)

#: The assumptions whose tipping point is computed, in the order of the sensitivity rows (``non_respondents``
#: only for a quantity from the data).
SENSITIVITY_ASSUMPTIONS = ("quantity", "proxy_eur", "deadweight", "displacement", "attribution", "drop_off",
                           "non_respondents")
NON_RESPONDENTS = ("zero", "respondents_rate")
#: ``quantity_rule`` of a quantity from the data.
RULE_ANY, RULE_MEANINGFUL = "net_any_change", "net_meaningful_change"
#: Shares (0..1) of which a larger value lowers the outcome's value.
SHARE_ASSUMPTIONS = ("deadweight", "displacement", "attribution", "drop_off")
#: How far every share is moved for ``ratio_low`` / ``ratio_high``.
RANGE_STEP = 0.1
FROM_DATA = "from_data"

NOTE_QUANTITY_MISSING = (
    "quantity from_data not available: no participant has a score at baseline and at follow-up, so the data "
    "do not give the net number who changed, and this outcome's value is not computed"
)
# a change this close to meaningful_change counts as reaching it (scores are sums of answers, stored as floats)
_CHANGE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class ChangeCounts:
    """What the data say about one outcome valued ``from_data`` (:func:`change_counts`)."""

    paired: int  # participants with a score at baseline and at follow-up
    improved: int  # of them, those who changed the better way (by at least meaningful_change, where declared)
    worsened: int  # those who changed the worse way (idem)
    registered: int  # participants in the year's register: those the inputs were spent on

    @property
    def net(self) -> int:
        return self.improved - self.worsened

    @property
    def not_measured(self) -> int:
        return max(self.registered - self.paired, 0)

    def non_respondents(self, assumption: str) -> float:
        """The net number of the participants without both scores counted as changed the better way."""
        if assumption == "zero" or self.paired == 0:
            return 0.0
        return self.net / self.paired * self.not_measured

# tipping points computed at most this far outside 0..1 (rounding) are clipped into it
_EDGE_TOLERANCE = 1e-12


@dataclass(frozen=True, eq=False)
class SroiResult:
    """The three SROI tables, columns as in the ``SROI_*_COLUMNS`` constants."""

    outcomes: pd.DataFrame
    summary: pd.DataFrame
    sensitivity: pd.DataFrame


def change_counts(
    scores: pd.DataFrame, outcomes: pd.DataFrame, assumptions: pd.DataFrame, registered: Mapping[str, int],
) -> dict[tuple[str, str], ChangeCounts]:
    """The counts behind every quantity ``from_data`` in ``assumptions``, from the participants' scores.

    ``scores`` are rows of ``marts.outcome_scores``, ``outcomes`` of ``programme.outcomes`` (which way is
    better), ``registered`` maps initiative_id -> participants in the year's register (``participants_reached``
    for the year). An outcome without a single pair is left out (its value is then not computed).
    """
    from impact.indicators.compute import outcome_spec
    from impact.statistics.pairing import BASELINE, FOLLOW_UP, pairs

    wanted = assumptions[assumptions["quantity"].astype(str).str.strip() == FROM_DATA]
    if wanted.empty or scores.empty:
        return {}
    paired = pairs(scores[scores["score"].notna()])
    paired = paired.merge(outcome_spec(outcomes)[["initiative_id", "outcome_id", "higher_is_better"]],
                          on=["initiative_id", "outcome_id"], how="left")
    up = paired["higher_is_better"].astype("boolean").fillna(True).astype(bool)
    paired["better"] = (paired[FOLLOW_UP] - paired[BASELINE]).where(up, paired[BASELINE] - paired[FOLLOW_UP])
    meaningful = wanted["meaningful_change"] if "meaningful_change" in wanted else pd.Series(None, index=wanted.index)
    out = {}
    for initiative_id, outcome_id, least in zip(wanted["initiative_id"], wanted["outcome_id"], meaningful):
        mine = paired[(paired["initiative_id"] == initiative_id) & (paired["outcome_id"] == outcome_id)]["better"]
        if mine.empty:
            continue
        if least is None or pd.isna(least):
            improved, worsened = int((mine > 0).sum()), int((mine < 0).sum())
        else:
            improved = int((mine >= float(least) - _CHANGE_TOLERANCE).sum())
            worsened = int((mine <= -float(least) + _CHANGE_TOLERANCE).sum())
        out[(initiative_id, outcome_id)] = ChangeCounts(len(mine), improved, worsened,
                                                        int(registered.get(initiative_id, 0) or 0))
    return out


def compute_sroi(
    assumptions: pd.DataFrame,
    inputs_eur: Mapping[str, float | None],
    counts_from_data: Mapping[tuple[str, str], ChangeCounts | None],
    discount_rate: float,
) -> SroiResult:
    """SROI of every initiative in ``assumptions`` (rows of ``programme.sroi_assumptions``).

    ``inputs_eur`` maps initiative_id -> the inputs in euro (``sroi_inputs_eur``);
    ``counts_from_data`` maps (initiative_id, outcome_id) -> the :class:`ChangeCounts` of
    the outcome, or None when the data do not give them; it is read only for outcomes whose
    quantity is ``from_data``. See the module docstring for the method. Raises
    ``ValueError`` for assumptions that break their declared ranges.
    """
    r = float(discount_rate)
    if not math.isfinite(r) or r <= -1:
        raise ValueError(f"discount_rate must be a number above -1, got {discount_rate!r}")
    missing = [c for c in ASSUMPTION_COLUMNS if c not in assumptions.columns]
    if missing:
        raise ValueError(f"sroi assumptions lack the column(s) {', '.join(missing)}")

    frame = assumptions.reindex(columns=[*ASSUMPTION_COLUMNS, *OPTIONAL_ASSUMPTIONS]).astype(object)
    for column, default in OPTIONAL_ASSUMPTIONS.items():
        given = frame[column] if column in assumptions else pd.Series(default, index=frame.index, dtype=object)
        frame[column] = given.where(given.notna(), default)
    bad = sorted(set(frame["non_respondents"]) - set(NON_RESPONDENTS))
    if bad:
        raise ValueError(f"sroi non_respondents must be one of {', '.join(NON_RESPONDENTS)}, got {', '.join(map(str, bad))}")
    frame = frame.sort_values(["initiative_id", "outcome_id"], kind="mergesort").reset_index(drop=True)
    dupes = frame[frame.duplicated(["initiative_id", "outcome_id"], keep=False)]
    if len(dupes):
        pairs = sorted({f"{i}/{o}" for i, o in zip(dupes["initiative_id"], dupes["outcome_id"])})
        raise ValueError(f"sroi assumptions list an outcome more than once: {', '.join(pairs)}")

    outcomes = _outcome_table(frame, counts_from_data, r)
    summary_rows, sensitivity_rows = [], []
    for initiative_id, rows in outcomes.groupby("initiative_id", sort=True):
        summary, sensitivity = _initiative(str(initiative_id), rows, _inputs(inputs_eur.get(initiative_id)), r)
        summary_rows.append(summary)
        sensitivity_rows += sensitivity

    return SroiResult(
        outcomes=SROI_OUTCOMES.conform(outcomes.reindex(columns=SROI_OUTCOME_COLUMNS)),
        summary=SROI.conform(pd.DataFrame(summary_rows, columns=SROI_SUMMARY_COLUMNS)),
        sensitivity=SROI_SENSITIVITY.conform(pd.DataFrame(sensitivity_rows, columns=SROI_SENSITIVITY_COLUMNS)),
    )


# ---------------------------------------------------------------------------------------------
# the value of outcomes


def present_values(
    quantity: np.ndarray,
    proxy_eur: np.ndarray,
    deadweight: np.ndarray,
    displacement: np.ndarray,
    attribution: np.ndarray,
    drop_off: np.ndarray,
    duration_years: np.ndarray,
    discount_rate: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(value_year_1, yearly values, present values) of outcomes given as parallel arrays.

    ``yearly values`` has one row per outcome and one column per year 1 .. the longest
    duration, 0 after an outcome's own duration; present value discounts year t by
    (1 + r)^t from t = 1.
    """
    quantity, proxy_eur, deadweight, displacement, attribution, drop_off = (
        np.asarray(a, dtype="float64") for a in (quantity, proxy_eur, deadweight, displacement, attribution, drop_off)
    )
    duration = np.asarray(duration_years, dtype="int64")
    value_year_1 = quantity * proxy_eur * (1 - deadweight) * (1 - displacement) * (1 - attribution)
    years = np.arange(1, int(duration.max(initial=1)) + 1)
    kept = (1 - drop_off)[:, None] ** (years - 1)[None, :]
    yearly = np.where(years[None, :] <= duration[:, None], value_year_1[:, None] * kept, 0.0)
    present = (yearly / (1 + discount_rate) ** years[None, :]).sum(axis=1)
    return value_year_1, yearly, present


def _outcome_table(frame: pd.DataFrame, from_data: Mapping[tuple[str, str], ChangeCounts | None], r: float) -> pd.DataFrame:
    rows = []
    for a in frame.to_dict("records"):
        initiative_id, outcome_id, declared = a["initiative_id"], a["outcome_id"], a["quantity"]
        least = None if a["meaningful_change"] is None or pd.isna(a["meaningful_change"]) else float(a["meaningful_change"])
        row = {"quantity_rule": None, "meaningful_change": least, "non_respondents": None, "n_paired": None,
               "n_improved": None, "n_worsened": None, "n_not_measured": None, "nr_declared": np.nan,
               "nr_alternative": np.nan, "net": np.nan}
        if isinstance(declared, str) and declared.strip() == FROM_DATA:
            if least is not None and least <= 0:
                raise ValueError(f"{initiative_id}/{outcome_id}: meaningful_change must be above 0, got {least!r}")
            counts = from_data.get((initiative_id, outcome_id))
            assumption = a["non_respondents"]
            row |= {"quantity_source": FROM_DATA, "quantity_rule": RULE_ANY if least is None else RULE_MEANINGFUL,
                    "non_respondents": assumption}
            if counts is None or counts.paired == 0:
                rows.append(row | {"quantity": np.nan, "notes": NOTE_QUANTITY_MISSING})
                continue
            if min(counts.paired, counts.improved, counts.worsened, counts.registered) < 0 or (
                    counts.improved + counts.worsened > counts.paired):
                raise ValueError(f"{initiative_id}/{outcome_id}: impossible counts from the data: {counts}")
            other = "respondents_rate" if assumption == "zero" else "zero"
            row |= {"n_paired": counts.paired, "n_improved": counts.improved, "n_worsened": counts.worsened,
                    "n_not_measured": counts.not_measured, "net": float(counts.net),
                    "nr_declared": counts.non_respondents(assumption), "nr_alternative": counts.non_respondents(other)}
            rows.append(row | {"quantity": counts.net + row["nr_declared"], "notes": quantity_note(counts, least, assumption)})
        else:
            if least is not None:
                raise ValueError(f"{initiative_id}/{outcome_id}: meaningful_change applies only to a quantity from_data")
            value = _number(declared, initiative_id, outcome_id, "quantity")
            if value < 0:
                raise ValueError(f"{initiative_id}/{outcome_id}: quantity must be 0 or more, got {declared!r}")
            rows.append(row | {"quantity_source": "declared", "quantity": value,
                               "notes": "quantity as declared in the Theory of Change"})

    extra = pd.DataFrame(rows, index=frame.index, columns=[
        "quantity", "quantity_source", "quantity_rule", "meaningful_change", "non_respondents", "n_paired", "n_improved",
        "n_worsened", "n_not_measured", "net", "nr_declared", "nr_alternative", "notes"])
    out = pd.DataFrame(
        {
            "initiative_id": frame["initiative_id"].astype(str),
            "outcome_id": frame["outcome_id"].astype(str),
            "quantity": extra["quantity"].astype("float64"),
            "quantity_source": extra["quantity_source"],
        }
    )
    for col in ("proxy_eur", "deadweight", "displacement", "attribution", "drop_off", "duration_years"):
        out[col] = [_number(v, i, o, col) for v, i, o in zip(frame[col], frame["initiative_id"], frame["outcome_id"])]
    _check_ranges(out)
    out["duration_years"] = out["duration_years"].astype("int64")
    for col in ("quantity_rule", "meaningful_change", "non_respondents", "n_paired", "n_improved", "n_worsened",
                "n_not_measured", "net", "nr_declared", "nr_alternative"):
        out[col] = extra[col]
    out["proxy_source"] = frame["proxy_source"]

    v1, _, pv = present_values(*(out[c].to_numpy() for c in VALUE_COLUMNS), discount_rate=r)
    out["value_year_1"] = v1
    out["present_value"] = pv
    out["notes"] = [n if n == NOTE_QUANTITY_MISSING else f"{n}; {_discounting(r, d)}"
                    for n, d in zip(extra["notes"], out["duration_years"])]
    return out


def quantity_from_data(counts: ChangeCounts, non_respondents: str = "zero") -> float:
    """The quantity of an outcome valued ``from_data``: the net number of paired participants who changed the
    better way, plus the participants without both scores as ``non_respondents`` says (module docstring)."""
    if non_respondents not in NON_RESPONDENTS:
        raise ValueError(f"non_respondents must be one of {', '.join(NON_RESPONDENTS)}, got {non_respondents!r}")
    return counts.net + counts.non_respondents(non_respondents)


def quantity_note(counts: ChangeCounts, meaningful_change: float | None, non_respondents: str) -> str:
    """The rule of a quantity from the data, with its numbers, in words."""
    which = ("any change the better or the worse way counts" if meaningful_change is None
             else f"only a change of at least {meaningful_change:g} either way counts (meaningful_change)")
    text = (f"quantity from the data: net {counts.net:g} = {counts.improved:g} improved − {counts.worsened:g} "
            f"worsened of {counts.paired:g} paired participants ({which})")
    if counts.not_measured == 0:
        return text + "; every participant of the year's register has both scores"
    if non_respondents == "zero":
        return (text + f"; the {counts.not_measured:g} participants of the year's register without both scores count "
                f"as 0 (non_respondents: zero; at the paired participants' net rate they would add "
                f"{counts.non_respondents('respondents_rate'):.2f})")
    return (text + f"; the {counts.not_measured:g} participants of the year's register without both scores count at the "
            f"paired participants' net rate {counts.net:g}/{counts.paired:g}, adding "
            f"{counts.non_respondents('respondents_rate'):.2f} (non_respondents: respondents_rate; as zero they "
            "would add 0)")


def _discounting(r: float, years: int) -> str:
    span = "year 1" if years == 1 else f"years 1..{years}"
    return f"discounted at {r * 100:g}% a year from year 1 (value in year t divided by {1 + r:g}^t, {span})"


# ---------------------------------------------------------------------------------------------
# per initiative: totals, payback, range, tipping points


def _initiative(initiative_id: str, rows: pd.DataFrame, inputs: float, r: float) -> tuple[dict, list[dict]]:
    params = {c: rows[c].to_numpy(dtype="int64" if c == "duration_years" else "float64", copy=True)
              for c in VALUE_COLUMNS}
    outcome_ids = rows["outcome_id"].tolist()
    unknown = [o for o, q in zip(outcome_ids, params["quantity"]) if np.isnan(q)]
    reasons = []
    if unknown:
        reasons.append(
            "not computed: the data do not give the quantity of outcome(s) " + ", ".join(unknown)
            + ", so the initiative's present value, npv, ratio, payback and range are not computed"
        )
    if np.isnan(inputs):
        reasons.append("not computed: inputs_eur is missing or not positive, so npv, ratio, payback and range are not computed")

    computable = not reasons
    _, yearly, pv = present_values(**params, discount_rate=r)
    total = np.nan if unknown else float(pv.sum())
    row = {
        "initiative_id": initiative_id, "inputs_eur": inputs, "present_value": total, "npv": total - inputs,
        "ratio": total / inputs, "payback_months": np.nan, "ratio_low": np.nan, "ratio_high": np.nan,
        "discount_rate": r,
    }
    if computable:
        row["payback_months"] = payback_months(yearly.sum(axis=0), inputs)
        if np.isnan(row["payback_months"]):
            reasons.append(
                f"no payback: the undiscounted value ({yearly.sum():.2f} EUR over {yearly.shape[1]} year(s)) "
                "stays below the inputs"
            )
        # the lower of the two is the low end: with an outcome of negative value, a larger share raises the ratio
        row["ratio_low"], row["ratio_high"] = sorted((_total(_shifted(params, +RANGE_STEP), r) / inputs,
                                                      _total(_shifted(params, -RANGE_STEP), r) / inputs))
    duration = int(params["duration_years"].max())
    reasons.append(
        f"{_discounting(r, duration)}; payback on the undiscounted value, each year's spread evenly over 12 months; "
        f"range: deadweight, displacement, attribution and drop-off of every outcome all +{RANGE_STEP:g} (low) "
        f"or -{RANGE_STEP:g} (high), clipped to 0..1"
    )
    row["notes"] = "; ".join(reasons)

    sensitivity = []
    for i, outcome_id in enumerate(outcome_ids):
        from_data = rows["quantity_source"].iloc[i] == FROM_DATA
        for assumption in SENSITIVITY_ASSUMPTIONS:
            entry = {"initiative_id": initiative_id, "outcome_id": outcome_id, "assumption": assumption,
                     "alternative_value": np.nan, "ratio_at_alternative": np.nan}
            if assumption == "non_respondents":
                if not from_data:
                    continue
                entry |= {"declared_value": float(rows["nr_declared"].iloc[i]),
                          "alternative_value": float(rows["nr_alternative"].iloc[i])}
                if not computable:
                    entry |= {"tipping_point": np.nan, "notes": "not computed: the initiative's ratio is not computed"}
                else:
                    entry |= non_respondents_point(params, i, rows.iloc[i], inputs, r)
                sensitivity.append(entry)
                continue
            entry["declared_value"] = float(params[assumption][i])
            if not computable:
                tipping, note = np.nan, "not computed: the initiative's ratio is not computed"
            else:
                tipping, note = tipping_point(params, i, assumption, inputs, r)
            sensitivity.append(entry | {"tipping_point": tipping, "notes": note})
    return row, sensitivity


def non_respondents_point(params: dict[str, np.ndarray], index: int, outcome: pd.Series, inputs: float,
                          r: float) -> dict:
    """The sensitivity row of the non-respondent assumption of outcome ``index`` (a quantity from the data).

    The quantity is net + x, x the net number of participants without both scores counted as changed the
    better way, between -n_not_measured and +n_not_measured. Returns ``tipping_point`` (the x giving 1:1, or
    NaN), ``ratio_at_alternative`` (the ratio at ``outcome["nr_alternative"]``) and ``notes``.
    """
    net, missing = float(outcome["net"]), int(outcome["n_not_measured"])

    def ratio_at(x: float) -> float:
        moved = {k: v.copy() for k, v in params.items()}
        moved["quantity"][index] = net + x
        return _total(moved, r) / inputs

    other = "respondents_rate" if outcome["non_respondents"] == "zero" else "zero"
    alternative = ratio_at(float(outcome["nr_alternative"]))
    said = (f"the {missing} participants without both scores as non_respondents: {outcome['non_respondents']} "
            f"(they add {float(outcome['nr_declared']):.2f}); as {other} they would add "
            f"{float(outcome['nr_alternative']):.2f} and the ratio would be {alternative:.2f}")
    if missing == 0:
        return {"tipping_point": np.nan, "ratio_at_alternative": alternative,
                "notes": "every participant of the year's register has both scores: nothing is assumed about others"}
    at_0, at_1 = ratio_at(0.0), ratio_at(1.0)
    if at_0 == at_1:
        return {"tipping_point": np.nan, "ratio_at_alternative": alternative,
                "notes": f"{said}; the ratio does not depend on them (this outcome's value is 0 whatever they do)"}
    x = (1.0 - at_0) / (at_1 - at_0)  # the ratio is linear in x
    if -missing - _EDGE_TOLERANCE <= x <= missing + _EDGE_TOLERANCE:
        way = f"{x:.2f} of them, on balance, changed the better way" if x >= 0 else (
            f"{-x:.2f} of them, on balance, got worse")
        return {"tipping_point": float(min(max(x, -missing), missing)), "ratio_at_alternative": alternative,
                "notes": f"{said}; 1:1 when {way} (solved exactly)"}
    return {"tipping_point": np.nan, "ratio_at_alternative": alternative,
            "notes": (f"{said}; no net number of them from -{missing} to {missing} gives a 1:1 ratio: the ratio runs "
                      f"from {ratio_at(-missing):.2f} to {ratio_at(missing):.2f}")}


def payback_months(yearly_value: np.ndarray, inputs: float) -> float:
    """Months until the cumulative undiscounted value reaches ``inputs``, NaN if it never does.

    ``yearly_value[k]`` is the value in year k + 1, spread evenly over that year's 12 months.
    """
    before = 0.0
    for year, value in enumerate(np.asarray(yearly_value, dtype="float64")):
        if value > 0 and before + value >= inputs:
            return 12.0 * year + 12.0 * (inputs - before) / value
        before += value
    return np.nan


def tipping_point(params: dict[str, np.ndarray], index: int, assumption: str, inputs: float, r: float) -> tuple[float, str]:
    """(value of ``assumption`` of outcome ``index`` giving a 1:1 ratio, or NaN; a note saying how or why not).

    ``params`` maps each assumption column to the initiative's outcomes as arrays.
    """
    upper = 1.0 if assumption in SHARE_ASSUMPTIONS else math.inf
    allowed = "0..1" if upper == 1.0 else ">= 0"

    def total_at(x: float) -> float:
        moved = {k: v.copy() for k, v in params.items()}
        moved[assumption][index] = x
        return _total(moved, r)

    at_0, at_1 = total_at(0.0), total_at(1.0)
    if at_0 == at_1:
        return np.nan, f"the ratio does not depend on {assumption} here (this outcome's value does not change with it)"
    duration = int(params["duration_years"][index])
    if assumption != "drop_off" or duration <= 2:
        # linear: total(x) = at_0 + (at_1 - at_0) x
        x = (inputs - at_0) / (at_1 - at_0)
        if -_EDGE_TOLERANCE <= x <= upper + _EDGE_TOLERANCE:
            return float(min(max(x, 0.0), upper)), f"solved exactly: the present value is linear in {assumption}"
        if upper == 1.0:
            return np.nan, (f"no {assumption} in {allowed} gives a 1:1 ratio: the ratio runs from {at_0 / inputs:.2f} "
                            f"({assumption} = 0) to {at_1 / inputs:.2f} ({assumption} = 1)")
        return np.nan, (f"no {assumption} {allowed} gives a 1:1 ratio: the ratio is {at_0 / inputs:.2f} at "
                        f"{assumption} = 0 and rises with it")
    # drop-off of an outcome lasting 3 years or more: a polynomial, decreasing on 0..1
    f_0, f_1 = at_0 - inputs, at_1 - inputs
    if f_0 == 0:
        return 0.0, "the ratio is 1:1 at drop_off = 0"
    if f_1 == 0:
        return 1.0, "the ratio is 1:1 at drop_off = 1"
    if f_0 > 0 > f_1:
        x = brentq(lambda d: total_at(d) - inputs, 0.0, 1.0, xtol=1e-15, maxiter=200)
        return float(x), "solved numerically (scipy.optimize.brentq): the present value is a polynomial in drop_off"
    return np.nan, (f"no drop_off in {allowed} gives a 1:1 ratio: the ratio runs from {at_0 / inputs:.2f} "
                    f"(drop_off = 0) to {at_1 / inputs:.2f} (drop_off = 1)")


def _total(params: dict[str, np.ndarray], r: float) -> float:
    return float(present_values(**params, discount_rate=r)[2].sum())


def _shifted(params: dict[str, np.ndarray], step: float) -> dict[str, np.ndarray]:
    moved = dict(params)
    for share in SHARE_ASSUMPTIONS:
        moved[share] = np.clip(params[share] + step, 0.0, 1.0)
    return moved


# ---------------------------------------------------------------------------------------------
# inputs and types


def _inputs(value) -> float:
    """inputs_eur as a float; NaN when missing or not positive (no ratio can be formed)."""
    if value is None or pd.isna(value):
        return np.nan
    value = float(value)
    return value if value > 0 else np.nan


def _number(value, initiative_id: str, outcome_id: str, column: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{initiative_id}/{outcome_id}: {column} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{initiative_id}/{outcome_id}: {column} must be a finite number, got {value!r}")
    return number


def _check_ranges(out: pd.DataFrame) -> None:
    problems = []
    for col in SHARE_ASSUMPTIONS:
        bad = out[(out[col] < 0) | (out[col] > 1)]
        problems += [f"{i}/{o}: {col} must be between 0 and 1, got {v}" for i, o, v in zip(bad["initiative_id"], bad["outcome_id"], bad[col])]
    bad = out[out["proxy_eur"] < 0]
    problems += [f"{i}/{o}: proxy_eur must be 0 or more, got {v}" for i, o, v in zip(bad["initiative_id"], bad["outcome_id"], bad["proxy_eur"])]
    bad = out[(out["duration_years"] < 1) | (out["duration_years"] % 1 != 0)]
    problems += [f"{i}/{o}: duration_years must be a whole number of years, at least 1, got {v}"
                 for i, o, v in zip(bad["initiative_id"], bad["outcome_id"], bad["duration_years"])]
    if problems:
        raise ValueError("; ".join(problems))
