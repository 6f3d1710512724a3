"""Drops: the files a coach adds under ``raw_data/`` (DESIGN.md §2).

A drop's *kind* comes from its file name: ``participants*``, ``activities*``,
``survey*`` inside an initiative folder, ``coaching_sessions*`` at the top.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from impact.theory_of_change import TOC_FILE

KINDS = ("participants", "activities", "survey", "coaching_sessions")
INITIATIVE_KINDS = ("participants", "activities", "survey")
TABLE_SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class Drop:
    """One raw file. ``source_file`` is relative to the raw-data folder, with ``/``."""

    initiative_id: str
    kind: str
    path: Path
    source_file: str
    sha256: str


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def kind_of(name: str) -> str | None:
    stem = name.lower()
    for kind in KINDS:
        if stem.startswith(kind):
            return kind
    return None


def discover_initiatives(raw_data: Path) -> list[str]:
    """Every folder holding a Theory of Change is an initiative; sorted by id."""
    if not raw_data.is_dir():
        return []
    return sorted(p.name for p in raw_data.iterdir() if p.is_dir() and (p / TOC_FILE).is_file())


def _drop(raw_data: Path, initiative_id: str, kind: str, path: Path) -> Drop:
    return Drop(initiative_id, kind, path, path.relative_to(raw_data).as_posix(), sha256_of(path))


def discover_drops(raw_data: Path, initiative_id: str, kind: str) -> list[Drop]:
    """The drops of one kind for one initiative (or ``all`` for the coaching log), by file name.

    Files whose names start with the kind but are not ``.csv``/``.xlsx`` are
    returned too, so the reader refuses them with a message instead of them
    being ignored silently.
    """
    folder = raw_data if kind == "coaching_sessions" else raw_data / initiative_id
    if not folder.is_dir():
        return []
    found = [
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith((".", "~$")) and kind_of(p.name) == kind
    ]
    owner = "all" if kind == "coaching_sessions" else initiative_id
    return [_drop(raw_data, owner, kind, p) for p in sorted(found, key=lambda p: p.name)]


def unrecognised_files(raw_data: Path, initiative_id: str) -> list[str]:
    """Files in an initiative folder that are no drop and no Theory of Change."""
    folder = raw_data / initiative_id
    return sorted(
        p.relative_to(raw_data).as_posix()
        for p in folder.iterdir()
        if p.is_file()
        and p.name != TOC_FILE
        and not p.name.startswith(".")
        and kind_of(p.name) not in INITIATIVE_KINDS
    )
