"""``make bench``: time the pipeline and the bare baseline, and write BENCHMARKS.md.

Every measurement runs in a subprocess with fresh temporary folders for the warehouse, the reports and
DAGSTER_HOME; each is repeated (``--runs``, default 3) and reported as median, min and max, with the peak of
the summed RSS over the subprocess's process tree, sampled every 0.1 s. The measurements:

- the sample year: a full ``coaching build``; and a coach's rebuild: a full build of a copy of the sample year,
  then per run one new participants drop in one initiative and ``coaching build --initiative ID`` timed;
- the cost of each report, from the Dagster step stats of the full builds;
- the scaled programme (``coaching synth --initiatives N --participants M``) at every ``--sizes`` point:
  ``coaching build --no-reports`` (the data stages), ``coaching build`` and the bare baseline;
- the fan-out (``--fan-out``): a built programme's reports rendered in one step on one process, in one step
  with a process per core, and as a step per core under the multiprocess executor (``benchmarks/fan_out.py``);
- one sample-year build under pyinstrument, for "Where the time goes".

    make bench                                   # the real figures (long: sizes up to 1,000 initiatives)
    make bench BENCH_ARGS="--quick"              # small sizes, one run each: to try the harness
    python -m benchmarks.run --runs 5 --sizes 10x300,100x300 --skip-profile

The one-line summary is printed last. A measurement cut short by ``--max-seconds`` says so in the output and
in the document ("2 of 3" runs), never silently.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import report
from impact.parallel import available_cores

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "raw_data"
PYTHON = sys.executable
BENCH_KEY = "benchmark-key-not-secret"
DEFAULT_SIZES = "10x300,100x300,1000x300,100x100,100x1000"
QUICK_SIZES = "2x30,4x30,2x60"
DROP_INITIATIVE = "sociale-supermarkt"
VERSIONS = ("dagster", "duckdb", "pandas", "weasyprint", "great-expectations", "pandera", "scipy", "pyinstrument")

try:  # psutil is not a dependency of the pinned Dagster; without it the tree is read from /proc (Linux)
    import psutil
except ImportError:  # pragma: no cover - depends on the venv
    psutil = None


# ---------------------------------------------------------------------------------------------- measuring


def _proc_children(pid: int) -> list[int]:
    kids = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                kids += [int(c) for c in fh.read().split()]
    except OSError:
        pass
    return kids


def _proc_rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss(pid: int) -> int:
    """The summed RSS of the process and all its descendants, in bytes."""
    if psutil is not None:
        try:
            root = psutil.Process(pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return 0
        total = 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += _proc_rss(current)
        todo += _proc_children(current)
    return total


def memory_sampler() -> str:
    return "psutil" if psutil is not None else "read from /proc, psutil not installed"


def measure(cmd: list[str], env: dict[str, str], log: Path) -> dict:
    """Run ``cmd`` to the end: wall seconds, peak summed RSS of its process tree, exit code."""
    with open(log, "ab") as out:
        out.write(("\n$ " + " ".join(cmd) + "\n").encode())
        out.flush()
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
        peak = 0
        while True:
            peak = max(peak, tree_rss(proc.pid))
            try:
                proc.wait(timeout=0.1)
                break
            except subprocess.TimeoutExpired:
                pass
        seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 3), "peak_bytes": peak, "code": proc.returncode}


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.root = Path(tempfile.mkdtemp(prefix="coaching-bench-", dir=args.workdir))
        self.log = self.root.with_suffix(".log")  # kept: the builds' output, for when one fails
        self.counter = 0

    def say(self, text: str) -> None:
        print(text, flush=True)

    def fresh(self, raw: Path) -> dict[str, str]:
        """Environment with new, empty warehouse, reports and Dagster-home folders."""
        self.counter += 1
        home = self.root / f"run{self.counter:03d}"
        (home / "dagster_home").mkdir(parents=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("COACHING_", "DAGSTER_"))}
        env.update(COACHING_RAW_DATA=str(raw), COACHING_WAREHOUSE=str(home / "warehouse"),
                   COACHING_REPORTS=str(home / "reports"), DAGSTER_HOME=str(home / "dagster_home"),
                   COACHING_PSEUDONYM_KEY=BENCH_KEY, PYTHONWARNINGS="ignore")
        return env

    def build(self, env: dict[str, str], *args: str) -> dict:
        result = measure([PYTHON, "-m", "pipelines.cli", "build", *args], env, self.log)
        if result["code"] not in (0, 1):  # 1: the build ran but something needs a person (a warned check, a ToC)
            raise SystemExit(f"bench: `coaching build {' '.join(args)}` failed with {result['code']}; see {self.log}")
        return result

    def steps(self, env: dict[str, str]) -> dict:
        done = subprocess.run([PYTHON, "-m", "benchmarks.steps"], cwd=REPO, env=env, capture_output=True, text=True)
        return json.loads(done.stdout or "{}")

    def with_steps(self, run: dict, env: dict[str, str]) -> dict:
        stats = self.steps(env)
        steps, groups = stats.get("steps", {}), stats.get("groups", {})
        run["split"] = report.split_steps(steps, groups, stats.get("wall"))
        n = stats.get("partitions") or 0
        if "initiative_reports" in steps and n:
            run["yearly_report_each"] = round(steps["initiative_reports"] / n, 4)
        for key in ("programme_overview", "lessons_learned", "data_quality_report"):
            if key in steps:
                run[key] = round(steps[key], 4)
        run["report_steps_run"] = sorted(k for k in steps if groups.get(k) == "reports")
        return run

    def repeat(self, title: str, once, runs: int | None = None) -> dict:
        """``once(i)`` ``runs`` times, or fewer when ``--max-seconds`` is spent (then said in the note)."""
        asked = runs or self.args.runs
        done, spent = [], 0.0
        for i in range(asked):
            run = once(i)
            done.append(run)
            spent += run["seconds"]
            self.say(f"  {title}: run {i + 1}/{asked}: {report.fmt_seconds(run['seconds'])}, "
                     f"peak {report.fmt_bytes(run.get('peak_bytes'))}")
            if self.args.max_seconds and spent >= self.args.max_seconds and i + 1 < asked:
                break
        m = {"title": title, "runs": done, "runs_requested": asked}
        if len(done) < asked:
            m["note"] = (f"{len(done)} of {asked} runs: stopped after {spent:.0f} s by --max-seconds "
                         f"{self.args.max_seconds:g}; the median is of {len(done)}")
            self.say(f"  NOTE {title}: {m['note']}")
        return m

    # ------------------------------------------------------------------------------------------ measurements

    def sample_full(self) -> dict:
        def once(_):
            env = self.fresh(SAMPLE)
            return self.with_steps(self.build(env), env)
        return self.repeat("sample year, full build", once)

    def drop_rebuild(self) -> dict:
        raw = self.root / "sample_copy"
        shutil.copytree(SAMPLE, raw)
        env = self.fresh(raw)
        self.say("  set-up: full build of a copy of the sample year (not timed)")
        self.build(env)

        def once(i):
            write_drop(raw / DROP_INITIATIVE, i)
            return self.with_steps(self.build(env, "--initiative", DROP_INITIATIVE), env)
        m = self.repeat(f"a new drop in {DROP_INITIATIVE} → `coaching build --initiative {DROP_INITIATIVE}`", once)
        m["report_steps_run"] = m["runs"][-1].get("report_steps_run", [])
        return m

    def scaled(self, n: int, m: int, source: str) -> dict:
        raw = self.root / f"programme_{n}x{m}"
        started = time.perf_counter()
        if source == "synth":
            cmd = [PYTHON, "-m", "pipelines.cli", "synth", "--initiatives", str(n), "--participants", str(m), "--out", str(raw)]
        else:
            cmd = [PYTHON, "-m", "benchmarks.standin", "--initiatives", str(n), "--participants", str(m), "--out", str(raw)]
        made = measure(cmd, {**os.environ, "COACHING_PSEUDONYM_KEY": BENCH_KEY}, self.log)
        if made["code"] != 0:
            raise SystemExit(f"bench: generating {n}×{m} failed ({' '.join(cmd)}); see {self.log}")
        self.say(f"  {n}×{m}: data generated in {time.perf_counter() - started:.1f} s")
        point = {"n": n, "m": m, "generated_seconds": round(time.perf_counter() - started, 1)}

        def data(_):
            env = self.fresh(raw)
            return self.build(env, "--no-reports")

        def full(_):
            env = self.fresh(raw)
            return self.with_steps(self.build(env), env)

        def baseline(_):
            env = self.fresh(raw)
            out = Path(env["COACHING_WAREHOUSE"]) / "baseline.duckdb"
            result = measure([PYTHON, "-m", "benchmarks.baseline", "--raw-data", str(raw), "--out", str(out)], env, self.log)
            if result["code"] != 0:
                raise SystemExit(f"bench: the baseline failed on {n}×{m}; see {self.log}")
            return result

        point["data"] = self.repeat(f"{n}×{m} data stages", data)
        if not self.args.skip_full:
            point["full"] = self.repeat(f"{n}×{m} full build", full)
        point["baseline"] = self.repeat(f"{n}×{m} bare baseline", baseline)
        shutil.rmtree(raw, ignore_errors=True)
        return point

    def fan_out(self, label: str) -> dict:
        """The reports of a built programme rendered three ways, each run into a new reports folder: one step on
        one process, one step with a process pool, and ``cores`` steps under the multiprocess executor."""
        n = m = None
        if label == "sample":
            raw = SAMPLE
        else:
            n, m = parse_sizes(label)[0]
            raw = self.root / f"fan_out_{n}x{m}"
            made = measure([PYTHON, "-m", "pipelines.cli", "synth", "--initiatives", str(n), "--participants", str(m),
                            "--out", str(raw)], {**os.environ, "COACHING_PSEUDONYM_KEY": BENCH_KEY}, self.log)
            if made["code"] != 0:
                raise SystemExit(f"bench: generating {label} failed; see {self.log}")
        env = self.fresh(raw)
        self.say(f"  set-up: full build of {label} (not timed)")
        self.build(env)
        cores = max(2, available_cores())
        modes = []
        for executor, steps, workers in (("in_process", 1, 1), ("in_process", 1, cores), ("multiprocess", cores, 1)):
            def once(i, executor=executor, steps=steps, workers=workers):
                out = self.root / f"fan_out_{executor}_{steps}_{workers}_{i}.json"
                run_env = {**env, "COACHING_REPORTS": str(self.root / f"fan_out_reports_{self.counter}_{out.stem}")}
                cmd = [PYTHON, "-m", "benchmarks.fan_out", "--executor", executor, "--steps", str(steps),
                       "--workers", str(workers), "--json", str(out)]
                result = measure(cmd, run_env, self.log)
                if result["code"] != 0:
                    raise SystemExit(f"bench: {' '.join(cmd)} failed; see {self.log}")
                return {**result, **json.loads(out.read_text(encoding="utf-8"))}
            m = self.repeat(f"{label}: {executor}, {steps} step(s) × {workers} process(es)", once)
            modes.append({**m, "executor": executor, "steps": steps, "workers": workers})
        return {"label": label, "n": n, "m": m, "cores": cores, "modes": modes}

    def profile(self) -> dict:
        env = self.fresh(SAMPLE)
        done = subprocess.run([PYTHON, "-m", "benchmarks.profile_build", str(self.args.profile_threshold)], cwd=REPO,
                              env=env, capture_output=True, text=True)
        if done.returncode != 0:
            self.say(f"  profile failed: {done.stderr[-500:]}")
            return {}
        return json.loads(done.stdout.strip().splitlines()[-1])

    def baseline_comparison(self) -> dict:
        """Rows staged per table on the sample year: the pipeline's warehouse vs the baseline's file."""
        env = self.fresh(SAMPLE)
        self.build(env, "--no-reports")
        out = Path(env["COACHING_WAREHOUSE"]) / "baseline.duckdb"
        measure([PYTHON, "-m", "benchmarks.baseline", "--raw-data", str(SAMPLE), "--out", str(out)], env, self.log)
        code = ("import duckdb, json, sys\n"
                "def counts(path):\n"
                "    con = duckdb.connect(path, read_only=True)\n"
                "    names = [r[0] for r in con.sql(\"SELECT table_name FROM duckdb_tables() WHERE schema_name = 'staging' "
                "AND table_name IN ('participants', 'activities', 'survey_responses', 'coaching_sessions', 'stories')\").fetchall()]\n"
                "    return {t: con.sql(f'SELECT count(*) FROM staging.{t}').fetchall()[0][0] for t in names}\n"
                "print(json.dumps([counts(sys.argv[1]), counts(sys.argv[2])]))\n")
        done = subprocess.run([PYTHON, "-c", code, str(Path(env["COACHING_WAREHOUSE"]) / "coaching.duckdb"), str(out)],
                              cwd=REPO, capture_output=True, text=True)
        pipeline, baseline = json.loads(done.stdout)
        return {t: [pipeline.get(t, "–"), baseline.get(t, "not read")] for t in sorted(set(pipeline) | set(baseline))}


def write_drop(folder: Path, i: int) -> Path:
    """A new participants drop of five registrations (what a coach adds in a week)."""
    path = folder / f"participants_bench-{i + 1:02d}.csv"
    lines = ["participant_id,enrolled_on,wijk,age_band,gender"]
    lines += [f"BENCH-{i + 1:02d}{j},2018-11-{10 + j:02d},Oost,30-44,{'vm'[j % 2]}" for j in range(5)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------- the machine


def machine() -> dict:
    cpu = platform.processor() or "–"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    ram = "–"
    try:
        kib = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")))
        ram = f"{kib / 2 ** 20:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return {"cpu": cpu, "cores": str(os.cpu_count()), "ram": ram, "os": platform.platform(),
            "python": platform.python_version()}


def versions() -> dict:
    out = {}
    for name in VERSIONS:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "–"
    return head + (" (with uncommitted changes)" if dirty else "")


def synth_available() -> bool:
    done = subprocess.run([PYTHON, "-m", "pipelines.cli", "synth", "--help"], cwd=REPO, capture_output=True, text=True)
    return done.returncode == 0


def parse_sizes(text: str) -> list[tuple[int, int]]:
    sizes = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        n, _, m = part.lower().partition("x")
        sizes.append((int(n), int(m)))
    return sizes


def fixed_axes(sizes: list[tuple[int, int]]) -> tuple[int, int]:
    """(fixed N, fixed M): the M most points share (the N series) and the N most points share (the M series)."""
    ms = [m for _, m in sizes]
    ns = [n for n, _ in sizes]
    fixed_m = max(set(ms), key=lambda m: (ms.count(m), m))
    fixed_n = max(set(ns), key=lambda n: (ns.count(n), -n))
    return fixed_n, fixed_m


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"small sizes ({QUICK_SIZES}), one run each: to try it")
    parser.add_argument("--runs", type=int, help="runs per measurement (default 3; 1 with --quick)")
    parser.add_argument("--sizes", help=f"scaled points NxM, comma-separated; '' for none (default {DEFAULT_SIZES})")
    parser.add_argument("--data", choices=["synth", "copies"], help="scaled data from `coaching synth` (default) or "
                        "the sample year copied (a stand-in; --quick falls back to it when synth is missing)")
    parser.add_argument("--max-seconds", type=float, help="stop repeating a measurement once its runs took this long "
                        "(said in the output and the document); default: no limit")
    parser.add_argument("--skip-full", action="store_true", help="scaled points: data stages and baseline only")
    parser.add_argument("--skip-sample", action="store_true", help="leave out the sample-year measurements")
    parser.add_argument("--skip-profile", action="store_true", help="leave out the pyinstrument profile")
    parser.add_argument("--fan-out", default="sample", help="programmes whose reports are rendered in one step, with a "
                        "process pool, and as steps under the multiprocess executor: 'sample' and/or NxM, "
                        "comma-separated; '' for none (default: sample)")
    parser.add_argument("--profile-threshold", type=float, default=2.0, help="percent of time a function needs (default 2)")
    parser.add_argument("--out", type=Path, help="the document (default BENCHMARKS.md; BENCHMARKS.quick.md with --quick)")
    parser.add_argument("--json", type=Path, help="also write the raw results as JSON here")
    parser.add_argument("--workdir", help="where the temporary folders go (default: the system's temp folder)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders")
    args = parser.parse_args(argv)
    args.runs = args.runs or (1 if args.quick else 3)
    sizes = parse_sizes(args.sizes if args.sizes is not None else (QUICK_SIZES if args.quick else DEFAULT_SIZES))
    out = args.out or REPO / ("BENCHMARKS.quick.md" if args.quick else "BENCHMARKS.md")
    source = args.data or "synth"
    if source == "synth" and sizes and not synth_available():
        if args.quick and args.data is None:
            print("bench: `coaching synth` is not available: the scaled points use the sample year copied (stand-in)")
            source = "copies"
        else:
            print("bench: `coaching synth` is not available; use --data copies for a stand-in (not the real figures)",
                  file=sys.stderr)
            return 2
    fixed_n, fixed_m = fixed_axes(sizes) if sizes else (None, None)
    bench = Bench(args)
    started = time.perf_counter()
    arg_text = " ".join(argv if argv is not None else sys.argv[1:])
    results = {
        "measured_on": dt.date.today().isoformat(), "commit": commit(), "machine": machine(), "versions": versions(),
        "quick": args.quick, "runs_requested": args.runs, "data_source": source, "memory_sampler": memory_sampler(),
        "fixed_n": fixed_n, "fixed_m": fixed_m,
        "commands": [f"make bench{' BENCH_ARGS=' + repr(arg_text) if arg_text else ''}",
                     f"# = {Path(PYTHON).name} -m benchmarks.run {arg_text}".rstrip(),
                     "# each measurement: COACHING_RAW_DATA=… COACHING_WAREHOUSE=<tmp> COACHING_REPORTS=<tmp> DAGSTER_HOME=<tmp>",
                     "coaching build                      # sample year, full",
                     f"coaching build --initiative {DROP_INITIATIVE}   # after a new participants drop",
                     "coaching synth --initiatives N --participants M --out DIR"
                     if source == "synth" else "python -m benchmarks.standin --initiatives N --out DIR   # stand-in",
                     "coaching build --no-reports          # data stages", "coaching build                      # full",
                     "python -m benchmarks.baseline --raw-data DIR --out <tmp>/baseline.duckdb",
                     "python -m benchmarks.fan_out --executor in_process|multiprocess --steps K --workers W   # fan-out",
                     "python -m benchmarks.profile_build   # the sample year under pyinstrument"],
    }
    try:
        if not args.skip_sample:
            bench.say("bench: sample year, full build")
            results["sample_full"] = bench.sample_full()
            results["sample_split"] = {part: [r["split"].get(part) for r in results["sample_full"]["runs"] if "split" in r]
                                       for part in report.SPLIT_ORDER}
            bench.say("bench: a coach's drop")
            results["drop_rebuild"] = bench.drop_rebuild()
            bench.say("bench: rows staged, pipeline vs baseline (sample year)")
            results["baseline_comparison"] = bench.baseline_comparison()
        results["scaled"] = []
        for n, m in sizes:
            bench.say(f"bench: scaled programme {n}×{m}")
            results["scaled"].append(bench.scaled(n, m, source))
        results["fan_out"] = []
        for label in filter(None, (part.strip() for part in args.fan_out.split(","))):
            bench.say(f"bench: the reports fanned out ({label})")
            results["fan_out"].append(bench.fan_out(label))
        if not args.skip_profile:
            bench.say("bench: profile of a sample-year build")
            prof = bench.profile()
            results["profile"] = prof.get("rows", [])
            results["profile_seconds"] = prof.get("seconds")
            results["profile_threshold"] = args.profile_threshold
    finally:
        if not args.keep:
            shutil.rmtree(bench.root, ignore_errors=True)
    out.write_text(report.markdown(results), encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, sort_keys=True), encoding="utf-8")
    print(f"bench: wrote {out} in {time.perf_counter() - started:.0f} s")
    print(report.summary_line(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
