"""Asset checks on the staged tables: the row accounting and the Great Expectations rules.

Every check writes its results to ``quality.quality_results`` and reports them
in the UI. All are ``blocking``: a failure of an ERROR rule stops what depends
on the table; a WARN rule never does, it asks a person to look.

Each check evaluates inside ``warehouse.declared_reads`` of the tables it reads,
and takes its ``additional_deps`` from the writers of those tables, so a read its
dependencies do not cover fails instead of racing the table's writer.
"""

from collections.abc import Sequence

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
from assets.staging import activities, coaching_sessions, participants, stories, survey_responses
from impact import warehouse
from impact.programme import read_settings
from impact.quality import row_accounting
from impact.quality.accounting import accounting_reads
from impact.quality.results import (
    CONTEXT_READS,
    accounting_results,
    known_initiatives,
    recount_results,
    replace_results,
)
from impact.quality.reliability import reliability_results
from impact.quality.rules import RULES, ProgrammeYear, QualityRule
from impact.warehouse import Table, tables
from pipelines.resources import CoachingFiles, DuckDBWarehouse, ReportSettings, WAREHOUSE_POOL

STAGED = {
    "participants": participants,
    "activities": activities,
    "survey_responses": survey_responses,
    "coaching_sessions": coaching_sessions,
    "stories": stories,
}
#: The staged tables read from CSV and XLSX, which pandas can count a second time (not the stories).
TABULAR = ("participants", "activities", "survey_responses", "coaching_sessions")
SEVERITY = {"ERROR": AssetCheckSeverity.ERROR, "WARN": AssetCheckSeverity.WARN}


def _programme_year(con, report_settings: ReportSettings) -> ProgrammeYear:
    settings = read_settings(con)
    return ProgrammeYear(settings.year, settings.disclosure_threshold, report_settings.language_of(con))


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


#: Staging tables the staged-table assets share, each asset replacing the rows of its own ``table_name``.
SHARED = (tables.QUARANTINE, tables.DROPS, tables.INGEST_NOTICES)


def _deps(asset_def: AssetsDefinition, reads: Sequence[Table]) -> list[str]:
    """A check's ``additional_deps``: the writers of the tables it reads, other than the asset it checks.

    Of the shared staging tables (:data:`SHARED`) a check reads the rows of its own table, which the
    checked asset writes (``known_initiatives`` reads every table's drops, only to list initiatives),
    so the other staged-table assets are no dependency through them. They could not be: every asset
    waits for its blocking checks, so the checks of two staged tables would wait for each other, a
    cycle Dagster refuses.
    """
    staged = set(tables.STAGED_WRITERS)
    writers = [*tables.writers_of(*(t for t in reads if t not in SHARED)),
               *(w for w in tables.writers_of(*(t for t in reads if t in SHARED)) if w not in staged)]
    return [w for w in dict.fromkeys(writers) if w != asset_def.key.to_user_string()]


def _record(duckdb_warehouse: DuckDBWarehouse, check_name: str, table_name: str, severity: str,
            reads: Sequence[Table], evaluate) -> AssetCheckResult:
    """Evaluate a check on the warehouse (reading only ``reads``), store its rows in ``quality_results``
    and report them."""
    with duckdb_warehouse.connect() as con:
        with warehouse.declared_reads(reads):
            results = evaluate(con)
        replace_results(con, check_name, table_name, results)
    return _result(results, severity)


def accounting_check(table_name: str, asset_def: AssetsDefinition) -> AssetChecksDefinition:
    reads = (*accounting_reads(table_name), tables.SETTINGS)  # the settings: the language of the texts

    @asset_check(
        pool=WAREHOUSE_POOL,
        asset=asset_def,
        name="raw_rows_add_up",
        blocking=True,
        additional_deps=_deps(asset_def, reads),
        description="Every raw row of every drop is either staged or quarantined: raw = staged + quarantined, "
        "counted in the tables. ERROR: blocks what depends on the table.",
    )
    def _check(duckdb_warehouse: DuckDBWarehouse, report_settings: ReportSettings) -> AssetCheckResult:
        return _record(duckdb_warehouse, "raw_rows_add_up", table_name, "ERROR", reads,
                       lambda con: accounting_results(row_accounting(con, table_name), table_name,
                                                      report_settings.language_of(con)))

    return _check


def recount_check(table_name: str, asset_def: AssetsDefinition) -> AssetChecksDefinition:
    reads = (*accounting_reads(table_name), tables.SETTINGS)  # the settings: the language of the texts

    @asset_check(
        pool=WAREHOUSE_POOL,
        asset=asset_def,
        name="raw_rows_recount",
        blocking=True,
        additional_deps=_deps(asset_def, reads),
        description="A second reader (pandas) counts as many data rows in each drop as the pipeline read. "
        "WARN: a person looks at the file.",
    )
    def _check(files: CoachingFiles, duckdb_warehouse: DuckDBWarehouse, report_settings: ReportSettings) -> AssetCheckResult:
        return _record(duckdb_warehouse, "raw_rows_recount", table_name, "WARN", reads,
                       lambda con: recount_results(row_accounting(con, table_name, files.raw_data_path), table_name,
                                                   report_settings.language_of(con)))

    return _check


def rule_check(rule: QualityRule) -> AssetChecksDefinition:
    reads = (*CONTEXT_READS, *rule.reads)  # the year and the initiatives, and the rule's frame

    @asset_check(
        pool=WAREHOUSE_POOL,
        asset=STAGED[rule.table_name],
        name=rule.name,
        blocking=True,
        additional_deps=_deps(STAGED[rule.table_name], reads),
        description=f"{rule.description()} ({rule.severity}; Great Expectations)",
    )
    def _check(duckdb_warehouse: DuckDBWarehouse, report_settings: ReportSettings) -> AssetCheckResult:
        return _record(duckdb_warehouse, rule.name, rule.table_name, rule.severity, reads,
                       lambda con: rule.evaluate(con, _programme_year(con, report_settings), known_initiatives(con)))

    return _check


RELIABILITY_READS = (tables.SURVEY_RESPONSES, tables.OUTCOMES, tables.SETTINGS)


@asset_check(
    pool=WAREHOUSE_POOL,
    asset=outcome_scores,
    name="reliability",
    blocking=True,
    additional_deps=_deps(outcome_scores, RELIABILITY_READS),
    description="Cronbach's alpha per initiative, multi-item instrument and wave is at least 0.70. "
    "WARN: a low alpha is reported next to the results.",
)
def reliability(duckdb_warehouse: DuckDBWarehouse, report_settings: ReportSettings) -> AssetCheckResult:
    return _record(duckdb_warehouse, "reliability", "outcome_scores", "WARN", RELIABILITY_READS,
                   lambda con: reliability_results(warehouse.read(con, tables.SURVEY_RESPONSES),
                                                   warehouse.read(con, tables.OUTCOMES), report_settings.language_of(con)))


quality_checks = [
    *(accounting_check(t, a) for t, a in STAGED.items()),
    *(recount_check(t, STAGED[t]) for t in TABULAR),
    *(rule_check(r) for r in RULES),
    reliability,
]
