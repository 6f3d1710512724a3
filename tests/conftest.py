"""Shared by both lanes: a fixed pseudonym key, the repository's folders, small raw-data folders.

The fixtures that build (temporary pipeline locations, the sample year) are in tests/integration/conftest.py.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

# Tests never touch the user's key file.
os.environ["COACHING_PSEUDONYM_KEY"] = "test-key-not-secret"

REPO = Path(__file__).resolve().parents[1]
SAMPLE_RAW_DATA = REPO / "raw_data"

PROGRAMME_YAML = textwrap.dedent(
    """\
    name: Test programme
    municipality: Gemeente Utrecht
    year: 2018
    alpha: 0.05
    multiple_testing: holm
    min_pairs: 10
    disclosure_threshold: 10
    discount_rate: 0.03
    closing_meeting: 2019-01-31
    language: nl
    """
)

TOC_YAML = textwrap.dedent(
    """\
    id: {id}
    name: Demo initiative
    kind: resident_initiative
    problem: Weinig contact in de buurt.
    target_group: Bewoners van Oost
    activities: ["Wekelijkse koffieochtend"]
    outputs:
      - {{id: participants, label: Deelnemers, target: 40}}
    outcomes:
      - {{id: contact, label: Contact met buren, instrument: custom, type: numeric, min: 0, max: 10, unit: punten, higher_is_better: true}}
      - {{id: loneliness, label: Eenzaamheid, instrument: djg11}}
    impact: Een buurt waar mensen elkaar kennen.
    hypotheses:
      - {{id: H1, statement: "Deelnemers hebben meer contact met buren", outcome: contact, test: paired_t, direction: increase}}
    """
)


def write_demo_initiative(raw: Path, initiative_id: str = "demo") -> Path:
    (raw / "programme.yaml").write_text(PROGRAMME_YAML, encoding="utf-8")
    folder = raw / initiative_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "theory_of_change.yaml").write_text(TOC_YAML.format(id=initiative_id), encoding="utf-8")
    return folder
