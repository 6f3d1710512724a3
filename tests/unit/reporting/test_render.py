"""Report artefacts as bytes: PDF (WeasyPrint), PNG (matplotlib), XLSX (openpyxl), all reproducible."""

from __future__ import annotations

import contextlib
import datetime
import io
import logging
import os
import re
import struct
import time
import types
import zipfile
import zlib

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import openpyxl  # noqa: E402
import openpyxl.writer.excel  # noqa: E402
import pandas as pd  # noqa: E402
import pypdf  # noqa: E402
import pytest  # noqa: E402

from impact.reporting import typeface  # noqa: E402
from impact.reporting.render import (  # noqa: E402
    PdfRenderError, ZIP_EPOCH, embedded_fonts, pdf_bytes, pdf_fonts_problem, png_bytes, sha256_bytes, xlsx_bytes,
)
from tests.conftest import REPO  # noqa: E402

pytestmark = pytest.mark.unit

CREATED = datetime.date(2019, 1, 31)
PDF_ARGS = dict(title="Impactrapportage 2018 – coaching", author="Gemeente Utrecht", created=CREATED, language="nl")

# Two pages: the second section starts on a new page.
HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ignored</title>
<meta name="dcterms.created" content="2001-02-03">
<style>html { font-family: "Report Sans", sans-serif } h1 { break-before: page }
@page { size: A4; @bottom-right { content: "Pagina " counter(page) " van " counter(pages) } }</style></head>
<body><h1>Inleiding</h1><p>De coëfficiënt bleef gelijk; naïeve schatting: € 12,50 per deelnemer.</p>
<h1>Resultaten</h1><p>Tweede pagina.</p></body></html>"""


def _pdf_plain(pdf: bytes) -> bytes:
    """The PDF's bytes with every Flate stream decompressed appended (metadata sits in object streams)."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:  # a stream whose last byte is a CR loses it to the pattern: take what inflates
            parts.append(zlib.decompressobj().decompress(match.group(1)))
        except zlib.error:
            pass
    return b"\n".join(parts)


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return pdf_bytes(HTML, **PDF_ARGS)


def test_pdf_metadata_is_the_given_one_and_no_clock_date(pdf):
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    info = reader.metadata
    assert info.title == PDF_ARGS["title"]
    assert info.author == "Gemeente Utrecht"
    assert info["/CreationDate"] == info["/ModDate"] == "D:20190131000000Z"
    assert reader.trailer["/Root"]["/Lang"] == "nl"
    assert len(reader.trailer["/ID"]) == 2
    plain = _pdf_plain(pdf)
    assert b"D:20190131000000" in plain
    assert b"D:20010203" not in plain  # the html's own dcterms.created is overridden
    assert datetime.date.today().strftime("%Y%m%d").encode() not in plain


def test_pdf_text_with_dutch_characters_over_two_pages(pdf):
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    first, second = (page.extract_text() for page in reader.pages)
    assert "coëfficiënt" in first and "naïeve" in first and "€ 12,50" in first
    assert "Pagina 1 van 2" in first
    assert "Tweede pagina." in second and "Pagina 2 van 2" in second


def test_pdf_identifier_follows_the_content():
    other = pdf_bytes(HTML.replace("Tweede", "Andere"), **PDF_ARGS)
    first = pypdf.PdfReader(io.BytesIO(pdf_bytes(HTML, **PDF_ARGS))).trailer["/ID"][0]
    assert pypdf.PdfReader(io.BytesIO(other)).trailer["/ID"][0] != first


@pytest.mark.parametrize("src", ["plaatje.png", "file:///etc/hostname", "http://127.0.0.1:9/x.png"])
def test_pdf_uses_data_uris_only_and_refuses_the_rest(src):
    with pytest.raises(PdfRenderError):
        pdf_bytes(f'<p>Figuur <img src="{src}"></p>', **PDF_ARGS)


def test_pdf_embeds_a_data_uri_image():
    import base64

    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [1, 0])
    uri = "data:image/png;base64," + base64.b64encode(png_bytes(fig, dpi=50)).decode()
    data = pdf_bytes(f'<p>Figuur</p><img src="{uri}" alt="Een dalende lijn.">', **PDF_ARGS)
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    assert len(page.images) == 1


def test_pdf_embeds_the_packaged_faces_whole_and_no_other_font(pdf):
    """No subsetter touched them and fontconfig chose nothing: the bytes are the packaged files'."""
    packaged = {sha256_bytes(typeface.face_bytes(face.file)): face.file for face in typeface.FACES}
    embedded = {name.split("+", 1)[1]: packaged.get(sha256_bytes(data), "another font")
                for name, data in embedded_fonts(pdf).items()}
    assert embedded == {"Report-Sans": "DejaVuSans.ttf", "Report-Sans-Bold": "DejaVuSans-Bold.ttf"}


def test_no_subsetter_runs_for_a_page_in_the_report_font(pdf, monkeypatch):
    """Neither HarfBuzz-Subset nor fontTools touches the fonts, so a machine with or without the
    library writes these bytes (the path WeasyPrint takes without it is forced here as well)."""
    import weasyprint.pdf.fonts

    subset_calls = []
    real_subset = weasyprint.pdf.fonts.Font.subset
    monkeypatch.setattr(weasyprint.pdf.fonts.Font, "subset",
                        lambda font, to_unicode, hinting: subset_calls.append(font.family) if to_unicode
                        else real_subset(font, to_unicode, hinting))
    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    assert pdf_bytes(HTML, **PDF_ARGS) == pdf
    assert subset_calls == []


def _one_glyph_font_uri(character: str) -> str:
    """A font holding just ``character``, cut from matplotlib's full DejaVu Sans, as a data URI."""
    import base64

    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(typeface.matplotlib_fonts_folder() / "DejaVuSans.ttf", recalcTimestamp=False)
    subsetter = subset.Subsetter(subset.Options(recalc_timestamp=False))
    subsetter.populate(text=character)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return "data:font/ttf;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def test_a_character_outside_the_report_font_subsets_with_fonttools_at_a_pinned_clock(monkeypatch, caplog):
    """The path a machine without HarfBuzz-Subset takes, at two clock times an hour apart: the same bytes.

    fontTools writes "now" into each font it saves (head.modified) unless SOURCE_DATE_EPOCH is
    set; pdf_bytes pins it to ``created``. Without the pin the two PDFs differ, which shows
    the clock does reach the bytes here.
    """
    import fontTools.misc.timeTools
    import weasyprint.pdf.fonts

    from impact.reporting import render

    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)  # force the fontTools path
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    html = (f'<style>@font-face {{ font-family: Extra; src: url("{_one_glyph_font_uri("Ж")}") }}'
            'p { font-family: "Report Sans" } span { font-family: Extra }</style>'
            '<p>Naam van de activiteit: <span>Ж</span></p>')

    def at(clock: float, pinned: bool = True) -> bytes:
        monkeypatch.setattr(fontTools.misc.timeTools, "time", types.SimpleNamespace(time=lambda: clock))
        if not pinned:
            monkeypatch.setattr(render, "_font_clock", lambda created: contextlib.nullcontext())
        return pdf_bytes(html, **PDF_ARGS)

    with caplog.at_level(logging.WARNING):
        first, second = at(1_700_000_000.0), at(1_700_003_600.0)
    assert first == second
    assert "SOURCE_DATE_EPOCH" not in os.environ  # restored afterwards
    assert "Using fontTools instead of HarfBuzz-Subset" in caplog.text
    assert ("characters drawn with a font of this machine, not the report font ('Ж' from 'Extra'); "
            "this PDF may differ on a machine with other fonts") in caplog.text
    assert "Naam van de activiteit: Ж" in pypdf.PdfReader(io.BytesIO(first)).pages[0].extract_text()
    assert {name.split("+", 1)[1] for name in embedded_fonts(first)} == {"Report-Sans", "Extra"}
    assert at(1_700_000_000.0, pinned=False) != at(1_700_003_600.0, pinned=False)


def _variable_font_uri() -> str:
    """A tiny variable font (a weight axis) holding one glyph for "Ж"."""
    import base64

    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib.tables._g_v_a_r import TupleVariation

    def box():
        pen = TTGlyphPen(None)
        pen.moveTo((50, 0)), pen.lineTo((50, 700)), pen.lineTo((450, 700)), pen.lineTo((450, 0)), pen.closePath()
        return pen.glyph()

    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "zhe"])
    builder.setupCharacterMap({0x0416: "zhe"})
    builder.setupGlyf({".notdef": box(), "zhe": box()})
    builder.setupHorizontalMetrics({".notdef": (500, 50), "zhe": (500, 50)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Variable", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    builder.setupFvar([("wght", 100, 400, 900, "Weight")], [])
    builder.setupGvar({"zhe": [TupleVariation({"wght": (0, 1, 1)}, [(10, 0)] * 4 + [(0, 0)] * 4)]})
    buffer = io.BytesIO()
    builder.save(buffer)
    return "data:font/ttf;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def test_a_variable_font_outside_the_report_font_is_subset_on_a_fresh_document(caplog):
    """Writing a document turns a variable font into a static one in place: the subset pass starts afresh."""
    html = (f'<style>@font-face {{ font-family: Variable; src: url("{_variable_font_uri()}") }}'
            'p { font-family: "Report Sans" } span { font-family: Variable }</style><p>Naam: <span>Ж</span></p>')
    with caplog.at_level(logging.WARNING):
        first = pdf_bytes(html, **PDF_ARGS)
    assert pdf_bytes(html, **PDF_ARGS) == first
    assert "not the report font ('Ж' from 'Variable')" in caplog.text
    assert {name.split("+", 1)[1] for name in embedded_fonts(first)} == {"Report-Sans", "Variable"}


def test_the_packaged_fonts_are_what_the_build_script_makes():
    """impact/reporting/fonts/ holds exactly what scripts/build_report_fonts.py writes, and the licence."""
    built = typeface.build_faces(typeface.matplotlib_fonts_folder())
    assert sorted(built) == sorted(face.file for face in typeface.FACES)
    for name, data in built.items():
        assert sha256_bytes(data) == sha256_bytes(typeface.face_bytes(name)), name
    licence = (typeface.fonts_folder() / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("Fonts are (c) Bitstream (see below). DejaVu changes are in public domain.")


def test_the_system_check_finds_the_report_font_and_notices_when_it_is_missing(monkeypatch):
    assert pdf_fonts_problem() is None
    monkeypatch.setattr(typeface, "font_face_css", lambda: "")  # as if the package had lost its fonts
    problem = pdf_fonts_problem()
    assert problem.startswith("the test page embedded ")
    assert " font(s) other than the packaged report font " in problem


def test_the_report_stylesheet_asks_for_the_packaged_family():
    css = (REPO / "impact" / "reporting" / "templates" / "report.css").read_text(encoding="utf-8")
    assert f'html {{ font-family: "{typeface.FAMILY}", ' in css


def _figure():
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.bar(["voor", "na"], [3.1, 3.6])
    ax.set_title("Gemiddelde score (naïef)")
    return fig


def _png_text_keys(png: bytes) -> list[bytes]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    keys, pos = [], 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        kind = png[pos + 4:pos + 8]
        if kind in (b"tEXt", b"iTXt", b"zTXt"):
            keys.append(png[pos + 8:pos + 8 + length].split(b"\x00", 1)[0])
        pos += 12 + length
    return keys


def test_png_is_reproducible_without_software_chunk_and_closes_the_figure():
    fig = _figure()
    first = png_bytes(fig, dpi=80)
    assert not plt.fignum_exists(fig.number)
    assert png_bytes(_figure(), dpi=80) == first
    assert b"Software" not in _png_text_keys(first)
    assert b"matplotlib" not in first.lower()


FRAME = pd.DataFrame({
    "deelnemer": ["p_a", "=HYPERLINK(\"x\")", "+31 6", None],
    "score": [3.5, np.nan, -1.25, 4.0],
    "n": pd.Series([1, 2, 3, 4], dtype="int64"),
    "gemengd": pd.Series([-3, "@home", "tekst", None], dtype="object"),
    "datum": pd.to_datetime(["2018-01-02", None, "2018-03-04", "2018-12-31"]),
})


def _workbook_bytes() -> bytes:
    return xlsx_bytes({"Resultaten: per [meting]/2018 – lange naam": FRAME, "history": FRAME.head(1), "leeg": FRAME.head(0)},
                      title="Impact 2018", created=CREATED)


def test_xlsx_round_trip():
    book = openpyxl.load_workbook(io.BytesIO(_workbook_bytes()))
    assert book.sheetnames == ["Resultaten_ per _meting__2018 –", "history_", "leeg"]
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("deelnemer", "score", "n", "gemengd", "datum")
    assert rows[1] == ("p_a", 3.5, 1, -3, datetime.datetime(2018, 1, 2))
    assert rows[2] == ("'=HYPERLINK(\"x\")", None, 2, "'@home", None)
    assert rows[3] == ("'+31 6", -1.25, 3, "tekst", datetime.datetime(2018, 3, 4))
    assert rows[4] == (None, 4.0, 4, None, datetime.datetime(2018, 12, 31))
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert all(cell.font.bold for cell in sheet[1]) and not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2"
    assert 8 <= sheet.column_dimensions["A"].width <= 60
    assert list(book["leeg"].iter_rows(values_only=True)) == [("deelnemer", "score", "n", "gemengd", "datum")]
    props = book.properties
    assert props.title == "Impact 2018"
    assert props.created == props.modified == datetime.datetime(2019, 1, 31)
    assert props.lastModifiedBy == props.creator

    repeated_index = xlsx_bytes({"d": FRAME.set_axis([7, 7, 7, 7])}, title="Impact 2018", created=CREATED)
    assert list(openpyxl.load_workbook(io.BytesIO(repeated_index)).active.iter_rows(values_only=True)) == rows


def test_xlsx_same_bytes_at_another_time(monkeypatch):
    first = _workbook_bytes()
    plain_save = io.BytesIO()
    openpyxl.Workbook().save(plain_save)

    # A later clock, for the ZIP entries (time.time) and openpyxl's 'modified' (datetime.now).
    later = time.time() + 400 * 86400
    monkeypatch.setattr(time, "time", lambda: later)

    class Later(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.datetime.fromtimestamp(later, tz)

    monkeypatch.setattr(openpyxl.writer.excel, "datetime", types.SimpleNamespace(datetime=Later, timezone=datetime.timezone))
    plain_later = io.BytesIO()
    openpyxl.Workbook().save(plain_later)
    assert plain_later.getvalue() != plain_save.getvalue()  # the patched clock does reach openpyxl's save
    assert _workbook_bytes() == first

    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])
    assert {(i.date_time, i.compress_type, i.create_system, i.external_attr) for i in infos} == {
        (ZIP_EPOCH, zipfile.ZIP_DEFLATED, 3, 0o100644 << 16)}


def test_xlsx_needs_a_sheet():
    with pytest.raises(ValueError):
        xlsx_bytes({}, title="x", created=CREATED)


def test_sha256_bytes():
    assert sha256_bytes(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
