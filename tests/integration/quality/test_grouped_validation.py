"""The quality rules on the sample year's warehouse: run_rule (initiatives with equal suites validated
together) gives row for row what one validation per initiative gave, on the sample year and on its frames
with every initiative copied five times. The reference is the old algorithm, kept in
tests/unit/quality/test_grouped_validation.py."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from impact.quality.results import known_initiatives
from impact.quality.rules import RULES, ProgrammeYear
from tests.unit.quality.test_grouped_validation import assert_same, both

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_every_rule_on_the_sample_year_as_one_validation_per_initiative(built_sample, monkeypatch):
    con = built_sample["con"]
    year = ProgrammeYear(2018)
    ids = known_initiatives(con)
    assert len(ids) == 9
    not_passed = 0
    for rule in RULES:
        old, new, _ = both(monkeypatch, lambda: rule.evaluate(con, year, ids))
        assert_same(old, new)
        not_passed += int((new["outcome"] != "passed").sum())
    assert not_passed > 0  # the sample year has its warnings (docs/architecture.md): failures are compared too


def test_every_rule_on_the_sample_year_copied_five_times(built_sample, monkeypatch):
    con = built_sample["con"]
    year = ProgrammeYear(2018)
    ids = [f"{i}-{k:02d}" for i in known_initiatives(con) for k in range(1, 6)]
    for rule in RULES:
        frame = rule.read_frame(con)
        copies = pd.concat([frame.assign(initiative_id=frame["initiative_id"] + f"-{k:02d}") for k in range(1, 6)],
                           ignore_index=True)
        copied = dataclasses.replace(rule, frame=lambda _con, f=copies: f)
        old, new, _ = both(monkeypatch, lambda: copied.evaluate(con, year, ids))
        assert_same(old, new)
        assert len(new) == 5 * len(rule.evaluate(con, year, known_initiatives(con))), rule.name
