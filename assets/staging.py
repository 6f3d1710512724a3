"""Staged tables: every drop read, held against the contract, and split into staged and quarantined rows.

Each asset is thin: it finds the drops, hands them to ``impact.contracts``
and writes the result to the warehouse in one transaction.
"""


from collections.abc import Sequence

import pandas as pd
from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    BackfillPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
)

from assets._metadata import column_schema, markdown_table
from assets.settings import drop_inventory, message_language, programme
from impact import warehouse
from impact.warehouse import tables
from impact.contracts import ContractContext, CustomOutcome
from impact.contracts.batches import StagedBatch, stage_drops
from impact.ingest import discover_drops
from impact.privacy import load_key
from pipelines.partitions import initiative_partitions
from impact.parallel import worker_count
from pipelines.progress import progress_line, worth_telling
from pipelines.resources import CoachingFiles, DuckDBWarehouse, ReportSettings, WAREHOUSE_POOL

#: What the contract needs from each Theory of Change (its waves and custom outcomes) and from the
#: programme (the language its messages are written in).
CONTRACT_READS = (tables.SETTINGS, tables.INITIATIVES, tables.OUTCOMES)


def _contexts(duckdb_warehouse: DuckDBWarehouse, keys: Sequence[str], language: str) -> dict[str, ContractContext]:
    """Each initiative's waves and custom outcomes, from its Theory of Change in the warehouse."""
    with duckdb_warehouse.connect(reads=CONTRACT_READS) as con:
        initiatives = warehouse.read(con, tables.INITIATIVES, where={"initiative_id": keys},
                                     columns=["initiative_id", "waves"])
        custom = warehouse.read(con, tables.OUTCOMES, where={"initiative_id": keys, "instrument": "custom"},
                                columns=["initiative_id", "outcome_id", "type", "min", "max", "unit"],
                                order_by=["initiative_id", "outcome_id"])
    waves = {i: tuple(w) for i, w in zip(initiatives["initiative_id"], initiatives["waves"])}
    by_initiative: dict[str, list[CustomOutcome]] = {}
    for initiative_id, *spec in custom.itertuples(index=False):
        by_initiative.setdefault(initiative_id, []).append(
            CustomOutcome(*(None if pd.isna(v) else getattr(v, "item", lambda: v)() for v in spec)))
    return {
        k: ContractContext(
            waves=waves.get(k, ("baseline", "follow_up")),
            custom_outcomes=tuple(by_initiative.get(k, ())),
            language=language,
        )
        for k in keys
    }


def write_batch(duckdb_warehouse: DuckDBWarehouse, batch: StagedBatch, where: dict[str, object]) -> None:
    """Replace the staged rows, quarantine entries and drop summaries of these initiatives (``where``), atomically."""
    with duckdb_warehouse.connect() as con, warehouse.transaction(con):
        warehouse.replace_rows(con, tables.STAGED[batch.table_name], batch.staged, where=where)
        for shared, frame in ((tables.QUARANTINE, batch.quarantine), (tables.DROPS, batch.drops),
                              (tables.INGEST_NOTICES, batch.notices)):
            warehouse.replace_rows(con, shared, frame, where={**where, "table_name": batch.table_name})


def staging_metadata(batch: StagedBatch) -> dict:
    drops = batch.drops
    per_initiative = (
        drops.groupby("initiative_id", sort=True)[["raw_rows", "staged_rows", "quarantined_rows"]].sum().reset_index()
        if len(drops)
        else drops
    )
    reasons = (
        batch.quarantine.groupby("rule").size().rename("entries").reset_index()
        if len(batch.quarantine)
        else pd.DataFrame()
    )
    # One run covers many partitions and Dagster attaches this metadata to each of
    # them, so the counts are labelled as the run's totals; the table splits them.
    return {
        "dagster/column_schema": column_schema(tables.STAGED[batch.table_name], batch.staged),
        "initiatives_in_run": int(drops["initiative_id"].nunique()) if len(drops) else 0,
        "drops_in_run": len(drops),
        "raw_rows_in_run": int(drops["raw_rows"].sum()) if len(drops) else 0,
        "staged_rows_in_run": int(drops["staged_rows"].sum()) if len(drops) else 0,
        "quarantined_rows_in_run": int(drops["quarantined_rows"].sum()) if len(drops) else 0,
        "refused_drops_in_run": int(drops["refused"].sum()) if len(drops) else 0,
        "rows_per_initiative": markdown_table(per_initiative) if len(per_initiative) else MetadataValue.md("_no drops_"),
        "quarantine_reasons": markdown_table(reasons) if len(reasons) else MetadataValue.md("_nothing quarantined_"),
        "quarantine_sample": markdown_table(batch.quarantine[["source_file", "source_row", "column", "rule", "message"]], 10)
        if len(batch.quarantine)
        else MetadataValue.md("_nothing quarantined_"),
    }


def staged_initiative_table(kind: str, table_name: str, description: str) -> AssetsDefinition:
    """A per-initiative staged table for one kind of drop (participants, activities, survey)."""

    @asset(
        pool=WAREHOUSE_POOL,
        name=table_name,
        group_name="staging",
        partitions_def=initiative_partitions,
        backfill_policy=BackfillPolicy.single_run(),
        deps=[*tables.writers_of(*CONTRACT_READS), drop_inventory],  # the inventory's notices come first
        kinds={"pandera", "duckdb"},
        owners=["team:data-engineering"],
        description=description,
    )
    def _staged(context: AssetExecutionContext, files: CoachingFiles, duckdb_warehouse: DuckDBWarehouse,
                report_settings: ReportSettings) -> MaterializeResult:
        keys = list(context.partition_keys)
        drops = {k: discover_drops(files.raw_data_path, k, kind) for k in keys}
        language = message_language(duckdb_warehouse, report_settings)

        def progress(done: int, total: int) -> None:
            if worth_telling(done, total):
                context.log.info(progress_line("initiatives", done, total))

        batch = stage_drops(kind, drops, _contexts(duckdb_warehouse, keys, language), load_key(), progress,
                            workers=worker_count())
        write_batch(duckdb_warehouse, batch, where={"initiative_id": keys})
        for message in batch.notices["message"]:
            context.log.warning(message)
        return MaterializeResult(metadata=staging_metadata(batch))

    return _staged


participants = staged_initiative_table(
    "participants",
    "participants",
    "The participant register of each initiative (``participants*.csv|xlsx``), one row per participant, "
    "participant codes pseudonymised. Rows that break the contract are in ``staging.quarantine``.",
)
activities = staged_initiative_table(
    "activities",
    "activities",
    "The activity log of each initiative (``activities*.csv|xlsx``): date, activity, attendees, volunteers, "
    "volunteer hours and cost. Rows that break the contract are in ``staging.quarantine``.",
)
survey_responses = staged_initiative_table(
    "survey",
    "survey_responses",
    "Survey answers of each initiative (``survey*.csv|xlsx``): one row per participant and wave, with the "
    "item columns of registered instruments and custom outcomes as text. Scoring comes later.",
)


@asset(pool=WAREHOUSE_POOL, group_name="staging", deps=[programme], kinds={"pandera", "duckdb"}, owners=["team:data-engineering"])
def coaching_sessions(files: CoachingFiles, duckdb_warehouse: DuckDBWarehouse, report_settings: ReportSettings) -> MaterializeResult:
    """The coaching log of the whole programme (``raw_data/coaching_sessions*.csv|xlsx``): plenary,
    one-to-one and closing sessions with their topics, lessons and actions."""
    from impact.ingest.drops import discover_initiatives

    drops = {"all": discover_drops(files.raw_data_path, "all", "coaching_sessions")}
    context = ContractContext(initiative_ids=tuple(discover_initiatives(files.raw_data_path)),
                              language=message_language(duckdb_warehouse, report_settings))
    batch = stage_drops("coaching_sessions", drops, {"all": context}, load_key())
    write_batch(duckdb_warehouse, batch, where={})  # one log for the programme: replaced whole
    return MaterializeResult(metadata=staging_metadata(batch))


#: What the stories need from each Theory of Change: its outcomes (a story may name one); and the language.
STORIES_READS = (tables.SETTINGS, tables.OUTCOMES)


@asset(
    pool=WAREHOUSE_POOL,
    group_name="staging",
    partitions_def=initiative_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    deps=[*tables.writers_of(*STORIES_READS), drop_inventory],
    kinds={"yaml", "markdown", "duckdb"},
    owners=["team:data-engineering"],
)
def stories(context: AssetExecutionContext, files: CoachingFiles, duckdb_warehouse: DuckDBWarehouse,
            report_settings: ReportSettings) -> MaterializeResult:
    """Participants' stories of each initiative (the optional ``stories*.yaml|md``): quote, who in general
    terms, consent, optionally date and outcome. Stories with explicit consent that pass the contract are in
    ``staging.stories``; every other story is in ``staging.quarantine`` (without its text), so the yearly
    report shows only what may be shown."""
    from impact.contracts.stories import stage_stories

    keys = list(context.partition_keys)
    with duckdb_warehouse.connect(reads=STORIES_READS) as con:
        outcomes = warehouse.read(con, tables.OUTCOMES, where={"initiative_id": keys},
                                  columns=["initiative_id", "outcome_id", "label"], order_by=["initiative_id", "outcome_id"])
    by_initiative = {k: dict(zip(o["outcome_id"], o["label"])) for k, o in outcomes.groupby("initiative_id")}
    batch = stage_stories({k: discover_drops(files.raw_data_path, k, "stories") for k in keys}, by_initiative,
                          message_language(duckdb_warehouse, report_settings))
    write_batch(duckdb_warehouse, batch, where={"initiative_id": keys})
    withheld = batch.quarantine[batch.quarantine["source_row"].notna()]
    no_consent = withheld.loc[withheld["rule"] == "no_consent", ["source_file", "source_row"]].drop_duplicates()
    return MaterializeResult(metadata={
        **staging_metadata(batch),
        "stories_staged_in_run": len(batch.staged),
        "stories_withheld_in_run": int(batch.drops["quarantined_rows"].sum()) if len(batch.drops) else 0,
        "stories_without_consent_in_run": len(no_consent),
    })


staging_assets = [participants, activities, survey_responses, coaching_sessions, stories]
