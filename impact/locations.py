"""Where the pipeline reads and writes: one place, from environment variables.

``COACHING_RAW_DATA``  folder with ``programme.yaml`` and one folder per initiative
``COACHING_WAREHOUSE`` folder holding ``coaching.duckdb``
``COACHING_REPORTS``   folder the reports are written into

Relative defaults (``raw_data``, ``warehouse``, ``reports``) are resolved
against the current working directory, which is the repository root when you
use ``make`` or ``dagster dev``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

WAREHOUSE_FILE = "coaching.duckdb"


@dataclass(frozen=True)
class Locations:
    raw_data: Path
    warehouse_dir: Path
    reports: Path

    @property
    def warehouse(self) -> Path:
        return self.warehouse_dir / WAREHOUSE_FILE

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Locations":
        env = os.environ if environ is None else environ
        return cls(
            raw_data=Path(env.get("COACHING_RAW_DATA") or "raw_data").resolve(),
            warehouse_dir=Path(env.get("COACHING_WAREHOUSE") or "warehouse").resolve(),
            reports=Path(env.get("COACHING_REPORTS") or "reports").resolve(),
        )
