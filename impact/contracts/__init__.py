"""The raw-data contract: coercion, pandera models, staging, duplicates and quarantine."""

from impact.contracts.context import ContractContext, CustomOutcome
from impact.contracts.staging import (
    QUARANTINE_COLUMNS,
    TABLE_NAMES,
    Notice,
    StagedDrop,
    stage_file,
    stage_table,
)

__all__ = ["QUARANTINE_COLUMNS", "TABLE_NAMES", "ContractContext", "CustomOutcome", "Notice", "StagedDrop", "stage_file", "stage_table"]
