"""The bare baseline: the coaching year's data stages as one plain script, for the benchmark's ratio.

The same raw data (docs/raw-data-contract.md) through DuckDB, pandas, scipy and statsmodels only: no Dagster,
no pandera, no Great Expectations, no reports. It reads every table drop (CSV in UTF-8 or Windows-1252 with
``,`` or ``;``, and XLSX), applies the contract's row rules (required columns, types with the decimal mark per
column of each file, allowed values, ranges, answer codes and words, a survey coded one off, a month-first date
column, duplicates, superseded registrations, conflicts, waves out of order), scores the instruments, pairs
baseline and follow-up, runs each Theory of Change's hypothesis tests (paired t, Wilcoxon signed-rank, McNemar
mid-p) with Holm across the primary ones, counts dates outside the programme year and respondents missing from
the register, and writes it all into one DuckDB file.

The rules come from the project's plain constants: ``impact/contracts/vocabulary.py`` (loaded from its file,
so the contract package with its pandera models is not imported) and the instrument registry
``impact.instruments.registry`` (items, answer codes and words, reversed items, missing-item rules). Everything
works on whole columns; the Python loops are over files, columns, instruments and hypotheses, never rows.

What it leaves out, on purpose (it is a baseline for time, not a second pipeline): stories, pseudonymisation,
redaction of free text, direct-identifier detection, messages for people, the quality rules other than the two
counts above, indicators, SROI, reliability and the verdicts. Where its staged row counts may differ from the
pipeline's is listed in BENCHMARKS.md ("The bare baseline").

    python -m benchmarks.baseline --raw-data raw_data --out /tmp/baseline.duckdb
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import math
import re
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import yaml
from scipy import stats
from statsmodels.stats.multitest import multipletests

from impact.instruments.registry import REGISTRY

REPO = Path(__file__).resolve().parents[1]


def _plain_module(name: str, path: Path):
    """A module of plain constants, loaded from its file without its package's ``__init__``."""
    spec = importlib.util.spec_from_file_location(f"_baseline_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


VOCABULARY = _plain_module("vocabulary", REPO / "impact" / "contracts" / "vocabulary.py")

TABLE_OF_KIND = {"participants": "participants", "activities": "activities", "survey": "survey_responses",
                 "coaching_sessions": "coaching_sessions"}
REQUIRED = {
    "participants": ("participant_id", "enrolled_on", "wijk", "age_band"),
    "activities": ("date", "activity", "attendees"),
    "survey": ("participant_id", "wave", "responded_on"),
    "coaching_sessions": ("initiative_id", "kind", "session_no", "date"),
}
OPTIONAL = {
    "participants": ("gender", "left_on"),
    "activities": ("volunteers", "volunteer_hours", "cost_eur"),
    "survey": (),
    "coaching_sessions": ("theme", "topics", "lessons", "actions"),
}
RESERVED = {"source_row", "source_file", "source_sha256", "table_name", "extra_values"}
MAX_ID, MAX_TEXT = 64, 2000
SERIALS = (32874, 73051)  # Excel date serials taken as dates in a workbook's date column
DEFAULT_WAVES = ("baseline", "follow_up")
BINARY_WORDS = {"ja": 1, "nee": 0, "yes": 1, "no": 0, "waar": 1, "onwaar": 0, "true": 1, "false": 0}
CUT_OFF = {"djg11": 3, "djg6": 2, "rses": 15, "who5": 52}  # McNemar's yes/no reading of a registered score
FEW_POINTS = 7
SCALE_POINTS = {"djg11": 12, "djg6": 7, "rses": 31, "who5": 26, "life_satisfaction": 10}
ITEM_OF = {item: inst.id for inst in REGISTRY.values() for item in inst.items}
DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212"})

ISO = r"^\d{4}-\d{1,2}-\d{1,2}$"
DMY = r"^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$"


# ---------------------------------------------------------------------------------------------- reading


class Refused(Exception):
    def __init__(self, rule: str, rows: int = 0):
        super().__init__(rule)
        self.rule, self.rows = rule, rows


def normalise_header(names: pd.Index) -> list[str]:
    s = pd.Series(names, dtype="object").fillna("").astype(str).str.replace("\ufeff", "", regex=False)
    return s.str.strip().str.lower().str.replace(r"[^0-9a-z]+", "_", regex=True).str.strip("_").tolist()


def _csv_cells(path: Path) -> pd.DataFrame:
    """Every record of a CSV drop as text cells (header first), NaN for a missing cell."""
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04") or b"\x00" in data[:4096]:
        raise Refused("not_a_table")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise Refused("unreadable_file") from None
    lines = text.lstrip("\r\n").split("\n", 2)
    separator = None
    if lines and re.fullmatch(r"sep=[,;]\r?", lines[0].strip()):
        separator = lines[0].strip()[4]
        text = text.lstrip("\r\n").split("\n", 1)[1] if len(lines) > 1 else ""
        lines = text.lstrip("\r\n").split("\n", 2)
    header = lines[0] if lines else ""
    if not header.strip():
        raise Refused("empty_file")
    if separator is None:
        separator = ";" if header.count(";") > header.count(",") else ","
        if header.count(separator) == 0 and ("\t" in header or "|" in header):
            raise Refused("wrong_delimiter")
    width = header.count(separator) + 9
    for _ in range(3):
        try:
            return pd.read_csv(io.StringIO(text.lstrip("\r\n")), sep=separator, header=None, dtype=str,
                               keep_default_na=False, na_values=[], skip_blank_lines=False, names=range(width),
                               engine="c", quotechar='"')
        except pd.errors.ParserError as exc:
            if "EOF inside string" in str(exc):
                raise Refused("broken_quotes") from None
            width *= 4
    raise Refused("unreadable_file")


def _xlsx_cells(path: Path, kind: str) -> pd.DataFrame:
    try:
        book = pd.ExcelFile(path, engine="openpyxl")
    except Exception:  # noqa: BLE001 - a workbook that does not open is refused
        raise Refused("unreadable_file") from None
    names = book.sheet_names
    folded = [normalise_header(pd.Index([n]))[0] for n in names]
    sheet = next((n for n, f in zip(names, folded) if f == kind), None) \
        or next((n for n, f in zip(names, folded) if f.startswith(kind)), names[0])
    cells = book.parse(sheet, header=None, dtype=object)
    # text for every cell, vectorised: date cells become 'YYYY-MM-DD 00:00:00', numbers '3.5' / '12'
    return cells.apply(lambda col: col.astype(str).where(col.notna()))


def read_drop(path: Path, kind: str) -> tuple[pd.DataFrame, int]:
    """(data rows as text with normalised column names and ``source_row``, extra-values mask column), raw rows."""
    if path.suffix.lower() == ".csv":
        cells = _csv_cells(path)
    elif path.suffix.lower() == ".xlsx":
        cells = _xlsx_cells(path, kind)
    else:
        raise Refused("not_a_table")
    cells = cells.where(cells.ne(""))
    cells.columns = range(cells.shape[1])
    filled = cells.notna().any(axis=1)
    if not filled.any():
        raise Refused("empty_file")
    first = int(np.argmax(filled.to_numpy()))
    header = cells.iloc[first]
    names = normalise_header(header.fillna("").astype(str).to_list())
    while names and not names[-1]:
        names.pop()
    body = cells.iloc[first + 1:]
    body.index = pd.RangeIndex(1, len(body) + 1, name="source_row")
    blank = body.isna().all(axis=1)
    rows = int((~blank).sum())
    known = [n for n in names if n]
    if any(n in RESERVED for n in known):
        raise Refused("reserved_column", rows)
    if len(set(known)) != len(known):
        raise Refused("duplicate_column", rows)
    if rows == 0:
        raise Refused("empty_file")
    if any(c not in known for c in REQUIRED[kind]):
        raise Refused("missing_column", rows)
    width = len(names)
    extra = body.iloc[:, width:].notna().any(axis=1) if body.shape[1] > width else pd.Series(False, index=body.index)
    keep = [i for i, n in enumerate(names) if n]
    data = body.iloc[:, keep]
    data.columns = [names[i] for i in keep]
    data = data.assign(_extra=extra)[~blank]
    return data.reset_index(), rows


# ---------------------------------------------------------------------------------------------- the programme


def load_programme(raw: Path) -> tuple[dict, dict[str, dict]]:
    programme = yaml.safe_load((raw / "programme.yaml").read_text(encoding="utf-8"))
    tocs = {}
    for folder in sorted(p for p in raw.iterdir() if p.is_dir() and (p / "theory_of_change.yaml").is_file()):
        tocs[folder.name] = yaml.safe_load((folder / "theory_of_change.yaml").read_text(encoding="utf-8")) or {}
    return programme, tocs


def drops_of(raw: Path, initiatives: list[str]) -> list[tuple[str, str, Path]]:
    """(initiative_id, kind, path) of every table drop, in file-name order per kind."""
    found = []
    for initiative in initiatives:
        for path in sorted((raw / initiative).iterdir(), key=lambda p: p.name):
            name = path.name.lower()
            if path.is_file() and not name.startswith((".", "~$")):
                kind = next((k for k in ("participants", "activities", "survey") if name.startswith(k)), None)
                if kind:
                    found.append((initiative, kind, path))
    for path in sorted(raw.iterdir(), key=lambda p: p.name):
        if path.is_file() and path.name.lower().startswith("coaching_sessions"):
            found.append(("", "coaching_sessions", path))
    return found


# ---------------------------------------------------------------------------------------------- coercion


def fold(s: pd.Series) -> pd.Series:
    """Trimmed, case-folded, one kind of space and dash (the registry's ``fold``, on a whole column)."""
    return s.str.replace("\u00a0", " ", regex=False).str.translate(DASHES).str.casefold().str.split().str.join(" ")


def to_dates(s: pd.Series, xlsx: pd.Series) -> tuple[pd.Series, pd.Series]:
    part = s.str.strip().str.split(" ").str[0].str.split("T").str[0]
    iso, dmy = part.str.match(ISO, na=False), part.str.match(DMY, na=False)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    out[iso] = pd.to_datetime(part[iso], format="%Y-%m-%d", errors="coerce")
    out[dmy] = pd.to_datetime(part[dmy].str.replace("/", "-", regex=False), format="%d-%m-%Y", errors="coerce")
    serial = xlsx & part.str.fullmatch(r"\d+(\.0)?", na=False)
    number = pd.to_numeric(part.where(serial), errors="coerce")
    serial &= number.between(*SERIALS)
    out[serial] = pd.Timestamp("1899-12-30") + pd.to_timedelta(number[serial], unit="D")
    return out, s.notna() & out.isna()


def month_first(s: pd.Series, source: pd.Series) -> pd.Series:
    """Rows whose date sits in a column (of one file) written month first."""
    parts = s.str.strip().str.split(" ").str[0].str.extract(DMY)
    first, second = pd.to_numeric(parts[0], errors="coerce"), pd.to_numeric(parts[1], errors="coerce")
    only_mdy = (second > 12).groupby(source).transform("any")
    only_dmy = (first > 12).groupby(source).transform("any")
    return s.notna() & only_mdy & ~only_dmy


NUMBER_PLAIN = r"^-?\d+$"
POINT_SHOWN = r"^-?(\d*\.\d+|\d{1,3}(,\d{3})+\.\d*|\d{1,3}(,\d{3}){2,})$"
COMMA_SHOWN = r"^-?(\d*,\d+|\d{1,3}(\.\d{3})+,\d*|\d{1,3}(\.\d{3}){2,})$"
AMBIGUOUS = r"^-?[1-9]\d{0,2}[.,]\d{3}$"


def to_numbers(s: pd.Series, source: pd.Series, xlsx: pd.Series, whole: bool = False) -> tuple[pd.Series, pd.Series]:
    """Numbers with the decimal mark each file's column shows; (values, failed)."""
    t = s.str.strip()
    grouped = t.str.fullmatch(r"-?\d{1,3}([ \u00a0\u202f]\d{3})+([.,]\d+)?", na=False)
    t = t.where(~grouped, t.str.replace(r"[ \u00a0\u202f]", "", regex=True))
    t = t.str.replace(r"^(-?\d+)[.,]$", r"\1", regex=True)
    native = xlsx & t.str.fullmatch(r"-?\d+(\.\d+)?(e[-+]?\d+)?", na=False)
    ambiguous = t.str.match(AMBIGUOUS, na=False) & ~native
    point = t.str.match(POINT_SHOWN, na=False) & ~ambiguous & ~native
    comma = t.str.match(COMMA_SHOWN, na=False) & ~ambiguous & ~native
    has_point, has_comma = point.groupby(source).transform("any"), comma.groupby(source).transform("any")
    by_point = point | native | (ambiguous & has_point & ~has_comma)
    by_comma = comma | (ambiguous & has_comma & ~has_point)
    thousands = ambiguous & ~by_point & ~by_comma & whole
    text = pd.Series(np.nan, index=s.index, dtype="object")
    plain = t.str.match(NUMBER_PLAIN, na=False)
    text[plain] = t[plain]
    text[by_point & ~native] = t[by_point & ~native].str.replace(",", "", regex=False)
    text[native] = t[native]
    text[by_comma] = t[by_comma].str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    text[thousands] = t[thousands].str.replace(r"[.,]", "", regex=True)
    values = pd.to_numeric(text, errors="coerce")
    failed = s.notna() & values.isna()
    if whole:
        fraction = values.notna() & (values % 1 != 0)
        values = values.where(~fraction)
        failed |= fraction
    return values, failed


def to_category(s: pd.Series, allowed, words: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    table = {a.casefold(): a for a in allowed} | {k: v for k, v in words.items()}
    folded = fold(s)
    out = folded.map(table)
    return out, s.notna() & out.isna()


def normalise_codes(s: pd.Series) -> pd.Series:
    code = s.str.strip().str.upper().str.replace(r"\s+", "", regex=True)
    numeric = code.str.fullmatch(r"\d+", na=False)
    return code.where(~numeric, code.str.lstrip("0").replace("", "0"))


# ---------------------------------------------------------------------------------------------- the contract


class Table:
    """One kind's rows of every drop, with the problems found, per (column, rule) as boolean masks."""

    def __init__(self, kind: str, frame: pd.DataFrame):
        self.kind, self.frame = kind, frame
        self.problems: list[tuple[str, str, pd.Series]] = []
        self.typed: dict[str, pd.Series] = {}

    def fail(self, column: str, rule: str, mask: pd.Series) -> None:
        if mask.any():
            self.problems.append((column, rule, mask))

    def column(self, name: str) -> pd.Series:
        return self.frame[name] if name in self.frame else pd.Series(np.nan, index=self.frame.index, dtype="object")

    def required(self, name: str, values: pd.Series) -> None:
        self.fail(name, "required", self.column(name).isna())
        self.typed[name] = values

    def bad(self) -> pd.Series:
        out = pd.Series(False, index=self.frame.index)
        for _, _, mask in self.problems:
            out |= mask
        return out


def _dates(t: Table, name: str, nullable: bool) -> None:
    values, failed = to_dates(t.column(name), t.frame["_xlsx"])
    t.fail(name, "date", failed)
    t.fail(name, "month_first_date", month_first(t.column(name), t.frame["_file"]) & ~failed)
    if not nullable:
        t.fail(name, "required", t.column(name).isna())
    t.typed[name] = values


def _numbers(t: Table, name: str, whole: bool, nullable: bool, low: float | None = 0) -> None:
    values, failed = to_numbers(t.column(name), t.frame["_file"], t.frame["_xlsx"], whole)
    t.fail(name, "whole_number" if whole else "number", failed)
    if low is not None:
        t.fail(name, "range", values < low)
    if not nullable:
        t.fail(name, "required", t.column(name).isna())
    t.typed[name] = values


def _text(t: Table, name: str, nullable: bool, limit: int) -> None:
    s = t.column(name).str.strip().replace("", np.nan)
    t.fail(name, "length", s.str.len() > limit)
    if not nullable:
        t.fail(name, "required", s.isna())
    t.typed[name] = s


def _category(t: Table, name: str, allowed, words, nullable: bool, unknown_as_empty: bool = False) -> None:
    values, failed = to_category(t.column(name), allowed, words)
    if not unknown_as_empty:
        t.fail(name, "allowed_values", failed)
    if not nullable:
        t.fail(name, "required", t.column(name).isna())
    t.typed[name] = values


def contract_participants(t: Table) -> None:
    _text(t, "participant_id", False, MAX_ID)
    t.typed["participant_id"] = normalise_codes(t.typed["participant_id"])
    _dates(t, "enrolled_on", False)
    _category(t, "wijk", VOCABULARY.WIJKEN, {}, True, unknown_as_empty=True)
    _category(t, "age_band", VOCABULARY.AGE_BANDS, {}, False)
    _category(t, "gender", VOCABULARY.GENDERS, VOCABULARY.GENDER_WORDS, True)
    _dates(t, "left_on", True)


def contract_activities(t: Table) -> None:
    _dates(t, "date", False)
    _text(t, "activity", False, MAX_TEXT)
    _numbers(t, "attendees", True, False)
    _numbers(t, "volunteers", True, True)
    _numbers(t, "volunteer_hours", False, True)
    _numbers(t, "cost_eur", False, True)


def contract_coaching(t: Table, initiatives: list[str]) -> None:
    _category(t, "initiative_id", [*initiatives, "all"], {}, False)
    _category(t, "kind", VOCABULARY.SESSION_KINDS, VOCABULARY.SESSION_KIND_WORDS, False)
    _numbers(t, "session_no", True, False, low=1)
    _dates(t, "date", False)
    _category(t, "theme", VOCABULARY.COACHING_THEMES, VOCABULARY.COACHING_THEME_WORDS, True)
    for name in ("topics", "lessons", "actions"):
        _text(t, name, True, MAX_TEXT)


def custom_outcomes(tocs: dict[str, dict]) -> pd.DataFrame:
    rows = [{"initiative_id": i, "outcome_id": o["id"], "type": o.get("type"),
             "min": 0.0 if o.get("type") == "binary" else o.get("min"),
             "max": 1.0 if o.get("type") == "binary" else o.get("max")}
            for i, toc in tocs.items() for o in toc.get("outcomes") or [] if o.get("instrument") == "custom"]
    return pd.DataFrame(rows, columns=["initiative_id", "outcome_id", "type", "min", "max"])


def contract_survey(t: Table, tocs: dict[str, dict]) -> None:
    _text(t, "participant_id", False, MAX_ID)
    t.typed["participant_id"] = normalise_codes(t.typed["participant_id"])
    _dates(t, "responded_on", False)
    waves = pd.DataFrame([(i, w) for i, toc in tocs.items() for w in (toc.get("waves") or DEFAULT_WAVES)],
                         columns=["initiative_id", "wave"])
    folded = fold(t.column("wave"))
    wave = folded.map(VOCABULARY.WAVE_WORDS).fillna(folded)
    declared = pd.MultiIndex.from_frame(waves)
    ok = pd.MultiIndex.from_arrays([t.frame["initiative_id"], wave]).isin(declared)
    t.fail("wave", "allowed_values", t.column("wave").notna() & ~ok)
    t.fail("wave", "required", t.column("wave").isna())
    t.typed["wave"] = wave.where(ok)
    source, xlsx = t.frame["_file"], t.frame["_xlsx"]
    # registered instruments: codes (whole numbers) or answer words
    for inst in REGISTRY.values():
        items = [c for c in inst.items if c in t.frame]
        if not items:
            continue
        numeric_codes = {}
        for item in items:
            raw = t.frame[item]
            words = fold(raw).map({k: v for k, v in inst.answer_words.items()})
            codes, failed = to_numbers(raw.where(words.isna()), source, xlsx, whole=True)
            t.fail(item, "answer", failed & words.isna())
            numeric_codes[item] = codes
            t.typed[item] = words.astype("float64").fillna(codes)
        # a file coded one off as a whole: pooled numeric answers beyond one end of the scale
        codes = pd.DataFrame(numeric_codes)
        pooled = pd.DataFrame({"below": (codes == inst.min_code - 1).sum(axis=1), "lower": (codes < inst.min_code - 1).sum(axis=1),
                               "at_min": (codes == inst.min_code).sum(axis=1), "above": (codes == inst.max_code + 1).sum(axis=1),
                               "higher": (codes > inst.max_code + 1).sum(axis=1), "at_max": (codes == inst.max_code).sum(axis=1)})
        per_file = pooled.groupby(source).transform("sum")
        low = (per_file["below"] >= 5) & (per_file["below"] >= 20 * per_file["at_max"]) & (per_file["lower"] == 0)
        high = (per_file["above"] >= 5) & (per_file["above"] >= 20 * per_file["at_min"]) & (per_file["higher"] == 0)
        shifted = (low | high) & codes.notna().any(axis=1)
        t.fail(inst.id, "coded_off_by_one", shifted)
        for item in items:
            v = t.typed[item]
            t.fail(item, "range", ~shifted & ((v < inst.min_code) | (v > inst.max_code)))
    # custom outcomes: the initiative's own column, numeric / ordinal / binary in its range
    for spec in custom_outcomes(tocs).itertuples(index=False):
        if spec.outcome_id not in t.frame:
            continue
        mine = t.frame["initiative_id"] == spec.initiative_id
        raw = t.frame[spec.outcome_id].where(mine)
        words = fold(raw).map(BINARY_WORDS) if spec.type == "binary" else pd.Series(np.nan, index=raw.index)
        values, failed = to_numbers(raw.where(words.isna()), source, xlsx, whole=spec.type in ("binary", "ordinal"))
        values = words.astype("float64").fillna(values)
        t.fail(spec.outcome_id, "answer", failed & words.isna())
        t.fail(spec.outcome_id, "range", (values < spec.min) | (values > spec.max))
        previous = t.typed.get(spec.outcome_id, pd.Series(np.nan, index=raw.index))
        t.typed[spec.outcome_id] = previous.where(~mine, values)


# ---------------------------------------------------------------------------------------------- across drops


def cross_drop(kind: str, typed: pd.DataFrame, key_columns: list[str]) -> dict[str, pd.Series]:
    """Rules across the drops of one kind and initiative, on the rows that passed: masks per rule."""
    masks = {}
    contract = [c for c in typed.columns if not c.startswith("_") and c not in ("source_file", "source_row")]
    duplicate = typed.duplicated(subset=["initiative_id", *[c for c in contract if c != "initiative_id"]], keep="first")
    masks["duplicate"] = duplicate
    rest = typed[~duplicate]
    if kind == "activities":
        return masks
    group = ["initiative_id", *key_columns]
    size = rest.groupby(group, dropna=False)[contract[0]].transform("size")
    several = rest[size > 1]
    conflict = pd.Series(False, index=typed.index)
    if kind == "participants" and len(several):
        values = [c for c in contract if c not in group]
        compatible = several.groupby(group)[values].transform("nunique").le(1).all(axis=1)
        compatible_all = compatible.groupby([several[g] for g in group]).transform("all")
        # every registration of a compatible group but its fullest (the earliest among equals) is superseded
        fullest = several.assign(_full=-several[values].notna().sum(axis=1)).sort_values("_full", kind="stable")
        best = several.index.isin(fullest.drop_duplicates(subset=group).index)
        masks["superseded"] = (compatible_all & ~best).reindex(typed.index, fill_value=False)
        conflict[several.index[~compatible_all]] = True
    else:
        conflict[several.index] = True
    masks["conflict"] = conflict
    if kind == "survey":
        ok = typed[~duplicate & ~conflict]
        base = ok[ok["wave"] == "baseline"].set_index(["initiative_id", "participant_id"])["responded_on"]
        base = base[~base.index.duplicated()]
        at = pd.MultiIndex.from_frame(ok[["initiative_id", "participant_id"]])
        baseline_date = pd.Series(base.reindex(at).to_numpy(), index=ok.index)
        early = (ok["wave"] != "baseline") & ok["responded_on"].le(baseline_date)
        who = ok.loc[early, ["initiative_id", "participant_id"]].drop_duplicates()
        hit = pd.MultiIndex.from_frame(ok[["initiative_id", "participant_id"]]).isin(pd.MultiIndex.from_frame(who))
        order = pd.Series(False, index=typed.index)
        order[ok.index[early | (hit & (ok["wave"] == "baseline"))]] = True
        masks["wave_order"] = order
    return masks


KEYS = {"participants": ["participant_id"], "survey": ["participant_id", "wave"],
        "coaching_sessions": ["kind", "session_no"], "activities": []}


def stage(raw: Path, tocs: dict[str, dict]) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, pd.DataFrame]:
    """(staged frame per table, quarantine entries, drops)."""
    parts: dict[str, list[pd.DataFrame]] = {k: [] for k in REQUIRED}
    drops, refusals = [], []
    for number, (initiative, kind, path) in enumerate(drops_of(raw, list(tocs))):
        source = path.relative_to(raw).as_posix()
        try:
            data, rows = read_drop(path, kind)
        except Refused as exc:
            drops.append({"initiative_id": initiative, "table_name": TABLE_OF_KIND[kind], "source_file": source,
                          "raw_rows": exc.rows, "refused": True})
            refusals.append({"source_file": source, "source_row": None, "column": "(file)", "rule": exc.rule})
            continue
        drops.append({"initiative_id": initiative, "table_name": TABLE_OF_KIND[kind], "source_file": source,
                      "raw_rows": rows, "refused": False})
        meta = {"source_file": source, "_file": number, "_xlsx": path.suffix.lower() == ".xlsx"}
        if initiative:
            meta["initiative_id"] = initiative
        parts[kind].append(data.assign(**meta))
    staged, entries = {}, [pd.DataFrame(refusals, columns=["source_file", "source_row", "column", "rule"])]
    for kind, frames in parts.items():
        if not frames:
            continue
        frame = pd.concat(frames, ignore_index=True, sort=False)
        frame = frame.astype({c: "object" for c in frame.columns if not c.startswith("_") and c != "source_row"})
        t = Table(kind, frame)
        if kind == "participants":
            contract_participants(t)
        elif kind == "activities":
            contract_activities(t)
        elif kind == "survey":
            contract_survey(t, tocs)
        else:
            contract_coaching(t, list(tocs))
            t.typed["initiative_id"] = t.typed["initiative_id"]
        t.fail("(whole row)", "extra_values", frame["_extra"].fillna(False).astype(bool))
        typed = pd.DataFrame(t.typed)
        if kind != "coaching_sessions":
            typed.insert(0, "initiative_id", frame["initiative_id"])
        typed["source_file"], typed["source_row"], typed["_file"] = frame["source_file"], frame["source_row"], frame["_file"]
        bad = t.bad()
        passed = typed[~bad].sort_values(["_file", "source_row"], kind="stable")
        for rule, mask in cross_drop(kind, passed.drop(columns="_file"), KEYS[kind]).items():
            t.problems.append(("(whole row)", rule, mask.reindex(frame.index, fill_value=False)))
        bad = t.bad()
        staged[TABLE_OF_KIND[kind]] = typed[~bad].drop(columns="_file").reset_index(drop=True)
        for column, rule, mask in t.problems:
            entries.append(pd.DataFrame({"source_file": frame.loc[mask, "source_file"], "source_row": frame.loc[mask, "source_row"],
                                         "column": column, "rule": rule}))
    quarantine = pd.concat(entries, ignore_index=True)
    quarantine["source_row"] = quarantine["source_row"].astype("Int64")
    drops = pd.DataFrame(drops, columns=["initiative_id", "table_name", "source_file", "raw_rows", "refused"])
    staged_rows = pd.concat([f.groupby("source_file").size() for f in staged.values()]) if staged else pd.Series(dtype=int)
    set_aside = quarantine.dropna(subset=["source_row"]).groupby("source_file")["source_row"].nunique()
    drops["staged_rows"] = drops["source_file"].map(staged_rows).fillna(0).astype(int)
    drops["quarantined_rows"] = np.where(drops["refused"], drops["raw_rows"], drops["source_file"].map(set_aside).fillna(0)).astype(int)
    return staged, quarantine, drops


# ---------------------------------------------------------------------------------------------- scores and tests


def outcomes_of(tocs: dict[str, dict]) -> pd.DataFrame:
    rows = [{"initiative_id": i, "outcome_id": o["id"], "instrument": o.get("instrument"), "type": o.get("type"),
             "higher_is_better": o.get("higher_is_better")}
            for i, toc in tocs.items() for o in toc.get("outcomes") or []]
    return pd.DataFrame(rows, columns=["initiative_id", "outcome_id", "instrument", "type", "higher_is_better"])


def _item_frame(survey: pd.DataFrame, items) -> pd.DataFrame:
    return survey.reindex(columns=list(items)).astype("float64")


def score(survey: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """One row per initiative, participant, wave and outcome: the score (registry rules), items answered."""
    key = ["initiative_id", "participant_id", "wave"]
    parts = []
    for (instrument, outcome_id), spec in outcomes.groupby(["instrument", "outcome_id"], sort=True):
        rows = survey[survey["initiative_id"].isin(spec["initiative_id"])]
        if rows.empty:
            continue
        if instrument == "custom":
            items = [outcome_id]
        else:
            items = list(REGISTRY[instrument].items)
        codes = _item_frame(rows, items)
        answered = codes.notna().sum(axis=1)
        if instrument in ("djg11", "djg6"):
            inst = REGISTRY[instrument]
            positive = [f"{instrument}_{i}" for i in inst.reversed_items]
            negative = [c for c in items if c not in positive]
            lonely = pd.concat([codes[negative].isin([2, 3]).astype(float).where(codes[negative].notna()),
                                codes[positive].isin([1, 2]).astype(float).where(codes[positive].notna())], axis=1)
            value = lonely.sum(axis=1).where(len(items) - answered <= inst.max_missing)
        elif instrument in ("rses", "who5"):
            inst = REGISTRY[instrument]
            item_scores = codes - inst.min_code
            if inst.reversed_items:
                turned = [f"{instrument}_{i}" for i in inst.reversed_items]
                item_scores[turned] = (inst.max_code - inst.min_code) - item_scores[turned]
            value = (item_scores.mean(axis=1) * len(items)).where(len(items) - answered <= inst.max_missing)
            if instrument == "who5":
                value = value * 4
        elif instrument == "zrm":
            used = [c for c in items if c in rows and rows[c].notna().any()]
            long = rows[key].join(codes[used]).melt(id_vars=key, var_name="domain", value_name="score").dropna(subset=["score"])
            long["outcome_id"] = outcome_id + "." + long["domain"].str.removeprefix("zrm_")
            parts.append(long.drop(columns="domain").assign(instrument=instrument, items_answered=1))
            continue
        else:
            value = codes[items[0]]
        parts.append(rows[key].assign(outcome_id=outcome_id, instrument=instrument, score=value,
                                      items_answered=answered)[answered > 0])
    columns = [*key, "outcome_id", "instrument", "score", "items_answered"]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def choose_test(declared: str, instrument: str, outcome_type: str | None) -> str:
    if declared not in (None, "auto"):
        return declared
    if outcome_type == "binary":
        return "mcnemar"
    if outcome_type == "ordinal" or instrument in ("participation_ladder", "zrm"):
        return "wilcoxon"
    return "wilcoxon" if SCALE_POINTS.get(instrument, FEW_POINTS + 1) <= FEW_POINTS else "paired_t"


def mid_p(k: int, m: int, alternative: str) -> float:
    if m == 0:
        return 1.0
    point, at_most, at_least = stats.binom.pmf(k, m, 0.5), stats.binom.cdf(k, m, 0.5), stats.binom.sf(k - 1, m, 0.5)
    if alternative == "greater":
        p = at_least - point / 2
    elif alternative == "less":
        p = at_most - point / 2
    else:
        p = 1 - point / 2 if 2 * k == m else 2 * min(at_most, at_least) - point
    return float(min(1.0, max(0.0, p)))


def paired_test(test: str, b: np.ndarray, f: np.ndarray, alternative: str) -> tuple[float, float]:
    """(statistic, p) of follow_up − baseline."""
    if test == "paired_t":
        res = stats.ttest_rel(f, b, alternative=alternative)
        return float(res.statistic), float(res.pvalue)
    if test == "wilcoxon":
        d = np.round(f - b, 9)
        nonzero = d[d != 0]
        if nonzero.size == 0:
            return 0.0, 1.0
        exact = nonzero.size < 50 and np.unique(np.abs(nonzero)).size == nonzero.size and nonzero.size == d.size
        res = stats.wilcoxon(d, zero_method="wilcox", alternative=alternative, method="exact") if exact else \
            stats.wilcoxon(d, zero_method="wilcox", correction=True, alternative=alternative, method="asymptotic")
        ranks = stats.rankdata(np.abs(nonzero))
        return float(ranks[nonzero > 0].sum()), float(res.pvalue)
    n01, n10 = int(((b == 0) & (f == 1)).sum()), int(((b == 1) & (f == 0)).sum())
    return float(n01), mid_p(n01, n01 + n10, alternative)


def hypotheses(tocs: dict[str, dict], programme: dict, scores: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    # pair baseline and follow-up once, for every outcome: one wide frame
    scored = scores[scores["score"].notna() & scores["wave"].isin(["baseline", "follow_up"])]
    wide = scored.pivot_table(index=["initiative_id", "outcome_id", "participant_id"], columns="wave",
                              values="score", aggfunc="first").reindex(columns=["baseline", "follow_up"])
    pairs = wide.dropna()
    groups = {k: g for k, g in pairs.groupby(level=[0, 1])}
    spec = outcomes.set_index(["initiative_id", "outcome_id"])
    rows = []
    for initiative, toc in tocs.items():
        for h in toc.get("hypotheses") or []:
            outcome = h["outcome"]
            instrument, kind = spec.loc[(initiative, outcome), ["instrument", "type"]]
            kind = None if pd.isna(kind) else kind
            test = choose_test(h.get("test", "auto"), instrument, kind)
            alternative = h.get("alternative", "two-sided")
            got = groups.get((initiative, outcome))
            b = got["baseline"].to_numpy(float) if got is not None else np.array([])
            f = got["follow_up"].to_numpy(float) if got is not None else np.array([])
            if test == "mcnemar" and instrument in CUT_OFF:
                b, f = (b >= CUT_OFF[instrument]).astype(float), (f >= CUT_OFF[instrument]).astype(float)
            needed = int(h.get("min_pairs") or programme.get("min_pairs", 10))
            statistic = p = math.nan
            if len(b) >= needed and len(b):
                statistic, p = paired_test(test, b, f, alternative)
            rows.append({"initiative_id": initiative, "hypothesis_id": h["id"], "outcome_id": outcome, "test": test,
                         "alternative": alternative, "primary": bool(h.get("primary", True)), "n_pairs": len(b),
                         "mean_baseline": b.mean() if len(b) else math.nan, "mean_follow_up": f.mean() if len(f) else math.nan,
                         "mean_difference": (f - b).mean() if len(b) else math.nan, "statistic": statistic, "p_value": p})
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out["p_adjusted"] = out["p_value"]
    family = out["primary"] & out["p_value"].notna()
    if str(programme.get("multiple_testing", "holm")) == "holm" and family.any():
        out.loc[family, "p_adjusted"] = multipletests(out.loc[family, "p_value"], method="holm")[1]
    return out


# ---------------------------------------------------------------------------------------------- the whole run


def run(raw: Path, out: Path) -> dict:
    programme, tocs = load_programme(raw)
    staged, quarantine, drops = stage(raw, tocs)
    outcomes = outcomes_of(tocs)
    survey = staged.get("survey_responses", pd.DataFrame(columns=["initiative_id", "participant_id", "wave"]))
    scores = score(survey, outcomes)
    results = hypotheses(tocs, programme, scores, outcomes)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():
        out.unlink()
    con = duckdb.connect(str(out))
    for schema in ("staging", "marts", "quality"):
        con.execute(f"CREATE SCHEMA {schema}")
    tables = {**{f"staging.{k}": v for k, v in staged.items()}, "staging.quarantine": quarantine, "staging.drops": drops,
              "marts.outcome_scores": scores, "marts.hypothesis_results": results}
    for name, frame in tables.items():
        con.register("_frame", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM _frame")
        con.unregister("_frame")
    year = int(programme["year"])
    checks = []
    for table, column in (("participants", "enrolled_on"), ("activities", "date"), ("survey_responses", "responded_on")):
        if f"staging.{table}" in tables:
            checks.append(f"SELECT '{table}' AS table_name, 'dates_in_programme_year' AS rule, count(*) AS failing "
                          f"FROM staging.{table} WHERE year({column}) <> {year}")
    if "staging.survey_responses" in tables and "staging.participants" in tables:
        checks.append("SELECT 'survey_responses', 'respondents_in_register', count(*) FROM staging.survey_responses s "
                      "ANTI JOIN staging.participants p USING (initiative_id, participant_id)")
    if checks:
        con.execute("CREATE TABLE quality.quality_counts AS " + " UNION ALL ".join(checks))
    con.close()
    return {"staged": {k: len(v) for k, v in sorted(staged.items())}, "quarantine_entries": len(quarantine),
            "hypotheses": len(results), "scores": len(scores)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw-data", type=Path, default=Path("raw_data"))
    parser.add_argument("--out", type=Path, required=True, help="the DuckDB file to write (replaced)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    summary = run(args.raw_data, args.out)
    summary["seconds"] = round(time.perf_counter() - started, 3)
    print(json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
