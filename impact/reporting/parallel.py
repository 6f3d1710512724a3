"""Rendering many yearly reports at once, one process per core (:func:`impact.parallel.map_in_processes`).

Rendering a report (matplotlib, WeasyPrint, openpyxl) is pure CPU work on the report data, which is read
once from the warehouse (:mod:`impact.reporting.report_data`); it never touches the warehouse. Each worker
receives the report data once (pickled) and then builds and publishes the reports it is given. Each
report is the same bytes whichever worker renders it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from impact.parallel import map_in_processes
from impact.reporting.report_data import ReportData


@dataclass(frozen=True)
class Rendered:
    """One yearly report as published: its files and the chart shown as its preview."""

    initiative_id: str
    files: list[Path]
    preview: bytes


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
                          progress: Callable[[int, int], None] | None = None) -> list[Rendered]:
    """Render the yearly reports of ``initiative_ids`` with up to ``workers`` processes; returns them in the
    order given. ``progress(done, total)`` is called as reports are published."""
    return map_in_processes(_render_in_worker, list(initiative_ids), workers, initializer=_start_worker,
                            initargs=(data, language, version, year_folder), progress=progress)
