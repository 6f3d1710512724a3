"""The SROI in words (impact.reporting.sroi_text): a ratio never rounds across 1, a tipping point never reads as
its assumption, a ratio that is not computed says why, a hidden count gets the range of the ratio over every value
it can take, the participants without both measurements are counted in a plain sentence, and the SROI sheets'
notes are Dutch.

The report data are those of ``test_sroi_in_reports``: 40 registered, 30 measured twice, 20 of them better, a
proxy of 100 EUR, nothing deducted, one year, discount rate 0, inputs 1000 EUR, threshold 10."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from impact.language import Translator
from impact.reporting.sroi_text import (
    masked_range, masked_range_sentence, non_respondents_sentence, not_computed_sentence, outcome_notes,
    ratio_sentence, ratio_text, summary_notes, tipping_text,
)
from impact.reporting.tables import initiative_figures
from tests.unit.valuation.test_sroi_in_reports import _report_data

pytestmark = pytest.mark.unit

NL, EN = Translator("nl", 10), Translator("en", 10)


def _data(worse: int):
    data = _report_data(worse=worse)
    return dataclasses.replace(data, programme=data.programme | {"discount_rate": 0.0})


def test_a_ratio_is_never_rounded_to_the_other_side_of_one():
    assert [ratio_text(x, NL) for x in (0.9950985012725044, 1.004, 1.56, 0.99, 0.9999, 1.0)] == [
        "0,995", "1,004", "1,56", "0,99", "0,9999", "1,00"]
    assert ratio_text(0.9950985012725044, EN) == "0.995"


def test_a_ratio_just_below_one_says_so_in_words_with_the_value_against_the_inputs():
    # the Sociale Supermarkt of the sample year
    summary = pd.Series({"ratio": 0.9950985012725044, "ratio_low": 0.6218111307111213, "ratio_high": 1.37313063032735,
                         "inputs_eur": 42000.0, "present_value": 41794.137053445185})
    assert ratio_sentence(summary, NL) == (
        "Elke geïnvesteerde euro levert naar schatting €0,995 aan maatschappelijke waarde op: iets minder dan de "
        "inzet (de geschatte contante waarde €41.794 tegenover €42.000 aan inzet). Zijn de aannamen voor deadweight "
        "(wat ook zonder het initiatief was gebeurd), verplaatsing, attributie en afname alle vier 10 procentpunten "
        "ongunstiger of gunstiger, dan ligt de verhouding tussen 0,62 en 1,37. De verhouding ligt zo dicht bij 1:1 "
        "dat elke aanname al bijna een omslagpunt is: een kleine verandering in één aanname brengt de verhouding aan "
        "de andere kant van 1. De omslagpunten staan daarom met een decimaal meer.")
    assert ": minder dan de inzet" in ratio_sentence(summary.copy().replace({0.9950985012725044: 0.49}), NL)
    assert "omslagpunt" not in ratio_sentence(summary.copy().replace({0.9950985012725044: 1.56}), NL)


def test_a_tipping_point_never_reads_as_its_assumption():
    assert tipping_text("attribution", 0.30, 0.29655172, NL) == "29,7%"
    assert tipping_text("quantity", 46.0, 46.22658, NL) == "46,2"
    assert tipping_text("deadweight", 0.25, 0.2463, NL) == "24,6%"
    assert tipping_text("drop_off", 0.50, 0.492464, NL) == "49%"
    assert tipping_text("drop_off", 0.50, 0.492464, NL, extra=1) == "49,2%"  # at break-even, all one more
    assert tipping_text("proxy_eur", 1200.0, 1205.91077, NL, extra=1) == "1.205,9"
    assert tipping_text("non_respondents", 0.0, 0.22658, NL, extra=1) == "0,23"
    assert tipping_text("quantity", 46.0, 46.0004, NL) == "46,00"  # at most two more


def test_a_ratio_resting_on_a_hidden_count_says_which_and_gives_the_range_over_every_value_it_can_take():
    # 3 got worse (hidden: fewer than 10), 7 stayed (hidden), 20 improved (published): the net is 20 − w for a
    # hidden w of 1 to 9, worth (20 − w) × 100 EUR against 1000 EUR: a ratio from 1,10 (w = 9) to 1,90 (w = 1)
    data = _data(worse=3)
    fig = initiative_figures(data, "a")
    assert not_computed_sentence(fig, {"o": "O"}, data.year, NL) == (
        "De verhouding is niet te geven: het aantal deelnemers bij wie de uitkomst ‘O’ verslechterde, is afgeschermd "
        "(minder dan 10).")
    assert masked_range(fig, data.programme, data.year, 10) == pytest.approx((1.1, 1.9))
    assert masked_range_sentence(masked_range(fig, data.programme, data.year, 10), NL) == (
        "Bij elk aantal dat het afgeschermde cijfer kan zijn (1 tot en met 9), ligt de verhouding tussen €1,10 en "
        "€1,90 per geïnvesteerde euro; het precieze getal is afgeschermd.")
    # the range is the same whatever the hidden count is: it cannot give it back
    assert masked_range(initiative_figures(_data(worse=7), "a"), data.programme, data.year, 10) == pytest.approx((1.1, 1.9))
    # no range where the published counts are shown (nothing hidden)
    assert masked_range(initiative_figures(_data(worse=10), "a"), data.programme, data.year, 10) is None


def test_a_ratio_without_inputs_says_the_inputs_are_missing():
    from impact.valuation.sroi import change_counts, compute_sroi

    data = _data(worse=10)
    scores_fig = initiative_figures(data, "a")
    summary = scores_fig.sroi_summary.assign(inputs_eur=float("nan"), ratio=float("nan"))
    fig = dataclasses.replace(scores_fig, sroi_summary=summary)
    assert not_computed_sentence(fig, {"o": "O"}, data.year, NL) == (
        "De verhouding is niet te geven: de inzet ontbreekt in de Theory of Change.")
    assert masked_range(fig, data.programme, data.year, 10) is None
    assert change_counts and compute_sroi  # the pipeline's own functions made the data


def test_the_participants_without_both_measurements_are_counted_in_a_plain_sentence():
    # 10 of the 40 registered lack a measurement; at the measured net rate 10/30 they add 3,33: ratio 1,33
    data = _data(worse=10)
    fig = initiative_figures(data, "a")
    assert non_respondents_sentence(fig, data.sroi_sensitivity, {"o": 10}, {"o": "Gevoel van eigenwaarde"}, NL) == [
        "Van de ingeschreven deelnemers hebben er 10 niet zowel een nul- als een nameting van gevoel van eigenwaarde; zij tellen als 0 "
        "(alsof niemand van hen veranderde). Tellen zij mee alsof ze per saldo net zo vaak vooruitgingen als de "
        "gemeten deelnemers, dan wordt de verhouding €1,33 per geïnvesteerde euro."]


def test_the_sroi_sheets_explain_in_dutch():
    data = _data(worse=10)
    fig = initiative_figures(data, "a")
    assert outcome_notes(fig.sroi_outcomes, data.sroi_outcomes, 0.0, NL) == [
        "aantal uit de data: netto 10 = 20 vooruit − 10 achteruit, van 30 deelnemers met beide metingen (elke "
        "verandering telt); de 10 ingeschreven deelnemers zonder beide metingen tellen als 0 (naar het netto tempo "
        "van de gemeten deelnemers zouden ze 3,33 toevoegen); contant gemaakt tegen 0% per jaar vanaf jaar 1 (de "
        "waarde in jaar t gedeeld door 1,00^t, jaar 1)"]
    assert summary_notes(fig.sroi_summary, fig.sroi_outcomes, NL) == [
        "contant gemaakt tegen 0% per jaar vanaf jaar 1 (de waarde in jaar t gedeeld door 1,00^t, jaar 1); "
        "terugverdientijd op de niet-contante waarde, elk jaar gelijk verdeeld over 12 maanden; bandbreedte: "
        "deadweight, verplaatsing, attributie en afname van elke uitkomst alle 10 procentpunten hoger (laag) of "
        "lager (hoog), binnen 0 tot 100%"]
    hidden = initiative_figures(_data(worse=3), "a")
    assert outcome_notes(hidden.sroi_outcomes, data.sroi_outcomes, 0.0, NL) == [
        "afgeschermd: het aantal rust op een afgeschermd aantal deelnemers"]
    assert summary_notes(hidden.sroi_summary, hidden.sroi_outcomes, NL) == [
        "afgeschermd: een aantal uit de data rust op een afgeschermd aantal deelnemers"]
