"""The data-quality page: what was quarantined and why, which checks warned, per initiative.

It is written for coaches and the initiatives, in the programme's language: plain sentences, initiatives
by name, problems grouped by cause (one line for a file coded one too low, one per misspelt value with all
its rows), each with its file, rows and column as the coach wrote them; no internal codes, nothing that
identifies a person. The CSV files beside it keep every entry as the warehouse holds it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
from jinja2 import Environment, PackageLoader

from impact import warehouse
from impact.contracts.problems import group_problems, row_ranges
from impact.language import Translator
from impact.reporting.files import csv_bytes, write_atomic
from impact.reporting.report_data import not_passed
from impact.warehouse import tables
from impact.warehouse.tables import Table

TEMPLATE = "data_quality.html.j2"


#: Exactly the tables :func:`collect` reads (the data-quality asset's ``deps`` and declared reads).
TABLES_READ: tuple[Table, ...] = (tables.INITIATIVES, tables.DROPS, tables.QUALITY_RESULTS, tables.QUARANTINE,
                                  tables.INGEST_NOTICES, tables.INITIATIVE_FOLDERS, tables.CONFIG_ERRORS)
PROGRAMME_ROWS = "all"  # the coaching log's rows belong to the programme, not to one initiative


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
        "names": warehouse.read(con, tables.INITIATIVES, columns=["initiative_id", "name"], order_by=["initiative_id"]),
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
                     "element_count", "unexpected_count", "failing_rows"],
            order_by=["initiative_id", "outcome", "table_name", "check_name", "description", "column"])),
        "reasons": warehouse.query(con, f"""
            SELECT initiative_id, table_name, rule, count(*) AS entries
            FROM {tables.QUARANTINE.name} GROUP BY ALL ORDER BY initiative_id, table_name, entries DESC, rule""",
                                   reads=[tables.QUARANTINE]),
        "quarantine": _quarantine(con),
        "notices": warehouse.read(con, tables.INGEST_NOTICES,
                                  columns=["initiative_id", "table_name", "source_file", "column", "rule", "message"],
                                  order_by=["initiative_id", "source_file", "column", "rule", "table_name", "message"]),
        # what keeps an initiative out of every report: its folder refused, or its Theory of Change unusable
        # (read apart: a warehouse written by older code may lack the folders' table, not the Theory of Change errors)
        "not_built": pd.concat([
            warehouse.read(con, tables.INITIATIVE_FOLDERS, columns=["folder", "message"], order_by=["folder"])
            .dropna(subset=["message"]).set_axis(["file", "problem"], axis=1),
            warehouse.read(con, tables.CONFIG_ERRORS, columns=["source_file", "problem"], order_by=["source_file"])
            .set_axis(["file", "problem"], axis=1)], ignore_index=True),
        "results": warehouse.read(con, tables.QUALITY_RESULTS,
                                  order_by=["table_name", "check_name", "initiative_id", "column", "description"]),
    }


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows for the template; missing values become empty strings."""
    return frame.astype(object).where(frame.notna(), "").to_dict("records")


#: Checks whose observed value is a share of people (the response rate, the retention): shown as a percentage.
SHARE_CHECKS = frozenset({"response_and_retention"})


def found_words(check_name: str, element_count, unexpected_count, observed, tr: Translator) -> str:
    """What a check found, in words: the rows not as expected, and the value observed (a share as a percentage,
    a number with the language's decimal mark). A check of one figure (a response rate) names the figure only:
    "1 not as expected" would count the figure, not people."""
    parts = []
    one_figure = not pd.isna(element_count) and int(element_count) == 1 and isinstance(observed, str) and observed
    if not pd.isna(unexpected_count) and not one_figure:
        parts.append(tr.t("data_quality.not_as_expected", n=int(unexpected_count)))
    if isinstance(observed, str) and observed:
        try:
            value = float(observed)
        except ValueError:
            parts.append(observed)
        else:
            shown = tr.pct(value, 0) if check_name in SHARE_CHECKS else tr.num(value, 2)
            parts.append(tr.t("data_quality.observed", value=shown))
    return "; ".join(parts)


def _found(row, tr: Translator) -> str:
    return found_words(row["check_name"], row.get("element_count"), row["unexpected_count"], row["observed_value"], tr)


def _words(tr: Translator, group: str, key: object) -> str:
    """A table name or check outcome in words; one without words yet shows as it is (a test keeps that from happening)."""
    return tr.t(f"{group}.{key}") if tr.has(f"{group}.{key}") else str(key)


def render(data: dict[str, pd.DataFrame], year: int, language: str = "nl") -> str:
    tr = Translator(language)
    names = dict(zip(data["names"]["initiative_id"], data["names"]["name"]))

    def who(initiative_id: str) -> str:
        return tr.t("data_quality.programme_rows") if initiative_id == PROGRAMME_ROWS else names.get(initiative_id, initiative_id)

    def without_file(message: str, source_file: str) -> str:
        return message.removeprefix(f"{source_file}: ")

    env = Environment(loader=PackageLoader("impact.reporting"), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    per = data["drops"].merge(data["checks"], on="initiative_id", how="outer") if len(data["drops"]) else data["drops"]
    per = per.astype(object).where(per.notna(), 0).to_dict("records")
    for r in per:
        r["who"] = who(r["initiative_id"])
    not_met = [{**r, "who": who(r["initiative_id"]), "about": _words(tr, "table", r["table_name"]),
                "outcome_words": _words(tr, "outcome", r["outcome"]), "found": _found(r, tr)}
               for r in data["not_met"].to_dict("records")]
    not_met = [{k: ("" if v is None or (isinstance(v, float) and pd.isna(v)) else v) for k, v in r.items()} for r in not_met]
    reasons = [{"who": who(r["initiative_id"]), "about": _words(tr, "table", r["table_name"]),
                "reason": tr.quarantine_reason(r["rule"]), "entries": int(r["entries"])}
               for r in data["reasons"].to_dict("records")]
    quarantine = data["quarantine"]
    causes = []
    for (initiative_id, source_file), entries in quarantine.groupby(["initiative_id", "source_file"], sort=False):
        for g in group_problems(entries, tr):
            causes.append({"who": who(initiative_id), "file": source_file, "column": g.column,
                           "rows": row_ranges(g.rows, tr) if g.rows else tr.t("data_quality.whole_file"),
                           "text": without_file(g.text, source_file)})
    notices = [{"who": who(r["initiative_id"]), "file": r["source_file"], "text": without_file(r["message"], r["source_file"])}
               for r in data["notices"].to_dict("records")]
    return env.get_template(TEMPLATE).render(
        t=tr.t, num=tr.num, language=language, year=year,
        per_initiative=per, not_met=not_met, reasons=reasons, causes=causes, notices=notices,
        not_built=_records(data["not_built"]),
    )


def write_data_quality_page(con: duckdb.DuckDBPyConnection, reports: Path, year: int, language: str = "nl") -> list[Path]:
    """Write ``reports/<year>/data_quality/`` (index.html and the tables as CSV); returns the files written."""
    data = collect(con)
    folder = reports / str(year) / "data_quality"
    written = [write_atomic(folder / "index.html", render(data, year, language).encode("utf-8"))]
    for name in ("results", "quarantine", "notices"):
        written.append(write_atomic(folder / f"{'quality_results' if name == 'results' else name}.csv", csv_bytes(data[name])))
    return written
