"""The table reference in docs/warehouse.md is the declarations in impact/warehouse/tables.py, word for word."""

from __future__ import annotations

from pathlib import Path

import pytest

from impact.warehouse import tables

pytestmark = pytest.mark.unit

DOC = Path(__file__).resolve().parents[3] / "docs" / "warehouse.md"


def test_the_docs_table_reference_is_generated_from_the_declarations():
    document = DOC.read_text(encoding="utf-8")
    assert document.count(tables.DOC_START) == 1 and document.count(tables.DOC_END) == 1, (
        "docs/warehouse.md lost its generated table reference markers")
    assert tables.with_reference(document) == document, (
        "docs/warehouse.md differs from impact/warehouse/tables.py: run "
        "`.venv/bin/python -m impact.warehouse --update docs/warehouse.md`")


def test_updating_the_reference_replaces_only_the_part_between_the_markers():
    stale = f"# Title\n\nprose\n\n{tables.DOC_START}| old |\n{tables.DOC_END}\n\nmore prose\n"
    assert tables.with_reference(stale) == f"# Title\n\nprose\n\n{tables.DOC_START}{tables.markdown()}{tables.DOC_END}\n\nmore prose\n"


def test_the_reference_lists_every_declared_table_and_column():
    reference = tables.markdown()
    for table in tables.TABLES:
        assert f"### `{table.name}`" in reference
        for column in table.columns:
            assert f"| `{column.name}` | {column.type}" in reference, (table.name, column.name)
