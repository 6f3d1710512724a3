"""What a quality check found, as the data-quality page and `coaching build` write it."""

from __future__ import annotations

import pytest

from impact.language import Translator
from impact.reporting.data_quality import found_words

pytestmark = pytest.mark.unit
NL, EN = Translator("nl"), Translator("en")


def test_a_response_rate_is_a_percentage_and_not_a_count_of_one():
    # Nieuw Rotsoord's baseline response in the sample year: 0.56 of the register, against at least 60%
    assert found_words("response_and_retention", 1, 1, "0.56", NL) == "gevonden: 56%"
    assert found_words("response_and_retention", 1, 1, "0.56", EN) == "found: 56%"


def test_rows_not_as_expected_are_counted_and_a_number_has_the_languages_decimal_mark():
    assert found_words("dates_in_programme_year", 41, 1, None, NL) == "1 niet zoals verwacht"
    assert found_words("reliability", 31, None, "-1.04", NL) == "gevonden: −1,04"
    assert found_words("completeness", 110, 4, "0.964", EN) == "4 not as expected; found: 0.96"
