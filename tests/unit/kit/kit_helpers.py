"""Shared by the kit tests: read a kit workbook's drop-downs, fill it in as a coordinator would, stage it."""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from pathlib import Path

from openpyxl import load_workbook

from impact.contracts import ContractContext
from impact.contracts.batches import stage_drops
from impact.ingest.drops import Drop, kind_of, sha256_of

KEY = b"kit-test-key"

TOC = textwrap.dedent(
    """\
    id: {id}
    name: Demo Initiatief
    kind: resident_initiative
    problem: Weinig contact in de buurt.
    target_group: Bewoners van Oost
    activities: ["Wekelijkse koffieochtend", "Wandelgroep"]
    outputs:
      - {{id: coffee, label: Koffieochtenden, target: 40, measure: sessions, activities: [Koffieochtend]}}
    outcomes:
    {outcomes}
    impact: Een buurt waar mensen elkaar kennen.
    waves: {waves}
    """
)


def toc_text(initiative_id: str, outcomes: list[str], waves: str = "[baseline, follow_up]") -> str:
    return TOC.format(id=initiative_id, outcomes="\n".join(f"  - {o}" for o in outcomes), waves=waves)


def open_workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def header(sheet) -> list[str]:
    return [c.value for c in sheet[1]]


def dropdowns(workbook) -> dict[str, list]:
    """Column name -> the values its drop-down offers, read from the workbook's data validations."""
    sheet = workbook.worksheets[0]
    names = header(sheet)
    out = {}
    for validation in sheet.data_validations.dataValidation:
        if validation.type != "list":
            continue
        reference = validation.formula1
        sheet_name, cells = reference.split("!")
        values = [row[0].value for row in workbook[sheet_name.strip("'")][cells.replace("$", "")]]
        for cell_range in validation.sqref.ranges:
            out[names[cell_range.min_col - 1]] = values
    return out


def validations_by_column(workbook) -> dict[str, object]:
    sheet = workbook.worksheets[0]
    names = header(sheet)
    return {names[r.min_col - 1]: v for v in sheet.data_validations.dataValidation for r in v.sqref.ranges}


def fill(data: bytes, rows: list[dict]) -> bytes:
    """The workbook with ``rows`` written into its data sheet under its own headers, as openpyxl (Excel) saves it."""
    workbook = open_workbook(data)
    sheet = workbook.worksheets[0]
    names = header(sheet)
    for r, row in enumerate(rows, start=2):
        for name, value in row.items():
            sheet.cell(row=r, column=names.index(name) + 1, value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def survey_rows(workbook, codes: list[str], responded_on: dt.date) -> list[dict]:
    """One answer row per participant code: the workbook's own wave, a date cell, and for every item the
    answers of its drop-down in turn (a number in range for a column without a drop-down)."""
    lists = dropdowns(workbook)
    validations = validations_by_column(workbook)
    rows = []
    for i, code in enumerate(codes):
        row = {"participant_id": code, "wave": lists["wave"][0], "responded_on": responded_on + dt.timedelta(days=i)}
        for j, column in enumerate(header(workbook.worksheets[0])[3:]):
            if column in lists:
                row[column] = lists[column][(i + j) % len(lists[column])]
            else:
                low, high = float(validations[column].formula1), float(validations[column].formula2)
                row[column] = low + (i + j) % int(high - low + 1)
        rows.append(row)
    return rows


def stage(folder: Path, files: dict[str, bytes], toc, initiative_id: str | None = None):
    """Write ``files`` into ``folder`` and stage them as the pipeline does (``coaching check``), by kind."""
    initiative_id = initiative_id or toc.id
    folder.mkdir(parents=True, exist_ok=True)
    by_kind: dict[str, list[Drop]] = {}
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        kind = kind_of(name)
        by_kind.setdefault(kind, []).append(Drop(initiative_id, kind, path, f"{initiative_id}/{name}", sha256_of(path)))
    context = {initiative_id: ContractContext.from_theory_of_change(toc)}
    return {kind: stage_drops(kind, {initiative_id: drops}, context, KEY) for kind, drops in by_kind.items()}


def of_initiative(batch, initiative_id: str):
    """The part of a batch staged for several initiatives that is one initiative's."""
    import dataclasses

    return dataclasses.replace(batch, **{name: frame[frame["initiative_id"] == initiative_id] for name, frame in (
        ("staged", batch.staged), ("quarantine", batch.quarantine), ("drops", batch.drops), ("notices", batch.notices))})


def assert_all_staged(batches, expected_rows: dict[str, int]) -> None:
    """Every row staged: no quarantine entry, no notice (no column left out), the rows counted as written."""
    for kind, batch in batches.items():
        assert batch.quarantine.empty, (kind, batch.quarantine[["source_file", "source_row", "column", "message"]].to_dict("records"))
        assert batch.notices.empty, (kind, batch.notices.to_dict("records"))
        assert not batch.drops["refused"].any(), kind
        assert int(batch.drops["quarantined_rows"].sum()) == 0, kind
        assert int(batch.drops["staged_rows"].sum()) == expected_rows[kind] == len(batch.staged), kind
