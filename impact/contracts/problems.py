"""Quarantine entries grouped by cause, for people: one line per cause instead of one per cell.

Entries of one file share a cause when they say the same thing about the same column: a file coded one
too low (every row, one sentence), a misspelt value (``'Overvect'``, all its rows), a date column written
month first. Each group is one line that names the column as the coach wrote it and the rows it covers
(``rijen 3, 8 en 12``; long runs as ranges, ``rijen 1–40``), followed by what is wrong and how to fix it.
The entries themselves stay one per cell in the warehouse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from impact.contracts.staging import column_words
from impact.language import LANGUAGES, Translator

MAX_ROWS_LISTED = 12  # row runs listed in one line; the rest are counted


@dataclass(frozen=True)
class ProblemGroup:
    source_file: str
    rule: str
    column: str          # as people read it ('' for a whole file)
    rows: tuple[int, ...]  # empty for a whole file
    text: str            # what is wrong and how to fix it, without file and row

    def line(self, tr: Translator) -> str:
        if not self.rows:
            return self.text
        rows = row_ranges(self.rows, tr)
        if self.column and self.column != tr.t("contract.whole_row"):
            return tr.t("contract.group.column_rows", column=self.column, rows=rows, text=self.text)
        return tr.t("contract.group.rows", rows=rows, text=self.text)


def row_ranges(rows, tr: Translator) -> str:
    """``rij 4``, ``rijen 3, 8 en 12``, ``rijen 1–40 en 45``; beyond ``MAX_ROWS_LISTED`` runs, a count of the rest."""
    numbers = sorted(set(int(r) for r in rows))
    runs: list[tuple[int, int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    # three or more rows in a row read as a range (1–40); two stay two (3 en 4)
    runs = [r for a, b in runs for r in ([(a, a), (b, b)] if b == a + 1 else [(a, b)])]
    words = [str(a) if a == b else f"{a}–{b}" for a, b in runs[:MAX_ROWS_LISTED]]
    if len(runs) > MAX_ROWS_LISTED:
        rest = sum(b - a + 1 for a, b in runs[MAX_ROWS_LISTED:])
        words.append(tr.t("contract.group.more_rows", n=rest))
    key = "contract.note.rows_one" if len(numbers) == 1 else "contract.note.rows_many"
    return tr.t(key, rows=tr.listing(words))


def _prefix_patterns(tr: Translator) -> list[re.Pattern]:
    """The 'file, row N, column C: ' and 'file, row N: ' prefixes of messages, as patterns that capture the column;
    the reader's language first, then the others (a warehouse may hold entries staged in another language)."""
    out = []
    readers = [tr, *(Translator(language) for language in LANGUAGES if language != tr.language)]
    for reader, (key, values) in ((r, k) for r in readers for k in (("contract.row_column", {"column": "\x02"}),
                                                                    ("contract.row", {}))):
        text = re.escape(reader.t(key, file="\x00", row="\x01", **values))
        text = text.replace("\x00", "(?P<file>.+?)").replace("\x01", r"\d+").replace("\x02", "(?P<column>.*?)")
        out.append(re.compile("^" + text))
    return out


def _split(message: str, patterns: list[re.Pattern]) -> tuple[str | None, str]:
    """(the column as the message names it, or None; the message after its prefix)."""
    for pattern in patterns:
        found = pattern.match(message)
        if found:
            return found.groupdict().get("column"), message[found.end():]
    return None, message


def group_problems(quarantine: pd.DataFrame, tr: Translator) -> list[ProblemGroup]:
    """The quarantine entries of one or more files as groups, in the order of their first row per file.

    Entries without a row (a refused file) are groups of their own, first.
    """
    if quarantine.empty:
        return []
    groups: dict[tuple, list[int]] = {}
    order: list[tuple] = []
    patterns = _prefix_patterns(tr)
    for r in quarantine.itertuples(index=False):
        named, text = _split(r.message, patterns) if not pd.isna(r.source_row) else (None, r.message)
        column = named or column_words(r.column, tr)  # as the coach wrote it, where the message names it
        key = (r.source_file, r.rule, column, text, pd.isna(r.source_row))
        if key not in groups:
            groups[key] = []
            order.append(key)
        if not pd.isna(r.source_row):
            groups[key].append(int(r.source_row))
    out = [ProblemGroup(f, rule, column, tuple(sorted(set(groups[(f, rule, column, text, whole)]))), text)
           for f, rule, column, text, whole in order]
    return sorted(out, key=lambda g: (g.source_file, bool(g.rows), g.rows[:1]))
