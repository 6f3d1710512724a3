"""The catalogue of bad inputs (tests/bad_inputs.py): what a coach is told, and that every row is accounted for.

For each drop: the exact quarantine and notice messages, raw = staged + quarantined per drop,
the rows that must pass, and what `coaching check` prints. For each settings file: the
exact problems of the ConfigError.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest

from impact.contracts import ContractContext
from impact.contracts.batches import StagedBatch, stage_drops
from impact.errors import ConfigError
from impact.ingest.drops import INITIATIVE_KINDS, discover_drops, discover_initiatives, inventory
from impact.programme import load_programme
from impact.theory_of_change import load_theory_of_change
from pipelines.cli import main
from tests.bad_inputs import (
    CASES,
    ISSUE_ITEMS,
    TABLE_KINDS,
    Case,
    expected_messages,
    source_files,
    write_case,
    write_catalogue_folder,
)
from tests.conftest import write_demo_initiative

pytestmark = pytest.mark.unit

INITIATIVE = "demo"
# The catalogue's messages are the English ones (a programme with ``language: en``); the Dutch ones, the
# default, are checked for every case in test_dutch_messages.py.
LANGUAGE = "en"
REFUSED = ": the whole file is refused: "
COUNTS = ["raw_rows", "staged_rows", "quarantined_rows"]


def _param(case: Case, xfail: str = ""):
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(case, id=case.id, marks=marks)


TABLE_CASES = [_param(c, c.xfail) for c in CASES if c.is_table]
COUNT_CASES = [_param(c, c.counts_xfail) for c in CASES if c.is_table]
CONFIG_CASES = [_param(c, c.xfail) for c in CASES if not c.is_table]
TOC_CASES = [_param(c, c.xfail) for c in CASES if c.kind == "theory_of_change"]


# --- helpers ----------------------------------------------------------------------------------

def _context(raw: Path, initiative_id: str, kind: str) -> ContractContext:
    if kind == "coaching_sessions":
        return ContractContext(initiative_ids=tuple(discover_initiatives(raw)), language=LANGUAGE)
    return ContractContext.from_theory_of_change(load_theory_of_change(raw / initiative_id, raw), language=LANGUAGE)


def _stage(raw: Path, initiative_id: str, kind: str) -> StagedBatch:
    """Stage every drop of a kind as the pipeline finds it under ``raw``."""
    owner = "all" if kind == "coaching_sessions" else initiative_id
    drops = discover_drops(raw, owner, kind)
    return stage_drops(kind, {owner: drops}, {owner: _context(raw, initiative_id, kind)}, b"test-key")


def _write(case: Case, raw: Path) -> Path:
    """The case's file (and siblings) beside the demo initiative; returns the file."""
    folder = write_demo_initiative(raw, INITIATIVE)
    path, _ = write_case(case, raw if case.kind == "coaching_sessions" else folder)
    return path


def _messages(batch: StagedBatch, files) -> list[str]:
    q = batch.quarantine[batch.quarantine["source_file"].isin(files)]
    n = batch.notices[batch.notices["source_file"].isin(files)]
    return q["message"].tolist() + n["message"].tolist()


def _plain(value):
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return value.item() if hasattr(value, "item") else value


def _assert_adds_up(batch: StagedBatch) -> None:
    """Per drop: raw = staged + quarantined, and both counts match the staged and quarantine tables."""
    for d in batch.drops.itertuples():
        assert d.raw_rows == d.staged_rows + d.quarantined_rows, d.source_file
        assert d.staged_rows == int((batch.staged["source_file"] == d.source_file).sum()), d.source_file
        q = batch.quarantine[batch.quarantine["source_file"] == d.source_file]
        if d.refused:
            assert q["source_row"].isna().all() and len(q) == 1, d.source_file
        else:
            assert q["source_row"].notna().all() and q["source_row"].nunique() == d.quarantined_rows, d.source_file


# --- drops ------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", TABLE_CASES)
def test_drop_gets_the_exact_messages(case: Case, tmp_path):
    _write(case, tmp_path)
    batch = _stage(tmp_path, INITIATIVE, case.kind)
    assert batch.quarantine["message"].tolist() + batch.notices["message"].tolist() == expected_messages(case, INITIATIVE)

    mine = source_files(case, INITIATIVE)["f"]
    staged = batch.staged[batch.staged["source_file"] == mine].sort_values("source_row")
    for column, values in case.stored:
        assert [_plain(v) for v in staged[column]] == list(values), column


@pytest.mark.parametrize("case", COUNT_CASES)
def test_drop_rows_add_up(case: Case, tmp_path):
    _write(case, tmp_path)
    batch = _stage(tmp_path, INITIATIVE, case.kind)
    _assert_adds_up(batch)
    mine = batch.drops[batch.drops["source_file"] == source_files(case, INITIATIVE)["f"]]
    assert tuple(mine[COUNTS].iloc[0]) == case.counts


@pytest.mark.parametrize("case", TABLE_CASES)
def test_coaching_check_prints_what_to_fix(case: Case, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COACHING_RAW_DATA", str(tmp_path))
    path = _write(case, tmp_path)
    mine = source_files(case, INITIATIVE)["f"]
    own = [m for m in expected_messages(case, INITIATIVE) if m.startswith((mine + ", ", mine + ": "))]

    code = main(["check", str(path), "--language", LANGUAGE])
    out = capsys.readouterr().out.splitlines()

    assert code == case.check_exit
    if own and REFUSED in own[0]:
        assert out == [f"{path}: {own[0].removeprefix(mine + ': ')}"]
        return
    raw, staged, _ = case.counts
    assert out[0].startswith(f"{path}: {raw} rows, {staged} fine, ")
    assert (out[0].endswith(", fine")) == (case.check_exit == 0)
    printed = sorted(line.removeprefix("  - ").removeprefix("  note: ") for line in out[1:])
    assert printed == sorted(_grouped(mine, own))


_CELL = re.compile(r"^row (\d+), column '([^']*)': (.*)$", re.S)
_ROW = re.compile(r"^row (\d+): (.*)$", re.S)


def _grouped(source_file: str, messages: list[str]) -> list[str]:
    """What `coaching check` prints for these messages: one line per column and text, with all its rows
    ('column 'wijk', rows 3 and 8: ...'); a message about a whole file or a notice as it is."""
    groups: dict[tuple[str, str], list[int]] = {}
    lines = []
    for message in messages:
        rest = message.removeprefix(source_file + ", ").removeprefix(source_file + ": ")
        if m := _CELL.match(rest):
            groups.setdefault((m[2], m[3]), []).append(int(m[1]))
        elif m := _ROW.match(rest):
            groups.setdefault(("", m[2]), []).append(int(m[1]))
        else:
            lines.append(rest)
    for (column, text), rows in groups.items():
        rows = sorted(set(rows))
        # three or more consecutive rows as a range: rows 1–5 (the catalogue's cases have one run at most)
        listed = [f"{rows[0]}–{rows[-1]}"] if len(rows) >= 3 and rows[-1] - rows[0] == len(rows) - 1 else list(map(str, rows))
        where = f"row {rows[0]}" if len(rows) == 1 else "rows " + (
            listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + f" and {listed[-1]}")
        lines.append(f"column '{column}', {where}: {text}" if column else f"{where}: {text}")
    return lines


def test_coaching_check_names_a_repeat_of_an_earlier_drop_whatever_the_file_names(tmp_path, monkeypatch, capsys):
    """README: `coaching check` reads the file next to the drops already there, "so a row repeated from an earlier drop shows too"."""
    monkeypatch.setenv("COACHING_RAW_DATA", str(tmp_path))
    folder = write_demo_initiative(tmp_path, INITIATIVE)
    (folder / "activities_2018-h1.csv").write_text("date,activity,attendees\n2018-03-01,Koffieochtend,12\n", encoding="utf-8")
    new = tmp_path / "downloads" / "activities_2018-09.csv"  # "09" sorts before "h1"
    new.parent.mkdir()
    new.write_text("date,activity,attendees\n2018-03-01,Koffieochtend,12\n2018-09-06,Koffieochtend,14\n", encoding="utf-8")
    code = main(["check", str(new), "--initiative", INITIATIVE, "--language", LANGUAGE])
    assert capsys.readouterr().out.splitlines() == [
        f"{new}: 2 rows, 1 fine, 1 row(s) would be quarantined",
        f"  - row 1: an exact repeat of {INITIATIVE}/activities_2018-h1.csv row 1; that row is kept, this one is set aside",
    ]
    assert code == 1


# --- programme.yaml and the Theory of Change ----------------------------------------------------

@pytest.mark.parametrize("case", CONFIG_CASES)
def test_settings_file_gets_the_exact_problems(case: Case, tmp_path):
    folder = write_demo_initiative(tmp_path, INITIATIVE)
    target = tmp_path if case.kind == "programme" else folder
    (target / case.filename).write_bytes(case.content)
    with pytest.raises(ConfigError) as error:
        if case.kind == "programme":
            load_programme(tmp_path)
        else:
            load_theory_of_change(folder, tmp_path)
    assert error.value.source == (case.filename if case.kind == "programme" else f"{INITIATIVE}/{case.filename}")
    assert error.value.problems == list(case.messages)


@pytest.mark.parametrize("case", TOC_CASES)
def test_coaching_check_names_the_problems_of_a_broken_theory_of_change(case: Case, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COACHING_RAW_DATA", str(tmp_path))
    folder = write_demo_initiative(tmp_path, INITIATIVE)
    (folder / case.filename).write_bytes(case.content)
    drop = folder / "survey_2018.csv"
    drop.write_text("participant_id,wave,responded_on,djg11_1\nA1,baseline,2018-03-01,ja\n", encoding="utf-8")
    assert main(["check", str(drop)]) == 1  # in Dutch, the language of the settings cases' problems
    out = capsys.readouterr().out.splitlines()
    assert f"{INITIATIVE}/{case.filename}: de Theory of Change bevat fouten; verbeter die voordat u coaching build start:" in out
    for problem in case.messages:
        assert f"  - {problem}" in out


# --- the catalogue as one folder of broken drops --------------------------------------------------

def test_catalogue_folder_stages_as_each_case_alone(tmp_path):
    """All drops in one initiative folder (and the coaching-log cases at the top): no case disturbs another."""
    initiative = "kapotte-drops"
    written = write_catalogue_folder(tmp_path / initiative, initiative, coaching_log_dir=tmp_path)
    table_cases = [c for c in CASES if c.is_table]
    assert len(written) == 1 + sum(1 + len(c.siblings) for c in table_cases)
    assert inventory(tmp_path, initiative)["message"].isna().all()  # every file is read as a drop

    for kind in TABLE_KINDS:
        batch = _stage(tmp_path, initiative, kind)
        _assert_adds_up(batch)
        cases = [c for c in table_cases if c.kind == kind]
        assert sorted(batch.drops["source_file"]) == sorted(f for c in cases for f in source_files(c, initiative).values())
        for case in cases:
            files = source_files(case, initiative)
            if not case.xfail:  # an xfail case's messages are checked (and expected to fail) on their own
                assert _messages(batch, files.values()) == expected_messages(case, initiative), case.id
            if not case.counts_xfail:
                mine = batch.drops[batch.drops["source_file"] == files["f"]]
                assert tuple(mine[COUNTS].iloc[0]) == case.counts, case.id


def test_catalogue_folder_without_a_coaching_log_dir_holds_only_initiative_drops(tmp_path):
    written = write_catalogue_folder(tmp_path / "kapot", "kapot")
    assert {p.parent for p in written} == {tmp_path / "kapot"}
    assert all(p.name == "theory_of_change.yaml" or p.name.startswith(INITIATIVE_KINDS) for p in written)


# --- the catalogue itself ---------------------------------------------------------------------

ISSUE_LIST = (
    "wrong types", "out-of-range codes", "unknown answer words", "empty file", "header only",
    "a binary file named .csv", "wrong delimiter", "Windows-1252 accents", "XLSX date cells and Excel serial numbers",
    "impossible dates like 2018-02-30", "duplicate and conflicting rows", "follow-up before baseline", "unknown wave",
    "unknown instrument", "a hypothesis about an undeclared outcome", "YAML syntax errors", "PII columns",
    "formula injection", "a 1 MB cell",
)


def test_catalogue_is_large_distinct_and_covers_the_issue():
    ids = [c.id for c in CASES]
    assert len(CASES) >= 35
    assert len(set(ids)) == len(ids)
    assert len({(c.kind, c.filename) for c in CASES if c.is_table}) == len([c for c in CASES if c.is_table])
    assert {c.kind for c in CASES} == {*TABLE_KINDS, "programme", "theory_of_change"}
    assert all(c.counts is not None for c in CASES if c.is_table)
    assert all(c.decided_later or c.messages for c in CASES)  # every case is told something, or judged later
    assert set(ISSUE_ITEMS) == set(ISSUE_LIST)
    for item in ISSUE_LIST:
        assert ISSUE_ITEMS[item] and set(ISSUE_ITEMS[item]) <= set(ids), item


def test_every_reason_a_drop_is_set_aside_for_has_words_in_both_report_languages(tmp_path):
    """The reports name quarantine reasons in words (impact/language/locale); no catalogue case may meet a reason
    without them, or a report would print the bare rule id."""
    from impact.language import catalogue

    rules = set()
    for n, case in enumerate(c for c in CASES if c.is_table):
        raw = tmp_path / str(n)
        raw.mkdir()
        _write(case, raw)
        rules |= set(_stage(raw, INITIATIVE, case.kind).quarantine["rule"])
    assert len(rules) >= 8, rules
    for language in ("nl", "en"):
        missing = sorted(r for r in rules if f"quarantine_rule.{r}" not in catalogue(language))
        assert missing == [], (language, missing)
