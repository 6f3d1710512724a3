"""Writing artefacts: atomically (temporary file, then rename) and byte-for-byte reproducibly."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from impact.privacy import neutralise_formulas


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` so that a reader sees either the old file or the whole new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV for people who open it in a spreadsheet: UTF-8 with BOM, text cells formula-safe."""
    safe = frame.copy()
    for column in safe.columns:
        # object (pandas 2 by default), a string dtype (DuckDB's, and pandas 3's default for text) or categories
        dtype = safe[column].dtype
        if dtype == object or pd.api.types.is_string_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype):
            safe[column] = neutralise_formulas(safe[column].astype("object"))[0]
    return safe.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")
