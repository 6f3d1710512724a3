"""Writing the wizard's Theory of Change: the schema's key order, ``yaml.safe_dump``, comments for people.

The document is built from the pydantic model (``impact.theory_of_change.TheoryOfChange``), so it holds the
schema's keys in the schema's order and only what the schema accepts; defaults the sample year writes out
(``design``, ``test``, ``alternative``, ``primary``) are kept, empty or unset keys are left out. Whole numbers
are written as whole numbers (``target: 250``, not ``250.0``). Before anything is written the text is loaded
back with ``load_theory_of_change`` in a folder named after the initiative, so ``cross_check`` runs too.
"""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path

import yaml

from impact.theory_of_change import TOC_FILE, TheoryOfChange, load_theory_of_change

#: Keys the file leaves out when they hold the schema's default (the sample year writes the others out).
_LEFT_OUT_WHEN_DEFAULT = ("waves",)


def _plain(value):
    """Floats that are whole numbers as ints, recursively (the file reads ``min: 0``, ``target: 250``)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def document(toc: TheoryOfChange) -> dict:
    """The Theory of Change as the mapping the file holds, keys in the schema's order."""
    data = toc.model_dump(mode="json", exclude_none=True)
    for key in _LEFT_OUT_WHEN_DEFAULT:
        if data.get(key) == TheoryOfChange.model_fields[key].get_default(call_default_factory=True):
            data.pop(key)
    for key in ("outputs", "hypotheses"):
        if not data.get(key):
            data.pop(key, None)
    return _plain(data)


def _dump(value) -> str:
    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000)


def comment(text: str, width: int = 100) -> str:
    """``text`` as YAML comment lines (each paragraph wrapped at ``width``)."""
    lines = []
    for paragraph in text.splitlines():
        lines += ["# " + line for line in textwrap.wrap(paragraph, width - 2)] or ["#"]
    return "\n".join(lines) + "\n"


def render(toc: TheoryOfChange, header: str = "", before_key: dict[str, str] | None = None,
           before_hypothesis: dict[str, str] | None = None) -> str:
    """The file's text: ``header`` on top, a comment before a top-level key (``before_key``) or before a
    hypothesis (``before_hypothesis``, by id), each written by ``yaml.safe_dump``."""
    before_key, before_hypothesis = before_key or {}, before_hypothesis or {}
    parts = [comment(header)] if header else []
    for key, value in document(toc).items():
        if key in before_key:
            parts.append(comment(before_key[key]))
        if key == "hypotheses":
            parts.append("hypotheses:\n")
            for h in value:
                if h["id"] in before_hypothesis:
                    parts.append(comment(before_hypothesis[h["id"]]))
                parts.append(_dump([h]))
        else:
            parts.append(_dump({key: value}))
    return "".join(parts)


def check(text: str, initiative_id: str) -> TheoryOfChange:
    """Load ``text`` as ``<initiative_id>/theory_of_change.yaml`` the way the pipeline does (the model and
    ``cross_check``); raises ``impact.errors.ConfigError`` naming what is wrong."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / initiative_id
        folder.mkdir()
        (folder / TOC_FILE).write_text(text, encoding="utf-8")
        return load_theory_of_change(folder, Path(tmp))


def default_path(raw_data: Path, initiative_id: str) -> Path:
    return raw_data / initiative_id / TOC_FILE


def write(path: Path, text: str, force: bool = False) -> None:
    """Write the file (its folder is made); an existing file only with ``force``."""
    if path.exists() and not force:
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
