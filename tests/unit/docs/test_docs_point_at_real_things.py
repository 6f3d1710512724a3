"""The docs and the code's references to them stay true: every file and function they name exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[3]
DOCS = sorted((REPO / "docs").glob("*.md"))
DOC_LINK = re.compile(r"\bdocs/[\w.-]+\.md\b")
CODE_PATH = re.compile(r"`((?:impact|assets|pipelines|scripts|tests|deploy)/[\w./-]+)`")
QUALIFIED = re.compile(r"`?((?:impact|assets|pipelines|scripts)/[\w/]+\.py)::(\w+)`?")


SOURCE_FOLDERS = ("impact", "assets", "pipelines", "scripts", "tests", "deploy", "docs", "raw_data", ".ci")
TEXT = (".py", ".md", ".yaml", ".yml", ".toml", ".cfg", ".j2", ".css")


def _tracked_text_files() -> list[Path]:
    """The repository's own text files (not the virtual environment, caches or build output)."""
    files = [REPO / name for name in ("README.md", "Makefile", "pyproject.toml", "workspace.yaml")]
    for folder in SOURCE_FOLDERS:
        files += [p for p in (REPO / folder).rglob("*") if p.is_file() and (p.suffix in TEXT or p.name == "run")
                  and "__pycache__" not in p.parts]
    return [f for f in files if f.is_file()]


def _defines(path: Path, name: str) -> bool:
    text = path.read_text(encoding="utf-8")
    return re.search(rf"^\s*(?:async\s+)?(?:def|class)\s+{name}\b|^\s*{name}\s*[:=]", text, re.M) is not None


def test_the_docs_folder_has_its_index_and_documents():
    assert {p.name for p in DOCS} >= {"README.md", "architecture.md", "raw-data-contract.md", "instruments.md",
                                      "statistics.md", "warehouse.md", "disclosure-and-privacy.md", "operations.md"}


def test_every_docs_file_the_repository_names_exists():
    named = {(f.relative_to(REPO).as_posix(), link) for f in _tracked_text_files()
             for link in DOC_LINK.findall(f.read_text(encoding="utf-8", errors="replace"))}
    missing = sorted((where, link) for where, link in named if not (REPO / link).is_file())
    assert named and missing == []


def test_every_path_the_docs_and_the_readme_name_exists():
    named = {(doc.name, path) for doc in [*DOCS, REPO / "README.md"] for path in CODE_PATH.findall(doc.read_text(encoding="utf-8"))}
    assert len(named) > 50
    assert sorted((doc, path) for doc, path in named if not (REPO / path.rstrip("/")).exists()) == []


def test_every_file_and_function_the_docs_name_together_exists():
    pairs = {(doc.name, path, name) for doc in DOCS for path, name in QUALIFIED.findall(doc.read_text(encoding="utf-8"))}
    assert len(pairs) > 20
    broken = sorted((doc, f"{path}::{name}") for doc, path, name in pairs
                    if not (REPO / path).is_file() or not _defines(REPO / path, name))
    assert broken == []
