"""Reading YAML settings files with errors that name the file, the key and what is expected."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from impact.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


def key_path(loc: tuple[Any, ...]) -> str:
    """``('hypotheses', 0, 'test')`` -> ``hypotheses[0].test``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def describe_validation_error(error: ValidationError) -> list[str]:
    problems = []
    for e in error.errors(include_url=False):
        key = key_path(tuple(e["loc"]))
        if e["type"] == "missing":
            problems.append(f"key '{key}' is missing; it is required")
        elif e["type"] == "extra_forbidden":
            problems.append(f"key '{key}' is not a known key (check the spelling)")
        else:
            msg = e["msg"].removeprefix("Value error, ")
            problems.append(f"key '{key}': {msg} (got {e['input']!r})")
    return problems


def read_yaml_mapping(path: Path, display_name: str) -> dict[str, Any]:
    """Parse a YAML file that must hold a mapping; syntax errors name line and column."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(display_name, ["the file does not exist"]) from None
    except UnicodeDecodeError:
        raise ConfigError(display_name, ["the file is not UTF-8 text; save it as UTF-8"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(display_name, [f"YAML syntax error at {where}{problem}"]) from None
    if data is None:
        raise ConfigError(display_name, ["the file is empty; expected YAML keys"])
    if not isinstance(data, dict):
        raise ConfigError(
            display_name, [f"expected YAML keys (a mapping) at the top level, got a {type(data).__name__}"]
        )
    return data


def parse_model(model: type[M], data: dict[str, Any], display_name: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(display_name, describe_validation_error(exc)) from None
