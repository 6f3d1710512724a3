"""The delivery ZIP for the municipality (impact/reporting/delivery.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile

import pandas as pd
import pytest

from impact.reporting.delivery import delivered_files, write_delivery
from impact.reporting.provenance import write_manifest

pytestmark = pytest.mark.unit

PROGRAMME = {"name": "Impactcoaching maatschappelijke initiatieven", "disclosure_threshold": 10, "synthetic": True}
CLOSING = dt.date(2019, 1, 31)


@pytest.fixture
def year_folder(tmp_path):
    folder = tmp_path / "2018"
    files = {
        "programme/programme_2018.pdf": b"%PDF overview", "programme/programme_2018.html": b"<html>",
        "programme/programme_2018_tables.xlsx": b"PK xlsx", "programme/tables/effects.csv": b"a;b\n1,5;2\n",
        "programme/tables/machine/effects.csv": b"a,b\n1.5,2\n", "programme/charts/forest.png": b"png",
        "zus-en-zo/zus-en-zo_2018.pdf": b"%PDF zus", "zus-en-zo/tables/reach.csv": b"x\n",
        "data_quality/index.html": b"<html> rows", "data_quality/quarantine.csv": b"file,row\n",
        "lessons_learned/lessons_learned_2018.pdf": b"%PDF lessons",
    }
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def test_only_what_the_municipality_reads_is_delivered(year_folder):
    assert [p.as_posix() for p in delivered_files(year_folder)] == [
        "lessons_learned/lessons_learned_2018.pdf", "programme/programme_2018.pdf", "programme/programme_2018_tables.xlsx",
        "programme/tables/effects.csv", "zus-en-zo/tables/reach.csv", "zus-en-zo/zus-en-zo_2018.pdf"]


def test_the_zip_is_dated_checksummed_and_the_same_bytes_every_time(year_folder):
    first = write_delivery(year_folder, PROGRAMME, 2018, CLOSING)
    data = first.path.read_bytes()
    assert first.path.name == "impactcoaching_2018_levering_2019-01-31.zip"
    assert first.sha256 == hashlib.sha256(data).hexdigest()
    again = write_delivery(year_folder, PROGRAMME, 2018, CLOSING)
    assert again.path.read_bytes() == data
    with zipfile.ZipFile(first.path) as z:
        names = z.namelist()
        assert names == sorted(names) and all(n.startswith("impactcoaching_2018/") for n in names)
        assert {i.date_time for i in z.infolist()} == {(2019, 1, 31, 0, 0, 0)}
        sums = z.read("impactcoaching_2018/SHA256SUMS.txt").decode().splitlines()
        # every file but the checksum file itself, each with the SHA-256 of its bytes in the ZIP
        assert len(sums) == len(names) - 1
        for line in sums:
            digest, path = line.split("  ")
            assert hashlib.sha256(z.read(f"impactcoaching_2018/{path}")).hexdigest() == digest
        readme = z.read("impactcoaching_2018/LEESMIJ.txt").decode()
    assert readme.startswith("Impactcoaching maatschappelijke initiatieven 2018: levering van 31 januari 2019\n")
    assert "Deze map bevat 3 rapporten (PDF)" in readme and "verzonnen voorbeeldgegevens" in readme
    assert "data_quality" not in readme and "machine" not in readme


def test_a_new_date_replaces_the_old_delivery_and_the_manifest_holds_its_checksums(year_folder):
    write_delivery(year_folder, PROGRAMME, 2018, dt.date(2019, 1, 15))
    bundle = write_delivery(year_folder, PROGRAMME, 2018, CLOSING)
    assert [p.name for p in (year_folder / "levering").iterdir()] == [bundle.path.name]
    inputs = pd.DataFrame({"source_file": ["programme.yaml"], "source_sha256": ["0" * 64]})
    manifest = json.loads(write_manifest(year_folder, 2018, inputs, {"package_version": "0"}).read_text())
    assert manifest["delivery"] == {"path": "levering/impactcoaching_2018_levering_2019-01-31.zip",
                                    "sha256": bundle.sha256, "checksums": bundle.checksums}


def test_an_incomplete_delivery_says_so_first_and_a_refused_one_leaves_no_zip(year_folder):
    from impact.reporting.completeness import completeness
    from impact.reporting.delivery import remove_delivery

    folders = pd.DataFrame([("food-for-good", "food-for-good", "Food for Good", None),
                            ("zus-en-zo", "zus-en-zo", "Zus&Zo", None)],
                           columns=["folder", "initiative_id", "name", "problem"])
    whole = completeness(folders, ["zus-en-zo"], pd.DataFrame({"initiative_id": ["food-for-good"]}))
    bundle = write_delivery(year_folder, PROGRAMME, 2018, CLOSING, whole=whole)
    with zipfile.ZipFile(bundle.path) as z:
        readme = z.read("impactcoaching_2018/LEESMIJ.txt").decode()
    assert readme.split("\n")[2:7] == [
        "ONVOLLEDIG: deze levering is op uitdrukkelijk verzoek gemaakt (coaching deliver --incomplete), hoewel er "
        "initiatieven ontbreken:",
        "  - Food for Good: de Theory of Change kon niet worden gebruikt, want er staat een fout in (details: "
        "datakwaliteitspagina van de coaches)",
        "",
        "Initiatieven in deze levering: 1 van de 2 die het programma verwachtte.",
        ""]
    assert remove_delivery(year_folder) == [bundle.path] and not bundle.path.exists()
