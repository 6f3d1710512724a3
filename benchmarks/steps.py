"""Print the latest Dagster run's step times as JSON (run with DAGSTER_HOME set; ``benchmarks/run.py`` calls it).

    {"run_id": ..., "job": ..., "partitions": k, "wall": s, "steps": {step: seconds}, "groups": {asset: group}}
"""

from __future__ import annotations

import json
import sys
import warnings


def asset_steps(stats) -> dict[str, float]:
    """Seconds per step, with the steps of a graph-backed asset (``initiative_reports.plan_yearly_reports``,
    ``initiative_reports.render_yearly_report_batch[batch_1_of_2]``, …) added up under the asset."""
    steps: dict[str, float] = {}
    for s in stats:
        if s.start_time is not None and s.end_time is not None:
            key = s.step_key.split(".")[0]
            steps[key] = steps.get(key, 0.0) + (s.end_time - s.start_time)
    return steps


def main() -> int:
    warnings.filterwarnings("ignore")
    from dagster import DagsterInstance

    from pipelines.definitions import defs

    instance = DagsterInstance.get()
    runs = instance.get_runs(limit=1)
    if not runs:
        print(json.dumps({}))
        return 1
    run = runs[0]
    stats = instance.get_run_stats(run.run_id)
    steps = asset_steps(instance.get_run_step_stats(run.run_id))
    graph = defs.resolve_asset_graph()
    groups = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    start, end = run.tags.get("dagster/asset_partition_range_start"), run.tags.get("dagster/asset_partition_range_end")
    keys = list(instance.get_dynamic_partitions("initiative"))
    partitions = keys.index(end) - keys.index(start) + 1 if start in keys and end in keys else None
    print(json.dumps({"run_id": run.run_id, "job": run.job_name, "status": str(run.status), "partitions": partitions,
                      "wall": (stats.end_time - stats.start_time) if stats.end_time and stats.start_time else None,
                      "steps": steps, "groups": groups}, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
