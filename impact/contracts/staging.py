"""From a drop read as text to staged rows and quarantined rows.

Every raw row ends in exactly one of the two (DESIGN.md §4). A row breaks the
contract when a cell cannot be coerced to its type or fails a pandera check;
it then goes to quarantine with one entry per broken cell, each naming the
file, the row, the column, the value and what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import pandas as pd
import pandera.pandas as pa

from impact.contracts import coercion
from impact.contracts.models import DATE_WORDS, REQUIRED_COLUMNS, schema_for
from impact.errors import UnreadableDrop
from impact.ingest.drops import Drop
from impact.ingest.readers import ACCEPTED, EXTRA_VALUES, RawTable, read_drop
from impact.instruments import instrument_of_column

LINEAGE_COLUMNS = ("initiative_id", "source_file", "source_sha256", "source_row")
QUARANTINE_COLUMNS = (
    "initiative_id",
    "table_name",
    "source_file",
    "source_sha256",
    "source_row",
    "column",
    "value",
    "rule",
    "message",
)
TABLE_NAMES = {
    "participants": "participants",
    "activities": "activities",
    "survey": "survey_responses",
    "coaching_sessions": "coaching_sessions",
}
MAX_VALUE_SHOWN = 200
# Never shown in messages; pseudonymised before anything is stored (impact.privacy).
PSEUDONYMISED_COLUMNS = frozenset({"participant_id"})


@dataclass
class StagedDrop:
    """The outcome of one drop: staged rows, quarantined entries and notes for the coach."""

    drop: Drop
    raw_rows: int
    staged: pd.DataFrame
    quarantine: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    refused: bool = False

    @property
    def quarantined_rows(self) -> int:
        q = self.quarantine
        if self.refused:
            return self.raw_rows
        return int(q["source_row"].nunique()) if len(q) else 0


@dataclass(frozen=True)
class ContractContext:
    """What the contract needs to know beyond the file itself."""

    waves: tuple[str, ...] = ("baseline", "follow_up")
    custom_outcomes: tuple[str, ...] = ()
    initiative_ids: tuple[str, ...] | None = None


def _shown(value: object) -> str:
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    return text if len(text) <= MAX_VALUE_SHOWN else text[:MAX_VALUE_SHOWN] + f"… ({len(text)} characters)"


def refusal(drop: Drop, reason: str, rule: str) -> pd.DataFrame:
    """One quarantine entry without a row number: the whole drop is refused."""
    return pd.DataFrame(
        [
            {
                "initiative_id": drop.initiative_id,
                "table_name": TABLE_NAMES[drop.kind],
                "source_file": drop.source_file,
                "source_sha256": drop.sha256,
                "source_row": None,
                "column": None,
                "value": None,
                "rule": rule,
                "message": f"{drop.source_file}: the whole file is refused: it {reason}",
            }
        ],
        columns=list(QUARANTINE_COLUMNS),
    ).astype({"source_row": "Int64"})


def stage_file(drop: Drop, context: ContractContext) -> StagedDrop:
    """Read and stage one drop; a drop that cannot be used at all is refused as a whole."""
    try:
        raw = read_drop(drop.path, drop.source_file, drop.kind)
    except UnreadableDrop as exc:
        return StagedDrop(drop, 0, _empty_staged(drop.kind), refusal(drop, exc.reason, exc.rule), refused=True)
    return stage_table(raw, drop, context)


def stage_table(raw: RawTable, drop: Drop, context: ContractContext) -> StagedDrop:
    kind = drop.kind
    frame = raw.frame
    n = len(frame)
    missing = [c for c in REQUIRED_COLUMNS[kind] if c not in raw.header]
    if missing:
        need = ", ".join(REQUIRED_COLUMNS[kind])
        found = ", ".join(raw.original_header)
        reason = (
            f"lacks the required column{'s' if len(missing) > 1 else ''} {', '.join(repr(m) for m in missing)}; "
            f"a {TABLE_NAMES[kind]} file needs the columns {need} (found: {found})"
        )
        return StagedDrop(drop, n, _empty_staged(kind), refusal(drop, reason, "missing_column"), list(raw.notes), refused=True)

    schema = schema_for(kind, waves=list(context.waves), initiative_ids=list(context.initiative_ids) if context.initiative_ids is not None else None)
    notes = list(raw.notes)
    kept_extra = _extra_columns(kind, raw.header, schema, context)
    dropped = [c for c in raw.header if c not in schema.columns and c not in kept_extra]
    if dropped:
        notes.append(f"{drop.source_file}: column(s) {', '.join(dropped)} are not part of the contract and are not used")

    typed = pd.DataFrame(index=frame.index)
    problems: list[pd.DataFrame] = []
    for name, column in schema.columns.items():
        source = frame[name] if name in frame.columns else pd.Series([None] * n, index=frame.index, dtype="object")
        values, failed = _coerce(source, column)
        typed[name] = values
        if failed.any():
            problems.append(_entries(drop, frame, failed, name, source, *_coercion_rule(source[failed], column)))
    for name in kept_extra:
        typed[name] = coercion.clean_text(frame[name])

    already = _failed_cells(problems)
    try:
        schema.validate(typed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems.extend(_pandera_entries(drop, frame, typed, schema, exc.failure_cases, already))

    extra = frame[EXTRA_VALUES] != ""
    if extra.any():
        problems.append(
            _entries(drop, frame, extra, "(beyond the last column)", frame[EXTRA_VALUES], "extra_values",
                     f"the row has more values than the header has columns ({len(raw.header)}); check the separator or quotes")
        )

    quarantine = pd.concat(problems, ignore_index=True) if problems else _empty_quarantine()
    bad_rows = set(quarantine["source_row"].dropna().astype(int))
    ok = ~frame["source_row"].isin(bad_rows)
    staged = typed[ok].copy()
    staged.insert(0, "source_row", frame.loc[ok, "source_row"].astype("int64"))
    staged.insert(0, "source_sha256", drop.sha256)
    staged.insert(0, "source_file", drop.source_file)
    if "initiative_id" in staged.columns:  # the coaching log names the initiative per row
        staged.insert(0, "initiative_id", staged.pop("initiative_id"))
    else:
        staged.insert(0, "initiative_id", drop.initiative_id)
    quarantine = quarantine.sort_values(["source_row", "column"], kind="stable").reset_index(drop=True)
    return StagedDrop(drop, n, staged.reset_index(drop=True), quarantine, notes)


def _extra_columns(kind: str, header: list[str], schema: pa.DataFrameSchema, context: ContractContext) -> list[str]:
    """Survey item columns kept beside the contract's columns: registered instruments and custom outcomes."""
    if kind != "survey":
        return []
    return [c for c in header if c not in schema.columns and (instrument_of_column(c) or c in context.custom_outcomes)]


def _coerce(source: pd.Series, column: pa.Column) -> tuple[pd.Series, pd.Series]:
    dtype = str(column.dtype)
    if dtype.startswith("datetime64"):
        return coercion.to_dates(source)
    if dtype == "Int64":
        return coercion.to_integers(source)
    if dtype.startswith("float"):
        return coercion.to_decimals(source)
    text = coercion.clean_text(source)
    isin = next((c for c in column.checks if c.name == "isin"), None)
    if isin is not None:
        aliases = (column.metadata or {}).get("aliases")
        text = coercion.to_category(text, tuple(isin.statistics["allowed_values"]), aliases)
    return text, pd.Series(False, index=source.index)


def _coercion_rule(bad: pd.Series, column: pa.Column) -> tuple[str, object]:
    dtype = str(column.dtype)
    expected = (column.metadata or {}).get("expected", dtype)
    if dtype.startswith("datetime64"):
        impossible = coercion.looks_like_date(bad)
        messages = pd.Series(
            [f"{_shown(v)!r} is not a real date; expected {DATE_WORDS}" if imp else f"{_shown(v)!r} is not a date; expected {DATE_WORDS}"
             for v, imp in zip(bad, impossible)],
            index=bad.index,
        )
        return "date", messages
    if dtype == "Int64":
        return "whole_number", bad.map(lambda v: f"{_shown(v)!r} is not a whole number; expected {expected}")
    return "number", bad.map(lambda v: f"{_shown(v)!r} is not a number; expected {expected}")


def _entries(drop: Drop, frame: pd.DataFrame, mask: pd.Series, column: str, values: pd.Series, rule: str, message) -> pd.DataFrame:
    rows = frame.loc[mask, "source_row"].astype("int64")
    msg = message[mask] if isinstance(message, pd.Series) and len(message) == len(frame) else message
    if isinstance(msg, pd.Series):
        msg = msg.reindex(rows.index)
    shown = values[mask].map(_shown)
    prefix = drop.source_file + ", row " + rows.astype(str) + f", column '{column}': "
    return pd.DataFrame(
        {
            "initiative_id": drop.initiative_id,
            "table_name": TABLE_NAMES[drop.kind],
            "source_file": drop.source_file,
            "source_sha256": drop.sha256,
            "source_row": rows.astype("Int64"),
            "column": column,
            "value": shown,
            "rule": rule,
            "message": prefix + msg,
        }
    ).reset_index(drop=True)


def _failed_cells(problems: list[pd.DataFrame]) -> set[tuple[int, str]]:
    cells: set[tuple[int, str]] = set()
    for p in problems:
        cells.update(zip(p["source_row"].astype(int), p["column"]))
    return cells


_RULES = {
    "not_nullable": "required",
    "isin": "allowed_values",
    "greater_than_or_equal_to": "range",
    "less_than_or_equal_to": "range",
    "in_range": "range",
    "str_length": "length",
}


def _pandera_entries(drop, frame, typed, schema, failure_cases: pd.DataFrame, already) -> list[pd.DataFrame]:
    out = []
    fc = failure_cases[failure_cases["index"].notna()].copy()
    for (column, check), group in fc.groupby(["column", "check"], sort=True):
        col = schema.columns[column]
        expected = (col.metadata or {}).get("expected", str(col.dtype))
        rule_name = check.split("(")[0]
        rule = _RULES.get(rule_name, rule_name)
        mask = pd.Series(False, index=frame.index)
        mask[group["index"].astype(int).to_numpy()] = True
        mask &= ~pd.Series([(int(r), column) in already for r in frame["source_row"]], index=frame.index)
        if not mask.any():
            continue
        values = frame[column] if column in frame.columns else pd.Series([None] * len(frame), index=frame.index)
        if rule == "required":
            message = f"the value is empty; expected {expected}"
        elif rule == "length" and column in PSEUDONYMISED_COLUMNS:
            message = values.map(lambda v: f"the code has {len(str(v))} characters; expected {expected}")
        elif rule == "length":
            message = values.map(lambda v: f"{_shown(v)!r} has {len(str(v))} characters; expected {expected}")
        else:
            message = values.map(lambda v: f"{_shown(v)!r} is not allowed; expected {expected}")
        out.append(_entries(drop, frame, mask, column, values, rule, message))
    return out


def _empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="Int64" if c == "source_row" else "object") for c in QUARANTINE_COLUMNS})


def _empty_staged(kind: str) -> pd.DataFrame:
    schema = schema_for(kind)
    cols = {c: pd.Series(dtype="object") for c in LINEAGE_COLUMNS}
    cols["source_row"] = pd.Series(dtype="int64")
    for name, col in schema.columns.items():
        cols[name] = pd.Series(dtype=str(col.dtype) if str(col.dtype) != "str" else "object")
    return pd.DataFrame(cols)


__all__ = ["ACCEPTED", "ContractContext", "StagedDrop", "stage_file", "stage_table", "refusal", "TABLE_NAMES", "QUARANTINE_COLUMNS"]
