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

import difflib
from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa

from impact import privacy
from impact.contracts import causes, coercion
from impact.contracts.context import ContractContext
from impact.contracts.models import REQUIRED_COLUMNS, schema_for
from impact.errors import UnreadableDrop
from impact.ingest.drops import Drop
from impact.ingest.readers import ACCEPTED, EXTRA_VALUES, RawTable, read_drop
from impact.instruments.registry import fold, looks_like_item_of
from impact.language import Text, Translator, render

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
MAX_VALUE_SHOWN = 200
# What the quarantine's ``column`` holds where a problem is not about one column: stored as these stable
# markers (others query them), written in words for people (``column_words``).
BEYOND_LAST_COLUMN = "(beyond the last column)"
COLUMN_MARKERS = {
    "(whole row)": "contract.whole_row",
    BEYOND_LAST_COLUMN: "contract.beyond_last_column",
    "(whole story)": "contract.story.whole_story",
    "(line)": "contract.story.line",
}
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


def column_words(column: object, tr: Translator) -> str:
    """A quarantine entry's column as people read it: the column's name, or a marker in words."""
    return tr.t(COLUMN_MARKERS[column]) if column in COLUMN_MARKERS else ("" if column is None else str(column))


def shown(value: object) -> str:
    """A value as quoted in a message: empty for missing, shortened when very long."""
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    return text if len(text) <= MAX_VALUE_SHOWN else text[:MAX_VALUE_SHOWN] + f"… ({len(text)} characters)"


def refusal(drop: Drop, reason, rule: str, tr: Translator) -> pd.DataFrame:
    """One quarantine entry without a row number: the whole drop is refused (``reason``: a Text or words)."""
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
                "message": tr.t("contract.refused", file=drop.source_file, reason=render(reason, tr)),
            }
        ],
        columns=list(QUARANTINE_COLUMNS),
    ).astype({"source_row": "Int64"})


def unread_reason(rule: str) -> Text:
    """Why a file refused unread (``rule``: ``symbolic_link`` or ``outside_raw_data``, a drop's ``refusal``) is not
    used."""
    return Text(f"contract.file.{rule}")


def stage_file(drop: Drop, context: ContractContext) -> StagedDrop:
    """Read and stage one drop; a drop that cannot be used at all is refused as a whole (one refused unread,
    a symbolic link say, without being opened)."""
    tr = Translator(context.language)
    if drop.refusal:
        return StagedDrop(drop, 0, empty_staged(drop.kind), refusal(drop, unread_reason(drop.refusal), drop.refusal, tr), refused=True)
    try:
        raw = read_drop(drop.path, drop.source_file, drop.kind)
    except UnreadableDrop as exc:
        return StagedDrop(drop, exc.rows, empty_staged(drop.kind), refusal(drop, exc.reason, exc.rule, tr), refused=True)
    except Exception as exc:  # noqa: BLE001 - one odd file must not stop the other drops and initiatives
        reason = Text("contract.file.could_not_read", error=f"{type(exc).__name__}: {exc}", accepted=ACCEPTED)
        return StagedDrop(drop, 0, empty_staged(drop.kind), refusal(drop, reason, "unreadable_file", tr), refused=True)
    return stage_table(raw, drop, context)


def stage_table(raw: RawTable, drop: Drop, context: ContractContext) -> StagedDrop:
    kind = drop.kind
    tr = Translator(context.language)
    frame = raw.frame
    n = len(frame)
    notices = [Notice(drop.source_file, "", "reading", note.render(tr)) for note in raw.notes]
    missing = [c for c in REQUIRED_COLUMNS[kind] if c not in raw.header]
    if missing:
        need = ", ".join(REQUIRED_COLUMNS[kind])
        # the first row is echoed only when it looks like column names: if it holds data, it may be personal
        cells = pd.Series(raw.original_header, dtype="object")
        names_only = not privacy.looks_personal(cells).any() and not cells.str.contains(r"\d").any()
        known = [h for h in raw.header if h in schema_for(kind).columns]
        if names_only:
            found = tr.t("contract.file.found", names=", ".join(raw.original_header))
        elif known:
            found = tr.t("contract.file.recognised", names=", ".join(known))
        else:
            found = tr.t("contract.file.first_row_is_data")
        reason = tr.t("contract.file.missing_columns" if len(missing) > 1 else "contract.file.missing_column",
                      missing=", ".join(repr(m) for m in missing), kind=tr.t(f"contract.kind.{kind}"), need=need, found=found)
        return StagedDrop(drop, n, empty_staged(kind), refusal(drop, reason, "missing_column", tr), notices, refused=True)

    schema = schema_for(kind, context, raw.header)
    written_as = dict(zip(raw.header, raw.original_header))
    notices += _unused_columns(drop, frame, [h for h in raw.header if h not in raw.unnamed], schema, written_as, tr)

    typed = pd.DataFrame(index=frame.index)
    problems: list[pd.DataFrame] = []
    month_first = {name for name, column in schema.columns.items()
                   if str(column.dtype).startswith("datetime64") and name in frame.columns and causes.month_first(frame[name])}
    for name, column in schema.columns.items():
        source = frame[name] if name in frame.columns else pd.Series([None] * n, index=frame.index, dtype="object")
        values, failed, rule, message = _coerce(source, name, column, tr)
        if (column.metadata or {}).get("free_text"):
            values, text_notices = _protect_free_text(drop, values, name, tr)
            notices += text_notices
        if (column.metadata or {}).get("unknown_as_empty"):
            values, unknown_notices = _unknown_as_empty(drop, frame, values, name, column, tr)
            notices += unknown_notices
        typed[name] = values
        suspect = causes.numeric_dates(source) if name in month_first else pd.Series(False, index=frame.index)
        if suspect.any():
            # every day-month date of the column is suspect, not only those that fail: 04/05/2018 was read as 4 May
            example = causes.month_first_example(source)
            problems.append(_entries(drop, frame, suspect, name, source, "month_first_date",
                                     tr.t("contract.cell.month_first", example=repr(example),
                                          expected=tr.t("contract.date_words")), tr, written_as.get(name)))
        if (failed & ~suspect).any():
            problems.append(_entries(drop, frame, failed & ~suspect, name, source, rule, message, tr, written_as.get(name)))

    covered: set[tuple[int, str]] = set()
    for shift in causes.shifted_codings(typed, schema, frame):
        rows = shift.rows
        label = shift.columns[0] if len(shift.columns) == 1 else f"{shift.columns[0]}–{shift.columns[-1]}"
        first, last = written_as.get(shift.columns[0], shift.columns[0]), written_as.get(shift.columns[-1], shift.columns[-1])
        inst = shift.instrument
        text = tr.t("contract.cell.off_by_one_lower" if shift.by < 0 else "contract.cell.off_by_one_higher",
                    instrument=tr.t(f"contract.instrument.{inst.id}"), low=shift.low, high=shift.high,
                    min=inst.min_code, max=inst.max_code,
                    columns=tr.t("contract.cell.column_range", first=first, last=last) if len(shift.columns) > 1
                    else tr.t("contract.cell.one_column", column=first),
                    words=tr.t("contract.cell.or_words", words=tr.t(f"contract.answers.{inst.id}"))
                    if tr.has(f"contract.answers.{inst.id}") else "")
        problems.append(_entries(drop, frame, rows, label, pd.Series(None, index=frame.index, dtype="object"),
                                 "coded_off_by_one", text, tr, first if len(shift.columns) == 1 else f"{first}–{last}"))
        covered |= {(int(r), c) for r in frame.loc[rows, "source_row"] for c in shift.columns}

    already = {(int(r), c) for p in problems for r, c in zip(p["source_row"], p["column"])} | covered
    try:
        schema.validate(typed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems.extend(_pandera_entries(drop, frame, typed, schema, exc.failure_cases, already, tr, written_as))

    extra = frame[EXTRA_VALUES] != ""
    if extra.any():
        # the surplus values are not kept: they may be anything, names included
        problems.append(
            _entries(drop, frame, extra, BEYOND_LAST_COLUMN, pd.Series(None, index=frame.index, dtype="object"),
                     "extra_values", tr.t("contract.cell.extra_values", n=len(raw.header)), tr)
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
    drop: Drop, frame: pd.DataFrame, header: list[str], schema: pa.DataFrameSchema, written_as: dict[str, str],
    tr: Translator,
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
                                  tr.t("contract.note.direct_identifier", file=drop.source_file, name=name,
                                       what=tr.t(f"contract.identifier.{kind}") if tr.has(f"contract.identifier.{kind}") else kind)))
        elif owner := looks_like_item_of(column):
            notices.append(Notice(drop.source_file, column, "unknown_item",
                                  tr.t("contract.note.unknown_item", file=drop.source_file, name=name,
                                       instrument=tr.t(f"contract.instrument.{owner}"))))
        elif drop.kind == "survey":
            notices.append(Notice(drop.source_file, column, "unknown_column",
                                  tr.t("contract.note.unknown_survey_column", file=drop.source_file, name=name)))
        else:
            notices.append(Notice(drop.source_file, column, "unknown_column",
                                  tr.t("contract.note.unknown_column", file=drop.source_file, name=name)))
    return notices


def _unknown_as_empty(drop: Drop, frame: pd.DataFrame, values: pd.Series, name: str, column: pa.Column,
                      tr: Translator) -> tuple[pd.Series, list[Notice]]:
    """A value outside the allowed list is stored as empty (unknown), with one notice per value naming its rows.

    For a column that only describes (the wijk: counted in the reach per wijk, never in a test), an unknown
    value is no reason to set the whole row aside; the notice says what it probably meant.
    """
    isin = next(c for c in column.checks if c.name == "isin")
    allowed = list(isin.statistics["allowed_values"])
    unknown = values.notna() & ~values.isin(allowed)
    notices = []
    spelled = values[unknown].map(fold)  # 'Overvect' and 'overvect ' are one misspelling, named as first written
    for _, rows in frame.loc[unknown, "source_row"].groupby(spelled, sort=False):  # in the order of their first row
        value = values[rows.index[0]]
        numbers = [str(int(r)) for r in rows]
        close = suggestion(value, allowed, (column.metadata or {}).get("aliases"))
        # a notice is not masked like the quarantine (a participant code, a surname): only a typo of a wijk is shown
        notices.append(Notice(drop.source_file, name, "unknown_value", tr.t(
            f"contract.note.unknown_{name}", file=drop.source_file, column=name,
            value=repr(shown(value)) if close else tr.t("contract.not_shown"),
            rows=tr.t("contract.note.rows_one" if len(numbers) == 1 else "contract.note.rows_many", rows=tr.listing(numbers)),
            suggestion=tr.t("contract.note.suggestion", value=close) if close else "")))
    return values.where(~unknown, None), notices


def _protect_free_text(drop: Drop, values: pd.Series, column: str, tr: Translator) -> tuple[pd.Series, list[Notice]]:
    notices = []
    values, redacted = privacy.redact_identifiers(values)
    if redacted.any():
        notices.append(Notice(drop.source_file, column, "redacted_identifier",
                              tr.t("contract.note.redacted_identifier", file=drop.source_file, column=column,
                                   n=int(redacted.sum()))))
    values, coded = privacy.redact_codes(values)
    if coded.any():
        notices.append(Notice(drop.source_file, column, "redacted_identifier",
                              tr.t("contract.note.redacted_code", file=drop.source_file, column=column, n=int(coded.sum()))))
    values, neutralised = privacy.neutralise_formulas(values)
    if neutralised.any():
        notices.append(Notice(drop.source_file, column, "formula_neutralised",
                              tr.t("contract.note.formula", file=drop.source_file, column=column, n=int(neutralised.sum()))))
    return values, notices


def _coerce(source: pd.Series, name: str, column: pa.Column, tr: Translator) -> tuple[pd.Series, pd.Series, str, object]:
    """Typed values, the mask of cells that could not be read, and the rule and message for those."""
    dtype = str(column.dtype)
    meta = column.metadata or {}
    expected = render(meta.get("expected", dtype), tr)
    no_failures = pd.Series(False, index=source.index)
    if "item_of" in meta:
        return _coerce_item(source, name, meta, tr)
    if dtype.startswith("datetime64"):
        values, failed = coercion.to_dates(source)
        bad = source[failed]  # messages for the cells that failed only: a large file stays fast
        real = coercion.looks_like_date(bad)
        dates = tr.t("contract.date_words")
        message = pd.Series(
            [tr.t("contract.cell.not_real_date", value=repr(shown(v)), expected=dates) if r
             else tr.t("contract.cell.excel_serial", value=repr(shown(v)), dates=tr.t("contract.cell.excel_serial_dates"))
             if _excel_serial(v)
             else tr.t("contract.cell.not_a_date", value=repr(shown(v)), expected=dates)
             for v, r in zip(bad, real)],
            index=bad.index, dtype="object",
        )
        return values, failed, "date", message
    if dtype == "Int64" or dtype.startswith("float"):
        whole = dtype == "Int64"
        numbers = coercion.read_numbers(source, whole=whole)
        values = numbers.values.round().astype("Int64") if whole else numbers.values
        key = "contract.cell.not_whole_number" if whole else "contract.cell.not_number"
        message = _number_messages(source, numbers, lambda v: tr.t(key, value=repr(shown(v)), expected=expected), tr)
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


def _number_messages(source: pd.Series, numbers: coercion.Numbers, otherwise, tr: Translator) -> pd.Series:
    """Messages for the cells that failed only (a large file stays fast): ambiguous, or ``otherwise(value)``."""
    bad = source[numbers.failed]
    ambiguous = numbers.ambiguous[numbers.failed]
    return pd.Series(
        [_ambiguity(v, tr, numbers.mixed) if amb else otherwise(v) for v, amb in zip(bad, ambiguous)],
        index=bad.index, dtype="object",
    )


def _ambiguity(value: object, tr: Translator, mixed: tuple[str, str] | None = None) -> str:
    """``1.250`` (or ``1,250``) where the column does not show which mark is the decimal mark."""
    text = str(value).strip()
    compact = "".join(text.split())
    thousands = compact.replace(".", "").replace(",", "")
    decimal = f"{float(compact.replace(',', '.')):g}".replace(".", ",")
    both = ("" if mixed is None else
            tr.t("contract.cell.ambiguous_both", english=repr(shown(mixed[0])), dutch=repr(shown(mixed[1]))))
    return tr.t("contract.cell.ambiguous", value=repr(text), thousands=thousands, decimal=decimal, both=both)


def _coerce_item(source: pd.Series, name: str, meta: dict, tr: Translator) -> tuple[pd.Series, pd.Series, str, object]:
    """An answer: a word from the instrument's answer list, or a (whole) number; the range is pandera's."""
    text = coercion.clean_text(source)
    words = {fold(w): float(c) for w, c in (meta.get("answers") or {}).items()}
    from_words = text.where(text.notna(), "").map(fold).map(words)
    # the cells as read (a number a workbook stored stays a number); answer words are no numbers
    numbers = coercion.read_numbers(source.astype("object").where(from_words.isna()), whole=bool(meta.get("whole")))
    values = from_words.astype("float64").fillna(numbers.values)
    expected = render(meta["expected"], tr)
    message = _number_messages(
        source, numbers, lambda v: tr.t("contract.cell.not_an_answer", value=repr(shown(v)), column=name, expected=expected), tr)
    return values, numbers.failed, "answer", message


def _entries(drop: Drop, frame: pd.DataFrame, mask: pd.Series, column: str, values: pd.Series, rule: str, message,
             tr: Translator, written: str | None = None) -> pd.DataFrame:
    """Quarantine entries for the cells in ``mask``; the message names the column as the coach wrote it
    (``written``), the entry's ``column`` is the contract's name."""
    rows = frame.loc[mask, "source_row"].astype("int64")
    msg = message.reindex(rows.index) if isinstance(message, pd.Series) else message
    shown_column = written or column_words(column, tr)
    prefix = rows.map(lambda r: tr.t("contract.row_column", file=drop.source_file, row=r, column=shown_column))
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


def suggestion(value: object, allowed, aliases: dict[str, str] | None = None) -> str | None:
    """The allowed value a misspelt one most likely means (``Overvect`` -> ``Overvecht``), or None."""
    spellings = {fold(a): str(a) for a in allowed} | {fold(w): str(c) for w, c in (aliases or {}).items()}
    match = difflib.get_close_matches(fold(value), list(spellings), n=1, cutoff=0.75)
    return spellings[match[0]] if match else None


def _pandera_entries(drop, frame, typed, schema, failure_cases: pd.DataFrame, already, tr: Translator,
                     written_as: dict[str, str] | None = None) -> list[pd.DataFrame]:
    out = []
    fc = failure_cases[failure_cases["index"].notna()]
    for (column, check), group in fc.groupby(["column", "check"], sort=True):
        col = schema.columns[column]
        meta = col.metadata or {}
        expected = render(meta.get("expected", str(col.dtype)), tr)
        rule = _RULES.get(check.split("(")[0], check.split("(")[0])
        mask = pd.Series(False, index=frame.index)
        mask[group["index"].astype(int).to_numpy()] = True
        mask &= ~frame["source_row"].map(lambda r: (int(r), column) in already)
        if not mask.any():
            continue
        values = frame[column] if column in frame.columns else pd.Series([None] * len(frame), index=frame.index)
        if rule == "required":
            message = tr.t("contract.cell.empty", expected=expected)
        elif rule == "length" and column in PSEUDONYMISED_COLUMNS:
            message = values.map(lambda v: tr.t("contract.cell.code_length", n=len(str(v)), expected=expected))
        elif rule == "length":
            message = values.map(lambda v: tr.t("contract.cell.text_length", value=repr(shown(v)), n=len(str(v)), expected=expected))
        elif rule == "allowed_values":
            allowed = next(c for c in col.checks if c.name == "isin").statistics["allowed_values"]
            message = values[mask].map(lambda v: _not_allowed(v, allowed, meta.get("aliases"), expected, tr))
        else:
            message = values.map(lambda v: tr.t("contract.cell.not_allowed", value=repr(shown(v)), expected=expected))
        out.append(_entries(drop, frame, mask, column, values, rule, message, tr, (written_as or {}).get(column)))
    return out


def _not_allowed(value, allowed, aliases, expected: str, tr: Translator) -> str:
    close = suggestion(value, allowed, aliases)
    if close is None:
        return tr.t("contract.cell.not_allowed", value=repr(shown(value)), expected=expected)
    return tr.t("contract.cell.did_you_mean", value=repr(shown(value)), suggestion=close, expected=expected)


def empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="Int64" if c == "source_row" else "object") for c in QUARANTINE_COLUMNS})


def empty_staged(kind: str) -> pd.DataFrame:
    schema = schema_for(kind)
    cols = {c: pd.Series(dtype="object") for c in LINEAGE_COLUMNS}
    cols["source_row"] = pd.Series(dtype="int64")
    for name, col in schema.columns.items():
        cols[name] = pd.Series(dtype=str(col.dtype) if str(col.dtype) != "str" else "object")
    return pd.DataFrame(cols)
