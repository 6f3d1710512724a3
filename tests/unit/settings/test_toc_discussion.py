"""A hypothesis' ``discussion`` in theory_of_change.yaml: the initiative's own reading of the result, stored as
written and printed in the yearly report unless it names a small group of people."""

from __future__ import annotations

import pandas as pd
import pytest

from impact.reporting import sentences
from impact.language import Translator
from impact.theory_of_change import as_tables
from tests.conftest import TOC_YAML, load_toc_text, toc_text_problems

pytestmark = pytest.mark.unit

NL = Translator("nl", threshold=10)


def _with_discussion(value: str) -> str:
    text = TOC_YAML.format(id="demo")
    assert text.count("direction: increase}") == 1
    return text.replace("direction: increase}", f"direction: increase, discussion: {value}}}")


def test_a_discussion_is_stored_with_its_hypothesis(tmp_path):
    toc = load_toc_text(tmp_path, _with_discussion("'Mogelijk een response shift: deelnemers antwoorden eerlijker.'"))
    assert toc.hypotheses[0].discussion == "Mogelijk een response shift: deelnemers antwoorden eerlijker."
    stored = as_tables({"demo": (toc, "sha")})["hypotheses"]
    assert stored[["hypothesis_id", "discussion"]].values.tolist() == [
        ["H1", "Mogelijk een response shift: deelnemers antwoorden eerlijker."]]
    without = load_toc_text(tmp_path, TOC_YAML.format(id="demo"))
    assert without.hypotheses[0].discussion is None


def test_an_empty_discussion_is_refused_naming_the_key(tmp_path):
    problems = toc_text_problems(tmp_path, _with_discussion("''"), language="en")
    assert len(problems) == 1 and problems[0].startswith("key 'hypotheses[0].discussion'"), problems


def test_a_discussion_that_names_a_small_or_masked_group_has_that_number_replaced():
    discussions = pd.DataFrame({
        "hypothesis_id": ["H1", "H2", "H3", "H4"],
        "discussion": ["Zeven deelnemers antwoordden eerlijker. De rest niet.", "Vier op de tien vielen uit.",
                       "Na een paar bezoeken antwoorden deelnemers eerlijker (response shift).",
                       "De 14 deelnemers met een nameting zijn vooral vrouwen."],
    })
    assert sentences.publishable_discussions(discussions, NL, hidden={14.0}) == {
        "H1": "(…) De rest niet.", "H2": "(…)",
        "H3": "Na een paar bezoeken antwoorden deelnemers eerlijker (response shift).", "H4": "(…)"}
    assert sentences.publishable_discussions(discussions, NL, hidden=set())["H4"] == discussions["discussion"][3]
