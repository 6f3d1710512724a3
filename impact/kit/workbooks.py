"""The kit's workbooks: the participant register, the activity log and one survey workbook per wave.

Each workbook has three sheets:

- the data sheet, first and named like the kind (``participants``, ``activities``, ``survey``), so the pipeline
  reads it whichever sheet is open (``impact.ingest.readers.choose_sheet``): one header row of the contract's
  column names, each with a cell comment saying what goes in it; the date columns formatted ``dd-mm-yyyy`` and
  the participant code column as text (column styles, which Excel and LibreOffice give every cell typed into the
  column), drop-downs (data validation) for the columns with a list of allowed values and checks on numbers
  and dates, over the first ``READY_ROWS`` rows. No second header row: the pipeline would read it as data;
- *Uitleg* (*Explanation*): what the file is for and every column in words;
- *Lijsten* (*Lists*), hidden: the values of the drop-downs, which a list in a formula could not hold (commas,
  more than 255 characters).

Same arguments, same bytes (:func:`impact.reporting.render.workbook_bytes`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from impact.kit.content import READY_ROWS, Column
from impact.language import Translator
from impact.privacy import FORMULA_START
from impact.reporting.render import workbook_bytes

DATE_FORMAT = "dd-mm-yyyy"
#: The dates a date cell may hold (the contract reads any real date; this catches typing errors like 1018).
DATE_RANGE = (dt.date(2000, 1, 1), dt.date(2100, 12, 31))
COMMENT_SIZE = (320, 150)  # width, height in points


def _text(value: object) -> object:
    """A text a spreadsheet shows as it is, never runs as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def kit_workbook(kind: str, columns: Sequence[Column], *, heading: str, intro: Sequence[str], check_line: str,
                 tr: Translator, title: str, created: dt.date) -> bytes:
    """One kit workbook as reproducible XLSX bytes (see the module's description)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.utils.datetime import to_excel
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    data = workbook.active
    data.title = kind
    explanation = workbook.create_sheet(tr.t("kit.sheet.explanation"))
    lists = workbook.create_sheet(tr.t("kit.sheet.lists"))
    lists.sheet_state = "hidden"

    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="F3F3F3")
    last = READY_ROWS[kind] + 1
    list_column = 0
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = data.cell(row=1, column=index, value=column.name)
        cell.font = bold
        cell.fill = header_fill
        note = f"{column.explanation}\n\n{tr.t('kit.workbook.allowed')}: {column.allowed}"
        cell.comment = Comment(note, tr.t("kit.workbook.comment_author"), width=COMMENT_SIZE[0], height=COMMENT_SIZE[1])
        data.column_dimensions[letter].width = max(12, min(40, len(column.name) + 4,
                                                           max((len(str(c)) for c in column.choices), default=0) + 4))
        cells = f"{letter}2:{letter}{last}"
        validation = None
        if column.kind == "date":
            data.column_dimensions[letter].width = 14
            data.column_dimensions[letter].number_format = DATE_FORMAT  # every cell typed into the column
            validation = DataValidation(type="date", operator="between", formula1=str(int(to_excel(DATE_RANGE[0]))),
                                        formula2=str(int(to_excel(DATE_RANGE[1]))), allow_blank=True,
                                        errorTitle=tr.t("kit.workbook.error_title"), error=tr.t("kit.workbook.error_date"))
        elif column.kind == "code":
            data.column_dimensions[letter].number_format = "@"  # a code stays text: 0012 is not 12
        elif column.kind in ("list", "suggestions"):
            list_column += 1
            list_letter = get_column_letter(list_column)
            lists.cell(row=1, column=list_column, value=column.name).font = bold
            for row, choice in enumerate(column.choices, start=2):
                lists.cell(row=row, column=list_column, value=_text(choice))
            source = f"{quote_sheetname(lists.title)}!${list_letter}$2:${list_letter}${len(column.choices) + 1}"
            strict = column.kind == "list"
            validation = DataValidation(
                type="list", formula1=source, allow_blank=True, errorStyle="stop" if strict else "warning",
                errorTitle=tr.t("kit.workbook.error_title"),
                error=tr.t("kit.workbook.error_list" if strict else "kit.workbook.error_suggestion"))
        elif column.kind in ("whole", "number"):
            low = column.minimum if column.minimum is not None else 0
            words = {"low": f"{low:g}", "high": f"{column.maximum:g}" if column.maximum is not None else ""}
            if column.maximum is None:
                validation = DataValidation(type="whole" if column.kind == "whole" else "decimal",
                                            operator="greaterThanOrEqual", formula1=f"{low:g}", allow_blank=True,
                                            errorTitle=tr.t("kit.workbook.error_title"),
                                            error=tr.t(f"kit.workbook.error_{column.kind}", **words))
            else:
                validation = DataValidation(type="whole" if column.kind == "whole" else "decimal", operator="between",
                                            formula1=f"{low:g}", formula2=f"{column.maximum:g}", allow_blank=True,
                                            errorTitle=tr.t("kit.workbook.error_title"),
                                            error=tr.t(f"kit.workbook.error_{column.kind}_range", **words))
        if validation is not None:
            validation.showErrorMessage = True
            validation.add(cells)
            data.add_data_validation(validation)
    data.freeze_panes = "A2"

    # the explanation sheet
    explanation.column_dimensions["A"].width = 22
    explanation.column_dimensions["B"].width = 80
    explanation.column_dimensions["C"].width = 40
    explanation.column_dimensions["D"].width = 10
    wrap = Alignment(wrap_text=True, vertical="top")
    explanation.cell(row=1, column=1, value=_text(heading)).font = Font(bold=True, size=13)
    row = 2
    for line in intro:
        explanation.cell(row=row, column=1, value=_text(line))
        row += 1
    row += 1
    for col, word in enumerate((tr.t("kit.workbook.head_column"), tr.t("kit.workbook.head_what"),
                                tr.t("kit.workbook.head_allowed"), tr.t("kit.workbook.head_required")), start=1):
        explanation.cell(row=row, column=col, value=word).font = bold
    for column in columns:
        row += 1
        values = (column.name, column.explanation, column.allowed,
                  tr.t("kit.answer.yes") if column.required else tr.t("kit.answer.no"))
        for col, value in enumerate(values, start=1):
            explanation.cell(row=row, column=col, value=_text(value)).alignment = wrap
        if column.choices:
            row += 1
            choices = ", ".join(str(c) for c in column.choices)
            explanation.cell(row=row, column=2, value=_text(tr.t("kit.workbook.choices", choices=choices))).alignment = wrap
    row += 2
    explanation.cell(row=row, column=1, value=_text(check_line)).font = bold
    return workbook_bytes(workbook, title=title, created=created)
