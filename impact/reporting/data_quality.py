"""The data-quality page: what was quarantined and why, which checks warned, per initiative.

It is written for coaches and the initiatives: plain sentences, every problem
with its file, row and column, nothing that identifies a person.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
from jinja2 import Environment, PackageLoader

from impact import warehouse
from impact.reporting.files import csv_bytes, write_atomic
from impact.reporting.report_data import not_passed
from impact.warehouse import tables
from impact.warehouse.tables import Table

TEMPLATE = "data_quality.html.j2"


#: Exactly the tables :func:`collect` reads (the data-quality asset's ``deps`` and declared reads).
TABLES_READ: tuple[Table, ...] = (tables.DROPS, tables.QUALITY_RESULTS, tables.QUARANTINE, tables.INGEST_NOTICES)


def _quarantine(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The quarantine entries per initiative and drop; a refused drop (no row) before its rows."""
    entries = warehouse.read(con, tables.QUARANTINE,
                             columns=["initiative_id", "table_name", "source_file", "source_row", "column", "rule",
                                      "message"],
                             order_by=["initiative_id", "source_file", "source_row", "column", "table_name", "rule",
                                       "message"])
    # a stable sort keeps the order above among the entries of a row; only source_row may be missing
    return entries.sort_values(["initiative_id", "source_file", "source_row"], na_position="first",
                               kind="stable").reset_index(drop=True)


def collect(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Everything the page shows, in a stable order."""
    return {
        "drops": warehouse.query(con, f"""
            SELECT initiative_id, count(*) AS drops, sum(raw_rows) AS raw_rows, sum(staged_rows) AS staged_rows,
                   sum(quarantined_rows) AS quarantined_rows, sum(refused::INT) AS refused_drops
            FROM {tables.DROPS.name} GROUP BY ALL ORDER BY initiative_id""", reads=[tables.DROPS]),
        "checks": warehouse.query(con, f"""
            SELECT initiative_id,
                   count(*) FILTER (WHERE outcome = 'passed') AS passed,
                   count(*) FILTER (WHERE outcome = 'warning') AS warnings,
                   count(*) FILTER (WHERE outcome = 'failed') AS failed
            FROM {tables.QUALITY_RESULTS.name} GROUP BY ALL ORDER BY initiative_id""", reads=[tables.QUALITY_RESULTS]),
        "not_met": not_passed(warehouse.read(
            con, tables.QUALITY_RESULTS,
            columns=["initiative_id", "table_name", "check_name", "outcome", "description", "observed_value",
                     "unexpected_count", "failing_rows"],
            order_by=["initiative_id", "outcome", "table_name", "check_name", "description", "column"])),
        "reasons": warehouse.query(con, f"""
            SELECT initiative_id, table_name, rule, count(*) AS entries
            FROM {tables.QUARANTINE.name} GROUP BY ALL ORDER BY initiative_id, table_name, entries DESC, rule""",
                                   reads=[tables.QUARANTINE]),
        "quarantine": _quarantine(con),
        "notices": warehouse.read(con, tables.INGEST_NOTICES,
                                  columns=["initiative_id", "table_name", "source_file", "column", "rule", "message"],
                                  order_by=["initiative_id", "source_file", "column", "rule", "table_name", "message"]),
        "results": warehouse.read(con, tables.QUALITY_RESULTS,
                                  order_by=["table_name", "check_name", "initiative_id", "column", "description"]),
    }


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows for the template; missing values become empty strings."""
    return frame.astype(object).where(frame.notna(), "").to_dict("records")


def render(data: dict[str, pd.DataFrame], year: int) -> str:
    env = Environment(loader=PackageLoader("impact.reporting"), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    per = data["drops"].merge(data["checks"], on="initiative_id", how="outer") if len(data["drops"]) else data["drops"]
    return env.get_template(TEMPLATE).render(
        year=year,
        per_initiative=per.astype(object).where(per.notna(), 0).to_dict("records"),
        not_met=_records(data["not_met"]),
        reasons=_records(data["reasons"]),
        quarantine=_records(data["quarantine"]),
        notices=_records(data["notices"]),
    )


def write_data_quality_page(con: duckdb.DuckDBPyConnection, reports: Path, year: int) -> list[Path]:
    """Write ``reports/<year>/data_quality/`` (index.html and the tables as CSV); returns the files written."""
    data = collect(con)
    folder = reports / str(year) / "data_quality"
    written = [write_atomic(folder / "index.html", render(data, year).encode("utf-8"))]
    for name in ("results", "quarantine", "notices"):
        written.append(write_atomic(folder / f"{'quality_results' if name == 'results' else name}.csv", csv_bytes(data[name])))
    return written
