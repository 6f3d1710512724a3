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


#: The published tables of a report: ``tables/<table>.csv`` in the Dutch Excel dialect (for people) and
#: ``tables/machine/<table>.csv`` with code-name headers, comma-separated, decimal point (for programs).
MACHINE_FOLDER = "machine"


def _formula_safe(frame: pd.DataFrame) -> pd.DataFrame:
    safe = frame.copy()
    for column in safe.columns:
        # object (pandas 2 by default), a string dtype (DuckDB's, and pandas 3's default for text) or categories
        dtype = safe[column].dtype
        if dtype == object or pd.api.types.is_string_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype):
            safe[column] = neutralise_formulas(safe[column].astype("object"))[0]
    return safe


def _whole_numbers_as_integers(frame: pd.DataFrame) -> pd.DataFrame:
    """Float columns whose every value is a whole number (counts stored as floats because a hidden one is
    NaN) as nullable integers, so a count reads ``179``, not ``179.0`` or ``179,0``."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_float_dtype(values.dtype):
            present = values.dropna()
            if len(present) and (present == present.round()).all() and present.abs().max() < 2 ** 53:
                out[column] = values.astype("Int64")
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The machine-readable CSV: the code names as header, ``,`` between cells, a decimal point, missing
    figures as empty cells; UTF-8 with BOM, text cells formula-safe (a leading ``'``)."""
    return _formula_safe(_whole_numbers_as_integers(frame)).to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


def excel_csv_bytes(frame: pd.DataFrame, header: list[str] | None = None) -> bytes:
    """The same table in the dialect Dutch Excel opens into columns: ``;`` between cells, a decimal comma
    in every number column (``0,0026``, ``9,34e-08``; no thousands separator), UTF-8 with BOM.

    ``header`` replaces the code names (the column labels of the report's language); the cells are those of
    :func:`csv_bytes` with only the decimal mark changed, so ``pandas.read_csv(path, sep=";", decimal=",")``
    gives back the values of the machine CSV. Text cells are formula-safe as there; a number held in a
    text column keeps its point (it is text)."""
    if header is not None and len(header) != frame.shape[1]:
        raise ValueError(f"{len(header)} header labels for {frame.shape[1]} columns")
    return _formula_safe(_whole_numbers_as_integers(frame)).to_csv(index=False, sep=";", decimal=",", lineterminator="\n",
                                       header=header if header is not None else True).encode("utf-8-sig")
