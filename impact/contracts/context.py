"""What the contract needs to know beyond the file itself: the initiative's Theory of Change, and the
language its messages are written in."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CustomOutcome:
    """A custom outcome declared in a Theory of Change; its survey column is named after ``id``."""

    id: str
    type: str  # numeric | binary | ordinal
    min: float
    max: float
    unit: str | None = None


@dataclass(frozen=True)
class ContractContext:
    waves: tuple[str, ...] = ("baseline", "follow_up")
    custom_outcomes: tuple[CustomOutcome, ...] = ()
    initiative_ids: tuple[str, ...] | None = None
    language: str = "nl"  # the language of the messages (programme.yaml's ``language``)

    @classmethod
    def from_theory_of_change(cls, toc, language: str = "nl") -> "ContractContext":
        custom = tuple(
            CustomOutcome(o.id, o.type, o.min, o.max, o.unit) for o in toc.outcomes if o.instrument == "custom"
        )
        return cls(waves=tuple(toc.waves), custom_outcomes=custom, language=language)
