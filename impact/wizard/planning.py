"""How many participants an initiative needs: the sample-size plan behind each hypothesis the wizard writes.

Pure, on the project's own power code (``impact.statistics.power``); no distribution is written here.

- **The level.** A primary hypothesis joins the programme's Holm family: every primary hypothesis of every
  initiative of the year (docs/statistics.md). Holm tests the smallest p-value at alpha/m and which place a
  hypothesis will take is not known in advance, so the plan takes Holm's worst case, alpha/m, with m = the
  primary hypotheses already in ``raw_data/`` plus this initiative's own. That is the level the pipeline's
  minimum detectable effect uses too (``mde_alpha``). A secondary hypothesis, or a programme with
  ``multiple_testing: none``, faces alpha. A one-sided hypothesis spends 90 % of its level on the declared
  direction (``impact.statistics.verdicts.DECLARED_SHARE``).
- **Pairs.** Paired t: ``pairs_needed`` (the noncentral t) for d_z = meaningful change / SD of the change.
  Wilcoxon: from the t-test's number upwards, the first n at which the engine's own test, simulated by
  ``wilcoxon_power`` (normal differences, fixed seed), rejects in 80 % of samples. McNemar: from 2 upwards, the
  first n at which ``mcnemar_power`` (exact, mid-p) reaches 80 % for the meaningful difference in proportions
  and the share of pairs expected to change. Never fewer than the programme's ``min_pairs``, below which the
  pipeline runs no test.
- **Enrolment.** Pairs are people measured twice; with an expected share ``attrition`` lost before the
  follow-up, enrol ceil(pairs / (1 − attrition)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from impact.statistics.power import POWER, mcnemar_power, pairs_needed, wilcoxon_power
from impact.statistics.verdicts import DECLARED_SHARE

#: Meaningful changes the registry documents, in the instrument's score units: WHO-5's description says a change
#: of 10 points (on 0-100) is meaningful (``impact.instruments.registry``, docs/instruments.md). No other
#: instrument documents one, and none documents the SD of a change.
MEANINGFUL_CHANGE = {"who5": 10.0}

#: Beyond this many pairs the wizard stops looking: the plan is not feasible for a coaching year.
MAX_PAIRS = 5000


@dataclass(frozen=True)
class Family:
    """The Holm family a new initiative's primary hypotheses join."""

    existing: int  # primary hypotheses of the other initiatives in raw_data/
    own: int  # primary hypotheses of this initiative
    unreadable: tuple[str, ...] = ()  # initiatives whose Theory of Change could not be read (not counted)

    @property
    def size(self) -> int:
        return self.existing + self.own


def existing_primary_hypotheses(raw_data: Path, leave_out: str | None = None) -> tuple[int, tuple[str, ...]]:
    """(primary hypotheses in the valid Theories of Change of ``raw_data``, the initiatives that could not be read),
    leaving out the initiative ``leave_out`` (the one being written again)."""
    from impact.errors import ConfigError
    from impact.ingest.drops import discover_initiatives
    from impact.theory_of_change import load_theory_of_change

    count, unreadable = 0, []
    for initiative in discover_initiatives(raw_data):
        if initiative == leave_out:
            continue
        try:
            toc = load_theory_of_change(raw_data / initiative, raw_data)
        except ConfigError:
            unreadable.append(initiative)
            continue
        count += sum(1 for h in toc.hypotheses if h.primary)
    return count, tuple(unreadable)


def planning_alpha(alpha: float, family_size: int, primary: bool, alternative: str,
                   multiple_testing: str = "holm") -> float:
    """The level a hypothesis is planned for: alpha/m (Holm's first step) for a primary one under Holm, else alpha;
    times 0.9 when one-sided (the share of alpha on the declared direction)."""
    level = alpha / family_size if primary and multiple_testing == "holm" and family_size > 0 else alpha
    return level * DECLARED_SHARE if alternative != "two-sided" else level


def pairs_paired_t(change: float, sd: float, level: float, alternative: str, power: float = POWER) -> int | None:
    """Pairs for a paired t-test to detect a mean change of ``change`` when the change has SD ``sd``."""
    if not (sd > 0 and change):
        return None
    return pairs_needed(abs(change) / sd, level, alternative, power)


def pairs_wilcoxon(change: float, sd: float, level: float, alternative: str, power: float = POWER) -> int | None:
    """Pairs for the engine's Wilcoxon signed-rank test to detect a shift ``change`` of normal differences with SD
    ``sd``: the first n from the t-test's number up at which the simulated power reaches ``power``."""
    start = pairs_paired_t(change, sd, level, alternative, power)
    if start is None:
        return None
    shift = abs(change) / sd
    for n in range(max(start, 2), MAX_PAIRS + 1):
        if wilcoxon_power(n, shift, level, alternative) >= power:
            return n
    return None


def pairs_mcnemar(difference: float, discordant_share: float, level: float, alternative: str,
                  power: float = POWER) -> int | None:
    """Pairs for the mid-p McNemar test to detect a difference in proportions ``difference`` when a share
    ``discordant_share`` of the pairs changes its answer: the first n whose exact power reaches ``power``
    (exact power is not monotone in n, so a slightly larger n can fall just below it)."""
    if not 0 < abs(difference) <= discordant_share <= 1:
        return None
    if mcnemar_power(MAX_PAIRS, difference, discordant_share, level, alternative) < power:
        return None
    low, high = 2, MAX_PAIRS  # bisect to near the crossing, then walk up to the first n that reaches it
    while high - low > 8:
        mid = (low + high) // 2
        if mcnemar_power(mid, difference, discordant_share, level, alternative) >= power:
            high = mid
        else:
            low = mid
    for n in range(max(2, low - 8), MAX_PAIRS + 1):
        if mcnemar_power(n, difference, discordant_share, level, alternative) >= power:
            return n
    return None


def to_enrol(pairs: int, attrition: float) -> int:
    """Participants to enrol so that ``pairs`` remain with both measurements when a share ``attrition`` is lost."""
    if not 0 <= attrition < 1:
        raise ValueError(f"attrition must lie in [0, 1), got {attrition}")
    return math.ceil(round(pairs / (1 - attrition), 9))


@dataclass(frozen=True)
class Plan:
    """The sample-size plan of one hypothesis."""

    test: str
    level: float
    pairs: int | None  # None: 80 % power is out of reach with these figures
    computed_pairs: int | None  # before raising to min_pairs
    enrol: int | None
    change: float
    sd: float | None = None  # paired t and Wilcoxon
    sd_from_default: bool = False  # the SD came from the programme's target_effect_dz
    discordant_share: float | None = None  # McNemar
    attrition: float = 0.0


def plan(test: str, change: float, level: float, alternative: str, attrition: float, min_pairs: int,
         sd: float | None = None, discordant_share: float | None = None, sd_from_default: bool = False) -> Plan:
    """Pairs and enrolment for one hypothesis (``change`` in the outcome's units; for McNemar a difference in
    proportions)."""
    if test == "paired_t":
        computed = pairs_paired_t(change, sd, level, alternative)
    elif test == "wilcoxon":
        computed = pairs_wilcoxon(change, sd, level, alternative)
    elif test == "mcnemar":
        computed = pairs_mcnemar(change, discordant_share, level, alternative)
    else:
        raise ValueError(f"unknown test {test!r}")
    pairs = None if computed is None else max(computed, min_pairs)
    return Plan(test, level, pairs, computed, None if pairs is None else to_enrol(pairs, attrition), change, sd,
                sd_from_default, discordant_share, attrition)
