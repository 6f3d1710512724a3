"""Each registered instrument's ``score_scale`` is the range its scoring really gives: the lowest score for the
answers that score lowest on every item, the highest for those that score highest (reversed items the other way
round). The reports' charts draw a score's axis from this scale."""

from __future__ import annotations

import pandas as pd
import pytest

from impact.instruments.registry import REGISTRY
from impact.instruments.scoring import score_outcomes

pytestmark = pytest.mark.unit


def _extreme_answers(instrument, highest: bool) -> dict[str, float]:
    answers = {}
    for number, item in enumerate(instrument.items, start=1):
        up = highest != (number in instrument.reversed_items)  # De Jong Gierveld: 'ja' counts, 'nee' on a reversed item
        answers[item] = float(instrument.max_code if up else instrument.min_code)
    return answers


def _scores(instrument, answers: dict[str, float]) -> list[float]:
    survey = pd.DataFrame([{"initiative_id": "demo", "participant_id": "p1", "wave": "baseline",
                            "responded_on": pd.Timestamp("2018-03-01"), **answers}])
    outcomes = pd.DataFrame([{"initiative_id": "demo", "outcome_id": "outcome", "instrument": instrument.id,
                              "type": None}])
    return sorted(score_outcomes(survey, outcomes)["score"].tolist())


@pytest.mark.parametrize("instrument_id", sorted(REGISTRY))
def test_the_score_scale_is_what_the_lowest_and_highest_answers_score(instrument_id):
    instrument = REGISTRY[instrument_id]
    low, high = instrument.score_scale
    lowest = _scores(instrument, _extreme_answers(instrument, highest=False))
    highest = _scores(instrument, _extreme_answers(instrument, highest=True))
    assert lowest and set(lowest) == {low}, (instrument_id, lowest)
    assert highest and set(highest) == {high}, (instrument_id, highest)
