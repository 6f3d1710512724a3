"""Running Great Expectations 1.x suites on pandas frames: few validations, results per initiative.

A rule states its expectations per initiative (:func:`run_rule`). Initiatives whose suites are equal are
validated together, on one frame of all their rows, and GX's per-row output (``unexpected_index_list``
of result format COMPLETE) is split back per initiative, with the counts GX would have made on each
initiative's part; only expectations on a whole frame (a mean, a standard deviation, a row count…)
are validated per initiative. :data:`ROW_WISE`, :data:`WHOLE_FRAME_NULLS`, :data:`PAIR_ROW_WISE` and
:data:`UNIQUE` say which expectation types are split and how; any other type is validated per
initiative, as is a group whose validation raised.

GX is imported here only (importing it takes seconds). One ephemeral context
per process (:func:`_batch_definition` is cached); progress bars and usage statistics are off.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
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


#: Column-map expectations whose verdict on a row depends on that row's value only. GX leaves the missing
#: values out: ``unexpected_percent`` and ``mostly`` are over the non-missing values.
ROW_WISE = frozenset({
    "expect_column_values_to_be_between",
    "expect_column_values_to_be_in_set",
    "expect_column_values_to_not_be_in_set",
    "expect_column_values_to_match_regex",
    "expect_column_values_to_not_match_regex",
})
#: Column-map expectations about missing values themselves: ``unexpected_percent`` and ``mostly`` are over
#: all rows (GX passes no count of non-missing values).
WHOLE_FRAME_NULLS = frozenset({"expect_column_values_to_not_be_null", "expect_column_values_to_be_null"})
#: Column-pair map expectations, row by row: over the rows that ``ignore_row_if`` keeps.
PAIR_ROW_WISE = frozenset({"expect_column_pair_values_a_to_be_greater_than_b"})
#: Uniqueness, which GX judges over the whole frame: validated with the initiative in the key (a column of
#: (initiative, value) pairs; the initiative as the first column of the compound), so that each initiative's
#: duplicates are its own. Over the non-missing values (a column), the rows ``ignore_row_if`` keeps (compound).
UNIQUE = frozenset({"expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"})
#: ``partial_unexpected_list``'s length in GX's result formats.
PARTIAL_UNEXPECTED_COUNT = 20


@dataclass
class _Outcome:
    """What :func:`run_rule` reads of one GX result, for one initiative."""

    success: bool
    config: object  # the ExpectationConfiguration
    info: dict = field(default_factory=dict)  # GX's ``result`` dict


def _outcomes(part: pd.DataFrame, suite: Sequence) -> list[_Outcome]:
    return [_Outcome(bool(r.success), r.expectation_config, r.result or {}) for r in validate(part, suite)]


def _suite_key(suite: Sequence) -> str:
    """Equal for equal suites: every expectation's configuration, with the types of its values."""
    configs = [e.configuration for e in suite]  # built anew on every access
    return json.dumps([[c.to_json_dict(), repr(sorted(c.kwargs.items()))] for c in configs], sort_keys=True, default=repr)


def _split_kind(expectation) -> str | None:
    """How an expectation's result is split per initiative; None: it is validated per initiative."""
    config = expectation.configuration
    if config.kwargs.get("row_condition") is not None:
        return None
    if config.type in ROW_WISE or config.type == "expect_column_values_to_be_unique":
        return "column"
    if config.type in WHOLE_FRAME_NULLS:
        return "all_rows"
    if config.type in PAIR_ROW_WISE:
        return "pair"
    if config.type == "expect_compound_columns_to_be_unique":
        return "compound"
    return None


def _raised(result) -> bool:
    info = result.exception_info or {}
    if info.get("raised_exception"):
        return True
    return any(isinstance(v, dict) and v.get("raised_exception") for v in info.values())


def _considered(group: pd.DataFrame, expectation, kind: str) -> np.ndarray:
    """Per row of the group frame: does GX count it in the denominator of ``unexpected_percent`` and ``mostly``?"""
    kwargs = expectation.configuration.kwargs
    if kind == "all_rows":
        return np.ones(len(group), dtype=bool)
    if kind == "column":  # the non-missing values (GX's column_values.nonnull)
        return ~group[kwargs["column"]].isnull().to_numpy()
    if kind == "pair":  # PandasExecutionEngine.get_domain_records: dropna over the pair
        present = group[[kwargs["column_A"], kwargs["column_B"]]].notna()
        how = expectation.ignore_row_if
        if how == "either_value_is_missing":
            return present.all(axis=1).to_numpy()
        if how == "both_values_are_missing":
            return present.any(axis=1).to_numpy()
        return np.ones(len(group), dtype=bool)  # neither
    present = group[list(kwargs["column_list"])].notna()  # compound: dropna over the column list
    how = expectation.ignore_row_if
    if how == "all_values_are_missing":
        return present.any(axis=1).to_numpy()
    if how == "any_value_is_missing":
        return present.all(axis=1).to_numpy()
    return np.ones(len(group), dtype=bool)  # never


def _group_expectation(group: pd.DataFrame, expectation, kind: str, name: str):
    """The expectation validated on the group frame: itself, or uniqueness with the initiative in the key
    (which adds column ``name`` to ``group``)."""
    import great_expectations as gx

    config = expectation.configuration
    if config.type == "expect_column_values_to_be_unique":
        column = config.kwargs["column"]
        keys = pd.Series(list(zip(group["initiative_id"], group[column])), index=group.index, dtype=object)
        keys[group[column].isnull().to_numpy()] = None  # missing stays missing: GX leaves it out
        group[name] = keys
        return gx.expectations.ExpectColumnValuesToBeUnique(column=name, mostly=expectation.mostly)
    if config.type == "expect_compound_columns_to_be_unique":
        columns = list(config.kwargs["column_list"])
        initiative = group["initiative_id"].astype(object).copy()
        if expectation.ignore_row_if == "all_values_are_missing":  # such a row stays all missing, so left out
            initiative[group[columns].isna().all(axis=1).to_numpy()] = None
        group[name] = initiative
        return gx.expectations.ExpectCompoundColumnsToBeUnique(
            column_list=[name, *columns], ignore_row_if=expectation.ignore_row_if, mostly=expectation.mostly)
    return expectation


def _mostly_success(considered: int, unexpected: int, mostly: float) -> bool:
    """GX's ``_mostly_success``."""
    return (float(considered) - float(unexpected)) / float(considered) >= mostly


def _unexpected_values(group: pd.DataFrame, expectation, rows: np.ndarray) -> list:
    """GX's ``unexpected_list`` entries for these rows of the group frame, as its pandas metrics build them
    (``_pandas_column_map_condition_values``, ``…column_pair…``, ``…multicolumn…``). Taken from the frame, not
    from GX's result, which keeps only the first 200 of a whole group."""
    kwargs = expectation.configuration.kwargs
    if "column" in kwargs:
        return list(group[kwargs["column"]].iloc[rows])
    if "column_A" in kwargs:
        pair = group[[kwargs["column_A"], kwargs["column_B"]]].iloc[rows]
        return list(zip(pair[kwargs["column_A"]].values, pair[kwargs["column_B"]].values, strict=False))
    return group[list(kwargs["column_list"])].iloc[rows].to_dict("records")


def _split(result, expectation, kind: str, group: pd.DataFrame, offsets: np.ndarray) -> list[_Outcome]:
    """One group result as the results of each initiative (rows ``offsets[k]:offsets[k + 1]`` of the group):
    its unexpected rows, and the counts, percentages and verdict GX makes of them on that initiative's rows.
    Of the unexpected values only ``partial_unexpected_list`` is given (``run_rule`` reads no more)."""
    index = np.sort(np.asarray(result.result["unexpected_index_list"], dtype=np.int64))  # GX: frame order
    bounds = np.searchsorted(index, offsets, side="left")
    counted = np.concatenate([[0], np.cumsum(_considered(group, expectation, kind), dtype=np.int64)])
    config = result.expectation_config if expectation.configuration.type not in UNIQUE else expectation.configuration
    mostly = expectation.mostly
    outcomes = []
    for k in range(len(offsets) - 1):
        start, end = int(offsets[k]), int(offsets[k + 1])
        element_count = end - start
        denominator = int(counted[end] - counted[start])
        mine = index[int(bounds[k]):int(bounds[k + 1])]
        count = len(mine)
        if element_count == 0 or denominator == 0:
            success, percent = True, None
        else:
            success, percent = _mostly_success(denominator, count, mostly), count / denominator * 100
        partial = mine[:PARTIAL_UNEXPECTED_COUNT]
        outcomes.append(_Outcome(success, config, {
            "element_count": element_count,
            "unexpected_count": count,
            "unexpected_percent": percent,
            "partial_unexpected_list": _unexpected_values(group, expectation, partial) if count else [],
            "unexpected_index_list": [int(i) - start for i in mine],
        }))
    return outcomes


def _gx_order(suite: Sequence) -> list[int]:
    """The order of GX's results for ``suite`` when none raised: grouped by column, columns and the
    expectations without one in the order they first appear (``Validator.process_expectations_for_validation``)."""
    columns: dict[str, list[int]] = {}
    for i, e in enumerate(suite):
        column = e.configuration.kwargs.get("column")
        columns.setdefault(column if isinstance(column, str) else "_nocolumn", []).append(i)
    return [i for indices in columns.values() for i in indices]


def _in_suite_order(results: list, suite: Sequence) -> list | None:
    """GX's results of ``suite`` by the suite's index; None when one raised or they are not where expected."""
    order = _gx_order(suite)
    if len(results) != len(suite) or any(_raised(r) for r in results):
        return None
    by_index: list = [None] * len(suite)
    for i, r in zip(order, results):
        config = suite[i].configuration
        if r.expectation_config.type != config.type or any(
                r.expectation_config.kwargs.get(k) != v for k, v in config.kwargs.items()):
            return None
        by_index[i] = r
    return by_index


def _validate_group(frame: pd.DataFrame, positions: list[np.ndarray], parts: list[pd.DataFrame],
                    suite: Sequence) -> list[list[_Outcome]]:
    """The results of several initiatives with one suite (``positions``: each one's rows in ``frame``,
    ``parts``: those rows), in GX's order, as validating each part would give them."""
    kinds = [_split_kind(e) for e in suite]
    if len(parts) == 1 or all(k is None for k in kinds):
        return [_outcomes(part, suite) for part in parts]
    group = frame.iloc[np.concatenate(positions)].reset_index(drop=True)
    offsets = np.concatenate([[0], np.cumsum([len(p) for p in parts])])
    split_at = [i for i, k in enumerate(kinds) if k is not None]
    names = {i: f"__impact_split_{i}" for i in split_at}
    validated = [_group_expectation(group, suite[i], kinds[i], names[i]) for i in split_at]
    results = _in_suite_order(validate(group, validated), validated)
    if results is None or any(not isinstance(r.result, dict) or "unexpected_index_list" not in r.result for r in results):
        return [_outcomes(part, suite) for part in parts]  # one initiative's values may have raised: each on its own
    split = {i: _split(r, suite[i], kinds[i], group, offsets) for i, r in zip(split_at, results)}
    whole = [i for i, k in enumerate(kinds) if k is None]
    order = _gx_order(suite)
    outcomes = []
    for k, part in enumerate(parts):
        mine = {i: s[k] for i, s in split.items()}
        if whole:
            aggregates = _in_suite_order(validate(part, [suite[i] for i in whole]), [suite[i] for i in whole])
            if aggregates is None:  # raised: GX would list it first; validate the whole suite as before
                outcomes.append(_outcomes(part, suite))
                continue
            mine.update({i: _Outcome(bool(r.success), r.expectation_config, r.result or {})
                         for i, r in zip(whole, aggregates)})
        outcomes.append([mine[i] for i in order])
    return outcomes


def _row(check_name: str, table_name: str, severity: str, initiative_id: str, part: pd.DataFrame,
         outcome: _Outcome, locate) -> dict:
    config, info = outcome.config, outcome.info
    failing = info.get("unexpected_index_list") or []
    where = None
    if failing and locate is not None:
        where = "; ".join(locate(part.loc[[i for i in failing if isinstance(i, int)][:10]]).tolist())
    observed = info.get("observed_value")
    if observed is None and where is None and info.get("partial_unexpected_list"):
        observed = ", ".join(_plain(v) for v in info["partial_unexpected_list"][:5])
    return {
        "check_name": check_name,
        "table_name": table_name,
        "initiative_id": initiative_id,
        "severity": severity,
        "outcome": "passed" if outcome.success else ("failed" if severity == "ERROR" else "warning"),
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
    """One result row per expectation and initiative, as validating each initiative's part of ``frame`` on
    its own would give them, with as few validations as the suites allow (the module's docstring).

    ``expectations(frame_of_initiative)`` builds the suite (so it can depend
    on the columns an initiative has). ``locate(rows)`` names failing rows for
    people, e.g. ``survey_baseline.csv row 12``.
    """
    found = frame.groupby("initiative_id", sort=False).indices if len(frame) else {}
    none = np.array([], dtype=np.int64)
    parts: dict[str, pd.DataFrame] = {}
    groups: dict[str, list[str]] = {}
    suites: dict[str, list] = {}
    for initiative_id in sorted(set(initiative_ids)):
        part = frame.iloc[found.get(initiative_id, none)].reset_index(drop=True)
        suite = list(expectations(part))
        if not suite:
            continue
        parts[initiative_id] = part
        key = _suite_key(suite)
        suites.setdefault(key, suite)
        # an initiative without rows is validated once per suite: its results are those of any other such
        groups.setdefault(key + ("\0empty" if part.empty else ""), []).append(initiative_id)
    outcomes: dict[str, list[_Outcome]] = {}
    for key, members in groups.items():
        suite = suites[key.removesuffix("\0empty")]
        if key.endswith("\0empty"):
            once = _outcomes(parts[members[0]], suite)
            outcomes.update({m: once for m in members})
            continue
        results = _validate_group(frame, [found[m] for m in members], [parts[m] for m in members], suite)
        outcomes.update(zip(members, results))
    rows = [
        _row(check_name, table_name, severity, initiative_id, parts[initiative_id], outcome, locate)
        for initiative_id in sorted(initiative_ids) if initiative_id in outcomes
        for outcome in outcomes[initiative_id]
    ]
    return tables.QUALITY_RESULTS.conform(pd.DataFrame(rows, columns=list(RESULT_COLUMNS)))
