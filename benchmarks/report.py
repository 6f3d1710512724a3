"""The harness's pure parts: summaries of runs, the time split from step stats, target verdicts, the
one-line summary and BENCHMARKS.md. No clock, no subprocess, no file: ``benchmarks/run.py`` measures and
passes the numbers in (a JSON-able dict, ``results``), so the same numbers always give the same text.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

SCALED_WHAT = {"data": "data stages", "full": "full build", "baseline": "bare baseline"}
GIB = 2 ** 30
MIB = 2 ** 20

#: Report steps with a cost of their own (the rest of the group ``reports`` is packaging: delivery, manifest).
REPORT_STEPS = ("initiative_reports", "programme_overview", "lessons_learned", "data_quality_report")
SPLIT_ORDER = ("data stages", "checks", "initiative_reports", "programme_overview", "lessons_learned",
               "data_quality_report", "other reports", "outside the steps")


@dataclass(frozen=True)
class Summary:
    median: float
    minimum: float
    maximum: float
    n: int


def summarise(values) -> Summary | None:
    """Median, min and max of the values that were measured (None left out); None without any."""
    got = [float(v) for v in values if v is not None]
    if not got:
        return None
    return Summary(statistics.median(got), min(got), max(got), len(got))


def fmt_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 1:
        return f"{seconds:.2f} s"
    if seconds < 100:
        return f"{seconds:.1f} s"
    return f"{seconds:.0f} s"


def fmt_bytes(n: float | None) -> str:
    if n is None:
        return "–"
    return f"{n / GIB:.2f} GiB" if n >= GIB else f"{n / MIB:.0f} MiB"


def fmt_ratio(r: float | None) -> str:
    return "–" if r is None else f"{r:.2f}"


def fmt_limit(value: float, unit: str) -> str:
    if unit == "bytes":
        return f"{value / GIB:g} GiB"
    if unit == "s":
        return f"{value:g} s"
    return f"{value:g}"


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    limit: float
    unit: str  # "s", "bytes" or "ratio"


TARGETS = (
    Target("sample_full", "sample year: full build after set-up", 20, "s"),
    Target("drop_rebuild", "a coach's drop → its yearly report, the overview and lessons refreshed", 10, "s"),
    Target("report_each", "yearly report, amortised over a build", 0.5, "s"),
    Target("largest_data", "{size}: data stages", 180, "s"),
    Target("largest_data_peak", "{size}: data stages, peak memory", 4 * GIB, "bytes"),
    Target("largest_full", "{size}: full build with every report", 900, "s"),
    Target("ratio", "data stages ÷ bare baseline at {size}", 2.0, "ratio"),
)


def verdict(value: float | None, limit: float) -> str:
    """'met', 'missed by 35 %' (how far above the limit, in % of it), or 'not measured'."""
    if value is None:
        return "not measured"
    if value <= limit:
        return "met"
    return f"missed by {(value / limit - 1) * 100:.0f} %"


def fmt_value(value: float | None, unit: str) -> str:
    return fmt_bytes(value) if unit == "bytes" else fmt_seconds(value) if unit == "s" else fmt_ratio(value)


def split_steps(steps: dict[str, float], groups: dict[str, str], wall: float | None = None) -> dict[str, float]:
    """A run's step times by part: the data stages (assets of settings, staging, analysis), the checks (steps
    that are no asset), each report step, the other report steps, and the wall time outside the steps."""
    parts = dict.fromkeys(SPLIT_ORDER, 0.0)
    for key, seconds in steps.items():
        group = groups.get(key)
        if group is None:
            parts["checks"] += seconds
        elif group != "reports":
            parts["data stages"] += seconds
        elif key in REPORT_STEPS:
            parts[key] += seconds
        else:
            parts["other reports"] += seconds
    if wall is not None:
        parts["outside the steps"] = max(0.0, wall - sum(steps.values()))
    else:
        del parts["outside the steps"]
    return parts


def fit_line(xs, ys) -> tuple[float, float] | None:
    """Least-squares slope and intercept of ys on xs; None with fewer than two distinct xs."""
    pts = [(float(x), float(y)) for x, y in zip(xs, ys) if y is not None]
    if len({x for x, _ in pts}) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    slope = sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts)
    return slope, my - slope * mx


def size_label(n: int, m: int) -> str:
    return f"{n}×{m}"


# ---------------------------------------------------------------------------------------------- from results


def _median(measurement: dict | None, field: str = "seconds") -> float | None:
    if not measurement:
        return None
    s = summarise(r.get(field) for r in measurement.get("runs", []))
    return s.median if s else None


def largest_point(results: dict) -> dict | None:
    """The scaled point the 1,000-initiative targets are read at: the largest N at the fixed M."""
    points = results.get("scaled") or []
    if not points:
        return None
    fixed_m = results.get("fixed_m")
    at_m = [p for p in points if p["m"] == fixed_m] or points
    return max(at_m, key=lambda p: (p["n"], p["m"]))


def report_each(results: dict) -> float | None:
    per = [run.get("yearly_report_each") for run in results.get("sample_full", {}).get("runs", [])]
    s = summarise(per)
    return s.median if s else None


def figures(results: dict) -> dict[str, float | None]:
    """The value behind each target (None where not measured)."""
    point = largest_point(results)
    data = _median(point.get("data")) if point else None
    base = _median(point.get("baseline")) if point else None
    return {
        "sample_full": _median(results.get("sample_full")),
        "drop_rebuild": _median(results.get("drop_rebuild")),
        "report_each": report_each(results),
        "largest_data": data,
        "largest_data_peak": _median(point.get("data"), "peak_bytes") if point else None,
        "largest_full": _median(point.get("full")) if point else None,
        "ratio": data / base if data is not None and base else None,
    }


def summary_line(results: dict) -> str:
    """The one line printed last: every target's figure with its limit in brackets."""
    f = figures(results)
    point = largest_point(results)
    size = size_label(point["n"], point["m"]) if point else "largest"

    def num(key: str) -> str:
        value = f[key]
        return "–" if value is None else fmt_seconds(value).removesuffix(" s")

    peak = "–" if f["largest_data_peak"] is None else f"{f['largest_data_peak'] / GIB:.1f} GiB"
    quick = " [quick: not the real figures]" if results.get("quick") else ""
    return (f"bench: sample full {num('sample_full')} s (target 20) · drop→reports {num('drop_rebuild')} s (10) · "
            f"report {num('report_each')} s (0.5) · {size} data {num('largest_data')} s/{peak} (180 s/4 GiB) · "
            f"full {num('largest_full')} s (900) · ratio {fmt_ratio(f['ratio'])} (2.0){quick}")


def _row(cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _runs_cell(measurement: dict) -> str:
    done, asked = len(measurement.get("runs", [])), measurement.get("runs_requested", len(measurement.get("runs", [])))
    return f"{done}" if done == asked else f"{done} of {asked}"


def _timing_cells(measurement: dict | None) -> list[str]:
    if not measurement or not measurement.get("runs"):
        return ["–", "–", "–", "–", "0"]
    t = summarise(r["seconds"] for r in measurement["runs"])
    peak = summarise(r.get("peak_bytes") for r in measurement["runs"])
    return [fmt_seconds(t.median), fmt_seconds(t.minimum), fmt_seconds(t.maximum),
            fmt_bytes(peak.median if peak else None), _runs_cell(measurement)]


def _notes(*measurements: dict | None) -> list[str]:
    return [f"- {m['title']}: {m['note']}" for m in measurements if m and m.get("note")]


def markdown(results: dict) -> str:
    """BENCHMARKS.md from the harness's results: deterministic for the same results."""
    out: list[str] = []
    add = out.append
    machine, versions = results.get("machine", {}), results.get("versions", {})
    add("# Benchmarks")
    add("")
    if results.get("quick"):
        add("> **Quick run** (`--quick`: small sizes, one run each): for trying the harness, not the real figures.")
        add("")
    if results.get("data_source") == "copies":
        add("> **Stand-in data**: `coaching synth` was not available, so the scaled programme is the sample year "
            "copied (N initiatives, each a renamed copy of a sample initiative); M is not controlled and reads as "
            "the sample's own size. Not the real figures.")
        add("")
    add(f"Measured on {results.get('measured_on', '–')}, commit `{results.get('commit', '–')}`, "
        f"generated by `make bench` (`benchmarks/run.py`).")
    add("")
    add("## Machine")
    add("")
    add(_row(["", ""]))
    add(_row(["---", "---"]))
    for key in ("cpu", "cores", "ram", "os", "python"):
        add(_row([key, machine.get(key, "–")]))
    for name, version in sorted(versions.items()):
        add(_row([name, version]))
    add("")
    add("## How it was measured")
    add("")
    add(f"Every measurement runs in a subprocess with fresh temporary folders for the warehouse, the reports and "
        f"`DAGSTER_HOME`; the tables give the median, minimum and maximum of the runs "
        f"({results.get('runs_requested', '–')} asked per measurement; the column *runs* says how many were made). "
        f"Wall time is the subprocess from start to exit. Peak memory is the **sum of the resident set size (RSS) over "
        f"the process tree** (the build and any child process), sampled every 0.1 s ({results.get('memory_sampler', '–')}); "
        f"the table shows the median of the runs' peaks. The time split comes from the Dagster run's step statistics "
        f"(`DagsterInstance.get_run_step_stats` of the latest run).")
    add("")
    add("```sh")
    for command in results.get("commands", []):
        add(command)
    add("```")
    add("")
    add("## Targets")
    add("")
    f = figures(results)
    point = largest_point(results)
    size = size_label(point["n"], point["m"]) if point else "the largest size"
    add(_row(["target", "limit", "measured (median)", "verdict"]))
    add(_row(["---", "---:", "---:", "---"]))
    for t in TARGETS:
        add(_row([t.label.format(size=size), fmt_limit(t.limit, t.unit), fmt_value(f[t.key], t.unit), verdict(f[t.key], t.limit)]))
    if point and (point["n"], point["m"]) != (1000, 300):
        add("")
        add(f"The targets name 1,000 initiatives × 300 participants; this run's largest point was {size}.")
    add("")
    add("## The sample year")
    add("")
    add(_row(["measurement", "median", "min", "max", "peak memory", "runs"]))
    add(_row(["---", "---:", "---:", "---:", "---:", "---:"]))
    for key in ("sample_full", "drop_rebuild"):
        m = results.get(key)
        if m:
            add(_row([m["title"], *_timing_cells(m)]))
    notes = _notes(results.get("sample_full"), results.get("drop_rebuild"))
    if notes:
        add("")
        out.extend(notes)
    split = results.get("sample_split")
    if split:
        add("")
        add("Where the sample year's full build spends its wall time (median over the runs, from the step stats):")
        add("")
        add(_row(["part", "median", "min", "max"]))
        add(_row(["---", "---:", "---:", "---:"]))
        for part in SPLIT_ORDER:
            s = summarise(split.get(part, []))
            if s:
                add(_row([part, fmt_seconds(s.median), fmt_seconds(s.minimum), fmt_seconds(s.maximum)]))
    drop_steps = results.get("drop_rebuild", {}).get("report_steps_run")
    if drop_steps is not None:
        add("")
        add("The rebuild after a drop ran these report steps: " + (", ".join(f"`{s}`" for s in drop_steps) or "none") + ".")
    add("")
    add("## The cost of one report")
    add("")
    add("From the step stats of the sample year's full builds; a yearly report is the `initiative_reports` step "
        "divided by the number of initiatives.")
    add("")
    add(_row(["report", "median", "min", "max"]))
    add(_row(["---", "---:", "---:", "---:"]))
    for label, key in (("yearly report (each)", "yearly_report_each"), ("programme overview", "programme_overview"),
                       ("lessons learned", "lessons_learned"), ("data-quality page", "data_quality_report")):
        s = summarise(r.get(key) for r in results.get("sample_full", {}).get("runs", []))
        if s:
            add(_row([label, fmt_seconds(s.median), fmt_seconds(s.minimum), fmt_seconds(s.maximum)]))
    for fan in results.get("fan_out") or []:
        add("")
        what = size_label(fan["n"], fan["m"]) if fan.get("n") else "the sample year"
        add(f"## The reports fanned out: {what}")
        add("")
        add("The reports of a built programme rendered again into an empty folder (`benchmarks/fan_out.py`): the "
            "yearly reports in one step on one process, in one step with a process pool, and as one step per core "
            "under the multiprocess executor (job `reports_in_processes`, a process per step). \"yearly reports\" "
            "runs from the start of their first step to the end of their last; \"run\" is the whole reports job "
            "with the interpreter's start.")
        add("")
        add(_row(["how", "yearly reports (median)", "speed-up", "run (median)", "runs"]))
        add(_row(["---", "---:", "---:", "---:", "---:"]))
        base = None
        for mode in fan["modes"]:
            span = summarise(r.get("yearly_span") for r in mode["runs"])
            wall = summarise(r.get("seconds") for r in mode["runs"])
            base = base or (span.median if span else None)
            how = (f"one step, {mode['workers']} process{'es' if mode['workers'] > 1 else ''}"
                   if mode["executor"] == "in_process"
                   else f"{mode['steps']} steps, a process each (multiprocess executor)")
            speed = f"{base / span.median:.2f}×" if span and base else "–"
            add(_row([how, fmt_seconds(span.median if span else None), speed,
                      fmt_seconds(wall.median if wall else None), _runs_cell(mode)]))
        notes = _notes(*fan["modes"])
        if notes:
            out.extend(["", *notes])
    scaled = results.get("scaled") or []
    if scaled:
        add("")
        add("## The scaled programme")
        add("")
        add(f"`coaching synth --initiatives N --participants M` (data: {results.get('data_source', '–')}). "
            f"Data stages = `coaching build --no-reports`; full = `coaching build`; baseline = "
            f"`python -m benchmarks.baseline`; ratio = data stages ÷ baseline (medians).")
        add("")
        add(_row(["N × M", "what", "median", "min", "max", "peak memory", "runs"]))
        add(_row(["---", "---", "---:", "---:", "---:", "---:", "---:"]))
        for p in scaled:
            for what in ("data", "full", "baseline"):
                if p.get(what):
                    add(_row([size_label(p["n"], p["m"]), SCALED_WHAT[what], *_timing_cells(p[what])]))
        add("")
        add(_row(["N × M", "data ÷ baseline", "yearly report (each, full build)"]))
        add(_row(["---", "---:", "---:"]))
        for p in scaled:
            d, b = _median(p.get("data")), _median(p.get("baseline"))
            each = summarise(r.get("yearly_report_each") for r in (p.get("full") or {}).get("runs", []))
            add(_row([size_label(p["n"], p["m"]), fmt_ratio(d / b if d is not None and b else None),
                      fmt_seconds(each.median if each else None)]))
        notes = [n for p in scaled for n in _notes(p.get("data"), p.get("full"), p.get("baseline"))]
        if notes:
            add("")
            out.extend(notes)
        add("")
        add("### How the cost grows")
        add("")
        add("Least-squares lines through the medians: seconds per extra initiative (N varies, M fixed) and per extra "
            "participant per initiative (M varies, N fixed).")
        add("")
        add(_row(["series", "what", "slope", "intercept"]))
        add(_row(["---", "---", "---:", "---:"]))
        fixed_m, fixed_n = results.get("fixed_m"), results.get("fixed_n")
        for label, pts, var, unit in ((f"N at M = {fixed_m}", [p for p in scaled if p["m"] == fixed_m], "n", "s per initiative"),
                                      (f"M at N = {fixed_n}", [p for p in scaled if p["n"] == fixed_n], "m", "s per participant per initiative")):
            for what in ("data", "full", "baseline"):
                line = fit_line([p[var] for p in pts], [_median(p.get(what)) for p in pts])
                if line:
                    add(_row([label, what, f"{line[0]:.4g} {unit}", fmt_seconds(line[1]) if line[1] >= 0 else f"{line[1]:.1f} s"]))
                mem = fit_line([p[var] for p in pts], [_median(p.get(what), "peak_bytes") for p in pts])
                if mem and what == "data":
                    add(_row([label, "data, peak memory", f"{mem[0] / MIB:.3g} MiB {unit.removeprefix('s ')}", fmt_bytes(max(mem[1], 0))]))
    add("")
    add("## Where the time goes")
    add("")
    profile = results.get("profile") or []
    if profile:
        threshold = results.get("profile_threshold", 2)
        add(f"One sample-year `coaching build` under pyinstrument ({results.get('profile_seconds', '–')} s profiled). "
            f"Total % is inclusive (a recursive function counted once), self % the time in the function itself.")
        add("")
        add(f"The project's own code (impact/, assets/, pipelines/) with at least {threshold:g} % of the time, by total:")
        add("")
        add(_row(["function", "where", "total %", "self %"]))
        add(_row(["---", "---", "---:", "---:"]))
        own = sorted((r for r in profile if r.get("project") and r["total_pct"] >= threshold),
                     key=lambda r: (-round(r["total_pct"], 1), r["function"], r["location"]))
        for row in own[:40]:
            add(_row([f"`{row['function']}`", f"`{row['location']}`", f"{row['total_pct']:.1f}", f"{row['self_pct']:.1f}"]))
        add("")
        add(f"Where the processor is (any code, at least {threshold:g} % self time):")
        add("")
        add(_row(["function", "where", "total %", "self %"]))
        add(_row(["---", "---", "---:", "---:"]))
        hot = sorted((r for r in profile if r["self_pct"] >= threshold),
                     key=lambda r: (-round(r["self_pct"], 1), r["function"], r["location"]))
        for row in hot[:40]:
            add(_row([f"`{row['function']}`", f"`{row['location']}`", f"{row['total_pct']:.1f}", f"{row['self_pct']:.1f}"]))
    else:
        add("Not profiled in this run.")
    add("")
    add("## The bare baseline")
    add("")
    add("`benchmarks/baseline.py` does the data stages' work as one plain script with DuckDB, pandas, scipy and "
        "statsmodels (no Dagster, pandera, Great Expectations or reports): it reads every table drop, applies the "
        "contract's row rules (the vocabulary and the instrument registry are imported, the pandera models and the "
        "staging code are not), scores the instruments, pairs the waves, runs each Theory of Change's tests with Holm "
        "across the primary hypotheses, counts dates outside the year and respondents missing from the register, and "
        "writes a DuckDB file. It leaves out stories, pseudonymisation, redaction, identifier detection, messages, the "
        "other quality rules, reliability, indicators, SROI and verdicts.")
    comparison = results.get("baseline_comparison")
    if comparison:
        add("")
        add("Rows staged per table on the sample year:")
        add("")
        add(_row(["table", "pipeline", "baseline"]))
        add(_row(["---", "---:", "---:"]))
        for table, (pipeline, baseline) in sorted(comparison.items()):
            add(_row([table, pipeline, baseline]))
    add("")
    return "\n".join(out)
