"""Every PDF of the sample year is tagged and archival: the machine-checkable PDF/UA-1 rules and the PDF/A-3a
identification hold (impact/reporting/accessibility.py), and the delivery bundle carries those same files."""

from __future__ import annotations

import zipfile

import pytest

from impact.reporting.accessibility import figure_alternatives, pdf_problems

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


def test_every_chart_says_what_it_shows_and_links_the_table_with_its_figures(built_sample):
    import html as html_module
    import re

    year = built_sample["reports"] / "2018"
    pages = sorted(p for p in year.rglob("*.html") if "data_quality" not in p.parts)
    assert len(pages) == 11
    charts = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        figures = re.findall(r'<figure id="fig-[^"]+">\s*<img src="data:image/png;base64,[^"]+" alt="([^"]+)">\s*'
                             r'<figcaption>.*?<a class="nowrap" href="#(tab-[^"]+)">Cijfers: tabel (\d+)\.</a></figcaption>', text, re.S)
        assert len(figures) == text.count("<img "), page.name  # every image is a chart with its table
        for alt, table_id, number in figures:
            alt = html_module.unescape(alt)
            assert re.fullmatch(r"(Grafiek|Tijdlijn) van [^.]+\. De cijfers staan in tabel \d+\.", alt), alt
            assert alt.endswith(f"De cijfers staan in tabel {number}.")
            caption = re.search(rf'<table id="{table_id}"[^>]*>\s*<caption><b>Tabel (\d+)\.</b>', text)
            assert caption and caption.group(1) == number, (page.name, table_id)
        charts += len(figures)
        # the PDF's figures carry the same texts, in the same order
        alts = figure_alternatives(page.with_suffix(".pdf").read_bytes())
        assert alts == [html_module.unescape(a) for a, _, _ in figures], page.name
    # the nine yearly reports hold 27 charts (a reach chart each, one per reliably measured outcome, the changes
    # where shown), the overview 2 (forest plot, realisation), the lessons 1 (timeline)
    assert charts == 27 + 2 + 1
