"""Small helpers to turn frames into Dagster metadata."""

from __future__ import annotations

import pandas as pd
from dagster import MetadataValue, TableColumn, TableSchema


def markdown_table(frame: pd.DataFrame, max_rows: int = 30) -> MetadataValue:
    shown = frame.head(max_rows)
    text = shown.to_markdown(index=False)
    if len(frame) > max_rows:
        text += f"\n\n… {len(frame) - max_rows} more rows"
    return MetadataValue.md(text)


def column_schema(frame: pd.DataFrame, descriptions: dict[str, str] | None = None) -> TableSchema:
    from impact.warehouse import sql_type

    descriptions = descriptions or {}
    return TableSchema(
        columns=[TableColumn(name=c, type=sql_type(t), description=descriptions.get(c)) for c, t in frame.dtypes.items()]
    )
