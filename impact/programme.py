"""The programme settings: ``raw_data/programme.yaml`` (docs/raw-data-contract.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from impact.yaml_files import parse_model, read_yaml_mapping

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
    discount_rate: float = Field(default=0.03, ge=0, lt=1)
    closing_meeting: dt.date
    language: Literal["nl", "en"] = "nl"
    synthetic: bool = False
    description: str | None = None


def load_programme(raw_data: Path) -> Programme:
    path = raw_data / PROGRAMME_FILE
    data = read_yaml_mapping(path, PROGRAMME_FILE)
    return parse_model(Programme, data, PROGRAMME_FILE)
