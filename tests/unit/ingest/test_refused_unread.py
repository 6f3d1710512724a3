"""Only what lies in raw_data/ is read: a symbolic link, or a file whose location resolves outside raw_data/, is
found (so the coach hears about it) but never opened: not hashed for the drop, the inventory or the sensor."""

from __future__ import annotations

import os

import pytest

from impact.ingest.changes import changes, fingerprint
from impact.ingest.drops import Drop, discover_drops, inventory
from tests.conftest import VALID_PARTICIPANTS

pytestmark = pytest.mark.unit

ACTIVITIES = "date,activity,attendees,volunteers,volunteer_hours,cost_eur\n2018-12-20,Kerstmarkt,14,3,9,40.00\n"


def test_a_link_to_a_file_outside_is_found_with_its_refusal_and_not_opened(demo_raw, register_elsewhere, opened):
    link = demo_raw / "demo" / "participants_2018-link.csv"
    link.symlink_to(register_elsewhere)
    assert discover_drops(demo_raw, "demo", "participants") == [
        Drop("demo", "participants", link, "demo/participants_2018-link.csv", None, "symbolic_link")]
    assert str(register_elsewhere.resolve()) not in opened


def test_a_link_to_a_file_inside_raw_data_is_refused_too_and_the_file_itself_is_read(demo_raw, opened):
    real = demo_raw / "demo" / "participants_a.csv"
    real.write_text(VALID_PARTICIPANTS, encoding="utf-8")
    (demo_raw / "demo" / "participants_b.csv").symlink_to(real)
    opened.clear()  # what the test wrote does not count
    drops = discover_drops(demo_raw, "demo", "participants")
    assert [(d.source_file, d.refusal, d.sha256 is None) for d in drops] == [
        ("demo/participants_a.csv", None, False), ("demo/participants_b.csv", "symbolic_link", True)]
    assert opened.count(str(real.resolve())) == 1  # hashed once, as the drop participants_a.csv


def test_a_dangling_link_and_a_link_to_a_folder_are_refused_without_error(demo_raw, tmp_path):
    (demo_raw / "demo" / "participants_gone.csv").symlink_to(tmp_path / "gone.csv")
    (demo_raw / "demo" / "participants_folder").symlink_to(tmp_path, target_is_directory=True)
    (demo_raw / "coaching_sessions_link.csv").symlink_to(tmp_path / "gone.csv")
    assert [(d.source_file, d.sha256, d.refusal) for d in discover_drops(demo_raw, "demo", "participants")] == [
        ("demo/participants_folder", None, "symbolic_link"), ("demo/participants_gone.csv", None, "symbolic_link")]
    assert [(d.initiative_id, d.source_file, d.refusal) for d in discover_drops(demo_raw, "all", "coaching_sessions")] == [
        ("all", "coaching_sessions_link.csv", "symbolic_link")]


def test_a_file_in_a_folder_reached_through_a_link_lies_outside_raw_data(demo_raw, register_elsewhere, opened):
    folder = register_elsewhere.parent / "linked"
    folder.mkdir()
    drop = folder / "participants.csv"
    drop.write_text(VALID_PARTICIPANTS, encoding="utf-8")
    (demo_raw / "linked").symlink_to(folder, target_is_directory=True)
    opened.clear()  # what the test wrote does not count
    assert discover_drops(demo_raw, "linked", "participants") == [
        Drop("linked", "participants", demo_raw / "linked" / "participants.csv", "linked/participants.csv", None,
             "outside_raw_data")]
    assert str(drop.resolve()) not in opened


def test_the_inventory_lists_links_without_size_or_hash(demo_raw, register_elsewhere, tmp_path, opened):
    (demo_raw / "demo" / "participants_2018-link.csv").symlink_to(register_elsewhere)
    (demo_raw / "demo" / "notities.txt").symlink_to(register_elsewhere)
    (demo_raw / "demo" / "survey_gone.csv").symlink_to(tmp_path / "gone.csv")
    frame = inventory(demo_raw, "demo")
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    assert rows[:3] == [
        {"initiative_id": "demo", "source_file": "demo/notities.txt", "kind": None, "bytes": None, "source_sha256": None,
         "message": "demo/notities.txt wordt niet gelezen: de naam van een aangeleverd bestand moet beginnen met "
                    "participants, activities, survey of stories (bijvoorbeeld participants_2018-q3.csv, stories_2018.yaml); "
                    "geef het bestand zo'n naam"},
        {"initiative_id": "demo", "source_file": "demo/participants_2018-link.csv", "kind": "participants", "bytes": None,
         "source_sha256": None, "message": None},
        {"initiative_id": "demo", "source_file": "demo/survey_gone.csv", "kind": "survey", "bytes": None,
         "source_sha256": None, "message": None},
    ]
    assert rows[3]["source_file"] == "demo/theory_of_change.yaml" and len(rows[3]["source_sha256"]) == 64
    assert str(register_elsewhere.resolve()) not in opened


def test_the_fingerprint_records_a_link_without_opening_its_target_and_a_new_link_is_a_change(demo_raw, register_elsewhere, opened):
    (demo_raw / "demo" / "activities_2018.csv").write_text(ACTIVITIES, encoding="utf-8")
    before = fingerprint(demo_raw)
    link = demo_raw / "demo" / "participants_2018-link.csv"
    link.symlink_to(register_elsewhere)
    after = fingerprint(demo_raw, before)
    stat = os.lstat(link)
    assert after["demo/participants_2018-link.csv"] == [stat.st_size, stat.st_mtime_ns, "symbolic_link"]
    assert str(register_elsewhere.resolve()) not in opened
    assert changes(before, after, ["demo"]).files == ("demo/participants_2018-link.csv",)
    assert changes(after, fingerprint(demo_raw, after), ["demo"]).files == ()  # the same link: no second rebuild


def test_a_dangling_link_is_fingerprinted_and_replacing_it_by_the_file_itself_is_a_change(demo_raw, register_elsewhere):
    link = demo_raw / "demo" / "participants_2018-link.csv"
    link.symlink_to(register_elsewhere)
    register_elsewhere.unlink()
    with_link = fingerprint(demo_raw)
    assert with_link["demo/participants_2018-link.csv"][2] == "symbolic_link"
    link.unlink()
    link.write_text(VALID_PARTICIPANTS, encoding="utf-8")
    real = fingerprint(demo_raw, with_link)
    assert len(real["demo/participants_2018-link.csv"][2]) == 64
    assert changes(with_link, real, ["demo"]).files == ("demo/participants_2018-link.csv",)
