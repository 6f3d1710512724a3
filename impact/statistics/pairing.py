"""Baseline and follow-up of the same participant: the one pairing behind every paired figure.

The hypothesis tests, the "share improved" indicator and the reports' better/same/worse
counts all compare a participant's follow-up score with their own baseline score; they
take the pairs from here, so they always count the same people. Further waves a Theory of
Change declares play no part in a pair.

Who *answered* which wave (whatever their scores) is :func:`respondents_by_wave`, the one
count behind the response and retention indicators and the quality rule
``response_and_retention``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BASELINE, FOLLOW_UP = "baseline", "follow_up"
KEYS = ["initiative_id", "outcome_id", "participant_id"]
RESPONDENT_KEYS = ["initiative_id", "participant_id"]


def respondents_by_wave(survey: pd.DataFrame) -> pd.DataFrame:
    """One row per initiative and participant who answered the survey: which of the two waves they answered.

    ``survey`` holds ``staging.survey_responses`` rows (``initiative_id``, ``participant_id``,
    ``wave``; other columns are ignored). The result has the columns ``initiative_id``,
    ``participant_id`` and the booleans ``baseline``, ``follow_up`` and ``paired`` (both),
    sorted by initiative and participant. A participant who answered only a further wave has
    a row with all three false; a row without a participant is no respondent.
    """
    answered = survey.loc[survey["participant_id"].notna(), [*RESPONDENT_KEYS, "wave"]]
    flags = answered[RESPONDENT_KEYS].assign(**{BASELINE: answered["wave"].isin([BASELINE]),
                                                FOLLOW_UP: answered["wave"].isin([FOLLOW_UP])})
    out = flags.groupby(RESPONDENT_KEYS, sort=True)[[BASELINE, FOLLOW_UP]].any().reset_index()
    out = out.astype({k: "object" for k in RESPONDENT_KEYS} | {BASELINE: bool, FOLLOW_UP: bool})
    out["paired"] = out[BASELINE] & out[FOLLOW_UP]
    return out


def by_wave(scores: pd.DataFrame) -> pd.DataFrame:
    """One row per initiative, outcome and participant with a score, and their score per wave.

    ``scores`` holds ``marts.outcome_scores`` rows (``initiative_id``, ``outcome_id``,
    ``participant_id``, ``wave``, ``score``); missing scores are left out. The result has the
    columns ``KEYS``, ``baseline`` and ``follow_up`` (NaN where that wave has no score), sorted
    by the keys. The contract keeps one response per participant and wave (a blocking check);
    should a duplicate reach this far, its first score counts.
    """
    scored = scores.loc[scores["score"].notna() & scores["wave"].isin([BASELINE, FOLLOW_UP]), [*KEYS, "wave", "score"]]
    if scored.empty:
        return pd.DataFrame({**{k: pd.Series(dtype="object") for k in KEYS},
                             BASELINE: pd.Series(dtype="float64"), FOLLOW_UP: pd.Series(dtype="float64")})
    wide = scored.pivot_table(index=KEYS, columns="wave", values="score", aggfunc="first")
    wide = wide.reindex(columns=[BASELINE, FOLLOW_UP]).astype("float64")
    wide.columns.name = None
    return wide.reset_index()


def both_waves(wide: pd.DataFrame) -> pd.DataFrame:
    """The rows of a :func:`by_wave` frame with both a baseline and a follow-up score."""
    return wide[wide[BASELINE].notna() & wide[FOLLOW_UP].notna()].reset_index(drop=True)


def pairs(scores: pd.DataFrame) -> pd.DataFrame:
    """The participants with both a baseline and a follow-up score: ``KEYS``, ``baseline``, ``follow_up``."""
    return both_waves(by_wave(scores))


def improved(paired: pd.DataFrame, higher_is_better: pd.Series) -> np.ndarray:
    """Per pair, +1 when the score moved the better way, -1 the worse way, 0 unchanged.

    ``higher_is_better`` is aligned with ``paired``; unknown counts as higher is better.
    """
    up = higher_is_better.astype("boolean").fillna(True).astype(bool).to_numpy()
    return np.sign(np.where(up, 1, -1) * (paired[FOLLOW_UP] - paired[BASELINE]).to_numpy())
