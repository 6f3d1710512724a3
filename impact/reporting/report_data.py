"""What the reports show, read from the warehouse as aggregates.

Participant-level rows never leave this module: scores are reduced here to
counts, means and percentiles per initiative, outcome and wave, and to counts of
people whose score went down, stayed or went up, and to the number at or above a
reference value's cut-off at baseline. Disclosure control is applied
when the published tables are built (``impact.reporting.tables``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import duckdb
import numpy as np
import pandas as pd

from impact import warehouse
from impact.indicators.compute import outcome_spec
from impact.instruments.registry import references_of
from impact.reporting.completeness import Completeness, completeness
from impact.statistics.attrition import attrition_check
from impact.statistics.pairing import improved, pairs
from impact.warehouse import tables
from impact.warehouse.tables import Table

QUANTILES = (0.10, 0.25, 0.50, 0.75, 0.90)

#: Exactly the tables :func:`load` reads: the report assets take their ``deps`` from it and read
#: inside ``warehouse.declared_reads(TABLES_READ)``.
TABLES_READ: tuple[Table, ...] = (
    tables.SETTINGS, tables.INITIATIVES, tables.OUTPUTS, tables.OUTCOMES, tables.HYPOTHESIS_RESULTS,
    tables.INDICATORS, tables.DROPS, tables.DROP_INVENTORY, tables.QUARANTINE, tables.QUALITY_RESULTS,
    tables.COACHING_SESSIONS, tables.OUTCOME_SCORES, tables.SROI_OUTCOMES, tables.SROI, tables.SROI_SENSITIVITY,
    tables.STORIES, tables.HYPOTHESES, tables.INITIATIVE_FOLDERS, tables.CONFIG_ERRORS,
)

STORY_COLUMNS = ["initiative_id", "source_file", "source_row", "who", "quote", "outcome_id", "date"]
STORY_SET_ASIDE_COLUMNS = ["initiative_id", "source_file", "source_row", "no_consent"]
DISCUSSION_COLUMNS = ["initiative_id", "hypothesis_id", "discussion"]
FOLDER_COLUMNS = ["folder", "initiative_id", "name", "problem"]


@dataclass(frozen=True)
class ReportData:
    programme: dict
    initiatives: pd.DataFrame
    outputs: pd.DataFrame
    outcomes: pd.DataFrame
    hypotheses: pd.DataFrame
    indicators: pd.DataFrame
    drops: pd.DataFrame
    inventory: pd.DataFrame
    quarantine_reasons: pd.DataFrame
    warnings: pd.DataFrame
    sessions: pd.DataFrame
    distributions: pd.DataFrame
    changes: pd.DataFrame
    attrition: pd.DataFrame
    sroi_outcomes: pd.DataFrame
    sroi_summary: pd.DataFrame
    sroi_sensitivity: pd.DataFrame
    #: the staged stories (consent given, contract met), and one row per story set aside (``no_consent``: for
    #: want of consent, else for another reason such as an identifier in its text)
    stories: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=STORY_COLUMNS))
    stories_set_aside: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=STORY_SET_ASIDE_COLUMNS))
    reference_counts: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REFERENCE_COUNT_COLUMNS))
    #: the initiative's own reading of a hypothesis' result, agreed in coaching (Theory of Change ``discussion``)
    discussions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=DISCUSSION_COLUMNS))
    #: every folder holding a Theory of Change (``programme.initiative_folders``) and the initiatives whose Theory
    #: of Change could not be used (``programme.config_errors``): who is expected, and why one is left out
    folders: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FOLDER_COLUMNS))
    unusable_theories: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["initiative_id"]))

    @property
    def year(self) -> int:
        return int(self.programme["year"])

    @property
    def threshold(self) -> int:
        return int(self.programme["disclosure_threshold"])

    def initiative_ids(self) -> list[str]:
        return sorted(self.initiatives["initiative_id"])

    @cached_property
    def completeness(self) -> Completeness:
        """The initiatives expected, those included (:meth:`initiative_ids`), and why any is left out; worked out
        once (a frozen dataclass keeps what ``cached_property`` stores)."""
        return completeness(self.folders, self.initiative_ids(), self.unusable_theories)

    def input_files(self, initiative_id: str | None = None) -> pd.DataFrame:
        """Every file the year was built from (``source_file``, ``source_sha256``): the drops, the Theories
        of Change, ``programme.yaml`` and the coaching log; with ``initiative_id``, that initiative's
        files and the shared ones."""
        rows = [(r.source_file, r.source_sha256) for r in self.inventory.itertuples()
                if initiative_id is None or r.initiative_id == initiative_id]
        rows += [(r.source_file, r.source_sha256) for r in self.initiatives.itertuples()
                 if initiative_id is None or r.initiative_id == initiative_id]
        rows += [("programme.yaml", self.programme["source_sha256"])]
        rows += [(r.source_file, r.source_sha256) for r in self.drops[self.drops["table_name"] == "coaching_sessions"].itertuples()]
        return pd.DataFrame(rows, columns=["source_file", "source_sha256"]).drop_duplicates("source_file")

    def of(self, name: str, initiative_id: str) -> pd.DataFrame:
        frame: pd.DataFrame = getattr(self, name)
        if frame.empty or "initiative_id" not in frame:
            return frame
        return frame[frame["initiative_id"] == initiative_id].reset_index(drop=True)


def _scores(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The baseline and follow-up scores, in the order ``outcome_scores`` writes them."""
    scores = warehouse.read(con, tables.OUTCOME_SCORES, where={"wave": ["baseline", "follow_up"]},
                            columns=["initiative_id", "participant_id", "wave", "outcome_id", "score"],
                            order_by=["initiative_id", "outcome_id", "participant_id", "wave"])
    return scores[scores["score"].notna()].reset_index(drop=True)


#: Instruments whose score is a rung or code (a whole step of an ordinal scale), not a sum or mean of items:
#: their percentiles are observed values (:func:`distributions`), never a point between two rungs.
ORDINAL_INSTRUMENTS = frozenset({"participation_ladder", "zrm", "life_satisfaction"})
#: Percentiles are rounded to this many decimals, so a float's last bits (3.700000000000001) never reach a table.
PERCENTILE_DECIMALS = 10


def ordinal_outcomes(outcomes: pd.DataFrame) -> set[tuple[str, str]]:
    """(initiative_id, outcome_id) pairs measured by an :data:`ORDINAL_INSTRUMENTS` instrument; a profile's domains
    (``self_reliance.financien``) are matched by the outcome before the dot."""
    return {(i, o) for i, o, inst in zip(outcomes["initiative_id"], outcomes["outcome_id"], outcomes["instrument"])
            if inst in ORDINAL_INSTRUMENTS}


def _is_ordinal(initiative_id: str, outcome_id: str, ordinal: set[tuple[str, str]]) -> bool:
    return (initiative_id, outcome_id) in ordinal or (initiative_id, str(outcome_id).split(".")[0]) in ordinal


def distributions(scores: pd.DataFrame, ordinal: set[tuple[str, str]] = frozenset()) -> pd.DataFrame:
    """Per initiative, outcome and wave: n, mean and the 10/25/50/75/90th percentiles.

    Percentiles of a score on a continuous-ish scale (a sum or mean of items) interpolate between the two nearest
    values (numpy's default, ``linear``). For an outcome in ``ordinal`` (:func:`ordinal_outcomes`: a rung of the
    Participatieladder, a ZRM code, a grade), where a value between two rungs means nothing, they are observed
    values: numpy's ``inverted_cdf``, the inverse of the empirical distribution function, so P25 is the lowest
    rung at or below which at least 25% of the people score (``lower`` would also give a rung, but is defined by
    a position in the sorted values rather than by the share of people). The same holds for a score whose values
    in the group are all whole numbers (a count of lonely answers, a count of people): 3,25 on a count is a
    value no one has. Every percentile is rounded to
    :data:`PERCENTILE_DECIMALS` decimals."""
    cols = ["initiative_id", "outcome_id", "wave", "n", "n_yes", "mean"] + [f"p{int(q * 100)}" for q in QUANTILES]
    if scores.empty:
        return pd.DataFrame(columns=cols)
    g = scores.groupby(["initiative_id", "outcome_id", "wave"])["score"]
    out = g.agg(n="size", mean="mean").reset_index()
    yes = scores.assign(yes=scores["score"] == 1).groupby(["initiative_id", "outcome_id", "wave"])["yes"].sum()
    binary = binary_outcomes(scores)
    out["n_yes"] = [float(yes[k]) if k[:2] in binary else np.nan
                    for k in zip(out["initiative_id"], out["outcome_id"], out["wave"])]
    rows = []
    for (initiative_id, outcome_id, wave), values in g:
        x = values.to_numpy(dtype="float64")
        # a score that only takes whole values here (a count of lonely answers, of people) is read like a rung
        whole = bool(np.all(np.isfinite(x) & (x == np.round(x))))
        method = "inverted_cdf" if whole or _is_ordinal(initiative_id, outcome_id, ordinal) else "linear"
        rows.append((initiative_id, outcome_id, wave,
                     *np.round(np.quantile(x, QUANTILES, method=method), PERCENTILE_DECIMALS)))
    q = pd.DataFrame(rows, columns=["initiative_id", "outcome_id", "wave", *(f"p{int(round(c * 100))}" for c in QUANTILES)])
    return out.merge(q, on=["initiative_id", "outcome_id", "wave"])[cols]


REFERENCE_COUNT_COLUMNS = ["initiative_id", "outcome_id", "cut_off", "n", "n_at_least"]


def _by_outcome(scores: pd.DataFrame) -> dict[tuple[str, str], pd.DataFrame]:
    """The rows of each (initiative, outcome), in their order: one pass instead of a filter per outcome."""
    if scores.empty:
        return {}
    return {key: part for key, part in scores.groupby(["initiative_id", "outcome_id"], sort=False)}


def reference_counts(scores: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """Per initiative and outcome whose instrument has a reference share (``registry.REFERENCES``), per cut-off:
    the people with a baseline score (``n``) and how many of them scored the cut-off or more (``n_at_least``).

    A report sets ``n_at_least / n`` beside the published share of the population at the same cut-off."""
    rows = []
    baseline = scores[scores["wave"] == "baseline"] if len(scores) else scores
    by_outcome = _by_outcome(baseline)
    for o in outcomes.itertuples():
        cuts = [r.cut_off for r in references_of(o.instrument) if r.statistic == "share_at_least"]
        if not cuts:
            continue
        s = by_outcome.get((o.initiative_id, o.outcome_id), baseline.iloc[0:0])["score"]
        for cut in dict.fromkeys(cuts):
            rows.append((o.initiative_id, o.outcome_id, float(cut), float(len(s)), float((s >= cut).sum())))
    return pd.DataFrame(rows, columns=REFERENCE_COUNT_COLUMNS)


def binary_outcomes(scores: pd.DataFrame) -> set[tuple[str, str]]:
    """(initiative, outcome) pairs whose scores are all 0 or 1: a yes/no outcome, whose mean is a share."""
    is01 = scores["score"].isin([0, 1]).groupby([scores["initiative_id"], scores["outcome_id"]]).all()
    return set(is01[is01].index)


def changes(scores: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """Per initiative and outcome, of the people with both waves: how many got worse, stayed, got better;
    for a yes/no outcome also how many of them said yes at baseline and at follow-up."""
    cols = ["initiative_id", "outcome_id", "n_pairs", "worse", "same", "better", "yes_baseline", "yes_follow_up"]
    if scores.empty:
        return pd.DataFrame(columns=cols)
    paired = pairs(scores)
    if paired.empty:
        return pd.DataFrame(columns=cols)
    spec = outcome_spec(outcomes)[["initiative_id", "outcome_id", "higher_is_better"]]
    paired = paired.merge(spec, on=["initiative_id", "outcome_id"], how="left")
    paired["direction"] = pd.Series(improved(paired, paired["higher_is_better"])).map({-1: "worse", 0: "same", 1: "better"})
    counts = paired.groupby(["initiative_id", "outcome_id", "direction"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=["worse", "same", "better"], fill_value=0)
    counts["n_pairs"] = counts.sum(axis=1)
    counts = counts.reset_index()
    yes = paired.groupby(["initiative_id", "outcome_id"])[["baseline", "follow_up"]].agg(lambda v: float((v == 1).sum()))
    binary = binary_outcomes(scores)
    for wave in ("baseline", "follow_up"):
        counts[f"yes_{wave}"] = [yes.loc[k, wave] if k in binary else np.nan
                                 for k in zip(counts["initiative_id"], counts["outcome_id"])]
    return counts[cols]


def attrition(scores: pd.DataFrame, hypotheses: pd.DataFrame) -> pd.DataFrame:
    """Per hypothesis: did those without a follow-up differ at baseline from those with one?"""
    cols = ["initiative_id", "hypothesis_id", "outcome_id", "n_with_follow_up", "n_without_follow_up",
            "mean_with_follow_up", "mean_without_follow_up", "difference", "p_value"]
    rows = []
    by_outcome = _by_outcome(scores)
    for h in hypotheses.itertuples():
        s = by_outcome.get((h.initiative_id, h.outcome_id), scores.iloc[0:0])
        base = s[s["wave"] == "baseline"].set_index("participant_id")["score"]
        followed = base.index.isin(s.loc[s["wave"] == "follow_up", "participant_id"])
        r = attrition_check(base[followed].to_numpy(), base[~followed].to_numpy())
        rows.append([h.initiative_id, h.hypothesis_id, h.outcome_id, r.n_with_follow_up, r.n_without_follow_up,
                     r.mean_with_follow_up, r.mean_without_follow_up, r.difference, r.p_value])
    return pd.DataFrame(rows, columns=cols)


def as_list(value: object) -> list[str]:
    """A ``VARCHAR[]`` cell (``programme.initiatives.activities``, ``waves``) as a list; NULL is an empty list.

    DuckDB gives such a cell as a numpy array (a list when built by hand, None or NA when NULL).
    """
    if value is None or (np.ndim(value) == 0 and pd.isna(value)):
        return []
    return [str(v) for v in list(value) if v is not None and not (np.ndim(v) == 0 and pd.isna(v))]


def not_passed(results: pd.DataFrame) -> pd.DataFrame:
    """The quality results that were not met (``outcome`` other than ``passed``), in the same order."""
    return results[results["outcome"].notna() & (results["outcome"] != "passed")].reset_index(drop=True)


def _quarantine_reasons(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Quarantine entries per initiative, table and rule, the most frequent first."""
    return warehouse.query(con, f"""
        SELECT initiative_id, table_name, rule, count(*) AS entries
        FROM {tables.QUARANTINE.name} GROUP BY ALL ORDER BY initiative_id, entries DESC, table_name, rule""",
                           reads=[tables.QUARANTINE])


def _stories_set_aside(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per quarantined story (not per entry): whether it was set aside for want of consent."""
    frame = warehouse.query(con, f"""
        SELECT initiative_id, source_file, source_row, bool_or(rule = 'no_consent') AS no_consent
        FROM {tables.QUARANTINE.name} WHERE table_name = 'stories' AND source_row IS NOT NULL
        GROUP BY ALL ORDER BY initiative_id, source_file, source_row""", reads=[tables.QUARANTINE])
    return frame if len(frame) else pd.DataFrame(columns=STORY_SET_ASIDE_COLUMNS)


def _discussions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    frame = warehouse.read(con, tables.HYPOTHESES, columns=DISCUSSION_COLUMNS, order_by=["initiative_id", "hypothesis_id"])
    return frame.dropna(subset=["discussion"]).reset_index(drop=True)


def load(con: duckdb.DuckDBPyConnection) -> ReportData:
    """Everything the yearly reports, the overview and the lessons show, in a stable order.

    Reads exactly the tables of ``TABLES_READ``.
    """
    settings = warehouse.read(con, tables.SETTINGS).iloc[0].to_dict()
    outcomes = warehouse.read(con, tables.OUTCOMES, order_by=["initiative_id", "outcome_id"])
    hypotheses = warehouse.read(con, tables.HYPOTHESIS_RESULTS, order_by=["initiative_id", "hypothesis_id"])
    scores = _scores(con)
    return ReportData(
        programme=settings,
        initiatives=warehouse.read(con, tables.INITIATIVES, order_by=["initiative_id"]),
        outputs=warehouse.read(con, tables.OUTPUTS, order_by=["initiative_id", "output_id"]),
        outcomes=outcomes,
        hypotheses=hypotheses,
        indicators=warehouse.read(con, tables.INDICATORS, order_by=["initiative_id", "indicator_id", "period"]),
        drops=warehouse.read(con, tables.DROPS, order_by=["initiative_id", "source_file", "table_name"]),
        inventory=warehouse.read(con, tables.DROP_INVENTORY, order_by=["source_file", "initiative_id"]),
        quarantine_reasons=_quarantine_reasons(con),
        warnings=not_passed(warehouse.read(
            con, tables.QUALITY_RESULTS,
            columns=["initiative_id", "table_name", "check_name", "severity", "outcome", "column", "outcome_id", "wave",
                     "description", "observed_value", "unexpected_count"],
            order_by=["initiative_id", "outcome", "table_name", "check_name", "description", "column"])),
        sessions=warehouse.read(
            con, tables.COACHING_SESSIONS,
            columns=["initiative_id", "kind", "session_no", "date", "theme", "topics", "lessons", "actions"],
            order_by=["date", "initiative_id", "session_no", "kind"]),
        distributions=distributions(scores, ordinal_outcomes(outcomes)),
        changes=changes(scores, outcomes),
        attrition=attrition(scores, hypotheses) if not hypotheses.empty else pd.DataFrame(),
        sroi_outcomes=warehouse.read(con, tables.SROI_OUTCOMES, order_by=["initiative_id", "outcome_id"]),
        sroi_summary=warehouse.read(con, tables.SROI, order_by=["initiative_id"]),
        sroi_sensitivity=warehouse.read(con, tables.SROI_SENSITIVITY, order_by=["initiative_id", "outcome_id", "assumption"]),
        stories=warehouse.read(con, tables.STORIES, columns=STORY_COLUMNS,
                               order_by=["initiative_id", "source_file", "source_row"]),
        stories_set_aside=_stories_set_aside(con),
        reference_counts=reference_counts(scores, outcomes),
        discussions=_discussions(con),
        folders=warehouse.read(con, tables.INITIATIVE_FOLDERS, columns=FOLDER_COLUMNS, order_by=["folder"]),
        unusable_theories=warehouse.query(
            con, f"SELECT DISTINCT initiative_id FROM {tables.CONFIG_ERRORS.name} ORDER BY 1", reads=[tables.CONFIG_ERRORS]),
    )
