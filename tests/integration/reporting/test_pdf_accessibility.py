"""Every PDF of the sample year is tagged and archival: the machine-checkable PDF/UA-1 rules and the PDF/A-3a
identification hold (impact/reporting/accessibility.py), and the delivery bundle carries those same files."""

from __future__ import annotations

import zipfile

import pytest

from impact.reporting.accessibility import pdf_problems

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_every_report_pdf_passes_the_pdf_ua_and_pdf_a_checks(built_sample):
    year = built_sample["reports"] / "2018"
    pdfs = sorted(p for p in year.rglob("*.pdf") if "levering" not in p.parts)
    assert len(pdfs) == 11  # nine yearly reports, the overview and the lessons
    problems = {p.relative_to(year).as_posix(): pdf_problems(p.read_bytes()) for p in pdfs}
    assert problems == {name: [] for name in problems}


def test_the_bundle_carries_the_archival_pdfs(built_sample):
    year = built_sample["reports"] / "2018"
    (bundle,) = (year / "levering").glob("*.zip")
    with zipfile.ZipFile(bundle) as archive:
        inside = {name.rsplit("/", 1)[-1]: archive.read(name) for name in archive.namelist() if name.endswith(".pdf")}
    built = {p.name: p.read_bytes() for p in year.rglob("*.pdf") if "levering" not in p.parts}
    assert inside == built
