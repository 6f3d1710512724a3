"""Published Dutch reference values beside an initiative's baseline (impact/instruments/registry.py REFERENCES).

One initiative 'a' with 40 participants measured at baseline on the De Jong Gierveld 11-item scale (outcome
'loneliness'): 14 score 0-2, 22 score 3-8 and 4 score 9-11, so 26 of 40 (65%) score 3 or more and 4 of 40
score 9 or more; at follow-up everyone scores 0 (which the baseline share must not see). The disclosure
threshold is 10. The report data are built with the same functions the pipeline uses, no warehouse.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from impact.instruments import registry
from impact.instruments.registry import REFERENCES, REGISTRY, ReferenceValue, references_of
from impact.language import Translator
from impact.reporting.report_data import ReportData, reference_counts
from impact.reporting.tables import initiative_figures
from impact.reporting.yearly import reference_lines, reference_sources
from tests import small_report

pytestmark = pytest.mark.unit

BASELINE = [0] * 5 + [1] * 5 + [2] * 4 + [3] * 10 + [5] * 6 + [8] * 6 + [9] * 2 + [10] + [11]  # 40 scores
OUTCOMES = pd.DataFrame([
    {"initiative_id": "a", "outcome_id": "loneliness", "label": "Eenzaamheid", "instrument": "djg11", "type": None,
     "min": None, "max": None, "unit": None, "higher_is_better": None},
    {"initiative_id": "a", "outcome_id": "own", "label": "Eigen maat", "instrument": "custom", "type": "numeric",
     "min": 0.0, "max": 10.0, "unit": None, "higher_is_better": True},
])


def _scores() -> pd.DataFrame:
    rows = [(f"p{i}", "baseline", "loneliness", "djg11", float(s)) for i, s in enumerate(BASELINE)]
    rows += [(f"p{i}", "follow_up", "loneliness", "djg11", 0.0) for i in range(len(BASELINE))]
    rows += [(f"p{i}", "baseline", "own", "custom", 5.0) for i in range(len(BASELINE))]
    return pd.DataFrame(rows, columns=["participant_id", "wave", "outcome_id", "instrument", "score"]).assign(initiative_id="a")


def _report_data() -> ReportData:
    scores = _scores()
    return small_report.report_data(scores, OUTCOMES, len(BASELINE), reference_counts=reference_counts(scores, OUTCOMES))


# --- the registry --------------------------------------------------------------------------------------------


def test_the_registered_references_are_the_gezondheidsmonitor_2016_loneliness_shares():
    assert [(r.instrument, r.statistic, r.value, r.cut_off, r.population, r.year) for r in REFERENCES] == [
        ("djg11", "share_at_least", 0.43, 3, "nl_19_plus", 2016),
        ("djg11", "share_at_least", 0.10, 9, "nl_19_plus", 2016),
    ]
    assert references_of("djg11") == REFERENCES
    for instrument in ("djg6", "rses", "who5", "life_satisfaction", "participation_ladder", "zrm", "custom", None):
        assert references_of(instrument) == ()
    for r in REFERENCES:
        assert r.url.startswith("https://") and r.citation and r.quote
        assert f"{round(r.value * 100)}%" in r.quote   # the figure is the one in the sentence read


def test_the_reference_cut_offs_are_the_scales_own_category_boundaries():
    # 0-2 not lonely, 3-8 moderately, 9-10 severely, 11 very severely lonely
    assert "0-2 not lonely, 3-8 moderately, 9-10 severely" in REGISTRY["djg11"].categories
    assert sorted(r.cut_off for r in references_of("djg11")) == [3, 9]


@pytest.mark.parametrize("kwargs, message", [
    ({"statistic": "median"}, "statistic"),
    ({"cut_off": None}, "cut-off"),
    ({"value": 43.0}, "from 0 to 1"),
    ({"cut_off": 12}, "outside the score scale"),
    ({"instrument": "ucla"}, "unregistered"),
    ({"statistic": "mean", "value": 7.5}, "no cut-off"),
])
def test_a_reference_value_that_cannot_be_compared_is_refused(kwargs, message):
    fields = {"instrument": "djg11", "statistic": "share_at_least", "value": 0.43, "cut_off": 3, "category": "djg11_lonely",
              "population": "nl_19_plus", "year": 2016, "citation": "c", "url": "https://example.org", "quote": "q"}
    with pytest.raises(ValueError, match=message):
        ReferenceValue(**(fields | kwargs))


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_reference_has_its_words_in_both_catalogues(language):
    tr = Translator(language, 10)
    for r in REFERENCES:
        assert tr.t(f"reference.population.{r.population}") and tr.t(f"reference.category.{r.category}")


# --- the share at baseline -----------------------------------------------------------------------------------


def test_reference_counts_count_baseline_scores_at_or_above_each_cut_off():
    counts = reference_counts(_scores(), OUTCOMES)
    assert counts.to_dict("records") == [
        {"initiative_id": "a", "outcome_id": "loneliness", "cut_off": 3.0, "n": 40.0, "n_at_least": 26.0},
        {"initiative_id": "a", "outcome_id": "loneliness", "cut_off": 9.0, "n": 40.0, "n_at_least": 4.0},
    ]  # the custom outcome has no reference; the follow-up scores are not counted


def test_the_baseline_share_is_published_and_a_small_count_is_hidden_with_its_complement():
    fig = initiative_figures(_report_data(), "a")
    refs = fig.references.set_index("cut_off")
    assert list(fig.references["outcome_id"]) == ["loneliness", "loneliness"]
    assert refs.loc[3.0, "n_baseline"] == 40 and refs.loc[3.0, "n_at_least"] == 26
    assert refs.loc[3.0, "baseline_value"] == pytest.approx(0.65)
    assert refs.loc[3.0, "reference_value"] == 0.43 and refs.loc[3.0, "hidden"] == ""
    # 4 of 40 score 9 or more: below the threshold, so the count and the share are hidden, and so is the 36 below
    assert np.isnan(refs.loc[9.0, "n_at_least"]) and np.isnan(refs.loc[9.0, "baseline_value"])
    assert refs.loc[9.0, "hidden"] == "n_at_least:fewer_than_threshold;baseline_value:share_of_hidden"
    assert fig.cells.why("ref_below.loneliness.9") == "protects_hidden_figure"
    # the people measured at baseline stay published, in the distribution table as here
    base = fig.outcomes[(fig.outcomes["outcome_id"] == "loneliness") & (fig.outcomes["wave"] == "baseline")].iloc[0]
    assert base["n"] == 40 and base["hidden"] == ""


def test_the_baseline_share_agrees_with_the_indicator_at_the_instruments_cut_off():
    data = _report_data()
    ind = data.indicators
    share = ind[(ind["indicator_id"] == "share_cut_off.loneliness.baseline") & (ind["period"] == "2018")]["value"].iloc[0]
    fig = initiative_figures(data, "a")
    assert fig.references.set_index("cut_off").loc[3.0, "baseline_value"] == pytest.approx(share)


# --- the sentences ---------------------------------------------------------------------------------------------


def test_the_comparison_reads_in_dutch_with_its_source_and_the_initiatives_own_share():
    fig = initiative_figures(_report_data(), "a")
    lines = reference_lines(fig.references, OUTCOMES, "Digitale Buddies", Translator("nl", 10))
    assert lines == [
        "Ter vergelijking: 43% van de Nederlanders van 19 jaar en ouder is eenzaam (score 3 of hoger; GGD’en, CBS en "
        "RIVM, Gezondheidsmonitor Volwassenen en Ouderen 2016). Bij de nulmeting van Digitale Buddies: 65% van de 40 "
        "deelnemers.",
        "Ter vergelijking: 10% van de Nederlanders van 19 jaar en ouder is ernstig of zeer ernstig eenzaam (score 9 of "
        "hoger; GGD’en, CBS en RIVM, Gezondheidsmonitor Volwassenen en Ouderen 2016). Het aandeel bij de nulmeting van "
        "Digitale Buddies is afgeschermd: het zou een groepje van minder dan 10 deelnemers verraden.",
    ]
    assert reference_sources(fig.references, OUTCOMES, Translator("nl", 10)) == [
        "Landelijk vergelijkingscijfer: GGD’en, CBS en RIVM, Gezondheidsmonitor Volwassenen en Ouderen 2016, gepubliceerd "
        "op https://www.volksgezondheidenzorg.info/onderwerp/eenzaamheid/cijfers-context/huidige-situatie. Het is gemeten "
        "met dezelfde vragenlijst en berekend met dezelfde grens als het cijfer van het initiatief."
    ]


def test_the_comparison_reads_in_english():
    fig = initiative_figures(_report_data(), "a")
    lines = reference_lines(fig.references, OUTCOMES, "Digitale Buddies", Translator("en", 10))
    assert lines[0] == (
        "For comparison: 43% of people in the Netherlands aged 19 and over are lonely (score 3 or higher; GGD’en, CBS en "
        "RIVM, Gezondheidsmonitor Volwassenen en Ouderen 2016). At the baseline of Digitale Buddies: 65% of the 40 "
        "participants.")


def test_an_outcome_without_a_reference_gets_no_line(monkeypatch):
    monkeypatch.setattr(registry, "REFERENCES", ())
    fig = initiative_figures(_report_data(), "a")
    assert fig.references.empty
    assert reference_lines(fig.references, OUTCOMES, "A", Translator("nl", 10)) == []
    assert reference_sources(fig.references, OUTCOMES, Translator("nl", 10)) == []


def test_a_mean_reference_is_set_beside_the_baseline_mean_never_beside_a_share(monkeypatch):
    """A test-only reference: no mean is registered (docs/instruments.md says why)."""
    test_only = ReferenceValue("djg11", "mean", 2.5, None, "test_mean", "nl_19_plus", 2016, "Testbron 2016",
                               "https://example.org/test", "test only")
    monkeypatch.setattr(registry, "REFERENCES", (test_only,))
    fig = initiative_figures(_report_data(), "a")
    row = fig.references.iloc[0]
    assert row["statistic"] == "mean" and np.isnan(row["cut_off"]) and np.isnan(row["n_at_least"])
    assert row["baseline_value"] == pytest.approx(np.mean(BASELINE))   # 160 / 40 = 4.0
    tr = Translator("nl", 10)
    monkeypatch.setitem(tr._words, "reference.category.test_mean", "de testscore")
    assert reference_lines(fig.references, OUTCOMES, "A", tr) == [
        "Ter vergelijking: de testscore van de Nederlanders van 19 jaar en ouder is gemiddeld 2,5 (Testbron 2016). "
        "Bij de nulmeting van A: gemiddeld 4,0, bij 40 deelnemers."]


def test_the_catalogues_hold_the_same_reference_keys():
    import pathlib
    folder = pathlib.Path(__file__).parents[3] / "impact" / "language" / "locale"
    nl, en = (yaml.safe_load((folder / lang / "reports.yaml").read_text(encoding="utf-8")) for lang in ("nl", "en"))
    assert nl["reference"].keys() == en["reference"].keys()
    assert nl["glossary"]["reference"].keys() == en["glossary"]["reference"].keys()
