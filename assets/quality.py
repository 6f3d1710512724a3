"""Asset checks on the staged tables: the row accounting and the Great Expectations rules.

Every check writes its results to ``quality.quality_results`` and reports them
in the UI. All are ``blocking``: a failure of an ERROR rule stops what depends
on the table; a WARN rule never does, it asks a person to look.
"""

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetChecksDefinition,
    AssetsDefinition,
    MetadataValue,
    asset_check,
)

from assets._metadata import markdown_table
from assets.analysis import outcome_scores
from assets.settings import programme
from assets.staging import activities, coaching_sessions, participants, survey_responses
from impact.quality import row_accounting
from impact.quality.results import (
    accounting_results,
    known_initiatives,
    programme_year,
    recount_results,
    replace_results,
)
from impact.quality.reliability import reliability_results
from impact.quality.rules import RULES, ProgrammeYear, QualityRule
from pipelines.resources import CoachingFiles, DuckDBWarehouse, WAREHOUSE_POOL

STAGED = {
    "participants": participants,
    "activities": activities,
    "survey_responses": survey_responses,
    "coaching_sessions": coaching_sessions,
}
SEVERITY = {"ERROR": AssetCheckSeverity.ERROR, "WARN": AssetCheckSeverity.WARN}


def _result(results, severity: str) -> AssetCheckResult:
    not_passed = results[results["outcome"] != "passed"]
    shown = not_passed[["initiative_id", "column", "unexpected_count", "observed_value", "description", "failing_rows"]]
    return AssetCheckResult(
        passed=bool(not_passed.empty),
        severity=SEVERITY[severity],
        metadata={
            "initiatives_checked": int(results["initiative_id"].nunique()),
            "expectations_evaluated": len(results),
            "expectations_not_met": len(not_passed),
            "initiatives_not_met": MetadataValue.md(", ".join(sorted(not_passed["initiative_id"].unique())) or "_none_"),
            "details": markdown_table(shown, 20) if len(shown) else MetadataValue.md("_all expectations met_"),
        },
    )


def _record(duckdb_warehouse: DuckDBWarehouse, check_name: str, table_name: str, severity: str, evaluate) -> AssetCheckResult:
    """Evaluate a check on the warehouse, store its rows in ``quality_results`` and report them."""
    with duckdb_warehouse.connect() as con:
        results = evaluate(con)
        replace_results(con, check_name, table_name, results)
    return _result(results, severity)


def accounting_check(table_name: str, asset_def: AssetsDefinition) -> AssetChecksDefinition:
    @asset_check(
        pool=WAREHOUSE_POOL,
        asset=asset_def,
        name="raw_rows_add_up",
        blocking=True,
        description="Every raw row of every drop is either staged or quarantined: raw = staged + quarantined, "
        "counted in the tables. ERROR: blocks what depends on the table.",
    )
    def _check(duckdb_warehouse: DuckDBWarehouse) -> AssetCheckResult:
        return _record(duckdb_warehouse, "raw_rows_add_up", table_name, "ERROR",
                       lambda con: accounting_results(row_accounting(con, table_name), table_name))

    return _check


def recount_check(table_name: str, asset_def: AssetsDefinition) -> AssetChecksDefinition:
    @asset_check(
        pool=WAREHOUSE_POOL,
        asset=asset_def,
        name="raw_rows_recount",
        blocking=True,
        description="A second reader (pandas) counts as many data rows in each drop as the pipeline read. "
        "WARN: a person looks at the file.",
    )
    def _check(files: CoachingFiles, duckdb_warehouse: DuckDBWarehouse) -> AssetCheckResult:
        return _record(duckdb_warehouse, "raw_rows_recount", table_name, "WARN",
                       lambda con: recount_results(row_accounting(con, table_name, files.raw_data_path), table_name))

    return _check


def rule_check(rule: QualityRule) -> AssetChecksDefinition:
    @asset_check(
        pool=WAREHOUSE_POOL,
        asset=STAGED[rule.table_name],
        name=rule.name,
        blocking=True,
        additional_deps=[programme],
        description=f"{rule.description} ({rule.severity}; Great Expectations)",
    )
    def _check(duckdb_warehouse: DuckDBWarehouse) -> AssetCheckResult:
        return _record(duckdb_warehouse, rule.name, rule.table_name, rule.severity,
                       lambda con: rule.evaluate(con, ProgrammeYear(programme_year(con)), known_initiatives(con)))

    return _check


@asset_check(
    pool=WAREHOUSE_POOL,
    asset=outcome_scores,
    name="reliability",
    blocking=True,
    description="Cronbach's alpha per initiative, multi-item instrument and wave is at least 0.70. "
    "WARN: a low alpha is reported next to the results.",
)
def reliability(duckdb_warehouse: DuckDBWarehouse) -> AssetCheckResult:
    return _record(duckdb_warehouse, "reliability", "outcome_scores", "WARN", lambda con: reliability_results(
        con.execute("SELECT * FROM staging.survey_responses").df(), con.execute("SELECT * FROM programme.outcomes").df()))


quality_checks = [
    *(accounting_check(t, a) for t, a in STAGED.items()),
    *(recount_check(t, a) for t, a in STAGED.items()),
    *(rule_check(r) for r in RULES),
    reliability,
]
