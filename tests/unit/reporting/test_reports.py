"""Publishing and the report texts, without a build: the disclosure gate, number formats, both text catalogues."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from impact.language import Translator, catalogue
from impact.reporting.publish import DisclosureViolation, Report, publish
from tests.conftest import REPO

pytestmark = pytest.mark.unit


def test_publishing_refuses_a_table_with_a_small_count(tmp_path):
    report = Report(folder="demo", stem="demo", title="Demo", language="nl", created=pd.Timestamp("2019-01-31").date(),
                    html="<html><body><p>Demo</p></body></html>",
                    tables={"reach": pd.DataFrame({"period": ["2018-Q1"], "participants_new": [4]})})
    with pytest.raises(DisclosureViolation) as err:
        publish(report, tmp_path, 10)
    assert str(err.value) == ("demo: not published, 1 figure(s) rest on fewer than 10 people:\n  "
                              "tables/machine/reach.csv: row 2, column 'participants_new': people count '4' is below the "
                              "disclosure threshold 10")
    assert not (tmp_path / "demo").exists()


def test_translator_formats_numbers_dates_and_small_counts_per_language():
    nl, en = Translator("nl"), Translator("en")
    assert (nl.num(-1.0976, 2), en.num(-1.0976, 2)) == ("−1,10", "−1.10")
    # half away from zero, as a reader rounds by hand, from the number as written (not 1.00499… for 1.005)
    assert (nl.num(1234.5, 0), en.num(1234.5, 0)) == ("1.235", "1,235")
    assert (nl.num(3.25, 1), nl.num(1.005, 2), nl.num(-2.5, 0), nl.num(-0.004, 2)) == ("3,3", "1,01", "−3", "0,00")
    assert (nl.pct(0.5625), en.pct(0.5625), nl.pct(0.125), nl.pct(0.5996, 2)) == ("56%", "56%", "13%", "59,96%")
    assert (nl.count(7), en.count(7), nl.count(12), nl.count(0)) == ("minder dan 10", "fewer than 10", "12", "0")
    assert (nl.p_value(0.0004), nl.p_value(0.0052), nl.p_value(0.6233)) == ("<\u00a00,001", "0,005", "0,62")
    assert (nl.date("2019-01-31"), en.date("2019-01-31")) == ("31 januari 2019", "31 January 2019")
    with pytest.raises(ValueError, match="language 'de' is not available; choose one of: nl, en"):
        Translator("de")


def test_every_literal_text_key_in_the_reporting_code_exists_in_both_catalogues():
    root = REPO / "impact" / "reporting"
    keys = set()
    for path in [*root.glob("*.py"), *(root / "templates").glob("*.j2")]:
        keys |= set(re.findall(r"""\bt\(\s*["']([a-z_]+(?:\.[a-z_0-9]+)+)["']""", path.read_text(encoding="utf-8")))
    assert len(keys) > 100
    for language in ("nl", "en"):
        assert sorted(k for k in keys if k not in catalogue(language)) == [], language
    assert set(catalogue("nl")) == set(catalogue("en"))


def test_every_zrm_domain_has_a_name_in_both_catalogues():
    from impact.instruments.registry import ZRM_DOMAINS

    for language in ("nl", "en"):
        assert [d for d in ZRM_DOMAINS if f"zrm_domain.{d}" not in catalogue(language)] == [], language
    assert catalogue("nl")["zrm_domain.financien"] == "financiën"


def test_a_unit_is_plural_except_after_exactly_one_and_a_list_ends_with_en():
    nl = Translator("nl")
    assert nl.units("unit.points", 1.1) == "1,10 punten"
    assert nl.units("unit.points", 16.0) == "16,00 punten"
    assert nl.units("unit.points", -1.0) == "−1,00 punt"
    assert nl.units("unit.percentage_points", 10, 0) == "10 procentpunten"
    assert nl.listing(["Food for Good", "Talent Connection", "Utrecht Cares", "Zus&Zo"]) == (
        "Food for Good, Talent Connection, Utrecht Cares en Zus&Zo")
    assert nl.listing(["Nieuw Rotsoord"]) == "Nieuw Rotsoord"


def test_d_z_is_set_as_d_with_subscript_z_in_the_html():
    from impact.reporting.publish import environment

    html = environment().from_string("<p>{{ a }}</p><p>{{ b }}</p>").render(a="Cohens d_z <1>", b="cohen_dz")
    assert html == "<p>Cohens <i>d</i><sub>z</sub> &lt;1&gt;</p><p>cohen_dz</p>"
