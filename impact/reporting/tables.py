"""The published figures of one initiative, after disclosure control.

Every figure a report prints, a chart draws or a CSV holds comes from here. The
figures of an initiative are registered once as *cells* (value and the number of
people it rests on) with the additive relations between them (a year is the sum
of its quarters; a cumulative count is the previous one plus the new people; the
people measured at baseline are those measured twice plus those lost), then
primary and secondary suppression run once over all of them
(``impact.reporting.disclosure``). Tables read the resolved cells, so a figure
hidden in one table is hidden in every other table, chart and report too.

Rules beyond the cells:
- a mean, percentile or test statistic rests on the people it was computed from:
  it is hidden when that count is below the threshold;
- a share is hidden when its numerator or its denominator is hidden (a share
  times a published denominator gives the numerator back);
- counts of activities and volunteer hours do not rest on participants and are
  not suppressed;
- a test's output is blanked where it would give a hidden count back (``_hide_test_figures``);
- the means of a yes/no outcome are shares, so its yes and no counts are cells too.

**Hidden is not missing.** Every published table has a column ``hidden`` that names, per row, each
figure blanked by disclosure control with the reason, ``column:reason`` pairs joined by ``;`` (e.g.
``p_value:reveals_unchanged;statistic:reveals_unchanged``; empty when nothing in the row is hidden).
A blank cell whose column is not named there was not computed or does not apply (no interval, no
test with too few pairs, percentiles of a yes/no outcome). The reasons (:data:`HIDDEN_REASONS`) are
the ones the reports' notes give in words (``hidden_reason.*`` in the catalogues).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from impact.contracts import vocabulary
from impact.instruments.registry import references_of
from impact.reporting.disclosure import primary_suppression, secondary_suppression
from impact.reporting.report_data import ReportData
from impact.statistics.verdicts import CONFIDENCE

WIJKEN = tuple(sorted(vocabulary.WIJKEN))  # the ten districts of Utrecht, as the reports list them
UNKNOWN_WIJK = "unknown"
WAVES = ("baseline", "follow_up")
# People counts in published tables whose column names the disclosure scanner cannot know
# (attendances are visits of people; the wijk table's counts are under ``participants``).
EXTRA_COUNT_COLUMNS = {"reach_per_quarter.csv": ["attendance"]}

#: The column of every published table that names the figures hidden by disclosure control.
HIDDEN_COLUMN = "hidden"
#: Why a figure is hidden (the catalogues' ``hidden_reason.<reason>``).
HIDDEN_REASONS = (
    "fewer_than_threshold",   # it rests on fewer people than the threshold (primary suppression)
    "protects_hidden_figure",  # with a total or a difference it would give a hidden figure away (secondary)
    "share_of_hidden",        # a share whose numerator or denominator is hidden
    "few_pairs",              # a test figure when the pairs are fewer than the threshold or their number is hidden
    "reveals_unchanged",      # Wilcoxon: it would give back the hidden number of people whose score stayed the same
    "reveals_change_counts",  # Wilcoxon: it would give back (or bound) a hidden number of people who got better or worse
    "reveals_changers",       # McNemar: it would give back the hidden numbers of people who changed
    "reveals_yes_no",         # the share of a yes/no outcome: it would give back a hidden yes or no count
    "rests_on_hidden_count",  # SROI: the quantity is a hidden count of people
    "reveals_survey_count",   # rows delivered: with the other counts they would give a hidden number of responses back
    "reveals_small_group",    # a wave's score beside the pairs' would give the mean score of fewer people than the threshold
)
_CELL_REASONS = {"primary": "fewer_than_threshold", "secondary": "protects_hidden_figure"}


def hidden_text(reasons: dict[str, str]) -> str:
    """The ``hidden`` cell of a row: ``column:reason`` pairs in column order, joined by ``;``."""
    for reason in reasons.values():
        if reason not in HIDDEN_REASONS:
            raise ValueError(f"unknown reason {reason!r} for a hidden figure")
    return ";".join(f"{column}:{reason}" for column, reason in reasons.items())


def hidden_reasons(row) -> dict[str, str]:
    """The figures of a published row hidden by disclosure control, with their reasons ({} when none)."""
    text = row.get(HIDDEN_COLUMN) if hasattr(row, "get") else getattr(row, HIDDEN_COLUMN, None)
    if not isinstance(text, str) or not text:
        return {}
    return dict(part.split(":", 1) for part in text.split(";"))


def hidden_reason(row, column: str) -> str | None:
    """Why ``column`` of a published row is hidden, or None when it is not (then a blank is missing)."""
    return hidden_reasons(row).get(column)


@dataclass
class Cells:
    """A register of figures and the additive relations between them."""

    rows: list[tuple[str, float, float]] = field(default_factory=list)
    groups: list[list[str]] = field(default_factory=list)
    resolved: dict[str, float] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    _zero_people: set[str] = field(default_factory=set)   # the cells counting 0 people (see :meth:`why`)

    def add(self, cell_id: str, value, people=True) -> None:
        value = np.nan if value is None or pd.isna(value) else float(value)
        n = value if people is True else (np.nan if people is False else float(people))
        self.rows.append((cell_id, value, n))

    def relate(self, total: str, *parts: str) -> None:
        self.groups.append([total, *parts])

    def resolve(self, threshold: int) -> "Cells":
        frame = pd.DataFrame(self.rows, columns=["cell_id", "value", "n"])
        if frame["cell_id"].duplicated().any():
            raise ValueError(f"cells registered twice: {sorted(frame.loc[frame['cell_id'].duplicated(), 'cell_id'])}")
        frame["n"] = frame["n"].astype("float64")
        frame = primary_suppression(frame, threshold)
        known = set(frame["cell_id"])
        groups = [g for g in self.groups if set(g) <= known]
        frame = secondary_suppression(frame, groups, threshold) if groups else frame
        self.resolved = dict(zip(frame["cell_id"], frame["value"].where(~frame["suppressed"].astype(bool))))
        self.reasons = dict(zip(frame["cell_id"], frame["reason"]))
        self._zero_people = {c for c, value, n in self.rows if value == 0 and not np.isnan(n)}
        return self

    def hide_with(self, cell_ids: list[str], when: list[str] | None = None) -> None:
        """After :meth:`resolve`: hide every shown cell of ``cell_ids`` when one of ``when`` (default: of
        ``cell_ids`` themselves) is hidden, to protect it.

        For figures whose meaning goes beyond the additive relations (the split of a McNemar table, whose
        test gives the discordant counts back; the parts of a group whose total is hidden, where even a 0
        says something about everyone in that small group). Hiding more never uncovers a hidden cell.
        """
        if any(self.hidden(c) for c in (cell_ids if when is None else when)):
            for c in cell_ids:
                if c in self.reasons and not self.hidden(c):
                    self.reasons[c] = "secondary"
                    self.resolved[c] = np.nan

    def rows_by_id(self) -> dict[str, float]:
        """The registered values before suppression (for totals computed across initiatives)."""
        return {cell_id: value for cell_id, value, _ in self.rows}

    def __getitem__(self, cell_id: str) -> float:
        return self.resolved.get(cell_id, np.nan)

    def hidden(self, cell_id: str) -> bool:
        return bool(self.reasons.get(cell_id))

    def why(self, cell_id: str) -> str | None:
        """The published reason a cell is hidden (:data:`HIDDEN_REASONS`), or None when it is shown. A hidden 0 of
        people reads 'fewer than the threshold' (which it is), never 'protects another figure': since a
        primary cell is 1 to threshold − 1, the second reason on a hidden count would say it is 0 or at least the
        threshold, and a small table would give its 0 away."""
        reason = _CELL_REASONS.get(self.reasons.get(cell_id) or "")
        if reason == "protects_hidden_figure" and cell_id in self._zero_people:
            return "fewer_than_threshold"
        return reason

    def share_why(self, numerator: str, denominator: str) -> str | None:
        """Why a share is hidden: its numerator or denominator is (None when both are shown)."""
        return "share_of_hidden" if self.hidden(numerator) or self.hidden(denominator) else None

    def share(self, numerator: str, denominator: str) -> float:
        num, den = self[numerator], self[denominator]
        if np.isnan(num) or np.isnan(den) or den == 0:
            return np.nan
        return num / den

    def suppressed_summary(self) -> pd.DataFrame:
        return pd.DataFrame(
            [(c, r) for c, r in sorted(self.reasons.items()) if r], columns=["cell_id", "reason"]
        )


def _why(cells: Cells, **columns: str | tuple[str, str]) -> str:
    """The ``hidden`` cell of a row whose columns show cells (a cell id) or shares (numerator, denominator)."""
    reasons = {}
    for column, source in columns.items():
        why = cells.share_why(*source) if isinstance(source, tuple) else cells.why(source)
        if why:
            reasons[column] = why
    return hidden_text(reasons)


def _indicator(ind: pd.DataFrame, indicator_id: str, period: str) -> float:
    hit = ind[(ind["indicator_id"] == indicator_id) & (ind["period"] == period)]
    return float(hit["value"].iloc[0]) if len(hit) else np.nan


@dataclass(frozen=True)
class InitiativeFigures:
    """What may be published about one initiative."""

    initiative_id: str
    cells: Cells
    reach: pd.DataFrame
    wijk: pd.DataFrame
    profile: pd.DataFrame
    response: pd.DataFrame
    outcomes: pd.DataFrame
    changes: pd.DataFrame
    hypotheses: pd.DataFrame
    attrition: pd.DataFrame
    realisation: pd.DataFrame
    sroi_outcomes: pd.DataFrame
    sroi_summary: pd.DataFrame
    references: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REFERENCE_COLUMNS))

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables published as CSV/XLSX, by file name (without extension)."""
        return {
            "reach_per_quarter": self.reach,
            "reach_by_wijk": self.wijk,
            "participant_profile": self.profile,
            "response": self.response,
            "outcome_distributions": self.outcomes,
            "paired_change": self.changes,
            "hypotheses": self.hypotheses,
            "attrition": self.attrition,
            "realisation": self.realisation,
            **({"sroi_outcomes": self.sroi_outcomes, "sroi": self.sroi_summary} if len(self.sroi_summary) else {}),
        }


#: The participant profile's characteristics: the cell prefix, the indicator prefix and the groups' order.
PROFILE_CHARACTERISTICS = {"age_band": ("reach_age", vocabulary.AGE_BANDS), "gender": ("reach_gender", vocabulary.GENDERS)}
#: (No column of codes such as '12-17': Excel would read it as a date; the label says the group in words.)
PROFILE_COLUMNS = ["characteristic", "label", "participants", "share", "merged", HIDDEN_COLUMN]


def _profile_groups(ind: pd.DataFrame, year: str, threshold: int) -> dict[str, list[tuple[tuple[str, ...], float]]]:
    """Per characteristic, the participants of the year per group that has someone in it, in the vocabulary's
    order and ``unknown`` (not filled in) last, small groups merged (:func:`merge_small_groups`)."""
    out = {}
    for characteristic, (prefix, order) in PROFILE_CHARACTERISTICS.items():
        hits = ind[(ind["period"] == year) & ind["indicator_id"].str.startswith(prefix + ".") & (ind["value"] > 0)]
        found = dict(zip(hits["indicator_id"].str.removeprefix(prefix + "."), hits["value"].astype(float)))
        rank = {g: i for i, g in enumerate([*order, UNKNOWN_WIJK])}
        groups = [((g,), found[g]) for g in sorted(found, key=lambda g: (rank.get(g, len(rank)), g))]
        out[characteristic] = merge_small_groups(groups, threshold, adjacent=characteristic == "age_band")
    return out


def _profile_cell(characteristic: str, members: tuple[str, ...]) -> str:
    """The cell of a (merged) profile group: 'age_band.65-74+75+'."""
    return f"{characteristic}.{'+'.join(members)}"


def merge_small_groups(groups: list[tuple[tuple[str, ...], float]], threshold: int,
                       adjacent: bool) -> list[tuple[tuple[str, ...], float]]:
    """Groups of fewer than ``threshold`` people merged into others until none is left (or one group remains),
    so that the profile can be published rather than masked: the smallest small group joins its smaller
    neighbour (``adjacent``: ordered groups such as age bands, '45–74 jaar') or the smallest other group
    (gender: 'man, anders of niet ingevuld'). Ties go to the group listed first. The order is kept."""
    groups = list(groups)
    while len(groups) > 1 and min(n for _, n in groups) < threshold:
        i = min(range(len(groups)), key=lambda k: (groups[k][1], k))
        if adjacent:
            options = [k for k in (i - 1, i + 1) if 0 <= k < len(groups)]
        else:
            options = [k for k in range(len(groups)) if k != i]
        j = min(options, key=lambda k: (groups[k][1], k))
        first, second = sorted((i, j))
        merged = (groups[first][0] + groups[second][0], groups[first][1] + groups[second][1])
        groups = [*groups[:first], merged, *[g for k, g in enumerate(groups) if k > first and k != second]]
    return groups


def profile_label(characteristic: str, members: tuple[str, ...], words: dict[str, str]) -> str:
    """A group of the participant profile in the catalogue's words: '18–29 jaar', '75 jaar en ouder', 'vrouw';
    merged groups as '30–64 jaar' and 'man, anders of niet ingevuld'."""
    if characteristic == "age_band":
        low, high = members[0].rstrip("+").partition("-")[0], members[-1]
        if high.endswith("+"):
            return words["profile.age_open"].format(low=low)
        if low == "0":   # 'tot en met 11 jaar', not '0–11 jaar'
            return words["profile.age_upto"].format(high=high.partition("-")[2])
        return words["profile.age_band"].format(low=low, high=high.partition("-")[2])
    names = [words["profile.unknown"] if g == UNKNOWN_WIJK else words.get(f"profile.gender.{g}", g) for g in members]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {words['profile.or']} {names[-1]}"


def _outcome_labels(data: ReportData, initiative_id: str, language: str | None = None) -> dict[str, str]:
    """Each outcome's label from the Theory of Change; a ZRM domain as '<outcome>: <domain>', the domain's name
    from the report language's catalogue (``zrm_domain.<code>``: 'financiën', 'ADL'), else its code in words."""
    from impact.language import catalogue

    words = catalogue(language or data.programme.get("language") or "nl")
    outcomes = data.of("outcomes", initiative_id)
    labels = dict(zip(outcomes["outcome_id"], outcomes["label"]))
    for outcome_id in data.of("distributions", initiative_id)["outcome_id"].unique():
        if outcome_id not in labels and "." in outcome_id:  # a ZRM domain: "<outcome>.<domain>"
            base, domain = outcome_id.split(".", 1)
            name = words.get(f"zrm_domain.{domain}", domain.replace("_", " "))
            labels[outcome_id] = f"{labels.get(base, base)}: {name}"
    return labels


def initiative_figures(data: ReportData, initiative_id: str, language: str | None = None) -> InitiativeFigures:
    """Register, resolve and tabulate every published figure of ``initiative_id`` (labels in ``language``, by
    default the programme's)."""
    year = str(data.year)
    quarters = [f"{year}-Q{q}" for q in range(1, 5)]
    periods = quarters + [year]
    ind = data.of("indicators", initiative_id)
    cells = Cells()

    # reach and activities per quarter
    for p in periods:
        cells.add(f"new.{p}", _indicator(ind, "participants_new", p))
        cells.add(f"reached.{p}", _indicator(ind, "participants_reached", p))
        cells.add(f"attendance.{p}", _indicator(ind, "attendance", p))
        cells.add(f"activities.{p}", _indicator(ind, "activities_held", p), people=False)
        cells.add(f"volunteer_hours.{p}", _indicator(ind, "volunteer_hours", p), people=False)
    cells.relate(f"new.{year}", *(f"new.{q}" for q in quarters))
    cells.relate(f"attendance.{year}", *(f"attendance.{q}" for q in quarters))
    cells.relate(f"reached.{quarters[0]}", f"new.{quarters[0]}")
    for prev, q in zip(quarters, quarters[1:]):
        cells.relate(f"reached.{q}", f"reached.{prev}", f"new.{q}")
    cells.relate(f"reached.{year}", f"reached.{quarters[-1]}")
    cells.relate(f"reached.{year}", f"new.{year}")

    # reach by wijk
    wijken = list(WIJKEN) + [UNKNOWN_WIJK]
    for w in wijken:
        value = _indicator(ind, f"reach_wijk.{w}", year)
        cells.add(f"wijk.{w}", 0.0 if np.isnan(value) else value)
    cells.relate(f"reached.{year}", *(f"wijk.{w}" for w in wijken))

    # the participant profile: the age bands and genders someone is in (a group that is not listed has nobody,
    # a published 0, so only the listed ones are parts of the year's reach)
    profile_groups = _profile_groups(ind, year, data.threshold)
    for characteristic, groups in profile_groups.items():
        for members, value in groups:
            cells.add(_profile_cell(characteristic, members), value)
        if groups:
            cells.relate(f"reached.{year}", *(_profile_cell(characteristic, members) for members, _ in groups))

    # response
    for key in ("baseline_respondents", "follow_up_respondents", "paired_respondents"):
        cells.add(f"response.{key}", _indicator(ind, key, year))

    # outcomes: counts per wave, pairs and lost; changes among the pairs
    labels = _outcome_labels(data, initiative_id, language)
    dist = data.of("distributions", initiative_id)
    chg = data.of("changes", initiative_id)
    outcome_ids = sorted(dist["outcome_id"].unique(), key=lambda o: (list(labels).index(o) if o in labels else 99, o))
    for o in outcome_ids:
        n = {w: dist.loc[(dist["outcome_id"] == o) & (dist["wave"] == w), "n"] for w in WAVES}
        n_base = float(n["baseline"].iloc[0]) if len(n["baseline"]) else 0.0
        n_follow = float(n["follow_up"].iloc[0]) if len(n["follow_up"]) else 0.0
        row = chg[chg["outcome_id"] == o]
        n_pairs = float(row["n_pairs"].iloc[0]) if len(row) else 0.0
        cells.add(f"n.{o}.baseline", n_base)
        cells.add(f"n.{o}.follow_up", n_follow)
        cells.add(f"n.{o}.pairs", n_pairs)
        cells.add(f"n.{o}.lost", n_base - n_pairs)
        cells.relate(f"n.{o}.baseline", f"n.{o}.pairs", f"n.{o}.lost")
        for part in ("worse", "same", "better"):
            cells.add(f"change.{o}.{part}", float(row[part].iloc[0]) if len(row) else 0.0)
        cells.relate(f"n.{o}.pairs", *(f"change.{o}.{part}" for part in ("worse", "same", "better")))
        # a yes/no outcome: its mean is a share, so the yes and no counts behind it are cells too
        for w, n_w in (("baseline", n_base), ("follow_up", n_follow)):
            d = dist[(dist["outcome_id"] == o) & (dist["wave"] == w)]
            if len(d) and not pd.isna(d["n_yes"].iloc[0]):
                yes = float(d["n_yes"].iloc[0])
                cells.add(f"yes.{o}.{w}", yes)
                cells.add(f"no.{o}.{w}", n_w - yes)
                cells.relate(f"n.{o}.{w}", f"yes.{o}.{w}", f"no.{o}.{w}")
            if len(row) and not pd.isna(row[f"yes_{w}"].iloc[0]):
                yes = float(row[f"yes_{w}"].iloc[0])
                cells.add(f"pairs_yes.{o}.{w}", yes)
                cells.add(f"pairs_no.{o}.{w}", n_pairs - yes)
                cells.relate(f"n.{o}.pairs", f"pairs_yes.{o}.{w}", f"pairs_no.{o}.{w}")

    # the baseline share at a reference value's cut-off: those at or above it and those below are parts of the
    # people measured at baseline, so that a hidden one cannot be read back from the other
    for r in data.of("reference_counts", initiative_id).itertuples():
        if f"n.{r.outcome_id}.baseline" in {c for c, _, _ in cells.rows} and r.n > 0:
            key = reference_key(r.outcome_id, r.cut_off)
            cells.add(f"ref_at_least.{key}", r.n_at_least)
            cells.add(f"ref_below.{key}", r.n - r.n_at_least)
            cells.relate(f"n.{r.outcome_id}.baseline", f"ref_at_least.{key}", f"ref_below.{key}")

    # outputs: what each realises; a count of the year's reach table where it is the same, else its own cell
    for o in data.of("outputs", initiative_id).itertuples():
        if pd.isna(o.measure) or pd.isna(o.target):
            continue
        if _REALISED_CELL.get(o.measure) is None or _selects_activities(o):
            cells.add(f"output.{o.output_id}", _indicator(ind, f"output.{o.output_id}", year),
                      people=o.measure in ("participants", "attendance"))

    cells.resolve(data.threshold)
    t = data.threshold
    # the changes among the pairs: all or none where the number of pairs is hidden (a 0 would still tell
    # something about everyone in the small group), and for a McNemar test where one of them is hidden (the
    # unchanged count gives the discordant count, which with p or the verdict bounds the hidden split)
    mcnemar = set(data.of("hypotheses", initiative_id).query("test == 'mcnemar'")["outcome_id"])
    for o in outcome_ids:
        parts = [f"change.{o}.{part}" for part in ("worse", "same", "better")]
        cells.hide_with(parts, when=[f"n.{o}.pairs"])
        if o in mcnemar:
            cells.hide_with(parts)

    reach = pd.DataFrame({
        "period": periods,
        "participants_new": [cells[f"new.{p}"] for p in periods],
        "participants_reached": [cells[f"reached.{p}"] for p in periods],
        "activities": [cells[f"activities.{p}"] for p in periods],
        "attendance": [cells[f"attendance.{p}"] for p in periods],
        "volunteer_hours": [cells[f"volunteer_hours.{p}"] for p in periods],
        HIDDEN_COLUMN: [_why(cells, participants_new=f"new.{p}", participants_reached=f"reached.{p}",
                             attendance=f"attendance.{p}") for p in periods],
    })
    wijk = pd.DataFrame({"wijk": wijken, "participants": [cells[f"wijk.{w}"] for w in wijken],
                         HIDDEN_COLUMN: [_why(cells, participants=f"wijk.{w}") for w in wijken]})

    from impact.language import catalogue

    words = catalogue(language or data.programme.get("language") or "nl")
    profile = pd.DataFrame([{
        "characteristic": characteristic, "label": profile_label(characteristic, members, words),
        "participants": cells[_profile_cell(characteristic, members)],
        "share": cells.share(_profile_cell(characteristic, members), f"reached.{year}"),
        HIDDEN_COLUMN: _why(cells, participants=_profile_cell(characteristic, members),
                            share=(_profile_cell(characteristic, members), f"reached.{year}")),
        "merged": len(members) > 1,
    } for characteristic, groups in profile_groups.items() for members, _ in groups], columns=PROFILE_COLUMNS)

    response = pd.DataFrame([{
        "n_registered": cells[f"reached.{year}"],
        "n_baseline": cells["response.baseline_respondents"],
        "n_follow_up": cells["response.follow_up_respondents"],
        "n_both_waves": cells["response.paired_respondents"],
        "response_rate": cells.share("response.baseline_respondents", f"reached.{year}"),
        "retention": cells.share("response.paired_respondents", "response.baseline_respondents"),
        HIDDEN_COLUMN: hidden_text({k: v for k, v in {
            "n_registered": cells.why(f"reached.{year}"),
            "n_baseline": cells.why("response.baseline_respondents"),
            "n_follow_up": cells.why("response.follow_up_respondents"),
            "n_both_waves": cells.why("response.paired_respondents"),
            "response_rate": cells.share_why("response.baseline_respondents", f"reached.{year}"),
            "retention": cells.share_why("response.paired_respondents", "response.baseline_respondents"),
        }.items() if v}),
    }])

    # a measurement too unreliable for a verdict: no score is published at a wave whose Cronbach's alpha is below
    # the floor, and no count of who got better or worse (the reports show "–"; the warehouse keeps the figures)
    hyp = data.of("hypotheses", initiative_id).copy()
    unreliable, below = unreliable_measurements(hyp, reliability_floor(data.programme))
    out_rows, change_rows = [], []
    for o in outcome_ids:
        for w in WAVES:
            d = dist[(dist["outcome_id"] == o) & (dist["wave"] == w)]
            raw_n = float(d["n"].iloc[0]) if len(d) else 0.0
            binary = f"yes.{o}.{w}" in cells.reasons
            yes_no_hidden = binary and (cells.hidden(f"yes.{o}.{w}") or cells.hidden(f"no.{o}.{w}"))
            why = "fewer_than_threshold" if 0 < raw_n < t else "reveals_yes_no" if yes_no_hidden else None
            row = {"outcome_id": o, "label": labels.get(o, o), "wave": w, "n": cells[f"n.{o}.{w}"]}
            reasons = {"n": cells.why(f"n.{o}.{w}")}
            for col in ("mean", "p10", "p25", "p50", "p75", "p90"):
                applies = col == "mean" or not binary  # percentiles of 0/1 answers say nothing: not published
                value = float(d[col].iloc[0]) if len(d) and applies and not pd.isna(d[col].iloc[0]) else np.nan
                if why and not np.isnan(value):
                    reasons[col], value = why, np.nan
                row[col] = np.nan if (o, w) in below else value
            row[HIDDEN_COLUMN] = hidden_text({k: v for k, v in reasons.items() if v})
            out_rows.append(row)
        parts = ("worse", "same", "better")
        change_rows.append({
            "outcome_id": o, "label": labels.get(o, o), "n_pairs": cells[f"n.{o}.pairs"],
            **{f"n_{part}": cells[f"change.{o}.{part}"] for part in parts},
            **{f"share_{part}": cells.share(f"change.{o}.{part}", f"n.{o}.pairs") for part in parts},
            HIDDEN_COLUMN: _why(cells, n_pairs=f"n.{o}.pairs", **{f"n_{part}": f"change.{o}.{part}" for part in parts},
                                **{f"share_{part}": (f"change.{o}.{part}", f"n.{o}.pairs") for part in parts}),
        })
        if o in unreliable:
            change_rows[-1].update({f"{kind}_{part}": np.nan for kind in ("n", "share") for part in parts})
    outcomes = pd.DataFrame(out_rows, columns=["outcome_id", "label", "wave", "n", "mean", "p10", "p25", "p50", "p75", "p90",
                                               HIDDEN_COLUMN])
    changes = pd.DataFrame(change_rows, columns=["outcome_id", "label", "n_pairs", "n_worse", "n_same", "n_better",
                                                 "share_worse", "share_same", "share_better", HIDDEN_COLUMN])

    hypotheses = _hypotheses_table(hyp, cells, labels, t)
    attrition = _attrition_table(data.of("attrition", initiative_id), cells, labels, t)
    outcomes = _hide_small_group_means(outcomes, dist, chg, hypotheses, attrition, t)
    realisation = _realisation_table(data, initiative_id, cells, year)
    sroi_outcomes, sroi_summary = _sroi_tables(data, initiative_id, cells)
    references = _references_table(data, initiative_id, cells, outcomes, labels)
    return InitiativeFigures(initiative_id, cells, reach, wijk, profile, response, outcomes, changes, hypotheses, attrition,
                             realisation, sroi_outcomes, sroi_summary, references)


#: One row per outcome of the initiative and registered reference value of its instrument
#: (``impact.instruments.registry.REFERENCES``): the published figure and the initiative's own at baseline.
REFERENCE_COLUMNS = ["outcome_id", "label", "statistic", "cut_off", "reference_value", "n_baseline", "n_at_least",
                     "baseline_value", HIDDEN_COLUMN]


def reference_key(outcome_id: str, cut_off: float) -> str:
    """The cells of a baseline share at a cut-off: ``ref_at_least.<outcome>.<cut-off>`` and ``ref_below.…``."""
    return f"{outcome_id}.{float(cut_off):g}"


def _references_table(data: ReportData, initiative_id: str, cells: Cells, outcomes: pd.DataFrame,
                      labels: dict[str, str]) -> pd.DataFrame:
    """Each registered reference value beside the initiative's baseline figure on the same statistic: for a share,
    the share of the people measured at baseline who scored the cut-off or more (hidden with its count); for a
    mean, the published baseline mean (hidden where the distribution table hides it)."""
    rows = []
    for o in data.of("outcomes", initiative_id).itertuples():
        base = outcomes[(outcomes["outcome_id"] == o.outcome_id) & (outcomes["wave"] == "baseline")]
        if base.empty:
            continue
        for ref in references_of(o.instrument):
            row = {"outcome_id": o.outcome_id, "label": labels.get(o.outcome_id, o.outcome_id), "statistic": ref.statistic,
                   "cut_off": np.nan if ref.cut_off is None else float(ref.cut_off), "reference_value": ref.value,
                   "n_baseline": cells[f"n.{o.outcome_id}.baseline"], "n_at_least": np.nan, "baseline_value": np.nan}
            reasons = {"n_baseline": cells.why(f"n.{o.outcome_id}.baseline")}
            if ref.statistic == "share_at_least":
                key = reference_key(o.outcome_id, ref.cut_off)
                if f"ref_at_least.{key}" not in cells.reasons:
                    continue
                row["n_at_least"] = cells[f"ref_at_least.{key}"]
                row["baseline_value"] = cells.share(f"ref_at_least.{key}", f"n.{o.outcome_id}.baseline")
                reasons["n_at_least"] = cells.why(f"ref_at_least.{key}")
                reasons["baseline_value"] = cells.share_why(f"ref_at_least.{key}", f"n.{o.outcome_id}.baseline")
            else:
                row["baseline_value"] = base["mean"].iloc[0]
                reasons["baseline_value"] = hidden_reason(base.iloc[0], "mean")
            row[HIDDEN_COLUMN] = hidden_text({k: v for k, v in reasons.items() if v})
            rows.append(row)
    return pd.DataFrame(rows, columns=REFERENCE_COLUMNS)


#: The figures of a test as published, in the columns' order: what the test is about first, then p, the effect
#: size and the reliability of the measurement (``marts.hypothesis_results``).
TEST_FIGURES = ["mean_baseline", "mean_follow_up", "mean_difference", "estimate", "ci_low", "ci_high", "ci_level",
                "statistic", "df",
                "p_value", "p_value_opposite", "p_adjusted", "effect_size", "effect_size_ci_low", "effect_size_ci_high",
                "sd_difference", "discordant_share", "mde", "mde_alpha"]
RELIABILITY_FIGURES = [f"reliability_{w}{part}" for w in WAVES for part in ("", "_ci_low", "_ci_high")]
HYPOTHESIS_FIGURES = TEST_FIGURES + RELIABILITY_FIGURES
HYPOTHESIS_COLUMNS = ["hypothesis_id", "outcome_id", "outcome", "statement", "primary", "direction", "test", "alternative",
                      "n_baseline", "n_follow_up", "n_pairs", "mean_baseline", "mean_follow_up", "mean_difference",
                      "estimate_kind", "estimate", "ci_low", "ci_high", "ci_level", "statistic", "df", "p_value",
                      "p_value_opposite",
                      "p_adjusted", "effect_size_kind", "effect_size", "effect_size_ci_low", "effect_size_ci_high",
                      "sd_difference", "discordant_share", "mde", "mde_alpha", *RELIABILITY_FIGURES, "verdict",
                      "evidence", "suppressed", HIDDEN_COLUMN]
#: A Wilcoxon test with a hidden count of people who changed: these give the number nz of non-zero differences
#: back (W+ with r; r to full precision alone, as (1 − r)/2 · nz(nz + 1)/2 = W− must be a multiple of 1/2; the
#: interval of r, which depends on nz (bootstrap replicates share that denominator, the sign-test bound uses it);
#: p_value with p_value_opposite, whose gap is about 1/σ(nz)), and with the pairs the unchanged count; with nz
#: known, r gives W−, which bounds the number of people who got worse. p and the estimate with its interval
#: stay: the verdict is read from p.
WILCOXON_UNCHANGED = ["statistic", "effect_size", "effect_size_ci_low", "effect_size_ci_high", "p_value_opposite"]


def delivered_rows_hidden(fig: "InitiativeFigures") -> bool:
    """Whether the number of rows an initiative delivered must not be published: its survey rows are its
    responses per wave, so where a count of respondents is hidden, the total minus the other published counts
    (participants, activities, stories, the other wave) gives it back."""
    return any(fig.cells.hidden(f"response.{k}")
               for k in ("baseline_respondents", "follow_up_respondents", "paired_respondents"))


def evidence_band(h) -> str | None:
    """How strong the evidence for a supported or contradicted primary hypothesis is, from the p-value that
    decided it (after Holm): ``strong`` below 0.001, ``clear`` below 0.01, else ``limited``; None otherwise (a
    secondary hypothesis too: it has no Holm p). A band, so it may stand where p itself is hidden. It says how
    unlikely chance is, not that the initiative caused the change (the words say so: 'dat het geen toeval is')."""
    p = h.get("p_adjusted")
    if h.get("verdict") not in ("supported", "contradicted") or not bool(h.get("primary")) or p is None or pd.isna(p):
        return None
    return "strong" if p < 0.001 else "clear" if p < 0.01 else "limited"


def _hide_small_group_means(outcomes: pd.DataFrame, dist: pd.DataFrame, chg: pd.DataFrame, hypotheses: pd.DataFrame,
                            attrition: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """The score table (everyone measured at a wave) beside the pairs' means (the hypotheses table, the attrition
    table's baseline mean of those with a follow-up): their difference gives the mean score of the people measured
    at that wave without a pair. Where they are 1 to threshold − 1 people, that wave's mean and percentiles are
    hidden (``reveals_small_group``); the pairs' figures, which the tests rest on, stay."""
    out = outcomes.copy()
    for i, r in out.iterrows():
        o, w = r["outcome_id"], r["wave"]
        d = dist[(dist["outcome_id"] == o) & (dist["wave"] == w)]
        c = chg[chg["outcome_id"] == o]
        if not len(d) or not len(c):
            continue
        unpaired = float(d["n"].iloc[0]) - float(c["n_pairs"].iloc[0])
        h = hypotheses[hypotheses["outcome_id"] == o]
        paired_mean = len(h) and h[f"mean_{w}"].notna().any()
        if w == "baseline" and len(attrition):
            a = attrition[attrition["hypothesis_id"].isin(h["hypothesis_id"])]
            paired_mean = paired_mean or (len(a) and a["mean_with_follow_up"].notna().any())
        if 0 < unpaired < threshold and paired_mean:
            figures = [col for col in ("mean", "p10", "p25", "p50", "p75", "p90") if not pd.isna(r[col])]
            if figures:
                reasons = {**hidden_reasons(r), **dict.fromkeys(figures, "reveals_small_group")}
                out.loc[i, figures] = np.nan
                out.at[i, HIDDEN_COLUMN] = hidden_text(reasons)
    return out


def reliability_floor(programme: dict) -> float:
    """The programme's floor for Cronbach's alpha (``programme.settings.min_reliability``, default 0.60)."""
    from impact.statistics.verdicts import DEFAULT_FLOOR

    value = programme.get("min_reliability")
    return DEFAULT_FLOOR if value is None or pd.isna(value) else float(value)


def unreliable_measurements(hyp: pd.DataFrame, floor: float) -> tuple[set[str], set[tuple[str, str]]]:
    """The outcomes whose hypothesis found the measurement unreliable, and their (outcome, wave) whose Cronbach's
    alpha is missing or below ``floor``: their scores do not count as one measure, so no figure of them is
    published (the warehouse keeps them)."""
    judged = hyp[hyp["verdict"] == "unreliable_measurement"] if len(hyp) else hyp
    outcomes = set(judged["outcome_id"]) if len(judged) else set()
    below = {(h["outcome_id"], w) for _, h in judged.iterrows() for w in WAVES
             if pd.isna(h[f"reliability_{w}"]) or h[f"reliability_{w}"] < floor}
    return outcomes, below


#: The figures of a test that an unreliable measurement makes meaningless (its reliability is the reason, kept).
UNRELIABLE_FIGURES = [c for c in TEST_FIGURES if c != "mde_alpha"]


def _hypotheses_table(hyp: pd.DataFrame, cells: Cells, labels: dict[str, str], threshold: int) -> pd.DataFrame:
    if hyp.empty:
        return pd.DataFrame(columns=HYPOTHESIS_COLUMNS)
    hyp = hyp.reindex(columns=list(dict.fromkeys([*hyp.columns, *HYPOTHESIS_FIGURES, "estimate_kind"])))
    hyp["outcome"] = hyp["outcome_id"].map(labels).fillna(hyp["outcome_id"])
    for col in HYPOTHESIS_FIGURES:
        hyp[col] = pd.to_numeric(hyp[col], errors="coerce").astype("float64")
    hyp["evidence"] = [evidence_band(h) for _, h in hyp.iterrows()]
    hyp = pd.DataFrame([_hide_test_figures(h, cells, threshold) for _, h in hyp.iterrows()]).reset_index(drop=True)
    for i, h in hyp[hyp["suppressed"].astype(bool) & hyp["evidence"].notna()].iterrows():
        # every figure of the test hidden: its strength too, for the same reason
        hyp.at[i, "evidence"] = None
        hyp.at[i, HIDDEN_COLUMN] = hidden_text({**hidden_reasons(h), "evidence": hidden_reason(h, "estimate") or "few_pairs"})
    counts = (("n_baseline", "baseline"), ("n_follow_up", "follow_up"), ("n_pairs", "pairs"))
    hidden_column = []
    for _, r in hyp.iterrows():
        reasons = {col: cells.why(f"n.{r['outcome_id']}.{key}") for col, key in counts}
        reasons = {**{k: v for k, v in reasons.items() if v}, **hidden_reasons(r)}
        hidden_column.append(hidden_text({c: reasons[c] for c in HYPOTHESIS_COLUMNS if c in reasons}))
    for col, key in counts:
        hyp[col] = [cells[f"n.{o}.{key}"] if f"n.{o}.{key}" in cells.reasons else np.nan for o in hyp["outcome_id"]]
    hyp[HIDDEN_COLUMN] = hidden_column
    # a measurement too unreliable for a verdict: its test's figures read as nothing (shown as "–", not hidden)
    hyp.loc[hyp["verdict"] == "unreliable_measurement", UNRELIABLE_FIGURES] = np.nan
    return hyp[HYPOTHESIS_COLUMNS].reset_index(drop=True)


def _hide_test_figures(h: pd.Series, cells: Cells, threshold: int) -> pd.Series:
    """Blank what a test's output would give away about hidden cells (see the module docstring), and say why
    in the row's ``hidden`` column.

    - fewer pairs than the threshold, or the number of pairs hidden: every figure (t and d_z give n back;
      the row is ``suppressed``: every figure of its test is hidden);
    - McNemar with a hidden count of people who changed (better, same, worse): every figure, since the
      difference in shares, the odds ratio, the share of pairs that changed and the exact p give the
      discordant counts back (the row is ``suppressed``);
    - McNemar with a hidden count of paired yes/no answers: the shares at baseline and follow-up;
    - Wilcoxon with a hidden count of people who changed (better, same, worse): W+, the rank-biserial r with
      its interval, both one-sided p's, p and p (Holm) (:data:`WILCOXON_UNCHANGED`), since they give the number
      of non-zero differences (the people whose score stayed the same) back, or bound the people who got worse:
      the exact p to full precision has one solution in the number of non-zero differences and W+ for the
      published number of pairs. The strength of the evidence (``evidence``, a band of p after Holm) stays;
    - the outcome's Cronbach's alpha at a wave whose count of people is hidden or below the threshold.
    """
    h = h.copy()
    o = h["outcome_id"]
    change_hidden = any(cells.hidden(f"change.{o}.{part}") for part in ("worse", "same", "better"))
    yes_hidden = any(cells.hidden(f"pairs_{k}.{o}.{w}") for k in ("yes", "no") for w in WAVES)
    reasons: dict[str, str] = {}
    if pd.isna(h["n_pairs"]) or h["n_pairs"] < threshold or cells.hidden(f"n.{o}.pairs"):
        hide, why = HYPOTHESIS_FIGURES, "few_pairs"
        h["suppressed"] = True
    elif h["test"] == "mcnemar" and change_hidden:
        hide, why = [c for c in HYPOTHESIS_FIGURES if c != "mde_alpha"], "reveals_changers"
        h["suppressed"] = True     # every figure of the test is hidden, as with too few pairs
    else:
        hide, why = [], None
        if h["test"] == "mcnemar" and yes_hidden:
            hide, why = ["mean_baseline", "mean_follow_up"], "reveals_yes_no"
        if h["test"] == "wilcoxon" and change_hidden:
            # the exact p of the signed-rank test, to full precision, has one solution in the number of non-zero
            # differences and W+ for a given number of pairs: it goes too (p and p after Holm; the strength of
            # the evidence, a band of p, stays in ``evidence``)
            hide = [*WILCOXON_UNCHANGED, "p_value", "p_adjusted"]
            if not pd.isna(h["ci_level"]) and h["ci_level"] < CONFIDENCE - 1e-9:
                hide += ["ci_low", "ci_high", "ci_level"]   # a lowered level is a function of nz
            why = "reveals_unchanged" if cells.hidden(f"change.{o}.same") else "reveals_change_counts"
        h["suppressed"] = False
        for w in WAVES:
            n = cells[f"n.{o}.{w}"]
            if cells.hidden(f"n.{o}.{w}") or (not pd.isna(n) and 0 < n < threshold):
                for col in (f"reliability_{w}", f"reliability_{w}_ci_low", f"reliability_{w}_ci_high"):
                    if not pd.isna(h[col]):
                        reasons[col] = cells.why(f"n.{o}.{w}") or "fewer_than_threshold"
                        h[col] = np.nan
    for col in hide:
        if not pd.isna(h[col]):  # a figure that was never computed is missing, not hidden
            reasons[col] = why
        h[col] = np.nan
    h[HIDDEN_COLUMN] = hidden_text({c: reasons[c] for c in HYPOTHESIS_FIGURES if c in reasons})
    return h


def _attrition_table(att: pd.DataFrame, cells: Cells, labels: dict[str, str], threshold: int) -> pd.DataFrame:
    cols = ["hypothesis_id", "outcome", "n_baseline", "n_with_follow_up", "n_without_follow_up",
            "mean_with_follow_up", "mean_without_follow_up", "difference", "p_value", HIDDEN_COLUMN]
    if att.empty:
        return pd.DataFrame(columns=cols)
    att = att.copy().reset_index(drop=True)
    att["outcome"] = att["outcome_id"].map(labels).fillna(att["outcome_id"])
    hidden_rows = []
    for i, a in att.iterrows():
        o = a["outcome_id"]
        # a yes/no outcome's group means are shares: with the group sizes they give small counts back
        binary = f"yes.{o}.baseline" in cells.reasons
        groups = {}
        for side, n_col, cell in (("with", "n_with_follow_up", f"n.{o}.pairs"), ("without", "n_without_follow_up", f"n.{o}.lost")):
            n = a[n_col]
            groups[side] = ("fewer_than_threshold" if not pd.isna(n) and n < threshold
                            else "reveals_yes_no" if binary else cells.why(cell))
        reasons = {"n_baseline": cells.why(f"n.{o}.baseline"), "n_with_follow_up": cells.why(f"n.{o}.pairs"),
                   "n_without_follow_up": cells.why(f"n.{o}.lost")}
        for column, why in (("mean_with_follow_up", groups["with"]), ("mean_without_follow_up", groups["without"]),
                            ("difference", groups["with"] or groups["without"]),
                            ("p_value", groups["with"] or groups["without"])):
            if why and not pd.isna(a[column]):
                reasons[column] = why
                att.at[i, column] = np.nan
        hidden_rows.append(hidden_text({k: v for k, v in reasons.items() if v}))
    att["n_baseline"] = [cells[f"n.{o}.baseline"] for o in att["outcome_id"]]
    att["n_with_follow_up"] = [cells[f"n.{o}.pairs"] for o in att["outcome_id"]]
    att["n_without_follow_up"] = [cells[f"n.{o}.lost"] for o in att["outcome_id"]]
    att[HIDDEN_COLUMN] = hidden_rows
    return att[cols].reset_index(drop=True)


#: The count of the reach table an output realises when it selects no activities (the same figure).
_REALISED_CELL = {"participants": "reached", "log_rows": "activities", "volunteer_hours": "volunteer_hours",
                  "attendance": "attendance"}


def _selects_activities(output) -> bool:
    activities, pattern = getattr(output, "activities", None), getattr(output, "activity_pattern", None)
    return (activities is not None and not (np.ndim(activities) == 0 and pd.isna(activities))) or (
        pattern is not None and not pd.isna(pattern))


def _realisation_table(data: ReportData, initiative_id: str, cells: Cells, year: str) -> pd.DataFrame:
    """Each measured output: its target, what realises it (``output.<output>``, the quantity it names) and the share."""
    cols = ["output_id", "label", "measure", "target", "realised", "realisation", HIDDEN_COLUMN]
    outputs = data.of("outputs", initiative_id)
    rows = []
    for o in outputs.itertuples():
        if o.measure is None or pd.isna(o.measure) or pd.isna(o.target):
            continue
        base = _REALISED_CELL.get(o.measure)
        cell = f"{base}.{year}" if base and not _selects_activities(o) else f"output.{o.output_id}"
        realised = cells[cell]
        why = cells.why(cell)  # realised / a published target gives the realised count back
        target = float(o.target)
        rows.append({"output_id": o.output_id, "label": o.label, "measure": o.measure, "target": target,
                     "realised": realised,
                     "realisation": realised / target if not np.isnan(realised) and target > 0 else np.nan,
                     HIDDEN_COLUMN: hidden_text({"realised": why, "realisation": why} if why else {})})
    return pd.DataFrame(rows, columns=cols)


SROI_OUTCOME_FIGURES = ("quantity", "value_year_1", "present_value")
SROI_FIGURES = ("present_value", "npv", "ratio", "payback_months", "ratio_low", "ratio_high")
SROI_COUNT_COLUMNS = ("n_paired", "n_improved", "n_worsened", "n_not_measured")


def _sroi_tables(data: ReportData, initiative_id: str, cells: Cells) -> tuple[pd.DataFrame, pd.DataFrame]:
    outcomes = data.of("sroi_outcomes", initiative_id).copy()
    summary = data.of("sroi_summary", initiative_id).copy()
    outcomes[HIDDEN_COLUMN] = ""
    summary[HIDDEN_COLUMN] = ""
    if outcomes.empty or summary.empty:
        return outcomes.drop(columns=[c for c in SROI_COUNT_COLUMNS if c in outcomes]), summary
    # a quantity counted from the data is the net number of paired participants who changed the better way (improved
    # − worsened, by any change or past the meaningful change), with those not measured (registered − paired) counted
    # by an assumption: hidden when a count it rests on is hidden, or is a count of its own below the threshold
    from_data = outcomes["quantity_source"] == "from_data"
    year = str(data.year)

    def rests_on_hidden(r) -> bool:
        o = r["outcome_id"]
        shown = [f"change.{o}.better", f"change.{o}.worse", f"n.{o}.pairs", f"reached.{year}"]
        if any(cells.hidden(c) for c in shown):
            return True
        own = (r.get("n_improved"), r.get("n_worsened")) if r.get("quantity_rule") == "net_meaningful_change" else ()
        return any(not pd.isna(n) and 0 < float(n) < data.threshold for n in own)

    hidden = from_data & pd.Series([rests_on_hidden(r) for _, r in outcomes.iterrows()], index=outcomes.index, dtype=bool)
    unknown = from_data & outcomes["outcome_id"].map(lambda o: np.isnan(cells[f"change.{o}.better"]))
    if (hidden | unknown).any():
        outcomes[HIDDEN_COLUMN] = [hidden_text({c: "rests_on_hidden_count" for c in SROI_OUTCOME_FIGURES
                                                if not pd.isna(r[c])}) if h else ""
                                   for h, (_, r) in zip(hidden, outcomes.iterrows())]
        for col in SROI_OUTCOME_FIGURES:
            outcomes[col] = outcomes[col].where(~(hidden | unknown))
        outcomes["notes"] = outcomes["notes"].where(~hidden, "suppressed: the quantity rests on a hidden count")
        if hidden.any():
            summary[HIDDEN_COLUMN] = [hidden_text({c: "rests_on_hidden_count" for c in SROI_FIGURES if not pd.isna(r[c])})
                                      for _, r in summary.iterrows()]
            summary["notes"] = "suppressed: a quantity from the data rests on a hidden count"
        for col in SROI_FIGURES:
            summary[col] = np.nan
    # the counts behind a quantity from the data stay in the warehouse: the quantity and its notes say enough
    outcomes = outcomes.drop(columns=[c for c in SROI_COUNT_COLUMNS if c in outcomes])
    return outcomes.reset_index(drop=True), summary.reset_index(drop=True)
