"""The layout check of the generated PDFs: what a reader would see as a layout fault, found from where
things are drawn on each page.

Every PDF is read with pdfplumber (pdfminer underneath), which gives each character's box, font and size,
each image's box and each drawn rule or fill (table borders, header shading, a box's bar). Characters are
joined into lines. With the page's **content box** (the page less the ``@page`` margins of
``templates/report.css``) the check finds four kinds of defect:

``outside``
    text or an image drawn outside the content box (more than :data:`TOLERANCE_PT` over an edge). The
    running head and foot (``@top-left``, ``@top-right``, ``@bottom-right`` in report.css) live in the top
    and bottom margins by design: a line lying wholly in the top or the bottom margin is taken to be one
    and left alone.
``table too wide``
    a table (its rules and header shading, and its text) wider than the content box or running into a
    margin; named by its caption (the bold caption line nearest above) or else its first line of text.
``almost empty``
    a page, other than the cover (page 1), that is less than :data:`MIN_FILL` filled. *Filled* is how far
    down the content box the page is used: from the content box's top to the bottom of the lowest line,
    image or rule on the page (the running head and foot not counted), as a share of the content box's
    height. A page whose last thing ends a tenth of the way down is 10% filled, whatever sits above it.
``heading at the foot``
    a heading with no body text after it on its page: its text starts on the next page. A heading is a
    line set wholly in bold at :data:`HEADING_MIN_PT` or more (``h1``–``h3``, table captions, glossary
    terms); body text is any other line, or an image, below it.

Each defect is reported as ``file, page N: what`` (see :class:`Defect`), so a person can open the page.
``python -m impact.reporting.layout_check PATH ...`` checks PDFs or every PDF under folders and exits
with 1 when it finds a defect. The sample year's reports are checked by
``tests/integration/reporting/test_layout.py``; docs/warehouse.md says what is checked.
"""

from __future__ import annotations

import io
import re
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

#: How far (pt) text, an image or a table may reach over the content box's edge before it is a defect:
#: a glyph's box is its advance width and the font's ascent and descent, not its ink.
TOLERANCE_PT = 1.0
#: A page (not the cover) must be used at least this far down its content box.
MIN_FILL = 0.2
#: Body text is 9.5 pt and table text 8.3 pt or less; captions are 8.8 pt, headings 10.5 pt and more.
HEADING_MIN_PT = 8.7
#: Characters whose baselines differ by less than this (pt) are on one line.
LINE_TOLERANCE_PT = 2.0

_UNITS = {"pt": 1.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "in": 72.0, "px": 0.75, "pc": 12.0}


@dataclass(frozen=True, order=True)
class Defect:
    """One layout fault: the PDF's file name, the 1-based page and what is wrong there."""

    file: str
    page: int
    what: str

    def __str__(self) -> str:
        return f"{self.file}, page {self.page}: {self.what}"


@dataclass(frozen=True)
class Margins:
    """The page margins in pt (CSS order: top, right, bottom, left)."""

    top: float
    right: float
    bottom: float
    left: float


def _length(text: str) -> float:
    match = re.fullmatch(r"(-?[\d.]+)(pt|cm|mm|in|px|pc)?", text.strip())
    if not match:
        raise ValueError(f"not a length the layout check can read: {text!r}")
    number, unit = match.groups()
    if unit is None and float(number) != 0:
        raise ValueError(f"a length without a unit: {text!r}")
    return float(number) * _UNITS[unit or "pt"]


def page_margins(css: str) -> Margins:
    """The margins of the stylesheet's first ``@page`` rule without a page name or pseudo-class (named pages
    such as ``@page wide`` change the size only and keep these margins)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    match = re.search(r"@page\s*\{([^{}]*)", css)
    declaration = match and re.search(r"(?:^|;)\s*margin\s*:\s*([^;{}]+)", match.group(1))
    if not declaration:
        raise ValueError("the stylesheet has no @page rule with a margin")
    values = [_length(v) for v in declaration.group(1).split()]
    if not 1 <= len(values) <= 4:
        raise ValueError(f"a margin of {len(values)} values: {declaration.group(1)!r}")
    top, right, bottom, left = (values * 4)[:4] if len(values) == 1 else (values * 2)[:4] if len(values) == 2 \
        else [*values, values[1]] if len(values) == 3 else values
    return Margins(top, right, bottom, left)


def report_margins() -> Margins:
    """The margins of the reports' stylesheet, ``impact/reporting/templates/report.css``."""
    css = resources.files("impact.reporting").joinpath("templates/report.css").read_text(encoding="utf-8")
    return page_margins(css)


@dataclass
class _Line:
    """Characters on one baseline, in the order they are drawn left to right."""

    x0: float
    x1: float
    top: float
    bottom: float
    text: str
    heading: bool

    @property
    def quoted(self) -> str:
        text = " ".join(self.text.split())
        return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"


@dataclass
class _Box:
    x0: float
    x1: float
    top: float
    bottom: float


def _is_bold(fontname: str) -> bool:
    return "bold" in fontname.lower() or "black" in fontname.lower()


def _lines(chars: list[dict]) -> list[_Line]:
    """The page's characters joined into lines: by baseline (within :data:`LINE_TOLERANCE_PT`), then split
    where a gap between two characters is wider than three times the font size (columns, table cells apart
    by more than a few words' space stay on one line; a heading never has such a gap)."""
    ordered = sorted(chars, key=lambda c: (round(c["bottom"], 1), c["x0"]))
    rows: list[list[dict]] = []
    for char in ordered:
        if rows and abs(rows[-1][-1]["bottom"] - char["bottom"]) <= LINE_TOLERANCE_PT:
            rows[-1].append(char)
        else:
            rows.append([char])
    lines = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        visible = [c for c in row if c["text"].strip()]
        if not visible:
            continue
        text = ""
        for previous, char in zip([None, *row[:-1]], row):
            if previous is not None and char["x0"] - previous["x1"] > 0.15 * char["size"] and not text.endswith(" "):
                text += " "
            text += char["text"]
        heading = all(_is_bold(c["fontname"]) and c["size"] >= HEADING_MIN_PT for c in visible)
        lines.append(_Line(min(c["x0"] for c in visible), max(c["x1"] for c in visible),
                           min(c["top"] for c in visible), max(c["bottom"] for c in visible), text.strip(), heading))
    lines.sort(key=lambda line: (line.top, line.x0))
    return lines


def _drawn(page) -> list[_Box]:
    """The rules and fills drawn on the page (table borders, header shading, boxes), as boxes."""
    boxes = []
    for obj in [*page.rects, *page.lines, *page.curves]:
        boxes.append(_Box(float(obj["x0"]), float(obj["x1"]), float(obj["top"]), float(obj["bottom"])))
    return boxes


def _images(page) -> list[_Box]:
    return [_Box(float(i["x0"]), float(i["x1"]), float(i["top"]), float(i["bottom"])) for i in page.images]


def _pt(value: float) -> str:
    return f"{value:.1f} pt"


def _overreach(box, left: float, right: float, top: float, bottom: float) -> dict[str, float]:
    """The edges of the content box that ``box`` crosses (left, right, top, bottom), each with by how much."""
    amounts = (("left", left - box.x0), ("right", box.x1 - right), ("top", top - box.top),
               ("bottom", box.bottom - bottom))
    return {name: amount for name, amount in amounts if amount > TOLERANCE_PT}


def _where(amounts: dict[str, float]) -> str:
    return ", ".join(f"{_pt(amount)} into the {edge} margin" for edge, amount in amounts.items())


def _tables(boxes: list[_Box], headings: list[_Line]) -> list[list[_Box]]:
    """Rules and fills grouped into tables, top to bottom: one table runs on until a heading (a caption, a
    section heading) lies between two of its rules."""
    groups: list[list[_Box]] = []
    for box in sorted(boxes, key=lambda b: b.top):
        if groups:
            lowest = max(b.bottom for b in groups[-1])
            if not any(lowest - 1 <= h.top and h.bottom <= box.top + 1 for h in headings):
                groups[-1].append(box)
                continue
        groups.append([box])
    return groups


def check_page(page, number: int, file: str, margins: Margins) -> list[Defect]:
    """The defects of one pdfplumber page (``number`` 1-based; page 1, the cover, is not held to the fill)."""
    width, height = float(page.width), float(page.height)
    left, right = margins.left, width - margins.right
    top, bottom = margins.top, height - margins.bottom
    content_width = right - left

    def running(line: _Line) -> bool:  # the running head or foot, in the top or bottom margin
        return line.bottom <= top + TOLERANCE_PT or line.top >= bottom - TOLERANCE_PT

    lines = [line for line in _lines(page.chars) if not running(line)]
    images = _images(page)
    drawn = [b for b in _drawn(page) if b.x1 - b.x0 > 0 or b.bottom - b.top > 0]
    defects: list[str] = []

    # Tables: rules and fills reaching over the left or right edge, grouped into tables; the table's width
    # is that of its rules and of the text between them.
    wide = [b for b in drawn if b.x0 < left - TOLERANCE_PT or b.x1 > right + TOLERANCE_PT]
    covered: list[tuple[float, float]] = []
    for group in _tables(wide, [line for line in lines if line.heading]):
        y0, y1 = min(b.top for b in group), max(b.bottom for b in group)
        inside = [line for line in lines if line.bottom > y0 - 2 and line.top < y1 + 2]
        rules = [b for b in drawn if b.bottom >= y0 - 0.5 and b.top <= y1 + 0.5]  # all of the table's rules
        x0 = min([b.x0 for b in rules] + [line.x0 for line in inside])
        x1 = max([b.x1 for b in rules] + [line.x1 for line in inside])
        above = [line for line in lines if line.heading and line.bottom <= y0 + 2 and y0 - line.bottom < 60]
        name = f"table {above[-1].quoted}" if above else (f"table at {inside[0].quoted}" if inside else "a table")
        where = _where(_overreach(_Box(x0, x1, y0, y1), left, right, -1e9, 1e9)).replace(", ", " and ")
        if x1 - x0 > content_width + TOLERANCE_PT:
            defects.append(f"{name} is {_pt(x1 - x0)} wide, wider than the content box ({_pt(content_width)}): "
                           f"it runs {where}")
        else:
            defects.append(f"{name} runs {where}")
        covered.append((y0 - 2, y1 + 2))

    # Text and images outside the content box (text of a table already reported is not repeated).
    run: list[tuple[_Line, dict[str, float]]] = []  # consecutive lines over the same edges: one defect

    def report_run() -> None:
        if run:
            edges = {edge: max(amounts[edge] for _, amounts in run) for edge in run[0][1]}
            more = f" (and {len(run) - 1} more line{'s' if len(run) > 2 else ''})" if len(run) > 1 else ""
            defects.append(f"text {run[0][0].quoted}{more} outside the content box: {_where(edges)}")
            run.clear()

    for line in lines:
        in_table = any(a <= line.top and line.bottom <= b for a, b in covered)
        amounts = {} if in_table else _overreach(line, left, right, top, bottom)
        if run and set(amounts) != set(run[0][1]):
            report_run()
        if amounts:
            run.append((line, amounts))
    report_run()
    for image in images:
        amounts = _overreach(image, left, right, top, bottom)
        if amounts:
            defects.append(f"an image ({_pt(image.x1 - image.x0)} × {_pt(image.bottom - image.top)}) outside the "
                           f"content box: {_where(amounts)}")

    # Fill: how far down the content box the page is used.
    if number > 1:
        lowest = max([line.bottom for line in lines] + [i.bottom for i in images]
                     + [b.bottom for b in drawn if b.top < bottom], default=top)
        fill = max(0.0, min(lowest, bottom) - top) / (bottom - top)
        if fill < MIN_FILL:
            defects.append(f"page almost empty: {fill:.0%} of the content box's height used "
                           f"(at least {MIN_FILL:.0%} expected)")

    # A heading (one or more heading lines, e.g. an h2 and a table caption) with no body text after it.
    trailing = len(lines)
    while trailing and lines[trailing - 1].heading:
        trailing -= 1
    after = [line.bottom for line in lines[:trailing]] + [i.bottom for i in images]
    orphans = [line for line in lines[trailing:] if line.top >= max(after, default=-1.0) - 0.5]
    if orphans:
        text = " ".join(" ".join(line.text for line in orphans if line.top - orphans[0].top < 40).split())
        quoted = f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"
        defects.append(f"heading {quoted} alone at the foot of the page: no text after it on this page")

    return [Defect(file, number, what) for what in defects]


def check_pdf(pdf: str | Path | bytes, name: str | None = None, margins: Margins | None = None) -> list[Defect]:
    """Every layout defect of one PDF (a path or its bytes), page by page; ``name`` is the file name the
    defects carry (by default the path's name)."""
    import pdfplumber

    margins = margins or report_margins()
    if isinstance(pdf, (bytes, bytearray)):
        source, file = io.BytesIO(pdf), name or "document.pdf"
    else:
        source, file = str(pdf), name or Path(pdf).name
    defects: list[Defect] = []
    with pdfplumber.open(source) as document:
        for number, page in enumerate(document.pages, start=1):
            defects.extend(check_page(page, number, file, margins))
            page.close()
    return defects


def check_paths(paths: list[Path], root: Path | None = None) -> list[Defect]:
    """The defects of PDFs and of every PDF under folders, each named by its path relative to ``root`` (or
    its folder's parent when ``root`` is None)."""
    defects: list[Defect] = []
    for path in paths:
        files = sorted(path.rglob("*.pdf")) if path.is_dir() else [path]
        for file in files:
            base = root or (path if path.is_dir() else file.parent)
            defects.extend(check_pdf(file, name=file.relative_to(base).as_posix()))
    return defects


def main(argv: list[str] | None = None) -> int:
    paths = [Path(p) for p in (sys.argv[1:] if argv is None else argv)]
    if not paths:
        print("usage: python -m impact.reporting.layout_check PDF-or-FOLDER ...", file=sys.stderr)
        return 2
    defects = check_paths(paths)
    for defect in defects:
        print(defect)
    checked = sum(len(list(p.rglob("*.pdf"))) if p.is_dir() else 1 for p in paths)
    print(f"{len(defects)} layout defect(s) in {checked} PDF(s)", file=sys.stderr)
    return 1 if defects else 0


if __name__ == "__main__":
    sys.exit(main())
