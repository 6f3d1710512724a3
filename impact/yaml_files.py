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


class _TextDatesLoader(yaml.SafeLoader):
    """A safe loader that leaves dates as text, so pydantic checks them and names the key."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# What to do about the YAML errors people make most, in plain words.
_YAML_HINTS = {
    "mapping values are not allowed here": "text that contains ': ' must be put in quotes",
    "found character '\\t' that cannot start any token": "indent with spaces, not tabs",
    "could not find expected ':'": "each line needs 'key: value'; text that runs over several lines must be put in quotes",
}


def read_yaml_mapping(path: Path, display_name: str) -> dict[str, Any]:
    """Parse a YAML file that must hold a mapping; syntax errors name line and column."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(display_name, ["the file does not exist"]) from None
    except UnicodeDecodeError:
        raise ConfigError(display_name, ["the file is not UTF-8 text; save it as UTF-8"]) from None
    try:
        data = yaml.load(text, Loader=_TextDatesLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        hint = next((h for p, h in _YAML_HINTS.items() if problem.startswith(p)), None)
        raise ConfigError(display_name, [f"YAML syntax error at {where}{problem}" + (f" ({hint})" if hint else "")]) from None
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
