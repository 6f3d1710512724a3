"""The tables of a report as people open them: one XLSX workbook, and CSVs in the Dutch Excel dialect.

Every report publishes each of its tables three times, with the same values:

``<stem>_tables.xlsx``
    One workbook (:func:`report_workbook`): first the sheet *Toelichting* (*Notes* in English) with what ×
    and – mean, why a figure is hidden, how the numbers are shown, which CSV file holds each sheet and
    where the figures come from; then one sheet per table, named and headed in the report's language; last
    the sheet *Kolommen* (*Columns*) that gives, per sheet and column, the header, the column's code name
    (as in the machine CSV) and its kind and number format. Cells hold the unrounded values; the number
    format rounds what is shown (shares as percentages, p-values to three decimals or ``< 0,001``, …).
    A figure hidden by disclosure control shows ``×``, a figure not computed ``–`` (from the table's
    ``hidden`` column, :mod:`impact.reporting.tables`); the ``hidden`` column itself is put into words.
    The header row is frozen and filtered, columns are sized to what they show.
``tables/<table>.csv``
    For Excel: ``;`` between cells, a decimal comma, UTF-8 with BOM, the headers of the workbook
    (:func:`impact.reporting.files.excel_csv_bytes`), and its words for coded cells (:func:`worded_frame`:
    ``ja``/``nee``, ``stijging``, ``Ondersteund``, the reasons a figure is hidden). Hidden and missing figures
    are empty cells here.
``tables/machine/<table>.csv``
    For programs, as before: code-name headers, ``,`` between cells, a decimal point
    (:func:`impact.reporting.files.csv_bytes`). The disclosure scanner reads these, and checks that each
    Excel CSV holds the same cells (``impact.reporting.disclosure.scan_published_folder``).

The words are the catalogue's ``spreadsheet.*`` keys (``locale/<language>.yaml``); a column or table
without a label there keeps its code name (the wijk columns of the programme's reach table are names
already). Same arguments, same bytes: the workbook is saved by
:func:`impact.reporting.render.workbook_bytes`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from impact.reporting.disclosure import is_people_count_column
from impact.reporting.files import MACHINE_FOLDER
from impact.language import Translator
from impact.reporting.render import _safe_sheet_names, cell_columns, workbook_bytes
from impact.reporting.tables import HIDDEN_COLUMN, HIDDEN_REASONS, hidden_reasons

HIDDEN_MARK = "×"   # the catalogues' common.suppressed_mark
MISSING_MARK = "–"  # common.missing_mark

#: The kind of each published column that is not a people count or plain text (see :func:`column_kind`).
COLUMN_KINDS: dict[str, str] = {
    **dict.fromkeys(("activities", "raw_rows", "quarantined_rows", "rows_delivered", "rows_set_aside",
                     "checks_warned", "session_no", "priority", "duration_years"), "count"),
    "volunteer_hours": "hours",
    **dict.fromkeys(("target", "realised", "quantity", "df"), "amount"),
    **dict.fromkeys(("share", "share_worse", "share_same", "share_better", "response_rate", "retention", "realisation",
                     "discordant_share", "deadweight", "displacement", "attribution", "drop_off", "discount_rate",
                     "ci_level"), "share"),
    **dict.fromkeys(("mean", "p10", "p25", "p50", "p75", "p90", "mean_baseline", "mean_follow_up",
                     "mean_difference", "estimate", "ci_low", "ci_high", "statistic", "effect_size",
                     "effect_size_ci_low", "effect_size_ci_high", "sd_difference", "mde", "difference",
                     "mean_with_follow_up", "mean_without_follow_up", "ratio", "ratio_low", "ratio_high",
                     *(f"reliability_{w}{part}" for w in ("baseline", "follow_up") for part in ("", "_ci_low", "_ci_high"))),
                    "decimal"),
    **dict.fromkeys(("p_value", "p_value_opposite", "p_adjusted"), "p"),
    "mde_alpha": "alpha",
    **dict.fromkeys(("inputs_eur", "present_value", "npv", "proxy_eur", "value_year_1", "cost_eur"), "euro"),
    "payback_months": "months",
    "date": "date",
    HIDDEN_COLUMN: "hidden",
}
#: Kinds whose empty cell is a figure that is missing (–) unless the row's ``hidden`` names it (×).
FIGURE_KINDS = frozenset({"people", "count", "hours", "amount", "share", "decimal", "p", "alpha", "euro", "months",
                          "number"})
#: Excel number formats (Excel shows them with the reader's own separators: 1.234,5 in Dutch Excel).
NUMBER_FORMATS = {
    "people": "#,##0", "count": "#,##0", "hours": "#,##0.0", "share": "0.0%", "decimal": "0.00",
    "alpha": "0.0000", "euro": '"€ "#,##0', "months": "0.0", "number": "0.00",
}
#: A p-value below 0.001 reads '< 0,001' (a literal, so written with the report language's decimal mark).
P_FORMAT = '[<0.001]"< 0{mark}001";0.000'
DATE_FORMATS = {"nl": "d-m-yyyy", "en": "yyyy-mm-dd"}
#: Text columns whose codes are put into words: column -> catalogue key (``{}`` is the code).
VALUE_KEYS = {
    "wave": "wave.{}", "verdict": "verdict.{}", "test": "test.{}", "estimate_kind": "estimate_kind_short.{}",
    "effect_size_kind": "effect_kind_short.{}", "theme": "theme.{}", "direction": "spreadsheet.direction.{}",
    "alternative": "spreadsheet.alternative.{}", "kind": "spreadsheet.session_kind.{}",
    "quantity_source": "spreadsheet.quantity_source.{}", "measure": "spreadsheet.column.{}",
    "wijk": "spreadsheet.column.{}", "quantity_rule": "spreadsheet.quantity_rule.{}",
    "non_respondents": "spreadsheet.non_respondents.{}", "initiative": "spreadsheet.initiative.{}",
    "characteristic": "profile.characteristic.{}", "evidence": "evidence.{}",
}
#: Text longer than this many characters wraps in a column this wide.
_WIDE = 60
_HEADER_WIDTH = 18  # a header wraps rather than widen its column beyond this (or its longest word)
_LEGEND_SHEET, _COLUMNS_SHEET = "spreadsheet.legend.sheet", "spreadsheet.columns.name"


def column_label(code: str, tr: Translator) -> str:
    """The header of column ``code`` in the report's language (the code itself when the catalogue has none)."""
    key = f"spreadsheet.column.{code}"
    return tr.t(key) if tr.has(key) else str(code)


def headers(columns: Iterable[object], tr: Translator) -> list[str]:
    """The headers of a table: each column's label, made unique by adding the code name where two agree."""
    codes = [str(c) for c in columns]
    labels = [column_label(c, tr) for c in codes]
    counts = pd.Series(labels).value_counts()
    return [f"{label} ({code})" if counts[label] > 1 else label for label, code in zip(labels, codes)]


def sheet_title(table: str, tr: Translator) -> str:
    key = f"spreadsheet.sheet.{table}"
    return tr.t(key) if tr.has(key) else table


def column_kind(code: str, values: pd.Series, count_columns: Iterable[str] = ()) -> str:
    """What a column holds, which decides its number format: ``people`` (a count of people, as the
    disclosure scanner reads the name), one of :data:`COLUMN_KINDS` (``euro`` for any ``*_eur``), ``yesno``
    for booleans, ``label`` for coded text put into words, ``text``; any other number column is ``number``."""
    if code in COLUMN_KINDS:
        return COLUMN_KINDS[code]
    if code.endswith("_eur"):
        return "euro"
    if is_people_count_column(code, count_columns):
        return "people"
    if pd.api.types.is_bool_dtype(values.dtype):
        return "yesno"
    if pd.api.types.is_numeric_dtype(values.dtype):
        return "number"
    return "label" if code in VALUE_KEYS else "text"


def number_format(kind: str, value: object, language: str) -> str | None:
    """The Excel number format of a cell of ``kind`` holding ``value`` (None: General)."""
    if kind == "p":
        return P_FORMAT.format(mark="," if language == "nl" else ".")
    if kind == "amount":  # whole where whole (a count, a target), else one decimal (half hours)
        return "#,##0" if isinstance(value, (int, float)) and float(value).is_integer() else "#,##0.0"
    if kind == "date":
        return DATE_FORMATS.get(language, DATE_FORMATS["en"])
    return NUMBER_FORMATS.get(kind)


def _shown(value: object, kind: str) -> str:
    """Roughly what a cell shows, to size its column."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return "00-00-0000"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)) and math.isfinite(value):
        v = float(value)
        shown = {"people": f"{v:,.0f}", "count": f"{v:,.0f}", "hours": f"{v:,.1f}", "share": f"{v * 100:.1f}%",
                 "alpha": f"{v:.4f}", "euro": f"€ {v:,.0f}", "months": f"{v:.1f}",
                 "p": "< 0,001" if v < 0.001 else f"{v:.3f}",
                 "amount": f"{v:,.0f}" if v.is_integer() else f"{v:,.1f}"}
        return shown.get(kind, f"{v:.2f}")
    return str(value)


def _width(header: str, shown: list[str]) -> tuple[float, bool]:
    """(column width, whether the cells wrap): the longest shown value, the header wrapping when long."""
    longest_word = max((len(w) for w in header.split()), default=0)
    head = min(len(header), max(_HEADER_WIDTH, longest_word))
    longest = max([head, *(len(s) for s in shown)])
    return float(min(max(longest + 2, 8), _WIDE)), longest + 2 > _WIDE


def _hidden_words(text: object, codes: list[str], labels: list[str], tr: Translator, threshold: int) -> str | None:
    """A row's ``hidden`` cell in words, the columns hidden for one reason together: 'p en p (Holm): rust op
    minder dan 10 personen; …' (in the order of their first column)."""
    reasons = hidden_reasons({HIDDEN_COLUMN: text})
    if not reasons:
        return None
    label = dict(zip(codes, labels))
    by_reason: dict[str, list[str]] = {}
    for column, reason in reasons.items():
        by_reason.setdefault(reason, []).append(label.get(column, column))
    parts = []
    for reason, columns in by_reason.items():
        key = f"hidden_short.{reason}"
        why = tr.t(key, threshold=threshold) if tr.has(key) else reason
        parts.append(f"{tr.listing(columns)}: {why}")
    return "; ".join(parts)


def _value_words(code: str, value: object, tr: Translator) -> object:
    if not isinstance(value, str) or code not in VALUE_KEYS:
        return value
    key = VALUE_KEYS[code].format(value)
    return tr.t(key) if tr.has(key) else value


def worded_frame(frame: pd.DataFrame, tr: Translator, threshold: int) -> pd.DataFrame:
    """The table as the Excel CSV shows it: every coded text cell in the report's words, as the workbook shows it
    (the labels of :data:`VALUE_KEYS`, ``ja``/``nee`` for a yes/no column, the ``hidden`` column as
    'Deelnemers: rust op minder dan 10 personen'); numbers and other text as they are. The machine CSV keeps
    the codes."""
    out = frame.copy()
    codes = [str(c) for c in frame.columns]
    labels = headers(codes, tr)
    for j, code in enumerate(codes):
        values = frame.iloc[:, j]
        kind = column_kind(code, values)
        if kind == "hidden":
            words = [_hidden_words(v, codes, labels, tr, threshold) for v in values]
        elif kind == "yesno" or (values.dtype == object and values.map(lambda v: isinstance(v, bool)).any()):
            words = [v if not isinstance(v, (bool, np.bool_)) else tr.t("spreadsheet.yes_word" if v else "spreadsheet.no_word")
                     for v in values]
        elif kind == "label":
            words = [_value_words(code, v, tr) for v in values]
        else:
            continue
        out[frame.columns[j]] = pd.Series(words, index=frame.index, dtype=object)
    return out


def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    return {
        "header_font": Font(bold=True),
        "header_fill": PatternFill("solid", fgColor="DDEBF7"),
        "header_border": Border(bottom=Side(style="thin", color="808080")),
        "header_alignment": Alignment(wrap_text=True, vertical="top"),
        "mark": Alignment(horizontal="right"),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "title": Font(bold=True, size=14),
        "bold": Font(bold=True),
    }


def _header_row(sheet, labels: list[str], styles: dict) -> None:
    for index, label in enumerate(labels, start=1):
        cell = sheet.cell(row=1, column=index, value=label)
        cell.font = styles["header_font"]
        cell.fill = styles["header_fill"]
        cell.border = styles["header_border"]
        cell.alignment = styles["header_alignment"]


def _data_sheet(sheet, frame: pd.DataFrame, tr: Translator, threshold: int, count_columns: Iterable[str],
                styles: dict) -> list[tuple[str, str, str]]:
    """Fill one table's sheet; returns (header, code, kind) per column."""
    from openpyxl.utils import get_column_letter

    codes = [str(c) for c in frame.columns]
    labels = headers(codes, tr)
    kinds = [column_kind(code, frame.iloc[:, j], count_columns) for j, code in enumerate(codes)]
    _header_row(sheet, labels, styles)
    columns = cell_columns(frame)
    hidden_at = codes.index(HIDDEN_COLUMN) if HIDDEN_COLUMN in codes else None
    shown: list[list[str]] = [[] for _ in codes]
    for r, row in enumerate(zip(*columns), start=2):
        masked = set(hidden_reasons({HIDDEN_COLUMN: row[hidden_at]})) if hidden_at is not None else set()
        for j, (code, kind, value) in enumerate(zip(codes, kinds, row)):
            fmt, mark = None, False
            if kind == "hidden":
                value = _hidden_words(value, codes, labels, tr, threshold)
            elif value is None or value == "":
                if code in masked:
                    value, mark = HIDDEN_MARK, True
                elif kind in FIGURE_KINDS:
                    value, mark = MISSING_MARK, True
                else:
                    value = None
            elif kind == "yesno" or isinstance(value, bool):
                value = tr.t("spreadsheet.yes_word") if value else tr.t("spreadsheet.no_word")
            elif kind == "date":
                if isinstance(value, str):
                    try:
                        value = dt.date.fromisoformat(value[:10])
                    except ValueError:
                        pass
                if isinstance(value, dt.datetime) and value.time() == dt.time(0):
                    value = value.date()
                fmt = number_format(kind, value, tr.language) if isinstance(value, dt.date) else None
            elif kind == "label":
                value = _value_words(code, value, tr)
            elif isinstance(value, (int, float)):
                fmt = number_format(kind, value, tr.language)
            cell = sheet.cell(row=r, column=j + 1, value=value)
            if fmt:
                cell.number_format = fmt
            if mark:
                cell.alignment = styles["mark"]
            shown[j].append(_shown(value, kind))
    for j, label in enumerate(labels):
        width, wrap = _width(label, shown[j])
        sheet.column_dimensions[get_column_letter(j + 1)].width = width
        if wrap:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=j + 1, max_col=j + 1):
                cell.alignment = styles["wrap"]
    sheet.freeze_panes = "A2"
    if codes:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(codes))}{max(frame.shape[0] + 1, 1)}"
    return list(zip(labels, codes, kinds))


def _legend_sheet(sheet, *, title: str, created: dt.date, tr: Translator, threshold: int, stem: str | None,
                  files: list[tuple[str, str, str]], columns_sheet: str, styles: dict) -> None:
    """The first sheet: the marks, the reasons for hiding, the number formats, the files and the source."""
    t = tr.t
    rows: list[tuple] = [
        (title,),
        (t("spreadsheet.legend.intro", report=f"{stem}.pdf" if stem else title, threshold=threshold),),
        (),
        (t("spreadsheet.legend.marks"),),
        (HIDDEN_MARK, t("spreadsheet.legend.hidden", threshold=threshold)),
        (MISSING_MARK, t("spreadsheet.legend.missing")),
        (t("spreadsheet.legend.empty_term"), t("spreadsheet.legend.empty")),
        (),
        (t("spreadsheet.legend.reasons"),),
        *((t(f"hidden_short.{r}", threshold=threshold), t(f"hidden_reason.{r}", threshold=threshold))
          for r in HIDDEN_REASONS),
        (),
        (t("spreadsheet.legend.numbers_heading"),),
        ("", t("spreadsheet.legend.numbers")),
        (),
        (t("spreadsheet.legend.files"),),
        (t("spreadsheet.legend.sheet_heading"), t("spreadsheet.legend.excel_csv"), t("spreadsheet.legend.machine_csv")),
        *files,
        (columns_sheet, t("spreadsheet.legend.columns")),
        (),
        (t("spreadsheet.legend.source_heading"),),
        ("", t("spreadsheet.legend.source", machine=MACHINE_FOLDER)),
        (t("spreadsheet.legend.created"), tr.date(created)),
    ]
    headings = {i for i, row in enumerate(rows) if len(row) == 1 and i > 1}  # the section headings
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if r == 1:
                cell.font = styles["title"]
            elif r - 1 in headings or (len(row) == 3 and row[0] == t("spreadsheet.legend.sheet_heading")):
                cell.font = styles["bold"]
            elif c > 1 or len(row) == 1:
                cell.alignment = styles["wrap"]
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 90
    sheet.column_dimensions["C"].width = 40


def _columns_sheet(sheet, described: list[tuple[str, str, str, str]], tr: Translator, threshold: int,
                   styles: dict) -> None:
    """The last sheet: per sheet and column the header, the code name and what the column holds."""
    from openpyxl.utils import get_column_letter

    labels = [tr.t(f"spreadsheet.columns.{k}") for k in ("sheet", "header", "code", "kind")]
    _header_row(sheet, labels, styles)
    for r, (sheet_name, header, code, kind) in enumerate(described, start=2):
        key = f"spreadsheet.kind.{kind}"
        words = tr.t(key, threshold=threshold) if tr.has(key) else kind
        for c, value in enumerate((sheet_name, header, code, words), start=1):
            sheet.cell(row=r, column=c, value=value)
    for c, width in enumerate((30, 34, 30, 80), start=1):
        sheet.column_dimensions[get_column_letter(c)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:D{len(described) + 1}"


def report_workbook(tables: dict[str, pd.DataFrame], *, title: str, created: dt.date, language: str,
                    threshold: int, count_columns: dict[str, list[str]] | None = None,
                    stem: str | None = None) -> bytes:
    """The workbook of a report's ``tables`` (file name without ``.csv`` -> frame), as reproducible bytes.

    ``count_columns`` names, per table, the columns counting people that their names do not give away
    (as the disclosure scanner takes them: ``reach_by_wijk`` -> the wijken); ``stem`` is the report's file
    name, for the legend. See the module docstring for the layout.
    """
    from openpyxl import Workbook

    if not tables:
        raise ValueError("report_workbook needs at least one table")
    tr = Translator(language, threshold=threshold)
    counts = {name.removesuffix(".csv"): list(cols) for name, cols in (count_columns or {}).items()}
    names = _safe_sheet_names([tr.t(_LEGEND_SHEET), *(sheet_title(n, tr) for n in tables), tr.t(_COLUMNS_SHEET)])
    legend_name, data_names, columns_name = names[0], names[1:-1], names[-1]
    styles = _styles()
    workbook = Workbook()
    workbook.remove(workbook.active)
    legend = workbook.create_sheet(title=legend_name)
    described: list[tuple[str, str, str, str]] = []
    files = []
    for sheet_name, (table, frame) in zip(data_names, tables.items()):
        sheet = workbook.create_sheet(title=sheet_name)
        for header, code, kind in _data_sheet(sheet, frame, tr, threshold, counts.get(table, ()), styles):
            described.append((sheet_name, header, code, kind))
        files.append((sheet_name, f"tables/{table}.csv", f"tables/{MACHINE_FOLDER}/{table}.csv"))
    _columns_sheet(workbook.create_sheet(title=columns_name), described, tr, threshold, styles)
    _legend_sheet(legend, title=title, created=created, tr=tr, threshold=threshold, stem=stem, files=files,
                  columns_sheet=columns_name, styles=styles)
    workbook.active = 0
    return workbook_bytes(workbook, title=title, created=created)
