"""The pipeline reads only what lies in ``raw_data/`` itself.

A symbolic link, or any path whose resolved location is outside the raw-data folder (a folder on the way
is a link, say), is refused before it is opened: otherwise a link to another programme's export, or to a
system file that happens to have the right columns, would be read as a drop. Deciding this needs only
the directory entries (``lstat`` and ``resolve``), never the file's contents.

A hard link cannot be told from the file it points to and is read like any file.
"""

from __future__ import annotations

from pathlib import Path

#: The two reasons a path is not read, as the quarantine's ``rule``.
SYMBOLIC_LINK = "symbolic_link"
OUTSIDE_RAW_DATA = "outside_raw_data"
RULES = (SYMBOLIC_LINK, OUTSIDE_RAW_DATA)


def refusal_of(raw_data: Path, path: Path) -> str | None:
    """None when ``path`` lies in ``raw_data``; else why not: :data:`SYMBOLIC_LINK` or :data:`OUTSIDE_RAW_DATA`."""
    if path.is_symlink():
        return SYMBOLIC_LINK
    try:
        path.resolve().relative_to(raw_data.resolve())
    except ValueError:
        return OUTSIDE_RAW_DATA
    return None
