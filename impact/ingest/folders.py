"""Which folders under ``raw_data/`` are initiatives: the folder's name is the initiative's identifier.

Every folder holding a ``theory_of_change.yaml`` is *expected* to be an initiative. It is *accepted* (and
becomes a Dagster partition, a report folder and the ``initiative_id`` in every table) only when

- it lies in ``raw_data/`` itself: not a symbolic link, nor resolving elsewhere (``impact.ingest.inside``);
- its name is a slug: lowercase letters, digits and hyphens, beginning with a letter or digit;
- its Theory of Change's ``id`` equals the name, where the file can be read at all (a file that cannot be
  read is the Theory of Change's problem, told with all its other problems when it is validated).

A refused folder is still expected: the programme's reports name it, with the reason, among those left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from impact.ingest.inside import refusal_of
from impact.theory_of_change import SLUG, TOC_FILE

if TYPE_CHECKING:
    import pandas as pd

NOT_A_SLUG = "not_a_slug"
ID_NOT_FOLDER = "id_not_folder"

# libyaml's safe loader where PyYAML has it: the sensor reads every Theory of Change's id on every tick
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class InitiativeFolder:
    """A folder holding a Theory of Change; ``problem`` is why it is refused (None when accepted)."""

    folder: str
    problem: str | None = None
    #: the ``id`` and ``name`` its Theory of Change declares, where they can be read
    declared_id: str | None = None
    declared_name: str | None = None

    @property
    def accepted(self) -> bool:
        return self.problem is None

    def message(self, language: str = "nl") -> str | None:
        """Why the folder is refused, for the coach (catalogue ``contract.folder.*``); None when accepted."""
        if self.accepted:
            return None
        from impact.language import Translator

        key = self.problem
        if self.problem == NOT_A_SLUG and self.declared_id:  # the id says what to call the folder, if it is a slug
            key = f"{NOT_A_SLUG}_rename" if SLUG.fullmatch(self.declared_id) else f"{NOT_A_SLUG}_with_id"
        return Translator(language).t(f"contract.folder.{key}", folder=self.folder, id=self.declared_id)


def declared(toc: Path) -> tuple[str | None, str | None]:
    """The ``id`` and ``name`` a Theory of Change declares, or None where the file cannot tell (not read as
    YAML, not a mapping, not text). Only a file lying in ``raw_data/`` is given here."""
    try:
        data = yaml.load(toc.read_text(encoding="utf-8-sig"), Loader=_LOADER)  # noqa: S506 - a safe loader
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None, None
    if not isinstance(data, dict):
        return None, None
    return tuple(v if isinstance(v, str) and v.strip() else None for v in (data.get("id"), data.get("name")))


def as_table(folders: list[InitiativeFolder], language: str = "nl") -> "pd.DataFrame":
    """The folders as ``programme.initiative_folders`` holds them."""
    import pandas as pd

    return pd.DataFrame([{"folder": f.folder, "initiative_id": f.folder if f.accepted else None, "name": f.declared_name,
                          "problem": f.problem, "message": f.message(language)} for f in folders],
                        columns=["folder", "initiative_id", "name", "problem", "message"])


def initiative_folders(raw_data: Path) -> list[InitiativeFolder]:
    """Every folder of ``raw_data`` that holds a ``theory_of_change.yaml``, accepted or not, sorted by name.

    Hidden folders (``.git``) are not looked at. Of a link only the entries are looked at (is it a folder, does it
    hold a Theory of Change: ``stat``, which follows it), never its contents: it is refused before any file in it is
    read."""
    if not raw_data.is_dir():
        return []
    found = []
    for path in sorted(raw_data.iterdir(), key=lambda p: p.name):
        toc = path / TOC_FILE
        if path.name.startswith(".") or not path.is_dir() or not (toc.is_file() or toc.is_symlink()):
            continue
        outside = refusal_of(raw_data, path)
        if outside:
            found.append(InitiativeFolder(path.name, outside))
            continue
        declared_id, name = declared(toc) if refusal_of(raw_data, toc) is None else (None, None)
        problem = (NOT_A_SLUG if not SLUG.fullmatch(path.name)
                   else ID_NOT_FOLDER if declared_id is not None and declared_id != path.name else None)
        found.append(InitiativeFolder(path.name, problem, declared_id, name))
    return found
