"""A full build of a copy of the sample year with one Theory of Change broken, a folder whose name is not an
identifier, and a drop that is a link out of raw_data/: the programme's outputs say who is missing and why, the
delivery is refused until it is asked for as incomplete, the link is refused unread, and the badly named folder
never becomes a partition."""

from __future__ import annotations

import json
import shutil
import zipfile

import duckdb
import pandas as pd
import pytest
from pypdf import PdfReader

from pipelines.cli import main
from tests.conftest import SAMPLE_RAW_DATA

pytestmark = [pytest.mark.integration, pytest.mark.slow]

BAD_FOLDER = "evil name; rm -rf"
LINK = "utrecht-cares/participants_2018-link.csv"
FOOD = ("Food for Good: de Theory of Change kon niet worden gebruikt, want er staat een fout in (details: "
        "datakwaliteitspagina van de coaches)")
EVIL = ("Zus&amp;Zo (map &#39;evil name; rm -rf&#39;): de naam van de map is geen geldige naam voor een initiatief "
        "(details: datakwaliteitspagina van de coaches)")


@pytest.fixture(scope="module")
def incomplete_year(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("incomplete_year")
    raw = tmp / "raw_data"
    shutil.copytree(SAMPLE_RAW_DATA, raw)
    with (raw / "food-for-good" / "theory_of_change.yaml").open("a", encoding="utf-8") as toc:
        toc.write("onbekend: 1\n")                                  # a key the schema does not know
    (raw / BAD_FOLDER).mkdir()
    (raw / BAD_FOLDER / "theory_of_change.yaml").write_text(
        (raw / "zus-en-zo" / "theory_of_change.yaml").read_text(encoding="utf-8").replace("id: zus-en-zo", "id: evil"),
        encoding="utf-8")
    # another initiative's register, with the right columns, outside raw_data/ and linked into Utrecht Cares
    target = tmp / "elsewhere" / "participants.csv"
    target.parent.mkdir()
    shutil.copy(raw / "sociale-supermarkt" / "participants_2018-q1.csv", target)
    (raw / LINK).symlink_to(target)
    mp = pytest.MonkeyPatch()
    for name, folder in (("COACHING_RAW_DATA", raw), ("COACHING_WAREHOUSE", tmp / "wh"),
                         ("COACHING_REPORTS", tmp / "reports"), ("DAGSTER_HOME", tmp / "dh")):
        mp.setenv(name, str(folder))
    (tmp / "dh").mkdir()
    try:
        code = main(["build"])
        yield {"code": code, "tmp": tmp, "year": tmp / "reports" / "2018", "target": target, "mp": mp}
    finally:
        mp.undo()


def test_the_build_fails_and_the_badly_named_folder_is_no_partition(incomplete_year):
    from dagster import DagsterInstance

    assert incomplete_year["code"] == 1
    with incomplete_year["mp"].context() as mp:
        mp.setenv("DAGSTER_HOME", str(incomplete_year["tmp"] / "dh"))
        with DagsterInstance.get() as instance:
            partitions = instance.get_dynamic_partitions("initiative")
    assert BAD_FOLDER not in partitions and "evil" not in partitions and len(partitions) == 9
    assert not (incomplete_year["year"] / BAD_FOLDER).exists()
    con = duckdb.connect(str(incomplete_year["tmp"] / "wh" / "coaching.duckdb"), read_only=True)
    assert con.execute("SELECT folder, problem FROM programme.initiative_folders WHERE problem IS NOT NULL").fetchall() == [
        (BAD_FOLDER, "not_a_slug")]
    assert con.execute("SELECT count(*) FROM staging.drops WHERE initiative_id NOT IN "
                       "(SELECT initiative_id FROM programme.initiative_folders WHERE initiative_id IS NOT NULL) "
                       "AND initiative_id <> 'all'").fetchone()[0] == 0


def test_the_link_out_of_raw_data_is_refused_unread_with_one_entry(incomplete_year):
    con = duckdb.connect(str(incomplete_year["tmp"] / "wh" / "coaching.duckdb"), read_only=True)
    assert con.execute("SELECT rule, source_row, source_sha256 FROM staging.quarantine WHERE source_file = ?",
                       [LINK]).fetchall() == [("symbolic_link", None, None)]
    assert con.execute("SELECT raw_rows, staged_rows, quarantined_rows, refused FROM staging.drops WHERE source_file = ?",
                       [LINK]).fetchall() == [(0, 0, 0, True)]
    # none of the other register's rows reached Utrecht Cares
    ss = con.execute("SELECT count(*) FROM staging.participants WHERE initiative_id = 'utrecht-cares'").fetchone()[0]
    assert ss == con.execute("SELECT sum(staged_rows) FROM staging.drops WHERE initiative_id = 'utrecht-cares' "
                             "AND table_name = 'participants'").fetchone()[0]


def test_the_overview_names_who_is_missing_and_never_says_all(incomplete_year):
    html = (incomplete_year["year"] / "programme" / "programme_2018.html").read_text(encoding="utf-8")
    assert "alle initiatieven" not in html
    assert "<title>Impactcoaching 2018: 8 van de 10 initiatieven naast elkaar</title>" in html
    assert "Onvolledig: 2 van de 10 initiatieven ontbreken in dit rapport" in html
    assert f"<li>{EVIL}</li>" in html and f"<li>{FOOD}</li>" in html
    # the Holm family: its members, and who is not in it
    assert ("Niet in deze familie, omdat ze dit jaar niet zijn verwerkt: Zus&amp;Zo (map &#39;evil name; rm -rf&#39;), "
            "Food for Good.") in html
    # the per-initiative chapter keeps a place for each one left out, and the tables list them for Excel too
    assert (f"<h2>Food for Good</h2>\n<p>Ontbreekt in dit overzicht: {FOOD.split(': ', 1)[1]}. Er staan dus geen "
            "cijfers van dit initiatief in, ook niet in de totalen.</p>") in html
    left_out = pd.read_csv(incomplete_year["year"] / "programme" / "tables" / "machine" / "initiatives_left_out.csv")
    assert left_out[["folder", "reason"]].values.tolist() == [[BAD_FOLDER, "not_a_slug"], ["food-for-good", "theory_of_change"]]
    first_page = " ".join(PdfReader(incomplete_year["year"] / "programme" / "programme_2018.pdf").pages[0]
                          .extract_text().split())  # the title breaks over two lines
    assert "Impactcoaching 2018: 8 van de 10 initiatieven naast elkaar" in first_page
    assert "Onvolledig: 2 van de 10 initiatieven ontbreken in dit rapport" in first_page
    roster = ("Het programma verwachtte 10 initiatieven (elke map met een Theory of Change). Dit rapport gaat over 8 "
              "van hen: Geluks BV – Digitale Buddies, IMC Weekendschool Utrecht, Nieuw Rotsoord, Sociale Supermarkt, "
              "Talent Connection, Utrecht Cares, Zorgverslimming, Zus&amp;Zo. Niet in dit rapport: Zus&amp;Zo (map "
              "&#39;evil name; rm -rf&#39;), Food for Good; waarom, staat op de titelpagina.")
    assert f"<p>{roster}</p>" in html
    lessons = (incomplete_year["year"] / "lessons_learned" / "lessons_learned_2018.html").read_text(encoding="utf-8")
    assert f"<p>{roster}</p>" in lessons
    assert "Resultaten, datakwaliteit en lessen van 8 van de 10 initiatieven (onvolledig)" in lessons
    assert f"<li>{FOOD}</li>" in lessons
    # Food for Good's five one-to-one sessions are not shown, and not as the programme's either
    log = pd.read_csv(SAMPLE_RAW_DATA / "coaching_sessions.csv", sep=None, engine="python")
    shown = len(log) - (log["initiative_id"] == "food-for-good").sum()
    assert f"Het coachinglogboek bevat {shown} sessies." in lessons
    assert "De 5 sessies van initiatieven die in dit rapport ontbreken, staan er niet bij." in lessons
    plenary = (log["initiative_id"] == "all").sum()
    assert lessons.count("Alle initiatieven (plenair), ") == plenary
    page = (incomplete_year["year"] / "data_quality" / "index.html").read_text(encoding="utf-8")
    assert "Initiatieven die niet zijn verwerkt" in page and "sleutel &#39;onbekend&#39; is onbekend" in page


def test_the_manifest_records_who_is_expected_and_the_delivery_waits_for_the_flag(incomplete_year, capsys):
    year = incomplete_year["year"]
    manifest = json.loads((year / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["delivery"] is None and not list((year / "levering").glob("*.zip"))
    initiatives = manifest["initiatives"]
    assert initiatives["complete"] is False and len(initiatives["expected"]) == 10 and len(initiatives["included"]) == 8
    assert initiatives["delivered_although_incomplete"] is False
    assert [(x["folder"], x["reason"]) for x in initiatives["left_out"]] == [
        (BAD_FOLDER, "not_a_slug"), ("food-for-good", "theory_of_change")]

    with incomplete_year["mp"].context():
        capsys.readouterr()
        assert main(["deliver"]) == 1
        assert "De levering voor de gemeente is niet gemaakt, want het programma is onvolledig: 2 van de 10" in (
            capsys.readouterr().err)
        assert not list((year / "levering").glob("*.zip"))
        assert main(["deliver", "--incomplete"]) == 0
    bundle, = (year / "levering").glob("*.zip")
    with zipfile.ZipFile(bundle) as archive:
        readme = archive.read("impactcoaching_2018/LEESMIJ.txt").decode("utf-8")
    assert "ONVOLLEDIG: deze levering is op uitdrukkelijk verzoek gemaakt" in readme
    assert f"  - {FOOD}\n" in readme and "Initiatieven in deze levering: 8 van de 10 die het programma verwachtte." in readme
    html = (year / "programme" / "programme_2018.html").read_text(encoding="utf-8")
    assert ("Toch aan de gemeente geleverd, onvolledig, op uitdrukkelijk verzoek van het programmateam: "
            '<span class="command">coaching deliver --incomplete</span>.') in html
    after = json.loads((year / "manifest.json").read_text(encoding="utf-8"))
    assert after["delivery"]["path"] == f"levering/{bundle.name}"
    assert after["initiatives"]["delivered_although_incomplete"] is True
