"""Jobs: the whole coaching year, one initiative, the reports, the programme level; and the schedule.

Every job but ``reports_in_processes`` runs in one process (``in_process_executor``): many partitions
per run, and one writer of the DuckDB warehouse at a time (docs/operations.md; the ``duckdb_warehouse``
pool keeps steps of concurrent runs apart).
"""

from __future__ import annotations

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    RunRequest,
    ScheduleEvaluationContext,
    SkipReason,
    define_asset_job,
    multiprocess_executor,
    schedule,
)

from pipelines.partitions import initiative_partitions, partition_range_tags

coaching_year_job = define_asset_job(
    name="coaching_year",
    selection=AssetSelection.all(),
    description="Everything for the selected initiatives (all of them for the year): settings, staged tables, "
                "checks, scores, indicators, tests, SROI and the reports. Launch it over a partition range.",
)

initiative_job = define_asset_job(
    name="one_initiative",
    selection=AssetSelection.all(),
    description="Rebuild one initiative (pick its partition) and the programme-level results that depend on it: "
                "what a coach's 'rebuild' means, and what the drops sensor launches.",
)

data_stages_job = define_asset_job(
    name="data_stages",
    selection=AssetSelection.all() - AssetSelection.groups("reports"),
    description="Everything up to the reports for the selected initiatives: settings, staged tables, checks, scores, "
                "indicators, tests and SROI, no report rendered (`coaching build --no-reports`; what the benchmark "
                "times as the data stages).",
)

reports_in_processes_job = define_asset_job(
    name="reports_in_processes",
    selection=AssetSelection.groups("reports"),
    executor_def=multiprocess_executor,
    description="The reports as `reports_only`, each step in a process of its own (the multiprocess executor): with "
                "report_steps (or COACHING_REPORT_STEPS) at 2 or more, the yearly reports are that many steps rendered "
                "side by side, as the Kubernetes or Celery executor would run them on other machines. Set workers "
                "(COACHING_WORKERS) to 1, so that the steps do not each start a process per core.",
)

reports_job = define_asset_job(
    name="reports_only",
    selection=AssetSelection.groups("reports"),
    description="Render the reports again from the warehouse as it is (e.g. after a template or language change), "
                "without reading raw data.",
)

# The assets without partitions: what must run when an initiative folder is removed (its rows are purged by
# ``programme``; the Holm family, the overview, the lessons and the manifest are rebuilt without it).
PROGRAMME_LEVEL = ("programme", "coaching_sessions", "hypothesis_results", "report_data", "data_quality_report", "programme_overview",
                   "lessons_learned", "delivery_bundle", "report_manifest")
programme_job = define_asset_job(
    name="programme_level",
    selection=AssetSelection.assets(*PROGRAMME_LEVEL),
    description="The programme-level assets only (no partition needed): settings, coaching log, Holm correction "
                "and verdicts, data-quality page, overview, lessons and manifest.",
)


delivery_job = define_asset_job(
    name="delivery",
    selection=AssetSelection.assets("programme", "report_data", "programme_overview", "lessons_learned",
                                    "delivery_bundle", "report_manifest"),
    description="Package the reports for the municipality (the dated ZIP) and list it in the manifest (`coaching "
                "deliver`). `programme` looks at raw_data/ again first, so a folder added since the last build counts "
                "as expected (and not yet built). The overview and the lessons are rendered again, so their title pages say whether an "
                "incomplete programme is delivered as asked (`report_settings.deliver_incomplete`); an incomplete "
                "programme is otherwise refused.",
)


@schedule(
    name="monthly_full_rebuild",
    job=coaching_year_job,
    cron_schedule="0 6 1 * *",  # 06:00 on the first of every month
    execution_timezone="Europe/Amsterdam",
    default_status=DefaultScheduleStatus.STOPPED,  # declared, but nothing runs unasked
    description="The whole coaching year rebuilt from raw_data on the first of the month, over every initiative.",
)
def monthly_full_rebuild(context: ScheduleEvaluationContext):
    keys = list(context.instance.get_dynamic_partitions(initiative_partitions.name))
    if not keys:
        return SkipReason("no initiatives registered yet: the drops sensor or `coaching partitions` adds them")
    return RunRequest(
        run_key=None,  # a tick runs once anyway; a manual tick from the UI should run too
        tags={**partition_range_tags(keys[0], keys[-1]), "coaching/trigger": "schedule"},
    )
