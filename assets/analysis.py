"""Analysis layer: scored outcomes and indicators per initiative.

Thin wrappers: the scoring lives in ``impact.instruments.scoring``, the
indicators in ``impact.indicators``; these assets read the staged tables,
call them for all initiatives of the run at once, and write ``marts.*``.
"""

import pandas as pd
from dagster import AssetExecutionContext, BackfillPolicy, MaterializeResult, MetadataValue, asset

from assets._metadata import column_schema, markdown_table
from impact import warehouse
from impact.indicators import compute_indicators
from impact.programme import read_settings
from impact.instruments.scoring import empty_scores, score_outcomes
from impact.statistics.hypotheses import conclude, run_hypothesis_tests
from impact.statistics.reliability import outcome_reliability
from impact.valuation.sroi import change_counts, compute_sroi
from impact.warehouse import tables
from impact.warehouse.tables import writers_of
from pipelines.partitions import initiative_partitions
from pipelines.resources import DuckDBWarehouse, WAREHOUSE_POOL

# What each asset reads; its ``deps`` are the writers of these tables, and reading another table fails the step.
SCORES_READ = (tables.SURVEY_RESPONSES, tables.OUTCOMES)
INDICATORS_READ = (tables.SETTINGS, tables.PARTICIPANTS, tables.ACTIVITIES, tables.SURVEY_RESPONSES,
                   tables.OUTCOME_SCORES, tables.OUTCOMES, tables.OUTPUTS)
TESTS_READ = (tables.SETTINGS, tables.HYPOTHESES, tables.OUTCOMES, tables.OUTCOME_SCORES, tables.SURVEY_RESPONSES)
RESULTS_READ = (tables.SETTINGS, tables.HYPOTHESIS_TESTS)
SROI_READ = (tables.SETTINGS, tables.SROI_ASSUMPTIONS, tables.INITIATIVES, tables.INDICATORS, tables.OUTCOME_SCORES,
             tables.OUTCOMES)


def read_for(con, table: tables.Table, keys: list[str]) -> pd.DataFrame:
    """Rows of a warehouse table for the given initiatives."""
    return warehouse.read(con, table, where={"initiative_id": keys})


@asset(
    pool=WAREHOUSE_POOL,
    group_name="analysis",
    partitions_def=initiative_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    deps=writers_of(*SCORES_READ),
    kinds={"pandas", "duckdb"},
    owners=["team:data-engineering"],
)
def outcome_scores(context: AssetExecutionContext, duckdb_warehouse: DuckDBWarehouse) -> MaterializeResult:
    """One row per participant, wave and outcome: the score of the registered instrument (or the
    custom outcome's value), its category (e.g. moderately lonely), and how many items were answered.
    Scoring rules and their sources: ``impact/instruments/scoring.py``."""
    keys = list(context.partition_keys)
    with duckdb_warehouse.connect(reads=SCORES_READ) as con:
        survey, outcomes = (read_for(con, t, keys) for t in SCORES_READ)
        scores = score_outcomes(survey, outcomes) if len(survey) and len(outcomes) else empty_scores()
        with warehouse.transaction(con):
            warehouse.replace_rows(con, tables.OUTCOME_SCORES, scores, where={"initiative_id": keys})
    summary = (
        scores.groupby(["initiative_id", "outcome_id", "wave"])["score"].agg(["count", "mean"]).round(2).reset_index()
        if len(scores) else pd.DataFrame()
    )
    return MaterializeResult(
        metadata={
            "scores_in_run": len(scores),
            "scored_in_run": int(scores["score"].notna().sum()) if len(scores) else 0,
            "dagster/column_schema": column_schema(tables.OUTCOME_SCORES),
            "mean_score_per_wave": markdown_table(summary, 40) if len(summary) else MetadataValue.md("_no scores_"),
        }
    )


@asset(
    pool=WAREHOUSE_POOL,
    group_name="analysis",
    partitions_def=initiative_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    deps=writers_of(*INDICATORS_READ),
    kinds={"pandas", "duckdb"},
    owners=["team:data-engineering"],
)
def indicators(context: AssetExecutionContext, duckdb_warehouse: DuckDBWarehouse) -> MaterializeResult:
    """Indicators per initiative for each quarter and the year (long format): reach, activities,
    attendance, volunteer hours, response and retention, mean scores per wave, share improved, share
    across the cut-off, reach by wijk and realisation against every target of the Theory of Change.
    ``suppressed`` marks values resting on fewer people than the disclosure threshold."""
    keys = list(context.partition_keys)
    with duckdb_warehouse.connect(reads=INDICATORS_READ) as con:
        settings = read_settings(con)
        result = compute_indicators(
            *(read_for(con, t, keys) for t in INDICATORS_READ[1:]),
            initiatives=keys, year=settings.year, disclosure_threshold=settings.disclosure_threshold,
        )
        with warehouse.transaction(con):
            warehouse.replace_rows(con, tables.INDICATORS, result, where={"initiative_id": keys})
    year = result[(result["period"] == str(settings.year)) & result["indicator_id"].isin(
        ["participants_reached", "activities_held", "volunteer_hours", "response_rate", "retention"])]
    return MaterializeResult(
        metadata={
            "indicators_in_run": len(result),
            "suppressed_in_run": int(result["suppressed"].sum()),
            "dagster/column_schema": column_schema(tables.INDICATORS),
            "year_overview": markdown_table(
                year.pivot_table(index="initiative_id", columns="indicator_id", values="value").round(2).reset_index(), 40
            ) if len(year) else MetadataValue.md("_none_"),
        }
    )


@asset(
    pool=WAREHOUSE_POOL,
    group_name="analysis",
    partitions_def=initiative_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    deps=writers_of(*TESTS_READ),
    kinds={"scipy", "duckdb"},
    owners=["team:data-engineering"],
)
def hypothesis_tests(context: AssetExecutionContext, duckdb_warehouse: DuckDBWarehouse) -> MaterializeResult:
    """Each hypothesis of the Theory of Change tested on the participants with both waves, as declared
    (paired t, Wilcoxon signed-rank, McNemar, or a documented ``auto`` choice), before the Holm
    correction: n per wave and paired, means, the test's estimate with its interval, the statistic, p,
    the effect size with its interval, the outcome's Cronbach's alpha per wave and the attrition note."""
    keys = list(context.partition_keys)
    with duckdb_warehouse.connect(reads=TESTS_READ) as con:
        settings = read_settings(con)
        hypotheses, outcomes, scores, survey = (read_for(con, t, keys) for t in TESTS_READ[1:])
        tests = run_hypothesis_tests(hypotheses, outcomes, scores, outcome_reliability(survey, outcomes),
                                     settings.min_pairs)
        with warehouse.transaction(con):
            warehouse.replace_rows(con, tables.HYPOTHESIS_TESTS, tests, where={"initiative_id": keys})
    shown = tests[["initiative_id", "hypothesis_id", "test", "n_pairs", "mean_difference", "p_value"]]
    return MaterializeResult(
        metadata={
            "hypotheses_in_run": len(tests),
            "tests": markdown_table(shown.round(4), 40) if len(shown) else MetadataValue.md("_no hypotheses_"),
        }
    )


@asset(
    pool=WAREHOUSE_POOL,
    group_name="analysis",
    deps=writers_of(*RESULTS_READ),
    kinds={"statsmodels", "duckdb"},
    owners=["team:data-engineering"],
)
def hypothesis_results(duckdb_warehouse: DuckDBWarehouse) -> MaterializeResult:
    """The programme's verdicts: the Holm correction across the primary hypotheses of all initiatives
    of the year, the minimum detectable effect at the alpha each faces, and per hypothesis
    ``supported``, ``contradicted``, ``not_shown``, ``unreliable_measurement`` or ``insufficient_data``.
    Depends on every initiative's tests."""
    with duckdb_warehouse.connect(reads=RESULTS_READ) as con:
        settings = read_settings(con)
        tests = warehouse.read(con, tables.HYPOTHESIS_TESTS, order_by=["initiative_id", "hypothesis_id"])
        results = conclude(tests, settings.alpha, settings.disclosure_threshold, settings.min_reliability,
                           settings.multiple_testing)
        with warehouse.transaction(con):
            warehouse.replace_rows(con, tables.HYPOTHESIS_RESULTS, results, where={})
    shown = results[["initiative_id", "hypothesis_id", "test", "n_pairs", "mean_difference", "p_value", "p_adjusted", "verdict"]]
    return MaterializeResult(
        metadata={
            "hypotheses": len(results),
            "supported": int((results["verdict"] == "supported").sum()),
            "contradicted": int((results["verdict"] == "contradicted").sum()),
            "not_shown": int((results["verdict"] == "not_shown").sum()),
            "unreliable_measurement": int((results["verdict"] == "unreliable_measurement").sum()),
            "insufficient_data": int((results["verdict"] == "insufficient_data").sum()),
            "verdicts": markdown_table(shown.round(4), 60) if len(shown) else MetadataValue.md("_no hypotheses_"),
            "dagster/column_schema": column_schema(tables.HYPOTHESIS_RESULTS),
        }
    )


@asset(
    pool=WAREHOUSE_POOL,
    group_name="analysis",
    partitions_def=initiative_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    deps=writers_of(*SROI_READ),
    kinds={"pandas", "duckdb"},
    owners=["team:data-engineering"],
)
def sroi(context: AssetExecutionContext, duckdb_warehouse: DuckDBWarehouse) -> MaterializeResult:
    """Social return on investment where the Theory of Change configures it: per outcome quantity ×
    financial proxy less deadweight, displacement and attribution, with drop-off and discounting
    (``marts.sroi_outcomes``); per initiative the present value, NPV, ratio, payback and a range
    (``marts.sroi``); and each assumption's tipping point to 1:1 (``marts.sroi_sensitivity``).
    A quantity ``from_data`` is the net number of paired participants who changed the better way, with the
    participants not measured counted as the Theory of Change's ``sroi.non_respondents`` says."""
    keys = list(context.partition_keys)
    with duckdb_warehouse.connect(reads=SROI_READ) as con:
        settings = read_settings(con)
        assumptions, initiatives, indicators, scores, outcomes = (read_for(con, t, keys) for t in SROI_READ[1:])
        reached = indicators[(indicators["indicator_id"] == "participants_reached")
                             & (indicators["period"] == str(settings.year))]
        counts = change_counts(scores, outcomes, assumptions, dict(zip(reached["initiative_id"], reached["value"])))
        result = compute_sroi(
            assumptions,
            dict(zip(initiatives["initiative_id"], initiatives["sroi_inputs_eur"])),
            counts,
            settings.discount_rate,
        )
        with warehouse.transaction(con):
            for table, frame in ((tables.SROI_OUTCOMES, result.outcomes), (tables.SROI, result.summary),
                                 (tables.SROI_SENSITIVITY, result.sensitivity)):
                warehouse.replace_rows(con, table, frame, where={"initiative_id": keys})
    return MaterializeResult(
        metadata={
            "initiatives_with_sroi": len(result.summary),
            "sroi": markdown_table(result.summary[["initiative_id", "inputs_eur", "present_value", "ratio",
                                                   "ratio_low", "ratio_high"]].round(2), 20)
            if len(result.summary) else MetadataValue.md("_no initiative configures SROI_"),
            "dagster/column_schema": column_schema(tables.SROI),
        }
    )
