"""Reading YAML settings files with errors that name the file, the key and what is expected.

The sentences come from the catalogue (``impact/language/locale/<language>/settings.yaml``), in Dutch unless
English is asked for; the key is named as the coach wrote it (``outcomes[2].instrument``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from impact.errors import ConfigError
from impact.language import Translator

M = TypeVar("M", bound=BaseModel)


class SettingsValueError(ValueError):
    """A validator's objection as a catalogue key (``settings.<key>``) and its values, so the message reaches the
    coach in the file's language; ``str()`` is the English text."""

    def __init__(self, key: str, **values: Any):
        self.key = key
        self.values = values
        super().__init__(self.text("en"))

    def text(self, language: str) -> str:
        return Translator(language).t(f"settings.{self.key}", **self.values)


def key_path(loc: tuple[Any, ...]) -> str:
    """``('hypotheses', 0, 'test')`` -> ``hypotheses[0].test``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def plain_number(tr: Translator, x: float) -> str:
    """A number from a settings file, with no more decimals than it has: '0,05' (nl), '10', '2.5' (en); its minus
    sign as the file has it ('-1')."""
    text = format(float(x), "g")
    digits = len(text.split(".")[1]) if "." in text and "e" not in text else 0
    return tr.num(x, min(digits, 6)).replace("\u2212", "-")


def choices(tr: Translator, options: list[str]) -> str:
    """'a', 'a' or 'b', 'a', 'b' or 'c' (``settings.value.or_list``)."""
    if len(options) <= 1:
        return "".join(options)
    return tr.t("settings.value.or_list", items=", ".join(options[:-1]), last=options[-1])


#: The id patterns of the settings models, and what they ask in words.
_PATTERNS = {r"^[a-z][a-z0-9_]*$": "snake_id", r"^[a-z0-9][a-z0-9-]*$": "slug_id"}
#: pydantic's error types, by what the value should have been (``settings.value.<what>``).
_EXPECTED = {
    "float_parsing": "number", "float_type": "number",
    "int_parsing": "whole_number", "int_type": "whole_number", "int_from_float": "whole_number",
    "bool_parsing": "true_false", "bool_type": "true_false",
    "string_type": "text", "list_type": "list", "model_type": "mapping", "model_attributes_type": "mapping",
    "dict_type": "mapping",
    "date_parsing": "date", "date_type": "date", "date_from_datetime_parsing": "date",
    "date_from_datetime_inexact": "date",
}
_LIMITS = {"greater_than": ("gt", "greater_than"), "greater_than_equal": ("ge", "at_least"),
           "less_than": ("lt", "less_than"), "less_than_equal": ("le", "at_most")}
_UNION_MEMBER = re.compile(r"^(float|int|str|bool|date|literal\[.*\]|list\[.*\]|function-.*)$")


def _problem(tr: Translator, e: dict) -> str:
    """What is wrong with the value of one pydantic error, in words (without the key)."""
    kind, ctx = e["type"], e.get("ctx") or {}
    if kind in _EXPECTED:
        return tr.t(f"settings.value.{_EXPECTED[kind]}")
    if kind == "literal_error":
        return tr.t("settings.value.choose", options=choices(tr, re.findall(r"'[^']*'", ctx.get("expected", ""))))
    if kind in _LIMITS:
        bound, key = _LIMITS[kind]
        return tr.t(f"settings.value.{key}", limit=plain_number(tr, ctx[bound]))
    if kind == "string_too_short":
        return tr.t("settings.value.empty_text")
    if kind == "too_short":
        n = ctx.get("min_length", 1)
        return tr.t("settings.value.empty_list") if n == 1 else tr.t("settings.value.short_list", n=n)
    if kind == "string_pattern_mismatch":
        what = _PATTERNS.get(ctx.get("pattern"))
        return tr.t(f"settings.value.{what}") if what else tr.t("settings.value.pattern", pattern=ctx.get("pattern"))
    error = ctx.get("error")
    if kind == "value_error" and isinstance(error, SettingsValueError):
        return error.text(tr.language)
    return tr.t("settings.value.other", message=e["msg"].removeprefix("Value error, "))


def _union_option(tr: Translator, e: dict) -> str:
    if e["type"] == "literal_error":
        return choices(tr, re.findall(r"'[^']*'", (e.get("ctx") or {}).get("expected", "")))
    return tr.t("settings.value.a_number") if _EXPECTED.get(e["type"]) == "number" else _problem(tr, e)


def describe_validation_error(error: ValidationError, language: str = "nl") -> list[str]:
    """pydantic's errors as one sentence each, naming the key as written in the file."""
    tr = Translator(language)
    problems: list[str] = []
    errors = error.errors(include_url=False)
    # a value that fits none of a union's types (``quantity``: a number or from_data) is one problem, not one per type
    unions: dict[tuple, list[dict]] = {}
    for e in errors:
        loc = tuple(e["loc"])
        if loc and isinstance(loc[-1], str) and _UNION_MEMBER.match(loc[-1]):
            unions.setdefault(loc[:-1], []).append(e)
    done: set[tuple] = set()
    for e in errors:
        loc = tuple(e["loc"])
        if loc[:-1] in unions and e in unions[loc[:-1]]:
            if loc[:-1] in done:
                continue
            done.add(loc[:-1])
            options = choices(tr, [_union_option(tr, u) for u in unions[loc[:-1]]])
            problems.append(tr.t("settings.key.wrong", path=key_path(loc[:-1]),
                                 problem=tr.t("settings.value.choose", options=options), got=repr(e["input"])))
            continue
        key = key_path(loc)
        if e["type"] == "missing":
            problems.append(tr.t("settings.key.missing", path=key))
        elif e["type"] == "extra_forbidden":
            problems.append(tr.t("settings.key.unknown", path=key))
        else:
            problems.append(tr.t("settings.key.wrong", path=key, problem=_problem(tr, e), got=repr(e["input"])))
    return problems


class _TextDatesLoader(yaml.SafeLoader):
    """A safe loader that leaves dates as text, so pydantic checks them and names the key."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# The YAML errors people make most (PyYAML's problem as it begins), in plain words with what to do about them
# (``settings.yaml.problem.<name>`` and ``settings.yaml.hint.<name>``).
_YAML_PROBLEMS = {
    "mapping values are not allowed here": "mapping_values",
    "found character '\\t' that cannot start any token": "tab",
    "could not find expected ':'": "no_colon",
    "did not find expected key": "no_key",
    "found unexpected end of stream": "end_of_stream",
}
_EXPECTED_BUT = re.compile(r"^expected (.+), but (?:got|found) (.+)$")


def _yaml_problem(tr: Translator, problem: str) -> str:
    name = next((n for p, n in _YAML_PROBLEMS.items() if problem.startswith(p)), None)
    if name is not None:
        return tr.t("settings.yaml.with_hint", problem=tr.t(f"settings.yaml.problem.{name}"),
                    hint=tr.t(f"settings.yaml.hint.{name}"))
    found = _EXPECTED_BUT.match(problem)
    if found:
        expected = re.findall(r"'[^']*'|<[^>]*>", found.group(1)) or [found.group(1)]
        return tr.t("settings.yaml.expected_but", expected=choices(tr, expected), found=found.group(2))
    return problem


def _kind(tr: Translator, data: object) -> str:
    kind = ("list" if isinstance(data, list) else "number" if isinstance(data, (int, float)) and not isinstance(data, bool)
            else "text" if isinstance(data, str) else "other")
    return tr.t(f"settings.file.kind.{kind}")


def read_yaml_mapping(path: Path, display_name: str, language: str = "nl", raw_data: Path | None = None) -> dict[str, Any]:
    """Parse a YAML file that must hold a mapping; syntax errors name line and column.

    With ``raw_data``, a settings file that is a symbolic link or lies outside it is refused without being
    opened (:func:`impact.ingest.inside.refusal_of`).
    """
    from impact.ingest.inside import refusal_of  # here: impact.ingest imports the Theory of Change, which imports this

    tr = Translator(language)
    unread = refusal_of(raw_data, path) if raw_data is not None else None
    if unread:
        raise ConfigError(display_name, [tr.t(f"settings.file.{unread}")], language)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(display_name, [tr.t("settings.file.missing")], language) from None
    except UnicodeDecodeError:
        raise ConfigError(display_name, [tr.t("settings.file.not_utf8")], language) from None
    try:
        data = yaml.load(text, Loader=_TextDatesLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = _yaml_problem(tr, getattr(exc, "problem", None) or str(exc))
        sentence = (tr.t("settings.yaml.error", line=mark.line + 1, column=mark.column + 1, problem=problem) if mark
                    else tr.t("settings.yaml.error_nowhere", problem=problem))
        raise ConfigError(display_name, [sentence], language) from None
    if data is None:
        raise ConfigError(display_name, [tr.t("settings.file.empty")], language)
    if not isinstance(data, dict):
        raise ConfigError(display_name, [tr.t("settings.file.not_mapping", kind=_kind(tr, data))], language)
    return data


def parse_model(model: type[M], data: dict[str, Any], display_name: str, language: str = "nl") -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(display_name, describe_validation_error(exc, language), language) from None
