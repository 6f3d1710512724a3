"""run_rule validates initiatives with equal suites together and splits the results: row for row what
validating each initiative on its own gives.

The reference is the algorithm ``run_rule`` had before (one GX validation per initiative), kept here
verbatim as :func:`per_initiative_run_rule`; both run in the test, nothing is frozen. The integration
lane compares the two on the sample year's warehouse (tests/integration/quality/test_grouped_validation.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import pytest

from impact import warehouse
from impact.quality import expectations as gx_run
from impact.quality import rules
from impact.quality.expectations import RESULT_COLUMNS, _expected_text, _plain, run_rule, validate
from impact.quality.rules import RULES, ProgrammeYear
from impact.warehouse import tables

pytestmark = pytest.mark.unit


def per_initiative_run_rule(
    *,
    check_name: str,
    table_name: str,
    severity: str,
    frame: pd.DataFrame,
    initiative_ids: Sequence[str],
    expectations: Callable[[pd.DataFrame], Sequence],
    locate: Callable[[pd.DataFrame], pd.Series] | None = None,
) -> pd.DataFrame:
    """The reference: ``run_rule`` as it was, one validation per initiative."""
    rows = []
    for initiative_id in sorted(initiative_ids):
        part = frame[frame["initiative_id"] == initiative_id].reset_index(drop=True)
        suite = list(expectations(part))
        if not suite:
            continue
        for result in validate(part, suite):
            config = result.expectation_config
            info = result.result or {}
            failing = info.get("unexpected_index_list") or []
            where = None
            if failing and locate is not None:
                where = "; ".join(locate(part.loc[[i for i in failing if isinstance(i, int)][:10]]).tolist())
            observed = info.get("observed_value")
            if observed is None and where is None and info.get("partial_unexpected_list"):
                observed = ", ".join(_plain(v) for v in info["partial_unexpected_list"][:5])
            rows.append(
                {
                    "check_name": check_name,
                    "table_name": table_name,
                    "initiative_id": initiative_id,
                    "severity": severity,
                    "outcome": "passed" if result.success else ("failed" if severity == "ERROR" else "warning"),
                    "expectation": config.type,
                    "column": config.kwargs.get("column")
                    or ",".join(config.kwargs.get("column_list") or [])
                    or ",".join(filter(None, [config.kwargs.get("column_A"), config.kwargs.get("column_B")])),
                    "element_count": info.get("element_count"),
                    "unexpected_count": info.get("unexpected_count"),
                    "unexpected_percent": info.get("unexpected_percent"),
                    "observed_value": _plain(observed),
                    "expected": _expected_text(config),
                    "description": (config.meta or {}).get("description"),
                    "failing_rows": where,
                }
            )
    return tables.QUALITY_RESULTS.conform(pd.DataFrame(rows, columns=list(RESULT_COLUMNS)))


class CountingValidate:
    """Wraps ``expectations.validate`` to count the validations."""

    def __init__(self, monkeypatch):
        self.calls = 0
        self._validate = gx_run.validate
        monkeypatch.setattr(gx_run, "validate", self)

    def __call__(self, frame, suite):
        self.calls += 1
        return self._validate(frame, suite)


def both(monkeypatch, evaluate) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """``evaluate()`` with the reference and with ``run_rule``: (reference, new, the new one's validations)."""
    monkeypatch.setattr(rules, "run_rule", per_initiative_run_rule)
    old = evaluate()
    monkeypatch.setattr(rules, "run_rule", run_rule)
    counter = CountingValidate(monkeypatch)
    new = evaluate()
    monkeypatch.setattr(gx_run, "validate", counter._validate)
    return old, new, counter.calls


def assert_same(old: pd.DataFrame, new: pd.DataFrame) -> None:
    assert list(new.columns) == list(old.columns)
    pd.testing.assert_frame_equal(new, old, check_exact=True)


# -- every rule of RULES on a hand-made warehouse with problems in several initiatives -----------------------

IDS = ["a", "b", "c", "d", "e", "f", "no-rows"]


def _write(con, table, frame: pd.DataFrame) -> None:
    with warehouse.transaction(con):
        warehouse.replace_rows(con, table, frame, where={})


def _participants() -> pd.DataFrame:
    rows = []
    for k, initiative in enumerate(IDS[:-1]):
        for i in range(12 + 3 * k):
            rows.append({
                "initiative_id": initiative, "source_file": f"{initiative}/participants.csv", "source_row": i + 1,
                "participant_id": f"p{i}", "enrolled_on": pd.Timestamp(2018, 1 + i % 12, 1 + i % 27),
                "wijk": "Oost", "age_band": "18-29", "gender": "v" if i % 2 else "m",
                "left_on": pd.Timestamp(2018, 12, 1) if i % 5 == 0 else None,
            })
    frame = pd.DataFrame(rows)
    frame.loc[(frame.initiative_id == "b") & (frame.source_row == 3), "enrolled_on"] = pd.Timestamp(2017, 12, 31)
    frame.loc[(frame.initiative_id == "b") & (frame.source_row == 6), "left_on"] = pd.Timestamp(2017, 1, 1)
    frame.loc[(frame.initiative_id == "c") & (frame.source_row == 2), "participant_id"] = "p0"  # twice in c
    frame.loc[(frame.initiative_id == "c") & (frame.source_row.isin([4, 5, 7, 8])), "gender"] = None
    frame.loc[(frame.initiative_id == "d") & (frame.source_row == 9), "enrolled_on"] = pd.Timestamp(2019, 1, 2)
    frame.loc[(frame.initiative_id == "d") & (frame.source_row == 10), "enrolled_on"] = None
    frame.loc[(frame.initiative_id == "e") & (frame.source_row.isin([2, 3])), "participant_id"] = None
    return frame


def _activities() -> pd.DataFrame:
    rows = []
    for k, initiative in enumerate(IDS[:4]):
        for i in range(8):
            rows.append({
                "initiative_id": initiative, "source_file": f"{initiative}/activities.csv", "source_row": i + 1,
                "date": pd.Timestamp(2018, 2 + i, 3), "activity": "Koffie", "attendees": 10 + i + k,
                "volunteers": 2, "volunteer_hours": 4.0 if i % 3 else None, "cost_eur": 12.5 * i,
            })
    frame = pd.DataFrame(rows)
    frame.loc[(frame.initiative_id == "a") & (frame.source_row == 4), "attendees"] = 900
    frame.loc[(frame.initiative_id == "c") & (frame.source_row == 1), "date"] = pd.Timestamp(2017, 6, 1)
    frame.loc[(frame.initiative_id == "c") & (frame.source_row == 2), "cost_eur"] = 75_000.0
    frame.loc[(frame.initiative_id == "d") & (frame.source_row.isin([3, 5])), "volunteer_hours"] = 250.0
    return frame


def _survey() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rows = []
    for k, initiative in enumerate(IDS[:5]):
        for i in range(14):
            for wave, month in (("baseline", 3), ("follow_up", 9)):
                if wave == "follow_up" and i % 4 == 3:
                    continue
                row = {"initiative_id": initiative, "source_file": f"{initiative}/survey_{wave}.csv",
                       "source_row": i + 1, "participant_id": f"p{i}", "wave": wave,
                       "responded_on": pd.Timestamp(2018, month, 1 + i)}
                if initiative in ("a", "b", "c"):  # the same instruments: one group
                    row.update({f"djg6_{j}": float(rng.integers(1, 4)) for j in range(1, 7)})
                    row["contact"] = float(rng.integers(0, 11))
                else:  # another instrument
                    row.update({f"who5_{j}": float(rng.integers(0, 6)) for j in range(1, 6)})
                rows.append(row)
    frame = pd.DataFrame(rows)
    a, b, c, d = (frame.initiative_id == x for x in "abcd")
    frame.loc[a & (frame.source_row == 2) & (frame.wave == "follow_up"), "responded_on"] = pd.Timestamp(2018, 3, 1)
    frame.loc[b & (frame.source_row == 5) & (frame.wave == "baseline"), "responded_on"] = pd.Timestamp(2017, 11, 5)
    frame.loc[b & (frame.source_row <= 3), "djg6_2"] = None  # b: item 2 answered by too few
    frame.loc[c, "contact"] = 5.0  # c: no variation
    frame.loc[c & (frame.source_row == 7) & (frame.wave == "follow_up"), "wave"] = "baseline"  # twice a baseline
    frame.loc[d & (frame.source_row == 4), "participant_id"] = "stranger"  # not in the register
    frame.loc[d & (frame.source_row.isin([1, 2])), "who5_3"] = None
    return frame


def _sessions() -> pd.DataFrame:
    rows = [{"initiative_id": "all", "source_file": "coaching_sessions.csv", "source_row": 1, "kind": "plenary",
             "session_no": 1, "date": pd.Timestamp(2018, 2, 8), "theme": None, "topics": "Start",
             "lessons": "Zeven bewoners kwamen.", "actions": None}]
    for k, initiative in enumerate(IDS[:5]):
        for n in range(1, 6 - (k == 3)):
            rows.append({"initiative_id": initiative, "source_file": "coaching_sessions.csv",
                         "source_row": len(rows) + 1, "kind": "one_to_one", "session_no": n,
                         "date": pd.Timestamp(2018, 3 + n, 2), "theme": None, "topics": "Tussenstand",
                         "lessons": ("Slechts zeven bewoners hebben een nameting." if (initiative, n) == ("b", 4)
                                     else "De helft van de deelnemers kwam terug." if (initiative, n) == ("e", 2)
                                     else "Het loopt goed."),
                         "actions": "Door."})
    return pd.DataFrame(rows)


def _stories() -> pd.DataFrame:
    return pd.DataFrame([
        {"initiative_id": i, "source_file": f"{i}/stories.md", "source_row": n, "who": "deelnemer",
         "quote": ("Met vijf bewoners koken we nu samen." if (i, n) == ("a", 2) else "Ik kom graag."),
         "outcome_id": None, "date": None}
        for i in IDS[:3] for n in (1, 2, 3)
    ])


def _notices() -> pd.DataFrame:
    return pd.DataFrame([
        {"initiative_id": "a", "table_name": "participants", "source_file": "a/participants.csv", "column": "naam",
         "rule": "direct_identifier", "message": "m"},
        {"initiative_id": "b", "table_name": "participants", "source_file": "b/participants.csv", "column": "x",
         "rule": "unknown_column", "message": "m"},
        {"initiative_id": "c", "table_name": "survey_responses", "source_file": "c/survey.csv", "column": "email",
         "rule": "redacted_identifier", "message": "m"},
        {"initiative_id": "d", "table_name": "activities", "source_file": "d/activities.csv", "column": None,
         "rule": "unknown_item", "message": "m"},
    ])


@pytest.fixture
def con(tmp_path):
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        _write(con, tables.PARTICIPANTS, _participants())
        _write(con, tables.ACTIVITIES, _activities())
        _write(con, tables.SURVEY_RESPONSES, _survey())
        _write(con, tables.COACHING_SESSIONS, _sessions())
        _write(con, tables.STORIES, _stories())
        _write(con, tables.INGEST_NOTICES, _notices())
        yield con


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.table_name}:{r.name}")
def test_every_rule_gives_the_rows_of_one_validation_per_initiative(con, monkeypatch, rule):
    year = ProgrammeYear(2018)
    old, new, validations = both(monkeypatch, lambda: rule.evaluate(con, year, IDS))
    assert_same(old, new)
    assert validations <= len(IDS)


def test_the_problems_are_found_and_the_groups_validated_once(con, monkeypatch):
    """The hand-made warehouse does fail where it was made to (so the comparison above compares failures), and
    a rule over the rows of several initiatives takes one validation for those with rows, one for those without."""
    year = ProgrammeYear(2018)
    found = {}
    for rule in RULES:
        old, new, validations = both(monkeypatch, lambda: rule.evaluate(con, year, IDS))
        found[(rule.table_name, rule.name)] = sorted(set(new.loc[new.outcome != "passed", "initiative_id"]))
        if rule.name in ("dates_in_programme_year", "plausible_values", "one_row_per_participant", "completeness",
                         "left_after_enrolled", "follow_up_after_baseline", "respondents_in_register"):
            assert validations <= 2, rule.name
    assert found[("participants", "dates_in_programme_year")] == ["b", "d"]
    assert found[("participants", "one_row_per_participant")] == ["c"]
    assert found[("participants", "left_after_enrolled")] == ["b"]
    assert found[("participants", "completeness")] == ["c"]
    assert found[("activities", "plausible_values")] == ["a", "c", "d"]
    assert found[("activities", "dates_in_programme_year")] == ["c"]
    assert found[("survey_responses", "dates_in_programme_year")] == ["b"]
    assert found[("survey_responses", "one_response_per_participant_and_wave")] == ["c"]
    assert found[("survey_responses", "follow_up_after_baseline")] == ["a"]
    # a and c register fewer than answered, e has two rows without a code, d a stranger
    assert found[("survey_responses", "respondents_in_register")] == ["a", "c", "d", "e"]
    assert found[("survey_responses", "response_and_retention")] == ["f"]
    assert found[("survey_responses", "item_completeness")] == ["b", "d"]
    assert found[("survey_responses", "plausible_answers")] == ["c"]
    assert found[("coaching_sessions", "coaching_log_complete")] == ["d"]  # f has no row in the frame: vacuous
    assert found[("coaching_sessions", "no_small_groups_in_text")] == ["b", "e"]
    assert found[("stories", "no_small_groups_in_stories")] == ["a"]
    assert found[("participants", "no_direct_identifiers")] == ["a"]
    assert found[("survey_responses", "no_direct_identifiers")] == ["c"]


def test_the_sample_shaped_warehouse_copied_five_times(con, monkeypatch):
    """Every rule on the hand-made frames with each initiative copied five times (``a-01`` … ``f-05``)."""
    year = ProgrammeYear(2018)
    ids = [f"{i}-{k:02d}" for i in IDS for k in range(1, 6)]
    for rule in RULES:
        frame = rule.read_frame(con)
        copies = pd.concat([frame.assign(initiative_id=frame["initiative_id"] + f"-{k:02d}") for k in range(1, 6)],
                           ignore_index=True)
        copied = dataclasses.replace(rule, frame=lambda _con, f=copies: f)
        old, new, _ = both(monkeypatch, lambda: copied.evaluate(con, year, ids))
        assert_same(old, new)
        assert len(new) == 5 * len(rule.evaluate(con, year, IDS)), rule.name


# -- the split itself, on expectation types and edge cases the rules may come to use --------------------------

def _gx():
    import great_expectations as gx

    return gx.expectations


def _compare(monkeypatch, frame, ids, expectations, locate=None):
    kwargs = dict(check_name="c", table_name="t", severity="WARN", frame=frame, initiative_ids=ids,
                  expectations=expectations, locate=locate)
    old = per_initiative_run_rule(**kwargs)
    counter = CountingValidate(monkeypatch)
    new = run_rule(**kwargs)
    monkeypatch.setattr(gx_run, "validate", counter._validate)
    assert_same(old, new)
    return new, counter.calls


def _mixed_frame() -> pd.DataFrame:
    rows = []
    for k, initiative in enumerate(["x", "y", "z", "w"]):
        for i in range(11):
            rows.append({"initiative_id": initiative, "code": f"c{i % (9 if initiative == 'y' else 11)}",
                         "wave": "baseline" if i % 2 else "follow_up", "score": float((i * (k + 1)) % 7),
                         "label": f"L-{i:02d}" if (i + k) % 4 else "bad label",
                         "a": float(i) if i % 6 else None, "b": float(i - (initiative == "z") * 3) if i % 5 else None})
    frame = pd.DataFrame(rows)
    frame.loc[frame.initiative_id == "x", "code"] = "same"  # x: all codes equal
    frame.loc[(frame.initiative_id == "w") & (frame.index % 3 == 0), ["code", "wave"]] = None
    frame.loc[(frame.initiative_id == "z") & (frame.index % 4 == 0), "code"] = None
    return frame


def _codes(rows: pd.DataFrame) -> pd.Series:
    """Where a row is, for these frames without a file (without ``locate`` the failing values are shown,
    and a missing one cannot be: run_rule fails on it, before as now)."""
    return rows["code"].astype(str) + "@" + rows.index.astype(str)


def test_column_map_pair_and_unique_types_split_exactly(monkeypatch):
    e = _gx()
    frame = _mixed_frame()

    def suite(part):
        return [
            e.ExpectColumnValuesToBeUnique(column="code", meta={"description": "unique"}),
            e.ExpectColumnValuesToBeUnique(column="code", mostly=0.5),
            e.ExpectCompoundColumnsToBeUnique(column_list=["code", "wave"]),
            e.ExpectCompoundColumnsToBeUnique(column_list=["code", "wave"], ignore_row_if="any_value_is_missing"),
            e.ExpectCompoundColumnsToBeUnique(column_list=["code", "wave"], ignore_row_if="never"),
            e.ExpectColumnValuesToMatchRegex(column="label", regex=r"^L-\d+$", mostly=0.8),
            e.ExpectColumnValuesToNotMatchRegex(column="label", regex=r"\s"),
            e.ExpectColumnValuesToBeInSet(column="wave", value_set=["baseline"]),
            e.ExpectColumnValuesToNotBeInSet(column="score", value_set=[0.0, 6.0]),
            e.ExpectColumnValuesToBeBetween(column="score", min_value=1, max_value=5, mostly=0.6),
            e.ExpectColumnValuesToNotBeNull(column="a", mostly=0.85),
            e.ExpectColumnValuesToBeNull(column="b"),
            e.ExpectColumnPairValuesAToBeGreaterThanB(column_A="a", column_B="b", or_equal=True,
                                                      ignore_row_if="either_value_is_missing"),
            e.ExpectColumnPairValuesAToBeGreaterThanB(column_A="a", column_B="b", ignore_row_if="both_values_are_missing"),
            e.ExpectColumnPairValuesAToBeGreaterThanB(column_A="a", column_B="b", ignore_row_if="neither"),
        ]

    new, validations = _compare(monkeypatch, frame, ["x", "y", "z", "w", "none"], suite, _codes)
    assert validations == 2  # the four with rows, and the one without
    assert set(new.loc[new.outcome != "passed", "initiative_id"]) >= {"x", "y", "z", "w"}
    # uniqueness is per initiative: codes shared between initiatives are no duplicates
    unique = new[(new.expectation == "expect_column_values_to_be_unique") & (new.expected == "")]
    assert unique[["initiative_id", "unexpected_count"]].values.tolist() == [
        ["none", 0], ["w", 0], ["x", 11], ["y", 4], ["z", 0]]


def test_aggregates_are_validated_per_initiative_beside_the_split_ones(monkeypatch):
    e = _gx()
    frame = _mixed_frame()

    def suite(part):
        return [
            e.ExpectColumnMeanToBeBetween(column="score", min_value=2.5),
            e.ExpectColumnValuesToBeBetween(column="score", min_value=1, max_value=5),
            e.ExpectColumnStdevToBeBetween(column="a", min_value=3.3),
            e.ExpectTableRowCountToBeBetween(min_value=1),
            e.ExpectColumnProportionOfNonNullValuesToBeBetween(column="b", min_value=0.9),
            e.ExpectColumnValuesToNotBeNull(column="code"),
        ]

    _, validations = _compare(monkeypatch, frame, ["x", "y", "z", "w"], suite, _codes)
    assert validations == 1 + 4


def test_suites_that_differ_are_validated_apart(monkeypatch):
    e = _gx()
    frame = _mixed_frame()

    def suite(part):  # depends on the initiative's part, as the item rules do: y has two bad labels, the others three
        columns = ["a", "b"] if (part["label"] == "bad label").sum() > 2 else ["a"]
        return [e.ExpectColumnValuesToNotBeNull(column=c, mostly=0.9, meta={"description": c}) for c in columns]

    new, validations = _compare(monkeypatch, frame, ["x", "y", "z", "w"], suite, _codes)
    assert validations == 2  # one group of x, z and w, and y on its own
    assert list(zip(new["initiative_id"], new["column"])) == [
        ("w", "a"), ("w", "b"), ("x", "a"), ("x", "b"), ("y", "a"), ("z", "a"), ("z", "b")]
    none, validations = _compare(monkeypatch, frame, ["x", "y", "z", "w"], lambda part: [])
    assert len(none) == 0 and validations == 0  # no suite: no rows, no validation


def test_a_group_whose_values_raise_is_validated_per_initiative(monkeypatch):
    """Between on an object column with a text in one initiative raises there only: the group falls back."""
    e = _gx()
    frame = pd.DataFrame({"initiative_id": ["p", "p", "q", "q", "r"],
                          "v": [1, 2, "drie", 4, 700]}).astype({"v": object})
    new, validations = _compare(monkeypatch, frame, ["p", "q", "r"],
                                lambda part: [e.ExpectColumnValuesToBeBetween(column="v", min_value=0, max_value=10)])
    assert validations == 1 + 3
    assert new["outcome"].tolist() == ["passed", "warning", "warning"]


def test_dates_failing_rows_and_locate(monkeypatch):
    e = _gx()
    frame = pd.DataFrame({
        "initiative_id": ["p"] * 4 + ["q"] * 13,
        "source_file": ["p.csv"] * 4 + ["q.csv"] * 13,
        "source_row": list(range(1, 5)) + list(range(1, 14)),
        "day": pd.to_datetime(["2018-01-01", "2017-12-31", None, "2019-01-01"] + ["2016-05-05"] * 12 + ["2018-06-01"]),
    })

    def locate(rows):
        return rows["source_file"] + " row " + rows["source_row"].astype(str)

    new, validations = _compare(monkeypatch, frame, ["p", "q"], lambda part: [
        e.ExpectColumnValuesToBeBetween(column="day", min_value=pd.Timestamp(2018, 1, 1),
                                        max_value=pd.Timestamp(2018, 12, 31))], locate)
    assert validations == 1
    assert new["failing_rows"].tolist() == ["p.csv row 2; p.csv row 4",
                                            "; ".join(f"q.csv row {i}" for i in range(1, 11))]
    # without locate, the values themselves
    new, _ = _compare(monkeypatch, frame, ["p", "q"], lambda part: [
        e.ExpectColumnValuesToBeBetween(column="day", min_value=pd.Timestamp(2018, 1, 1),
                                        max_value=pd.Timestamp(2018, 12, 31))])
    assert new["observed_value"].tolist()[0] == "2017-12-31, 2019-01-01"
