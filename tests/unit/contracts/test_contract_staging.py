"""The contract at the door: exact messages, and every raw row staged or quarantined."""

from __future__ import annotations

import hashlib

import pytest

from impact.contracts import ContractContext, CustomOutcome, stage_file
from impact.contracts.batches import stage_drops
from impact.ingest.drops import Drop

pytestmark = pytest.mark.unit


def _drop(tmp_path, name, text, kind, initiative="demo", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return Drop(initiative, kind, p, f"{initiative}/{name}", hashlib.sha256(p.read_bytes()).hexdigest())


PARTICIPANTS = (
    "participant_id;enrolled_on;wijk;age_band;gender\n"
    "A1;31-03-2018;overvecht ;18-29;vrouw\n"  # fine after trimming and case-folding
    "A2;2018-02-30;Overvect;18-29;\n"  # impossible date and a mistyped wijk
    ";2018-01-01;Oost;99;q\n"  # no code, unknown age band and gender
    "A4;2018-01-01;;75+;m\n"  # fine: wijk may be empty
)


def test_participants_messages_name_file_row_column_and_what_is_expected(tmp_path):
    result = stage_file(_drop(tmp_path, "participants_q1.csv", PARTICIPANTS, "participants"), ContractContext(language="en"))
    assert (result.raw_rows, len(result.staged), result.quarantined_rows) == (4, 2, 2)
    assert result.staged["wijk"].tolist() == ["Overvecht", None]
    assert result.staged["gender"].tolist() == ["v", "m"]
    assert result.quarantine["message"].tolist() == [
        "demo/participants_q1.csv, row 2, column 'enrolled_on': '2018-02-30' is not a real date; expected a date like 2018-03-31 or 31-03-2018",
        "demo/participants_q1.csv, row 3, column 'age_band': '99' is not allowed; expected an age band: 0-11, 12-17, 18-29, 30-44, 45-64, 65-74, 75+",
        "demo/participants_q1.csv, row 3, column 'gender': 'q' is not allowed; expected v, m, x (or vrouw, man, anders) or empty",
        "demo/participants_q1.csv, row 3, column 'participant_id': the value is empty; expected the initiative's own participant code (at most 64 characters)",
    ]
    assert result.quarantine["rule"].tolist() == ["date", "allowed_values", "allowed_values", "required"]
    assert [n.message for n in result.notices] == [
        "demo/participants_q1.csv: column 'wijk', row 2: 'Overvect' is not one of Utrecht's ten wijken (did you mean "
        "Overvecht?); stored as unknown wijk. The participant is kept: the wijk only counts in the reach per wijk"]


def test_activities_with_dutch_numbers(tmp_path):
    text = (
        "date;activity;attendees;volunteers;volunteer_hours;cost_eur\r\n"
        "03-01-2018;Café-avond;12;2;3,5;1.234,50\r\n"
        "04-01-2018;Les;ca. 20;;;\r\n"
        "05-01-2018;Les;-1;;;\r\n"
    )
    result = stage_file(_drop(tmp_path, "activities_h1.csv", text, "activities", encoding="cp1252"), ContractContext(language="en"))
    row = result.staged.iloc[0]
    assert (row["activity"], row["attendees"], row["volunteer_hours"], row["cost_eur"]) == ("Café-avond", 12, 3.5, 1234.5)
    assert result.quarantine[["source_row", "column", "rule"]].values.tolist() == [
        [2, "attendees", "whole_number"],
        [3, "attendees", "range"],
    ]
    assert result.quarantine["message"].tolist()[1] == (
        "demo/activities_h1.csv, row 3, column 'attendees': '-1' is not allowed; expected a whole number of 0 or more, like 20"
    )


def test_survey_keeps_item_columns_and_declared_custom_outcomes(tmp_path):
    text = (
        "participant_id,wave,responded_on,djg11_1,contact,favourite_colour\n"
        "A1,baseline,2018-01-05,ja,5,blue\n"
        "A1,Follow-up,2018-06-05,nee,7,red\n"
        "A2,midterm,2018-03-05,nee,6,red\n"
    )
    contact = CustomOutcome("contact", "numeric", 0, 10, "punten")
    ctx = ContractContext(language="en", custom_outcomes=(contact,))
    result = stage_file(_drop(tmp_path, "survey_2018.csv", text, "survey"), ctx)
    assert list(result.staged.columns)[-2:] == ["djg11_1", "contact"]
    assert result.staged[["djg11_1", "contact"]].values.tolist() == [[3.0, 5.0], [1.0, 7.0]]  # ja = 3, nee = 1
    assert result.staged["wave"].tolist() == ["baseline", "follow_up"]
    assert [n.message for n in result.notices] == [
        "demo/survey_2018.csv: column 'favourite_colour' is neither an item of a registered instrument "
        "nor an outcome of the Theory of Change; it is not stored"
    ]
    assert result.quarantine["message"].tolist() == [
        "demo/survey_2018.csv, row 3, column 'wave': 'midterm' is not allowed; expected baseline or follow_up"
    ]
    # a wave the Theory of Change declares is allowed
    ctx3 = ContractContext(language="en", waves=("baseline", "follow_up", "midterm"), custom_outcomes=(contact,))
    assert stage_file(_drop(tmp_path, "survey_2018.csv", text, "survey"), ctx3).quarantined_rows == 0


def test_a_missing_required_column_refuses_the_whole_drop(tmp_path):
    result = stage_file(_drop(tmp_path, "participants_x.csv", "participant_id,wijk\nA1,Oost\nA2,Zuid\n", "participants"), ContractContext(language="en"))
    assert result.refused and (result.raw_rows, result.quarantined_rows, len(result.staged)) == (2, 2, 0)
    q = result.quarantine.iloc[0]
    assert q["source_row"] is None or str(q["source_row"]) == "<NA>"
    assert q["rule"] == "missing_column"
    assert q["message"] == (
        "demo/participants_x.csv: the whole file is refused: it lacks the required columns 'enrolled_on', 'age_band'; "
        "a participants file needs the columns participant_id, enrolled_on, wijk, age_band (found: participant_id, wijk)"
    )


def test_unreadable_drop_is_one_quarantine_entry_without_row(tmp_path):
    result = stage_file(_drop(tmp_path, "survey_bad.csv", "", "survey"), ContractContext(language="en"))
    assert result.refused
    assert result.quarantine[["rule", "message"]].values.tolist() == [
        ["empty_file", "demo/survey_bad.csv: the whole file is refused: it is empty; expected a header row and data rows"]
    ]


def test_participant_codes_are_pseudonymised_and_never_shown(tmp_path):
    long_code = "X" * 70
    text = f"participant_id,enrolled_on,wijk,age_band\nA1,2018-01-01,Oost,18-29\n{long_code},2018-01-01,Oost,18-29\n"
    drop = _drop(tmp_path, "participants_a.csv", text, "participants")
    batch = stage_drops("participants", {"demo": [drop]}, {"demo": ContractContext(language="en")}, b"k")
    import hmac

    expected = "p_" + hmac.new(b"k", b"demo/A1", hashlib.sha256).hexdigest()[:24]
    assert batch.staged["participant_id"].tolist() == [expected]
    assert batch.quarantine["message"].tolist() == [
        "demo/participants_a.csv, row 2, column 'participant_id': the code has 70 characters; "
        "expected the initiative's own participant code (at most 64 characters)"
    ]
    assert long_code not in batch.quarantine.to_csv()
    assert batch.quarantine["value"].iloc[0].startswith("p_")
    assert batch.drops[["raw_rows", "staged_rows", "quarantined_rows"]].values.tolist() == [[2, 1, 1]]


def test_codes_and_identifiers_never_reach_the_quarantine(tmp_path):
    text = (
        "participant_id,enrolled_on,wijk,age_band\n"
        "PX-0041,2018-01-01,Oost,18-29\n"
        "PX-0042,PX-0042,Oost,18-29\n"  # the code typed in the date column
        "PX-0043,2018-01-01,jan@example.nl,18-29\n"  # an e-mail address in the wijk column
        "PX-0044,2018-01-01,Oost,18-29,Jan Jansen,06-12345678\n"  # surplus cells
    )
    drop = _drop(tmp_path, "participants_a.csv", text, "participants")
    batch = stage_drops("participants", {"demo": [drop]}, {"demo": ContractContext(language="en")}, b"k")
    stored = batch.quarantine.to_csv() + batch.staged.to_csv() + batch.notices.to_csv()
    for secret in ("PX-004", "jan@example.nl", "Jan Jansen", "12345678"):
        assert secret not in stored, secret
    # the e-mail address in the wijk column is not kept: the participant is, with the wijk unknown
    assert batch.drops[["raw_rows", "staged_rows", "quarantined_rows"]].values.tolist() == [[4, 2, 2]]
    assert batch.quarantine["message"].tolist() == [
        "demo/participants_a.csv, row 2, column 'enrolled_on': '[participant code]' is not a date; "
        "expected a date like 2018-03-31 or 31-03-2018",
        "demo/participants_a.csv, row 4, column '(beyond the last column)': the row has more values than the header has "
        "columns (4); check the separator or quotes",
    ]
    assert batch.notices["message"].tolist() == [
        "demo/participants_a.csv: column 'wijk', row 3: (value not shown: it may identify a person) is not one of "
        "Utrecht's ten wijken; stored as unknown wijk. The participant is kept: the wijk only counts in the reach per wijk",
    ]


def test_personal_data_typed_in_the_wrong_column_is_not_kept(tmp_path):
    text = (
        "participant_id,enrolled_on,wijk,age_band\n"
        "TC-9003,05-01-2018,Kanaalstraat 12,12-03-1941\n"  # an address and a birth date
        "TC-9004,05-01-2018,Overvect,18-29\n"  # a typo: shown, so the coach can fix it
        "TC-9005,05-01-2018,Fatima Bakkali,18-29\n"  # a name
        "TC-9006,05-01-2018,TC-9003,18-29\n"  # another participant's code
        "TC-9007,05-01-2018,Pietersen,18-29\n"  # a surname
    )
    batch = stage_drops("participants", {"demo": [_drop(tmp_path, "participants_b.csv", text, "participants")]},
                        {"demo": ContractContext(language="en")}, b"k")
    stored = batch.quarantine.to_csv() + batch.notices.to_csv() + batch.staged.to_csv()
    for secret in ("Kanaalstraat", "12-03-1941", "Fatima", "Bakkali", "TC-900"):
        assert secret not in stored, secret
    assert batch.quarantine["value"].tolist() == [None]  # the birth date in the age band column
    assert [m.split(": ", 1)[1].split(" is not one of")[0] for m in batch.notices["message"]] == [
        "column 'wijk', row 1: (value not shown: it may identify a person)",
        "column 'wijk', row 2: 'Overvect'",
        "column 'wijk', row 3: (value not shown: it may identify a person)",
        "column 'wijk', row 4: (value not shown: it may identify a person)",
        "column 'wijk', row 5: (value not shown: it may identify a person)",
    ]
    assert "Pietersen" not in batch.notices.to_csv()


def test_a_headerless_file_is_refused_without_repeating_its_first_row(tmp_path):
    drop = _drop(tmp_path, "participants_c.csv", "FG-9001;Fatima Bakkali;05-01-2018;Overvecht;45-64\nFG-9002;Piet Smit;06-01-2018;Zuid;30-44\n",
                 "participants")
    message = stage_file(drop, ContractContext(language="en")).quarantine["message"].iloc[0]
    assert message == (
        "demo/participants_c.csv: the whole file is refused: it lacks the required columns 'participant_id', "
        "'enrolled_on', 'wijk', 'age_band'; a participants file needs the columns participant_id, enrolled_on, wijk, "
        "age_band (the first row looks like data: it must hold the column names)"
    )


def test_exact_repeats_are_kept_once_and_conflicts_are_both_set_aside(tmp_path):
    q1 = _drop(tmp_path, "survey_q1.csv",
               "participant_id,wave,responded_on,rses_1\nA1,baseline,2018-01-05,3\nA2,baseline,2018-01-06,2\n", "survey")
    q2 = _drop(tmp_path, "survey_q2.csv",
               "participant_id,wave,responded_on,rses_1\nA1,baseline,2018-01-05,3\nA2,baseline,2018-01-06,4\n", "survey")
    batch = stage_drops("survey", {"demo": [q1, q2]}, {"demo": ContractContext(language="en")}, b"k")
    assert len(batch.staged) == 1 and batch.staged["rses_1"].tolist() == [3.0]
    assert batch.quarantine[["source_file", "source_row", "rule", "message"]].values.tolist() == [
        ["demo/survey_q1.csv", 2, "conflict",
         "demo/survey_q1.csv, row 2: this participant has more than one different answer row for wave 'baseline' "
         "(demo/survey_q1.csv row 2 and demo/survey_q2.csv row 2; they differ in rses_1); these rows are set aside: "
         "correct or remove the wrong one"],
        ["demo/survey_q2.csv", 1, "duplicate",
         "demo/survey_q2.csv, row 1: an exact repeat of demo/survey_q1.csv row 1; that row is kept, this one is set aside"],
        ["demo/survey_q2.csv", 2, "conflict",
         "demo/survey_q2.csv, row 2: this participant has more than one different answer row for wave 'baseline' "
         "(demo/survey_q1.csv row 2 and demo/survey_q2.csv row 2; they differ in rses_1); these rows are set aside: "
         "correct or remove the wrong one"],
    ]
    assert batch.drops[["raw_rows", "staged_rows", "quarantined_rows"]].values.tolist() == [[2, 1, 1], [2, 0, 2]]


def test_a_leaver_recorded_in_a_later_drop_updates_the_registration(tmp_path):
    q1 = _drop(tmp_path, "participants_q1.csv",
               "participant_id,enrolled_on,wijk,age_band,left_on\nDB-1,2018-01-05,Oost,75+,\nDB-2,2018-01-06,Zuid,75+,\n",
               "participants")
    q3 = _drop(tmp_path, "participants_q3.csv",
               "participant_id,enrolled_on,wijk,age_band,left_on\ndb-1,2018-01-05,Oost,75+,30-06-2018\n", "participants")
    batch = stage_drops("participants", {"demo": [q1, q3]}, {"demo": ContractContext(language="en")}, b"k")
    assert len(batch.staged) == 2
    assert batch.staged["left_on"].notna().sum() == 1  # db-1 is DB-1: one person, who left on 30 June
    assert batch.quarantine[["source_file", "source_row", "rule", "message"]].values.tolist() == [
        ["demo/participants_q1.csv", 1, "superseded",
         "demo/participants_q1.csv, row 1: superseded by demo/participants_q3.csv row 1, which repeats this "
         "registration and adds left_on; that row is kept"],
    ]
    assert batch.drops[["raw_rows", "staged_rows", "quarantined_rows"]].values.tolist() == [[2, 1, 1], [1, 1, 0]]


def test_participant_codes_are_one_spelling(tmp_path):
    drop = _drop(tmp_path, "participants_a.csv",
                 "participant_id,enrolled_on,wijk,age_band\n007,2018-01-05,Oost,75+\n7,2018-01-05,Oost,75+\n", "participants")
    batch = stage_drops("participants", {"demo": [drop]}, {"demo": ContractContext(language="en")}, b"k")
    # a spreadsheet turns 007 into 7: one person, registered twice -> kept once
    assert len(batch.staged) == 1 and batch.quarantine["rule"].tolist() == ["duplicate"]


def _adds_up(batch) -> list[list]:
    """raw = staged + quarantined for every drop, against the staged and quarantine tables themselves."""
    for d in batch.drops.itertuples():
        assert d.raw_rows == d.staged_rows + d.quarantined_rows == (
            int((batch.staged["source_file"] == d.source_file).sum())
            + batch.quarantine.loc[batch.quarantine["source_file"] == d.source_file, "source_row"].nunique()
        ), d.source_file
    return batch.drops[["source_file", "raw_rows", "staged_rows", "quarantined_rows"]].values.tolist()


AMBIGUOUS_1250 = "'1.250' is ambiguous: it could mean 1250 or 1,25; write 1250 without a separator, or 1,25 with a decimal comma"


def test_the_decimal_mark_is_decided_per_column_and_file(tmp_path):
    dutch = _drop(tmp_path, "activities_nl.csv",
                  "date;activity;attendees;volunteer_hours;cost_eur\n"
                  "01-03-2018;Maaltijd;40;3,5;1.234,50\n08-03-2018;Maaltijd;38;2;1.250\n", "activities")
    english = _drop(tmp_path, "activities_en.csv",
                    "date,activity,attendees,volunteer_hours,cost_eur\n"
                    '2018-03-15,Dinner,40,3.5,"1,234.50"\n2018-03-22,Dinner,38,2,"1,250"\n', "activities")
    lone = _drop(tmp_path, "activities_lone.csv",  # nothing in the column shows the decimal mark
                 "date;activity;attendees;cost_eur\n01-04-2018;Lunch;12;1.250\n08-04-2018;Lunch;1.250;80\n", "activities")
    mixed = _drop(tmp_path, "activities_mixed.csv",  # 3.5 and 3,5: the column shows both marks
                  "date;activity;attendees;volunteer_hours\n"
                  "01-05-2018;Repair;9;3.5\n08-05-2018;Repair;11;3,5\n15-05-2018;Repair;10;1.250\n22-05-2018;Repair;8;0,878\n",
                  "activities")
    batch = stage_drops("activities", {"demo": [dutch, english, lone, mixed]}, {"demo": ContractContext(language="en")}, b"k")
    assert _adds_up(batch) == [
        ["demo/activities_nl.csv", 2, 2, 0],
        ["demo/activities_en.csv", 2, 2, 0],
        ["demo/activities_lone.csv", 2, 1, 1],
        ["demo/activities_mixed.csv", 4, 3, 1],
    ]
    staged = batch.staged.set_index(["source_file", "source_row"])
    assert staged.loc["demo/activities_nl.csv", "cost_eur"].tolist() == [1234.5, 1250.0]
    assert staged.loc["demo/activities_en.csv", "cost_eur"].tolist() == [1234.5, 1250.0]
    assert staged.loc["demo/activities_mixed.csv", "volunteer_hours"].tolist() == [3.5, 3.5, 0.878]
    # attendees are whole numbers: 1,25 could never be one, so 1.250 can only be 1250
    assert staged.loc["demo/activities_lone.csv", "attendees"].tolist() == [1250]
    assert batch.quarantine[["source_row", "column", "rule", "message"]].values.tolist() == [
        [1, "cost_eur", "number", f"demo/activities_lone.csv, row 1, column 'cost_eur': {AMBIGUOUS_1250}"],
        [3, "volunteer_hours", "number",
         "demo/activities_mixed.csv, row 3, column 'volunteer_hours': '1.250' is ambiguous: it could mean 1250 or 1,25, "
         "and this column writes numbers both the English way ('3.5') and the Dutch way ('3,5'); write 1250 without a "
         "separator, or 1,25 with a decimal comma"],
    ]


def test_a_custom_outcome_column_of_three_decimal_scores_is_staged_whole(tmp_path):
    hamilton = CustomOutcome("hamilton", "numeric", 0, 10)
    scores = ("1.83", "0.878", "0.5", "0.647", "1.62", "0.598")
    text = "participant_id,wave,responded_on,hamilton\n" + "".join(
        f"H{i},baseline,2018-03-01,{v}\n" for i, v in enumerate(scores, start=1))
    lone = _drop(tmp_path, "survey_b.csv", "participant_id,wave,responded_on,hamilton\nH7,baseline,2018-03-01,1.250\n"
                 "H8,baseline,2018-03-01,7\n", "survey")
    batch = stage_drops("survey", {"demo": [_drop(tmp_path, "survey_a.csv", text, "survey"), lone]},
                        {"demo": ContractContext(language="en", custom_outcomes=(hamilton,))}, b"k")
    assert _adds_up(batch) == [["demo/survey_a.csv", 6, 6, 0], ["demo/survey_b.csv", 2, 1, 1]]
    assert batch.staged["hamilton"].tolist() == [1.83, 0.878, 0.5, 0.647, 1.62, 0.598, 7.0]
    # an answer column names the ambiguity too, not "is not an answer"
    assert batch.quarantine[["rule", "message"]].values.tolist() == [
        ["answer", f"demo/survey_b.csv, row 1, column 'hamilton': {AMBIGUOUS_1250}"]
    ]


def test_workbook_numbers_in_an_answer_column_need_no_parsing_and_decide_nothing(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["participant_id", "wave", "responded_on", "hamilton"])
    ws.append(["H1", "baseline", "2018-03-01", 1.875])  # a number cell: no evidence, and no ambiguity either
    ws.append(["H2", "baseline", "2018-03-01", "1.250"])  # text: still ambiguous
    path = tmp_path / "survey_c.xlsx"
    wb.save(path)
    drop = Drop("demo", "survey", path, "demo/survey_c.xlsx", hashlib.sha256(path.read_bytes()).hexdigest())
    result = stage_file(drop, ContractContext(language="en", custom_outcomes=(CustomOutcome("hamilton", "numeric", 0, 10),)))
    assert result.staged["hamilton"].tolist() == [1.875]
    assert result.quarantine["message"].tolist() == [f"demo/survey_c.xlsx, row 2, column 'hamilton': {AMBIGUOUS_1250}"]


def test_drops_read_by_two_processes_stage_exactly_what_one_process_stages(tmp_path, monkeypatch):
    """The parallel path of stage_drops (from PARALLEL_FROM initiatives on; lowered here to reach it with three)."""
    from impact.contracts import batches

    drops, contexts = {}, {}
    for k, initiative in enumerate(["a", "b", "c"]):
        folder = tmp_path / initiative
        folder.mkdir()
        rows = "".join(f"{initiative.upper()}{i},2018-0{1 + i % 9}-01,{'Oost' if i % 4 else 'Overvect'},18-29\n"
                       for i in range(12 + k))
        drops[initiative] = [_drop(folder, "participants_1.csv", "participant_id,enrolled_on,wijk,age_band\n" + rows,
                                   "participants", initiative),
                             _drop(folder, "participants_2.csv", "participant_id,enrolled_on,wijk,age_band\nX1,not a date,Oost,18-29\n",
                                   "participants", initiative)]
        contexts[initiative] = ContractContext(language="en")
    monkeypatch.setattr(batches, "PARALLEL_FROM", 1)
    seen = []
    two = stage_drops("participants", drops, contexts, b"k", lambda done, total: seen.append((done, total)), workers=2)
    one = stage_drops("participants", drops, contexts, b"k", workers=1)
    assert sorted(seen) == [(1, 3), (2, 3), (3, 3)]
    for name in ("staged", "quarantine", "drops", "notices"):
        assert getattr(two, name).equals(getattr(one, name)), name
    assert two.drops[["raw_rows", "staged_rows", "quarantined_rows"]].values.tolist() == [
        [12, 12, 0], [1, 0, 1], [13, 13, 0], [1, 0, 1], [14, 14, 0], [1, 0, 1]]
