"""From a drop read as text to staged rows and quarantined rows.

Every raw row ends in exactly one of the two (docs/architecture.md). A row breaks the
contract when a cell cannot be coerced to its type or fails a pandera check;
it then goes to quarantine with one entry per broken cell, each naming the
file, the row, the column, the value and what was expected.

On the way, privacy rules apply (docs/raw-data-contract.md): columns that hold direct
identifiers are never kept, e-mail addresses, phone numbers and BSNs inside
free text are redacted, and free text that a spreadsheet would run as a
formula is neutralised. Each such action is recorded as a *notice*.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa

from impact import privacy
from impact.contracts import coercion
from impact.contracts.context import ContractContext
from impact.contracts.models import DATE_WORDS, REQUIRED_COLUMNS, schema_for
from impact.errors import UnreadableDrop
from impact.ingest.drops import Drop
from impact.ingest.readers import ACCEPTED, EXTRA_VALUES, RawTable, read_drop
from impact.instruments.registry import fold, looks_like_item_of

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
NOTICE_COLUMNS = ("initiative_id", "table_name", "source_file", "column", "rule", "message")
TABLE_NAMES = {
    "participants": "participants",
    "activities": "activities",
    "survey": "survey_responses",
    "coaching_sessions": "coaching_sessions",
    "stories": "stories",  # read by impact.contracts.stories, not as a table
}
FILE_KINDS = {
    "participants": "a participants file",
    "activities": "an activities file",
    "survey": "a survey file",
    "coaching_sessions": "the coaching log",
}
MAX_VALUE_SHOWN = 200
# Never shown in messages; pseudonymised before anything is stored (impact.privacy).
PSEUDONYMISED_COLUMNS = frozenset({"participant_id"})


@dataclass(frozen=True)
class Notice:
    """Something the coach should know that quarantined no row (a dropped column, a redaction)."""

    source_file: str
    column: str
    rule: str
    message: str


@dataclass
class StagedDrop:
    """The outcome of one drop: staged rows, quarantined entries and notices."""

    drop: Drop
    raw_rows: int
    staged: pd.DataFrame
    quarantine: pd.DataFrame
    notices: list[Notice] = field(default_factory=list)
    refused: bool = False
    participant_codes: frozenset[str] = frozenset()  # as written in the drop; masked wherever they could leak

    @property
    def quarantined_rows(self) -> int:
        if self.refused:
            return self.raw_rows
        q = self.quarantine
        return int(q["source_row"].nunique()) if len(q) else 0


def shown(value: object) -> str:
    """A value as quoted in a message: empty for missing, shortened when very long."""
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
        return StagedDrop(drop, exc.rows, empty_staged(drop.kind), refusal(drop, exc.reason, exc.rule), refused=True)
    except Exception as exc:  # noqa: BLE001 - one odd file must not stop the other drops and initiatives
        reason = f"could not be read ({type(exc).__name__}: {exc}); expected {ACCEPTED}"
        return StagedDrop(drop, 0, empty_staged(drop.kind), refusal(drop, reason, "unreadable_file"), refused=True)
    return stage_table(raw, drop, context)


def stage_table(raw: RawTable, drop: Drop, context: ContractContext) -> StagedDrop:
    kind = drop.kind
    frame = raw.frame
    n = len(frame)
    notices = [Notice(drop.source_file, "", "reading", note) for note in raw.notes]
    missing = [c for c in REQUIRED_COLUMNS[kind] if c not in raw.header]
    if missing:
        need = ", ".join(REQUIRED_COLUMNS[kind])
        # the first row is echoed only when it looks like column names: if it holds data, it may be personal
        cells = pd.Series(raw.original_header, dtype="object")
        names_only = not privacy.looks_personal(cells).any() and not cells.str.contains(r"\d").any()
        known = [h for h in raw.header if h in schema_for(kind).columns]
        if names_only:
            found = f"(found: {', '.join(raw.original_header)})"
        elif known:
            found = f"(recognised: {', '.join(known)})"
        else:
            found = "(the first row looks like data: it must hold the column names)"
        reason = (
            f"lacks the required column{'s' if len(missing) > 1 else ''} {', '.join(repr(m) for m in missing)}; "
            f"{FILE_KINDS[kind]} needs the columns {need} {found}"
        )
        return StagedDrop(drop, n, empty_staged(kind), refusal(drop, reason, "missing_column"), notices, refused=True)

    schema = schema_for(kind, context, raw.header)
    written_as = dict(zip(raw.header, raw.original_header))
    notices += _unused_columns(drop, frame, [h for h in raw.header if h not in raw.unnamed], schema, written_as)

    typed = pd.DataFrame(index=frame.index)
    problems: list[pd.DataFrame] = []
    for name, column in schema.columns.items():
        source = frame[name] if name in frame.columns else pd.Series([None] * n, index=frame.index, dtype="object")
        values, failed, rule, message = _coerce(source, name, column)
        if (column.metadata or {}).get("free_text"):
            values, text_notices = _protect_free_text(drop, values, name)
            notices += text_notices
        typed[name] = values
        if failed.any():
            problems.append(_entries(drop, frame, failed, name, source, rule, message))

    already = {(int(r), c) for p in problems for r, c in zip(p["source_row"], p["column"])}
    try:
        schema.validate(typed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems.extend(_pandera_entries(drop, frame, typed, schema, exc.failure_cases, already))

    extra = frame[EXTRA_VALUES] != ""
    if extra.any():
        # the surplus values are not kept: they may be anything, names included
        problems.append(
            _entries(drop, frame, extra, "(beyond the last column)", pd.Series(None, index=frame.index, dtype="object"),
                     "extra_values",
                     f"the row has more values than the header has columns ({len(raw.header)}); check the separator or quotes")
        )

    quarantine = pd.concat(problems, ignore_index=True) if problems else empty_quarantine()
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
    if "participant_id" in frame:
        written = coercion.clean_text(frame["participant_id"])
        codes = frozenset(written.dropna()) | frozenset(privacy.normalise_codes(written).dropna())
    else:
        codes = frozenset()
    return StagedDrop(drop, n, staged.reset_index(drop=True), quarantine, notices, participant_codes=codes)


def _unused_columns(
    drop: Drop, frame: pd.DataFrame, header: list[str], schema: pa.DataFrameSchema, written_as: dict[str, str]
) -> list[Notice]:
    """Columns outside the contract are not stored; say why (naming the column as the coach wrote it)."""
    notices = []
    for column in header:
        if column in schema.columns:
            continue
        name = written_as.get(column, column)
        kind = privacy.identifier_kind_of_header(column) or privacy.identifier_kind_of_values(frame[column])
        if kind:
            notices.append(Notice(drop.source_file, column, "direct_identifier",
                                  f"{drop.source_file}: column '{name}' holds a direct identifier ({kind}); "
                                  "it is not stored. Leave it out of the files you drop."))
        elif owner := looks_like_item_of(column):
            notices.append(Notice(drop.source_file, column, "unknown_item",
                                  f"{drop.source_file}: column '{name}' is not an item of {owner}; it is not stored"))
        elif drop.kind == "survey":
            notices.append(Notice(drop.source_file, column, "unknown_column",
                                  f"{drop.source_file}: column '{name}' is neither an item of a registered instrument "
                                  "nor an outcome of the Theory of Change; it is not stored"))
        else:
            notices.append(Notice(drop.source_file, column, "unknown_column",
                                  f"{drop.source_file}: column '{name}' is not part of the contract; it is not stored"))
    return notices


def _protect_free_text(drop: Drop, values: pd.Series, column: str) -> tuple[pd.Series, list[Notice]]:
    notices = []
    values, redacted = privacy.redact_identifiers(values)
    if redacted.any():
        notices.append(Notice(drop.source_file, column, "redacted_identifier",
                              f"{drop.source_file}: column '{column}': an e-mail address, phone number or BSN was removed "
                              f"from {int(redacted.sum())} row(s)"))
    values, coded = privacy.redact_codes(values)
    if coded.any():
        notices.append(Notice(drop.source_file, column, "redacted_identifier",
                              f"{drop.source_file}: column '{column}': something that looks like a participant code was "
                              f"removed from {int(coded.sum())} row(s)"))
    values, neutralised = privacy.neutralise_formulas(values)
    if neutralised.any():
        notices.append(Notice(drop.source_file, column, "formula_neutralised",
                              f"{drop.source_file}: column '{column}': {int(neutralised.sum())} value(s) started like a "
                              "spreadsheet formula (=, +, -, @) and are stored with a leading '"))
    return values, notices


def _coerce(source: pd.Series, name: str, column: pa.Column) -> tuple[pd.Series, pd.Series, str, object]:
    """Typed values, the mask of cells that could not be read, and the rule and message for those."""
    dtype = str(column.dtype)
    meta = column.metadata or {}
    expected = meta.get("expected", dtype)
    no_failures = pd.Series(False, index=source.index)
    if "item_of" in meta:
        return _coerce_item(source, name, meta)
    if dtype.startswith("datetime64"):
        values, failed = coercion.to_dates(source)
        bad = source[failed]  # messages for the cells that failed only: a large file stays fast
        real = coercion.looks_like_date(bad)
        message = pd.Series(
            [f"{shown(v)!r} is not a real date; expected {DATE_WORDS}" if r
             else f"{shown(v)!r} looks like an Excel date number; format the column as a date in Excel, or write {DATE_WORDS.removeprefix('a date like ')}"
             if _excel_serial(v)
             else f"{shown(v)!r} is not a date; expected {DATE_WORDS}"
             for v, r in zip(bad, real)],
            index=bad.index, dtype="object",
        )
        return values, failed, "date", message
    if dtype == "Int64" or dtype.startswith("float"):
        whole = dtype == "Int64"
        numbers = coercion.read_numbers(source, whole=whole)
        values = numbers.values.round().astype("Int64") if whole else numbers.values
        what = "a whole number" if whole else "a number"
        message = _number_messages(source, numbers, lambda v: f"{shown(v)!r} is not {what}; expected {expected}")
        return values, numbers.failed, "whole_number" if whole else "number", message
    text = coercion.clean_text(source)
    if name in PSEUDONYMISED_COLUMNS:
        text = privacy.normalise_codes(text)  # DB-007, db-007 and 007/7 are one participant each
    isin = next((c for c in column.checks if c.name == "isin"), None)
    if isin is not None:
        text = coercion.to_category(text, tuple(isin.statistics["allowed_values"]), meta.get("aliases"))
    return text, no_failures, "", ""


def _excel_serial(value: object) -> bool:
    text = str(value).strip()
    return text.isdigit() and 32874 <= int(text) < 73051


def _number_messages(source: pd.Series, numbers: coercion.Numbers, otherwise) -> pd.Series:
    """Messages for the cells that failed only (a large file stays fast): ambiguous, or ``otherwise(value)``."""
    bad = source[numbers.failed]
    ambiguous = numbers.ambiguous[numbers.failed]
    return pd.Series(
        [_ambiguity(v, numbers.mixed) if amb else otherwise(v) for v, amb in zip(bad, ambiguous)],
        index=bad.index, dtype="object",
    )


def _ambiguity(value: object, mixed: tuple[str, str] | None = None) -> str:
    """``1.250`` (or ``1,250``) where the column does not show which mark is the decimal mark."""
    text = str(value).strip()
    compact = "".join(text.split())
    thousands = compact.replace(".", "").replace(",", "")
    decimal = f"{float(compact.replace(',', '.')):g}".replace(".", ",")
    both = ("" if mixed is None else
            f", and this column writes numbers both the English way ({shown(mixed[0])!r}) and the Dutch way ({shown(mixed[1])!r})")
    return (f"{text!r} is ambiguous: it could mean {thousands} or {decimal}{both}; write {thousands} without a separator, "
            f"or {decimal} with a decimal comma")


def _coerce_item(source: pd.Series, name: str, meta: dict) -> tuple[pd.Series, pd.Series, str, object]:
    """An answer: a word from the instrument's answer list, or a (whole) number; the range is pandera's."""
    text = coercion.clean_text(source)
    words = {fold(w): float(c) for w, c in (meta.get("answers") or {}).items()}
    from_words = text.where(text.notna(), "").map(fold).map(words)
    # the cells as read (a number a workbook stored stays a number); answer words are no numbers
    numbers = coercion.read_numbers(source.astype("object").where(from_words.isna()), whole=bool(meta.get("whole")))
    values = from_words.astype("float64").fillna(numbers.values)
    message = _number_messages(source, numbers, lambda v: f"{shown(v)!r} is not an answer to {name}; expected {meta['expected']}")
    return values, numbers.failed, "answer", message


def _entries(drop: Drop, frame: pd.DataFrame, mask: pd.Series, column: str, values: pd.Series, rule: str, message) -> pd.DataFrame:
    rows = frame.loc[mask, "source_row"].astype("int64")
    msg = message.reindex(rows.index) if isinstance(message, pd.Series) else message
    prefix = drop.source_file + ", row " + rows.astype(str) + f", column '{column}': "
    shown_values = values[mask].map(shown)
    if column in PSEUDONYMISED_COLUMNS:
        shown_values = values[mask]  # replaced by pseudonyms before anything is stored
    return pd.DataFrame(
        {
            "initiative_id": drop.initiative_id,
            "table_name": TABLE_NAMES[drop.kind],
            "source_file": drop.source_file,
            "source_sha256": drop.sha256,
            "source_row": rows.astype("Int64"),
            "column": column,
            "value": shown_values,
            "rule": rule,
            "message": prefix + msg,
        }
    ).reset_index(drop=True)


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
    fc = failure_cases[failure_cases["index"].notna()]
    for (column, check), group in fc.groupby(["column", "check"], sort=True):
        col = schema.columns[column]
        expected = (col.metadata or {}).get("expected", str(col.dtype))
        rule = _RULES.get(check.split("(")[0], check.split("(")[0])
        mask = pd.Series(False, index=frame.index)
        mask[group["index"].astype(int).to_numpy()] = True
        mask &= ~frame["source_row"].map(lambda r: (int(r), column) in already)
        if not mask.any():
            continue
        values = frame[column] if column in frame.columns else pd.Series([None] * len(frame), index=frame.index)
        if rule == "required":
            message = f"the value is empty; expected {expected}"
        elif rule == "length" and column in PSEUDONYMISED_COLUMNS:
            message = values.map(lambda v: f"the code has {len(str(v))} characters; expected {expected}")
        elif rule == "length":
            message = values.map(lambda v: f"{shown(v)!r} has {len(str(v))} characters; expected {expected}")
        else:
            message = values.map(lambda v: f"{shown(v)!r} is not allowed; expected {expected}")
        out.append(_entries(drop, frame, mask, column, values, rule, message))
    return out


def empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="Int64" if c == "source_row" else "object") for c in QUARANTINE_COLUMNS})


def empty_staged(kind: str) -> pd.DataFrame:
    schema = schema_for(kind)
    cols = {c: pd.Series(dtype="object") for c in LINEAGE_COLUMNS}
    cols["source_row"] = pd.Series(dtype="int64")
    for name, col in schema.columns.items():
        cols[name] = pd.Series(dtype=str(col.dtype) if str(col.dtype) != "str" else "object")
    return pd.DataFrame(cols)
