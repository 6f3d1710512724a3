"""The sample year's multi-item instruments hang together as real ones do (Cronbach's alpha 0.70–0.90),
except the one planted coding error, which the reliability rule must catch (alpha below 0.60).

The survey drops are generated afresh, staged as the pipeline stages them (so the planted error has to pass
the raw-data contract to count) and scored item by item as the pipeline scores them
(``impact.instruments.scoring.item_scores``, ``impact.statistics.reliability.cronbach_alpha``).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from impact.contracts import ContractContext
from impact.contracts.batches import StagedBatch, stage_drops
from impact.ingest.drops import discover_drops, discover_initiatives
from impact.instruments.scoring import item_scores
from impact.statistics.reliability import cronbach_alpha
from impact.theory_of_change import load_theory_of_change
from tests.unit.sample_data.test_sample_generator import _generator

pytestmark = pytest.mark.integration

MULTI_ITEM = ("djg11", "djg6", "rses", "who5")
REALISTIC = (0.70, 0.90)
CAUGHT_BELOW = 0.60  # the reliability rule: below this at either wave, the measurement is unreliable
# The planted coding error (impact/sample_data/initiatives.yaml, planted_defects): Utrecht Cares' Dutch
# follow-up form has the positively worded DJG-6 items 4-6 coded the wrong way round.
PLANTED = ("utrecht-cares", "loneliness", "djg6", "follow_up")
PLANTED_FILE = "utrecht-cares/survey_follow_up.csv"


def sample_alphas(raw_data: Path) -> tuple[dict[tuple[str, str, str, str], tuple[float, int]], StagedBatch]:
    """Alpha and complete cases per (initiative, outcome, instrument, wave), and the staged survey batch."""
    initiatives = discover_initiatives(raw_data)
    tocs = {i: load_theory_of_change(raw_data / i, raw_data) for i in initiatives}
    batch = stage_drops(
        "survey",
        {i: discover_drops(raw_data, i, "survey") for i in initiatives},
        {i: ContractContext.from_theory_of_change(tocs[i]) for i in initiatives},
        b"reliability-check",
    )
    alphas = {}
    for initiative, toc in tocs.items():
        answers = batch.staged[batch.staged["initiative_id"] == initiative]
        for outcome in toc.outcomes:
            if outcome.instrument not in MULTI_ITEM:
                continue
            for wave, rows in answers.groupby("wave", sort=True):
                alphas[(initiative, outcome.id, outcome.instrument, wave)] = cronbach_alpha(
                    item_scores(rows, outcome.instrument))
    return alphas, batch


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample_year")
    _generator().generate(out)
    return sample_alphas(out)


def test_every_multi_item_instrument_and_wave_is_checked(generated):
    alphas, _ = generated
    instruments = {key[2] for key in alphas}
    assert instruments == set(MULTI_ITEM)
    assert PLANTED in alphas
    for key, (_, n) in alphas.items():
        assert n >= 20, key  # enough complete cases for the alpha to mean something


def test_alphas_are_those_of_real_instruments_except_the_planted_error(generated):
    alphas, _ = generated
    low, high = REALISTIC
    outside = {key: round(alpha, 3) for key, (alpha, _) in alphas.items()
               if key != PLANTED and not low <= alpha <= high}
    assert not outside, f"Cronbach's alpha outside [{low}, {high}]: {outside}"


def test_the_planted_coding_error_is_caught_by_the_reliability_rule(generated):
    alphas, batch = generated
    alpha, n = alphas[PLANTED]
    assert not math.isnan(alpha) and alpha < CAUGHT_BELOW, alpha
    assert n >= 20
    # the other wave of the same outcome is fine: only the miscoded form is unreliable
    assert alphas[(*PLANTED[:3], "baseline")][0] >= REALISTIC[0]
    # valid codes: every row of the miscoded drop passes the contract and reaches the reliability rule
    assert not (batch.quarantine["source_file"] == PLANTED_FILE).any()
    assert (batch.staged["source_file"] == PLANTED_FILE).sum() > 0
