"""Build the sample year into a temporary warehouse and account for every raw row."""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest
import yaml

from impact.ingest.drops import discover_drops, discover_initiatives
from impact.quality.accounting import independent_row_count
from pipelines.cli import main
from tests.conftest import SAMPLE_RAW_DATA, write_demo_initiative

pytestmark = pytest.mark.integration

NINE = [
    "digitale-buddies",
    "food-for-good",
    "imc-weekendschool",
    "nieuw-rotsoord",
    "sociale-supermarkt",
    "talent-connection",
    "utrecht-cares",
    "zorgverslimming",
    "zus-en-zo",
]


@pytest.mark.slow
def test_build_succeeds_and_never_writes_into_raw_data(built_sample):
    assert built_sample["code"] == 0
    assert built_sample["raw_unchanged"]


@pytest.mark.slow
def test_nine_initiatives_with_their_theory_of_change(built_sample):
    con = built_sample["con"]
    assert discover_initiatives(SAMPLE_RAW_DATA) == NINE
    assert [r[0] for r in con.execute("SELECT initiative_id FROM programme.initiatives ORDER BY 1").fetchall()] == NINE
    assert con.execute("SELECT count(*) FROM programme.config_errors").fetchone()[0] == 0
    hyps = con.execute("SELECT count(*), count(DISTINCT initiative_id) FROM programme.hypotheses").fetchone()
    assert hyps[0] >= 9 and hyps[1] == 9


def independent_story_count(path) -> int:
    """Stories in a stories drop, counted without the project's reader: the YAML list, or Markdown blocks between
    lines of '---' that hold a quote line."""
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        return len(yaml.safe_load(text)["stories"])
    return sum(any(line.startswith(">") for line in block.splitlines()) for block in text.split("\n---\n"))


@pytest.mark.slow
def test_every_drop_adds_up_against_the_raw_files(built_sample):
    con = built_sample["con"]
    recorded = con.execute("SELECT source_file, table_name, raw_rows, staged_rows, quarantined_rows FROM staging.drops").df()
    expected_files = []
    for initiative in NINE:
        for kind in ("participants", "activities", "survey"):
            drops = discover_drops(SAMPLE_RAW_DATA, initiative, kind)
            assert len(drops) >= 2, f"{initiative} should have several {kind} drops"
            expected_files += drops
        expected_files += discover_drops(SAMPLE_RAW_DATA, initiative, "stories")   # optional: none or more
    expected_files += discover_drops(SAMPLE_RAW_DATA, "all", "coaching_sessions")
    assert sorted(recorded["source_file"]) == sorted(d.source_file for d in expected_files)

    by_file = recorded.set_index("source_file")
    for drop in expected_files:
        rec = by_file.loc[drop.source_file]
        table = rec["table_name"]
        independent = independent_story_count(drop.path) if table == "stories" else independent_row_count(drop.path)
        staged = con.execute(f"SELECT count(*) FROM staging.{table} WHERE source_file = ?", [drop.source_file]).fetchone()[0]
        quarantined = con.execute(
            "SELECT count(DISTINCT source_row) FROM staging.quarantine WHERE source_file = ?", [drop.source_file]
        ).fetchone()[0]
        assert rec["raw_rows"] == independent, drop.source_file
        assert staged + quarantined == independent, drop.source_file
        assert (rec["staged_rows"], rec["quarantined_rows"]) == (staged, quarantined), drop.source_file


@pytest.mark.slow
def test_rows_per_initiative_add_up(built_sample):
    con = built_sample["con"]
    for table, kind in (("participants", "participants"), ("activities", "activities"), ("survey_responses", "survey")):
        staged = dict(con.execute(f"SELECT initiative_id, count(*) FROM staging.{table} GROUP BY 1").fetchall())
        quarantined = dict(
            con.execute(
                "SELECT initiative_id, count(DISTINCT source_file || '#' || source_row) FROM staging.quarantine "
                "WHERE table_name = ? GROUP BY 1",
                [table],
            ).fetchall()
        )
        for initiative in NINE:
            raw = sum(independent_row_count(d.path) for d in discover_drops(SAMPLE_RAW_DATA, initiative, kind))
            assert staged.get(initiative, 0) + quarantined.get(initiative, 0) == raw, (table, initiative)
            assert staged.get(initiative, 0) > 0


@pytest.mark.slow
def test_planted_entry_errors_are_quarantined_with_reasons(built_sample):
    con = built_sample["con"]
    rows = con.execute('SELECT "column", value, rule FROM staging.quarantine ORDER BY ALL').fetchall()
    assert ("attendees", "ca. 20", "whole_number") in rows
    # the misspelt wijk keeps its participant, with the wijk unknown and a note naming the row
    assert not [r for r in rows if r[0] == "wijk"]
    assert con.execute("""SELECT wijk FROM staging.participants
                          WHERE source_file = 'sociale-supermarkt/participants_2018-q1.csv' AND source_row = 38""").fetchall() == [(None,)]
    assert con.execute("""SELECT "column", rule, message FROM staging.ingest_notices WHERE rule = 'unknown_value'""").fetchall() == [
        ("wijk", "unknown_value", "sociale-supermarkt/participants_2018-q1.csv: kolom 'wijk', rij 38: 'Overvect' is geen van "
         "de tien Utrechtse wijken (bedoelt u Overvecht?); de deelnemer telt gewoon mee, maar staat in het bereik per "
         "wijk bij ‘wijk onbekend’")]
    # `overvecht ` (only badly spaced and cased) is not an error
    assert con.execute("SELECT count(*) FROM staging.quarantine WHERE value ILIKE 'overvecht%'").fetchone()[0] == 0


@pytest.mark.slow
def test_no_raw_participant_code_reaches_the_warehouse(built_sample):
    con = built_sample["con"]
    codes = set()
    for initiative in NINE:
        for drop in discover_drops(SAMPLE_RAW_DATA, initiative, "participants"):
            if drop.path.suffix == ".csv" and not drop.refusal:  # a link (case c62) is not read here either
                codes |= set(pd.read_csv(drop.path, sep=None, engine="python", dtype=str, encoding="cp1252")["participant_id"].dropna())
    assert len(codes) > 100
    stored = set(r[0] for r in con.execute("SELECT participant_id FROM staging.participants UNION SELECT participant_id FROM staging.survey_responses").fetchall())
    stored |= set(r[0] for r in con.execute("SELECT value FROM staging.quarantine WHERE value IS NOT NULL").fetchall())
    assert not (codes & stored)
    assert all(s.startswith("p_") for s in con.execute("SELECT participant_id FROM staging.participants").df()["participant_id"])


@pytest.mark.slow
def test_a_new_folder_becomes_a_new_partition_without_code_change(locations_env):
    from dagster import DagsterInstance

    raw, wh, _ = locations_env
    shutil.copy(SAMPLE_RAW_DATA / "coaching_sessions.csv", raw / "coaching_sessions.csv")
    folder = write_demo_initiative(raw, "buurtkamer-oost")
    (folder / "participants_2018.csv").write_text("participant_id,enrolled_on,wijk,age_band\nB1,2018-05-01,Oost,65-74\n", encoding="utf-8")
    (folder / "survey_2018.csv").write_text("participant_id,wave,responded_on,contact\nB1,baseline,2018-05-02,4\n", encoding="utf-8")
    assert main(["build"]) == 0
    with DagsterInstance.get() as instance:
        assert instance.get_dynamic_partitions("initiative") == ["buurtkamer-oost"]
    con = duckdb.connect(str(wh / "coaching.duckdb"), read_only=True)
    assert con.execute("SELECT initiative_id, contact FROM staging.survey_responses").fetchall() == [("buurtkamer-oost", 4.0)]
    # the coaching log names initiatives this raw-data folder does not have: they are quarantined, not lost
    assert con.execute("SELECT count(*) FROM staging.quarantine WHERE table_name = 'coaching_sessions' AND rule = 'allowed_values'").fetchone()[0] > 0
    con.close()


def test_unknown_initiative_is_refused(locations_env, capsys):
    raw, _, _ = locations_env
    write_demo_initiative(raw, "demo")
    assert main(["build", "--initiative", "nope"]) == 2
    assert "Onbekend initiatief: nope. Bekend: demo" in capsys.readouterr().err


@pytest.mark.slow
def test_a_broken_theory_of_change_is_reported_and_the_others_carry_on(locations_env, capsys):
    raw, wh, _ = locations_env
    write_demo_initiative(raw, "demo")
    broken = write_demo_initiative(raw, "kapot")
    toc = broken / "theory_of_change.yaml"
    toc.write_text(toc.read_text(encoding="utf-8").replace("outcome: contact", "outcome: geluk"), encoding="utf-8")
    for folder in (raw / "demo", broken):
        (folder / "participants_2018.csv").write_text("participant_id,enrolled_on,wijk,age_band\nB1,2018-05-01,Oost,65-74\n", encoding="utf-8")
    assert main(["build"]) == 1
    captured = capsys.readouterr()
    assert (
        "  Theory of Change niet bruikbaar: kapot/theory_of_change.yaml: sleutel 'hypotheses[0].outcome': 'geluk' staat "
        "niet als uitkomst onder 'outcomes' (daar staan: contact, loneliness)"
    ) in captured.out.splitlines()
    assert ("De build is klaar, maar in een Theory of Change of de naam van een map moet nog iets worden opgelost "
            "(aantal problemen: 1; zie hierboven).") in captured.err
    # the programme is incomplete, so nothing is delivered to the municipality
    assert ("De levering voor de gemeente is niet gemaakt, want het programma is onvolledig: 1 van de 2 initiatieven "
            "ontbreekt.") in captured.err
    con = duckdb.connect(str(wh / "coaching.duckdb"), read_only=True)
    assert con.execute("SELECT initiative_id FROM programme.initiatives").fetchall() == [("demo",)]
    # the participants of both initiatives are still staged
    assert con.execute("SELECT initiative_id, count(*) FROM staging.participants GROUP BY 1 ORDER BY 1").fetchall() == [("demo", 1), ("kapot", 1)]
    con.close()


def test_a_broken_programme_yaml_stops_the_build_with_the_reason(locations_env, capsys):
    raw, _, _ = locations_env
    write_demo_initiative(raw, "demo")
    (raw / "programme.yaml").write_text((raw / "programme.yaml").read_text().replace("year: 2018", "year: twintig-achttien"))
    assert main(["build"]) == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        "Bouwen kan niet: programme.yaml: 1 probleem",
        "  - sleutel 'year': verwacht een heel getal (er staat: 'twintig-achttien')",
    ]


@pytest.mark.slow
def test_an_unreadable_drop_is_refused_by_name_and_the_rest_carries_on(locations_env, capsys):
    raw, wh, _ = locations_env
    folder = write_demo_initiative(raw, "demo")
    (folder / "participants_2018.csv").write_text("participant_id,enrolled_on,wijk,age_band\nB1,2018-05-01,Oost,65-74\n", encoding="utf-8")
    (folder / "survey_2018-09.csv").write_bytes(b"PK\x03\x04 this is a zip file")
    assert main(["build"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert ("  demo/survey_2018-09.csv: het hele bestand is niet gebruikt, want het is een Excel-werkmap, maar de naam "
            "eindigt op .csv; verander de extensie in .xlsx") in out
    con = duckdb.connect(str(wh / "coaching.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM staging.participants").fetchone()[0] == 1
    assert con.execute("SELECT table_name, raw_rows, staged_rows, quarantined_rows, refused FROM staging.drops ORDER BY 1").fetchall() == [
        ("participants", 1, 1, 0, False),
        ("survey_responses", 0, 0, 0, True),
    ]
    con.close()


def _all_text_in_warehouse(con) -> str:
    """Every value of every text column of every table, as one string to search."""
    parts = []
    for schema, table, column in con.execute(
        "SELECT table_schema, table_name, column_name FROM information_schema.columns "
        "WHERE data_type = 'VARCHAR' ORDER BY ALL"
    ).fetchall():
        parts += [str(v) for (v,) in con.execute(f'SELECT DISTINCT "{column}" FROM {schema}.{table} WHERE "{column}" IS NOT NULL').fetchall()]
    return "\n".join(parts)


@pytest.mark.slow
def test_sample_year_plus_a_folder_of_broken_drops(tmp_path, monkeypatch, capsys):
    """The broken folder is quarantined, named and kept out; every other initiative is built as usual."""
    from tests.bad_inputs import write_catalogue_folder

    # the direct identifiers the catalogue's drops carry (tests/bad_inputs.py, cases c08, c09, c25)
    pii = ("Jan Jansen", "jan@example.nl", "12-05-1941", "111222333", "piet@example.nl", "kees@voorbeeld.nl",
           "ria@example.nl", "06-12345678")

    raw = tmp_path / "raw_data"
    shutil.copytree(SAMPLE_RAW_DATA, raw)
    written = write_catalogue_folder(raw / "broken-drops", "broken-drops")
    for name, value in (("COACHING_RAW_DATA", raw), ("COACHING_WAREHOUSE", tmp_path / "wh"),
                        ("COACHING_REPORTS", tmp_path / "rep"), ("DAGSTER_HOME", tmp_path / "dh")):
        monkeypatch.setenv(name, str(value))
    main(["build"])
    out = capsys.readouterr().out
    con = duckdb.connect(str(tmp_path / "wh" / "coaching.duckdb"), read_only=True)
    # every other initiative is built exactly as without the broken folder
    staged = dict(con.execute("SELECT initiative_id, count(*) FROM staging.survey_responses GROUP BY 1").fetchall())
    assert set(NINE) <= set(staged)
    # every raw row of every drop, broken ones included, is staged or quarantined
    drops = con.execute("SELECT source_file, raw_rows, staged_rows, quarantined_rows, refused FROM staging.drops").fetchall()
    assert len([d for d in drops if d[0].startswith("broken-drops/")]) == len(
        [p for p in written if p.name != "theory_of_change.yaml" and p.name.split("_")[0] in ("participants", "activities", "survey")]
    )
    for source_file, raw_rows, staged_rows, quarantined_rows, refused in drops:
        assert raw_rows == staged_rows + quarantined_rows, source_file
        path = raw / source_file
        if not refused:
            counted = independent_story_count(path) if "/stories" in source_file else independent_row_count(path)
            assert counted == raw_rows, source_file
    # no raw participant code and no direct identifier anywhere in the warehouse
    text = _all_text_in_warehouse(con)
    for value in pii:
        assert value not in text, value
    codes = set()
    for initiative in [*NINE, "broken-drops"]:
        for drop in discover_drops(raw, initiative, "participants"):
            if drop.path.suffix == ".csv" and not drop.refusal:  # a link (case c62) is not read here either
                try:
                    codes |= set(pd.read_csv(drop.path, sep=None, engine="python", dtype=str, encoding="cp1252")["participant_id"].dropna())
                except Exception:  # noqa: BLE001 - broken drops may not parse at all
                    pass
    values = set(text.split("\n"))
    assert len(codes) > 100
    assert not {c for c in codes if c in values or f"'{c}'" in text}
    assert "broken-drops" in out
    con.close()


@pytest.mark.slow
def test_sample_verdicts_are_those_the_generator_planted(built_sample):
    con = built_sample["con"]
    verdicts = dict(con.execute(
        "SELECT initiative_id || ':' || hypothesis_id, verdict FROM marts.hypothesis_results").fetchall())
    assert verdicts == {
        "digitale-buddies:H1": "supported", "digitale-buddies:H2": "supported",
        "food-for-good:H1": "not_shown", "imc-weekendschool:H1": "supported",
        "nieuw-rotsoord:H1": "insufficient_data", "sociale-supermarkt:H1": "supported",
        "talent-connection:H1": "supported", "utrecht-cares:H1": "unreliable_measurement",
        "zorgverslimming:H1": "supported", "zus-en-zo:H1": "supported",
    }
    # Digitale Buddies: loneliness 1.11 points lower on the De Jong Gierveld 11 (the published result)
    change = con.execute("SELECT mean_difference FROM marts.hypothesis_results "
                         "WHERE initiative_id = 'digitale-buddies' AND hypothesis_id = 'H1'").fetchone()[0]
    assert change == pytest.approx(-1.11, abs=0.05)
    not_shown = con.execute("SELECT mde, p_value FROM marts.hypothesis_results WHERE verdict = 'not_shown'").fetchone()
    assert not_shown[0] > 0 and not_shown[1] > 0.05  # absence of evidence comes with what could have been detected


@pytest.mark.slow
def test_no_verdict_rests_on_a_broken_measurement_and_every_interval_agrees_with_its_test(built_sample):
    con = built_sample["con"]
    # the generator's planted coding error: Utrecht Cares' follow-up form scored the DJG-6 the wrong way round
    floor, = con.execute("SELECT min_reliability FROM programme.settings").fetchone()
    utrecht = con.execute("SELECT reliability_baseline, reliability_follow_up, notes FROM marts.hypothesis_results "
                          "WHERE initiative_id = 'utrecht-cares'").fetchone()
    assert utrecht[0] >= 0.70 and utrecht[1] < 0 and "Cronbach's alpha below 0.60 (follow-up" in utrecht[2]
    judged = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE least(reliability_baseline, reliability_follow_up) < ?) "
        "FROM marts.hypothesis_results WHERE verdict IN ('supported', 'contradicted')", [floor]).fetchone()
    assert judged[0] == 7 and judged[1] == 0
    rows = con.execute("SELECT initiative_id, ci_low, ci_high, p_value, notes FROM marts.hypothesis_results "
                       "WHERE p_value IS NOT NULL").fetchall()
    assert len(rows) == 9
    for initiative, low, high, p, notes in rows:
        excludes_zero = low > 0 or high < 0
        assert excludes_zero == (p < 0.05) or "disagree about no change" in notes, initiative
    # the minimum detectable effect is computed at alpha / 8, the level Holm's first step demands
    assert {r[0] for r in con.execute("SELECT round(mde_alpha, 6) FROM marts.hypothesis_results "
                                      "WHERE \"primary\" AND mde IS NOT NULL").fetchall()} == {round(0.05 / 8, 6)}


@pytest.mark.slow
def test_sample_indicators_cover_every_initiative_and_period(built_sample):
    con = built_sample["con"]
    periods = con.execute("SELECT initiative_id, list(DISTINCT period ORDER BY period) FROM marts.indicators "
                          "WHERE indicator_id = 'participants_new' GROUP BY 1 ORDER BY 1").fetchall()
    assert [p[0] for p in periods] == NINE
    assert all(p[1] == ["2018", "2018-Q1", "2018-Q2", "2018-Q3", "2018-Q4"] for p in periods)
    # reach for the year equals the staged register inside 2018
    reach = dict(con.execute("SELECT initiative_id, value FROM marts.indicators "
                             "WHERE indicator_id = 'participants_reached' AND period = '2018'").fetchall())
    register = dict(con.execute("SELECT initiative_id, count(*) FROM staging.participants "
                                "WHERE year(enrolled_on) = 2018 GROUP BY 1").fetchall())
    assert reach == {k: float(v) for k, v in register.items()}


@pytest.mark.slow
def test_a_custom_outcome_initiative_gets_its_result_with_no_code_change(locations_env):
    raw, wh, _ = locations_env
    shutil.copy(SAMPLE_RAW_DATA / "coaching_sessions.csv", raw / "coaching_sessions.csv")
    folder = write_demo_initiative(raw, "buurtkamer-oost")  # custom numeric outcome 'contact', H1 paired_t
    codes = [f"B{i}" for i in range(14)]
    (folder / "participants_2018.csv").write_text(
        "participant_id,enrolled_on,wijk,age_band\n" + "".join(f"{c},2018-02-01,Oost,65-74\n" for c in codes), encoding="utf-8")
    rows = "".join(f"{c},baseline,2018-02-15,{3 + i % 3}\n{c},follow_up,2018-10-01,{5 + i % 4}\n" for i, c in enumerate(codes))
    (folder / "survey_2018.csv").write_text("participant_id,wave,responded_on,contact\n" + rows, encoding="utf-8")
    assert main(["build"]) == 0
    con = duckdb.connect(str(wh / "coaching.duckdb"), read_only=True)
    result = con.execute("SELECT test, n_pairs, verdict FROM marts.hypothesis_results WHERE initiative_id = 'buurtkamer-oost'").fetchall()
    con.close()
    assert result == [("paired_t", 14, "supported")]


def test_the_report_data_is_read_once_per_run_and_every_step_reads_only_what_its_deps_cover(built_sample):
    """One step reads the report data from the warehouse; the rendering steps load it as their input (a second
    read would be waste), and no step failed an undeclared read. The yearly reports' steps pass each other only
    the batch of initiatives and what was written."""
    from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus

    with DagsterInstance.from_config(str(built_sample["root"] / "dagster_home")) as instance:
        run = instance.get_runs(limit=1)[0]
        logs = instance.all_logs(run.run_id)
    messages = [e.user_message or "" for e in logs]
    assert run.status == DagsterRunStatus.SUCCESS
    events = [e for e in logs if e.dagster_event]
    stored = sorted(e.step_key for e in events if e.dagster_event.event_type == DagsterEventType.HANDLED_OUTPUT)
    loads = sorted((e.step_key, e.dagster_event.event_specific_data.upstream_step_key)
                   for e in events if e.dagster_event.event_type == DagsterEventType.LOADED_INPUT)
    plan, batch, record = ("initiative_reports.plan_yearly_reports",
                           "initiative_reports.render_yearly_report_batch[batch_1_of_1]",
                           "initiative_reports.record_yearly_reports")
    assert stored == [plan, batch, "report_data"]
    assert loads == sorted([("delivery_bundle", "report_data"), (plan, "report_data"), (batch, "report_data"),
                            (batch, plan), (record, batch), ("lessons_learned", "report_data"),
                            ("programme_overview", "report_data"), ("report_manifest", "report_data")])
    assert not [m for m in messages if "UndeclaredRead" in m or "is read but not among the tables" in m]
