"""The coaches' sensor: new or changed drops under ``raw_data/`` rebuild what depends on them.

Every 30 seconds it fingerprints the raw-data folder (``impact.ingest.changes``: size,
time and SHA-256 per file, kept in the cursor, so a file touched but not changed
triggers nothing). A new initiative folder becomes a new partition; a changed file
requests one run of ``one_initiative`` over the affected initiatives (one run per
block of initiatives that are adjacent in partition order) with everything
downstream of them, programme-level results included; a removed folder deletes its
partition and requests a ``programme_level`` run, which purges its rows; so does a change to a folder refused as
an initiative (``impact.ingest.folders``), so the programme's reports name it among those left out.
"""

from __future__ import annotations

import json

from dagster import (
    AssetSelection,
    AutomationConditionSensorDefinition,
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from impact.ingest.changes import changes, fingerprint
from impact.ingest.folders import initiative_folders
from pipelines.jobs import initiative_job, programme_job
from pipelines.partitions import contiguous_ranges, initiative_partitions, partition_range_tags
from pipelines.resources import CoachingFiles


@sensor(
    name="raw_data_drops",
    jobs=[initiative_job, programme_job],
    minimum_interval_seconds=30,
    default_status=DefaultSensorStatus.RUNNING,
    description="Rebuilds the initiatives whose drops under raw_data/ are new or changed (by content hash), and "
                "everything downstream of them; registers new initiative folders as partitions.",
)
def raw_data_drops(context: SensorEvaluationContext, files: CoachingFiles) -> SensorResult:
    raw = files.raw_data_path
    state = json.loads(context.cursor) if context.cursor else {"generation": 0, "files": {}}
    before = state["files"]
    expected = initiative_folders(raw)
    after = fingerprint(raw, before, expected)
    folders = [f.folder for f in expected if f.accepted]
    found = changes(before, after, folders, [f.folder for f in expected if not f.accepted])
    if not found.any and not found.removed_initiatives:
        return SensorResult(skip_reason=SkipReason("no new or changed drops"),
                            cursor=json.dumps({**state, "files": after}, sort_keys=True))
    # Each change gets its own generation: the daemon never starts a run key twice, and a folder set back to
    # an earlier state (a bad drop removed again) must be rebuilt all the same. The cursor only moves on when
    # the tick succeeds, so a retried tick asks for the same keys.
    generation = state["generation"] + 1
    cursor = json.dumps({"generation": generation, "files": after}, sort_keys=True)

    known = list(context.instance.get_dynamic_partitions(initiative_partitions.name))
    add = [k for k in folders if k not in known]
    delete = [k for k in known if k not in folders]
    ordered = [k for k in known if k not in delete] + add
    requests = []
    for start, end in contiguous_ranges(ordered, found.initiatives):
        block = ordered[ordered.index(start):ordered.index(end) + 1]
        requests.append(RunRequest(
            run_key=f"{generation}:{start}:{end}",
            job_name=initiative_job.name,
            tags={**partition_range_tags(start, end), "coaching/trigger": "sensor",
                  "coaching/initiatives": ",".join(block)},
        ))
    # a folder refused as an initiative that changed, or is gone, was never a partition
    refused = sorted({*found.refused_folders, *(f for f in found.removed_initiatives if f not in known)})
    if (delete or refused) and not requests:
        # the removed folders' rows are purged, and the programme's reports name who is left out as it is now
        requests.append(RunRequest(run_key=f"{generation}:programme", job_name=programme_job.name,
                                   tags={"coaching/trigger": "sensor", "coaching/removed": ",".join(delete),
                                         "coaching/refused": ",".join(refused)}))
    dynamic = []
    if add:
        dynamic.append(initiative_partitions.build_add_request(add))
    if delete:
        dynamic.append(initiative_partitions.build_delete_request(delete))
    context.log.info(f"changed files: {', '.join(found.files) or 'none'}; rebuilding: {', '.join(found.initiatives) or 'none'}"
                     + (f"; new: {', '.join(add)}" if add else "") + (f"; removed: {', '.join(delete)}" if delete else ""))
    return SensorResult(run_requests=requests, dynamic_partitions_requests=dynamic, cursor=cursor)


# Declarative automation (the assets' ``automation_condition``): the yearly reports of the other initiatives
# are re-rendered once the programme-level results they show (the Holm correction) have changed.
report_refresh = AutomationConditionSensorDefinition(
    name="report_refresh",
    target=AssetSelection.assets("initiative_reports", "delivery_bundle", "report_manifest"),
    default_status=DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=60,
    description="Re-renders yearly reports whose programme-level inputs (Holm-adjusted p) changed, when the "
                "blocking checks of what they read passed.",
)
