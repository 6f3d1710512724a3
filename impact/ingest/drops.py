"""Drops: the files a coach adds under ``raw_data/`` (docs/raw-data-contract.md).

A drop's *kind* comes from its file name: ``participants*``, ``activities*``,
``survey*`` and the optional ``stories*`` (YAML or Markdown, read by
``impact.contracts.stories``) inside an initiative folder, ``coaching_sessions*``
at the top.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from impact.ingest.folders import initiative_folders
from impact.ingest.inside import refusal_of
from impact.theory_of_change import TOC_FILE

if TYPE_CHECKING:
    import pandas as pd

KINDS = ("participants", "activities", "survey", "coaching_sessions", "stories")
INITIATIVE_KINDS = ("participants", "activities", "survey", "stories")
TABLE_SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class Drop:
    """One raw file. ``source_file`` is relative to the raw-data folder, with ``/``.

    ``refusal`` says why the file is refused unread (a rule of :mod:`impact.ingest.inside`: a symbolic link, a
    path outside ``raw_data/``); such a drop has no ``sha256``, since it was never opened.
    """

    initiative_id: str
    kind: str
    path: Path
    source_file: str
    sha256: str | None
    refusal: str | None = None

    @classmethod
    def of_file(cls, initiative_id: str, kind: str, path: Path, source_file: str, refusal: str | None = None) -> "Drop":
        """The drop of the file at ``path``, hashed unless ``refusal`` says it is not to be read."""
        return cls(initiative_id, kind, path, source_file, None if refusal else sha256_of(path), refusal)


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
    """The initiatives: the folders accepted by ``impact.ingest.folders`` (a slug equal to its Theory of
    Change's id, lying in ``raw_data/``), sorted by id."""
    return [f.folder for f in initiative_folders(raw_data) if f.accepted]


def _drop(raw_data: Path, initiative_id: str, kind: str, path: Path) -> Drop:
    return Drop.of_file(initiative_id, kind, path, path.relative_to(raw_data).as_posix(), refusal_of(raw_data, path))


def discover_drops(raw_data: Path, initiative_id: str, kind: str) -> list[Drop]:
    """The drops of one kind for one initiative (or ``all`` for the coaching log), by file name.

    Files whose names start with the kind but are not ``.csv``/``.xlsx`` are
    returned too, so the reader refuses them with a message instead of them
    being ignored silently. So are symbolic links (to a file, a folder or nothing) and files whose
    location resolves outside ``raw_data``: they come with their ``refusal`` and are neither hashed nor read.
    """
    folder = raw_data if kind == "coaching_sessions" else raw_data / initiative_id
    if not folder.is_dir():
        return []
    found = [
        p
        for p in folder.iterdir()
        if (p.is_symlink() or p.is_file()) and not p.name.startswith((".", "~$")) and kind_of(p.name) == kind
    ]
    owner = "all" if kind == "coaching_sessions" else initiative_id
    return [_drop(raw_data, owner, kind, p) for p in sorted(found, key=lambda p: p.name)]


def inventory(raw_data: Path, initiative_id: str, language: str = "nl") -> "pd.DataFrame":
    """Every file and folder in an initiative's folder: what the pipeline reads, and what it does not.

    Columns: ``initiative_id``, ``source_file``, ``kind`` (a drop kind, ``theory_of_change``,
    or None when the pipeline does not read it), ``bytes``, ``source_sha256`` and ``message``
    (why an entry is not read). A symbolic link, or an entry whose location resolves outside ``raw_data``, is
    neither hashed nor followed: its ``bytes`` and ``source_sha256`` are None. When its name is a drop kind (or
    the Theory of Change) its message is None too: staging (or the settings check) tells why it is refused.
    """
    import pandas as pd

    from impact.language import Translator

    tr = Translator(language)
    folder = raw_data / initiative_id
    rows = []
    for p in sorted(folder.iterdir(), key=lambda p: p.name) if folder.is_dir() else []:
        rel = p.relative_to(raw_data).as_posix()
        if p.name.startswith(".") or p.name.startswith("~$"):
            continue  # hidden files and Excel lock files
        unread = refusal_of(raw_data, p)
        if unread is None and p.is_dir():
            rows.append({"source_file": rel + "/", "kind": None, "bytes": None, "source_sha256": None,
                         "message": tr.t("contract.inventory.folder", folder=rel + "/", initiative=initiative_id + "/")})
            continue
        kind = "theory_of_change" if p.name == TOC_FILE else kind_of(p.name)
        if kind == "coaching_sessions":
            kind = None
        message = None if kind in (*INITIATIVE_KINDS, "theory_of_change") else tr.t("contract.inventory.not_read", file=rel)
        size, sha = (None, None) if unread else (p.stat().st_size, sha256_of(p))
        rows.append({"source_file": rel, "kind": kind, "bytes": size, "source_sha256": sha, "message": message})
    frame = pd.DataFrame(rows, columns=["source_file", "kind", "bytes", "source_sha256", "message"])
    frame.insert(0, "initiative_id", initiative_id)
    frame["bytes"] = frame["bytes"].astype("Int64")
    return frame
