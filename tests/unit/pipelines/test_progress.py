"""What `coaching build` prints while it works, when its output is not a terminal (a log, CI, a pipe)."""

from __future__ import annotations

import io

import pytest
from dagster import AssetCheckResult, Definitions, asset, asset_check, colored_console_logger, define_asset_job

from impact.language import Translator
from pipelines import progress
from pipelines.progress import BuildProgress, progress_line, progress_logger, worth_telling

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        self.now += 7.0  # every look at the clock is seven seconds later
        return self.now


def test_plain_lines_name_each_stage_once_and_the_counts_with_the_time_elapsed():
    out = io.StringIO()
    display = BuildProgress({"participants": "staging", "participants_completeness": "checks", "activities": "staging",
                             "initiative_reports": "reports"}, Translator("en"), out=out, terminal=False, clock=Clock())
    display.step_started("participants")
    display.advanced("participants", "initiatives", 2, 4)
    display.step_finished("participants")
    display.step_started("participants_completeness")
    display.step_finished("participants_completeness")
    display.step_started("activities")  # staging again: not named a second time
    display.step_finished("activities")
    display.step_started("initiative_reports")
    display.advanced("initiative_reports", "reports", 3, 3)
    display.close()
    assert out.getvalue().splitlines() == [
        "[0:07] now: reading the drops against the contract (0 of 4 steps done)",
        "[0:14]   2 of 4 initiatives",
        "[0:21] now: quality checks (1 of 4 steps done)",
        "[0:28] now: writing the reports (3 of 4 steps done)",
        "[0:35]   3 of 3 yearly reports",
    ]


def test_a_step_split_into_batches_is_staged_by_its_op_and_never_counts_past_the_plan():
    out = io.StringIO()
    display = BuildProgress({"initiative_reports.plan_yearly_reports": "reports",
                             "initiative_reports.render_yearly_report_batch": "reports"},
                            Translator("en"), out=out, terminal=False, clock=Clock())
    display.step_started("initiative_reports.plan_yearly_reports")
    display.step_finished("initiative_reports.plan_yearly_reports")
    for batch in ("batch_1_of_3", "batch_2_of_3", "batch_3_of_3"):
        display.step_started(f"initiative_reports.render_yearly_report_batch[{batch}]")
        display.step_finished(f"initiative_reports.render_yearly_report_batch[{batch}]")
    display.step_started("programme_overview")  # a stage of its own, unknown here: the checks
    assert out.getvalue().splitlines() == [
        "[0:07] now: writing the reports (0 of 2 steps done)",
        "[0:14] now: quality checks (2 of 2 steps done)",
    ]


def test_the_dutch_lines():
    out = io.StringIO()
    display = BuildProgress({"a": "analysis"}, Translator("nl"), out=out, terminal=False, clock=Clock())
    display.step_started("a")
    display.advanced("a", "reports", 1, 9)
    assert out.getvalue().splitlines() == ["[0:07] bezig: scores, indicatoren en toetsen (0 van 1 stappen klaar)",
                                           "[0:14]   1 van 9 jaarrapporten"]


def test_about_twenty_moments_per_step_and_always_the_last():
    assert [d for d in range(1, 1001) if worth_telling(d, 1000)] == list(range(50, 1001, 50))
    assert [d for d in range(1, 10) if worth_telling(d, 9)] == list(range(1, 10))
    assert progress_line("reports", 3, 9) == "reports: 3 of 9"
    with pytest.raises(ValueError, match="progress of 'rows': one of initiatives, reports"):
        progress_line("rows", 1, 2)


def test_a_run_reports_its_steps_and_counts_through_the_progress_logger():
    @asset(group_name="staging")
    def table(context):
        for done in (1, 2):
            context.log.info(progress_line("initiatives", done, 2))
        context.log.info("initiatives: many")  # not a count: not shown

    @asset_check(asset=table, blocking=True)
    def table_ok():
        return AssetCheckResult(passed=True)

    @asset(group_name="reports", deps=[table])
    def report():
        return None

    defs = Definitions(assets=[table, report], asset_checks=[table_ok], jobs=[define_asset_job("j")],
                       loggers={"console": colored_console_logger, "build_progress": progress_logger})
    out = io.StringIO()
    stages = {"table": "staging", "table_table_ok": "checks", "report": "reports"}
    progress.CURRENT.append(BuildProgress(stages, Translator("en"), out=out, terminal=False, clock=Clock()))
    try:
        result = defs.resolve_job_def("j").execute_in_process(
            run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}, "build_progress": {}}})
    finally:
        display = progress.CURRENT.pop()
    assert result.success
    lines = [line.split("] ", 1)[1] for line in out.getvalue().splitlines()]
    assert lines == ["now: reading the drops against the contract (0 of 3 steps done)",
                     "  1 of 2 initiatives", "  2 of 2 initiatives",
                     "now: quality checks (1 of 3 steps done)",
                     "now: writing the reports (2 of 3 steps done)"]
    assert display.steps_done == 3
