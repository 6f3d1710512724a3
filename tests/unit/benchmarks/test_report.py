"""The benchmark harness's pure parts (benchmarks/report.py): summaries, verdicts, the summary line and the
markdown, on small made-up numbers. Nothing is timed here."""

from __future__ import annotations

import pytest

from benchmarks import report
from benchmarks.run import fixed_axes, parse_sizes

pytestmark = pytest.mark.unit

GIB = 2 ** 30


def runs(*seconds, peak=None):
    return [{"seconds": s, "peak_bytes": peak} for s in seconds]


def results(**extra):
    base = {
        "measured_on": "2019-01-31", "commit": "abc123def456", "runs_requested": 3, "quick": False,
        "data_source": "synth", "memory_sampler": "psutil", "fixed_n": 100, "fixed_m": 300,
        "machine": {"cpu": "Test CPU", "cores": "2", "ram": "8.0 GiB", "os": "Linux", "python": "3.11.9"},
        "versions": {"dagster": "1.13.27", "duckdb": "2.0.0"},
        "commands": ["make bench"],
        "sample_full": {"title": "sample year, full build", "runs_requested": 3,
                        "runs": [{"seconds": 30.0, "peak_bytes": GIB, "yearly_report_each": 1.0, "programme_overview": 2.0},
                                 {"seconds": 20.0, "peak_bytes": GIB, "yearly_report_each": 0.4, "programme_overview": 1.0},
                                 {"seconds": 25.0, "peak_bytes": 2 * GIB, "yearly_report_each": 0.6, "programme_overview": 3.0}]},
        "drop_rebuild": {"title": "a new drop", "runs_requested": 3, "runs": runs(8.0, 9.0, 12.0, peak=GIB // 2)},
        "scaled": [
            {"n": 10, "m": 300, "data": {"title": "data stages", "runs_requested": 3, "runs": runs(10, 11, 12, peak=GIB)},
             "baseline": {"title": "bare baseline", "runs_requested": 3, "runs": runs(4, 5, 6, peak=GIB // 4)}},
            {"n": 1000, "m": 300, "data": {"title": "data stages", "runs_requested": 3, "runs": runs(200, 190, 210, peak=3 * GIB)},
             "full": {"title": "full build", "runs_requested": 3, "runs": runs(1000),
                      "note": "1 of 3 runs: stopped after 1000 s by --max-seconds 900; the median is of 1"},
             "baseline": {"title": "bare baseline", "runs_requested": 3, "runs": runs(80, 100, 120, peak=GIB)}},
        ],
    }
    base.update(extra)
    return base


def test_summarise_gives_median_min_max_of_what_was_measured():
    assert report.summarise([3.0, 1.0, 2.0, None]) == report.Summary(2.0, 1.0, 3.0, 3)
    assert report.summarise([4.0, 1.0]) == report.Summary(2.5, 1.0, 4.0, 2)
    assert report.summarise([None]) is None


def test_formats():
    assert [report.fmt_seconds(v) for v in (0.4567, 27.14, 1650.4, None)] == ["0.46 s", "27.1 s", "1650 s", "–"]
    assert [report.fmt_bytes(v) for v in (3.1 * GIB, 300 * 2 ** 20, None)] == ["3.10 GiB", "300 MiB", "–"]
    assert report.fmt_limit(4 * GIB, "bytes") == "4 GiB" and report.fmt_limit(0.5, "s") == "0.5 s"


def test_verdicts():
    assert report.verdict(19.9, 20) == "met"
    assert report.verdict(20, 20) == "met"
    assert report.verdict(27, 20) == "missed by 35 %"
    assert report.verdict(None, 20) == "not measured"


def test_split_steps_by_part():
    steps = {"participants": 1.0, "programme": 0.5, "participants_completeness": 0.25, "initiative_reports": 9.0,
             "programme_overview": 2.0, "report_manifest": 0.125}
    groups = {"participants": "staging", "programme": "settings", "initiative_reports": "reports",
              "programme_overview": "reports", "report_manifest": "reports"}
    assert report.split_steps(steps, groups, wall=14.0) == {
        "data stages": 1.5, "checks": 0.25, "initiative_reports": 9.0, "programme_overview": 2.0, "lessons_learned": 0.0,
        "data_quality_report": 0.0, "other reports": 0.125, "outside the steps": 1.125}
    assert "outside the steps" not in report.split_steps(steps, groups)


def test_fit_line():
    assert report.fit_line([10, 100, 1000], [2.0, 11.0, 101.0]) == pytest.approx((0.1, 1.0))
    assert report.fit_line([10, 10], [1.0, 2.0]) is None


def test_sizes_and_fixed_axes():
    sizes = parse_sizes("10x300,100x300,1000x300,100x100,100x1000")
    assert sizes == [(10, 300), (100, 300), (1000, 300), (100, 100), (100, 1000)]
    assert fixed_axes(sizes) == (100, 300)
    assert parse_sizes("") == [] and parse_sizes(" 2x30, ") == [(2, 30)]


def test_figures_and_summary_line():
    r = results()
    assert report.figures(r) == {"sample_full": 25.0, "drop_rebuild": 9.0, "report_each": 0.6, "largest_data": 200.0,
                                 "largest_data_peak": 3 * GIB, "largest_full": 1000.0, "ratio": 2.0}
    assert report.summary_line(r) == (
        "bench: sample full 25.0 s (target 20) · drop→reports 9.0 s (10) · report 0.60 s (0.5) · "
        "1000×300 data 200 s/3.0 GiB (180 s/4 GiB) · full 1000 s (900) · ratio 2.00 (2.0)")


def test_summary_line_without_measurements_and_quick():
    r = {"quick": True}
    assert report.summary_line(r) == (
        "bench: sample full – s (target 20) · drop→reports – s (10) · report – s (0.5) · "
        "largest data – s/– (180 s/4 GiB) · full – s (900) · ratio – (2.0) [quick: not the real figures]")


def test_markdown_targets_tables_and_notes():
    text = report.markdown(results())
    assert text.startswith("# Benchmarks\n\nMeasured on 2019-01-31, commit `abc123def456`")
    assert "| cpu | Test CPU |" in text and "| dagster | 1.13.27 |" in text
    assert "**sum of the resident set size (RSS) over the process tree**" in text
    assert "| sample year: full build after set-up | 20 s | 25.0 s | missed by 25 % |" in text
    assert "| a coach's drop → its yearly report, the overview and lessons refreshed | 10 s | 9.0 s | met |" in text
    assert "| yearly report, amortised over a build | 0.5 s | 0.60 s | missed by 20 % |" in text
    assert "| 1000×300: data stages, peak memory | 4 GiB | 3.00 GiB | met |" in text
    assert "| data stages ÷ bare baseline at 1000×300 | 2 | 2.00 | met |" in text
    assert "| sample year, full build | 25.0 s | 20.0 s | 30.0 s | 1.00 GiB | 3 |" in text
    assert "| 1000×300 | full build | 1000 s | 1000 s | 1000 s | – | 1 of 3 |" in text
    assert "| 10×300 | data stages | 11.0 s | 10.0 s | 12.0 s | 1.00 GiB | 3 |" in text
    assert "- full build: 1 of 3 runs: stopped after 1000 s by --max-seconds 900; the median is of 1" in text
    assert "| yearly report (each) | 0.60 s | 0.40 s | 1.0 s |" in text
    assert "| 10×300 | 2.20 | – |" in text
    assert "| N at M = 300 | data | 0.1909 s per initiative | 9.1 s |" in text
    assert "Not profiled in this run." in text
    assert "Quick run" not in text and "Stand-in data" not in text


def test_markdown_is_deterministic_and_marks_quick_and_stand_in():
    r = results(quick=True, data_source="copies",
                profile=[{"function": "render", "location": "impact/reporting/render.py:10", "total_pct": 41.25, "self_pct": 0.5, "project": True},
                         {"function": "write_pdf", "location": "weasyprint/__init__.py:5", "total_pct": 30.0, "self_pct": 12.0, "project": False}],
                profile_seconds=30.1, profile_threshold=2.0)
    text = report.markdown(r)
    assert text == report.markdown(r)
    assert "> **Quick run**" in text and "> **Stand-in data**" in text
    own, hot = text.split("Where the processor is")
    assert "| `render` | `impact/reporting/render.py:10` | 41.2 | 0.5 |" in own and "write_pdf" not in own
    assert "| `write_pdf` | `weasyprint/__init__.py:5` | 30.0 | 12.0 |" in hot and "`render`" not in hot


def test_the_fan_out_section_gives_each_way_its_span_and_speed_up_over_one_process():
    def mode(executor, steps, workers, spans, walls, asked=3, note=None):
        m = {"title": f"{executor} {steps}×{workers}", "executor": executor, "steps": steps, "workers": workers,
             "runs_requested": asked, "runs": [{"yearly_span": s, "seconds": w} for s, w in zip(spans, walls)]}
        return {**m, "note": note} if note else m

    fan = {"label": "sample", "n": None, "m": None, "cores": 2, "modes": [
        mode("in_process", 1, 1, [14.0, 13.0, 15.0], [17.0, 16.0, 18.0]),
        mode("in_process", 1, 2, [10.0, 11.0, 12.0], [14.0, 15.0, 16.0]),
        mode("multiprocess", 2, 1, [20.0], [40.0], note="1 of 3 runs: stopped after 40 s by --max-seconds 30; the median is of 1")]}
    text = report.markdown(results(fan_out=[fan]))
    section = text.split("## The reports fanned out: the sample year")[1].split("\n## ")[0]
    assert "## The reports fanned out: 36×300" in report.markdown(results(fan_out=[{**fan, "label": "36x300", "n": 36, "m": 300}]))
    assert "| one step, 1 process | 14.0 s | 1.00× | 17.0 s | 3 |" in section
    assert "| one step, 2 processes | 11.0 s | 1.27× | 15.0 s | 3 |" in section
    assert "| 2 steps, a process each (multiprocess executor) | 20.0 s | 0.70× | 40.0 s | 1 of 3 |" in section
    assert "- multiprocess 2×1: 1 of 3 runs: stopped after 40 s by --max-seconds 30; the median is of 1" in section


def test_the_steps_of_a_graph_backed_asset_add_up_under_the_asset():
    from types import SimpleNamespace as Stat

    from benchmarks.steps import asset_steps

    stats = [Stat(step_key="participants", start_time=0.0, end_time=2.0),
             Stat(step_key="initiative_reports.plan_yearly_reports", start_time=2.0, end_time=2.5),
             Stat(step_key="initiative_reports.render_yearly_report_batch[batch_1_of_2]", start_time=2.5, end_time=6.5),
             Stat(step_key="initiative_reports.render_yearly_report_batch[batch_2_of_2]", start_time=2.5, end_time=5.5),
             Stat(step_key="initiative_reports.record_yearly_reports", start_time=6.5, end_time=6.75),
             Stat(step_key="programme_overview", start_time=7.0, end_time=None)]  # not finished: left out
    assert asset_steps(stats) == {"participants": 2.0, "initiative_reports": 7.75}
