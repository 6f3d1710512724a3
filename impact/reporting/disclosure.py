"""Statistical disclosure control for the tables and chart data the municipality receives.

The rule: no published figure rests on fewer people than the programme's
``disclosure_threshold`` (default 10). Such figures are shown as suppressed
(blank), with *secondary* suppression wherever a published total or difference
would let a reader recover them. The municipality's artefacts hold aggregates
only. This module is pure (pandas/numpy, no Dagster) so the pipeline, the
report writers and the tests share one implementation.

Cells frame
    The unit of disclosure control is a *cell*: one published figure. A "cells
    frame" is a DataFrame with the columns

    ``cell_id``     str, unique within the frame
    ``value``       float, the figure itself (used to pick secondary cells)
    ``n``           the number of people the figure rests on (Int64 or float);
                    NaN/<NA> for figures that do not rest on people, such as
                    activity counts, which are never suppressed on their own
    ``suppressed``  bool (optional on input, default False)
    ``reason``      '' | 'primary' | 'secondary' (optional on input, default '')

    Every function returns a new frame and never mutates its input.

``primary_suppression(cells, threshold)``
    Marks ``suppressed=True, reason='primary'`` where ``0 < n < threshold``.
    A count of 0 people reveals nobody and stays visible; NaN ``n`` stays visible.

``secondary_suppression(cells, groups)``
    ``groups`` is a list of additive relations, each a list of cell_ids where
    the FIRST is the total and the rest are its parts (total = sum of parts):
    ``[year, q1, q2, q3, q4]``, or for a cumulative series
    ``[reached_q2, reached_q1, new_q2]``. A group with exactly one suppressed
    cell gives that cell away by subtraction, so in every group the number of
    suppressed cells must be 0 or >= 2. Repeated until nothing changes (groups
    share cells: rows and columns of a table, links of a cumulative chain): for
    each group, in the order given, with exactly one suppressed cell, one more
    cell is suppressed with ``reason='secondary'`` -- a part rather than the
    total (the total is usually the headline figure), among the parts the one
    with the smallest value (NaN values last), ties broken by ``cell_id``; the
    total only when every part is already suppressed. Every pass either
    suppresses at least one more cell or stops, so it terminates. Groups of
    fewer than two cells, repeated ids within a group and unknown ids raise
    ``ValueError``.

    Limitation: "0 or >= 2 per group" is the usual rule of thumb, not a proof
    of safety. In unusual patterns a suppressed cell can still be pinned down
    by combining several equations (in a 2-D table, a suppressed cell that is a
    "bridge" between two otherwise separate suppression cycles), and bounds
    (counts are >= 0) can narrow a small cell down. Keep published relations
    few and tables coarse.

``suppress_table(frame, row_key, value_columns, total_row=None, total_column=None, threshold=10)``
    For a wide table of people counts (rows = initiatives, columns = the wijken
    and 'unknown', with optionally a row-totals column ``total_column`` and a
    totals row whose ``row_key`` equals ``total_row``). The counts are their own
    ``n``. Cell ids are ``f"{row}|{column}"``. Groups: one per row
    ``[row total, parts...]`` (only if ``total_column`` is given) and one per
    column ``[totals-row cell, cells of the other rows...]`` (only if
    ``total_row`` is given), rows before columns, in frame order; the grand
    total belongs to both the totals row and the totals column. Primary, then
    secondary suppression. Returns ``(values, mask)``: ``values`` is a copy of
    ``frame`` whose suppressed cells are missing (integer columns come back as
    ``Int64`` with ``<NA>`` so a CSV shows ``12`` and blank, other columns as
    float with NaN); ``mask`` has ``row_key`` and the value/total columns holding
    the reason ('' | 'primary' | 'secondary').

``publishable(frame, n_column, figure_columns, threshold=10)``
    For a row-wise table whose figures in each row rest on ``n_column`` people
    (a hypothesis table: n_pairs, means, CI, p). For rows with
    ``0 < n < threshold`` the figure columns and ``n_column`` itself are blanked
    (NaN for floats, ``<NA>`` for integers/booleans via Int64/boolean, None for
    text). A boolean ``suppressed`` column is added, or updated as
    ``existing OR newly blanked`` (an upstream flag, e.g. for 0 pairs, is kept).

Publishing convention (CSV) and the scanner
    Published tables are CSV with a header row, UTF-8 with BOM (``utf-8-sig``,
    see ``impact.reporting.files.csv_bytes``); a blank cell means "not shown".
    There are no comment lines. A report publishes each table twice: the
    machine CSV ``tables/machine/<table>.csv`` (code-name headers, ``,``,
    decimal point) and, for Excel, ``tables/<table>.csv`` (headers in words,
    ``;``, decimal comma; ``impact.reporting.files.excel_csv_bytes``). A CSV
    whose header row holds more ``;`` than ``,`` is read in that Excel dialect
    (its decimal commas as points). The scanner checks

    1. People-count columns hold blank, 0, or a number >= threshold (negative
       and non-numeric values are violations too). A column is a people count
       when its name -- stripped, case-insensitive -- is in
       ``PEOPLE_COUNT_COLUMNS``, starts with ``n_`` or ends with ``_n``, or is
       declared by the publisher in ``count_columns`` (the sidecar for wide
       tables such as reach by wijk, whose columns are wijk names). So never
       use these names for things that are not people (activities, sessions,
       targets): call them e.g. ``activities`` or ``sessions``.
    2. Suppressed rows are blank: when a row has a column ``n`` or ``n_pairs``
       that is blank and its ``suppressed`` column is true (``true``, ``True``,
       ``1``, ``ja``; case-insensitive), every other cell in that row that
       reads as a number must be blank too (``suppressed`` itself and the other
       people-count columns excepted: those are cells of their own, held to rule 1).
       Text cells (labels, verdicts) may stay. Note that numeric label columns
       (a year, ``min_pairs``) count as numbers here: publish them as text or
       leave them out of row-suppressed tables.
    3. Declared count columns must exist in the header; rows may not have more
       cells than the header.

    ``scan_published_csv(path, threshold=10, count_columns=None) -> list[str]``
    returns readable violations, ``[]`` when clean, e.g.
    ``"reach.csv: row 3, column 'participants': people count '4' is below the
    disclosure threshold 10"``. Rows are numbered as a spreadsheet shows them:
    the header is row 1, the first data row is row 2. The file is named as
    ``path`` was given. ``scan_published_folder(folder, threshold=10,
    count_columns_by_file=None)`` scans every ``*.csv`` under ``folder``
    (recursively, sorted), naming files by their path relative to ``folder``;
    ``count_columns_by_file`` is keyed by that relative path (posix) or by the
    bare file name, and a key that matches no file is itself a violation.
    An Excel CSV ``<dir>/<name>.csv`` next to a machine twin
    ``<dir>/machine/<name>.csv`` is not held to the rules by its (translated)
    header names: it must hold the twin's cells, row by row (a number may
    carry a decimal comma instead of the point), and the twin is scanned
    with the count columns declared for either file, e.g.
    ``"tables/hypotheses.csv: differs from tables/machine/hypotheses.csv in
    row 3, column 5"``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

DEFAULT_THRESHOLD = 10

CELL_COLUMNS = ["cell_id", "value", "n", "suppressed", "reason"]

PEOPLE_COUNT_COLUMNS = frozenset({
    "n", "n_baseline", "n_follow_up", "n_pairs", "participants", "participants_new",
    "participants_reached", "respondents", "persons", "count", "people",
})

# columns whose blank value marks a row-suppressed row (with ``suppressed`` true)
ROW_N_COLUMNS = ("n", "n_pairs")
SUPPRESSED_COLUMN = "suppressed"
TRUE_TEXTS = frozenset({"true", "1", "1.0", "ja"})
BLANK_TEXTS = frozenset({"", "nan", "<na>"})
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DUTCH_NUMBER = re.compile(r"^[+-]?(\d+(,\d*)?|,\d+)([eE][+-]?\d+)?$")
#: The folder, beside a report's Excel CSVs, of the machine CSVs (``impact.reporting.files.MACHINE_FOLDER``).
MACHINE_FOLDER = "machine"


# ---------------------------------------------------------------------------
# cells


def _check_threshold(threshold: int) -> int:
    if isinstance(threshold, bool) or not isinstance(threshold, (int, np.integer)) or threshold < 1:
        raise ValueError(f"disclosure threshold must be a whole number >= 1, not {threshold!r}")
    return int(threshold)


def _cells(cells: pd.DataFrame) -> pd.DataFrame:
    """A validated copy of a cells frame, with ``suppressed`` and ``reason`` filled in."""
    missing = {"cell_id", "value", "n"} - set(cells.columns)
    if missing:
        raise ValueError(f"cells frame lacks column(s) {sorted(missing)}")
    out = cells.copy()
    out["cell_id"] = out["cell_id"].astype(str)
    duplicated = out["cell_id"][out["cell_id"].duplicated()]
    if len(duplicated):
        raise ValueError(f"cell_id must be unique; repeated: {sorted(set(duplicated))}")
    out["value"] = pd.to_numeric(out["value"]).astype(float)
    out["n"] = pd.to_numeric(out["n"])
    out["suppressed"] = out["suppressed"].fillna(False).astype(bool) if "suppressed" in out else False
    out["reason"] = out["reason"].fillna("").astype(str) if "reason" in out else ""
    out.loc[~out["suppressed"], "reason"] = ""
    return out


def primary_suppression(cells: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Suppress every cell resting on 1 .. threshold-1 people (reason 'primary'). 0 people stays visible."""
    threshold = _check_threshold(threshold)
    out = _cells(cells)
    n = out["n"].astype(float)
    primary = (n.notna() & (n > 0) & (n < threshold)).to_numpy()
    out.loc[primary, "suppressed"] = True
    out.loc[primary, "reason"] = "primary"
    return out


def _group_positions(cells: pd.DataFrame, groups: Iterable[Sequence[str]]) -> list[np.ndarray]:
    position = {cell_id: i for i, cell_id in enumerate(cells["cell_id"])}
    result = []
    for g, group in enumerate(groups):
        ids = [str(c) for c in group]
        if len(ids) < 2:
            raise ValueError(f"group {g} {ids}: an additive relation needs a total and at least one part")
        if len(set(ids)) != len(ids):
            raise ValueError(f"group {g} {ids}: a cell appears twice")
        unknown = [c for c in ids if c not in position]
        if unknown:
            raise ValueError(f"group {g}: unknown cell_id(s) {unknown}")
        result.append(np.array([position[c] for c in ids]))
    return result


def secondary_suppression(cells: pd.DataFrame, groups: Iterable[Sequence[str]],
                          threshold: int | None = None) -> pd.DataFrame:
    """Suppress more cells until no group (total first, then parts) has exactly one suppressed cell.

    With ``threshold``, also until in every group whose total is shown the suppressed parts
    together hold at least ``threshold`` (else a reader learns that, say, two hidden cells hold
    9 people between them): the smallest shown part with a value above 0 is suppressed next
    (zeros add nothing), or the total when no such part is left.
    """
    out = _cells(cells)
    positions = _group_positions(out, groups)
    suppressed = out["suppressed"].to_numpy(dtype=bool).copy()
    values = out["value"].to_numpy(dtype=float)
    ids = out["cell_id"].to_numpy(dtype=object)
    secondary = np.zeros(len(out), dtype=bool)

    def smallest(candidates: list[int]) -> int:
        # smallest value first, NaN values last, then cell_id
        return min(candidates, key=lambda p: (math.isnan(values[p]), 0.0 if math.isnan(values[p]) else values[p], ids[p]))

    changed = True
    while changed:  # each pass suppresses at least one more cell, or stops
        changed = False
        for group in positions:
            hidden = int(suppressed[group].sum())
            shown_parts = [int(p) for p in group[1:] if not suppressed[p]]
            if hidden == 1:
                pick = smallest(shown_parts) if shown_parts else int(group[0])
            elif threshold is not None and hidden >= 2 and not suppressed[group[0]]:
                hidden_sum = float(np.nansum(values[[p for p in group[1:] if suppressed[p]]]))
                if hidden_sum >= threshold:
                    continue
                positive = [p for p in shown_parts if not math.isnan(values[p]) and values[p] > 0]
                pick = smallest(positive) if positive else int(group[0])
            else:
                continue
            suppressed[pick] = True
            secondary[pick] = True
            changed = True
    out["suppressed"] = suppressed
    out.loc[secondary, "reason"] = "secondary"
    return out


# ---------------------------------------------------------------------------
# wide tables of people counts


def suppress_table(
    frame: pd.DataFrame,
    row_key: str,
    value_columns: Sequence[str],
    total_row: object | None = None,
    total_column: str | None = None,
    threshold: int = DEFAULT_THRESHOLD,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Primary and secondary suppression of a wide count table; returns (values with gaps, reasons)."""
    threshold = _check_threshold(threshold)
    value_columns = list(value_columns)
    if not value_columns:
        raise ValueError("suppress_table needs at least one value column")
    if total_column is not None and total_column in value_columns:
        raise ValueError(f"the totals column {total_column!r} must not also be a value column")
    columns = value_columns + ([total_column] if total_column is not None else [])
    missing = [c for c in [row_key, *columns] if c not in frame.columns]
    if missing:
        raise ValueError(f"table lacks column(s) {missing}")
    keys = frame[row_key].astype(str).tolist()
    if len(set(keys)) != len(keys):
        raise ValueError(f"row keys in {row_key!r} must be unique")
    if total_row is not None and keys.count(str(total_row)) != 1:
        raise ValueError(f"totals row {total_row!r} not found in {row_key!r}")

    def cell_id(key: str, column: str) -> str:
        return f"{key}|{column}"

    ids = [cell_id(key, column) for key in keys for column in columns]
    if len(set(ids)) != len(ids):
        raise ValueError("row keys and column names combine into ambiguous cell ids (avoid '|')")
    numbers = np.column_stack([pd.to_numeric(frame[c]).astype("Float64").to_numpy(dtype=float, na_value=np.nan)
                               for c in columns]).ravel()  # row by row, as ``ids``
    cells = pd.DataFrame({"cell_id": ids, "value": numbers, "n": numbers})

    groups: list[list[str]] = []
    if total_column is not None:
        groups += [[cell_id(key, total_column)] + [cell_id(key, c) for c in value_columns] for key in keys]
    if total_row is not None:
        body = [key for key in keys if key != str(total_row)]
        groups += [[cell_id(str(total_row), c)] + [cell_id(key, c) for key in body] for c in columns]

    result = secondary_suppression(primary_suppression(cells, threshold), groups)  # same order as ``ids``
    shape = (len(keys), len(columns))
    hidden = result["suppressed"].to_numpy(dtype=bool).reshape(shape)
    why = result["reason"].to_numpy(dtype=object).reshape(shape)
    values_out = frame.copy()
    mask = frame[[row_key]].copy()
    for j, column in enumerate(columns):
        values_out[column] = _blank(frame[column], pd.Series(hidden[:, j], index=frame.index))
        mask[column] = why[:, j]
    return values_out, mask


# ---------------------------------------------------------------------------
# row-wise tables


def _blank(series: pd.Series, mask: pd.Series) -> pd.Series:
    """``series`` with the masked entries missing, in a dtype that can hold a gap."""
    if pd.api.types.is_bool_dtype(series):
        series = series.astype("boolean")
    elif pd.api.types.is_integer_dtype(series):
        series = series.astype("Int64")
    elif pd.api.types.is_float_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
        series = series.copy()
    else:
        series = series.astype(object)
        series[mask.to_numpy(dtype=bool)] = None
        return series
    return series.mask(mask.to_numpy(dtype=bool))


def publishable(
    frame: pd.DataFrame, n_column: str, figure_columns: Sequence[str], threshold: int = DEFAULT_THRESHOLD,
) -> pd.DataFrame:
    """A copy with the figures (and n) blanked for rows resting on 1 .. threshold-1 people."""
    threshold = _check_threshold(threshold)
    figure_columns = list(figure_columns)
    missing = [c for c in [n_column, *figure_columns] if c not in frame.columns]
    if missing:
        raise ValueError(f"table lacks column(s) {missing}")
    out = frame.copy()
    n = pd.to_numeric(out[n_column]).astype(float)
    small = n.notna() & (n > 0) & (n < threshold)
    for column in dict.fromkeys([*figure_columns, n_column]):
        out[column] = _blank(out[column], small)
    earlier = out[SUPPRESSED_COLUMN].fillna(False).astype(bool) if SUPPRESSED_COLUMN in out else False
    out[SUPPRESSED_COLUMN] = (small | earlier).astype(bool)
    return out


# ---------------------------------------------------------------------------
# the scanner


def is_people_count_column(name: str, count_columns: Iterable[str] = ()) -> bool:
    """Whether the publishing convention treats column ``name`` as a count of people."""
    key = name.strip().lower()
    declared = {c.strip().lower() for c in count_columns}
    return key in PEOPLE_COUNT_COLUMNS or key in declared or key.startswith("n_") or key.endswith("_n")


def _blank_text(text: str) -> bool:
    return text.strip().lower() in BLANK_TEXTS


def _read_rows(path: Path, points: bool = True) -> list[list[str]]:
    """The rows of a published CSV, in either dialect; with ``points``, an Excel CSV's decimal commas are
    read as points (``12,5`` -> ``12.5``). Raises UnicodeDecodeError."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        text = f.read()
    first = text.split("\n", 1)[0]
    excel = first.count(";") > first.count(",")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";" if excel else ","))
    if excel and points:
        rows = rows[:1] + [[c.replace(",", ".") if _DUTCH_NUMBER.match(c.strip()) else c for c in row]
                           for row in rows[1:]]
    return rows


def _comma(text: str) -> str:
    """A machine CSV's cell as the Excel CSV writes it: a number with a decimal comma, anything else as is."""
    return text.replace(".", ",") if _NUMBER.match(text.strip()) else text


def _same_table(path: Path, label: str, twin: Path, twin_label: str) -> list[str]:
    """An Excel CSV must hold its machine twin's cells (a decimal comma for the point), header aside; a text cell
    may read in the report's words instead of the machine CSV's code, but never as a number or empty."""
    try:
        rows, machine = _read_rows(path, points=False), _read_rows(twin)
    except UnicodeDecodeError:
        return [f"{label}: not readable as UTF-8"]
    if [len(r) for r in rows[:1]] != [len(r) for r in machine[:1]] or len(rows) != len(machine):
        return [f"{label}: not the same table as {twin_label} ({len(rows)} rows of {len(rows[0]) if rows else 0} "
                f"columns against {len(machine)} of {len(machine[0]) if machine else 0})"]
    for r, (row, other) in enumerate(zip(rows[1:], machine[1:]), start=2):
        if len(row) != len(other):
            return [f"{label}: differs from {twin_label} in row {r} ({len(row)} cells against {len(other)})"]
        for c, (cell, expected) in enumerate(zip(row, other), start=1):
            if cell == expected or cell == _comma(expected):
                continue
            # a code in the machine CSV reads in words in the Excel CSV ('True' as 'ja', 'supported' as
            # 'Ondersteund'): text for text, never a number, and empty only where the machine cell is
            words = (not _NUMBER.match(expected.strip()) and expected.strip() != "" and cell.strip() != ""
                     and not _DUTCH_NUMBER.match(cell.strip()) and not _NUMBER.match(cell.strip()))
            if not words:
                return [f"{label}: differs from {twin_label} in row {r}, column {c}"]
    return []


def _scan(path: Path, label: str, threshold: int, count_columns: Sequence[str]) -> list[str]:
    try:
        rows = _read_rows(path)
    except UnicodeDecodeError:
        return [f"{label}: not readable as UTF-8"]
    if not rows:
        return []
    header = [h.strip() for h in rows[0]]
    lowered = [h.lower() for h in header]
    violations = [f"{label}: declared people-count column '{c}' is not in the header"
                  for c in count_columns if c.strip().lower() not in lowered]
    counted = [i for i, h in enumerate(header) if is_people_count_column(h, count_columns)]
    row_n = [i for i, h in enumerate(lowered) if h in ROW_N_COLUMNS]
    flag = lowered.index(SUPPRESSED_COLUMN) if SUPPRESSED_COLUMN in lowered else None
    for r, raw_row in enumerate(rows[1:], start=2):
        if len(raw_row) > len(header):
            violations.append(f"{label}: row {r} has {len(raw_row)} cells but the header has {len(header)} columns")
        row = raw_row[:len(header)] + [""] * (len(header) - len(raw_row))
        for i in counted:
            text = row[i].strip()
            if _blank_text(text):
                continue
            if not _NUMBER.match(text):
                violations.append(f"{label}: row {r}, column '{header[i]}': people count '{text}' is not a number")
            elif float(text) != 0 and float(text) < threshold:
                violations.append(f"{label}: row {r}, column '{header[i]}': people count '{text}' "
                                  f"is below the disclosure threshold {threshold}")
        if flag is None or row[flag].strip().lower() not in TRUE_TEXTS:
            continue
        blank_n = [i for i in row_n if _blank_text(row[i])]
        if not blank_n:
            continue
        for i, text in enumerate(row):
            # other people counts are cells of their own, already held to the threshold above
            if i == flag or i in blank_n or i in counted or _blank_text(text) or not _NUMBER.match(text.strip()):
                continue
            violations.append(f"{label}: row {r}, column '{header[i]}': '{text.strip()}' is shown although the row "
                              f"is suppressed (its '{header[blank_n[0]]}' is blank)")
    return violations


def scan_published_csv(path: str | Path, threshold: int = DEFAULT_THRESHOLD,
                       count_columns: Sequence[str] | None = None) -> list[str]:
    """Disclosure violations in one published CSV (see the module docstring); [] when clean."""
    threshold = _check_threshold(threshold)
    return _scan(Path(path), str(path), threshold, list(count_columns or []))


def scan_published_folder(folder: str | Path, threshold: int = DEFAULT_THRESHOLD,
                          count_columns_by_file: dict[str, list[str]] | None = None) -> list[str]:
    """Disclosure violations in every ``*.csv`` under ``folder``, files named relative to it."""
    threshold = _check_threshold(threshold)
    folder = Path(folder)
    declared = dict(count_columns_by_file or {})
    used: set[str] = set()
    violations: list[str] = []
    paths = sorted(p for p in folder.rglob("*.csv") if p.is_file())
    present = set(paths)
    # an Excel CSV and its machine twin: the twin is scanned by the rules, the Excel CSV must hold its cells
    twins = {p: p.parent / MACHINE_FOLDER / p.name for p in paths
             if p.parent.name != MACHINE_FOLDER and p.parent / MACHINE_FOLDER / p.name in present}
    excel_of = {twin: p for p, twin in twins.items()}
    for path in paths:
        relative = path.relative_to(folder).as_posix()
        if path in twins:
            violations += _same_table(path, relative, twins[path], twins[path].relative_to(folder).as_posix())
            continue
        keys = [relative, path.name]
        if path in excel_of:
            keys.append(excel_of[path].relative_to(folder).as_posix())
        columns: list[str] = []
        for key in keys:
            if key in declared:
                columns += list(declared[key])
                used.add(key)
        violations += _scan(path, relative, threshold, list(dict.fromkeys(columns)))
    violations += [f"{key}: people-count columns are declared for this file but no such file was published"
                   for key in sorted(set(declared) - used)]
    return violations
