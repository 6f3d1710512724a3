"""Work spread over the machine's cores: one function over many items in worker processes.

Used where the work is pure CPU on inputs that pickle cheaply and each item is independent: reading the
drops of many initiatives against the contract, and rendering many yearly reports. Results come back in
the order of the items, so the outcome is the same bytes whichever worker did what.

Workers start from a fork server that has imported :data:`PRELOAD` already, so a worker costs a fork,
not a fresh interpreter, and no lock or thread of the calling process (Dagster's) is copied into it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

#: What the fork server imports before it forks a worker (the server starts once per process).
PRELOAD = ["impact.contracts.staging", "impact.reporting.yearly"]
#: Where the number of worker processes can be set (default: one per core this process may use).
WORKERS_VARIABLE = "COACHING_WORKERS"


def available_cores() -> int:
    """The cores this process may run on (the container's cpuset, not the host's count; a CPU *limit*
    is not seen, so set :data:`WORKERS_VARIABLE` in a container with one)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def worker_count(configured: int | None = None) -> int:
    """``configured`` if given, else ``$COACHING_WORKERS``, else :func:`available_cores`."""
    return count_setting(configured, WORKERS_VARIABLE) or available_cores()


def count_setting(configured: int | None, variable: str) -> int | None:
    """``configured`` if given, else the whole number in the environment variable ``variable`` (at least 1),
    else ``None``."""
    if configured:
        return configured
    value = os.environ.get(variable, "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{variable} must be a whole number of at least 1, not {value!r}")
    return int(value)


def split_evenly(items: Sequence[Any], parts: int) -> list[list[Any]]:
    """``items`` in at most ``parts`` consecutive runs whose lengths differ by at most one (the first ones
    longer), in order; one empty run for no items."""
    parts = max(1, min(parts, len(items)))
    size, longer = divmod(len(items), parts)
    runs, start = [], 0
    for i in range(parts):
        end = start + size + (i < longer)
        runs.append(list(items[start:end]))
        start = end
    return runs


def map_in_processes(fn: Callable[[Any], Any], items: Sequence[Any], workers: int, *,
                     initializer: Callable | None = None, initargs: tuple = (),
                     progress: Callable[[int, int], None] | None = None) -> list[Any]:
    """``[fn(item) for item in items]`` with up to ``workers`` processes, in the order of ``items``.

    ``fn`` and ``initializer`` must be module-level functions; ``initializer(*initargs)`` runs once in each
    worker (to hand it large shared inputs once, not with every item). ``progress(done, total)`` is called
    in this process as items finish. With one worker or one item everything runs here. The first error of
    an item is raised here, and items not started yet are not run."""
    total = len(items)
    workers = max(1, min(workers, total))
    if workers == 1:
        if initializer is not None:
            initializer(*initargs)
        results = []
        for item in items:
            results.append(fn(item))
            if progress:
                progress(len(results), total)
        return results
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    results: dict[int, Any] = {}
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=initializer,
                             initargs=initargs) as pool:
        futures = {pool.submit(fn, item): i for i, item in enumerate(items)}
        try:
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if progress:
                    progress(len(results), total)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return [results[i] for i in range(total)]
