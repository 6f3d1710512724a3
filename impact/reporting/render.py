"""Turning report content into file bytes (PDF, PNG, XLSX), byte-for-byte reproducibly.

Pure functions, no Dagster: the same arguments give the same bytes on the same machine, in
any working directory, at any time. Nothing here reads the clock: every date written into a
file is the ``created`` date the caller passes (the coaching year's reporting date, say).

What the bytes still depend on besides the arguments: the pinned library versions
(requirements.lock), zlib, and for PDFs the system's Pango and HarfBuzz (text shaping). The
PDF's fonts are the packaged ones (:mod:`impact.reporting.typeface`), embedded whole.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import logging
import math
import os
import threading
import zipfile
from typing import TYPE_CHECKING

import pandas as pd

from impact.privacy import neutralise_formulas
from impact.reporting import typeface

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from openpyxl import Workbook

#: Written as the creator / last editor of the workbooks.
GENERATOR = "utrecht-impact-coaching"

_LOG = logging.getLogger(__name__)

#: The date and time every ZIP entry of an XLSX file gets (the earliest a ZIP can hold).
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

_SHEET_NAME_MAX = 31
_SHEET_NAME_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})
_COLUMN_WIDTH_MIN, _COLUMN_WIDTH_MAX = 8, 60


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data`` (``impact.ingest.drops.sha256_of`` does the same for a file)."""
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------------------- PDF


class PdfRenderError(RuntimeError):
    """WeasyPrint could not use a resource of the page (an image or stylesheet): the PDF would be incomplete."""


class _Errors(logging.Handler):
    """Collects the ERROR records WeasyPrint logs in this thread (unusable images, stylesheets)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.messages.append(record.getMessage())


def _fetcher(protocols: tuple[str, ...]):
    """WeasyPrint's URL fetcher limited to ``protocols``, serving the packaged report fonts too."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ReportFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            scheme, _, file = url.partition(":")
            if scheme == typeface.URL_SCHEME:
                return URLFetcherResponse(url, body=typeface.face_bytes(file), headers={"Content-Type": "font/ttf"})
            return super().fetch(url, headers)

    return ReportFetcher(allowed_protocols=protocols)


#: Serialises what :func:`pdf_bytes` does with the process environment (``SOURCE_DATE_EPOCH``),
#: only when a PDF needs its fonts subset (a character outside the report font).
_FONT_CLOCK = threading.Lock()


@contextlib.contextmanager
def _font_clock(created: datetime.date):
    """fontTools writes "now" into every font it saves, unless SOURCE_DATE_EPOCH says otherwise."""
    epoch = datetime.datetime(created.year, created.month, created.day, tzinfo=datetime.timezone.utc).timestamp()
    with _FONT_CLOCK:
        before = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(int(epoch))
        try:
            yield
        finally:
            if before is None:
                del os.environ["SOURCE_DATE_EPOCH"]
            else:
                os.environ["SOURCE_DATE_EPOCH"] = before


#: Every PDF is both archival and accessible: PDF/A-3 level A (tagged, Unicode text, embedded fonts and an
#: sRGB output intent; WeasyPrint's variant) and PDF/UA-1, whose identification is added to the same XMP.
PDF_VARIANT = "pdf/a-3a"
PDF_UA_PART = 1
_XMP = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
        "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/", "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
        "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#"}


def _with_pdf_ua(rdf: bytes) -> bytes:
    """WeasyPrint's XMP packet with the PDF/UA identification (``pdfuaid:part``) beside PDF/A's, and the
    extension schema that PDF/A asks for any property outside its predefined schemas (here ``pdfuaid``)."""
    from xml.etree import ElementTree as ET

    for prefix, uri in _XMP.items():
        ET.register_namespace(prefix, uri)
    root = ET.fromstring(rdf)

    def tag(prefix: str, name: str) -> str:
        return f"{{{_XMP[prefix]}}}{name}"

    def sub(parent, prefix: str, name: str, text: str | None = None, **attrib):
        element = ET.SubElement(parent, tag(prefix, name), {tag("rdf", k): v for k, v in attrib.items()})
        element.text = text
        return element

    sub(root, "rdf", "Description", about="").set(tag("pdfuaid", "part"), str(PDF_UA_PART))
    schemas = sub(sub(sub(root, "rdf", "Description", about=""), "pdfaExtension", "schemas"), "rdf", "Bag")
    schema = sub(schemas, "rdf", "li", parseType="Resource")
    sub(schema, "pdfaSchema", "schema", "PDF/UA identification schema")
    sub(schema, "pdfaSchema", "namespaceURI", _XMP["pdfuaid"])
    sub(schema, "pdfaSchema", "prefix", "pdfuaid")
    prop = sub(sub(sub(schema, "pdfaSchema", "property"), "rdf", "Seq"), "rdf", "li", parseType="Resource")
    sub(prop, "pdfaProperty", "name", "part")
    sub(prop, "pdfaProperty", "valueType", "Integer")
    sub(prop, "pdfaProperty", "category", "internal")
    sub(prop, "pdfaProperty", "description", "The part of ISO 14289 (PDF/UA) the file conforms to")
    return ET.tostring(root)


def _foreign_fonts(document) -> dict[str, str]:
    """Fonts the document drew with that are not the packaged faces: family -> the characters drawn."""
    foreign: dict[str, set[str]] = {}
    for font in document.fonts.values():
        if not typeface.is_packaged_face(font.file_content):
            foreign.setdefault(font.family, set()).update(font.to_unicode.values())
    return {family: "".join(sorted(chars)) for family, chars in sorted(foreign.items())}


def pdf_bytes(html: str, *, title: str, author: str, created: datetime.date, language: str,
              base_url: str | None = None) -> bytes:
    """Render ``html`` to PDF with WeasyPrint, with fixed metadata, identifier and fonts.

    The document information is set here, whatever the html's ``<title>``/``<meta>`` say:
    ``/Title``, ``/Author``, ``/CreationDate`` and ``/ModDate`` (``created`` at midnight UTC,
    ``D:YYYYMMDD000000Z``) and the catalog's ``/Lang``. The trailer's ``/ID`` is derived from
    a SHA-256 of the html and that metadata (WeasyPrint otherwise writes none; pydyf adds an
    MD5 of the content as the second half). ``/Producer`` is ``WeasyPrint <pinned version>``.

    Every PDF is tagged and archival in one file (:data:`PDF_VARIANT`): a structure tree (headings, lists,
    tables whose cells name their header cells, figures with the ``<img>``'s ``alt`` text), page headers and
    footers marked as artefacts, the title displayed, PDF/A-3a's identification and output intent, and
    PDF/UA-1's identification in the same XMP packet. An image without ``alt`` is refused
    (:class:`PdfRenderError`). :mod:`impact.reporting.accessibility` checks the result.

    Fonts: the packaged report faces are declared as ``@font-face`` of the family
    :data:`impact.reporting.typeface.FAMILY` (the html's stylesheet asks for it) and embedded
    whole, as packaged: no subsetter runs, so neither HarfBuzz-Subset nor fontconfig's choice
    changes the bytes. When the page draws a character from another font (one the packaged
    faces lack, or a family the html asks for itself), the fonts are subset instead, with
    fontTools' clock pinned to ``created``, and a warning names the characters: that PDF
    still comes out the same on this machine, but may differ on one with other fonts.

    With ``base_url=None`` (the default) the page may only use ``data:`` URIs, so the result
    cannot depend on the working directory, the checkout path or the network. With a
    ``base_url``, local ``file:`` resources are allowed too (never http): note that relative
    ``<a href>`` links are then written into the PDF as absolute ``file:`` URIs, with the path.

    Raises :class:`PdfRenderError` when WeasyPrint reports an unusable resource (a missing or
    unreadable image, a refused URL) instead of silently leaving it out.
    """
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fetcher = _fetcher(("data",) if base_url is None else ("data", "file"))
    errors = _Errors()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(errors)
    stamp = f"{created.isoformat()}T00:00:00Z"
    identity = "\x00".join((html, title, author, stamp, language))
    identifier = sha256_bytes(identity.encode("utf-8"))[:32]

    def document():
        font_config = FontConfiguration()
        faces = weasyprint.CSS(string=typeface.font_face_css(), url_fetcher=fetcher, font_config=font_config)
        rendered = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
            font_config=font_config, stylesheets=[faces])
        metadata = rendered.metadata
        metadata.title = title
        metadata.authors = [author]
        metadata.created = stamp
        metadata.modified = stamp
        metadata.lang = language
        # WeasyPrint writes one identification (the variant's); its `xmp_metadata` option appends outside the RDF
        # element, so PDF/UA's is added to the packet this document's metadata generates
        rdf = metadata.generate_rdf_metadata
        metadata.generate_rdf_metadata = lambda *args: _with_pdf_ua(rdf(*args))
        return rendered

    try:
        first = document()
        data = first.write_pdf(pdf_identifier=identifier, full_fonts=True, pdf_variant=PDF_VARIANT)
        foreign = _foreign_fonts(first)  # known only once written: WeasyPrint collects fonts while drawing
        if foreign:
            # A fresh document (writing changes a variable or colour font in place), its fonts
            # subset, with the clock fontTools writes into each font it saves pinned.
            with _font_clock(created):
                data = document().write_pdf(pdf_identifier=identifier, pdf_variant=PDF_VARIANT)
    finally:
        logger.removeHandler(errors)
    if errors.messages:
        raise PdfRenderError("; ".join(errors.messages))
    if foreign:
        drawn = "; ".join(f"{chars!r} from {family!r}" for family, chars in foreign.items())
        _LOG.warning("%r: characters drawn with a font of this machine, not the report font (%s); this PDF "
                     "may differ on a machine with other fonts", title, drawn)
    return data


# --------------------------------------------------------------------------------------- PNG


def png_bytes(fig: "Figure", dpi: int = 150) -> bytes:
    """A matplotlib figure as PNG bytes, without the 'Software' text chunk; closes the figure."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    finally:
        plt.close(fig)
    return buffer.getvalue()


# -------------------------------------------------------------------------------------- XLSX


def _safe_sheet_names(names: list[str]) -> list[str]:
    """Names Excel accepts: no []:*?/\\, no leading/trailing apostrophe, ≤ 31 characters, unique (ignoring case)."""
    out: list[str] = []
    taken: set[str] = set()
    for raw in names:
        base = str(raw).translate(_SHEET_NAME_FORBIDDEN).strip().strip("'").strip()
        if not base or base.casefold() == "history":  # 'History' is reserved by Excel
            base = f"{base or 'Sheet'}_"
        base = base[:_SHEET_NAME_MAX]
        name, n = base, 1
        while name.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            name = base[: _SHEET_NAME_MAX - len(suffix)] + suffix
        taken.add(name.casefold())
        out.append(name)
    return out


def _text_safe(series: pd.Series) -> pd.Series:
    """Text values made formula-safe and free of characters XML cannot hold; other values as they are."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    values = series.astype("object")
    is_text = values.map(lambda v: isinstance(v, str))
    if not is_text.any():
        return values
    text = values[is_text].map(lambda v: ILLEGAL_CHARACTERS_RE.sub("\ufffd", v))
    values = values.copy()
    values[is_text] = neutralise_formulas(text)[0].to_numpy()
    return values


def _cell_value(value: object) -> object:
    """A pandas/numpy value as the Python value openpyxl writes: numbers as numbers, missing as empty."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    elif hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return value


def _column_label(column: object) -> str:
    if isinstance(column, tuple):
        return " / ".join(str(part) for part in column if str(part) != "")
    return str(column)


def _column_width(header: str, values: list[object]) -> float:
    longest = max([len(header)] + [len(str(v)) for v in values if v is not None])
    return float(min(max(longest + 2, _COLUMN_WIDTH_MIN), _COLUMN_WIDTH_MAX))


def _normalised_zip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The same ZIP with fixed order, dates and attributes, so equal content gives equal bytes.

    ``[Content_Types].xml`` first (as Office writes it), then the entries by name; every entry
    dated ``ZIP_EPOCH``, as a Unix file with mode 0644, deflated. ``replace`` swaps entries' content.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    entries.update(replace)
    first = "[Content_Types].xml"
    order = sorted(entries, key=lambda name: (name != first, name))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            target.writestr(info, entries[name])
    return out.getvalue()


def cell_columns(frame: pd.DataFrame) -> list[list]:
    """The frame's values column by column as a workbook stores them: text made safe (no formula can start
    in a cell), every value a plain Python number, string, date or None."""
    columns = []
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype) \
                or isinstance(column.dtype, pd.CategoricalDtype):
            column = _text_safe(column)
        columns.append([_cell_value(v) for v in column.tolist()])
    return columns


def xlsx_bytes(sheets: dict[str, pd.DataFrame], *, title: str, created: datetime.date) -> bytes:
    """A plain workbook with one sheet per frame (in the dict's order), as reproducible XLSX bytes.

    The reports' workbooks, with labels in the report's language, number formats, marks and a legend,
    are made by :func:`impact.reporting.spreadsheets.report_workbook`, on :func:`workbook_bytes`.

    Each sheet: the column labels as a bold, frozen header row, then the rows (the index is not
    written: ``reset_index()`` first to keep it). Numbers stay numbers, NaN/None/NaT become empty
    cells, text that a spreadsheet would run as a formula gets a leading ``'``
    (:func:`impact.privacy.neutralise_formulas`). Sheet names are made acceptable to Excel
    (see ``_safe_sheet_names``). Title, creator, last editor, created and modified
    (``created`` at midnight) are fixed, and the ZIP container is normalised.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    if not sheets:
        raise ValueError("xlsx_bytes needs at least one sheet")
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for name, frame in zip(_safe_sheet_names(list(sheets)), sheets.values()):
        sheet = workbook.create_sheet(title=name)
        headers = [_column_label(c) for c in frame.columns]
        sheet.append(headers)
        columns = cell_columns(frame)
        for row in zip(*columns):
            sheet.append(list(row))
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
        for index, (header, values) in enumerate(zip(headers, columns), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = _column_width(header, values)

    return workbook_bytes(workbook, title=title, created=created)


def workbook_bytes(workbook: "Workbook", *, title: str, created: datetime.date) -> bytes:
    """An openpyxl workbook as reproducible XLSX bytes: title, creator, last editor, created and modified
    (``created`` at midnight) fixed, and the ZIP container normalised (``_normalised_zip``: entries in a
    fixed order, each dated :data:`ZIP_EPOCH`)."""
    from openpyxl.packaging.core import DocumentProperties
    from openpyxl.xml.functions import tostring

    stamp = datetime.datetime(created.year, created.month, created.day)
    properties = DocumentProperties(title=title, creator=GENERATOR, lastModifiedBy=GENERATOR,
                                    created=stamp, modified=stamp)
    workbook.properties = properties
    buffer = io.BytesIO()
    workbook.save(buffer)  # openpyxl sets properties.modified to now here ...
    properties.modified = stamp  # ... so docProps/core.xml is written again with the fixed date
    return _normalised_zip(buffer.getvalue(), {"docProps/core.xml": tostring(properties.to_tree())})


# ----------------------------------------------------------------------- make system-check


def embedded_fonts(pdf: bytes) -> dict[str, bytes]:
    """Base font name (``/ABCDEF+Report-Sans``) -> the font file embedded in ``pdf``, over every page."""
    from pypdf import PdfReader

    fonts = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts[str(font["/BaseFont"])] = descriptor["/FontFile2"].get_object().get_data()
    return fonts


def pdf_fonts_problem() -> str | None:
    """Render one line with the report font; say what is wrong if its PDF would differ elsewhere."""
    page = f'<p style="font-family: \'{typeface.FAMILY}\'">Coëfficiënt € 12,50 — <b>vet</b> <i>schuin</i></p>'
    try:
        data = pdf_bytes(page, title="check", author="check", created=datetime.date(2000, 1, 1), language="nl")
    except Exception as error:  # noqa: BLE001 - any failure is the answer here
        return f"WeasyPrint could not render a test page: {error}"
    fonts = list(embedded_fonts(data).values())
    foreign = [font for font in fonts if not typeface.is_packaged_face(font)]
    if foreign:
        return (f"the test page embedded {len(foreign)} font(s) other than the packaged report font "
                f"({typeface.fonts_folder()}); reinstall the project (make install)")
    if len(fonts) != 3:  # regular, bold, italic
        return f"the test page embedded {len(fonts)} of the report font's 3 faces it uses; reinstall the project (make install)"
    return None


if __name__ == "__main__":
    import sys

    if sys.argv[1:] != ["--check"]:
        sys.exit("usage: python -m impact.reporting.render --check")
    problem = pdf_fonts_problem()
    if problem:
        sys.exit(f"PDF reports: {problem}")
