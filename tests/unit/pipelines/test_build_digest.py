"""At scale `coaching build` ends with a digest: totals, verdict counts and the initiatives with problems."""

from __future__ import annotations

import pandas as pd
import pytest

from impact.language import Translator
from pipelines.cli import DIGEST_LINES, _print_summary_digest, verdict_digest

pytestmark = pytest.mark.unit


def _drops(n: int) -> pd.DataFrame:
    rows = [(f"ini-{k:04d}", 3, 100, 100 - (k % 4), k % 4, int(k % 15 == 0)) for k in range(1, n + 1)]
    return pd.DataFrame(rows, columns=["initiative_id", "drops", "raw_rows", "staged", "quarantined", "refused_drops"])


def test_the_summary_digest_gives_totals_and_the_initiatives_with_problems_most_first(capsys):
    drops = _drops(40)
    drops.loc[len(drops)] = ["all (coaching log)", 0, 0, 0, 0, 0]  # the programme's log: not an initiative
    _print_summary_digest(drops, Translator("en"))
    lines = capsys.readouterr().out.splitlines()
    # 40 initiatives; quarantined k % 4 sums to 10 × (0+1+2+3) = 60 over the 30 with k % 4 > 0; refused where k
    # is 15 or 30 (both among those 30)
    assert lines[:3] == ["", "Summary of 40 initiatives: 120 files, 4000 rows, 3940 used, 60 set aside, 2 files not used",
                         "Initiatives with rows set aside or files not used (30), most first:"]
    assert lines[3:5] == ["  ini-0015: rows set aside 3, files not used 1", "  ini-0030: rows set aside 2, files not used 1"]
    assert lines[5] == "  ini-0003: rows set aside 3, files not used 0"
    assert len(lines) == 3 + DIGEST_LINES + 1
    assert lines[-1] == "  … and 20 more (everything is on the data-quality page)"


def test_the_verdict_digest_counts_each_verdict_in_dutch():
    table = pd.DataFrame({"initiative_id": ["a", "a", "b", "c", "d"],
                          "verdict": ["Ondersteund", "Niet aangetoond", "Ondersteund", "Ondersteund", "Te weinig gegevens"]})
    assert verdict_digest(table, Translator("nl")) == [
        "Hypothesen: 5 van 4 initiatieven, per oordeel:",
        "  Ondersteund: 3", "  Niet aangetoond: 1", "  Te weinig gegevens: 1",
        "Elke hypothese met haar toets, paren, schatting en p-waarde: de jaarrapporten, of SELECT * FROM marts.hypothesis_results",
    ]
