"""Small groups of the participant profile merged before publishing (impact/reporting/tables.py), by hand."""

from __future__ import annotations

import pytest

from impact.language import catalogue
from impact.reporting.tables import merge_small_groups, profile_label

pytestmark = pytest.mark.unit

NL = catalogue("nl")


def test_small_age_bands_join_their_smaller_neighbour_until_none_is_small():
    # 65-74 (2) joins 45-64 (5) -> 7; 18-29 (3) joins 30-44 (9) -> 12; 75+ (6) joins 45-74 (7) -> 13
    bands = [(("18-29",), 3.0), (("30-44",), 9.0), (("45-64",), 5.0), (("65-74",), 2.0), (("75+",), 6.0)]
    merged = merge_small_groups(bands, 10, adjacent=True)
    assert merged == [(("18-29", "30-44"), 12.0), (("45-64", "65-74", "75+"), 13.0)]
    assert [profile_label("age_band", m, NL) for m, _ in merged] == ["18–44 jaar", "45 jaar en ouder"]


def test_a_small_gender_group_joins_the_smallest_other_group():
    # 'x' (1) joins 'not filled in' (4) -> 5, which joins the men (28) -> 33
    genders = [(("v",), 37.0), (("m",), 28.0), (("x",), 1.0), (("unknown",), 4.0)]
    merged = merge_small_groups(genders, 10, adjacent=False)
    assert merged == [(("v",), 37.0), (("m", "x", "unknown"), 33.0)]
    assert [profile_label("gender", m, NL) for m, _ in merged] == ["vrouw", "man, anders of niet ingevuld"]


def test_groups_at_the_threshold_stay_and_a_small_total_becomes_one_group():
    assert merge_small_groups([(("18-29",), 10.0), (("30-44",), 18.0)], 10, adjacent=True) == [
        (("18-29",), 10.0), (("30-44",), 18.0)]
    assert merge_small_groups([(("v",), 4.0), (("m",), 3.0)], 10, adjacent=False) == [(("v", "m"), 7.0)]
    assert merge_small_groups([], 10, adjacent=True) == []
    assert [profile_label("age_band", ("30-44", "45-64"), NL), profile_label("gender", ("unknown",), NL)] == [
        "30–64 jaar", "niet ingevuld"]
    assert [profile_label("age_band", ("0-11",), NL), profile_label("age_band", ("0-11", "12-17"), NL)] == [
        "11 jaar of jonger", "17 jaar of jonger"]


def test_a_story_tellers_age_goes_where_the_profile_merged_age_bands():
    from impact.reporting.sentences import who_without_age

    assert [who_without_age(w) for w in ("bewoner, 75+", "bewoner, 30-44 jaar", "klant, 50–64", "vrijwilliger (67 jaar)",
                                         "nieuw in de wijk", "moeder van twee kinderen")] == [
        "bewoner", "bewoner", "klant", "vrijwilliger", "nieuw in de wijk", "moeder van twee kinderen"]
