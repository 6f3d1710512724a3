"""Shared fixtures: a fixed pseudonym key, temporary locations, small raw-data folders."""

from __future__ import annotations

import hashlib
import os
import textwrap
from pathlib import Path

import duckdb
import pytest

# Tests never touch the user's key file.
os.environ["COACHING_PSEUDONYM_KEY"] = "test-key-not-secret"

REPO = Path(__file__).resolve().parents[1]
SAMPLE_RAW_DATA = REPO / "raw_data"

PROGRAMME_YAML = textwrap.dedent(
    """\
    name: Test programme
    municipality: Gemeente Utrecht
    year: 2018
    alpha: 0.05
    multiple_testing: holm
    min_pairs: 10
    disclosure_threshold: 10
    discount_rate: 0.03
    closing_meeting: 2019-01-31
    language: nl
    """
)

TOC_YAML = textwrap.dedent(
    """\
    id: {id}
    name: Demo initiative
    kind: resident_initiative
    problem: Weinig contact in de buurt.
    target_group: Bewoners van Oost
    activities: ["Wekelijkse koffieochtend"]
    outputs:
      - {{id: participants, label: Deelnemers, target: 40}}
    outcomes:
      - {{id: contact, label: Contact met buren, instrument: custom, type: numeric, min: 0, max: 10, unit: punten, higher_is_better: true}}
      - {{id: loneliness, label: Eenzaamheid, instrument: djg11}}
    impact: Een buurt waar mensen elkaar kennen.
    hypotheses:
      - {{id: H1, statement: "Deelnemers hebben meer contact met buren", outcome: contact, test: paired_t, direction: increase}}
    """
)


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


def write_demo_initiative(raw: Path, initiative_id: str = "demo") -> Path:
    (raw / "programme.yaml").write_text(PROGRAMME_YAML, encoding="utf-8")
    folder = raw / initiative_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "theory_of_change.yaml").write_text(TOC_YAML.format(id=initiative_id), encoding="utf-8")
    return folder


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
