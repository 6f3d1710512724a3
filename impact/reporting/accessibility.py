"""The machine-checkable part of PDF/UA-1 (ISO 14289-1) and the PDF/A-3a identification, read from a PDF.

veraPDF is the reference validator, but it is a Java program that no package registry this project installs
from carries. This module walks the file with pypdf instead and checks what a program can decide:

- the file says it is tagged (``/MarkInfo /Marked true``) and has a structure tree;
- the document language (``/Lang``) is set, the viewer shows the title (``/DisplayDocTitle``), and the XMP
  metadata holds a title, the PDF/UA identification (``pdfuaid:part`` 1) and PDF/A-3a's (``pdfaid:part`` 3,
  ``pdfaid:conformance`` A) with an output intent;
- every ``Figure`` has an alternative text, every ``Table`` has header cells (``TH``) and each of its data
  cells names its headers (``/Headers``), and no heading level is skipped (an ``H3`` straight after an ``H1``);
- nothing is painted outside a marked-content sequence: every text, image and path belongs to a structure
  element or is marked as an artefact (page headers and footers, decoration);
- every font is embedded.

What a person must judge (is the alternative text right, is the reading order the visual one) is not here.
``python -m impact.reporting.accessibility PATH ...`` checks PDFs, or every PDF under folders, and exits 1
on a problem.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

#: Operators that paint: text, an external object (an image or form), paths, shadings.
PAINTING = {b"Tj", b"TJ", b"'", b'"', b"Do", b"f", b"F", b"f*", b"S", b"s", b"B", b"B*", b"b", b"b*", b"sh", b"BI"}
HEADING = re.compile(r"^/H([1-6])$")


def _resolve(value):
    return value.get_object() if hasattr(value, "get_object") else value


def _kids(node) -> list:
    kids = _resolve(node.get("/K")) if hasattr(node, "get") else None
    if kids is None:
        return []
    return [_resolve(k) for k in kids] if isinstance(kids, list) else [kids]


def structure_elements(root):
    """Every structure element under ``root``, in document (depth-first) order."""
    stack = list(reversed(_kids(root)))
    while stack:
        node = stack.pop()
        if hasattr(node, "get") and "/S" in node:
            yield node
            stack.extend(reversed(_kids(node)))


def figure_alternatives(data: bytes) -> list[str]:
    """The alternative text of every ``Figure`` of the PDF ``data``, in document order."""
    from pypdf import PdfReader

    tree = PdfReader(io.BytesIO(data)).trailer["/Root"].get("/StructTreeRoot")
    return [str(e.get("/Alt", "")) for e in structure_elements(_resolve(tree)) if e["/S"] == "/Figure"] if tree else []


def _attribute(element, name: str):
    attributes = _resolve(element.get("/A"))
    for block in attributes if isinstance(attributes, list) else [attributes]:
        block = _resolve(block)
        if hasattr(block, "get") and name in block:
            return _resolve(block[name])
    return None


def _unmarked_painting(reader) -> list[str]:
    from pypdf.generic import ContentStream

    problems = []
    for number, page in enumerate(reader.pages, start=1):
        contents = page.get_contents()
        if contents is None:
            continue
        depth, outside = 0, 0
        for _operands, operator in ContentStream(contents, reader).operations:
            if operator in (b"BDC", b"BMC"):
                depth += 1
            elif operator == b"EMC":
                depth -= 1
            elif operator in PAINTING and depth == 0:
                outside += 1
        if outside:
            problems.append(f"page {number}: {outside} drawing operations are neither tagged nor marked as an artefact")
    return problems


def _unembedded_fonts(reader) -> list[str]:
    missing: set[str] = set()
    for page in reader.pages:
        fonts = _resolve(_resolve(page.get("/Resources") or {}).get("/Font")) or {}
        for font in (_resolve(f) for f in fonts.values()):
            descendants = [_resolve(d) for d in _resolve(font.get("/DescendantFonts")) or []] or [font]
            for face in descendants:
                descriptor = _resolve(face.get("/FontDescriptor"))
                if descriptor is None or not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    missing.add(str(font.get("/BaseFont")))
    return [f"font {name} is not embedded" for name in sorted(missing)]


def pdf_problems(data: bytes) -> list[str]:
    """What keeps the PDF ``data`` from the machine-checkable PDF/UA-1 and PDF/A-3a rules above, in words;
    empty when none."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    problems = []
    mark_info = _resolve(root.get("/MarkInfo")) or {}
    if not mark_info.get("/Marked"):
        problems.append("not tagged: the catalog's /MarkInfo does not say /Marked true")
    tree = _resolve(root.get("/StructTreeRoot"))
    if tree is None:
        problems.append("no structure tree (/StructTreeRoot)")
    if not str(root.get("/Lang") or "").strip():
        problems.append("no document language (/Lang)")
    preferences = _resolve(root.get("/ViewerPreferences")) or {}
    if not preferences.get("/DisplayDocTitle"):
        problems.append("the viewer is not told to show the title (/ViewerPreferences /DisplayDocTitle)")
    problems += _metadata_problems(reader, root)
    if tree is not None:
        problems += _structure_problems(tree)
    problems += _unmarked_painting(reader)
    problems += _unembedded_fonts(reader)
    return problems


def _xmp_values(xml: bytes, uri: str, name: str) -> set[str]:
    """Every value of the XMP property ``{uri}name``, written as an attribute or as an element."""
    from xml.etree import ElementTree as ET

    key = f"{{{uri}}}{name}"
    values = set()
    for element in ET.fromstring(xml).iter():
        if key in element.attrib:
            values.add(element.attrib[key].strip())
        if element.tag == key and element.text:
            values.add(element.text.strip())
    return values


def _metadata_problems(reader, root) -> list[str]:
    metadata = reader.xmp_metadata
    if metadata is None:
        return ["no XMP metadata"]
    problems = []
    if not (metadata.dc_title or {}).get("x-default", "").strip():
        problems.append("no title in the XMP metadata (dc:title)")
    xml = metadata.stream.get_data()
    for prefix, uri, name, expected in (("pdfuaid", "http://www.aiim.org/pdfua/ns/id/", "part", "1"),
                                        ("pdfaid", "http://www.aiim.org/pdfa/ns/id/", "part", "3"),
                                        ("pdfaid", "http://www.aiim.org/pdfa/ns/id/", "conformance", "A")):
        if expected not in _xmp_values(xml, uri, name):
            problems.append(f"the XMP metadata does not say {prefix}:{name} = {expected}")
    if not root.get("/OutputIntents"):
        problems.append("no output intent (PDF/A)")
    return problems


def _structure_problems(tree) -> list[str]:
    problems = []
    figures_without_alt = tables_without_th = cells_without_headers = 0
    level = 0
    for element in structure_elements(tree):
        kind = str(element["/S"])
        if kind == "/Figure" and not str(element.get("/Alt") or element.get("/ActualText") or "").strip():
            figures_without_alt += 1
        elif kind == "/Table":
            cells = [str(e["/S"]) for e in structure_elements(element)]
            if "/TH" not in cells:
                tables_without_th += 1
            else:
                cells_without_headers += sum(1 for e in structure_elements(element)
                                             if str(e["/S"]) == "/TD" and not _attribute(e, "/Headers"))
        heading = HEADING.match(kind)
        if heading:
            new = int(heading.group(1))
            if new > level + 1:
                problems.append(f"heading level skipped: H{new} after {'H' + str(level) if level else 'no heading'}")
            level = new
    if figures_without_alt:
        problems.append(f"{figures_without_alt} figures without an alternative text (/Alt)")
    if tables_without_th:
        problems.append(f"{tables_without_th} tables without header cells (TH)")
    if cells_without_headers:
        problems.append(f"{cells_without_headers} table cells that do not name their header cells (/Headers)")
    return problems


def main(argv: list[str] | None = None) -> int:
    paths = [Path(a) for a in (sys.argv[1:] if argv is None else argv)]
    files = sorted(p for a in paths for p in ([a] if a.is_file() else a.rglob("*.pdf")))
    found = 0
    for path in files:
        for problem in pdf_problems(path.read_bytes()):
            print(f"{path}: {problem}")
            found += 1
    print(f"{len(files)} PDFs checked, {found} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
