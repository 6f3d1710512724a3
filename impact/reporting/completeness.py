"""Which initiatives the programme expected, which its reports include, and why any is left out.

*Expected* is every folder of ``raw_data/`` holding a ``theory_of_change.yaml`` (``programme.initiative_folders``);
*included* are the initiatives with a valid Theory of Change (``programme.initiatives``): the programme overview,
the lessons-learned summary, the Holm family and every total run over them. An expected initiative that is not
included is *left out*, for one reason: its folder was refused (a name that is not an identifier, an ``id`` that
differs from the folder, a link), its Theory of Change could not be used (``programme.config_errors``), or it was
not built yet. The programme's reports, the manifest and the delivery say so; titles and totals never say "all"
when one is left out, and the delivery is refused unless it is asked for as incomplete (``coaching deliver
--incomplete``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from impact.language import Translator

#: Why an expected initiative is left out, besides the folder's own problem (``impact.ingest.folders``): its Theory
#: of Change could not be used, or it was not built yet.
THEORY_OF_CHANGE = "theory_of_change"
NOT_BUILT = "not_built"
#: The command that delivers an incomplete programme all the same; the title pages and the delivery's texts name it.
DELIVER_ANYWAY = "coaching deliver --incomplete"


@dataclass(frozen=True)
class LeftOut:
    folder: str
    name: str | None   # the Theory of Change's ``name``, where it could be read
    reason: str        # a folder problem, THEORY_OF_CHANGE or NOT_BUILT

    def label(self, tr: Translator) -> str:
        """The name its Theory of Change gives, else the folder; both when the folder is the problem (a refused
        folder may carry a copy of another initiative's Theory of Change, name and all)."""
        folder = tr.t("completeness.folder", folder=self.folder)
        if not self.name:
            return folder
        return f"{self.name} ({folder})" if self.reason not in (THEORY_OF_CHANGE, NOT_BUILT) else self.name

    def sentence(self, tr: Translator) -> str:
        """'Food for Good: de Theory of Change kon niet worden gelezen (zie de pagina over de gegevenskwaliteit)'."""
        return tr.t("completeness.left_out", initiative=self.label(tr), reason=tr.t(f"completeness.reason.{self.reason}"))


@dataclass(frozen=True)
class Completeness:
    expected: tuple[str, ...]   # folder names, sorted
    included: tuple[str, ...]   # initiative ids, sorted
    left_out: tuple[LeftOut, ...]
    #: False when the warehouse holds no list of the folders (written by code older than that list, and not built
    #: since): then who is expected is not known, and nothing is delivered until a build has looked
    known: bool = True

    @property
    def complete(self) -> bool:
        return not self.left_out

    def left_out_rows(self, tr: Translator) -> list[dict]:
        """One row per initiative left out: folder, name, reason (code) and explanation (words)."""
        return [{"folder": x.folder, "name": x.name, "reason": x.reason, "explanation": x.sentence(tr)}
                for x in self.left_out]

    def as_json(self, tr: Translator) -> dict:
        """What the manifest records: expected, included, and each left out with its reason in words."""
        return {"complete": self.complete, "expected": list(self.expected), "included": list(self.included),
                "left_out": self.left_out_rows(tr)}


def completeness(folders: pd.DataFrame, included: list[str], config_errors: pd.DataFrame) -> Completeness:
    """From ``programme.initiative_folders``, the included initiative ids and ``programme.config_errors``."""
    by_folder = {r.folder: r for r in folders.itertuples(index=False)}
    unusable = set(config_errors["initiative_id"]) if len(config_errors) else set()
    left_out = []
    for folder in sorted(set(by_folder) - set(included)):
        row = by_folder[folder]
        name = row.name if isinstance(row.name, str) else None
        reason = (row.problem if isinstance(row.problem, str)
                  else THEORY_OF_CHANGE if folder in unusable else NOT_BUILT)
        left_out.append(LeftOut(folder, name, reason))
    return Completeness(tuple(sorted(set(by_folder) | set(included))), tuple(sorted(included)), tuple(left_out),
                        known=bool(by_folder) or not included)


def counted_key(key: str, n: int) -> str:
    """``key``, or its singular ``<key>_one`` when ``n`` is 1."""
    return f"{key}_one" if n == 1 else key


def title_notice(c: Completeness, tr: Translator, delivered_anyway: bool = False) -> dict | None:
    """The box on a programme report's title page when an initiative is left out: a heading, one line per
    initiative left out, and whether the delivery was asked for as incomplete; None when nothing is left out."""
    if c.complete:
        return None
    return {"heading": tr.t(counted_key("completeness.heading", len(c.left_out)), missing=len(c.left_out), expected=len(c.expected)),
            "lines": [x.sentence(tr) for x in c.left_out],
            "consequence": tr.t("completeness.consequence", n=len(c.included)),
            "delivered_anyway": tr.t("completeness.delivered_anyway") if delivered_anyway else None,
            "command": DELIVER_ANYWAY}


def roster(c: Completeness, names: dict[str, str], tr: Translator) -> str:
    """Which initiatives a programme report is about, by name: all that were expected, or those included
    and those left out (the reasons stand on the title page)."""
    included = ", ".join(names.get(i, i) for i in c.included)
    if c.complete:
        return tr.t("completeness.roster_complete", n=len(c.included), included=included)
    return tr.t("completeness.roster_incomplete", expected=len(c.expected), n=len(c.included), included=included,
                left_out=", ".join(x.label(tr) for x in c.left_out))


def left_out_table(c: Completeness, tr: Translator) -> dict[str, pd.DataFrame]:
    """The table of the initiatives left out, for a programme report's tables (CSV and workbook); none when complete."""
    if c.complete:
        return {}
    return {"initiatives_left_out": pd.DataFrame(c.left_out_rows(tr), columns=["folder", "name", "reason", "explanation"])}

