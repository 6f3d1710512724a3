"""Great Expectations rules on the warehouse: what blocks, what warns, and the data-quality page."""

from __future__ import annotations

import duckdb
import pandas as pd

from impact.quality.rules import RULES, ProgrammeYear

from pipelines.cli import main
from tests.conftest import write_demo_initiative

PARTICIPANTS = "participant_id,enrolled_on,wijk,age_band,gender\nA1,2018-01-02,Oost,18-29,v\nA2,2018-01-02,Oost,18-29,m\n"


def _results(wh, check):
    con = duckdb.connect(str(wh / "coaching.duckdb"), read_only=True)
    rows = con.execute(
        "SELECT initiative_id, outcome, unexpected_count, failing_rows FROM quality.quality_results "
        "WHERE check_name = ? ORDER BY ALL",
        [check],
    ).fetchall()
    con.close()
    return rows


def test_problems_of_one_initiative_warn_and_block_nobody(locations_env, capsys):
    raw, wh, rep = locations_env
    folder = write_demo_initiative(raw, "demo")
    (folder / "participants_2018.csv").write_text(PARTICIPANTS)
    (folder / "survey_2018.csv").write_text(
        "participant_id,wave,responded_on,contact\n"
        "A1,baseline,2018-03-01,4\n"
        "A1,follow_up,2018-02-01,5\n"  # before the baseline: both rows quarantined at the door
        "A3,baseline,2017-12-01,5\n"  # outside 2018 and not in the register: warnings
    )
    assert main(["build"]) == 0
    out = capsys.readouterr().out
    assert "  warning: survey_responses:respondents_in_register" in out
    assert ("      demo: everyone who answered the survey is in the initiative's participant register: 1 not as expected "
            "(demo/survey_2018.csv row 3)") in out
    assert _results(wh, "follow_up_after_baseline") == [("demo", "passed", 0, None)]
    assert ("demo", "warning", 1, "demo/survey_2018.csv row 3") in _results(wh, "dates_in_programme_year")
    assert (rep / "2018" / "data_quality" / "index.html").exists()


def _bypassed_warehouse(tmp_path, survey_rows):
    """A warehouse whose survey table did not come through the contract (as after a bug or a hand edit)."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("CREATE SCHEMA staging")
    con.execute("CREATE SCHEMA programme")
    con.execute("CREATE TABLE programme.settings AS SELECT 2018 AS year")
    frame = pd.DataFrame(survey_rows, columns=["initiative_id", "source_file", "source_row", "participant_id", "wave", "responded_on"])
    frame["responded_on"] = pd.to_datetime(frame["responded_on"])
    con.execute("CREATE TABLE staging.survey_responses AS SELECT * FROM frame")
    return con


def test_error_rules_fail_when_the_contract_was_bypassed(tmp_path):
    con = _bypassed_warehouse(tmp_path, [
        ("demo", "demo/s.csv", 1, "p1", "baseline", "2018-06-01"),
        ("demo", "demo/s.csv", 2, "p1", "follow_up", "2018-02-01"),
        ("demo", "demo/s.csv", 3, "p2", "baseline", "2018-01-01"),
        ("demo", "demo/s.csv", 4, "p2", "baseline", "2018-01-02"),
        ("other", "other/s.csv", 1, "p9", "baseline", "2018-01-01"),
    ])
    rules = {r.name: r for r in RULES if r.table_name == "survey_responses"}
    order = rules["follow_up_after_baseline"].evaluate(con, ProgrammeYear(2018), ["demo", "other"])
    assert order[["initiative_id", "outcome", "unexpected_count", "failing_rows"]].values.tolist() == [
        ["demo", "failed", 1, "demo/s.csv row 2"],
        ["other", "passed", 0, None],
    ]
    unique = rules["one_response_per_participant_and_wave"].evaluate(con, ProgrammeYear(2018), ["demo", "other"])
    assert unique[["initiative_id", "outcome", "unexpected_count"]].values.tolist() == [["demo", "failed", 2], ["other", "passed", 0]]
    assert set(order["severity"]) == {"ERROR"}


def test_clean_data_pass_and_the_page_is_reproducible(locations_env, capsys):
    raw, wh, rep = locations_env
    folder = write_demo_initiative(raw, "demo")
    (folder / "participants_2018.csv").write_text(PARTICIPANTS)
    (folder / "survey_2018.csv").write_text(
        "participant_id,wave,responded_on,contact\nA1,baseline,2018-03-01,4\nA1,follow_up,2018-09-01,5\n"
        "A2,baseline,2018-03-02,6\nA2,follow_up,2018-09-02,6\n"
    )
    (folder / "activities_2018.csv").write_text(
        "date,activity,attendees,cost_eur\n2018-03-01,Koffie,12,5\n2018-03-08,Koffie,14,1.250\n2018-03-09,Thee,<script>x</script>,3\n")
    assert main(["build"]) == 0
    page = rep / "2018" / "data_quality" / "index.html"
    first = {p.name: p.read_bytes() for p in page.parent.iterdir()}
    assert sorted(first) == ["index.html", "notices.csv", "quality_results.csv", "quarantine.csv"]
    assert _results(wh, "follow_up_after_baseline") == [("demo", "passed", 0, None)]
    assert _results(wh, "response_and_retention") == [("demo", "passed", 0, None), ("demo", "passed", 0, None)]
    text = page.read_text(encoding="utf-8")
    assert ("demo/activities_2018.csv, row 2, column &#39;cost_eur&#39;: &#39;1.250&#39; is ambiguous: it could mean 1250 "
            "or 1,25; write 1250 without a separator, or 1,25 with a decimal comma") in text
    assert "A1" not in text and "A2" not in text  # participant codes never appear
    assert "<script>" not in text and "&#39;&lt;script&gt;x&lt;/script&gt;&#39; is not a whole number" in text
    assert main(["build"]) == 0
    assert {p.name: p.read_bytes() for p in page.parent.iterdir()} == first
