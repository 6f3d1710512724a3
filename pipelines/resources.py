"""Resources: where the raw data, the warehouse and the reports live.

Each location can be set in the resource's config (e.g. in the launchpad);
left empty, it comes from the environment at run time: ``COACHING_RAW_DATA``,
``COACHING_WAREHOUSE``, ``COACHING_REPORTS`` (default ``raw_data/``,
``warehouse/``, ``reports/`` in the working directory).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import ConfigurableResource
from pydantic import Field

from impact import warehouse
from impact.locations import WAREHOUSE_FILE, Locations


# Every asset and check that opens the DuckDB warehouse belongs to this concurrency pool. DuckDB allows
# one writing process per file (docs/operations.md): with the pool's limit at 1 (the instance's dagster.yaml),
# steps of concurrent runs take turns instead of failing on the file lock.
WAREHOUSE_POOL = "duckdb_warehouse"


class CoachingFiles(ConfigurableResource):
    """The raw-data folder (only ever read) and the reports folder."""

    raw_data: str | None = Field(default=None, description="Folder with programme.yaml and one folder per initiative; default $COACHING_RAW_DATA or raw_data/")
    reports: str | None = Field(default=None, description="Folder the reports are written into; default $COACHING_REPORTS or reports/")

    @property
    def raw_data_path(self) -> Path:
        return Path(self.raw_data).resolve() if self.raw_data else Locations.from_env().raw_data

    @property
    def reports_path(self) -> Path:
        return Path(self.reports).resolve() if self.reports else Locations.from_env().reports


class DuckDBWarehouse(ConfigurableResource):
    """The DuckDB warehouse file ``coaching.duckdb``."""

    directory: str | None = Field(default=None, description="Folder holding coaching.duckdb; default $COACHING_WAREHOUSE or warehouse/")

    @property
    def path(self) -> Path:
        if self.directory:
            return Path(self.directory).resolve() / WAREHOUSE_FILE
        return Locations.from_env().warehouse

    @contextmanager
    def connect(self, read_only: bool = False, *,
                reads: Sequence[warehouse.Table] | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """Open the warehouse. ``reads``: the tables the step reads, the same list its ``deps`` come from
        (``tables.writers_of``); reading any other table then fails the step (``warehouse.UndeclaredRead``)."""
        with warehouse.connect(self.path, read_only=read_only) as con:
            if reads is None:
                yield con
            else:
                with warehouse.declared_reads(reads):
                    yield con


#: Where the number of steps the yearly reports are split into can be set (``ReportSettings.report_steps``).
REPORT_STEPS_VARIABLE = "COACHING_REPORT_STEPS"


class ReportSettings(ConfigurableResource):
    """How the texts for people are written: the language (``nl`` or ``en``) of the reports, the contract's
    messages, the checks and the data-quality page; empty means ``programme.yaml``'s ``language``. How
    many processes render the yearly reports, in how many steps. And whether an incomplete programme is
    delivered all the same."""

    language: str | None = Field(default=None, description="nl or en; default: the language in programme.yaml (nl)")
    workers: int | None = Field(default=None, ge=1, description="Processes that render yearly reports at once in one "
                                "step; default $COACHING_WORKERS or one per core this process may use")
    report_steps: int | None = Field(default=None, ge=1, description="Steps the yearly reports of a run are split "
                                     "into, for an executor that runs steps side by side (multiprocess, Kubernetes, "
                                     "Celery); default $COACHING_REPORT_STEPS or 1")
    deliver_incomplete: bool = Field(default=False, description="Deliver the programme to the municipality even when "
                                     "an expected initiative is left out (coaching deliver --incomplete); the programme "
                                     "reports' title pages then say so. Without it such a delivery is refused.")

    def worker_count(self) -> int:
        """How many processes render the yearly reports of one step."""
        from impact.parallel import worker_count

        return worker_count(self.workers)

    def report_step_count(self) -> int:
        """How many steps render the yearly reports of a run."""
        from impact.parallel import count_setting

        return count_setting(self.report_steps, REPORT_STEPS_VARIABLE) or 1

    def language_of(self, con) -> str:
        """The language of every text for people in this run (reports, contract messages, checks, the
        data-quality page): ``language`` if set, else the programme's as ``programme.settings`` holds it."""
        from impact.programme import read_settings

        return self.language_for(read_settings(con).language)

    def language_for(self, programme_language: str) -> str:
        from impact.language import LANGUAGES

        language = self.language or programme_language or "nl"
        if language not in LANGUAGES:
            raise ValueError(f"report language '{language}' is not available; choose one of: {', '.join(LANGUAGES)}")
        return language
