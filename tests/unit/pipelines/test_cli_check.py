"""`coaching check FILE`: a coach checks a drop before adding it; in Dutch, the default (the English words are
checked for every case of the bad-input catalogue, tests/unit/contracts/test_bad_input_catalogue.py)."""

from __future__ import annotations

import pytest

from pipelines.cli import main
from tests.conftest import write_demo_initiative

pytestmark = pytest.mark.unit


def test_check_lists_each_problem_with_row_and_column(tmp_path, capsys):
    folder = write_demo_initiative(tmp_path)
    drop = folder / "survey_2018-09.csv"
    drop.write_text(
        "participant_id,wave,responded_on,contact,djg11_1\n"
        "A1,baseline,2018-01-05,5,ja\n"
        "A2,nameting,05-09-2018,7,nee\n"
        "A3,follow_up,2018-09-31,6,nee\n"
        "A4,later,gisteren,6,nee\n",
        encoding="utf-8",
    )
    code = main(["check", str(drop)])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out == [
        f"{drop}: 4 rijen gelezen: 2 in orde, 2 apart gezet",
        "  - kolom 'responded_on', rij 3: '2018-09-31' is geen bestaande datum; verwacht: een datum zoals 31-03-2018 of 2018-03-31",
        "  - kolom 'responded_on', rij 4: 'gisteren' is geen datum; verwacht: een datum zoals 31-03-2018 of 2018-03-31",
        "  - kolom 'wave', rij 4: 'later' is geen toegestane waarde; verwacht: baseline of follow_up",
    ]


def test_check_passes_a_clean_drop(tmp_path, capsys):
    folder = write_demo_initiative(tmp_path)
    drop = folder / "participants_2018-q2.csv"
    drop.write_text("participant_id;enrolled_on;wijk;age_band\nA1;02-04-2018;Oost;75+\n", encoding="cp1252")
    assert main(["check", str(drop)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"{drop}: 1 rij gelezen, alles in orde"]


def test_check_refuses_an_unusable_file_and_a_file_of_unknown_kind(tmp_path, capsys):
    folder = write_demo_initiative(tmp_path)
    empty = folder / "activities_leeg.csv"
    empty.write_text("", encoding="utf-8")
    stray = folder / "notities.csv"
    stray.write_text("a,b\n", encoding="utf-8")
    assert main(["check", str(empty), str(stray)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{empty}: het hele bestand is niet gebruikt, want het is leeg; verwacht: een rij met kolomnamen en daaronder rijen met gegevens",
        f"{stray}: de bestandsnaam moet beginnen met participants, activities, survey, stories of coaching_sessions, zodat de "
        "pijplijn weet wat erin staat",
    ]


def test_check_outside_raw_data_ignores_other_files_in_that_folder(tmp_path, capsys, monkeypatch):
    raw = tmp_path / "raw_data"
    raw.mkdir()
    folder = write_demo_initiative(raw)
    (folder / "participants_2018.csv").write_text("participant_id,enrolled_on,wijk,age_band\nA1,2018-01-02,Oost,75+\n", encoding="utf-8")
    monkeypatch.setenv("COACHING_RAW_DATA", str(raw))
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    (downloads / "participants_other_project.csv").write_text("participant_id,enrolled_on,wijk,age_band\nA2,2017-01-02,Zuid,18-29\n")
    new = downloads / "participants_2018-q2.csv"
    new.write_text("participant_id,enrolled_on,wijk,age_band\nA2,2018-04-02,Oost,75+\nA1,2018-01-02,Oost,75+\n", encoding="utf-8")
    # checked against the initiative: the repeat of A1 from its folder shows, the other Downloads file plays no part
    assert main(["check", str(new), "--initiative", "demo"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{new}: 2 rijen gelezen: 1 in orde, 1 apart gezet",
        "  - rij 2: een exacte herhaling van demo/participants_2018.csv, rij 1; die rij wordt gebruikt en deze rij wordt apart gezet",
    ]
    # checked on its own: no Theory of Change there, so no siblings either
    main(["check", str(new)])
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == f"{new}: 2 rijen gelezen, alles in orde"


def test_check_reads_a_stories_drop_with_its_own_contract(tmp_path, capsys, monkeypatch):
    folder = write_demo_initiative(tmp_path)
    monkeypatch.setenv("COACHING_RAW_DATA", str(tmp_path / "no_programme"))  # the default threshold, 10
    drop = folder / "stories_2018.md"
    drop.write_text("> Nu komen er zes bewoners helpen.\n\nwie: bewoner\ntoestemming: ja\n\n---\n\n"
                    "> Dank je.\n\nwie: bewoner\ntoestemming: nee\n", encoding="utf-8")
    assert main(["check", str(drop)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{drop}: 2 verhalen gelezen: 1 in orde, 1 apart gezet",
        "  - kolom 'consent', rij 2: geen toestemming gegeven: het verhaal wordt niet gepubliceerd",
        "  let op: verhaal 1, kolom 'quote' noemt een groep van minder dan 10 mensen of een deel van een groep "
        "('zes bewoners'); het jaarrapport laat dit verhaal weg tot het anders is verwoord",
    ]


REGISTER = "participant_id,enrolled_on,wijk,age_band\nA1,2018-01-02,Oost,75+\n"
LINK_REFUSED_NL = ("het hele bestand is niet gebruikt, want het is een snelkoppeling (symbolische link) naar een bestand "
                   "elders; de pijplijn leest alleen bestanden die zelf in raw_data/ staan: verwijder de snelkoppeling, en "
                   "wilde u dit bestand aanleveren, zet dan het bestand zelf in deze map")


@pytest.mark.parametrize("target_exists", [True, False], ids=["to_a_register", "dangling"])
def test_check_refuses_a_link_unread(tmp_path, capsys, monkeypatch, opened, target_exists):
    raw = tmp_path / "raw_data"
    raw.mkdir()
    folder = write_demo_initiative(raw)
    monkeypatch.setenv("COACHING_RAW_DATA", str(raw))
    target = tmp_path / "elsewhere.csv"
    if target_exists:
        target.write_text(REGISTER, encoding="utf-8")
    link = folder / "participants_2018-link.csv"
    link.symlink_to(target)
    opened.clear()
    assert main(["check", str(link)]) == 1
    assert capsys.readouterr().out.splitlines() == [f"{link}: {LINK_REFUSED_NL}"]
    assert str(target.resolve()) not in opened


def test_check_refuses_a_sibling_link_unread_so_its_rows_play_no_part(tmp_path, capsys, monkeypatch, opened):
    raw = tmp_path / "raw_data"
    raw.mkdir()
    folder = write_demo_initiative(raw)
    monkeypatch.setenv("COACHING_RAW_DATA", str(raw))
    target = tmp_path / "elsewhere.csv"
    target.write_text(REGISTER, encoding="utf-8")
    (folder / "participants_2018-a-link.csv").symlink_to(target)  # read, its row would make A1 below a repeat
    drop = folder / "participants_2018-b.csv"
    drop.write_text(REGISTER, encoding="utf-8")
    opened.clear()
    assert main(["check", str(drop)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"{drop}: 1 rij gelezen, alles in orde"]
    assert str(target.resolve()) not in opened


def test_check_refuses_a_file_in_a_linked_initiative_folder_as_the_pipeline_does(tmp_path, capsys, monkeypatch, opened):
    """The file is no link itself, but its folder in raw_data/ is one: the pipeline refuses it unread, so does check."""
    raw = tmp_path / "raw_data"
    raw.mkdir()
    (tmp_path / "elsewhere").mkdir()
    elsewhere = write_demo_initiative(tmp_path / "elsewhere")
    (elsewhere / "participants_2018.csv").write_text(REGISTER, encoding="utf-8")
    (raw / "demo").symlink_to(elsewhere, target_is_directory=True)
    monkeypatch.setenv("COACHING_RAW_DATA", str(raw))
    opened.clear()
    drop = raw / "demo" / "participants_2018.csv"
    assert main(["check", str(drop)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{drop}: het hele bestand is niet gebruikt, want het ligt buiten raw_data/ (de map waarin het staat, is een "
        "snelkoppeling naar een map elders); de pijplijn leest alleen bestanden die zelf in raw_data/ staan: kopieer de "
        "map met de bestanden naar raw_data/"]
    assert str((elsewhere / "participants_2018.csv").resolve()) not in opened
