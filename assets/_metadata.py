"""Small helpers to turn frames into Dagster metadata."""

from __future__ import annotations

import pandas as pd
from dagster import MetadataValue, TableColumn, TableSchema

from impact.warehouse.tables import Table


def markdown_table(frame: pd.DataFrame, max_rows: int = 30) -> MetadataValue:
    shown = frame.head(max_rows)
    text = shown.to_markdown(index=False)
    if len(frame) > max_rows:
        text += f"\n\n… {len(frame) - max_rows} more rows"
    return MetadataValue.md(text)


def column_schema(table: Table, frame: pd.DataFrame | None = None) -> TableSchema:
    """The table's declared columns with their types and meanings, for the UI's column view. ``frame``
    adds the open columns it brings (the survey items)."""
    names = [*table.column_names, *(c for c in (frame.columns if frame is not None else ()) if c not in table.column_names)]
    columns = [table.column(n) for n in names]
    return TableSchema(columns=[TableColumn(name=c.name, type=c.type, description=c.meaning) for c in columns])
