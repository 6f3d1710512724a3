"""Row accounting: every raw row is either staged or quarantined (docs/architecture.md).

Staged and quarantined rows are counted in their tables, so a row lost or
doubled on the way to the warehouse shows up as a gap (ERROR); staged rows
whose drop is unknown (left from a drop that no longer exists) do too. Raw
rows are also recounted with pandas' own readers, independent of the
pipeline's reader: pandas reads some files differently (an unquoted comma, a
sheet of notes), so a disagreement is a WARN for a person to look at.
"""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import pandas as pd

from impact import warehouse
from impact.warehouse import Table, tables


def accounting_reads(table_name: str) -> tuple[Table, ...]:
    """The tables :func:`row_accounting` reads for a staged table (``participants``, …)."""
    return (tables.STAGED[table_name], tables.QUARANTINE, tables.DROPS)


def independent_row_count(path: Path, kind: str | None = None) -> int | None:
    """Data rows in a drop as pandas reads it (blank rows not counted), or None if pandas cannot read it.

    For a workbook it reads the sheet the pipeline reads (``choose_sheet``).
    """
    from impact.ingest.drops import kind_of
    from impact.ingest.readers import choose_sheet, long_csv_cells

    try:
        if path.suffix.lower() == ".xlsx":
            sheets = pd.read_excel(path, sheet_name=None, dtype=str, header=None)
            frame = sheets[choose_sheet(list(sheets), kind or kind_of(path.name) or "")]
            frame = frame.dropna(how="all")
            frame = frame.iloc[1:]  # the header row
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
            with long_csv_cells():
                frame = pd.read_csv(io.StringIO(text), sep=None, engine="python", dtype=str, keep_default_na=False,
                                    skip_blank_lines=True)
    except Exception:  # noqa: BLE001 - "cannot be read" is an answer here
        return None
    cells = frame.fillna("").astype(str).apply(lambda c: c.str.strip())
    return int((cells != "").any(axis=1).sum())


def _recount(raw_data: Path, source_file: object) -> int | None:
    """pandas' count of a drop's rows; None when there is no such file, or when the pipeline refuses it unread
    (a symbolic link, a path outside raw_data/: :mod:`impact.ingest.inside`), which is not opened here either."""
    from impact.ingest.inside import refusal_of

    if not isinstance(source_file, str):
        return None
    path = raw_data / source_file
    return independent_row_count(path) if refusal_of(raw_data, path) is None and path.is_file() else None


def row_accounting(con: duckdb.DuckDBPyConnection, table_name: str, raw_data: Path | None = None) -> pd.DataFrame:
    """Per drop: raw rows as read, staged and quarantined rows as found in their tables, and whether they add up.

    With ``raw_data`` each drop is also recounted with pandas (``recounted_rows``,
    ``recount_agrees``; refused drops agree by definition).
    """
    reads = accounting_reads(table_name)
    staged, quarantine, drops = reads
    table = warehouse.query(
        con,
        f"""
        WITH staged AS (SELECT source_file, count(*) AS n FROM {staged.name} GROUP BY source_file),
        quarantined AS (
            SELECT source_file, count(DISTINCT source_row) AS n, bool_or(source_row IS NULL) AS refused
            FROM {quarantine.name} WHERE table_name = ? GROUP BY source_file
        ),
        drops AS (SELECT * FROM {drops.name} WHERE table_name = ?)
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
        reads=reads,
        parameters=[table_name, table_name],
    )
    table["raw_rows"] = table["recorded_raw_rows"].astype("Int64")
    total = table["staged_rows"] + table["quarantined_rows"]
    table["balanced"] = (table["recorded_raw_rows"].notna() & (table["raw_rows"] == total).fillna(False)).astype(bool)
    if raw_data is not None:
        # a second opinion: pandas' own count of the file (it reads some files differently, so a
        # disagreement asks a person to look rather than stopping anything)
        table["recounted_rows"] = pd.array([_recount(raw_data, f) for f in table["source_file"]], dtype="Int64")
        table["recount_agrees"] = (table["refused"] | (table["recounted_rows"] == table["recorded_raw_rows"]).fillna(False)).astype(bool)
    return table
