"""Counts and reasons in the programme-level texts: the lessons report says when a verdict count includes a
secondary hypothesis (the overview counts primaries), attrition says why a comparison is hidden, and a heading keeps
its last words together."""
import pandas as pd
import pytest

from impact.language import Translator
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


def test_attrition_says_why_a_comparison_is_hidden():
    """Talent Connection: 50 stayed and 22 were lost, both large enough; the yes/no shares would give a small count
    back. A group below the threshold reads as such."""
    from impact.reporting.sentences import attrition_sentence

    hidden = pd.Series({"n_with_follow_up": 50.0, "n_without_follow_up": 22.0, "difference": float("nan"),
                        "p_value": float("nan"), "hidden": "mean_with_follow_up:reveals_yes_no;"
                        "mean_without_follow_up:reveals_yes_no;difference:reveals_yes_no;p_value:reveals_yes_no"})
    assert attrition_sentence(hidden, NL) == (
        "de vergelijking van blijvers en uitvallers is afgeschermd: bij deze ja/nee-uitkomst zouden de aandelen in "
        "beide groepen een groepje van minder dan 10 deelnemers verraden.")
    small = pd.Series({**hidden, "n_without_follow_up": 6.0, "hidden": "difference:fewer_than_threshold"})
    assert attrition_sentence(small, NL) == (
        "een van beide groepen is kleiner dan 10: de uitvallers worden niet apart beschreven.")


def test_no_demonstrable_difference_says_little_only_for_small_groups():
    from impact.reporting.sentences import attrition_sentence

    def row(lost, stayed):
        return pd.Series({"n_with_follow_up": float(stayed), "n_without_follow_up": float(lost), "difference": -0.2,
                          "p_value": 0.6, "hidden": ""})
    assert attrition_sentence(row(48, 111), NL).endswith(
        "De uitvallers verschilden bij de start niet aantoonbaar van de blijvers.")
    assert attrition_sentence(row(22, 50), NL).endswith(
        "De uitvallers verschilden bij de start niet aantoonbaar van de blijvers; bij zulke kleine groepen zegt dat "
        "weinig.")


def test_a_heading_never_ends_with_one_short_word_alone():
    from impact.reporting.publish import no_orphan

    assert no_orphan("Computerles vermindert eenzaamheid bij ouderen boven de 75") == (
        "Computerles vermindert eenzaamheid bij ouderen boven de\u00a075")
    assert no_orphan("Eenzaamheid") == "Eenzaamheid"
    # a long last word may take its own line
    assert no_orphan("Deelnemers ervaren meer zelfredzaamheidsvaardigheden") == (
        "Deelnemers ervaren meer zelfredzaamheidsvaardigheden")
