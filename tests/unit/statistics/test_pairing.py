"""Who answered which wave: the one count behind the response indicators and the retention rule."""

from __future__ import annotations

import pandas as pd
import pytest

from impact.statistics.pairing import respondents_by_wave

pytestmark = pytest.mark.unit


def test_respondents_by_wave_on_a_hand_made_survey():
    survey = pd.DataFrame({
        "initiative_id": ["a", "a", "a", "a", "a", "a", "b", "b"],
        "participant_id": ["p2", "p1", "p1", "p3", "p4", "p4", "q1", None],
        "wave": ["baseline", "follow_up", "baseline", "follow_up", "baseline", "follow_up_2", "baseline", "baseline"],
        "responded_on": pd.Timestamp("2018-03-01"),  # other columns are ignored
    })
    frame = respondents_by_wave(survey)
    assert frame.to_dict("records") == [
        {"initiative_id": "a", "participant_id": "p1", "baseline": True, "follow_up": True, "paired": True},
        {"initiative_id": "a", "participant_id": "p2", "baseline": True, "follow_up": False, "paired": False},
        {"initiative_id": "a", "participant_id": "p3", "baseline": False, "follow_up": True, "paired": False},
        {"initiative_id": "a", "participant_id": "p4", "baseline": True, "follow_up": False, "paired": False},
        {"initiative_id": "b", "participant_id": "q1", "baseline": True, "follow_up": False, "paired": False},
    ]  # the row without a participant is nobody; p4's further wave is no follow-up
    counts = frame.groupby("initiative_id")[["baseline", "follow_up", "paired"]].sum()
    assert counts.to_dict("index") == {"a": {"baseline": 3, "follow_up": 2, "paired": 1},
                                       "b": {"baseline": 1, "follow_up": 0, "paired": 0}}


def test_respondents_by_wave_of_no_survey_is_empty_with_its_columns():
    frame = respondents_by_wave(pd.DataFrame(columns=["initiative_id", "participant_id", "wave"]))
    assert frame.empty
    assert dict(frame.dtypes.astype(str)) == {"initiative_id": "object", "participant_id": "object",
                                              "baseline": "bool", "follow_up": "bool", "paired": "bool"}
