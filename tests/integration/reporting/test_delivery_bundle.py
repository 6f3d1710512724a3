"""The sample year's delivery for the municipality: the ZIP the build writes, as the manifest lists it."""

from __future__ import annotations

import hashlib
import json
import zipfile

import pytest

from impact.reporting.delivery import delivered_files
from tests.integration.pipelines.test_pipeline_end_to_end import NINE

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_the_build_delivers_every_report_for_the_municipality_and_the_manifest_holds_the_zip(built_sample):
    year_folder = built_sample["reports"] / "2018"
    manifest = json.loads((year_folder / "manifest.json").read_text(encoding="utf-8"))
    delivery = manifest["delivery"]
    assert delivery["path"] == "levering/impactcoaching_2018_levering_2019-01-31.zip"
    data = (year_folder / delivery["path"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == delivery["sha256"]
    with zipfile.ZipFile(year_folder / delivery["path"]) as z:
        names = {n.removeprefix("impactcoaching_2018/") for n in z.namelist()}
        # the 11 PDFs and workbooks, every CSV for Excel, nothing for programs or coaches
        files = {p.as_posix() for p in delivered_files(year_folder)}
        assert names == files | {"LEESMIJ.txt", "SHA256SUMS.txt"}
        assert sum(n.endswith(".pdf") for n in names) == len(NINE) + 2
        assert sum(n.endswith("_tables.xlsx") for n in names) == len(NINE) + 2
        assert not any("machine" in n or n.startswith("data_quality") or n.endswith(".html") for n in names)
        for entry in delivery["checksums"]:
            assert hashlib.sha256(z.read(f"impactcoaching_2018/{entry['path']}")).hexdigest() == entry["sha256"]
        # and the ZIP's PDFs are the published ones
        assert z.read("impactcoaching_2018/programme/programme_2018.pdf") == (
            year_folder / "programme" / "programme_2018.pdf").read_bytes()
