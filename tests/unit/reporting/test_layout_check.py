"""The layout check (impact/reporting/layout_check.py) on small documents rendered by the reports' own renderer
with the reports' stylesheet: it reports each deliberate defect exactly, as "file, page N: what", and nothing on a
page without one."""

from __future__ import annotations

import datetime
from importlib import resources

import pytest

from impact.reporting import layout_check
from impact.reporting.layout_check import Defect, Margins, check_pdf, page_margins, report_margins
from impact.reporting.render import pdf_bytes

pytestmark = pytest.mark.unit

CSS = resources.files("impact.reporting").joinpath("templates/report.css").read_text(encoding="utf-8")
PDF_ARGS = {"title": "Layout", "author": "test", "created": datetime.date(2019, 1, 31), "language": "nl"}
TEXT = ("Elke deelnemer vulde bij de start en na een half jaar dezelfde vragenlijst in; de verandering is de nameting "
        "min de nulmeting, per deelnemer met beide metingen. ")


def _pdf(body: str) -> bytes:
    return pdf_bytes(f"<html><head><style>{CSS}</style></head><body>{body}</body></html>", **PDF_ARGS)


def _table(width: str) -> str:
    rows = "".join(f"<tr><td>Rij {i}</td><td class='num'>{i * 7}</td><td class='num'>{i * 3}</td></tr>"
                   for i in range(1, 6))
    return (f"<table style='width: {width}'><caption><b>Tabel 1.</b> Te breed.</caption>"
            f"<thead><tr><th>Wat</th><th class='num'>Aantal</th><th class='num'>Deel</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def _page(*blocks: str) -> str:
    return f"<section style='break-before: page'>{''.join(blocks)}</section>"


COVER = "<section><h1>Omslag</h1><p>Alleen een titel: de omslag mag leeg zijn.</p></section>"
FULL = f"<p>{TEXT * 6}</p>"  # about a sixth of a page


def test_a_clean_document_has_no_defects():
    assert check_pdf(_pdf(COVER + _page("<h1>Hoofdstuk</h1>", FULL, _table("100%"), FULL)), name="clean.pdf") == []


def test_each_deliberate_defect_is_reported_exactly_with_file_and_page():
    body = COVER + _page(
        "<h1>Te breed</h1>", FULL, _table("560pt"), "<p class='tablenote'>Bron: test.</p>",
        f"<p style='margin-left: -30pt'>{TEXT}</p>",
        "<h2 style='break-after: page'>Een kop zonder tekst erna</h2>",
    ) + "<p>Eén regel op een verder lege pagina.</p>" + _page("<h1>Goed</h1>", FULL)
    defects = check_pdf(_pdf(body), name="defects.pdf")
    assert [str(d) for d in defects] == [
        "defects.pdf, page 2: table 'Tabel 1. Te breed.' is 560.0 pt wide, wider than the content box (481.9 pt): "
        "it runs 78.1 pt into the right margin",
        "defects.pdf, page 2: text 'Elke deelnemer vulde bij de start en na een half jaar dezelf…' (and 1 more line) outside the "
        "content box: 30.0 pt into the left margin",
        "defects.pdf, page 2: heading 'Een kop zonder tekst erna' alone at the foot of the page: no text after it on "
        "this page",
        "defects.pdf, page 3: page almost empty: 2% of the content box's height used (at least 20% expected)",
    ]
    assert defects[0] == Defect("defects.pdf", 2, defects[0].what)


def test_an_image_outside_the_content_box_is_reported():
    png = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
    body = COVER + _page("<h1>Figuur</h1>", FULL,
                         f"<img src='data:image/png;base64,{png}' alt='Een breed grijs vlak.' style='width: 520pt; height: 40pt; display: block'>")
    assert [str(d) for d in check_pdf(_pdf(body), name="img.pdf")] == [
        "img.pdf, page 2: an image (520.0 pt × 40.0 pt) outside the content box: 38.1 pt into the right margin"]


def test_the_content_box_comes_from_the_stylesheets_page_margins():
    assert report_margins() == page_margins(CSS)
    margins = report_margins()
    assert (round(margins.top, 2), round(margins.right, 2)) == (62.36, 56.69)  # 2.2 cm and 2 cm
    assert page_margins("@page { size: A4; margin: 1in }") == Margins(72, 72, 72, 72)
    assert page_margins("/* @page { margin: 9pt } */ @page wide { size: A4 landscape } @page { margin: 10pt 20pt }") \
        == Margins(10, 20, 10, 20)
    with pytest.raises(ValueError, match="no @page rule"):
        page_margins("body { margin: 0 }")


def test_the_command_prints_one_line_per_defect_and_fails(tmp_path, capsys):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "ok.pdf").write_bytes(_pdf(COVER + _page("<h1>Goed</h1>", FULL)))
    assert layout_check.main([str(tmp_path)]) == 0
    (tmp_path / "a" / "empty.pdf").write_bytes(_pdf(COVER + _page("<p>Bijna niets.</p>")))
    assert layout_check.main([str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == ["a/empty.pdf, page 2: page almost empty: 2% of the content box's height used (at least 20% expected)"]
