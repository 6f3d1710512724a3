"""The sroi block of theory_of_change.yaml: every proxy has a source, the quantity's rule and the
non-respondent assumption are declared and stored, and what makes no sense is refused."""

from __future__ import annotations

import pandas as pd
import pytest

from impact.theory_of_change import as_tables, load_theory_of_change
from tests.conftest import REPO, TOC_YAML, load_toc_text, toc_text_problems

pytestmark = pytest.mark.unit

SOURCE = "proxy_source: 'MKBA sociaal domein (illustratief)'"


def _with_sroi(block: str) -> str:
    return TOC_YAML.format(id="demo") + block


_load = load_toc_text


def _problems(root, text):
    """The problems in English (Dutch ones: test_settings_schemas.py and tests/bad_inputs.py)."""
    return toc_text_problems(root, text, language="en")


def test_sroi_with_sources_a_meaningful_change_and_the_non_respondent_assumption(tmp_path):
    toc = _load(tmp_path, _with_sroi(
        "sroi:\n"
        "  inputs_eur: 1000\n"
        "  non_respondents: respondents_rate\n"
        "  outcomes:\n"
        f"    - {{outcome: contact, quantity: from_data, meaningful_change: 2, proxy_eur: 500, {SOURCE}}}\n"
        f"    - {{outcome: loneliness, quantity: 12, proxy_eur: 300, {SOURCE}}}\n"
    ))
    assert toc.sroi.non_respondents == "respondents_rate"
    stored = as_tables({"demo": (toc, "sha")})["sroi_assumptions"]
    assert stored[["outcome_id", "quantity", "proxy_source", "non_respondents"]].values.tolist() == [
        ["contact", "from_data", "MKBA sociaal domein (illustratief)", "respondents_rate"],
        ["loneliness", "12.0", "MKBA sociaal domein (illustratief)", "respondents_rate"],
    ]
    assert stored["meaningful_change"].tolist()[0] == 2.0 and pd.isna(stored["meaningful_change"].tolist()[1])


def test_non_respondents_default_to_zero(tmp_path):
    toc = _load(tmp_path, _with_sroi(
        f"sroi:\n  inputs_eur: 1000\n  outcomes:\n    - {{outcome: contact, quantity: from_data, proxy_eur: 500, {SOURCE}}}\n"))
    assert toc.sroi.non_respondents == "zero"
    assert as_tables({"demo": (toc, "sha")})["sroi_assumptions"]["non_respondents"].tolist() == ["zero"]


def test_a_proxy_without_a_source_is_refused(tmp_path):
    assert _problems(tmp_path, _with_sroi(
        "sroi:\n  inputs_eur: 1000\n  outcomes:\n"
        "    - {outcome: contact, quantity: from_data, proxy_eur: 500}\n"
        "    - {outcome: loneliness, quantity: 3, proxy_eur: 300, proxy_source: '  '}\n"
    )) == [
        "key 'sroi.outcomes[0].proxy_source' is missing; every financial proxy needs its source beside proxy_eur "
        "(the study, price list or calculation the amount comes from)",
        "key 'sroi.outcomes[1].proxy_source' is missing; every financial proxy needs its source beside proxy_eur "
        "(the study, price list or calculation the amount comes from)",
    ]


def test_a_meaningful_change_that_makes_no_sense_is_refused(tmp_path):
    assert _problems(tmp_path, _with_sroi(
        "sroi:\n  inputs_eur: 1000\n  non_respondents: everyone\n  outcomes:\n"
        f"    - {{outcome: contact, quantity: 40, meaningful_change: 2, proxy_eur: 500, {SOURCE}}}\n"
        f"    - {{outcome: contact, quantity: from_data, meaningful_change: 11, proxy_eur: 500, {SOURCE}}}\n"
        f"    - {{outcome: loneliness, quantity: from_data, meaningful_change: 0, proxy_eur: 500, {SOURCE}}}\n"
    )) == [
        "key 'sroi.non_respondents': choose 'zero' or 'respondents_rate' (got 'everyone')",
        "key 'sroi.outcomes[2].meaningful_change': must be greater than 0 (got 0)",
    ]
    # once the schema is met, the rules across keys: a declared quantity has no change to count, and the
    # custom outcome 'contact' runs from 0 to 10, so a change of 11 cannot happen
    assert _problems(tmp_path, _with_sroi(
        "sroi:\n  inputs_eur: 1000\n  outcomes:\n"
        f"    - {{outcome: contact, quantity: 40, meaningful_change: 2, proxy_eur: 500, {SOURCE}}}\n"
        f"    - {{outcome: contact, quantity: from_data, meaningful_change: 11, proxy_eur: 500, {SOURCE}}}\n"
    )) == [
        "key 'sroi.outcomes[0].meaningful_change': applies only to a quantity counted from the data "
        "(quantity: from_data), not to a declared quantity (40)",
        "key 'sroi.outcomes[1].meaningful_change': 11 is more than the outcome 'contact' can change (0 to 10), "
        "so nobody could count",
    ]


def test_every_proxy_of_the_sample_year_has_a_source_and_says_it_is_illustrative():
    raw = REPO / "raw_data"
    sources = {}
    for folder in sorted(p for p in raw.iterdir() if (p / "theory_of_change.yaml").exists()):
        toc = load_theory_of_change(folder, raw)
        if toc.sroi:
            assert toc.sroi.non_respondents == "zero"
            sources |= {(toc.id, s.outcome): s.proxy_source for s in toc.sroi.outcomes}
    assert sorted(sources) == [("digitale-buddies", "loneliness"), ("sociale-supermarkt", "self_esteem"),
                               ("talent-connection", "has_paid_work")]
    assert all("illustratief" in text and "synthetisch voorbeeld" in text for text in sources.values())
