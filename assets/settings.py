"""Programme settings and each initiative's Theory of Change, validated and stored."""

import pandas as pd
from dagster import AssetExecutionContext, BackfillPolicy, Failure, MaterializeResult, MetadataValue, asset

from assets._metadata import markdown_table
from impact import warehouse
from impact.warehouse import tables
from impact.errors import ConfigError
from impact.ingest.drops import inventory, sha256_of
from impact.ingest.folders import as_table, initiative_folders
from impact.programme import PROGRAMME_FILE, load_programme, programme_language
from impact.theory_of_change import TOC_FILE, as_tables, load_theory_of_change
from pipelines.partitions import initiative_partitions
from pipelines.resources import CoachingFiles, DuckDBWarehouse, ReportSettings, WAREHOUSE_POOL

TOC_TABLES = (tables.INITIATIVES, tables.OUTPUTS, tables.OUTCOMES, tables.HYPOTHESES, tables.SROI_ASSUMPTIONS)


@asset(pool=WAREHOUSE_POOL, group_name="settings", kinds={"yaml", "duckdb"}, owners=["team:data-engineering"])
def programme(context: AssetExecutionContext, files: CoachingFiles, duckdb_warehouse: DuckDBWarehouse,
              report_settings: ReportSettings) -> MaterializeResult:
    """The programme's settings from ``raw_data/programme.yaml``, validated, in ``programme.settings``; and every
    folder holding a Theory of Change, accepted as an initiative or refused with the reason, in
    ``programme.initiative_folders``."""
    try:
        settings = load_programme(files.raw_data_path)
    except ConfigError as exc:
        raise Failure(description=str(exc)) from None
    row = pd.DataFrame([{**settings.model_dump(mode="json"), "source_sha256": sha256_of(files.raw_data_path / PROGRAMME_FILE)}])
    row["closing_meeting"] = pd.to_datetime(row["closing_meeting"])
    # the folders' problems in the run's language: --language, else the programme's
    folders = as_table(initiative_folders(files.raw_data_path), report_settings.language_for(settings.language))
    refused = folders[folders["problem"].notna()]
    for message in refused["message"]:
        context.log.error(message)
    accepted = set(folders["initiative_id"].dropna())
    with duckdb_warehouse.connect() as con:
        # an initiative whose folder is gone (or refused) leaves no rows behind in any table
        gone = [i for i in warehouse.initiatives_present(con) if i not in accepted]
        warehouse.purge_initiatives(con, gone)
        with warehouse.transaction(con):
            warehouse.replace_rows(con, tables.SETTINGS, row, where={})
            warehouse.replace_rows(con, tables.INITIATIVE_FOLDERS, folders, where={})
    return MaterializeResult(
        metadata={
            "removed_initiatives": ", ".join(gone) or "none",
            "initiative_folders": len(folders),
            "refused_folders": markdown_table(refused[["folder", "problem", "message"]]) if len(refused)
            else MetadataValue.md("_none_"),
            "year": settings.year,
            "alpha": settings.alpha,
            "disclosure_threshold": settings.disclosure_threshold,
            "closing_meeting": settings.closing_meeting.isoformat(),
        }
    )


@asset(
    pool=WAREHOUSE_POOL,
    group_name="settings",
    partitions_def=initiative_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    kinds={"yaml", "duckdb"},
    owners=["team:data-engineering"],
)
def theory_of_change(
    context: AssetExecutionContext, files: CoachingFiles, duckdb_warehouse: DuckDBWarehouse,
    report_settings: ReportSettings,
) -> MaterializeResult:
    """Each initiative's Theory of Change (``theory_of_change.yaml``), validated against the schema.

    Valid ones land in ``programme.initiatives``, ``programme.outputs``,
    ``programme.outcomes``, ``programme.hypotheses`` and
    ``programme.sroi_assumptions``. An invalid one is listed in
    ``programme.config_errors`` with every problem (file, key, what is
    expected, in the programme's language); the other initiatives carry on.
    """
    keys = list(context.partition_keys)
    tocs, errors = {}, []
    # the problems in the run's language: --language, else the programme's (else Dutch)
    language = report_settings.language or programme_language(files.raw_data_path)
    for key in keys:
        folder = files.raw_data_path / key
        try:
            tocs[key] = (load_theory_of_change(folder, files.raw_data_path, language), sha256_of(folder / TOC_FILE))
        except ConfigError as exc:
            errors += [{"initiative_id": key, "source_file": exc.source, "problem": p} for p in exc.problems]
            context.log.error(str(exc))
    frames = as_tables(tocs)
    error_frame = pd.DataFrame(errors, columns=list(tables.CONFIG_ERRORS.column_names))
    with duckdb_warehouse.connect() as con, warehouse.transaction(con):
        for table in TOC_TABLES:
            warehouse.replace_rows(con, table, frames[table.name.split(".")[1]], where={"initiative_id": keys})
        warehouse.replace_rows(con, tables.CONFIG_ERRORS, error_frame, where={"initiative_id": keys})
    return MaterializeResult(
        metadata={
            "initiatives": len(tocs),
            "invalid": len({e["initiative_id"] for e in errors}),
            "hypotheses": markdown_table(frames["hypotheses"][["initiative_id", "hypothesis_id", "outcome_id", "test", "direction"]])
            if len(frames["hypotheses"])
            else MetadataValue.md("_none_"),
            "problems": markdown_table(error_frame) if errors else MetadataValue.md("_none_"),
        }
    )


def message_language(duckdb_warehouse: DuckDBWarehouse, report_settings: ReportSettings) -> str:
    """The language of the messages for coaches: the reports' (``--language``, else programme.yaml's)."""
    with duckdb_warehouse.connect(reads=(tables.SETTINGS,)) as con:
        return report_settings.language_of(con)


@asset(
    pool=WAREHOUSE_POOL,
    group_name="staging",
    partitions_def=initiative_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    deps=[programme],  # the language of its messages
    kinds={"duckdb"},
    owners=["team:data-engineering"],
)
def drop_inventory(context: AssetExecutionContext, files: CoachingFiles, duckdb_warehouse: DuckDBWarehouse,
                   report_settings: ReportSettings) -> MaterializeResult:
    """Every file in each initiative's folder with its size and sha256, and what the pipeline does not read
    (a file whose name is not a drop kind, a sub-folder), so no drop is ignored without a word."""
    keys = list(context.partition_keys)
    language = message_language(duckdb_warehouse, report_settings)
    frame = pd.concat([inventory(files.raw_data_path, k, language) for k in keys], ignore_index=True)
    unread = frame[frame["message"].notna()]
    notices = pd.DataFrame(
        {
            "initiative_id": unread["initiative_id"],
            "table_name": "drop_inventory",
            "source_file": unread["source_file"],
            "column": None,
            "rule": "unrecognised_file",
            "message": unread["message"],
        }
    )
    with duckdb_warehouse.connect() as con, warehouse.transaction(con):
        warehouse.replace_rows(con, tables.DROP_INVENTORY, frame, where={"initiative_id": keys})
        warehouse.replace_rows(con, tables.INGEST_NOTICES, notices,
                               where={"initiative_id": keys, "table_name": "drop_inventory"})
    for message in unread["message"]:
        context.log.warning(message)
    return MaterializeResult(
        metadata={
            "files_in_run": len(frame),
            "not_read_in_run": len(unread),
            "not_read": markdown_table(unread[["source_file", "message"]]) if len(unread) else MetadataValue.md("_every file is read_"),
        }
    )
