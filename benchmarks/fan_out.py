"""Render the reports of a built sample year once, as the bench's fan-out measurement asks (run with the
``COACHING_*`` locations and ``DAGSTER_HOME`` of that build set; ``benchmarks/run.py`` calls it).

    python -m benchmarks.fan_out --executor in_process|multiprocess --steps K --workers W --json OUT

``in_process`` runs the ``reports_only`` job in this process; ``multiprocess`` runs ``reports_in_processes``, a
process per step. OUT gets the run's wall time and the yearly reports' span: from the start of their first step
to the end of their last (their steps overlap under the multiprocess executor).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

YEARLY = "initiative_reports"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--executor", choices=["in_process", "multiprocess"], required=True)
    parser.add_argument("--steps", type=int, required=True, help="steps the yearly reports are split into")
    parser.add_argument("--workers", type=int, required=True, help="processes per rendering step")
    parser.add_argument("--json", type=Path, required=True)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    from dagster import DagsterInstance, execute_job
    from dagster._core.definitions.reconstruct import ReconstructableRepository

    from pipelines.definitions import defs
    from pipelines.partitions import initiative_partitions, partition_range_tags

    run_config = {"resources": {"report_settings": {"config": {"report_steps": args.steps, "workers": args.workers}}}}
    started = time.perf_counter()
    with DagsterInstance.get() as instance:
        keys = list(instance.get_dynamic_partitions(initiative_partitions.name))
        tags = partition_range_tags(keys[0], keys[-1])
        if args.executor == "in_process":
            result = defs.resolve_job_def("reports_only").execute_in_process(
                instance=instance, tags=tags, run_config=run_config, raise_on_error=False)
            ok, run_id = result.success, result.run_id
        else:
            job = ReconstructableRepository.for_module("pipelines.definitions", "defs").get_reconstructable_job(
                "reports_in_processes")
            with execute_job(job, instance=instance, tags=tags, run_config=run_config) as result:
                ok, run_id = result.success, result.run_id
        wall = time.perf_counter() - started
        stats = [s for s in instance.get_run_step_stats(run_id) if s.step_key.split(".")[0] == YEARLY]
    span = max(s.end_time for s in stats) - min(s.start_time for s in stats) if stats else None
    args.json.write_text(json.dumps({"ok": ok, "wall": round(wall, 3), "yearly_span": span and round(span, 3),
                                     "yearly_steps": len(stats), "reports": len(keys)}), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
