"""The DuckDB warehouse: connections, idempotent writes and the one way to read a table.

The tables themselves are declared in :mod:`impact.warehouse.tables` (name, columns with
type and meaning, key, writers) and listed in docs/warehouse.md. A writing connection
creates every declared table; :func:`replace_rows` replaces the rows of the initiatives
being rebuilt inside one transaction, so a rebuild is idempotent and readers never see
half of it; :func:`read` returns a table's declared columns, filtered by column values.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import duckdb
import pandas as pd

from impact.warehouse.tables import BY_NAME, TABLES, Table

SCHEMAS = ("staging", "programme", "quality", "marts")

#: A filter on column values: ``{"initiative_id": ["a", "b"], "table_name": "participants"}`` keeps the rows
#: whose ``initiative_id`` is one of the list and whose ``table_name`` equals the value.
Where = Mapping[str, object]


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
    """Open the warehouse; a writing connection creates the folder, the schemas and every declared table.

    ``wait_seconds`` defaults to :func:`lock_wait_seconds`.
    """
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = _open(path, read_only, lock_wait_seconds() if wait_seconds is None else wait_seconds)
    try:
        if not read_only:
            create_tables(con)
        yield con
    finally:
        con.close()


def _existing_columns(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    columns: dict[str, dict[str, str]] = {}
    for table, column, data_type in con.execute(
        "SELECT table_schema || '.' || table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema IN (SELECT unnest(?)) ORDER BY table_schema, table_name, ordinal_position",
        [list(SCHEMAS)],
    ).fetchall():
        columns.setdefault(table, {})[column] = data_type
    return columns


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the schemas and every declared table, and bring a warehouse written by older code up to date.

    A declared column the table lacks is added; a column no longer declared NOT NULL loses the constraint
    (``source_sha256`` of a drop refused unread). A table whose column has another type than declared
    (e.g. a list that used to be stored as text) is dropped and created anew: everything in the warehouse
    is derived from ``raw_data/``, and the next build of each initiative refills it (a warning says so).
    """
    for schema in SCHEMAS:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    existing = _existing_columns(con)
    not_null = _not_null_columns(con)
    for table in TABLES:
        have = existing.get(table.name)
        if have is not None:
            changed = [c.name for c in table.columns if c.name in have and have[c.name] != c.type]
            if changed:
                log.warning("%s: column(s) %s changed type in this version of the code; the table is created anew "
                            "and holds only what is rebuilt from now on (run a full `coaching build`)",
                            table.name, ", ".join(changed))
                con.execute(f"DROP TABLE {table.name}")
                have = None
        if have is None:
            con.execute(table.ddl())
            continue
        for column in table.columns:
            if column.name not in have:
                con.execute(f"ALTER TABLE {table.name} ADD COLUMN {column.ddl.replace(' NOT NULL', '')}")
            elif not column.not_null and (table.name, column.name) in not_null:
                con.execute(f"ALTER TABLE {table.name} ALTER COLUMN {_quoted(column.name)} DROP NOT NULL")


def _not_null_columns(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """(table, column) of every column the warehouse holds NOT NULL."""
    return set(con.execute(
        "SELECT table_schema || '.' || table_name, column_name FROM information_schema.columns "
        "WHERE table_schema IN (SELECT unnest(?)) AND is_nullable = 'NO'", [list(SCHEMAS)]).fetchall())


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _conditions(table: Table, where: Where | None) -> tuple[str, list[object]]:
    """``where`` as SQL: a list, tuple or set of values is ``IN``, any other value ``=``."""
    conditions, parameters = [], []
    for column, value in (where or {}).items():
        table.column(column)  # refuses a column the table does not declare
        if value is None:
            raise ValueError(f"{table.name}: where={{{column!r}: None}} would match no row; name a value")
        if isinstance(value, (list, tuple, set, frozenset)):
            conditions.append(f"{_quoted(column)} IN (SELECT unnest(?))")
            parameters.append(sorted(value) if isinstance(value, (set, frozenset)) else list(value))
        else:
            conditions.append(f"{_quoted(column)} = ?")
            parameters.append(value)
    return " AND ".join(conditions) or "TRUE", parameters


def replace_rows(con: duckdb.DuckDBPyConnection, table: Table, frame: pd.DataFrame, *, where: Where) -> int:
    """Replace the rows matching ``where`` with ``frame`` (``where={}`` replaces the whole table).

    ``frame`` is held to the declaration (:meth:`Table.conform`): a column nobody declared is an error,
    every value is cast to its declared type. A table with open columns (the survey items) gains the
    columns the frame brings. The caller runs this inside a transaction (see :func:`transaction`).
    """
    rows = table.conform(frame)
    if table.open_columns is not None:
        have = set(_existing_columns(con).get(table.name, {}))
        for column in rows.columns:
            if column not in have:
                con.execute(f"ALTER TABLE {table.name} ADD COLUMN {_quoted(column)} {table.open_columns.type}")
    condition, parameters = _conditions(table, where)
    con.execute(f"DELETE FROM {table.name} WHERE {condition}", parameters)
    if len(rows):
        con.register("_incoming", rows)
        try:
            casts = ", ".join(f"CAST({_quoted(c)} AS {table.column(c).type}) AS {_quoted(c)}" for c in rows.columns)
            con.execute(f"INSERT INTO {table.name} BY NAME SELECT {casts} FROM _incoming")
        finally:
            con.unregister("_incoming")
    return len(rows)


#: The tables the running step declared it reads; ``None`` outside such a step (the CLI, a notebook).
_DECLARED_READS: ContextVar[frozenset[str] | None] = ContextVar("declared_reads", default=None)


class UndeclaredRead(RuntimeError):
    """A step read a table it did not declare, so its ``deps`` would miss the table's writer."""


@contextmanager
def declared_reads(tables: Sequence[Table]) -> Iterator[None]:
    """Within this block, :func:`read` and :func:`query` refuse tables outside ``tables``.

    The assets take their ``deps`` from the same list (``tables.writers_of``), so a read the
    dependencies do not cover fails the step instead of racing the table's writer.
    """
    token = _DECLARED_READS.set(frozenset(t.name for t in tables))
    try:
        yield
    finally:
        _DECLARED_READS.reset(token)


def _note_read(table: Table) -> None:
    allowed = _DECLARED_READS.get()
    if allowed is not None and table.name not in allowed:
        raise UndeclaredRead(f"{table.name} is read but not among the tables this step declares it reads "
                             f"({', '.join(sorted(allowed)) or 'none'})")


def read(con: duckdb.DuckDBPyConnection, table: Table, *, where: Where | None = None,
         columns: Sequence[str] | None = None, order_by: Sequence[str] | None = None) -> pd.DataFrame:
    """Rows of ``table`` matching ``where``, as a frame of the declared columns (``columns`` to choose some).

    Rows come in ``order_by`` order, by default sorted on every column, so a read is repeatable.
    A table the warehouse does not have yet (a read-only connection to an older file) reads as empty.
    """
    _note_read(table)
    names = list(columns) if columns is not None else None
    if not table_exists(con, table.name):
        empty = table.empty()
        return empty[names] if names is not None else empty
    selected = ", ".join(_quoted(c) for c in names) if names is not None else "*"
    for column in names or ():
        table.column(column)
    condition, parameters = _conditions(table, where)
    order = ", ".join(_quoted(c) for c in order_by) if order_by else "ALL"
    sql = f"SELECT {selected} FROM {table.name} WHERE {condition} ORDER BY {order}"
    return con.execute(sql, parameters).df()


def query(con: duckdb.DuckDBPyConnection, sql: str, *, reads: Sequence[Table],
          parameters: Sequence[object] = ()) -> pd.DataFrame:
    """An aggregate or a join over warehouse tables that :func:`read` cannot express.

    ``reads`` names every table ``sql`` reads, for the step's declared reads; when one of them
    does not exist yet (a read-only connection to an older file), the result is an empty frame.
    """
    for table in reads:
        _note_read(table)
    if not all(table_exists(con, t.name) for t in reads):
        return pd.DataFrame()
    return con.execute(sql, list(parameters)).df()


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


def _per_initiative_tables(con: duckdb.DuckDBPyConnection) -> list[Table]:
    return [t for t in TABLES if t.per_initiative and table_exists(con, t.name)]


def purge_initiatives(con: duckdb.DuckDBPyConnection, initiative_ids: Sequence[str]) -> int:
    """Delete every row of initiatives whose folder is gone, from every table that has ``initiative_id``."""
    if not initiative_ids:
        return 0
    deleted = 0
    with transaction(con):
        for table in _per_initiative_tables(con):
            deleted += con.execute(
                f"DELETE FROM {table.name} WHERE initiative_id IN (SELECT unnest(?))", [list(initiative_ids)]
            ).fetchone()[0]
    return deleted


def initiatives_present(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every initiative id found in any table with an ``initiative_id`` column (``all`` excluded)."""
    tables = _per_initiative_tables(con)
    if not tables:
        return []
    union = " UNION ".join(f"SELECT DISTINCT initiative_id FROM {t.name}" for t in tables)
    rows = con.execute(f"SELECT initiative_id FROM ({union}) WHERE initiative_id <> 'all' ORDER BY 1").fetchall()
    return [r[0] for r in rows]


__all__ = [
    "BY_NAME", "SCHEMAS", "Table", "UndeclaredRead", "Where", "connect", "create_tables", "declared_reads",
    "initiatives_present", "lock_wait_seconds", "purge_initiatives", "query", "read", "replace_rows",
    "table_exists", "transaction",
]
