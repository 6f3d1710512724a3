"""The PDF/UA-1 and PDF/A-3a check (impact/reporting/accessibility.py) on small PDFs: what the renderer writes
passes, and each rule fails on a PDF that breaks it, with the words a person reads."""

from __future__ import annotations

import base64
import datetime
import io
import re

import pypdf
import pytest
from pypdf.generic import NameObject

from impact.reporting.accessibility import figure_alternatives, pdf_problems, structure_elements
from impact.reporting.render import PdfRenderError, pdf_bytes

pytestmark = pytest.mark.unit

ARGS = dict(title="Jaarrapport 2018", author="Gemeente Utrecht", created=datetime.date(2019, 1, 31), language="nl")
# a 1×1 grey PNG
PNG = ("data:image/png;base64," + base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b55"
    "0000000a49444154789c636800000082008177cd72b60000000049454e44ae426082")).decode())
GOOD = f"""<!doctype html><html><head><meta charset="utf-8"><style>
@page {{ @bottom-right {{ content: counter(page) }} }}</style></head><body>
<h1>Bereik</h1><p>Tekst.</p><h2>Per wijk</h2>
<table><caption>Tabel 1</caption><thead><tr><th>wijk</th><th>deelnemers</th></tr></thead>
<tbody><tr><td>Overvecht</td><td>12</td></tr></tbody></table>
<ul><li>een</li><li>twee</li></ul>
<figure><img src="{PNG}" alt="Het bereik per wijk; de cijfers staan in tabel 1."><figcaption>Figuur 1</figcaption></figure>
</body></html>"""


def test_what_the_renderer_writes_passes_every_rule():
    data = pdf_bytes(GOOD, **ARGS)
    assert pdf_problems(data) == []
    assert figure_alternatives(data) == ["Het bereik per wijk; de cijfers staan in tabel 1."]


def test_an_untagged_pdf_fails_with_what_is_missing():
    import weasyprint

    untagged = weasyprint.HTML(string=GOOD.replace("<html>", '<html lang="nl">')).write_pdf()
    problems = pdf_problems(untagged)
    assert problems[:4] == [
        "not tagged: the catalog's /MarkInfo does not say /Marked true",
        "no structure tree (/StructTreeRoot)",
        "the viewer is not told to show the title (/ViewerPreferences /DisplayDocTitle)",
        "no XMP metadata",
    ]
    # one page: every word, rule and the image drawn outside marked content
    assert len(problems) == 5
    drawn = re.fullmatch(r"page 1: (\d+) drawing operations are neither tagged nor marked as an artefact", problems[4])
    assert drawn and int(drawn.group(1)) >= 10


def test_a_skipped_heading_level_and_a_table_without_header_cells_are_named():
    html = GOOD.replace("<h2>Per wijk</h2>", "<h3>Per wijk</h3>").replace(
        "<thead><tr><th>wijk</th><th>deelnemers</th></tr></thead>", "")
    assert pdf_problems(pdf_bytes(html, **ARGS)) == ["heading level skipped: H3 after H1",
                                                     "1 tables without header cells (TH)"]


def test_an_image_without_alternative_text_is_refused_when_rendering():
    with pytest.raises(PdfRenderError, match="has no required alt description"):
        pdf_bytes(GOOD.replace(' alt="Het bereik per wijk; de cijfers staan in tabel 1."', ""), **ARGS)


def _edited(data: bytes, edit) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    edit(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_figure_whose_alternative_text_was_removed_and_a_lost_identification_are_named():
    def break_it(writer):
        tree = writer.root_object["/StructTreeRoot"].get_object()
        for element in structure_elements(tree):
            if element["/S"] == "/Figure":
                del element[NameObject("/Alt")]
        del writer.root_object[NameObject("/Lang")]
        del writer.root_object[NameObject("/OutputIntents")]

    assert pdf_problems(_edited(pdf_bytes(GOOD, **ARGS), break_it)) == [
        "no document language (/Lang)", "no output intent (PDF/A)", "1 figures without an alternative text (/Alt)"]


def test_the_xmp_packet_identifies_pdf_a_3a_and_pdf_ua_1_with_the_extension_schema():
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes(GOOD, **ARGS)))
    xml = reader.xmp_metadata.stream.get_data().decode()
    assert 'pdfaid:part="3"' in xml and 'pdfaid:conformance="A"' in xml and 'pdfuaid:part="1"' in xml
    assert "<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>" in xml
    assert "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in xml
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"] == pypdf.generic.BooleanObject(True)
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"] == pypdf.generic.BooleanObject(True)
