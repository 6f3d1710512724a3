"""Errors a coach reads: each names the file and says what was expected."""

from __future__ import annotations

from impact.language import Translator


class CoachingDataError(Exception):
    """Base class for problems with the raw data."""


class ConfigError(CoachingDataError):
    """``programme.yaml`` or a ``theory_of_change.yaml`` is not as expected.

    ``problems`` lists one plain sentence per problem, each naming the key, in ``language`` (the
    programme's: Dutch unless English is asked for); the message counts them in the same language.
    """

    def __init__(self, source: str, problems: list[str], language: str = "nl"):
        self.source = source
        self.problems = list(problems)
        self.language = language
        lines = "\n".join(f"  - {p}" for p in self.problems)
        tr = Translator(language)
        head = tr.t("settings.problems_one" if len(self.problems) == 1 else "settings.problems",
                    source=source, n=len(self.problems))
        super().__init__(f"{head}\n{lines}")


class UnreadableDrop(CoachingDataError):
    """A drop that cannot be used at all (unreadable, empty, not a table, ...)."""

    def __init__(self, source_file: str, reason, rule: str = "unreadable_file", rows: int = 0):
        # ``reason`` is a ``impact.language.Text`` (written in the reader's language by the caller) or plain text
        self.source_file = source_file
        self.reason = reason
        self.rule = rule
        self.rows = rows  # data rows the file holds, where they could be counted (all are quarantined)
        super().__init__(f"{source_file}: {reason}")
