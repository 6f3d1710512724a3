"""The kit's PDFs: the questionnaire prints an instrument's wording only where its licence allows (and the wording
was read in a source), the coordinator's instruction is one page, the texts come from both catalogues."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from impact.instruments.registry import DJG11_NL, REGISTRY, RSES_EN
from impact.kit import build_documents, kit_file_names
from impact.kit.content import code_prefix
from impact.language import catalogue
from impact.programme import load_programme
from impact.reporting.render import embedded_fonts
from impact.reporting import typeface
from impact.theory_of_change import load_theory_of_change
from tests.conftest import REPO, SAMPLE_RAW_DATA, load_toc_text
from tests.unit.kit.kit_helpers import toc_text

pytestmark = pytest.mark.unit

PROGRAMME = load_programme(SAMPLE_RAW_DATA)
OUTCOMES = ["{id: loneliness, label: Eenzaamheid, instrument: djg11}",
            "{id: self_esteem, label: Gevoel van eigenwaarde, instrument: rses}",
            "{id: self_reliance, label: Zelfredzaamheid, instrument: zrm}"]


def pdf_text(data: bytes) -> tuple[int, str]:
    """Number of pages and the text, with every run of white space as one space (a word broken after its hyphen
    at the end of a line, 'Vleuten-' / 'De Meern', joined again)."""
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), re.sub(r"\s+", " ", re.sub(r"-\n", "-", text))


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    root = tmp_path_factory.mktemp("raw")
    toc = load_toc_text(root, toc_text("demo", OUTCOMES))
    return {language: build_documents(toc, PROGRAMME, language) for language in ("nl", "en")}


def test_the_questionnaire_prints_free_wording_and_only_item_numbers_where_it_may_not(documents):
    pages, text = pdf_text(documents["nl"]["vragenlijst_baseline_demo.pdf"])
    assert "Meting: Nulmeting" in text and "Deelnemerscode" in text
    # De Jong Gierveld is free to use and its Dutch wording was read in a published source: printed
    for item in DJG11_NL:
        assert item in text
    assert "De schaal is vrij te gebruiken; toestemming van de makers is niet nodig." in text
    # no verified Dutch wording of Rosenberg: its item numbers and where the wording is, never the English
    assert all(f"Vraag {n}" in text for n in range(1, 11))
    assert "Franck e.a. (2008)" in text
    assert not any(item.split(",")[0] in text for item in RSES_EN)
    # the Zelfredzaamheid-Matrix is licensed: the domains and levels, not the matrix's descriptions
    assert "Financiën" in text and "volledig zelfredzaam" in text and "https://www.zelfredzaamheidmatrix.nl/" in text
    assert "in licentie" in text
    # the follow-up form says so
    assert "Meting: Nameting" in pdf_text(documents["nl"]["vragenlijst_follow_up_demo.pdf"])[1]


def test_the_english_questionnaire_prints_the_original_rosenberg_items(documents):
    _, text = pdf_text(documents["en"]["questionnaire_baseline_demo.pdf"])
    assert "On the whole, I am satisfied with myself." in text
    assert "I often feel rejected." in text and "The scale is free to use; no permission from its authors is needed." in text


def test_the_instruction_is_one_dutch_page_with_the_waves_codes_and_the_check(documents):
    pages, text = pdf_text(documents["nl"]["instructie_demo.pdf"])
    assert pages == 1
    assert "Nulmeting (baseline): bij de inschrijving" in text
    assert "Nameting (follow_up): zes tot negen maanden na de nulmeting, uiterlijk op 31 december 2018" in text
    assert "DI-0001" in text and "Vleuten-De Meern" in text and "75+" in text and "v (vrouw)" in text
    assert "coaching check participants_2018-q1.xlsx --initiative demo" in text


def test_pdfs_carry_only_the_packaged_font(documents):
    fonts = embedded_fonts(documents["nl"]["vragenlijst_baseline_demo.pdf"])
    assert fonts and all(typeface.is_packaged_face(font) for font in fonts.values())


def test_the_documents_are_the_same_bytes_on_rebuild_and_carry_the_kit_date(documents, tmp_path):
    toc = load_toc_text(tmp_path, toc_text("demo", OUTCOMES))
    assert build_documents(toc, PROGRAMME, "nl") == documents["nl"]
    assert PdfReader(io.BytesIO(documents["nl"]["instructie_demo.pdf"])).metadata["/CreationDate"] == "D:20180101000000Z"
    assert list(kit_file_names(toc)) == ["participants", "activities", "survey:baseline", "survey:follow_up",
                                         "questionnaire:baseline", "questionnaire:follow_up", "instruction"]


def test_code_prefix_is_the_initials_of_the_name():
    names = {"sociale-supermarkt": "SS", "food-for-good": "FFG", "zorgverslimming": "ZOR", "zus-en-zo": "ZZ",
             "imc-weekendschool": "IWU"}
    for initiative_id, prefix in names.items():
        assert code_prefix(load_theory_of_change(SAMPLE_RAW_DATA / initiative_id, SAMPLE_RAW_DATA)) == prefix


def test_every_kit_text_key_exists_in_both_catalogues_and_the_registry_wording_is_complete():
    keys = set()
    for path in [*(REPO / "impact" / "kit").glob("*.py"), *(REPO / "impact" / "kit" / "templates").glob("*.j2")]:
        keys |= set(re.findall(r"""\bt\(\s*f?["']([a-z_]+(?:\.[a-z_0-9]+)+)["']""", path.read_text(encoding="utf-8")))
    assert len(keys) > 40
    nl, en = catalogue("nl"), catalogue("en")
    assert sorted(k for k in keys if k not in nl) == [] and sorted(k for k in keys if k not in en) == []
    assert {k for k in nl if k.startswith("kit.")} == {k for k in en if k.startswith("kit.")}
    for inst in REGISTRY.values():
        for language in ("nl", "en"):
            assert f"instrument.{inst.id}.name" in catalogue(language)
            if inst.wording.get(language) is None and len(inst.items) > 1 and inst.id != "zrm":
                assert f"kit.source.{inst.id}" in catalogue(language)
            if inst.wording.get(language):
                assert f"kit.questionnaire.intro.{inst.id}" in catalogue(language)
                assert inst.licence in ("free", "public_domain")  # printed only where the licence allows it
    assert REGISTRY["zrm"].licence == "licensed" and not REGISTRY["zrm"].wording
