"""Fixtures of the integration lane: temporary pipeline locations and the sample year built once per session.

With pytest-xdist every worker is a session of its own, so each would build the sample year again: the tests
that read ``built_sample`` are put in the xdist group ``sample_year`` (below), which one worker runs.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SAMPLE_RAW_DATA


@pytest.fixture
def locations_env(tmp_path, monkeypatch):
    """Point the pipeline at temporary folders; returns (raw_data, warehouse_dir, reports)."""
    raw, wh, rep, home = (tmp_path / n for n in ("raw_data", "warehouse", "reports", "dagster_home"))
    raw.mkdir()
    home.mkdir()
    monkeypatch.setenv("COACHING_RAW_DATA", str(raw))
    monkeypatch.setenv("COACHING_WAREHOUSE", str(wh))
    monkeypatch.setenv("COACHING_REPORTS", str(rep))
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return raw, wh, rep


def tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode() + p.read_bytes())
    return h.hexdigest()


def build_sample_into(tmp: Path, *args: str) -> int:
    """Build the sample year with the CLI into ``tmp`` (warehouse, reports, Dagster home); returns the exit code."""
    from pipelines.cli import main

    mp = pytest.MonkeyPatch()
    mp.setenv("COACHING_RAW_DATA", str(SAMPLE_RAW_DATA))
    mp.setenv("COACHING_WAREHOUSE", str(tmp / "warehouse"))
    mp.setenv("COACHING_REPORTS", str(tmp / "reports"))
    mp.setenv("DAGSTER_HOME", str(tmp / "dagster_home"))
    try:
        return main(["build", *args])
    finally:
        mp.undo()


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory):
    """The whole sample year built once per test session, with the CLI, into temporary folders."""
    tmp = tmp_path_factory.mktemp("sample_build")
    before = tree_digest(SAMPLE_RAW_DATA)
    code = build_sample_into(tmp)
    after = tree_digest(SAMPLE_RAW_DATA)
    con = duckdb.connect(str(tmp / "warehouse" / "coaching.duckdb"), read_only=True)
    yield {"code": code, "con": con, "raw_unchanged": before == after, "reports": tmp / "reports", "root": tmp}
    con.close()


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items):
    for item in items:
        if "built_sample" in item.fixturenames:
            item.add_marker(pytest.mark.xdist_group("sample_year"))
