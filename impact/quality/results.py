"""The ``quality_results`` table: one row per check, table, initiative and expectation."""

from __future__ import annotations

import duckdb
import pandas as pd

from impact import warehouse
from impact.language import Translator
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


def accounting_results(accounting: pd.DataFrame, table_name: str, language: str = "nl") -> pd.DataFrame:
    """The row accounting per initiative (ERROR), in the shape of ``quality_results``, in ``language``."""
    if accounting.empty:
        return tables.QUALITY_RESULTS.empty()
    tr = Translator(language)
    totals = accounting.groupby("initiative_id")[["raw_rows", "staged_rows", "quarantined_rows"]].sum()
    observed = pd.Series([tr.t("quality.accounting.observed" + ("_one" if r.raw_rows == 1 else ""), raw=tr.num(r.raw_rows, 0), staged=tr.num(r.staged_rows, 0),
                               quarantined=tr.num(r.quarantined_rows, 0)) for r in totals.itertuples()],
                         index=totals.index, dtype=object)
    return _per_initiative(
        accounting, "balanced", check_name="raw_rows_add_up", table_name=table_name, severity="ERROR",
        expectation=tr.t("quality.accounting.expectation"), expected=tr.t("quality.accounting.expected"),
        description=tr.t("quality.accounting.description"),
        where=accounting["source_file"], observed=observed,
    )


def recount_results(accounting: pd.DataFrame, table_name: str, language: str = "nl") -> pd.DataFrame:
    """A second reader's (pandas') recount of every drop against the rows the pipeline read, per initiative (WARN),
    in ``language``."""
    if accounting.empty or "recount_agrees" not in accounting:
        return tables.QUALITY_RESULTS.empty()
    tr = Translator(language)
    known = accounting[accounting["initiative_id"] != "(unknown drop)"]
    where = pd.Series([
        tr.t("quality.recount.unreadable" + ("_one" if read == 1 else ""), file=f, read=tr.num(read, 0))
        if pd.isna(counted) else
        tr.t("quality.recount.differs" + ("_one" if read == 1 else ""), file=f, read=tr.num(read, 0),
             counted=tr.num(counted, 0))
        for f, read, counted in zip(known["source_file"], known["recorded_raw_rows"], known["recounted_rows"])],
        index=known.index, dtype=object)
    return _per_initiative(
        known, "recount_agrees", check_name="raw_rows_recount", table_name=table_name, severity="WARN",
        expectation=tr.t("quality.recount.expectation"), expected=tr.t("quality.recount.expected"),
        description=tr.t("quality.recount.description"), where=where,
    )
