"""What ``coaching build`` shows while a run works: the stage, the steps done, the initiatives staged or
reports written in the current step, and the time elapsed.

The run reports through a Dagster logger (:data:`progress_logger`, enabled only by the CLI's run config):
it receives every event of the run, so a step's start and end need nothing from the assets. A step that
works through many initiatives or reports logs :func:`progress_line` now and then (the Dagster UI shows
these lines too) and the logger reads them back with :data:`PROGRESS`.

On a terminal the display is a progress bar (rich); otherwise (a log file, CI, a pipe) it prints plain
lines: one when a stage begins and the in-step counts, at most about twenty per step. Dagster runs a
stage's steps mixed with the next stage's (a table's checks right after the table), so a stage is named
once, when its first step starts.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from typing import TextIO

from dagster import logger

#: How a step tells how far it is: ``"<what>: <done> of <total>"``, ``what`` one of :data:`WHAT`.
PROGRESS = re.compile(r"^(?P<what>initiatives|reports): (?P<done>\d+) of (?P<total>\d+)$")
WHAT = ("initiatives", "reports")
LINES_PER_STEP = 20


def progress_line(what: str, done: int, total: int) -> str:
    """The log line a step writes after ``done`` of ``total`` initiatives or reports."""
    if what not in WHAT:
        raise ValueError(f"progress of {what!r}: one of {', '.join(WHAT)}")
    return f"{what}: {done} of {total}"


def worth_telling(done: int, total: int, lines: int = LINES_PER_STEP) -> bool:
    """Whether ``done`` is one of about ``lines`` evenly spaced moments of the step (always the last)."""
    return done == total or done % max(1, total // lines) == 0


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes:d}:{seconds:02d}"


class BuildProgress:
    """The display of one ``coaching build``: ``stages`` maps a step key to its stage (the asset's group,
    or ``checks``); ``tr`` the CLI's translator; ``out`` where to write; ``terminal`` whether ``out`` is
    one (default: ask it)."""

    def __init__(self, stages: dict[str, str], tr, out: TextIO | None = None, terminal: bool | None = None,
                 clock=time.monotonic):
        self.stages, self.tr, self.clock = stages, tr, clock
        self.out = out or sys.stdout
        self.terminal = self.out.isatty() if terminal is None else terminal
        self.started = clock()
        self.done: set[str] = set()  # the planned steps that finished (a step split into batches counts once)
        self.stage: str | None = None
        self.begun: set[str] = set()
        self._bar = None

    # -- events -----------------------------------------------------------------------------------

    @staticmethod
    def planned(step_key: str) -> str:
        """The planned step a step of the run is: a dynamic step ``<step>[<mapping key>]`` is ``<step>``."""
        return step_key.split("[")[0]

    @property
    def steps_done(self) -> int:
        return len(self.done)

    def step_started(self, step_key: str) -> None:
        self.stage = self.stages.get(self.planned(step_key), "checks")
        if self.stage not in self.begun:
            self.begun.add(self.stage)
            self._plain(self.tr.t("cli.progress.stage", stage=self._stage_words(), done=self.steps_done,
                                  total=len(self.stages)))
        self._show(step_key, None)

    def step_finished(self, step_key: str) -> None:
        self.done.add(self.planned(step_key))
        self._show(step_key, None)

    def advanced(self, step_key: str, what: str, done: int, total: int) -> None:
        self._plain("  " + self.tr.t(f"cli.progress.{what}", done=done, total=total))
        self._show(step_key, (what, done, total))

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    # -- output -----------------------------------------------------------------------------------

    def _stage_words(self) -> str:
        return self.tr.t(f"cli.progress.stages.{self.stage}")

    def _plain(self, text: str) -> None:
        if not self.terminal:
            print(f"[{_clock(self.clock() - self.started)}] {text}", file=self.out, flush=True)

    def _show(self, step_key: str, count: tuple[str, int, int] | None) -> None:
        if not self.terminal:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        if self._bar is None:
            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=Console(file=self.out), transient=True)
            self._task = self._bar.add_task("", total=len(self.stages))
            self._bar.start()
        label = f"{self._stage_words()} · {step_key}"
        if count is not None:
            what, done, total = count
            label += " · " + self.tr.t(f"cli.progress.{what}", done=done, total=total)
        self._bar.update(self._task, completed=self.steps_done, description=label)


#: The display of the build in progress in this process (set by the CLI around its runs).
CURRENT: list[BuildProgress] = []


class _Forward(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None)
        if not CURRENT or not meta or not meta.get("step_key"):
            return
        display, step_key, event = CURRENT[-1], meta["step_key"], meta.get("dagster_event")
        if event is not None:
            if event.event_type_value == "STEP_START":
                display.step_started(step_key)
            elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"):
                display.step_finished(step_key)
            return
        found = PROGRESS.match(str(meta.get("orig_message", "")))
        if found:
            display.advanced(step_key, found["what"], int(found["done"]), int(found["total"]))


@logger(description="Forwards a run's steps and counts to the display of `coaching build` in the same process.")
def progress_logger(_init_context) -> logging.Logger:
    forward = logging.Logger("coaching.build_progress", level=logging.DEBUG)
    forward.addHandler(_Forward())
    return forward
