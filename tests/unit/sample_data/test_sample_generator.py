"""The synthetic sample year is reproduced byte for byte by its seeded generator."""

from __future__ import annotations

import pytest

from tests.conftest import SAMPLE_RAW_DATA

pytestmark = pytest.mark.unit


def _generator():
    """The sample year's generator (``impact/sample_data/generator.py``; scripts/generate_sample_year.py wraps it)."""
    from impact.sample_data import generator

    return generator


def _files(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_generator_reproduces_the_committed_sample_byte_for_byte(tmp_path):
    written = _generator().generate(tmp_path)
    assert len(written) == len(_files(tmp_path))
    assert _files(tmp_path) == _files(SAMPLE_RAW_DATA)
    for rel in _files(tmp_path):
        assert (tmp_path / rel).read_bytes() == (SAMPLE_RAW_DATA / rel).read_bytes(), rel


def test_sample_files_say_they_are_synthetic():
    for path in SAMPLE_RAW_DATA.rglob("*.yaml"):
        assert path.read_text(encoding="utf-8").startswith("# Synthetic sample data (not real people)"), path
    assert "synthetic" in (SAMPLE_RAW_DATA / "README.md").read_text(encoding="utf-8").lower()
    from openpyxl import load_workbook

    for path in SAMPLE_RAW_DATA.rglob("*.xlsx"):
        props = load_workbook(path, read_only=True).properties
        assert "synthetic sample data" in props.description, path
