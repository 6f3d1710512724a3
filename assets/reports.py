"""Report artefacts under ``reports/<year>/``."""

from dagster import MaterializeResult, MetadataValue, asset

from assets.analysis import outcome_scores
from assets.staging import activities, coaching_sessions, participants, survey_responses
from impact.quality.results import programme_year
from impact.reporting.data_quality import write_data_quality_page
from pipelines.resources import CoachingFiles, DuckDBWarehouse


@asset(
    group_name="reports",
    # after the staged tables and the scores, so every check (they all block on ERROR) has run
    deps=[participants, activities, survey_responses, coaching_sessions, outcome_scores],
    kinds={"html", "csv"},
    owners=["team:data-engineering"],
)
def data_quality_report(files: CoachingFiles, duckdb_warehouse: DuckDBWarehouse) -> MaterializeResult:
    """The data-quality page ``reports/<year>/data_quality/index.html`` with its tables as CSV: per
    initiative the rows used and set aside, every quarantined row with what to correct, the checks
    that warned or failed, and the columns and files that were not stored."""
    with duckdb_warehouse.connect(read_only=True) as con:
        year = programme_year(con)
        written = write_data_quality_page(con, files.reports_path, year)
    return MaterializeResult(
        metadata={
            "page": MetadataValue.path(str(written[0])),
            "files": MetadataValue.md("\n".join(f"- `{p.name}`" for p in written)),
        }
    )
