"""The DuckDB warehouse: table layout and idempotent writes.

Layout (docs/warehouse.md):

- ``staging.participants``, ``staging.activities``, ``staging.survey_responses``,
  ``staging.coaching_sessions``: rows that passed the contract, each with
  ``initiative_id``, ``source_file``, ``source_sha256``, ``source_row``;
- ``staging.quarantine``: rows (or whole drops) that did not, with the reason;
- ``staging.drops``: one row per drop with its raw, staged and quarantined row counts;
- ``staging.ingest_notices``: what was not stored although no row was quarantined
  (columns outside the contract, direct identifiers, redactions);
- ``programme.settings`` and the Theory of Change tables ``programme.initiatives``,
  ``programme.outputs``, ``programme.outcomes``, ``programme.hypotheses``,
  ``programme.sroi_assumptions``.

Every write replaces the rows of the initiatives being rebuilt inside one
transaction, so a rebuild is idempotent and readers never see half of it.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

SCHEMAS = ("staging", "programme", "quality", "marts")

QUARANTINE_DDL = """
CREATE TABLE IF NOT EXISTS staging.quarantine (
    initiative_id VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_sha256 VARCHAR NOT NULL,
    source_row BIGINT,
    "column" VARCHAR,
    value VARCHAR,
    rule VARCHAR NOT NULL,
    message VARCHAR NOT NULL
)"""

DROPS_DDL = """
CREATE TABLE IF NOT EXISTS staging.drops (
    initiative_id VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_sha256 VARCHAR NOT NULL,
    raw_rows BIGINT NOT NULL,
    staged_rows BIGINT NOT NULL,
    quarantined_rows BIGINT NOT NULL,
    refused BOOLEAN NOT NULL
)"""

NOTICES_DDL = """
CREATE TABLE IF NOT EXISTS staging.ingest_notices (
    initiative_id VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    "column" VARCHAR,
    rule VARCHAR NOT NULL,
    message VARCHAR NOT NULL
)"""


def sql_type(dtype: object) -> str:
    text = str(dtype)
    if text.startswith("datetime64"):
        return "DATE"
    if text in ("Int64", "int64", "int32"):
        return "BIGINT"
    if text.startswith("float"):
        return "DOUBLE"
    if text in ("bool", "boolean"):
        return "BOOLEAN"
    return "VARCHAR"


def lock_wait_seconds() -> float:
    """How long a step waits for another process to let go of the warehouse file.

    ``COACHING_WAREHOUSE_LOCK_WAIT`` (seconds, default 300), read when a connection is opened.
    """
    return float(os.environ.get("COACHING_WAREHOUSE_LOCK_WAIT", "300"))


log = logging.getLogger(__name__)


def _open(path: Path, read_only: bool, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    """Open the file, waiting (with growing pauses) while another process holds DuckDB's file lock.

    DuckDB lets one process write a file at a time. Dagster's pool ``duckdb_warehouse`` keeps the
    steps of concurrent runs apart; this wait is the safety net for writers outside Dagster's
    view (two ``coaching build`` processes on an instance without the pool, a notebook).
    """
    deadline = time.monotonic() + wait_seconds
    pause = 0.2
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() + pause > deadline:
                raise
            if pause == 0.2:  # say once who holds it (DuckDB names the process)
                log.warning("the warehouse %s is in use by another process; waiting up to %.0f s: %s",
                            path, wait_seconds, str(exc).splitlines()[0])
            time.sleep(pause)
            pause = min(pause * 1.5, 5.0)


@contextmanager
def connect(path: Path, read_only: bool = False,
            wait_seconds: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse (creating folder, schemas and fixed tables when writing).

    ``wait_seconds`` defaults to :func:`lock_wait_seconds`.
    """
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = _open(path, read_only, lock_wait_seconds() if wait_seconds is None else wait_seconds)
    try:
        if not read_only:
            for schema in SCHEMAS:
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            con.execute(QUARANTINE_DDL)
            con.execute(DROPS_DDL)
            con.execute(NOTICES_DDL)
        yield con
    finally:
        con.close()


def _ensure_table(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Create the table from the frame's columns, or add columns it does not have yet."""
    schema, name = table.split(".")
    existing = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?",
            [schema, name],
        ).fetchall()
    }
    if not existing:
        cols = ", ".join(f'"{c}" {sql_type(t)}' for c, t in frame.dtypes.items())
        con.execute(f"CREATE TABLE {table} ({cols})")
        return
    for c, t in frame.dtypes.items():
        if c not in existing:
            con.execute(f'ALTER TABLE {table} ADD COLUMN "{c}" {sql_type(t)}')


def replace_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    frame: pd.DataFrame,
    *,
    key_column: str | None,
    keys: Sequence[str] = (),
    where: Mapping[str, object] | None = None,
) -> int:
    """Replace the rows whose ``key_column`` is in ``keys`` (all rows when ``key_column`` is None) with ``frame``.

    ``where`` narrows the rows replaced to those with these column values, e.g.
    ``{"table_name": "participants"}`` in the shared quarantine. The caller runs this inside a
    transaction (see :func:`transaction`).
    """
    _ensure_table(con, table, frame)
    conditions, parameters = [], []
    if key_column is not None:
        conditions.append(f'"{key_column}" IN (SELECT unnest(?))')
        parameters.append(list(keys))
    for column, value in (where or {}).items():
        if value is None:
            raise ValueError(f"replace_rows: where={{{column!r}: None}} would match no row; name a value")
        conditions.append(f'"{column.replace(chr(34), chr(34) * 2)}" = ?')
        parameters.append(value)
    con.execute(f"DELETE FROM {table} WHERE {' AND '.join(conditions) or 'TRUE'}", parameters)
    if len(frame):
        con.register("_incoming", frame)
        try:
            casts = ", ".join(
                f'CAST("{c}" AS {sql_type(t)}) AS "{c}"' for c, t in frame.dtypes.items()
            )
            con.execute(f"INSERT INTO {table} BY NAME SELECT {casts} FROM _incoming")
        finally:
            con.unregister("_incoming")
    return len(frame)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    schema, name = table.split(".")
    return bool(
        con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?", [schema, name]
        ).fetchone()[0]
    )


def purge_initiatives(con: duckdb.DuckDBPyConnection, initiative_ids: Sequence[str]) -> int:
    """Delete every row of initiatives whose folder is gone, from every table that has ``initiative_id``."""
    if not initiative_ids:
        return 0
    tables = con.execute(
        "SELECT DISTINCT table_schema || '.' || table_name FROM information_schema.columns "
        "WHERE column_name = 'initiative_id' ORDER BY 1"
    ).fetchall()
    deleted = 0
    with transaction(con):
        for (table,) in tables:
            deleted += con.execute(
                f"DELETE FROM {table} WHERE initiative_id IN (SELECT unnest(?))", [list(initiative_ids)]
            ).fetchone()[0]
    return deleted


def initiatives_present(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every initiative id found in any table with an ``initiative_id`` column (``all`` excluded)."""
    tables = con.execute(
        "SELECT DISTINCT table_schema || '.' || table_name FROM information_schema.columns "
        "WHERE column_name = 'initiative_id' ORDER BY 1"
    ).fetchall()
    if not tables:
        return []
    union = " UNION ".join(f"SELECT DISTINCT initiative_id FROM {t}" for (t,) in tables)
    rows = con.execute(f"SELECT initiative_id FROM ({union}) WHERE initiative_id <> 'all' ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def read_if_exists(con: duckdb.DuckDBPyConnection, table: str, sql: str | None = None) -> pd.DataFrame:
    """``sql`` (default: the whole table) as a frame; an empty frame when the table does not exist yet."""
    if not table_exists(con, table):
        return pd.DataFrame()
    return con.execute(sql or f"SELECT * FROM {table}").df()
