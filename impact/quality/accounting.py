"""Checks on the warehouse that any tool can run (Dagster wires them as asset checks)."""

from __future__ import annotations

import duckdb
import pandas as pd


def row_accounting(con: duckdb.DuckDBPyConnection, table_name: str) -> pd.DataFrame:
    """Per drop: raw rows, rows found staged, rows found in quarantine, and whether they add up.

    Staged and quarantined rows are counted in their tables, independently of
    the counts the staging step recorded, so a lost or doubled row shows here.
    """
    from impact.warehouse import table_exists

    staged_source = (
        f"SELECT source_file, count(*) AS n FROM staging.{table_name} GROUP BY source_file"
        if table_exists(con, f"staging.{table_name}")
        else "SELECT NULL::VARCHAR AS source_file, 0 AS n WHERE false"
    )
    return con.execute(
        f"""
        WITH staged AS ({staged_source}), quarantined AS (
            SELECT source_file,
                   count(DISTINCT source_row) AS n,
                   bool_or(source_row IS NULL) AS refused
            FROM staging.quarantine WHERE table_name = ? GROUP BY source_file
        )
        SELECT d.initiative_id, d.source_file, d.raw_rows,
               coalesce(s.n, 0) AS staged_rows,
               CASE WHEN coalesce(q.refused, false) THEN d.raw_rows ELSE coalesce(q.n, 0) END AS quarantined_rows,
               d.raw_rows = coalesce(s.n, 0)
                   + CASE WHEN coalesce(q.refused, false) THEN d.raw_rows ELSE coalesce(q.n, 0) END AS balanced
        FROM staging.drops d
        LEFT JOIN staged s USING (source_file)
        LEFT JOIN quarantined q USING (source_file)
        WHERE d.table_name = ?
        ORDER BY d.source_file
        """,
        [table_name, table_name],
    ).df()
