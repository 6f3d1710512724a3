"""``coaching``: the pipeline for people who do not use the Dagster UI.

    coaching build [--initiative ID ...]   build the selected initiatives (default: all) and everything downstream
    coaching deliver                        package the built reports into the dated ZIP for the municipality
    coaching check FILE [FILE ...]          check drops against the contract before adding them to raw_data/
    coaching kit INITIATIVE [--out DIR]     write the initiative's data-collection kit (workbooks, questionnaires)
    coaching partitions                     register every initiative folder as a partition (used by `make dev`)
    coaching wizard [--language en]         write a new initiative's Theory of Change in a dialogue (docs/impact-wizard.md)
    coaching synth --initiatives N --participants M --out DIR   write a synthetic programme of any size (benchmarks)

Locations come from COACHING_RAW_DATA, COACHING_WAREHOUSE and COACHING_REPORTS
(default raw_data/, warehouse/, reports/ in the current folder). Runs are
recorded in the Dagster instance at DAGSTER_HOME (default .dagster_home/ in the
current folder), the one `make dev` opens.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import socket
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

LOCAL_INSTANCE = ".dagster_home"
LOCAL_INSTANCE_HEADER = "# The local Dagster instance of this checkout (created by `coaching`)."
LOCAL_INSTANCE_YAML = f"""\
{LOCAL_INSTANCE_HEADER}
# Runs, materialisations and check results of `make run` and `make dev` live here.
telemetry:
  enabled: false
# DuckDB allows one writing process per file: every step that opens the warehouse is in the pool
# duckdb_warehouse, and its limit of 1 makes steps of concurrent runs take turns (docs/operations.md).
concurrency:
  pools:
    default_limit: 1
# Frees the pool slots of runs that ended without releasing them (a killed process).
run_monitoring:
  enabled: true
  free_slots_after_run_end_seconds: 10
"""


def _ensure_instance_home() -> Path:
    home = os.environ.get("DAGSTER_HOME")
    path = Path(home) if home else Path.cwd() / LOCAL_INSTANCE
    path.mkdir(parents=True, exist_ok=True)
    config = path / "dagster.yaml"
    # written by us and not yet with the warehouse pool: bring it up to date; anything else is the user's own
    if not config.exists() or (config.read_text().startswith(LOCAL_INSTANCE_HEADER) and "concurrency:" not in config.read_text()):
        config.write_text(LOCAL_INSTANCE_YAML)
    os.environ["DAGSTER_HOME"] = str(path.resolve())
    return path.resolve()


def _process_start(pid: int) -> str:
    """The process's start time since boot (Linux ``/proc``), with the boot id: a pid that was reused
    after the build died, or after a reboot, does not match. Empty where ``/proc`` is not available."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""
    return f"{boot}:{fields[19]}"  # field 22 of stat: start time in clock ticks


def cli_run_tags() -> dict[str, str]:
    """Who runs a CLI build: the process that is its run worker (``coaching build`` runs in-process)."""
    return {"coaching/host": socket.gethostname(), "coaching/pid": str(os.getpid()),
            "coaching/process_start": _process_start(os.getpid())}


def _alive(pid: int, started: str) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return not started or _process_start(pid) == started


def release_dead_cli_runs(instance) -> list[str]:
    """Runs of ``coaching build`` on this machine whose process is gone (killed) but that still count as
    running: mark them failed and free the pool slots they held, as the daemon's run monitoring does for
    runs it launched. Returns their run ids."""
    from dagster import DagsterRunStatus, RunsFilter

    released = []
    runs = instance.get_runs(filters=RunsFilter(statuses=[DagsterRunStatus.STARTED, DagsterRunStatus.STARTING],
                                                tags={"coaching/trigger": "cli", "coaching/host": socket.gethostname()}))
    for run in runs:
        pid = run.tags.get("coaching/pid", "")
        if pid.isdigit() and not _alive(int(pid), run.tags.get("coaching/process_start", "")):
            instance.report_run_failed(run, "the coaching build process running it is gone (killed)")
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
            released.append(run.run_id)
    return released


def cmd_build(args: argparse.Namespace) -> int:
    from impact.errors import ConfigError
    from impact.locations import Locations
    from impact.programme import load_programme

    from impact.language import Translator

    locations = Locations.from_env()
    home = _ensure_instance_home()
    tr = Translator(_language(args, locations.raw_data))
    print(tr.t("cli.build.raw_data", path=locations.raw_data))
    print(tr.t("cli.build.warehouse", path=locations.warehouse))
    print(tr.t("cli.build.reports", path=locations.reports))
    print(tr.t("cli.build.dagster", path=home))
    try:
        load_programme(locations.raw_data, language=tr.language)
    except ConfigError as exc:
        print("\n" + tr.t("cli.build.cannot_build", error=exc), file=sys.stderr)
        return 1

    from dagster import DagsterInstance

    from pipelines import progress
    from pipelines.definitions import defs
    from pipelines.partitions import contiguous_ranges, initiative_partitions, partition_range_tags, sync_initiative_partitions

    # Two builds may start at once on a new instance: one of them creates the instance's tables and
    # registers the partitions while the other waits (the runs themselves take turns through the pool).
    with open(home / ".coaching-setup.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        instance = DagsterInstance.get()
        for run_id in release_dead_cli_runs(instance):
            print(tr.t("cli.build.killed_run", run=run_id))
        added, removed = sync_initiative_partitions(instance, locations)
    for key in added:
        print(tr.t("cli.build.new_initiative", initiative=key))
    for key in removed:
        print(tr.t("cli.build.initiative_gone", initiative=key))
    ordered = list(instance.get_dynamic_partitions(initiative_partitions.name))
    if not ordered:
        _print_refused_folders(locations.raw_data, tr)
        print("\n" + tr.t("cli.build.no_initiatives", folder=locations.raw_data), file=sys.stderr)
        return 1
    selected = args.initiative or ordered
    unknown = sorted(set(selected) - set(ordered))
    if unknown:
        print("\n" + tr.t("cli.build.unknown_initiatives", unknown=", ".join(unknown), known=", ".join(ordered)), file=sys.stderr)
        return 2

    job = defs.resolve_job_def("data_stages" if args.no_reports else "coaching_year")
    ok = True
    evaluations = []
    refusal = None
    for start, end in contiguous_ranges(ordered, selected):
        label = start if start == end else f"{start} … {end}"
        print("\n" + tr.t("cli.build.building", label=label), flush=True)
        progress.CURRENT.append(progress.BuildProgress(_stages(defs, job), tr))
        try:
            result = job.execute_in_process(
                instance=instance,
                tags={**partition_range_tags(start, end), "coaching/trigger": "cli", **cli_run_tags()},
                raise_on_error=False,
                # Dagster's step-by-step log stays in the instance (see `make dev`); the progress display and the
                # summary below say what matters.
                run_config={
                    "loggers": {"console": {"config": {"log_level": "CRITICAL"}}, "build_progress": {}},
                    **({"resources": {"report_settings": {"config": {"language": args.language}}}} if args.language else {}),
                },
            )
        finally:
            progress.CURRENT.pop().close()
        ok &= result.success
        refusal = _delivery_refusal(result) or refusal
        for event in result.all_events:
            if event.is_step_failure:
                error = event.event_specific_data.error
                while error is not None and error.cause is not None:  # the root cause says what went wrong
                    error = error.cause
                print("  " + tr.t("cli.build.step_failed", step=event.step_key,
                                  error=error.message.strip() if error else tr.t("cli.build.unknown_error")))
        evaluations += result.get_asset_check_evaluations()
        print(tr.t("cli.build.run_succeeded" if result.success else "cli.build.run_failed", run=result.run_id))
    if not ok:
        print("\n" + tr.t("cli.build.failed"), file=sys.stderr)
    config_problems = _print_summary(locations, selected, tr)
    _print_checks(defs, evaluations, locations, tr)
    _print_verdicts(locations, selected, tr)
    _print_where(locations, tr)
    if config_problems:
        print("\n" + tr.t("cli.build.toc_problems", n=config_problems), file=sys.stderr)
    if refusal:
        print("\n" + refusal, file=sys.stderr)
    return 0 if ok and not config_problems else 1


def _stages(defs, job) -> dict[str, str]:
    """Each step of ``job`` and its stage: the asset's group, or ``checks`` for an asset check. A graph-backed
    asset's steps are ``<asset>.<op>`` (``initiative_reports.render_yearly_report_batch``; a dynamic step adds
    ``[batch_…]``, which the display leaves off)."""
    from dagster import GraphDefinition

    graph = defs.resolve_asset_graph()
    groups = {key.to_python_identifier(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    stages = {}
    for node in job.nodes_in_topological_order:
        stage = groups.get(node.name, "checks")
        if isinstance(node.definition, GraphDefinition):
            stages.update({f"{node.name}.{op.name}": stage for op in node.definition.node_defs})
        else:
            stages[node.name] = stage
    return stages


def _print_summary(locations, selected: Sequence[str], tr) -> int:
    """Print what the warehouse holds for the selection; return the number of problems in a Theory of Change or
    an initiative folder's name."""
    from impact import warehouse

    if not locations.warehouse.exists():
        return 0
    from impact.warehouse import tables

    with_log = [*selected, "all"]  # the coaching log's rows are the programme's ("all")
    with warehouse.connect(locations.warehouse, read_only=True) as con:
        drops = warehouse.read(con, tables.DROPS, where={"initiative_id": with_log})
        errors = warehouse.read(con, tables.CONFIG_ERRORS, where={"initiative_id": list(selected)},
                                columns=["source_file", "problem"])
        refused_folders = warehouse.read(con, tables.INITIATIVE_FOLDERS, columns=["message"], order_by=["folder"])
        refused_folders = refused_folders["message"].dropna().tolist()
        quarantine = warehouse.read(con, tables.QUARANTINE, where={"initiative_id": with_log},
                                    order_by=["source_file"])
        notices = warehouse.read(con, tables.INGEST_NOTICES, columns=["rule", "message"], order_by=["source_file", "column"],
                                 where={"initiative_id": list(selected),
                                        "rule": ["unrecognised_file", "direct_identifier", "unknown_value"]})
    drops = drops.assign(refused_drops=drops["refused"].astype(int)).groupby("initiative_id", as_index=False).agg(
        drops=("source_file", "size"), raw_rows=("raw_rows", "sum"), staged=("staged_rows", "sum"),
        quarantined=("quarantined_rows", "sum"), refused_drops=("refused_drops", "sum"))
    refused = quarantine.loc[quarantine["source_row"].isna(), "message"]
    digest = (drops["initiative_id"] != "all").sum() >= DIGEST_FROM  # initiatives, not the coaching log
    drops["initiative_id"] = drops["initiative_id"].replace({"all": tr.t("cli.build.coaching_log")})
    if digest:
        _print_summary_digest(drops, tr)
    else:
        print("\n" + tr.t("cli.build.summary"))
        print(drops.rename(columns={c: tr.t(f"cli.build.col.{c}") for c in drops.columns}).to_string(index=False))
    # a folder not processed at all first: in a digest, the lines past the first few are cut
    lines = [tr.t("cli.build.folder_refused", text=message) for message in refused_folders]
    lines += [tr.t("cli.build.refused", text=message) for message in refused]
    # a kept row with an unknown wijk is a note, not a loss
    lines += [tr.t("cli.build.note" if rule == "unknown_value" else "cli.build.not_stored", text=message)
              for rule, message in notices.itertuples(index=False)]
    lines += [tr.t("cli.build.toc_not_usable", file=source, problem=problem) for source, problem in errors.itertuples(index=False)]
    shown = lines[:DIGEST_LINES] if digest else lines
    for line in shown:
        print("  " + line)
    if len(lines) > len(shown):
        print("  " + tr.t("cli.build.digest.more", n=len(lines) - len(shown)))
    return len(errors) + len(refused_folders)


#: From this many initiatives on, the build's summary is a digest: totals, counts per verdict and the initiatives
#: with problems, not a row per initiative and hypothesis.
DIGEST_FROM = 25
#: Lines a digest shows of a list (refused drops, notes, initiatives with problems) before "… and N more".
DIGEST_LINES = 10


def _print_summary_digest(drops, tr) -> None:
    """The totals over all initiatives, and the initiatives with rows set aside or drops not used, most first."""
    totals = drops[["drops", "raw_rows", "staged", "quarantined", "refused_drops"]].sum()  # the coaching log's too
    initiatives = int((drops["initiative_id"] != tr.t("cli.build.coaching_log")).sum())
    print("\n" + tr.t("cli.build.digest.summary", initiatives=initiatives, **{k: int(v) for k, v in totals.items()}))
    problems = drops[(drops["quarantined"] > 0) | (drops["refused_drops"] > 0)].sort_values(
        ["refused_drops", "quarantined", "initiative_id"], ascending=[False, False, True])
    if len(problems):
        print(tr.t("cli.build.digest.problems", n=len(problems)))
        for row in problems.head(DIGEST_LINES).itertuples(index=False):
            print("  " + tr.t("cli.build.digest.problem", initiative=row.initiative_id, quarantined=int(row.quarantined),
                              refused=int(row.refused_drops)))
        if len(problems) > DIGEST_LINES:
            print("  " + tr.t("cli.build.digest.more", n=len(problems) - DIGEST_LINES))


def verdict_digest(table, tr) -> list[str]:
    """How many hypotheses got each verdict (in words, the most frequent first), and where each one is."""
    counts = sorted(table["verdict"].value_counts().items(), key=lambda item: (-item[1], item[0]))
    return [tr.t("cli.build.digest.verdicts", n=len(table), initiatives=table["initiative_id"].nunique()),
            *(f"  {verdict}: {n}" for verdict, n in counts), tr.t("cli.build.digest.verdicts_where")]


def _print_verdicts(locations, selected: Sequence[str], tr) -> None:
    """The hypotheses of the selected initiatives: test, pairs, change, adjusted p and verdict."""
    from impact import warehouse

    if not locations.warehouse.exists():
        return
    from impact.warehouse import tables

    with warehouse.connect(locations.warehouse, read_only=True) as con:
        table = warehouse.read(
            con, tables.HYPOTHESIS_RESULTS, where={"initiative_id": list(selected)},
            columns=["initiative_id", "hypothesis_id", "outcome_id", "test", "n_pairs", "estimate", "estimate_kind",
                     "p_adjusted", "verdict"], order_by=["initiative_id", "hypothesis_id"],
        ).round({"estimate": 2, "p_adjusted": 4})
        table["estimate_kind"] = table["estimate_kind"].map(lambda k: tr.t(f"cli.build.estimate.{k}") if isinstance(k, str) else "–")
        table["verdict"] = table["verdict"].map(lambda v: tr.t(f"verdict.{v}") if tr.has(f"verdict.{v}") else v)
        table["test"] = table["test"].map(lambda v: tr.t(f"test.{v}") if tr.has(f"test.{v}") else v)
        for column in ("estimate", "p_adjusted"):
            digits = 2 if column == "estimate" else 4
            table[column] = table[column].map(lambda x, d=digits: tr.num(x, d))
    if len(table) and len(selected) >= DIGEST_FROM:
        print("\n" + "\n".join(verdict_digest(table, tr)))
    elif len(table):
        print("\n" + tr.t("cli.build.hypotheses"))
        print(table.rename(columns={c: tr.t(f"cli.build.col.{c}") for c in table.columns}).to_string(index=False))


def _print_where(locations, tr) -> None:
    print("\n" + tr.t("cli.build.where_warehouse", path=locations.warehouse))
    print(tr.t("cli.build.where_quarantine"))
    print(tr.t("cli.build.where_reports", path=locations.reports))
    for year_folder in sorted(p for p in locations.reports.glob("[0-9][0-9][0-9][0-9]") if p.is_dir()):
        pdfs = sorted(year_folder.glob("*/*.pdf"))
        print("  " + tr.t("cli.build.where_year", year=year_folder.name, n=len(pdfs), start=year_folder / "programme",
                          quality=year_folder / "data_quality" / "index.html", manifest=year_folder / "manifest.json"))
        for bundle in sorted(year_folder.glob("levering/*.zip")):
            print("  " + tr.t("cli.build.where_bundle", bundle=bundle))
    print(tr.t("cli.build.where_ui"))


def _print_checks(defs, evaluations, locations, tr) -> None:
    """Each check once (its last evaluation), with the ones that did not run."""
    from dagster import AssetCheckSeverity

    latest = {(e.asset_key, e.check_name): e for e in evaluations}
    expected = set(defs.resolve_asset_graph().asset_check_keys)
    not_run = sorted(f"{k.asset_key.to_user_string()}:{k.name}" for k in expected if (k.asset_key, k.name) not in latest)
    failed = sorted(f"{a.to_user_string()}:{n}" for (a, n), e in latest.items() if not e.passed and e.severity == AssetCheckSeverity.ERROR)
    warned = sorted(f"{a.to_user_string()}:{n}" for (a, n), e in latest.items() if not e.passed and e.severity == AssetCheckSeverity.WARN)
    passed = len(latest) - len(failed) - len(warned)
    print("\n" + tr.t("cli.build.checks", passed=passed, warned=len(warned), failed=len(failed), not_run=len(not_run)))
    details = _not_met(locations, tr) if failed or warned else {}
    for label, names in (("cli.build.check_failed", failed), ("cli.build.check_warned", warned)):
        for name in names:
            table = name.split(":", 1)[0]
            about = tr.t(f"table.{table}") if tr.has(f"table.{table}") else table
            print("  " + tr.t(label, about=about, check=name))
            for line in details.get(name, [])[:5]:
                print(f"      {line}")
    for name in not_run:
        print("  " + tr.t("cli.build.check_not_run", check=name))
    if failed:
        print("  " + tr.t("cli.build.failed_blocks"))
    if failed or warned:
        print("  " + tr.t("cli.build.all_details"))


def _not_met(locations, tr) -> dict[str, list[str]]:
    """Per check, one line per initiative and expectation not met: what is expected and where it is not."""
    from impact import warehouse

    import pandas as pd

    from impact.warehouse import tables

    with warehouse.connect(locations.warehouse, read_only=True) as con:
        results = warehouse.read(con, tables.QUALITY_RESULTS, where={"outcome": ["warning", "failed"]})
    from impact.reporting.data_quality import found_words

    rows = list(
        (f"{r.table_name}:{r.check_name}", r.initiative_id, r.description,
         found_words(r.check_name, r.element_count, r.unexpected_count, None if pd.isna(r.observed_value) else r.observed_value, tr),
         None if pd.isna(r.failing_rows) else r.failing_rows)
        for r in results.itertuples(index=False))
    rows.sort(key=lambda row: [(v is None, "" if v is None else v) for v in row])  # as ORDER BY ALL: missing last
    out: dict[str, list[str]] = {}
    for name, initiative, description, found, where in rows:
        out.setdefault(name, []).append(f"{initiative}: {description}: {found}" + (f" ({where})" if where else ""))
    return out


def _language(args: argparse.Namespace, raw_data: Path) -> str:
    """``--language``, else programme.yaml's ``language``, else Dutch."""
    from impact.programme import programme_language

    return getattr(args, "language", None) or programme_language(raw_data)


def cmd_check(args: argparse.Namespace) -> int:
    """Stage each file as the pipeline would, beside the drops already in its initiative's folder."""
    from impact.contracts import ContractContext
    from impact.contracts.batches import stage_drops
    from impact.contracts.staging import unread_reason
    from impact.contracts.stories import stage_stories
    from impact.errors import ConfigError
    from impact.ingest.drops import Drop, discover_drops, discover_initiatives, kind_of, sha256_of
    from impact.ingest.inside import SYMBOLIC_LINK, refusal_of
    from impact.language import Translator, render
    from impact.locations import Locations
    from impact.theory_of_change import TOC_FILE, load_theory_of_change

    raw_data = Locations.from_env().raw_data
    language = _language(args, raw_data)
    tr = Translator(language)
    problems_total = 0
    for name in args.files:
        toc = None
        path = Path(name)
        # a file elsewhere (Downloads) may be checked; a link, or a file under raw_data/ the pipeline would refuse
        # (one in a linked initiative folder), is refused unread
        unread = SYMBOLIC_LINK if path.is_symlink() else (
            refusal_of(raw_data, path) if path.absolute().is_relative_to(raw_data) else None)
        if unread:
            print(tr.t("contract.refused", file=name, reason=render(unread_reason(unread), tr)))
            problems_total += 1
            continue
        if not path.is_file():
            print(tr.t("cli.check.no_such_file", file=name))
            problems_total += 1
            continue
        kind = kind_of(path.name)
        if kind is None:
            print(tr.t("cli.check.unknown_kind", file=name))
            problems_total += 1
            continue
        folder = path.resolve().parent
        if kind == "coaching_sessions":
            root = folder if any(folder.glob(f"*/{TOC_FILE}")) else raw_data
            initiative_id, home = "all", root
            known = tuple(discover_initiatives(root))
            context = ContractContext(initiative_ids=known or None, language=language)
            if not known:
                print(tr.t("cli.check.no_initiatives", folder=root))
        else:
            home = raw_data / args.initiative if args.initiative else folder
            initiative_id = home.name
            context = ContractContext(language=language)
            if (home / TOC_FILE).is_file():
                try:
                    toc = load_theory_of_change(home, home.parent, language=language)
                    context = ContractContext.from_theory_of_change(toc, language=language)
                except ConfigError as exc:
                    print(tr.t("cli.check.toc_problems", file=exc.source))
                    for problem in exc.problems:
                        print(f"  - {problem}")
                    print(tr.t("cli.check.toc_default", file=name))
                    problems_total += len(exc.problems)
            else:
                print(tr.t("cli.check.no_toc", folder=home, toc=TOC_FILE, file=name))
        source_file = path.name if kind == "coaching_sessions" else f"{initiative_id}/{path.name}"
        drop = Drop(initiative_id, kind, path, source_file, sha256_of(path))
        # the drops already in the initiative's folder, so repeats and conflicts across drops show too;
        # a folder without a Theory of Change (say, Downloads) holds no drops of the initiative; a sibling that is a
        # link is refused unread, as the pipeline would (and is never the checked file itself)
        is_initiative = (home / TOC_FILE).is_file() or kind == "coaching_sessions"
        siblings = [d for d in discover_drops(home.parent if kind != "coaching_sessions" else home, initiative_id, kind)
                    if d.refusal or d.path.resolve() != path.resolve()] if home.is_dir() and is_initiative else []
        if kind == "stories":  # read by their own contract, against the outcomes of the Theory of Change
            outcomes = {o.id: o.label for o in toc.outcomes} if toc is not None else {}
            batch = stage_stories({initiative_id: [*siblings, drop]}, {initiative_id: outcomes}, language)
            problems_total += _print_check(name, source_file, batch, tr, args.all, unit="stories")
            _print_story_groups(batch.staged[batch.staged["source_file"] == source_file], raw_data, tr)
            continue
        else:
            batch = stage_drops(kind, {initiative_id: [*siblings, drop]}, {initiative_id: context}, b"check")
        problems_total += _print_check(name, source_file, batch, tr, args.all)
    return 0 if problems_total == 0 else 1


MAX_PROBLEMS_SHOWN = 100


def _print_story_groups(stories, raw_data: Path, tr) -> None:
    """A note per story that names a small group of people: it is staged, but the yearly report leaves it out."""
    from impact.errors import ConfigError
    from impact.programme import load_programme
    from impact.quality.rules import story_text_findings

    try:
        threshold = load_programme(raw_data).disclosure_threshold
    except ConfigError:
        threshold = 10
    found = story_text_findings(stories)
    named = found[(found["smallest_count"] < threshold) | found["shares"].notna()]
    for r in named.itertuples():
        phrases = "; ".join(p for p in (r.counts, r.shares) if isinstance(p, str))
        print(tr.t("cli.check.story_small_group", story=r.source_row, column=r.field, threshold=threshold, phrases=phrases))


def _print_check(name: str, source_file: str, batch, tr, show_all: bool = False, unit: str = "rows") -> int:
    """Print what would happen to one file, one line per cause; return the number of rows (or stories) with a problem."""
    from impact.contracts.problems import group_problems

    summary = batch.drops[batch.drops["source_file"] == source_file].iloc[0]
    mine = batch.quarantine[batch.quarantine["source_file"] == source_file]
    notices = batch.notices[batch.notices["source_file"] == source_file]
    if summary["refused"]:
        refused = mine[mine["source_row"].isna()].iloc[0]
        print(f"{name}: " + refused["message"].removeprefix(f"{source_file}: "))
        return 1
    # a column the coach meant to deliver but that is not stored is a problem to fix, not a remark
    fix = notices["rule"].isin(["direct_identifier", "unknown_item"]) | (
        (notices["rule"] == "unknown_column") & (notices["table_name"] == "survey_responses")
    )
    quarantined = int(summary["quarantined_rows"])
    bad = quarantined + int(fix.sum())
    unit_key = "stories" if unit == "stories" else "rows"
    raw, columns = int(summary["raw_rows"]), int(fix.sum())
    counts = {"raw": raw, "fine": summary["staged_rows"], "set_aside": quarantined, "columns": columns,
              "count": tr.t(f"cli.check.{unit_key}_{'one' if raw == 1 else 'many'}", n=raw),
              "columns_words": tr.t(f"cli.check.columns_{'one' if columns == 1 else 'many'}", n=columns)}
    verdict = tr.t(f"cli.check.fine_{unit_key}", **counts) if bad == 0 else (
        tr.t(f"cli.check.set_aside_{unit_key}", **counts) + (tr.t("cli.check.not_stored", **counts) if fix.any() else ""))
    print(f"{name}: {verdict}")
    groups = group_problems(mine, tr)
    problems = [f"  - {g.line(tr)}" for g in groups]
    problems += [f"  - {m.removeprefix(source_file + ': ')}" for m in notices.loc[fix, "message"]]
    for line in problems if show_all else problems[:MAX_PROBLEMS_SHOWN]:
        print(line)
    if not show_all and len(problems) > MAX_PROBLEMS_SHOWN:
        print(tr.t("cli.check.more", n=len(problems) - MAX_PROBLEMS_SHOWN))
    for message in notices.loc[~fix, "message"]:
        print("  " + tr.t("cli.check.note", text=message.removeprefix(source_file + ": ")))
    return bad


def cmd_kit(args: argparse.Namespace) -> int:
    """Write an initiative's data-collection kit (impact/kit) into --out (default kit/<initiative>/)."""
    from impact.errors import ConfigError
    from impact.kit import build_kit, write_kit
    from impact.locations import Locations
    from impact.programme import load_programme
    from impact.theory_of_change import load_theory_of_change

    from impact.language import Translator

    raw_data = Locations.from_env().raw_data
    language = _language(args, raw_data)
    tr = Translator(language)
    out = Path(args.out) if args.out else Path("kit") / args.initiative
    if out.resolve().is_relative_to(raw_data.resolve()):
        print(tr.t("cli.kit.not_into_raw_data", out=out, raw_data=raw_data), file=sys.stderr)
        return 1
    try:
        programme = load_programme(raw_data, language=language)
        toc = load_theory_of_change(raw_data / args.initiative, raw_data, language=language)
    except ConfigError as exc:
        print(tr.t("cli.kit.cannot_make", error=exc), file=sys.stderr)
        return 1
    for path in write_kit(build_kit(toc, programme, language), out):
        print(path)
    return 0


def cmd_deliver(args: argparse.Namespace) -> int:
    """Package the reports as they are into the dated ZIP for the municipality and list it in the manifest."""
    import json

    from impact.locations import Locations

    locations = Locations.from_env()
    home = _ensure_instance_home()
    if not any(locations.reports.glob("*/programme/*.pdf")):
        print(f"No reports in {locations.reports} yet: run `coaching build` first.", file=sys.stderr)
        return 1
    from dagster import DagsterInstance

    from pipelines.definitions import defs

    with open(home / ".coaching-setup.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        instance = DagsterInstance.get()
    result = defs.resolve_job_def("delivery").execute_in_process(
        instance=instance, tags={"coaching/trigger": "cli", **cli_run_tags()}, raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}},
                    **({"resources": {"report_settings": {"config": {"deliver_incomplete": True}}}}
                       if args.incomplete else {})})
    if not result.success:
        for event in result.all_events:
            if event.is_step_failure:
                print(f"step {event.step_key} failed: {event.event_specific_data.error.message.strip()}", file=sys.stderr)
        return 1
    refusal = _delivery_refusal(result)
    if refusal:
        print(refusal, file=sys.stderr)
        return 1
    for manifest_path in sorted(locations.reports.glob("*/manifest.json")):
        delivery = json.loads(manifest_path.read_text(encoding="utf-8")).get("delivery")
        if delivery:
            print(f"{manifest_path.parent / delivery['path']}")
            print(f"  {len(delivery['checksums'])} files, SHA-256 {delivery['sha256']} (also in {manifest_path})")
    return 0


def _delivery_refusal(result) -> str | None:
    """Why the run's ``delivery_bundle`` did not deliver (an incomplete programme), or None when it did."""
    from dagster import AssetKey

    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        if materialization.asset_key == AssetKey("delivery_bundle") and "refused" in materialization.metadata:
            return materialization.metadata["refused"].value
    return None


def cmd_partitions(args: argparse.Namespace) -> int:
    from dagster import DagsterInstance

    from impact.locations import Locations
    from pipelines.partitions import sync_initiative_partitions

    from impact.language import Translator

    _ensure_instance_home()
    locations = Locations.from_env()
    added, removed = sync_initiative_partitions(DagsterInstance.get(), locations)
    print(f"partitions: {len(added)} added, {len(removed)} removed")
    _print_refused_folders(locations.raw_data, Translator(_language(args, locations.raw_data)))
    return 0


def _print_refused_folders(raw_data: Path, tr) -> None:
    """Each folder with a Theory of Change that is refused as an initiative (so has no partition), and why."""
    from impact.ingest.folders import initiative_folders

    for folder in initiative_folders(raw_data):
        if not folder.accepted:
            print(tr.t("cli.build.folder_refused", text=folder.message(tr.language)), file=sys.stderr)


def cmd_wizard(args: argparse.Namespace) -> int:
    from impact.locations import Locations
    from impact.wizard import run_wizard

    return run_wizard(input, print, Locations.from_env().raw_data, args.language, args.out, args.force)


def cmd_synth(args: argparse.Namespace) -> int:
    """Write a synthetic programme of N initiatives × M participants into --out (impact/sample_data/scale.py)."""
    import time

    from impact.language import Translator
    from impact.locations import Locations
    from impact.sample_data import scale

    tr = Translator(_language(args, Locations.from_env().raw_data))
    for option, value, least in (("initiatives", args.initiatives, 1), ("participants", args.participants, scale.MIN_PARTICIPANTS),
                                 ("seed", args.seed, 0), ("workers", args.workers, 1)):
        if value is not None and value < least:
            print(tr.t("cli.synth.at_least", option=option, n=least), file=sys.stderr)
            return 2
    workers = args.workers or scale.default_workers()
    try:
        scale.earlier_entries(args.out)  # refuse before saying anything is written
        print(tr.t("cli.synth.writing", initiatives=args.initiatives, participants=args.participants, seed=args.seed,
                   workers=workers, out=args.out))
        started = time.perf_counter()
        summary = scale.synth(args.out, args.initiatives, args.participants, args.seed, workers)
    except scale.NotSynthOutput as exc:
        print(tr.t("cli.synth.not_synth_output", out=exc.out, entry=exc.entry) if exc.entry
              else tr.t("cli.synth.no_marker", out=exc.out, marker=scale.MARKER), file=sys.stderr)
        return 1
    print(tr.t("cli.synth.written", files=summary["files"], rows=summary["rows"], planted=summary["planted"],
               seconds=tr.num(time.perf_counter() - started, 1), readme=args.out / "README.md"))
    if summary["not_planted"]:
        print(tr.t("cli.synth.not_planted", n=summary["not_planted"], marker=args.out / scale.MARKER))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    warnings.filterwarnings("ignore", module="dagster")
    parser = argparse.ArgumentParser(prog="coaching", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build the selected initiatives (default: all) and everything downstream")
    build.add_argument("--initiative", action="append", metavar="ID", help="an initiative's folder name; repeat for more")
    build.add_argument("--language", choices=["nl", "en"],
                       help="the reports' language (default: programme.yaml's language, which defaults to nl)")
    build.add_argument("--no-reports", action="store_true",
                       help="build the data only (staged tables, checks, scores, indicators, tests), render no report")
    build.set_defaults(func=cmd_build)
    check = sub.add_parser("check", help="check drops against the contract before adding them")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--initiative", metavar="ID", help="the initiative the file is meant for (default: the folder it is in)")
    check.add_argument("--all", action="store_true", help=f"list every problem (default: the first {MAX_PROBLEMS_SHOWN})")
    check.add_argument("--language", choices=["nl", "en"], help="the language of the messages (default: programme.yaml's, nl)")
    check.set_defaults(func=cmd_check)
    kit = sub.add_parser("kit", help="write an initiative's data-collection kit: workbooks, questionnaires, instruction")
    kit.add_argument("initiative", metavar="INITIATIVE", help="the initiative's folder name in the raw data")
    kit.add_argument("--out", metavar="DIR", help="where to write it (default: kit/INITIATIVE in the current folder)")
    kit.add_argument("--language", choices=["nl", "en"], help="the kit's language (default: programme.yaml's, nl)")
    kit.set_defaults(func=cmd_kit)
    deliver = sub.add_parser("deliver", help="package the built reports into the dated ZIP for the municipality")
    deliver.add_argument("--incomplete", action="store_true",
                         help="deliver even when an expected initiative is left out; the overview's and the lessons' "
                              "title pages then say the delivery was asked for as incomplete")
    deliver.set_defaults(func=cmd_deliver)
    parts = sub.add_parser("partitions", help="register initiative folders as partitions in the local Dagster instance")
    parts.set_defaults(func=cmd_partitions)
    wizard = sub.add_parser("wizard", help="write a new initiative's Theory of Change in a dialogue")
    wizard.add_argument("--language", choices=["nl", "en"], default="nl", help="the dialogue's language (default nl)")
    wizard.add_argument("--out", type=Path, metavar="PATH",
                        help="where to write it (default raw_data/<id>/theory_of_change.yaml)")
    wizard.add_argument("--force", action="store_true", help="replace an existing file")
    wizard.set_defaults(func=cmd_wizard)
    synth = sub.add_parser("synth", help="write a synthetic programme of N initiatives × M participants, for benchmarks")
    synth.add_argument("--initiatives", type=int, required=True, metavar="N", help="the number of initiatives")
    synth.add_argument("--participants", type=int, required=True, metavar="M", help="participants per initiative (at least 20)")
    synth.add_argument("--out", type=Path, required=True, metavar="DIR",
                       help="an empty or new folder, or an earlier synth output (which is replaced)")
    synth.add_argument("--seed", type=int, default=20_180_131, help="the random seed (default 20180131, the sample year's)")
    synth.add_argument("--workers", type=int, metavar="W", help="processes writing initiatives (default: the processors; the files do not depend on it)")
    synth.add_argument("--language", choices=["nl", "en"], help="the language of the messages (default: programme.yaml's, nl)")
    synth.set_defaults(func=cmd_synth)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
