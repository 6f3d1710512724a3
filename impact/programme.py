"""The programme settings: ``raw_data/programme.yaml`` (docs/raw-data-contract.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from impact.statistics.verdicts import DEFAULT_FLOOR
from impact.yaml_files import parse_model, read_yaml_mapping

if TYPE_CHECKING:
    import duckdb

PROGRAMME_FILE = "programme.yaml"


class Programme(BaseModel):
    """Settings shared by every initiative of the coaching year."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    municipality: str = Field(min_length=1)
    year: int = Field(ge=2000, le=2100)
    alpha: float = Field(default=0.05, gt=0, lt=0.5)
    multiple_testing: Literal["holm", "none"] = "holm"
    min_pairs: int = Field(default=10, ge=2)
    disclosure_threshold: int = Field(default=10, ge=1)
    min_reliability: float = Field(default=DEFAULT_FLOOR, ge=0, lt=1)
    target_effect_dz: float = Field(default=0.5, gt=0, le=3)
    discount_rate: float = Field(default=0.03, ge=0, lt=1)
    closing_meeting: dt.date
    language: Literal["nl", "en"] = "nl"
    synthetic: bool = False
    description: str | None = None


def read_settings(con: "duckdb.DuckDBPyConnection") -> Programme:
    """The settings as the ``programme`` asset stored them in ``programme.settings``, validated again.

    The one way the pipeline's steps read the programme's settings (year, alpha, minimum pairs,
    disclosure threshold, discount rate, …) from the warehouse.
    """
    import pandas as pd

    from impact import warehouse
    from impact.warehouse.tables import SETTINGS

    rows = warehouse.read(con, SETTINGS, columns=list(Programme.model_fields))
    if len(rows) != 1:
        raise ValueError(f"{SETTINGS.name} holds {len(rows)} rows; expected the one row of {PROGRAMME_FILE}")
    stored = {k: (None if pd.isna(v) else v) for k, v in rows.iloc[0].items()}
    return Programme.model_validate(stored)


def programme_language(raw_data: Path) -> str:
    """The language ``programme.yaml`` asks for (its ``language`` key), or ``nl`` when the file cannot be read
    or names no language the project speaks: the language of the settings files' errors."""
    from impact.errors import ConfigError
    from impact.language import LANGUAGES

    try:
        language = read_yaml_mapping(raw_data / PROGRAMME_FILE, PROGRAMME_FILE, raw_data=raw_data).get("language")
    except ConfigError:
        return "nl"
    return language if language in LANGUAGES else "nl"


def load_programme(raw_data: Path, language: str | None = None) -> Programme:
    """``programme.yaml``, validated; its problems are told in ``language``, by default in the file's own
    ``language`` where it can be read (else Dutch). A symbolic link is refused unread (a ConfigError)."""
    path = raw_data / PROGRAMME_FILE
    language = language or programme_language(raw_data)
    data = read_yaml_mapping(path, PROGRAMME_FILE, language, raw_data)
    return parse_model(Programme, data, PROGRAMME_FILE, language)
