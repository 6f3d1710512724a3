"""The ``quality_results`` table: one row per check, table, initiative and expectation."""

from __future__ import annotations

import duckdb
import pandas as pd

from impact import warehouse
from impact.quality.expectations import RESULT_COLUMNS

QUALITY_TABLE = "quality.quality_results"


def programme_year(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT year FROM programme.settings").fetchone()[0])


def known_initiatives(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Initiatives with a Theory of Change or with drops."""
    parts = []
    if warehouse.table_exists(con, "programme.initiatives"):
        parts.append("SELECT initiative_id FROM programme.initiatives")
    parts.append("SELECT initiative_id FROM staging.drops WHERE initiative_id <> 'all'")
    return [r[0] for r in con.execute(" UNION ".join(parts) + " ORDER BY 1").fetchall()]


def replace_results(con: duckdb.DuckDBPyConnection, check_name: str, table_name: str, results: pd.DataFrame) -> None:
    """Replace one check's rows for one table (all initiatives), in a transaction."""
    frame = results.reindex(columns=list(RESULT_COLUMNS))
    with warehouse.transaction(con):
        con.execute("CREATE SCHEMA IF NOT EXISTS quality")
        warehouse.replace_rows(
            con, QUALITY_TABLE, frame, key_column="check_name", keys=[check_name],
            extra_where=f"AND table_name = '{table_name}'",
        )


def accounting_results(accounting: pd.DataFrame, table_name: str) -> pd.DataFrame:
    """The row accounting per initiative, in the shape of ``quality_results``."""
    if accounting.empty:
        return pd.DataFrame(columns=list(RESULT_COLUMNS))
    per = accounting.groupby("initiative_id", sort=True).agg(
        raw=("raw_rows", "sum"), staged=("staged_rows", "sum"), quarantined=("quarantined_rows", "sum"),
        off=("balanced", lambda b: int((~b).sum())), drops=("source_file", "size"),
    ).reset_index()
    bad = accounting[~accounting["balanced"]].groupby("initiative_id")["source_file"].agg("; ".join)
    return pd.DataFrame(
        {
            "check_name": "raw_rows_add_up",
            "table_name": table_name,
            "initiative_id": per["initiative_id"],
            "severity": "ERROR",
            "outcome": per["off"].map(lambda n: "passed" if n == 0 else "failed"),
            "expectation": "raw rows = staged rows + quarantined rows, per drop",
            "column": None,
            "element_count": per["drops"].astype("Int64"),
            "unexpected_count": per["off"].astype("Int64"),
            "unexpected_percent": (100.0 * per["off"] / per["drops"]).astype("float64"),
            "observed_value": per["raw"].astype(str) + " raw = " + per["staged"].astype(str) + " staged + "
            + per["quarantined"].astype(str) + " quarantined",
            "expected": "every drop adds up",
            "description": "Every raw row of every drop is either staged or quarantined.",
            "failing_rows": per["initiative_id"].map(bad),
        },
        columns=list(RESULT_COLUMNS),
    )


def recount_results(accounting: pd.DataFrame, table_name: str) -> pd.DataFrame:
    """pandas' recount of every drop against the rows the pipeline read, per initiative (WARN)."""
    if accounting.empty or "recount_agrees" not in accounting:
        return pd.DataFrame(columns=list(RESULT_COLUMNS))
    known = accounting[accounting["initiative_id"] != "(unknown drop)"]
    per = known.groupby("initiative_id", sort=True).agg(
        off=("recount_agrees", lambda b: int((~b).sum())), drops=("source_file", "size")
    ).reset_index()
    disagree = known[~known["recount_agrees"]]
    where = (disagree["source_file"] + ": read " + disagree["recorded_raw_rows"].astype(str) + ", pandas counts "
             + disagree["recounted_rows"].astype("object").where(disagree["recounted_rows"].notna(), "none").astype(str))
    where = where.groupby(disagree["initiative_id"]).agg("; ".join)
    return pd.DataFrame(
        {
            "check_name": "raw_rows_recount",
            "table_name": table_name,
            "initiative_id": per["initiative_id"],
            "severity": "WARN",
            "outcome": per["off"].map(lambda n: "passed" if n == 0 else "warning"),
            "expectation": "pandas counts as many data rows in each drop as the pipeline read",
            "column": None,
            "element_count": per["drops"].astype("Int64"),
            "unexpected_count": per["off"].astype("Int64"),
            "unexpected_percent": (100.0 * per["off"] / per["drops"]).astype("float64"),
            "observed_value": None,
            "expected": "the same count",
            "description": "A second reader (pandas) counts the same rows in each drop; if not, look at the file",
            "failing_rows": per["initiative_id"].map(where),
        },
        columns=list(RESULT_COLUMNS),
    )
