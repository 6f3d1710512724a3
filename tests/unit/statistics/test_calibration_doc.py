"""docs/calibration.md is what the calibration study's saved results render to, and the study's parts hold.

The study itself runs with ``make calibrate`` (and, on a tenth of its replicates, in
tests/integration/statistics/test_calibration.py); here only its saved results
(docs/calibration.json), its rule, its exact values and its population values are checked.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from impact.statistics import calibration
from impact.statistics.calibration import (
    ALTERNATIVES,
    REPLICATES,
    SIZES,
    Cell,
    judge,
    rank_biserial_normal,
    rank_biserial_normal_by_quadrature,
    render,
    run_cell,
    signrank_null,
    wilcoxon_exact_values,
)
from impact.statistics.paired_tests import wilcoxon_signed_rank

pytestmark = pytest.mark.unit

DOCS = Path(__file__).resolve().parents[3] / "docs"


@pytest.fixture(scope="module")
def results() -> dict:
    return json.loads((DOCS / "calibration.json").read_text(encoding="utf-8"))


def test_the_committed_report_is_what_the_saved_results_render_to(results):
    assert (DOCS / "calibration.md").read_text(encoding="utf-8") == render(results), (
        "docs/calibration.md is out of date with docs/calibration.json: run `make calibrate`")


def test_the_saved_results_are_the_full_study(results):
    assert results["settings"]["scale"] == 1.0
    assert results["settings"]["replicates"] == REPLICATES
    tables = {(r["table"], r["test"], r["n"], r["alternative"]) for r in results["rows"]}
    for test in ("paired_t", "wilcoxon", "mcnemar"):
        for n in SIZES:
            for alt in ALTERNATIVES:
                assert ("type_i", test, n, alt) in tables
                assert ("coverage_estimate", test, n, alt) in tables
                assert ("coverage_effect_size", test, n, alt) in tables
            assert ("power", test, n, "two-sided") in tables
            assert ("verdict_error", test, n, "greater") in tables
            assert ("verdict_error", test, n, "less") in tables


def test_every_status_in_the_saved_results_follows_from_its_numbers(results):
    for row in results["rows"]:
        observed, se, status = judge(row)
        assert (observed, se, status) == (row["observed"], row["se"], row["status"]), row
        if status.startswith("fail"):  # every failing figure has its rerun on independent data
            assert row["confirmation"]["status"] in ("pass", "fail: above", "fail: below")
            assert 0.9 * row["replicates"] <= row["confirmation"]["replicates"] <= row["replicates"] + row["missing"]


def _row(count, replicates, nominal, rule, exact=None):
    return {"count": count, "replicates": replicates, "nominal": nominal, "rule": rule, "exact": exact}


def test_the_rule_judges_against_nominal_and_exact_values_within_three_standard_errors():
    # s.e. at 0.05 with R = 1000: 0.00689; 3 s.e. = 0.0207
    assert judge(_row(70, 1000, 0.05, "within"))[2] == "pass"
    assert judge(_row(71, 1000, 0.05, "within"))[2] == "fail: above"
    assert judge(_row(29, 1000, 0.05, "within"))[2] == "fail: below"
    assert judge(_row(0, 1000, 0.05, "at_most"))[2] == "pass"           # a discrete test may be conservative
    assert judge(_row(71, 1000, 0.05, "at_most"))[2] == "fail: above"
    assert judge(_row(1000, 1000, 0.95, "at_least"))[2] == "pass"
    assert judge(_row(1000, 1000, 0.95, "within"))[2] == "fail: above"  # over-coverage fails a two-sided rule
    # with an exact value the figure must also reproduce it: attainable size 0.039 at n = 8
    assert judge(_row(39, 1000, 0.05, "at_most", exact=0.0390625))[2] == "pass"
    assert judge(_row(5, 1000, 0.05, "at_most", exact=0.0390625))[2] == "fail: below"
    # ... and the exact value must meet the rule itself
    assert judge(_row(80, 1000, 0.05, "at_most", exact=0.08))[2] == "fail: above"
    assert judge(_row(None, 0, 0.8, "within")) == (None, None, "n/a")
    observed, se, _ = judge(_row(50, 1000, 0.05, "within"))
    assert observed == 0.05 and se == pytest.approx(math.sqrt(0.05 * 0.95 / 1000))


def test_the_exact_wilcoxon_null_distribution_gives_scipys_exact_p_values():
    for n in (8, 15):
        pmf = signrank_null(n)
        assert pmf.sum() == pytest.approx(1, abs=1e-15)
        at_most = np.cumsum(pmf)
        for v in range(n * (n + 1) // 2 + 1):
            # signed ranks with W+ = v: the greedy choice from n down
            signed, remaining = [], v
            for rank in range(n, 0, -1):
                signed.append(float(rank) if rank <= remaining else -float(rank))
                remaining -= rank if rank <= remaining else 0
            assert stats.wilcoxon(signed, alternative="less", method="exact").pvalue == pytest.approx(
                at_most[v], abs=1e-14)


def test_the_attainable_size_and_exact_interval_confidence_at_eight_pairs():
    # P(V <= 3) = 5/256, P(V <= 4) = 7/256 for n = 8: reject two-sided at p < 0.05 when V <= 3 or V >= 33
    values = wilcoxon_exact_values(8)
    assert values["size"]["two-sided"] == 10 / 256
    assert values["coverage"]["two-sided"] == 1 - 10 / 256  # R's qsignrank(0.025, 8) = 4


def test_the_population_rank_biserial_of_normal_differences():
    for delta, sd in ((0.0, 1.0), (2.0, 4.0), (1.5, 1.0), (-0.7, 2.0)):
        assert rank_biserial_normal(delta, sd) == pytest.approx(rank_biserial_normal_by_quadrature(delta, sd),
                                                                abs=1e-10)
    # and by simulation: the mean sign of D1 + D2 for independent normal differences
    rng = np.random.default_rng(5)
    d = rng.normal(2.0, 4.0, size=(2, 400_000))
    assert np.mean(np.sign(d[0] + d[1])) == pytest.approx(rank_biserial_normal(2.0, 4.0), abs=0.005)


def test_the_engines_rank_biserial_is_the_mean_sign_of_the_walsh_sums():
    rng = np.random.default_rng(3)
    for _ in range(20):
        d = rng.integers(-3, 4, size=15).astype(float)             # ties and zeros
        nonzero = d[d != 0]
        i, j = np.triu_indices(nonzero.size)
        r = wilcoxon_signed_rank(np.zeros_like(d), d).effect_size
        assert r == pytest.approx(np.mean(np.sign(nonzero[i] + nonzero[j])), abs=1e-12)


def test_the_likert_model_and_its_true_values():
    for shift in (0.0, calibration.LIKERT_SHIFT):
        assert sum(calibration.likert_cells(shift)) == pytest.approx(1, abs=1e-12)
    assert calibration.likert_pseudo_median(0.0) == 0
    assert calibration.likert_rank_biserial(0.0) == pytest.approx(0, abs=1e-12)
    assert calibration.likert_pseudo_median(calibration.LIKERT_SHIFT) == 1.0


def test_a_cell_gives_the_same_counts_on_every_run():
    cell = Cell("calibration", "wilcoxon", "likert-effect", 15, replicates=10, seed=123)
    assert run_cell(cell) == run_cell(cell)


def test_the_open_failures_listed_for_the_slow_test_are_exactly_those_of_the_full_study(results):
    from tests.integration.statistics.test_calibration import OPEN, key

    assert {key(r) for r in results["rows"] if r["status"].startswith("fail")} == set(OPEN)
