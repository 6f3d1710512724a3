"""impact.parallel: results in the order of the items, and a worker's error raised in the caller."""

from __future__ import annotations

import os

import pytest

from impact.parallel import map_in_processes, split_evenly, worker_count

pytestmark = pytest.mark.unit

_OFFSET = {}


def _remember(offset: int) -> None:
    _OFFSET["value"] = offset


def _square_plus_offset(x: int) -> tuple[int, int]:
    return x * x + _OFFSET["value"], os.getpid()


def _refuse_three(x: int) -> int:
    if x == 3:
        raise ValueError(f"item {x} is refused")
    return x


def test_two_workers_return_what_one_returns_in_the_order_of_the_items():
    items = list(range(12))
    seen = []
    two = map_in_processes(_square_plus_offset, items, 2, initializer=_remember, initargs=(5,),
                           progress=lambda done, total: seen.append((done, total)))
    one = map_in_processes(_square_plus_offset, items, 1, initializer=_remember, initargs=(5,))
    assert [v for v, _ in two] == [v for v, _ in one] == [x * x + 5 for x in items]
    assert {pid for _, pid in two} != {os.getpid()}  # really in other processes
    assert seen == [(k, 12) for k in range(1, 13)]


def test_a_workers_error_is_raised_here():
    with pytest.raises(ValueError, match="item 3 is refused"):
        map_in_processes(_refuse_three, list(range(6)), 2)


def test_the_number_of_workers(monkeypatch):
    monkeypatch.setenv("COACHING_WORKERS", "3")
    assert worker_count() == 3 and worker_count(5) == 5
    monkeypatch.setenv("COACHING_WORKERS", "nul")
    with pytest.raises(ValueError, match="COACHING_WORKERS must be a whole number of at least 1, not 'nul'"):
        worker_count()


def test_items_split_into_runs_of_near_equal_length_in_order():
    assert split_evenly(list("abcdefg"), 3) == [["a", "b", "c"], ["d", "e"], ["f", "g"]]
    assert split_evenly(list("ab"), 5) == [["a"], ["b"]]  # never an empty run beside others
    assert split_evenly(list("abc"), 1) == [["a", "b", "c"]]
    assert split_evenly([], 4) == [[]]  # one empty run: the steps after it still run


def test_the_number_of_report_steps(monkeypatch):
    from pipelines.resources import ReportSettings

    monkeypatch.delenv("COACHING_REPORT_STEPS", raising=False)
    assert ReportSettings().report_step_count() == 1
    monkeypatch.setenv("COACHING_REPORT_STEPS", "4")
    assert ReportSettings().report_step_count() == 4 and ReportSettings(report_steps=2).report_step_count() == 2
    monkeypatch.setenv("COACHING_REPORT_STEPS", "0")
    with pytest.raises(ValueError, match="COACHING_REPORT_STEPS must be a whole number of at least 1, not '0'"):
        ReportSettings().report_step_count()
