"""The bare baseline (benchmarks/baseline.py) against the pipeline on the sample year: the same rows staged per
table, and the same pairs, mean differences and p-values for the hypotheses. Nothing is timed here.

What may differ, by design (BENCHMARKS.md, "The bare baseline"): the baseline reads no stories, so
``staging.stories`` and the stories' drops are the pipeline's alone; on the sample year every other table matches
exactly, so the tolerance below is zero rows.
"""

from __future__ import annotations

import duckdb
import pytest

from benchmarks.baseline import run
from tests.conftest import SAMPLE_RAW_DATA

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TABLES = ("participants", "activities", "survey_responses", "coaching_sessions")
ROWS_TOLERANCE = 0  # rows per table the baseline may stage more or fewer than the pipeline on the sample year


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    out = tmp_path_factory.mktemp("baseline") / "baseline.duckdb"
    summary = run(SAMPLE_RAW_DATA, out)
    con = duckdb.connect(str(out), read_only=True)
    yield summary, con
    con.close()


def _rows(con, sql):
    return con.sql(sql).fetchall()


def test_staged_rows_per_table_equal_the_pipelines(built_sample, baseline):
    summary, con = baseline
    for table in TABLES:
        pipeline = _rows(built_sample["con"], f"SELECT count(*) FROM staging.{table}")[0][0]
        ours = _rows(con, f"SELECT count(*) FROM staging.{table}")[0][0]
        assert abs(ours - pipeline) <= ROWS_TOLERANCE, (table, pipeline, ours)
        assert summary["staged"][table] == ours


def test_staged_and_quarantined_rows_per_drop_equal_the_pipelines(built_sample, baseline):
    _, con = baseline
    query = ("SELECT source_file, raw_rows, staged_rows, quarantined_rows FROM staging.drops "
             "WHERE table_name <> 'stories' ORDER BY source_file")
    assert _rows(con, query) == _rows(built_sample["con"], query)


def test_hypothesis_results_equal_the_warehouses(built_sample, baseline):
    _, con = baseline
    query = ("SELECT initiative_id, hypothesis_id, test, n_pairs, mean_difference, p_value, p_adjusted "
             "FROM marts.hypothesis_results ORDER BY initiative_id, hypothesis_id")
    pipeline, ours = _rows(built_sample["con"], query), _rows(con, query)
    assert [r[:4] for r in ours] == [r[:4] for r in pipeline]
    for mine, theirs in zip(ours, pipeline):
        for a, b in zip(mine[4:], theirs[4:]):
            assert (a is None and b is None) or a == pytest.approx(b, rel=1e-9, abs=1e-12), (mine, theirs)
