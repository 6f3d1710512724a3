"""Rendering many yearly reports at once, one process per core.

Rendering a report (matplotlib, WeasyPrint, openpyxl) is pure CPU work on the report data, which
is read once from the warehouse (:mod:`impact.reporting.report_data`); it never touches the
warehouse. So the reports of a run are spread over worker processes, each of which receives the
report data once (pickled) and then builds and publishes the reports it is given. Each report is
the same bytes whichever worker renders it: the order of work changes nothing but the time.

Workers start from a fork server that has imported the report code already, so a worker costs a
fork rather than a fresh interpreter, and no lock or thread of the calling process (Dagster's) is
copied into it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from impact.reporting.report_data import ReportData

#: What the fork server imports before it forks a worker.
PRELOAD = ["impact.reporting.yearly"]


@dataclass(frozen=True)
class Rendered:
    """One yearly report as published: its files and the chart shown as its preview."""

    initiative_id: str
    files: list[Path]
    preview: bytes


def available_cores() -> int:
    """The cores this process may run on (the container's share, not the host's count)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def render_yearly(data: ReportData, initiative_id: str, language: str, version: dict, year_folder: Path) -> Rendered:
    """Build and publish one initiative's yearly report."""
    from impact.reporting import yearly
    from impact.reporting.publish import publish

    report = yearly.build(data, initiative_id, language, version)
    files = publish(report, year_folder, data.threshold)
    preview = report.charts.get("paired_change") or report.charts["reach_and_activities"]
    return Rendered(initiative_id, files, preview)


_WORKER: dict = {}


def _start_worker(data: ReportData, language: str, version: dict, year_folder: Path) -> None:
    _WORKER.update(data=data, language=language, version=version, year_folder=year_folder)


def _render_in_worker(initiative_id: str) -> Rendered:
    return render_yearly(_WORKER["data"], initiative_id, _WORKER["language"], _WORKER["version"], _WORKER["year_folder"])


def render_yearly_reports(data: ReportData, initiative_ids: Sequence[str], language: str, version: dict,
                          year_folder: Path, workers: int,
                          progress: Callable[[int, int, str], None] | None = None) -> list[Rendered]:
    """Render the yearly reports of ``initiative_ids`` with up to ``workers`` processes; returns them in the
    order given. ``progress(done, total, initiative_id)`` is called as each report is published. With one
    worker (or one report) everything runs in this process."""
    keys = list(initiative_ids)
    total = len(keys)
    workers = max(1, min(workers, total))
    done: dict[str, Rendered] = {}
    if workers == 1:
        for key in keys:
            done[key] = render_yearly(data, key, language, version, year_folder)
            if progress:
                progress(len(done), total, key)
        return [done[k] for k in keys]
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                             initargs=(data, language, version, year_folder)) as pool:
        futures = {pool.submit(_render_in_worker, key): key for key in keys}
        try:
            for future in as_completed(futures):
                rendered = future.result()  # a worker's error (a disclosure violation, a PDF error) is raised here
                done[rendered.initiative_id] = rendered
                if progress:
                    progress(len(done), total, rendered.initiative_id)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)  # the reports not started yet are not rendered
            raise
    return [done[k] for k in keys]
