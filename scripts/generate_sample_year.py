#!/usr/bin/env python3
"""Generate the synthetic, deterministic sample year into ``<repo root>/raw_data`` (or ``--out DIR``).

A thin wrapper: the generator is ``impact/sample_data/generator.py`` (in the package, so that
``coaching synth`` can reuse it), the initiatives it draws are in ``impact/sample_data/initiatives.yaml``.
Everything it writes is synthetic sample data (no real people); see that module's documentation.

Usage::

    python scripts/generate_sample_year.py [--out DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # this checkout's package, whatever copy is installed

from impact.sample_data.generator import *  # noqa: E402,F401,F403  (the names tests and callers use)
from impact.sample_data.generator import generate, main  # noqa: E402,F401

if __name__ == "__main__":
    raise SystemExit(main(default_out=REPO / "raw_data"))
