"""The raw-data contract: coercion, pandera models, staging and quarantine."""

from impact.contracts.staging import (
    QUARANTINE_COLUMNS,
    TABLE_NAMES,
    ContractContext,
    StagedDrop,
    stage_file,
    stage_table,
)

__all__ = ["QUARANTINE_COLUMNS", "TABLE_NAMES", "ContractContext", "StagedDrop", "stage_file", "stage_table"]
