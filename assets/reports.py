"""Report artefacts under ``reports/<year>/``: thin wrappers around ``impact.reporting``.

- ``report_data``: the aggregates every report shows, read once per run from the warehouse (inside its
  pool) and kept by the IO manager; the rendering assets below take it as an input and never open the
  warehouse, so they run outside the pool;
- ``data_quality_report``: the coaches' data-quality page;
- ``initiative_reports`` (one partition per initiative): the yearly report, PDF and HTML, with its
  tables as CSV and XLSX and its charts;
- ``programme_overview`` and ``lessons_learned``: programme level, on every initiative;
- ``delivery_bundle``: the dated ZIP for the municipality (``levering/``);
- ``report_manifest``: ``manifest.json`` with every artefact's and input's SHA-256, the delivery's checksums and the
  code version.
"""

import json
import shutil
from pathlib import Path


from dagster import (
    AssetExecutionContext, AssetIn, AssetsDefinition, AutomationCondition, BackfillPolicy, DynamicOut, DynamicOutput, In,
    MaterializeResult, MetadataValue, Nothing, OpExecutionContext, Out, asset, graph_asset, op,
)

from impact.quality.results import programme_year
from impact.reporting import data_quality
from impact.reporting import report_data as aggregates
from impact.reporting.data_quality import write_data_quality_page
from impact.warehouse import tables
from impact.warehouse.tables import writers_of
from impact.reporting.delivery import DELIVERY_FOLDER, Refusal, deliver
from impact.reporting.provenance import code_version, write_manifest
from impact.reporting.yearly import report_date
from impact.parallel import split_evenly
from impact.reporting.parallel import render_yearly_reports
from impact.reporting.publish import data_uri, publish
from pipelines.partitions import initiative_partitions
from pipelines.progress import progress_line, worth_telling
from pipelines.resources import CoachingFiles, DuckDBWarehouse, ReportSettings, WAREHOUSE_POOL

# What ``report_data`` reads; its ``deps`` are the writers of these tables, and reading another table fails
# the step. The yearly reports, the overview, the lessons, the bundle and the manifest render from it.
REPORT_READS = aggregates.TABLES_READ
DATA_QUALITY_READS = tuple(dict.fromkeys((tables.SETTINGS, *data_quality.TABLES_READ)))


@asset(
    pool=WAREHOUSE_POOL,
    group_name="reports",
    deps=writers_of(*REPORT_READS),
    kinds={"duckdb", "pandas"},
    owners=["team:data-engineering"],
)
def report_data(context: AssetExecutionContext, duckdb_warehouse: DuckDBWarehouse) -> aggregates.ReportData:
    """What every report shows, read once from the warehouse: aggregates per initiative, outcome and wave (no
    participant-level row), the hypothesis results, indicators, quality and the coaching log. A read-only
    snapshot kept by the run's IO manager (a file under the instance's storage; an object store in production),
    so the report steps render from it outside the warehouse pool, in other processes or on other machines."""
    with duckdb_warehouse.connect(read_only=True, reads=REPORT_READS) as con:
        data = aggregates.load(con)
    context.add_output_metadata({"initiatives": len(data.initiatives), "hypotheses": len(data.hypotheses),
                                 "indicator_rows": len(data.indicators)})
    return data


def _preview(png: bytes) -> str:
    return f"![preview]({data_uri(png)})"


def _files_metadata(written: list[Path], root: Path) -> MetadataValue:
    return MetadataValue.md("\n".join(f"- `{p.relative_to(root)}`" for p in written))


@asset(
    pool=WAREHOUSE_POOL,
    group_name="reports",
    # and after the scores, so every check (they all block on ERROR), the reliability check too, has run
    deps=[*writers_of(*DATA_QUALITY_READS), "outcome_scores"],
    kinds={"html", "csv"},
    owners=["team:data-engineering"],
)
def data_quality_report(files: CoachingFiles, duckdb_warehouse: DuckDBWarehouse, report_settings: ReportSettings) -> MaterializeResult:
    """The data-quality page ``reports/<year>/data_quality/index.html`` with its tables as CSV: per
    initiative the rows used and set aside, every quarantined row with what to correct, the checks
    that warned or failed, and the columns and files that were not stored."""
    with duckdb_warehouse.connect(read_only=True, reads=DATA_QUALITY_READS) as con:
        year = programme_year(con)
        language = report_settings.language_of(con)
        written = write_data_quality_page(con, files.reports_path, year, language)
    return MaterializeResult(
        metadata={
            "page": MetadataValue.path(str(written[0])),
            "files": MetadataValue.md("\n".join(f"- `{p.name}`" for p in written)),
        }
    )


# The Holm correction runs across every initiative's primary hypothesis, so a new result for one initiative
# can change the adjusted p-value in another initiative's report. Where the daemon runs, declarative
# automation re-renders the other yearly reports once the programme-level results changed, and only when
# the blocking checks of what they read passed. Same inputs give the same bytes, so a report whose figures
# did not change is rewritten identically.
REFRESH_AFTER_PROGRAMME_CHANGE = AutomationCondition.eager() & AutomationCondition.all_deps_blocking_checks_passed()


# The yearly reports are three kinds of step: a plan that splits the run's initiatives into
# ``report_settings.report_step_count()`` batches, one rendering step per batch (Dagster's dynamic outputs), and
# a record of what was written. Under the in-process executor there is one batch, rendered on every core by a
# process pool (``report_settings.workers``). Under an executor that runs steps side by side (multiprocess here,
# Kubernetes or Celery in production) the batches run in their own processes or pods, each from the report data.
RENDERING_INPUTS = writers_of(*REPORT_READS)


@op(
    ins={"report_data": In(aggregates.ReportData), **{name: In(Nothing) for name in RENDERING_INPUTS}},
    out=DynamicOut(list),
)
def plan_yearly_reports(context: OpExecutionContext, report_settings: ReportSettings, report_data: aggregates.ReportData):
    """The run's initiatives with a valid Theory of Change, split into the batches rendered as steps."""
    known = set(report_data.initiatives["initiative_id"])
    keys = [k for k in context.partition_keys if k in known]
    for key in sorted(set(context.partition_keys) - known):
        context.log.warning(f"{key}: no valid Theory of Change, so no yearly report")
    batches = split_evenly(keys, report_settings.report_step_count())
    for number, batch in enumerate(batches, start=1):
        yield DynamicOutput(batch, mapping_key=f"batch_{number}_of_{len(batches)}")


@op
def render_yearly_report_batch(context: OpExecutionContext, files: CoachingFiles, report_settings: ReportSettings,
                               report_data: aggregates.ReportData, initiative_ids: list) -> list:
    """Render and publish the yearly reports of one batch with up to ``report_settings.workers`` processes;
    a report whose content did not change is kept as it is."""
    language = report_settings.language_for(report_data.programme["language"])
    workers = report_settings.worker_count()

    def progress(done: int, total: int) -> None:
        if worth_telling(done, total):
            context.log.info(progress_line("reports", done, total))

    rendered = render_yearly_reports(report_data, initiative_ids, language, code_version(),
                                     files.reports_path / str(report_data.year), workers, progress)
    context.add_output_metadata({"reports": len(rendered), "workers": min(workers, len(initiative_ids)) if initiative_ids else 0})
    return rendered


@op(out=Out(Nothing))
def record_yearly_reports(context: OpExecutionContext, batches: list) -> None:
    """The materialisation of the run's yearly reports: the PDFs written, and one report's change chart."""
    rendered = [r for batch in batches for r in batch]
    pdfs = [next(p for p in r.files if p.suffix == ".pdf") for r in rendered]
    metadata = {
        "reports_in_run": len(pdfs),
        "files_in_run": sum(len(r.files) for r in rendered),
        "rendering_steps": len(batches),
        "pdfs": MetadataValue.md("\n".join(f"- `{p}`" for p in pdfs) or "_none_"),
    }
    if len(pdfs) == 1:
        metadata["report"] = MetadataValue.path(str(pdfs[0]))
    if rendered:
        first = min(rendered, key=lambda r: r.initiative_id)
        metadata["preview"] = MetadataValue.md(f"**{first.initiative_id}**: change among the participants measured "
                                               "twice\n\n" + _preview(first.preview))
    context.add_output_metadata(metadata)


def _yearly_reports_graph(report_data, **after):
    """The yearly report of each initiative, ``reports/<year>/<initiative_id>/``: a one-page summary,
    the Theory of Change as a diagram, reach and activities per quarter against the targets, the
    outcomes, the hypotheses with their verdicts in plain language, attrition, data quality, the
    coaching sessions, SROI where configured, and methods and provenance. PDF and self-contained HTML
    from one template, its tables as CSV and XLSX, its charts as PNG. Disclosure-controlled. Rendered from
    the report data, never the warehouse: in ``report_settings.report_steps`` steps (default 1), each on up to
    ``report_settings.workers`` processes."""
    batches = plan_yearly_reports(report_data, **after)
    rendered = batches.map(lambda initiative_ids: render_yearly_report_batch(report_data, initiative_ids))
    return record_yearly_reports(rendered.collect())


initiative_reports = graph_asset(
    name="initiative_reports",
    ins={"report_data": AssetIn("report_data"),
         **{name: AssetIn(name, dagster_type=Nothing) for name in RENDERING_INPUTS}},
    group_name="reports",
    partitions_def=initiative_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    automation_condition=REFRESH_AFTER_PROGRAMME_CHANGE,
    kinds={"pdf", "html", "xlsx"},
    owners=["team:data-engineering"],
)(_yearly_reports_graph)


def _programme_report(builder: str, files: CoachingFiles, report_settings: ReportSettings,
                      data: aggregates.ReportData, chart: str) -> MaterializeResult:
    """Build and publish ``impact.reporting.<builder>`` (imported here: matplotlib and the templates are
    loaded where they are used, not whenever the code location loads)."""
    from importlib import import_module

    from impact.reporting.tables import initiative_figures

    build = import_module(f"impact.reporting.{builder}").build
    language = report_settings.language_for(data.programme["language"])
    figures = {i: initiative_figures(data, i, language) for i in data.initiative_ids()}
    delivered_anyway = report_settings.deliver_incomplete and not data.completeness.complete
    report = build(data, figures, language, code_version(), delivered_anyway=delivered_anyway)
    year_folder = files.reports_path / str(data.year)
    written = publish(report, year_folder, data.threshold)
    return MaterializeResult(metadata={
        "language": language,
        "report": MetadataValue.path(str(next(p for p in written if p.suffix == ".pdf"))),
        "html": MetadataValue.path(str(next(p for p in written if p.suffix == ".html"))),
        "files": _files_metadata(written, year_folder),
        "preview": MetadataValue.md(_preview(report.charts[chart])),
    })


def programme_report_asset(name: str, builder: str, chart: str, description: str) -> AssetsDefinition:
    """A programme-level report on every initiative, built by ``impact.reporting.<builder>``."""

    @asset(
        name=name,
        group_name="reports",
        deps=writers_of(*REPORT_READS),  # as initiative_reports: after, and gated by, the checks of what they show
        kinds={"pdf", "html", "xlsx"},
        owners=["team:data-engineering"],
        description=description,
    )
    def _report(files: CoachingFiles, report_settings: ReportSettings, report_data: aggregates.ReportData) -> MaterializeResult:
        return _programme_report(builder, files, report_settings, report_data, chart)

    return _report


programme_overview = programme_report_asset(
    "programme_overview", "overview", "forest",
    "The municipality's overview, ``reports/<year>/programme/``: every initiative included side by side, and who is "
    "left out and why (impact/reporting/completeness.py) (a forest plot of "
    "effect sizes with intervals and verdicts, reach by wijk over the ten districts, realisation against the "
    "targets, response and data quality) with a reading guide. Aggregates only.",
)
lessons_learned = programme_report_asset(
    "lessons_learned", "lessons", "timeline",
    "The closing summary, ``reports/<year>/lessons_learned/``, dated at the closing meeting: which hypotheses "
    "held and why, the data-quality lessons, the coaching log's lessons by theme, a timeline of the year and "
    "recommendations derived by tested rules from the results.",
)


@asset(
    group_name="reports",
    automation_condition=REFRESH_AFTER_PROGRAMME_CHANGE,
    deps=[initiative_reports, programme_overview, lessons_learned],
    kinds={"zip"},
    owners=["team:data-engineering"],
)
def delivery_bundle(context: AssetExecutionContext, files: CoachingFiles, report_settings: ReportSettings,
                    report_data: aggregates.ReportData) -> MaterializeResult:
    """``reports/<year>/levering/impactcoaching_<year>_levering_<date>.zip``: everything meant for the
    municipality (the reports' PDFs, workbooks and CSVs for Excel, a LEESMIJ and SHA256SUMS), dated at the
    closing meeting, the same bytes for the same reports (impact/reporting/delivery.py).

    A programme with an expected initiative left out is not delivered (an earlier ZIP is removed, so none is
    mistaken for this one) unless ``report_settings.deliver_incomplete`` asks for it (``coaching deliver
    --incomplete``). The refusal is this materialisation's ``refused`` and an error in the log rather than a
    failure, so the manifest after it still records what is missing."""
    data = report_data
    language = report_settings.language_for(data.programme["language"])
    bundle = deliver(files.reports_path / str(data.year), data.programme, data.year, report_date(data), language,
                     data.completeness, report_settings.deliver_incomplete)
    if isinstance(bundle, Refusal):
        context.log.error(bundle.reason)
        return MaterializeResult(metadata={"delivered": False, "refused": bundle.reason, "removed": MetadataValue.md(
            "\n".join(f"- `{p.name}`" for p in bundle.removed) or "_none_")})
    return MaterializeResult(metadata={
        "delivered": True,
        "complete": data.completeness.complete,
        "zip": MetadataValue.path(str(bundle.path)),
        "sha256": bundle.sha256,
        "files": len(bundle.checksums),
        "bytes": bundle.path.stat().st_size,
    })


@asset(
    group_name="reports",
    # after the automation re-rendered yearly reports, the manifest lists their files again
    automation_condition=REFRESH_AFTER_PROGRAMME_CHANGE,
    deps=[data_quality_report, initiative_reports, programme_overview, lessons_learned, delivery_bundle],
    kinds={"json"},
    owners=["team:data-engineering"],
)
def report_manifest(files: CoachingFiles, report_settings: ReportSettings, report_data: aggregates.ReportData) -> MaterializeResult:
    """``reports/<year>/manifest.json``: every artefact of the year with its SHA-256, every input file
    (drops, settings, Theories of Change, coaching log) with its SHA-256, the code version, and the
    initiatives expected, included and left out (with why). Report
    folders of initiatives whose folder left ``raw_data/`` are removed first, so the manifest lists
    exactly what the current inputs produce."""
    data = report_data
    year_folder = files.reports_path / str(data.year)
    removed = _remove_stale_initiative_folders(year_folder, set(data.initiative_ids()))
    version = code_version()
    language = report_settings.language_for(data.programme["language"])
    path = write_manifest(year_folder, data.year, data.input_files(), version, data.completeness, language)
    manifest = json.loads(path.read_text(encoding="utf-8"))
    return MaterializeResult(metadata={
        "manifest": MetadataValue.path(str(path)),
        "artefacts": len(manifest["artefacts"]),
        "inputs": len(manifest["inputs"]),
        "git_commit": version["git_commit"] or "",
        "source_sha256": version["source_sha256"],
        "removed_stale_folders": MetadataValue.md("\n".join(f"- `{r}`" for r in removed) or "_none_"),
    })


PROGRAMME_FOLDERS = {"programme", "lessons_learned", "data_quality", DELIVERY_FOLDER}


def _remove_stale_initiative_folders(year_folder: Path, initiatives: set[str]) -> list[str]:
    removed = []
    if year_folder.exists():
        for folder in sorted(p for p in year_folder.iterdir() if p.is_dir()):
            if folder.name not in initiatives and folder.name not in PROGRAMME_FOLDERS:
                shutil.rmtree(folder)
                removed.append(folder.name)
    return removed
