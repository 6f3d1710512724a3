"""One ``coaching build`` under pyinstrument; prints the functions above a share of the time as JSON.

Run with the locations in the environment (``benchmarks/run.py`` does). Inclusive time per function (file, line,
name) counts a recursive function once per stack; self time is the time in the function itself. A row is kept
when either is at least the threshold; ``project`` marks the project's own code (impact/, assets/, pipelines/).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict

PROJECT = ("impact/", "assets/", "pipelines/")  # the project's own code, as pyinstrument shortens its paths


def aggregate(root, threshold: float) -> list[dict]:
    total = root.time or 1e-12
    inclusive: dict[tuple, float] = defaultdict(float)
    own: dict[tuple, float] = defaultdict(float)
    stack = [(root, frozenset())]
    while stack:
        frame, above = stack.pop()
        if frame.is_synthetic:  # pyinstrument's '[self]' leaves: already in their parent's total_self_time
            continue
        key = (frame.function, frame.file_path_short, frame.line_no)
        if key not in above:
            inclusive[key] += frame.time
        own[key] += frame.total_self_time
        stack.extend((child, above | {key}) for child in frame.children)
    rows = [{"function": k[0] or "?", "location": f"{k[1]}:{k[2]}", "total_pct": 100 * t / total,
             "self_pct": 100 * own[k] / total, "project": str(k[1]).startswith(PROJECT)}
            for k, t in inclusive.items() if 100 * t / total >= threshold or 100 * own[k] / total >= threshold]
    rows.sort(key=lambda r: (-round(r["total_pct"], 1), -round(r["self_pct"], 1), r["function"], r["location"]))
    return rows


def main(argv: list[str]) -> int:
    threshold = float(argv[0]) if argv else 2.0
    from pyinstrument import Profiler

    from pipelines.cli import main as coaching

    profiler = Profiler(interval=0.001)
    profiler.start()
    try:
        with open("/dev/null", "w") as quiet:
            stdout, sys.stdout = sys.stdout, quiet
            try:
                code = coaching(["build"])
            finally:
                sys.stdout = stdout
    finally:
        profiler.stop()
    root = profiler.last_session.root_frame()
    print(json.dumps({"code": code, "seconds": round(profiler.last_session.duration, 1),
                      "rows": aggregate(root, threshold)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
