"""Stage all drops of one table for a set of initiatives, ready for the warehouse."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from impact.contracts.staging import (
    PSEUDONYMISED_COLUMNS,
    QUARANTINE_COLUMNS,
    TABLE_NAMES,
    ContractContext,
    StagedDrop,
    stage_file,
)
from impact.ingest.drops import Drop
from impact.privacy import pseudonymise

DROP_SUMMARY_COLUMNS = (
    "initiative_id",
    "table_name",
    "source_file",
    "source_sha256",
    "raw_rows",
    "staged_rows",
    "quarantined_rows",
    "refused",
    "notes",
)


@dataclass
class StagedBatch:
    """Staged rows, quarantine entries and one summary row per drop."""

    table_name: str
    staged: pd.DataFrame
    quarantine: pd.DataFrame
    drops: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def summarise(result: StagedDrop) -> dict:
    d = result.drop
    return {
        "initiative_id": d.initiative_id,
        "table_name": TABLE_NAMES[d.kind],
        "source_file": d.source_file,
        "source_sha256": d.sha256,
        "raw_rows": result.raw_rows,
        "staged_rows": len(result.staged),
        "quarantined_rows": result.quarantined_rows,
        "refused": result.refused,
        "notes": "\n".join(result.notes) or None,
    }


def stage_drops(
    kind: str,
    drops_by_initiative: dict[str, Sequence[Drop]],
    contexts: dict[str, ContractContext],
    pseudonym_key: bytes,
) -> StagedBatch:
    """Stage every drop; participant codes are replaced by keyed pseudonyms before returning."""
    results: list[StagedDrop] = []
    for initiative_id in sorted(drops_by_initiative):
        for drop in drops_by_initiative[initiative_id]:
            results.append(stage_file(drop, contexts[initiative_id]))

    staged_parts = [r.staged for r in results if len(r.staged)]
    staged = pd.concat(staged_parts, ignore_index=True) if staged_parts else (results[0].staged if results else pd.DataFrame())
    q_parts = [r.quarantine for r in results if len(r.quarantine)]
    quarantine = (
        pd.concat(q_parts, ignore_index=True)
        if q_parts
        else pd.DataFrame({c: pd.Series(dtype="Int64" if c == "source_row" else "object") for c in QUARANTINE_COLUMNS})
    )
    for column in PSEUDONYMISED_COLUMNS:
        if column in staged.columns and len(staged):
            staged[column] = _pseudonymise_by_initiative(staged, column, pseudonym_key)
        sensitive = quarantine["column"] == column
        if sensitive.any():
            quarantine.loc[sensitive, "value"] = _pseudonymise_by_initiative(
                quarantine[sensitive].assign(value=quarantine.loc[sensitive, "value"].replace("", None)), "value", pseudonym_key
            )
    drops = pd.DataFrame([summarise(r) for r in results], columns=list(DROP_SUMMARY_COLUMNS))
    notes = [n for r in results for n in r.notes]
    return StagedBatch(TABLE_NAMES[kind], staged, quarantine, drops, notes)


def _pseudonymise_by_initiative(frame: pd.DataFrame, column: str, key: bytes) -> pd.Series:
    out = pd.Series(None, index=frame.index, dtype="object")
    for initiative_id, idx in frame.groupby("initiative_id", sort=True).groups.items():
        out[idx] = pseudonymise(initiative_id, frame.loc[idx, column], key)
    return out
