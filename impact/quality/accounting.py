"""Row accounting: every raw row is either staged or quarantined (DESIGN.md §4).

Raw rows are counted a second time here with pandas' own readers, independent
of the pipeline's reader, so a row the reader lost shows up as a gap; staged
and quarantined rows are counted in their tables, so a row lost or doubled
on the way to the warehouse shows up too. Staged rows whose drop is unknown
(left from a drop that no longer exists) make their table unbalanced.
"""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import pandas as pd

from impact.warehouse import table_exists


def independent_row_count(path: Path) -> int | None:
    """Data rows in a drop as pandas reads it (blank rows not counted), or None if pandas cannot read it."""
    try:
        if path.suffix.lower() == ".xlsx":
            sheets = pd.read_excel(path, sheet_name=None, dtype=str, header=0)
            kind = path.name.lower()
            name = next((n for n in sheets if kind.startswith(n.strip().lower())), next(iter(sheets)))
            frame = sheets[name]
        else:
            raw = path.read_bytes()
            text = None
            encodings = ("utf-16",) if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "cp1252")
            for encoding in encodings:
                try:
                    text = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            if text is None:
                return None
            text = text.removeprefix("\ufeff").lstrip("\r\n")
            if text.startswith(("sep=;", "sep=,")):
                text = text.split("\n", 1)[1]
            frame = pd.read_csv(io.StringIO(text), sep=None, engine="python", dtype=str, keep_default_na=False)
    except Exception:  # noqa: BLE001 - "cannot be read" is an answer here
        return None
    cells = frame.fillna("").astype(str).apply(lambda c: c.str.strip())
    return int((cells != "").any(axis=1).sum())


def row_accounting(con: duckdb.DuckDBPyConnection, table_name: str, raw_data: Path | None = None) -> pd.DataFrame:
    """Per drop: raw rows (recorded and, with ``raw_data``, recounted), staged, quarantined, and whether they add up."""
    staged_source = (
        f"SELECT source_file, count(*) AS n FROM staging.{table_name} GROUP BY source_file"
        if table_exists(con, f"staging.{table_name}")
        else "SELECT NULL::VARCHAR AS source_file, 0 AS n WHERE false"
    )
    table = con.execute(
        f"""
        WITH staged AS ({staged_source}),
        quarantined AS (
            SELECT source_file, count(DISTINCT source_row) AS n, bool_or(source_row IS NULL) AS refused
            FROM staging.quarantine WHERE table_name = ? GROUP BY source_file
        ),
        drops AS (SELECT * FROM staging.drops WHERE table_name = ?)
        SELECT coalesce(d.initiative_id, '(unknown drop)') AS initiative_id,
               coalesce(d.source_file, s.source_file, q.source_file) AS source_file,
               d.raw_rows AS recorded_raw_rows,
               coalesce(d.refused, false) AS refused,
               coalesce(s.n, 0) AS staged_rows,
               CASE WHEN coalesce(q.refused, false) THEN d.raw_rows ELSE coalesce(q.n, 0) END AS quarantined_rows
        FROM drops d
        FULL OUTER JOIN staged s ON s.source_file = d.source_file
        FULL OUTER JOIN quarantined q ON q.source_file = coalesce(d.source_file, s.source_file)
        ORDER BY 2
        """,
        [table_name, table_name],
    ).df()
    if raw_data is not None:
        table["raw_rows"] = [
            independent_row_count(raw_data / f) if isinstance(f, str) and (raw_data / f).is_file() else None
            for f in table["source_file"]
        ]
        table["raw_rows"] = table["raw_rows"].astype("Int64")
        # a file pandas cannot read either is fine when it was refused as a whole
        unreadable = table["raw_rows"].isna() & table["refused"]
        table.loc[unreadable, "raw_rows"] = table.loc[unreadable, "recorded_raw_rows"]
    else:
        table["raw_rows"] = table["recorded_raw_rows"].astype("Int64")
    total = table["staged_rows"] + table["quarantined_rows"]
    table["balanced"] = (
        table["recorded_raw_rows"].notna()
        & (table["raw_rows"] == table["recorded_raw_rows"]).fillna(False)
        & (table["raw_rows"] == total).fillna(False)
    ).astype(bool)
    return table
