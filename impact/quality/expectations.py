"""Running Great Expectations 1.x suites on pandas frames, one validation per initiative.

GX is imported here only (importing it takes seconds). One ephemeral context
per process; progress bars and usage statistics are off.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence

import pandas as pd

from impact.warehouse import tables

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

#: The columns of ``quality.quality_results``, as declared in :mod:`impact.warehouse.tables`.
RESULT_COLUMNS = tables.QUALITY_RESULTS.column_names


@functools.cache
def _batch_definition():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("coaching_warehouse")
    return source.add_dataframe_asset(name="frame").add_batch_definition_whole_dataframe("whole_frame")


def validate(frame: pd.DataFrame, expectations: Sequence) -> list:
    """Validate a whole frame against expectations; returns GX's per-expectation results."""
    import great_expectations as gx

    suite = gx.ExpectationSuite(name="suite", expectations=[e.copy() for e in expectations])
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame.reset_index(drop=True)})
    return list(batch.validate(suite, result_format="COMPLETE").results)


def _plain(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


def _expected_text(config) -> str:
    kwargs = {k: v for k, v in config.kwargs.items() if k not in ("column", "column_list", "batch_id", "result_format")}
    return ", ".join(f"{k}={_plain(v)}" for k, v in sorted(kwargs.items()) if v is not None)


def run_rule(
    *,
    check_name: str,
    table_name: str,
    severity: str,
    frame: pd.DataFrame,
    initiative_ids: Sequence[str],
    expectations: Callable[[pd.DataFrame], Sequence],
    locate: Callable[[pd.DataFrame], pd.Series] | None = None,
) -> pd.DataFrame:
    """One result row per expectation and initiative.

    ``expectations(frame_of_initiative)`` builds the suite (so it can depend
    on the columns an initiative has). ``locate(rows)`` names failing rows for
    people, e.g. ``survey_baseline.csv row 12``.
    """
    rows = []
    for initiative_id in sorted(initiative_ids):
        part = frame[frame["initiative_id"] == initiative_id].reset_index(drop=True)
        suite = list(expectations(part))
        if not suite:
            continue
        for result in validate(part, suite):
            config = result.expectation_config
            info = result.result or {}
            failing = info.get("unexpected_index_list") or []
            where = None
            if failing and locate is not None:
                where = "; ".join(locate(part.loc[[i for i in failing if isinstance(i, int)][:10]]).tolist())
            observed = info.get("observed_value")
            if observed is None and where is None and info.get("partial_unexpected_list"):
                observed = ", ".join(_plain(v) for v in info["partial_unexpected_list"][:5])
            rows.append(
                {
                    "check_name": check_name,
                    "table_name": table_name,
                    "initiative_id": initiative_id,
                    "severity": severity,
                    "outcome": "passed" if result.success else ("failed" if severity == "ERROR" else "warning"),
                    "expectation": config.type,
                    "column": config.kwargs.get("column")
                    or ",".join(config.kwargs.get("column_list") or [])
                    or ",".join(filter(None, [config.kwargs.get("column_A"), config.kwargs.get("column_B")])),
                    "element_count": info.get("element_count"),
                    "unexpected_count": info.get("unexpected_count"),
                    "unexpected_percent": info.get("unexpected_percent"),
                    "observed_value": _plain(observed),
                    "expected": _expected_text(config),
                    "description": (config.meta or {}).get("description"),
                    "failing_rows": where,
                }
            )
    return tables.QUALITY_RESULTS.conform(pd.DataFrame(rows, columns=list(RESULT_COLUMNS)))
