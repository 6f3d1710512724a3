"""A stand-in for ``coaching synth`` while it is not merged: the sample year copied into N initiatives.

Initiative i is a copy of the sample's initiative i mod 9 under the id ``<id>-c<i // 9>`` (the first nine keep
their ids), its Theory of Change's ``id`` rewritten; the coaching log's rows of an initiative are repeated for
each of its copies. M (participants) is not controlled. For developing the harness only, never for the figures.

    python -m benchmarks.standin --initiatives N --out DIR
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

import pandas as pd

SAMPLE = Path(__file__).resolve().parents[1] / "raw_data"


def make(n: int, out: Path, sample: Path = SAMPLE) -> None:
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy2(sample / "programme.yaml", out / "programme.yaml")
    ids = sorted(p.name for p in sample.iterdir() if (p / "theory_of_change.yaml").is_file())
    names = {}
    for i in range(n):
        source = ids[i % len(ids)]
        name = source if i < len(ids) else f"{source}-c{i // len(ids)}"
        names.setdefault(source, []).append(name)
        shutil.copytree(sample / source, out / name)
        toc = out / name / "theory_of_change.yaml"
        toc.write_text(re.sub(r"(?m)^id: .*$", f"id: {name}", toc.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    log = pd.read_csv(sample / "coaching_sessions.csv", dtype=str, keep_default_na=False)
    copies = {"all": ["all"], **names}
    log["initiative_id"] = log["initiative_id"].map(lambda i: copies.get(i, []))
    log.explode("initiative_id").dropna(subset=["initiative_id"]).to_csv(out / "coaching_sessions.csv", index=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--initiatives", type=int, required=True)
    parser.add_argument("--participants", type=int, help="ignored: the copies keep the sample's participants")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    make(args.initiatives, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
