"""Finding the drops under ``raw_data/`` and reading them into text tables."""

from impact.ingest.drops import KINDS, Drop, discover_drops, discover_initiatives
from impact.ingest.readers import RawTable, read_drop

__all__ = ["KINDS", "Drop", "RawTable", "discover_drops", "discover_initiatives", "read_drop"]
