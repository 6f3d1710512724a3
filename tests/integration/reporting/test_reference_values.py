"""The sample year's yearly reports set a registered Dutch reference value beside the baseline of an outcome whose
instrument has one (Digitale Buddies: De Jong Gierveld, 11 items), with its source, the caveat and the
initiative's own baseline share at the same cut-off, or that share masked where disclosure control hides it;
the other reports show no comparison at all. The expected counts come from the warehouse the same build wrote."""

from __future__ import annotations

import html
import re

import pytest

from impact.instruments.registry import references_of
from tests.integration.pipelines.test_pipeline_end_to_end import NINE

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SOURCE = "GGD’en, CBS en RIVM, Gezondheidsmonitor Volwassenen en Ouderen 2016"


def _html(built_sample, initiative_id: str) -> str:
    text = (built_sample["reports"] / "2018" / initiative_id / f"{initiative_id}_2018.html").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", html.unescape(text))


def _pct(x: float) -> str:
    return f"{round(x * 100)}%"


def test_digitale_buddies_sets_the_gezondheidsmonitor_shares_beside_its_baseline(built_sample):
    con = built_sample["con"]
    threshold = con.execute("SELECT disclosure_threshold FROM programme.settings").fetchone()[0]
    name = con.execute("SELECT name FROM programme.initiatives WHERE initiative_id = 'digitale-buddies'").fetchone()[0]
    page = _html(built_sample, "digitale-buddies")
    for ref, words in zip(references_of("djg11"), ("eenzaam", "ernstig of zeer ernstig eenzaam")):
        n, at_least = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE score >= ?) FROM marts.outcome_scores WHERE initiative_id = "
            "'digitale-buddies' AND outcome_id = 'loneliness' AND wave = 'baseline' AND score IS NOT NULL",
            [ref.cut_off]).fetchone()
        lead = (f"Ter vergelijking: {_pct(ref.value)} van de Nederlanders van 19 jaar en ouder is {words} "
                f"(score {ref.cut_off} of hoger; {SOURCE}).")
        if min(at_least, n - at_least) >= threshold:
            own = f"Bij de nulmeting van {name}: {_pct(at_least / n)} van de {n} deelnemers."
        else:  # the count at or above the cut-off, or below it, is under the threshold: the share would give it away
            own = (f"Het aandeel bij de nulmeting van {name} is afgeschermd: het zou een groepje van minder dan "
                   f"{threshold} deelnemers verraden.")
        assert f"{lead} {own}" in page
    assert "De groepen verschillen: de deelnemers zijn geen aselecte steekproef uit de bevolking" in page
    assert (f"Landelijk vergelijkingscijfer: {SOURCE}, gepubliceerd op "
            "https://www.volksgezondheidenzorg.info/onderwerp/eenzaamheid/cijfers-context/huidige-situatie.") in page
    assert "<dt>Landelijk vergelijkingscijfer</dt>" in page   # the glossary explains the term


@pytest.mark.parametrize("initiative_id", [i for i in NINE if i != "digitale-buddies"])
def test_an_initiative_without_a_registered_reference_shows_no_comparison(built_sample, initiative_id):
    page = _html(built_sample, initiative_id)
    assert "Ter vergelijking" not in page and "Landelijk vergelijkingscijfer" not in page
