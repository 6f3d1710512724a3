"""A drop refused unread (a symbolic link, a path outside raw_data/) gets exactly one quarantine entry that says
why, counts no rows, and is never opened: not for its columns, not for stories."""

from __future__ import annotations

from pathlib import Path

import pytest

from impact.contracts import ContractContext
from impact.contracts.batches import stage_drops
from impact.contracts.stories import stage_stories
from impact.ingest.drops import discover_drops
from tests.conftest import VALID_PARTICIPANTS, write_demo_initiative

pytestmark = pytest.mark.unit

LINK_NL = ("demo/participants_2018-link.csv: het hele bestand is niet gebruikt, want het is een snelkoppeling "
           "(symbolische link) naar een bestand elders; de pijplijn leest alleen bestanden die zelf in raw_data/ staan: "
           "verwijder de snelkoppeling, en wilde u dit bestand aanleveren, zet dan het bestand zelf in deze map")


def _stage(demo_raw: Path, initiative_id: str = "demo", language: str = "nl"):
    drops = discover_drops(demo_raw, initiative_id, "participants")
    return stage_drops("participants", {initiative_id: drops}, {initiative_id: ContractContext(language=language)}, b"key")


def _records(frame) -> list[dict]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def test_a_link_to_a_valid_register_elsewhere_is_one_quarantine_entry_and_no_rows(demo_raw, register_elsewhere, opened):
    (demo_raw / "demo" / "participants_2018-link.csv").symlink_to(register_elsewhere)
    batch = _stage(demo_raw)
    assert len(batch.staged) == 0
    assert _records(batch.quarantine) == [
        {"initiative_id": "demo", "table_name": "participants", "source_file": "demo/participants_2018-link.csv",
         "source_sha256": None, "source_row": None, "column": None, "value": None, "rule": "symbolic_link",
         "message": LINK_NL}]
    assert _records(batch.drops) == [
        {"initiative_id": "demo", "table_name": "participants", "source_file": "demo/participants_2018-link.csv",
         "source_sha256": None, "raw_rows": 0, "staged_rows": 0, "quarantined_rows": 0, "refused": True}]
    assert str(register_elsewhere.resolve()) not in opened


def test_the_refusal_in_english(demo_raw, register_elsewhere):
    (demo_raw / "demo" / "participants_2018-link.csv").symlink_to(register_elsewhere)
    assert _stage(demo_raw, language="en").quarantine["message"].tolist() == [
        "demo/participants_2018-link.csv: the whole file is refused: it is a shortcut (symbolic link) to a file "
        "elsewhere; the pipeline only reads files that are themselves in raw_data/: remove the shortcut, and if you "
        "meant to deliver that file, put the file itself in this folder"]


def test_a_link_inside_raw_data_is_refused_and_the_file_it_points_to_is_staged_once(demo_raw):
    real = demo_raw / "demo" / "participants_a.csv"
    real.write_text(VALID_PARTICIPANTS, encoding="utf-8")
    (demo_raw / "demo" / "participants_b.csv").symlink_to(real)
    batch = _stage(demo_raw)
    assert batch.staged["source_file"].tolist() == ["demo/participants_a.csv"]
    assert batch.quarantine[["source_file", "rule"]].values.tolist() == [["demo/participants_b.csv", "symbolic_link"]]
    assert batch.drops[["source_file", "raw_rows", "refused"]].values.tolist() == [
        ["demo/participants_a.csv", 1, False], ["demo/participants_b.csv", 0, True]]


def test_a_dangling_link_is_refused_the_same_way(demo_raw, tmp_path):
    (demo_raw / "demo" / "participants_2018-link.csv").symlink_to(tmp_path / "gone.csv")
    batch = _stage(demo_raw)
    assert batch.quarantine[["rule", "message"]].values.tolist() == [["symbolic_link", LINK_NL]]
    assert batch.drops[["raw_rows", "refused"]].values.tolist() == [[0, True]]


def test_a_drop_in_a_folder_reached_through_a_link_is_outside_raw_data(demo_raw, register_elsewhere, opened):
    folder = register_elsewhere.parent / "linked"
    write_demo_initiative(register_elsewhere.parent, "linked")
    (folder / "participants.csv").write_text(VALID_PARTICIPANTS, encoding="utf-8")
    (demo_raw / "linked").symlink_to(folder, target_is_directory=True)
    opened.clear()  # what the test wrote does not count
    batch = _stage(demo_raw, "linked")
    assert _records(batch.quarantine) == [
        {"initiative_id": "linked", "table_name": "participants", "source_file": "linked/participants.csv",
         "source_sha256": None, "source_row": None, "column": None, "value": None, "rule": "outside_raw_data",
         "message": "linked/participants.csv: het hele bestand is niet gebruikt, want het ligt buiten raw_data/ (de map "
                    "waarin het staat, is een snelkoppeling naar een map elders); de pijplijn leest alleen bestanden die "
                    "zelf in raw_data/ staan: kopieer de map met de bestanden naar raw_data/"}]
    assert str((folder / "participants.csv").resolve()) not in opened


def test_a_stories_link_is_one_quarantine_entry_and_not_opened(demo_raw, tmp_path, opened):
    target = tmp_path / "stories.yaml"
    target.write_text("stories:\n  - {quote: Fijn, who: deelnemer, consent: ja}\n", encoding="utf-8")
    (demo_raw / "demo" / "stories_2018.yaml").symlink_to(target)
    opened.clear()
    batch = stage_stories({"demo": discover_drops(demo_raw, "demo", "stories")}, {"demo": {}})
    assert len(batch.staged) == 0
    assert batch.quarantine[["source_file", "rule"]].values.tolist() == [["demo/stories_2018.yaml", "symbolic_link"]]
    assert batch.quarantine["source_sha256"].isna().all()
    assert batch.drops[["raw_rows", "quarantined_rows", "refused"]].values.tolist() == [[0, 0, True]]
    assert str(target.resolve()) not in opened
