"""Great Expectations rules on the warehouse of a build: what blocks, what warns, and the data-quality page."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.cli import main
from tests.conftest import write_demo_initiative

pytestmark = [pytest.mark.integration, pytest.mark.slow]

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
    assert "  waarschuwing: Vragenlijsten (survey_responses:respondents_in_register)" in out
    assert ("      demo: iedereen die de vragenlijst invulde, staat in het deelnemersregister van het initiatief: "
            "1 niet zoals verwacht (demo/survey_2018.csv, rij 3)") in out
    assert _results(wh, "follow_up_after_baseline") == [("demo", "passed", 0, None)]
    assert ("demo", "warning", 1, "demo/survey_2018.csv, rij 3") in _results(wh, "dates_in_programme_year")
    assert (rep / "2018" / "data_quality" / "index.html").exists()


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
    # one line per cause on the page: the column, the row, then what is wrong and how to fix it
    assert ("<td>cost_eur</td><td>rij 2</td><td>&#39;1.250&#39; kan twee dingen betekenen: 1250 of 1,25; "
            "schrijf 1250 zonder punt of komma, of 1,25 met een komma</td>") in text
    assert "A1" not in text and "A2" not in text  # participant codes never appear
    assert "<script>" not in text and "&#39;&lt;script&gt;x&lt;/script&gt;&#39; is geen heel getal" in text
    assert main(["build"]) == 0
    assert {p.name: p.read_bytes() for p in page.parent.iterdir()} == first
