"""The Dagster code location: assets, checks, jobs and resources of the coaching year."""

from __future__ import annotations

from dagster import Definitions, colored_console_logger, in_process_executor

from assets.settings import drop_inventory, programme, theory_of_change
from assets.analysis import hypothesis_results, hypothesis_tests, indicators, outcome_scores, sroi
from assets.quality import quality_checks
from assets.reports import (
    data_quality_report, delivery_bundle, initiative_reports, lessons_learned, programme_overview, report_data, report_manifest,
)
from assets.staging import staging_assets
from pipelines.jobs import (
    coaching_year_job, data_stages_job, delivery_job, initiative_job, monthly_full_rebuild, programme_job, reports_in_processes_job,
    reports_job,
)
from pipelines.progress import progress_logger
from pipelines.sensors import raw_data_drops, report_refresh
from pipelines.resources import CoachingFiles, DuckDBWarehouse, ReportSettings

defs = Definitions(
    assets=[programme, theory_of_change, drop_inventory, *staging_assets, outcome_scores, indicators, hypothesis_tests, hypothesis_results, sroi,
            report_data, data_quality_report, initiative_reports, programme_overview, lessons_learned, delivery_bundle, report_manifest],
    asset_checks=quality_checks,
    jobs=[coaching_year_job, data_stages_job, initiative_job, reports_job, reports_in_processes_job, programme_job, delivery_job],
    schedules=[monthly_full_rebuild],
    sensors=[raw_data_drops, report_refresh],
    resources={"files": CoachingFiles(), "duckdb_warehouse": DuckDBWarehouse(), "report_settings": ReportSettings()},
    # Dagster's console logger, and the one `coaching build` turns on to show its progress (pipelines/progress.py)
    loggers={"console": colored_console_logger, "build_progress": progress_logger},
    # One process, many partitions per run: far faster than a process per step
    # for data of this size, and DuckDB allows one writer per file (docs/operations.md).
    executor=in_process_executor,
)
