"""The lessons report's verdict counts say when they include a secondary hypothesis (the overview counts primaries)."""
import pandas as pd
import pytest

from impact.reporting.i18n import Translator
from impact.reporting.lessons import count_words

pytestmark = pytest.mark.unit

NL, EN = Translator("nl", 10), Translator("en", 10)


def _hyp(*primary: bool) -> pd.DataFrame:
    return pd.DataFrame({"primary": list(primary)})


def test_a_count_of_primary_hypotheses_only_is_a_plain_number():
    assert count_words(_hyp(True, True, True), NL) == "3"


def test_a_count_with_secondary_hypotheses_names_both_kinds_in_singular_or_plural():
    assert count_words(_hyp(*[True] * 6, False), NL) == "6 hoofdvragen en 1 bijvraag"
    assert NL.t("lessons.verdict_group.supported", n=count_words(_hyp(*[True] * 6, False), NL)) == (
        "Ondersteund (6 hoofdvragen en 1 bijvraag)")
    assert count_words(_hyp(True, False, False), NL) == "1 hoofdvraag en 2 bijvragen"
    assert count_words(_hyp(False), NL) == "1 bijvraag"
    assert count_words(_hyp(*[True] * 6, False), EN) == "6 primary hypotheses and 1 secondary hypothesis"
