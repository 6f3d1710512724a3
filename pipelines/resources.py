"""Resources: where the raw data, the warehouse and the reports live."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import ConfigurableResource
from pydantic import Field

from impact import warehouse
from impact.locations import WAREHOUSE_FILE, Locations


def _default(attr: str):
    return lambda: str(getattr(Locations.from_env(), attr))


class CoachingFiles(ConfigurableResource):
    """The raw-data folder (read only) and the reports folder.

    Defaults come from ``COACHING_RAW_DATA`` and ``COACHING_REPORTS``
    (``raw_data`` and ``reports`` in the working directory).
    """

    raw_data: str = Field(default_factory=_default("raw_data"), description="Folder with programme.yaml and one folder per initiative")
    reports: str = Field(default_factory=_default("reports"), description="Folder the reports are written into")

    @property
    def raw_data_path(self) -> Path:
        return Path(self.raw_data)

    @property
    def reports_path(self) -> Path:
        return Path(self.reports)


class DuckDBWarehouse(ConfigurableResource):
    """The DuckDB warehouse file ``<COACHING_WAREHOUSE>/coaching.duckdb`` (default ``warehouse/``)."""

    directory: str = Field(default_factory=_default("warehouse_dir"), description="Folder holding coaching.duckdb")

    @property
    def path(self) -> Path:
        return Path(self.directory) / WAREHOUSE_FILE

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        with warehouse.connect(self.path, read_only=read_only) as con:
            yield con
