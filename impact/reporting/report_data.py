"""What the reports show, read from the warehouse as aggregates.

Participant-level rows never leave this module: scores are reduced here to
counts, means and percentiles per initiative, outcome and wave, and to counts of
people whose score went down, stayed or went up. Disclosure control is applied
when the published tables are built (``impact.reporting.tables``).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from impact import warehouse
from impact.indicators.compute import outcome_spec
from impact.statistics.attrition import attrition_check
from impact.statistics.pairing import improved, pairs

QUANTILES = (0.10, 0.25, 0.50, 0.75, 0.90)


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

    @property
    def year(self) -> int:
        return int(self.programme["year"])

    @property
    def threshold(self) -> int:
        return int(self.programme["disclosure_threshold"])

    def initiative_ids(self) -> list[str]:
        return sorted(self.initiatives["initiative_id"])

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
    return warehouse.read_if_exists(con, "marts.outcome_scores", """
        SELECT initiative_id, participant_id, wave, outcome_id, score
        FROM marts.outcome_scores WHERE score IS NOT NULL AND wave IN ('baseline', 'follow_up')""")


def distributions(scores: pd.DataFrame) -> pd.DataFrame:
    """Per initiative, outcome and wave: n, mean and the 10/25/50/75/90th percentiles."""
    cols = ["initiative_id", "outcome_id", "wave", "n", "n_yes", "mean"] + [f"p{int(q * 100)}" for q in QUANTILES]
    if scores.empty:
        return pd.DataFrame(columns=cols)
    g = scores.groupby(["initiative_id", "outcome_id", "wave"])["score"]
    out = g.agg(n="size", mean="mean").reset_index()
    yes = scores.assign(yes=scores["score"] == 1).groupby(["initiative_id", "outcome_id", "wave"])["yes"].sum()
    binary = binary_outcomes(scores)
    out["n_yes"] = [float(yes[k]) if k[:2] in binary else np.nan
                    for k in zip(out["initiative_id"], out["outcome_id"], out["wave"])]
    q = g.quantile(list(QUANTILES)).unstack()
    q.columns = [f"p{int(round(c * 100))}" for c in q.columns]
    return out.merge(q.reset_index(), on=["initiative_id", "outcome_id", "wave"])[cols]


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
    for h in hypotheses.itertuples():
        s = scores[(scores["initiative_id"] == h.initiative_id) & (scores["outcome_id"] == h.outcome_id)]
        base = s[s["wave"] == "baseline"].set_index("participant_id")["score"]
        followed = base.index.isin(s.loc[s["wave"] == "follow_up", "participant_id"])
        r = attrition_check(base[followed].to_numpy(), base[~followed].to_numpy())
        rows.append([h.initiative_id, h.hypothesis_id, h.outcome_id, r.n_with_follow_up, r.n_without_follow_up,
                     r.mean_with_follow_up, r.mean_without_follow_up, r.difference, r.p_value])
    return pd.DataFrame(rows, columns=cols)


def load(con: duckdb.DuckDBPyConnection) -> ReportData:
    """Everything the yearly reports, the overview and the lessons show, in a stable order."""
    settings = con.execute("SELECT * FROM programme.settings").df().iloc[0].to_dict()
    outcomes = warehouse.read_if_exists(con, "programme.outcomes", "SELECT * FROM programme.outcomes ORDER BY initiative_id, outcome_id")
    hypotheses = warehouse.read_if_exists(con, "marts.hypothesis_results",
                       "SELECT * FROM marts.hypothesis_results ORDER BY initiative_id, hypothesis_id")
    scores = _scores(con)
    return ReportData(
        programme=settings,
        initiatives=warehouse.read_if_exists(con, "programme.initiatives", "SELECT * FROM programme.initiatives ORDER BY initiative_id"),
        outputs=warehouse.read_if_exists(con, "programme.outputs", "SELECT * FROM programme.outputs ORDER BY initiative_id, output_id"),
        outcomes=outcomes,
        hypotheses=hypotheses,
        indicators=warehouse.read_if_exists(con, "marts.indicators", "SELECT * FROM marts.indicators ORDER BY initiative_id, indicator_id, period"),
        drops=warehouse.read_if_exists(con, "staging.drops", "SELECT * FROM staging.drops ORDER BY initiative_id, source_file"),
        inventory=warehouse.read_if_exists(con, "staging.drop_inventory", "SELECT * FROM staging.drop_inventory ORDER BY source_file"),
        quarantine_reasons=warehouse.read_if_exists(con, "staging.quarantine", """
            SELECT initiative_id, table_name, rule, count(*) AS entries
            FROM staging.quarantine GROUP BY ALL ORDER BY initiative_id, entries DESC, table_name, rule"""),
        warnings=warehouse.read_if_exists(con, "quality.quality_results", """
            SELECT initiative_id, table_name, check_name, severity, outcome, "column", outcome_id, wave, description,
                   observed_value, unexpected_count
            FROM quality.quality_results WHERE outcome <> 'passed'
            ORDER BY initiative_id, outcome, table_name, check_name, description"""),
        sessions=warehouse.read_if_exists(con, "staging.coaching_sessions", """
            SELECT initiative_id, kind, session_no, date, theme, topics, lessons, actions
            FROM staging.coaching_sessions ORDER BY date, initiative_id, session_no"""),
        distributions=distributions(scores),
        changes=changes(scores, outcomes),
        attrition=attrition(scores, hypotheses) if not hypotheses.empty else pd.DataFrame(),
        sroi_outcomes=warehouse.read_if_exists(con, "marts.sroi_outcomes", "SELECT * FROM marts.sroi_outcomes ORDER BY initiative_id, outcome_id"),
        sroi_summary=warehouse.read_if_exists(con, "marts.sroi", "SELECT * FROM marts.sroi ORDER BY initiative_id"),
        sroi_sensitivity=warehouse.read_if_exists(con, "marts.sroi_sensitivity",
                               "SELECT * FROM marts.sroi_sensitivity ORDER BY initiative_id, outcome_id, assumption"),
    )
