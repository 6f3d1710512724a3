"""The ``quality_results`` table: one row per check, table, initiative and expectation."""

from __future__ import annotations

import duckdb
import pandas as pd

from impact import warehouse
from impact.programme import read_settings
from impact.quality.expectations import RESULT_COLUMNS
from impact.warehouse import tables

#: What every quality rule reads besides its own frame: the programme year (:func:`programme_year`)
#: and the initiatives it reports on (:func:`known_initiatives`).
CONTEXT_READS = (tables.SETTINGS, tables.INITIATIVES, tables.DROPS)


def programme_year(con: duckdb.DuckDBPyConnection) -> int:
    return read_settings(con).year


def known_initiatives(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Initiatives with a Theory of Change or with drops."""
    ids = set(warehouse.read(con, tables.INITIATIVES, columns=["initiative_id"])["initiative_id"])
    ids |= set(warehouse.read(con, tables.DROPS, columns=["initiative_id"])["initiative_id"])
    return sorted(ids - {"all"})


def replace_results(con: duckdb.DuckDBPyConnection, check_name: str, table_name: str, results: pd.DataFrame) -> None:
    """Replace one check's rows for one table (all initiatives), in a transaction."""
    with warehouse.transaction(con):
        warehouse.replace_rows(con, tables.QUALITY_RESULTS, results,
                               where={"check_name": check_name, "table_name": table_name})


def _per_initiative(
    drops: pd.DataFrame, ok: str, *, check_name: str, table_name: str, severity: str, expectation: str,
    expected: str, description: str, where: pd.Series, observed: pd.Series | None = None,
) -> pd.DataFrame:
    """Roll a per-drop frame up to one ``quality_results`` row per initiative; ``ok`` is the column
    saying whether a drop meets the expectation, ``where`` names the drops that do not."""
    per = drops.groupby("initiative_id", sort=True).agg(
        off=(ok, lambda b: int((~b).sum())), drops=("source_file", "size")
    ).reset_index()
    failing = where[~drops[ok]].groupby(drops.loc[~drops[ok], "initiative_id"]).agg("; ".join)
    return tables.QUALITY_RESULTS.conform(pd.DataFrame(
        {
            "check_name": check_name,
            "table_name": table_name,
            "initiative_id": per["initiative_id"],
            "severity": severity,
            "outcome": per["off"].map(lambda n: "passed" if n == 0 else ("failed" if severity == "ERROR" else "warning")),
            "expectation": expectation,
            "column": None,
            "element_count": per["drops"],
            "unexpected_count": per["off"],
            "unexpected_percent": 100.0 * per["off"] / per["drops"],
            "observed_value": per["initiative_id"].map(observed) if observed is not None else None,
            "expected": expected,
            "description": description,
            "failing_rows": per["initiative_id"].map(failing),
        },
        columns=list(RESULT_COLUMNS),
    ))


def accounting_results(accounting: pd.DataFrame, table_name: str) -> pd.DataFrame:
    """The row accounting per initiative (ERROR), in the shape of ``quality_results``."""
    if accounting.empty:
        return tables.QUALITY_RESULTS.empty()
    totals = accounting.groupby("initiative_id")[["raw_rows", "staged_rows", "quarantined_rows"]].sum()
    observed = (totals["raw_rows"].astype(str) + " raw = " + totals["staged_rows"].astype(str) + " staged + "
                + totals["quarantined_rows"].astype(str) + " quarantined")
    return _per_initiative(
        accounting, "balanced", check_name="raw_rows_add_up", table_name=table_name, severity="ERROR",
        expectation="raw rows = staged rows + quarantined rows, per drop", expected="every drop adds up",
        description="Every raw row of every drop is either staged or quarantined.",
        where=accounting["source_file"], observed=observed,
    )


def recount_results(accounting: pd.DataFrame, table_name: str) -> pd.DataFrame:
    """pandas' recount of every drop against the rows the pipeline read, per initiative (WARN)."""
    if accounting.empty or "recount_agrees" not in accounting:
        return tables.QUALITY_RESULTS.empty()
    known = accounting[accounting["initiative_id"] != "(unknown drop)"]
    counted = known["recounted_rows"].astype("object").where(known["recounted_rows"].notna(), "none").astype(str)
    return _per_initiative(
        known, "recount_agrees", check_name="raw_rows_recount", table_name=table_name, severity="WARN",
        expectation="pandas counts as many data rows in each drop as the pipeline read", expected="the same count",
        description="A second reader (pandas) counts the same rows in each drop; if not, look at the file",
        where=known["source_file"] + ": read " + known["recorded_raw_rows"].astype(str) + ", pandas counts " + counted,
    )
