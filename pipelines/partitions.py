"""One partition per initiative: a folder under ``raw_data/`` with a Theory of Change.

The partitions are dynamic, so a new folder becomes a new partition with no
code change: ``coaching build`` (and ``coaching partitions``) register every
folder they find in the Dagster instance.
"""

from __future__ import annotations

from collections.abc import Sequence

from dagster import DagsterInstance, DynamicPartitionsDefinition
# The one private import: Dagster reads a single-run backfill's partition range from these two run
# tags, and 1.13 has no public name for them, nor a partition-range argument on
# ``JobDefinition.execute_in_process`` or ``RunRequest``. Imported rather than spelt out, so a rename
# in Dagster fails here at import instead of launching runs without a range.
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from impact import warehouse
from impact.ingest import discover_initiatives
from impact.locations import Locations

initiative_partitions = DynamicPartitionsDefinition(name="initiative")


def sync_initiative_partitions(instance: DagsterInstance, locations: Locations) -> tuple[list[str], list[str]]:
    """Make the instance's partitions match the initiative folders; returns (added, removed).

    An initiative whose folder is gone loses its partition and its rows in the
    warehouse, so no table keeps figures of an initiative that no longer exists.
    """
    folders = discover_initiatives(locations.raw_data)
    known = list(instance.get_dynamic_partitions(initiative_partitions.name))
    added = [k for k in folders if k not in known]
    removed = [k for k in known if k not in folders]
    for key in added:
        try:
            instance.add_dynamic_partitions(initiative_partitions.name, [key])
        except Exception:  # another build (or the sensor) registered it a moment ago: fine if it is there now
            if not instance.has_dynamic_partition(initiative_partitions.name, key):
                raise
    for key in removed:
        instance.delete_dynamic_partition(initiative_partitions.name, key)
    if removed and locations.warehouse.exists():
        with warehouse.connect(locations.warehouse) as con:
            warehouse.purge_initiatives(con, removed)
    return added, removed


def contiguous_ranges(ordered: Sequence[str], selected: Sequence[str]) -> list[tuple[str, str]]:
    """Group the selected keys into ranges that are contiguous in the partition order."""
    wanted = set(selected)
    ranges: list[tuple[str, str]] = []
    start = prev = None
    for key in ordered:
        if key in wanted:
            start = start or key
            prev = key
        elif start is not None:
            ranges.append((start, prev))
            start = prev = None
    if start is not None:
        ranges.append((start, prev))
    return ranges


def partition_range_tags(start: str, end: str) -> dict[str, str]:
    """Run tags for one run over the partitions ``start`` … ``end`` (a single-run backfill)."""
    return {ASSET_PARTITION_RANGE_START_TAG: start, ASSET_PARTITION_RANGE_END_TAG: end}
