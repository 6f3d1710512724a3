"""Registered instruments (docs/instruments.md): items, answers and the rules to read them.

``REGISTRY`` maps an instrument id to its :class:`Instrument`. Each records its
items (the survey columns), the answers it accepts — codes, and Dutch and
English words — and its source. Scoring lives beside it (``impact.instruments.scoring``).
"""

from impact.instruments.registry import (
    REGISTERED_INSTRUMENTS,
    REGISTRY,
    Instrument,
    instrument_of_column,
)

__all__ = ["REGISTERED_INSTRUMENTS", "REGISTRY", "Instrument", "instrument_of_column"]
