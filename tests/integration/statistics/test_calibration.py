"""The calibration study (docs/calibration.md) on a tenth of its replicates.

The full study is ``make calibrate`` (about 15 minutes on 2 cores); this runs the same design, seeds and
rules with 400 data sets per paired-t and McNemar cell and 200 per Wilcoxon cell, so each Monte Carlo s.e.
is about three times the full study's and the 3-s.e. rule uses it. The data sets are the first tenth of the
full study's (same seed per cell).

What fails the test:

- a figure the full study passes that fails here **and** fails again on an independent rerun (a new seed).
  With about 290 figures at 3 s.e., one failure by chance is expected per run; two independent ones for the
  same figure are not (p ≈ 0.003² per figure);
- a change in the figures that fail the full study: :data:`OPEN` must list exactly the failures in
  docs/calibration.json (tests/unit/statistics/test_calibration_doc.py checks that), so a fix or a new
  failure has to be written down.

The figures in :data:`OPEN` are figures the full study fails, stated with the reason in docs/calibration.md;
this test reports them and does not hide them behind a looser rule.
"""

from __future__ import annotations

import os

import pytest

from impact.statistics.calibration import REPLICATES, failing, run_study

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SCALE = 0.1

# (figure, test, data model, n, alternative) of every figure that fails the full study, with why.
OPEN: dict[tuple[str, str, str, int, str], str] = {}


def key(row: dict) -> tuple[str, str, str, int, str]:
    return row["table"], row["test"], row["model"], row["n"], row["alternative"]


def _describe(row: dict) -> str:
    rerun = row.get("confirmation")
    return (f"{row['table']} {row['test']} {row['model']} n={row['n']} {row['alternative']}: observed "
            f"{row['observed']:.4f} (s.e. {row['se']:.4f}, R = {row['replicates']}) against nominal "
            f"{row['nominal']}" + ("" if row["exact"] is None else f", exact {row['exact']:.4f}")
            + f", rule {row['rule']}: {row['status']}"
            + ("" if not rerun else f"; independent rerun {rerun['observed']:.4f}: {rerun['status']}"))


def test_no_figure_the_full_study_passes_fails_twice_on_a_tenth_of_the_data():
    results = run_study(scale=SCALE, workers=min(2, os.cpu_count() or 1))
    assert results["settings"]["replicates"] == {t: round(r * SCALE) for t, r in REPLICATES.items()}
    judged = [r for r in results["rows"] if r["status"] != "n/a"]
    assert len(judged) > 250
    confirmed = [r for r in failing(results) if key(r) not in OPEN
                 and (r.get("confirmation") or {"status": "fail"})["status"].startswith("fail")]
    assert not confirmed, f"{len(confirmed)} of {len(judged)} figures fail twice:\n" + "\n".join(map(_describe, confirmed))
