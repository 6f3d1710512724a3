"""Which initiatives a change under ``raw_data/`` touches: the logic of the coaches' sensor.

A *fingerprint* maps every file the pipeline reads (``programme.yaml``, the coaching
log, and every file in an initiative folder) to its size, modification time and
SHA-256. Only a file whose size or time changed is hashed again, and only a
changed hash counts: touching a file without changing it triggers nothing.
A symbolic link, or a file whose location resolves outside ``raw_data/``, is never
opened (the pipeline refuses it unread, :mod:`impact.ingest.inside`): it is recorded
with its own size and time (``lstat``) and the rule it is refused by instead of a
hash, so a new one still triggers one rebuild, which puts its refusal in the quarantine.

A changed file in an initiative folder affects that initiative; a changed
``programme.yaml`` or coaching log affects every initiative (the settings, the
Holm family and every report's coaching section depend on them); a new folder is
a new initiative; a folder that is gone is a removed one. Of a folder refused as an initiative (a name that
is not its Theory of Change's ``id``, say) only the Theory of Change is watched: a change there is the
programme's (its list of who is expected and left out), not an initiative's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from impact.ingest.drops import sha256_of
from impact.ingest.folders import InitiativeFolder, initiative_folders
from impact.ingest.inside import RULES, refusal_of
from impact.programme import PROGRAMME_FILE
from impact.theory_of_change import TOC_FILE

SHARED_FILES = (PROGRAMME_FILE,)
SHARED_PREFIXES = ("coaching_sessions",)

Fingerprint = dict[str, list]  # relative path -> [size, mtime_ns, sha256 or, for a path not read, its refusal rule]


def _is_file_or_link(path: Path) -> bool:
    return path.is_symlink() or path.is_file()


def _watched(raw_data: Path, folders: list[InitiativeFolder]) -> list[Path]:
    files = [p for p in raw_data.iterdir()
             if _is_file_or_link(p) and (p.name in SHARED_FILES or p.name.startswith(SHARED_PREFIXES))] \
        if raw_data.is_dir() else []
    for folder in folders:
        if folder.accepted:
            files += [p for p in (raw_data / folder.folder).iterdir()
                      if _is_file_or_link(p) and not p.name.startswith((".", "~$"))]
        else:  # a refused folder: only its Theory of Change, whose id (or the folder's name) the coach will fix
            files.append(raw_data / folder.folder / TOC_FILE)
    return sorted(files)


def fingerprint(raw_data: Path, previous: Fingerprint | None = None,
                folders: list[InitiativeFolder] | None = None) -> Fingerprint:
    """The current fingerprint; files whose size and time match ``previous`` keep their hash unread. A path
    the pipeline refuses unread is not followed: its entry holds the link's own size and time and its rule.
    ``folders``: :func:`impact.ingest.folders.initiative_folders` of ``raw_data``, when the caller has them."""
    previous = previous or {}
    out: Fingerprint = {}
    for path in _watched(raw_data, initiative_folders(raw_data) if folders is None else folders):
        rel = path.relative_to(raw_data).as_posix()
        stat = path.lstat()  # the link itself; for any other file the same as stat()
        before = previous.get(rel)
        if refused := refusal_of(raw_data, path):
            out[rel] = [stat.st_size, stat.st_mtime_ns, refused]
        elif before and before[:2] == [stat.st_size, stat.st_mtime_ns] and before[2] not in RULES:
            out[rel] = before
        else:
            out[rel] = [stat.st_size, stat.st_mtime_ns, sha256_of(path)]
    return out


@dataclass(frozen=True)
class Changes:
    """What changed between two fingerprints."""

    initiatives: tuple[str, ...]  # initiatives whose data must be rebuilt (new ones included)
    new_initiatives: tuple[str, ...]
    removed_initiatives: tuple[str, ...]
    files: tuple[str, ...]  # the changed, added or removed files
    refused_folders: tuple[str, ...] = ()  # refused initiative folders (impact.ingest.folders) that changed

    @property
    def any(self) -> bool:
        return bool(self.files)


def _initiative_of(rel: str) -> str | None:
    return rel.split("/", 1)[0] if "/" in rel else None


def changes(before: Fingerprint, after: Fingerprint, initiatives: list[str], refused: list[str] = ()) -> Changes:
    """Compare by content hash; ``initiatives`` are the initiative folders accepted now, ``refused`` the folders
    with a Theory of Change that are refused (they are neither new nor removed initiatives)."""
    files = sorted(rel for rel in set(before) | set(after)
                   if (before.get(rel) or [None] * 3)[2] != (after.get(rel) or [None] * 3)[2])
    known_before = {_initiative_of(rel) for rel in before} - {None} - set(refused)
    new = tuple(sorted(set(initiatives) - known_before)) if before else tuple(sorted(initiatives))
    removed = tuple(sorted(known_before - set(initiatives)))
    refused_changed = tuple(sorted({_initiative_of(rel) for rel in files} & set(refused)))
    if any(_initiative_of(rel) is None for rel in files):
        touched = set(initiatives)
    else:
        touched = {_initiative_of(rel) for rel in files} & set(initiatives)
    return Changes(tuple(sorted(touched | set(new))), new, removed, tuple(files), refused_changed)
