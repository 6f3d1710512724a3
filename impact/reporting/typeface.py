"""The report typeface: DejaVu Sans, packaged with the code and embedded whole in every PDF.

Why the fonts are in the package: a PDF is only the same on every machine when its glyphs
come from the same font files. Left to the system, fontconfig picks whatever "DejaVu Sans"
(or substitute) the machine has, and WeasyPrint then cuts a subset of it with HarfBuzz-Subset
when that library is installed or with fontTools when not, and fontTools writes the clock
time into each font it saves. So the reports carry their own files, in ``fonts/``:

- four faces of DejaVu Sans (regular, bold, oblique, bold oblique; the Bitstream Vera /
  DejaVu licence in ``fonts/LICENSE``), cut down once, here, to the characters a Dutch or
  English report can hold (:data:`UNICODE_RANGES`), without hinting;
- made by :func:`build_faces` from the copy matplotlib ships (the charts' font, pinned by
  ``requirements.lock``), with the source's own timestamps: ``python
  scripts/build_report_fonts.py`` writes the same bytes again, and a test checks that.

The PDF renderer (:func:`impact.reporting.render.pdf_bytes`) declares them with
``@font-face`` under the family name :data:`FAMILY` and embeds them unchanged, so no
subsetter runs and no system library changes the bytes.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

#: The family name the stylesheets ask for. Not "DejaVu Sans": that name may also match a
#: copy installed on the machine, and fontconfig would be free to pick either.
FAMILY = "Report Sans"

#: The URL scheme under which the PDF renderer serves the packaged faces.
URL_SCHEME = "report-font"


@dataclass(frozen=True)
class Face:
    file: str  # in impact/reporting/fonts/ and in matplotlib's mpl-data/fonts/ttf/
    weight: str  # CSS font-weight
    style: str  # CSS font-style


FACES = (
    Face("DejaVuSans.ttf", "normal", "normal"),
    Face("DejaVuSans-Bold.ttf", "bold", "normal"),
    Face("DejaVuSans-Oblique.ttf", "normal", "italic"),
    Face("DejaVuSans-BoldOblique.ttf", "bold", "italic"),
)

#: What the packaged faces cover (where DejaVu Sans has a glyph), kept lean because every PDF
#: carries the faces whole: Latin-1 and Latin Extended-A (Dutch, the other Western and
#: Central European languages, Turkish), Romanian ș/ț, spacing accents and the combining
#: accents (text typed on a Mac can arrive decomposed), Greek letters (α, χ, μ),
#: punctuation, super- and subscripts, the euro sign, №/™, fractions, the common arrows,
#: the first mathematical operators (− ± ≤ ≥ ≈ ≠ √ ∞ …), squares and circles, ballot
#: boxes and check marks, the ﬁ/ﬂ ligatures and the replacement character. A character
#: outside them is drawn from a font of the machine: ``pdf_bytes`` then says so (the PDF
#: may differ between machines) and cuts subsets with a fixed timestamp.
UNICODE_RANGES = (
    (0x0020, 0x007E), (0x00A0, 0x017F), (0x0218, 0x021B), (0x02C6, 0x02DD), (0x0300, 0x036F),
    (0x0391, 0x03C9), (0x2000, 0x206F), (0x2070, 0x209F), (0x20AC, 0x20AC), (0x2116, 0x2122),
    (0x2150, 0x215E), (0x2190, 0x2199), (0x21D2, 0x21D4), (0x2200, 0x2265), (0x25A0, 0x25CF),
    (0x2610, 0x2612), (0x2713, 0x2718), (0xFB00, 0xFB06), (0xFFFD, 0xFFFD),
)


#: The layout features the faces keep: kerning and the placing of combining accents (GPOS).
#: Substitutions (GSUB: the ﬁ/ﬃ ligatures) are left out on purpose: a PDF embedding whole
#: fonts maps each glyph back to text through the font's character map, so a ligature glyph
#: would read as "ﬃ" instead of "ffi" to search, copy and screen readers.
POSITIONING_FEATURES = ("kern", "mark", "mkmk")


def fonts_folder() -> Path:
    return Path(str(resources.files("impact.reporting") / "fonts"))


@lru_cache(maxsize=None)
def face_bytes(file: str) -> bytes:
    """The packaged font file ``file`` (one of :data:`FACES`)."""
    if file not in {face.file for face in FACES}:
        raise FileNotFoundError(f"{file!r} is not one of the report's font files")
    return (fonts_folder() / file).read_bytes()


@lru_cache(maxsize=1)
def _face_digests() -> frozenset[str]:
    return frozenset(hashlib.sha256(face_bytes(face.file)).hexdigest() for face in FACES)


def is_packaged_face(font_file: bytes) -> bool:
    """Whether ``font_file`` is one of the packaged faces, byte for byte (as a PDF embeds it whole)."""
    return hashlib.sha256(font_file).hexdigest() in _face_digests()


def font_face_css() -> str:
    """``@font-face`` rules declaring the packaged faces as :data:`FAMILY`."""
    return "\n".join(
        f'@font-face {{ font-family: "{FAMILY}"; font-weight: {face.weight}; font-style: {face.style}; '
        f'src: url("{URL_SCHEME}:{face.file}"); }}'
        for face in FACES
    )


def build_faces(source_folder: Path) -> dict[str, bytes]:
    """The packaged faces made from the full DejaVu Sans files in ``source_folder``.

    fontTools keeps every glyph of :data:`UNICODE_RANGES`, the positioning features
    (:data:`POSITIONING_FEATURES`), no hinting, and the source's ``head.modified``
    (``recalcTimestamp=False``), so the same source gives the same bytes.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    unicodes = [code for low, high in UNICODE_RANGES for code in range(low, high + 1)]
    out: dict[str, bytes] = {}
    for face in FACES:
        options = subset.Options(hinting=False, layout_features=list(POSITIONING_FEATURES), name_IDs=["*"],
                                 name_languages=["*"], notdef_outline=True, glyph_names=False,
                                 recalc_timestamp=False)
        options.drop_tables += ["GSUB", "FFTM"]  # no substitutions (see POSITIONING_FEATURES); FontForge's timestamps
        font = TTFont(source_folder / face.file, recalcTimestamp=False)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=unicodes)
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.save(buffer)
        out[face.file] = buffer.getvalue()
    return out


def matplotlib_fonts_folder() -> Path:
    """Where matplotlib keeps its DejaVu Sans files (the source of the packaged faces)."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"
