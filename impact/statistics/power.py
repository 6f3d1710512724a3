"""Minimum detectable effect: what a result that showed nothing could have shown.

A ``not_shown`` verdict carries the smallest effect its test had 80 % power to detect, so absence of
evidence is not read as evidence of absence (docs/statistics.md). Three rules keep that figure honest:

- **The test's own power.** Each test's MDE comes from the power of that test, not of the t-test:
  - paired t: the noncentral t (``statsmodels.stats.power.TTestPower``, R's
    ``pwr::pwr.t.test(type = "paired")``), in outcome units through the SD of the differences;
  - Wilcoxon signed-rank: simulated with a fixed seed (the same answer every build) for normal
    differences with the observed SD, running ``scipy.stats.wilcoxon`` exactly as the engine does
    (exact p below 50 pairs, else the normal approximation with continuity correction), on common
    random numbers; the shift where the share of rejections reaches 80 % is found with
    ``scipy.optimize.brentq``;
  - McNemar: exact, by summing over the number of discordant pairs (Binomial(n, ψ)) and the number of
    0 → 1 changes among them, with the mid-p test the engine runs; ψ, the share of pairs that changed,
    is the nuisance parameter the power depends on (Connor 1987, Biometrics 43:207–211), taken from
    the data. The MDE is a difference in proportions.
- **At the alpha the hypothesis faces.** Under Holm a primary hypothesis is tested at alpha/m in the
  worst case (the first step, m = the family's size), so its MDE is computed there; a secondary
  hypothesis faces alpha. A one-sided hypothesis spends its share of alpha on the declared direction
  (see ``impact/statistics/verdicts.py``).
- **Never from the observed effect.** No observed power and no "pairs needed" from the effect the
  data happened to show (Hoenig & Heisey 2001); planning uses a stated target effect
  (:func:`pairs_needed`).
"""

from __future__ import annotations

import functools
import math

import numpy as np
from scipy import optimize, stats
from statsmodels.stats.power import TTestPower

from impact.statistics.midp import binomial_mid_p
from impact.statistics.paired_tests import ALTERNATIVES, EXACT_WILCOXON_BELOW

POWER = 0.80
SIMULATED_SAMPLES = 4000
SIMULATION_SEED = 20180101


def _scalar(value) -> float:
    """statsmodels' solver returns a float or, for some inputs, a one-element array (numpy 2 refuses float() on it)."""
    return float(np.asarray(value, dtype=float).reshape(-1)[0])


def _check(alpha: float, power: float, alternative: str) -> None:
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be 'two-sided', 'greater' or 'less', got {alternative!r}")
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise ValueError("alpha and power must lie strictly between 0 and 1")


def _usable(n_pairs, scale) -> bool:
    return (n_pairs is not None and math.isfinite(n_pairs) and n_pairs >= 2
            and scale is not None and math.isfinite(scale) and scale > 0)


def mde_paired_t(n_pairs: float, alpha: float, sd_difference: float | None, alternative: str = "two-sided",
                 power: float = POWER) -> float | None:
    """Smallest |mean difference| a paired t-test on ``n_pairs`` pairs detects with ``power``, in outcome
    units (Cohen's d_z × the SD of the differences). None with fewer than 2 pairs or no spread."""
    _check(alpha, power, alternative)
    if not _usable(n_pairs, sd_difference):
        return None
    tail = "two-sided" if alternative == "two-sided" else "larger"
    try:
        dz = _scalar(TTestPower().solve_power(effect_size=None, nobs=float(n_pairs), alpha=alpha, power=power,
                                              alternative=tail))
    except (ValueError, RuntimeError):
        return None
    return abs(dz) * float(sd_difference) if math.isfinite(dz) else None


def wilcoxon_power(n_pairs: int, shift_in_sd: float, alpha: float, alternative: str = "two-sided",
                   samples: int = SIMULATED_SAMPLES, seed: int = SIMULATION_SEED) -> float:
    """Share of simulated samples (normal differences, mean ``shift_in_sd`` SDs in the declared direction)
    in which the engine's Wilcoxon test rejects at ``alpha``. Same seed, same answer."""
    z = np.random.default_rng(seed).standard_normal((samples, int(n_pairs)))
    return _wilcoxon_rejections(z, shift_in_sd, alpha, alternative)


def _wilcoxon_rejections(z: np.ndarray, shift: float, alpha: float, alternative: str) -> float:
    n = z.shape[1]
    sign = -1.0 if alternative == "less" else 1.0  # "less" mirrors "greater" on the same numbers
    method = "exact" if n < EXACT_WILCOXON_BELOW else "asymptotic"
    p = stats.wilcoxon(sign * (z + shift), axis=1, alternative=alternative, method=method, correction=True).pvalue
    return float(np.mean(p < alpha))


def mde_wilcoxon(n_pairs: int, alpha: float, sd_difference: float | None, alternative: str = "two-sided",
                 power: float = POWER, samples: int = SIMULATED_SAMPLES, seed: int = SIMULATION_SEED) -> float | None:
    """Smallest shift of normal differences (in outcome units) that the engine's Wilcoxon test detects
    with ``power``, by simulation on common random numbers. None when even a shift of 10 SDs is not
    detected often enough (too few pairs for this alpha: with n pairs the smallest exact two-sided p is
    2/2ⁿ) or there is no spread."""
    _check(alpha, power, alternative)
    if not _usable(n_pairs, sd_difference):
        return None
    shift = _wilcoxon_shift_in_sd(int(n_pairs), float(alpha), alternative, float(power), int(samples), int(seed))
    return None if shift is None else shift * float(sd_difference)


@functools.lru_cache(maxsize=4096)
def _wilcoxon_shift_in_sd(n_pairs: int, alpha: float, alternative: str, power: float, samples: int,
                          seed: int) -> float | None:
    """The detectable shift in SDs: it depends on the number of pairs and the levels only, not on the data, so
    a programme with many hypotheses of the same size simulates it once (the same seed gives the same number)."""
    z = np.random.default_rng(seed).standard_normal((samples, n_pairs))
    if _wilcoxon_rejections(z, 10.0, alpha, alternative) < power:
        return None
    return float(optimize.brentq(lambda s: _wilcoxon_rejections(z, s, alpha, alternative) - power + 0.5 / samples,
                                 0.0, 10.0, xtol=1e-4))


def mcnemar_power(n_pairs: int, difference: float, discordant_share: float, alpha: float,
                  alternative: str = "two-sided") -> float:
    """Exact power of the mid-p McNemar test for a difference in proportions (follow-up − baseline) of
    ``difference`` in the declared direction when a share ``discordant_share`` of the pairs changes."""
    n, psi, delta = int(n_pairs), float(discordant_share), abs(float(difference))
    if not 0 < psi <= 1:
        raise ValueError(f"the share of pairs that change must lie in (0, 1], got {psi}")
    if delta > psi:
        raise ValueError(f"a difference of {delta} needs at least that share of pairs to change, got {psi}")
    # the numbers of discordant pairs that carry any weight (beyond 1e-15 of it nothing changes the sum)
    low, high = (int(v) for v in stats.binom.ppf([1e-15, 1 - 1e-15], n, psi))
    m = np.arange(max(low, 0), min(high, n) + 1)
    weight_m = stats.binom.pmf(m, n, psi)
    towards = (psi + delta) / (2 * psi)  # P(a change goes the declared way)
    k = np.arange(m[-1] + 1)[:, None]  # k changes the declared way among m discordant pairs
    p_k = np.where(k <= m, stats.binom.pmf(k, m, towards), 0.0)
    tested = "greater" if alternative != "two-sided" else "two-sided"
    reject = (k <= m) & (binomial_mid_p(k, m, tested) < alpha)
    return float((weight_m * (p_k * reject).sum(axis=0)).sum())


def mde_mcnemar(n_pairs: int, alpha: float, discordant_share: float | None, alternative: str = "two-sided",
                power: float = POWER) -> float | None:
    """Smallest difference in proportions the mid-p McNemar test detects with ``power`` when a share
    ``discordant_share`` of the pairs changes. None when no pair changed or even the largest possible
    difference (all changes one way) is not detected often enough."""
    _check(alpha, power, alternative)
    if not _usable(n_pairs, discordant_share):
        return None
    psi = float(discordant_share)
    if mcnemar_power(n_pairs, psi, psi, alpha, alternative) < power:
        return None
    return float(optimize.brentq(lambda d: mcnemar_power(n_pairs, d, psi, alpha, alternative) - power,
                                 0.0, psi, xtol=1e-6))


def minimum_detectable_effect(test: str, n_pairs: int, alpha: float, alternative: str,
                              sd_difference: float | None, discordant_share: float | None) -> tuple[float | None, str]:
    """(MDE in the unit of the test's estimate, how it was computed) for ``test`` at ``alpha``."""
    level = f"alpha = {alpha:.4g}{'' if alternative == 'two-sided' else ', one-sided'}, 80% power"
    if test == "paired_t":
        return (mde_paired_t(n_pairs, alpha, sd_difference, alternative),
                f"paired t power (noncentral t), {level}, SD of the differences {_g(sd_difference)}")
    if test == "wilcoxon":
        return (mde_wilcoxon(n_pairs, alpha, sd_difference, alternative),
                f"Wilcoxon power simulated ({SIMULATED_SAMPLES} samples, seed {SIMULATION_SEED}) for normal "
                f"differences with SD {_g(sd_difference)}, {level}; continuous differences are assumed, so with "
                f"many unchanged pairs (zeros are dropped by the test) the real MDE is larger")
    if test == "mcnemar":
        return (mde_mcnemar(n_pairs, alpha, discordant_share, alternative),
                f"exact power of the mid-p McNemar test with {_g(discordant_share)} of the pairs changing, {level}")
    raise ValueError(f"unknown test {test!r}")


def _g(value: float | None) -> str:
    return "unknown" if value is None or not math.isfinite(value) else f"{value:.3g}"


def pairs_needed(target_dz: float, alpha: float, alternative: str = "two-sided", power: float = POWER) -> int | None:
    """Pairs a paired t-test needs to detect a *stated* target effect (Cohen's d_z) with ``power``: for
    planning the next year's sample from the change the Theory of Change calls meaningful, never from
    the effect a sample happened to show."""
    _check(alpha, power, alternative)
    if not target_dz or not math.isfinite(target_dz):
        return None
    tail = "two-sided" if alternative == "two-sided" else "larger"
    n = _scalar(TTestPower().solve_power(effect_size=abs(float(target_dz)), nobs=None, alpha=alpha, power=power,
                                         alternative=tail))
    return int(math.ceil(n))
