"""Disclosure control: primary and secondary suppression, row-wise blanking, the published-CSV scanner."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from impact.reporting.disclosure import (
    PEOPLE_COUNT_COLUMNS,
    is_people_count_column,
    primary_suppression,
    publishable,
    scan_published_csv,
    scan_published_folder,
    secondary_suppression,
    suppress_table,
)
from impact.reporting.files import csv_bytes

pytestmark = pytest.mark.unit

T = 10


def cells(values: dict[str, float], n: dict[str, float] | None = None) -> pd.DataFrame:
    """A cells frame; by default every figure is a people count (n = value)."""
    n = values if n is None else n
    return pd.DataFrame({"cell_id": list(values), "value": [float(v) for v in values.values()],
                         "n": [n[k] for k in values]})


def reasons(result: pd.DataFrame) -> dict[str, str]:
    return dict(zip(result["cell_id"], result["reason"]))


def suppress(values: dict[str, float], groups: list[list[str]], n: dict[str, float] | None = None) -> pd.DataFrame:
    return secondary_suppression(primary_suppression(cells(values, n), T), groups)


def assert_groups_safe(result: pd.DataFrame, groups: list[list[str]]) -> None:
    hidden = dict(zip(result["cell_id"], result["suppressed"]))
    for group in groups:
        count = sum(hidden[c] for c in group)
        assert count == 0 or count >= 2, (group, count)


# --- primary -------------------------------------------------------------------------------------


def test_primary_marks_one_to_threshold_minus_one_and_keeps_zero_and_non_people_figures():
    frame = cells({"a": 0, "b": 1, "c": 9, "d": 10, "e": 3, "f": 250},
                  n={"a": 0, "b": 1, "c": 9, "d": 10, "e": np.nan, "f": 250})
    result = primary_suppression(frame, T)
    assert reasons(result) == {"a": "", "b": "primary", "c": "primary", "d": "", "e": "", "f": ""}
    assert result["suppressed"].tolist() == [False, True, True, False, False, False]
    assert "suppressed" not in frame  # the input is not touched


def test_primary_respects_the_threshold_given():
    result = primary_suppression(cells({"a": 4, "b": 5}), 5)
    assert reasons(result) == {"a": "primary", "b": ""}


@pytest.mark.parametrize("threshold", [0, -3, 2.5, True])
def test_a_threshold_must_be_a_whole_number_of_at_least_one(threshold):
    with pytest.raises(ValueError):
        primary_suppression(cells({"a": 4}), threshold)


def test_cell_ids_must_be_unique():
    with pytest.raises(ValueError, match="unique"):
        primary_suppression(pd.DataFrame({"cell_id": ["a", "a"], "value": [1.0, 2.0], "n": [1, 2]}), T)


# --- secondary -----------------------------------------------------------------------------------


def test_quarter_table_with_year_total_suppresses_exactly_the_smallest_other_quarter():
    values = {"year": 62, "q1": 4, "q2": 12, "q3": 35, "q4": 11}
    group = [["year", "q1", "q2", "q3", "q4"]]
    result = suppress(values, group)
    assert reasons(result) == {"year": "", "q1": "primary", "q2": "", "q3": "", "q4": "secondary"}
    assert_groups_safe(result, group)


def test_ties_between_parts_are_broken_by_cell_id():
    result = suppress({"year": 37, "q1": 4, "q2": 11, "q3": 11, "q4": 11}, [["year", "q4", "q3", "q2", "q1"]])
    assert reasons(result) == {"year": "", "q1": "primary", "q2": "secondary", "q3": "", "q4": ""}


def test_the_total_is_suppressed_only_when_no_part_is_left():
    # parts are preferred even when the total is the smaller figure (e.g. a net change)
    result = suppress({"net": 2, "in": 4, "out": 30}, [["net", "in", "out"]], n={"net": 34, "in": 4, "out": 30})
    assert reasons(result) == {"net": "", "in": "primary", "out": "secondary"}
    result = suppress({"year": 4, "q1": 4}, [["year", "q1"]], n={"year": 40, "q1": 4})
    assert reasons(result) == {"year": "secondary", "q1": "primary"}


def test_two_primary_cells_in_a_group_need_nothing_more():
    result = suppress({"year": 50, "q1": 4, "q2": 6, "q3": 40}, [["year", "q1", "q2", "q3"]])
    assert reasons(result) == {"year": "", "q1": "primary", "q2": "primary", "q3": ""}


def test_zero_counts_stay_visible_and_need_no_secondary_suppression():
    values = {"year": 47, "q1": 0, "q2": 12, "q3": 35, "q4": 0}
    result = suppress(values, [["year", "q1", "q2", "q3", "q4"]])
    assert not result["suppressed"].any()
    assert reasons(result) == dict.fromkeys(values, "")


def test_cumulative_chain_propagates_backwards():
    values = {"reached_q1": 12, "new_q2": 13, "reached_q2": 25, "new_q3": 4, "reached_q3": 29}
    groups = [["reached_q3", "reached_q2", "new_q3"], ["reached_q2", "reached_q1", "new_q2"]]
    result = suppress(values, groups)
    # new_q3 = 4 is primary; reached_q3 - reached_q2 would reveal it, so reached_q2 goes;
    # then reached_q2 = reached_q1 + new_q2 would reveal reached_q2, so the smaller part goes too
    assert reasons(result) == {"reached_q1": "secondary", "new_q2": "", "reached_q2": "secondary",
                               "new_q3": "primary", "reached_q3": ""}
    assert_groups_safe(result, groups)


def test_group_of_one_cell_is_refused():
    with pytest.raises(ValueError, match="at least one part"):
        secondary_suppression(cells({"a": 4, "b": 20}), [["a", "b"], ["a"]])


def test_unknown_or_repeated_cells_in_a_group_are_refused():
    with pytest.raises(ValueError, match="unknown"):
        secondary_suppression(cells({"a": 4, "b": 20}), [["a", "c"]])
    with pytest.raises(ValueError, match="twice"):
        secondary_suppression(cells({"a": 4, "b": 20}), [["a", "b", "a"]])


def test_secondary_keeps_earlier_marks_and_does_not_mutate_its_input():
    frame = primary_suppression(cells({"t": 30, "a": 4, "b": 26}), T)
    before = frame.copy()
    result = secondary_suppression(frame, [["t", "a", "b"]])
    pd.testing.assert_frame_equal(frame, before)
    assert reasons(result) == {"t": "", "a": "primary", "b": "secondary"}


# --- 2-D tables ----------------------------------------------------------------------------------


def three_by_three() -> pd.DataFrame:
    body = {"r1": [5, 20, 30], "r2": [15, 60, 25], "r3": [40, 50, 35]}
    rows = [{"initiative": k, "c1": v[0], "c2": v[1], "c3": v[2], "total": sum(v)} for k, v in body.items()]
    frame = pd.DataFrame(rows)
    totals = {"initiative": "totaal", **{c: int(frame[c].sum()) for c in ["c1", "c2", "c3", "total"]}}
    return pd.concat([frame, pd.DataFrame([totals])], ignore_index=True)


def test_three_by_three_table_secondary_in_a_row_forces_secondary_in_columns():
    frame = three_by_three()
    values, mask = suppress_table(frame, "initiative", ["c1", "c2", "c3"], total_row="totaal", total_column="total",
                                  threshold=T)
    # r1's 5 is primary; row r1 then loses its smaller other part (c2 = 20); columns c1 and c2 each
    # lose their smallest other body cell (r2 = 15, r3 = 50); rows r2 and r3 then each lose their
    # smallest remaining part (c3 = 25, 35), which also settles column c3.
    expected = pd.DataFrame({
        "initiative": ["r1", "r2", "r3", "totaal"],
        "c1": ["primary", "secondary", "", ""],
        "c2": ["secondary", "", "secondary", ""],
        "c3": ["", "secondary", "secondary", ""],
        "total": ["", "", "", ""],
    })
    pd.testing.assert_frame_equal(mask, expected, check_dtype=False)
    hidden = mask[["c1", "c2", "c3", "total"]] != ""
    for i in range(len(mask)):  # every row relation (total column first)
        assert hidden.iloc[i].sum() in (0, 2, 3, 4)
    for column in hidden.columns:  # every column relation (totals row first)
        assert hidden[column].sum() in (0, 2, 3, 4)
    # values: missing exactly where suppressed, everything else unchanged and still whole numbers
    assert (values[["c1", "c2", "c3", "total"]].isna() == hidden).all().all()
    assert str(values["c1"].dtype) == "Int64"
    assert values.loc[3, "total"] == 280
    assert frame.loc[0, "c1"] == 5  # the input is not touched


def test_table_without_totals_only_has_primary_suppression():
    frame = pd.DataFrame({"initiative": ["a", "b"], "Oost": [4, 20], "West": [30, 0]})
    values, mask = suppress_table(frame, "initiative", ["Oost", "West"], threshold=T)
    assert mask["Oost"].tolist() == ["primary", ""]
    assert mask["West"].tolist() == ["", ""]
    assert values["West"].tolist() == [30, 0]


def test_table_with_a_totals_column_only_protects_rows():
    frame = pd.DataFrame({"initiative": ["a", "b"], "Oost": [4, 3], "West": [30, 12], "Zuid": [25, 50],
                          "total": [59, 65]})
    _, mask = suppress_table(frame, "initiative", ["Oost", "West", "Zuid"], total_column="total", threshold=T)
    assert mask.drop(columns="initiative").to_dict("list") == {
        "Oost": ["primary", "primary"], "West": ["", "secondary"], "Zuid": ["secondary", ""], "total": ["", ""]}


def test_table_arguments_are_checked():
    frame = three_by_three()
    with pytest.raises(ValueError, match="totals row"):
        suppress_table(frame, "initiative", ["c1", "c2", "c3"], total_row="Totaal", threshold=T)
    with pytest.raises(ValueError, match="must not also be a value column"):
        suppress_table(frame, "initiative", ["c1", "total"], total_column="total", threshold=T)
    with pytest.raises(ValueError, match="unique"):
        suppress_table(pd.concat([frame, frame]), "initiative", ["c1"], threshold=T)


# --- properties over random tables ---------------------------------------------------------------


def random_table(rng: np.random.Generator) -> tuple[pd.DataFrame, list[str], object, object]:
    n_rows, n_cols = int(rng.integers(1, 7)), int(rng.integers(1, 7))
    small = rng.random() < 0.5
    body = np.where(rng.random((n_rows, n_cols)) < (0.4 if small else 0.15),
                    rng.integers(0, T, (n_rows, n_cols)), rng.integers(T, 80, (n_rows, n_cols)))
    columns = [f"w{j}" for j in range(n_cols)]
    frame = pd.DataFrame(body, columns=columns)
    frame.insert(0, "row", [f"r{i}" for i in range(n_rows)])
    total_column = "total" if rng.random() < 0.7 else None
    total_row = "totaal" if rng.random() < 0.7 else None
    if total_column:
        frame[total_column] = frame[columns].sum(axis=1)
    if total_row:
        sums = frame.drop(columns="row").sum()
        frame = pd.concat([frame, pd.DataFrame([{"row": total_row, **sums.to_dict()}])], ignore_index=True)
    return frame, columns, total_row, total_column


def test_random_tables_never_leave_a_single_suppressed_cell_in_a_relation():
    rng = np.random.default_rng(20180131)
    for case in range(200):
        frame, columns, total_row, total_column = random_table(rng)
        values, mask = suppress_table(frame, "row", columns, total_row=total_row, total_column=total_column, threshold=T)
        shown = columns + ([total_column] if total_column else [])
        counts = frame[shown].to_numpy(dtype=float)
        hidden = (mask[shown] != "").to_numpy()
        # every 0 < n < threshold cell is suppressed as primary, and only those are primary
        small = (counts > 0) & (counts < T)
        assert ((mask[shown] == "primary").to_numpy() == small).all(), case
        # row relations (only with a totals column) and column relations (only with a totals row)
        if total_column:
            assert all(k == 0 or k >= 2 for k in hidden.sum(axis=1)), case
        if total_row:
            assert all(k == 0 or k >= 2 for k in hidden.sum(axis=0)), case
        if not total_column and not total_row:
            assert not (mask[shown] == "secondary").to_numpy().any(), case
        # values are missing exactly where suppressed and unchanged elsewhere
        assert (values[shown].isna().to_numpy() == hidden).all(), case
        assert (values[shown].to_numpy(dtype=float, na_value=np.nan)[~hidden] == counts[~hidden]).all(), case


def test_random_overlapping_relations_reach_a_safe_fixpoint():
    rng = np.random.default_rng(7)
    for case in range(200):
        size = int(rng.integers(2, 30))
        ids = [f"c{i:02d}" for i in range(size)]
        n = rng.integers(0, 3 * T, size).astype(float)
        n[rng.random(size) < 0.1] = np.nan  # figures that do not rest on people
        frame = pd.DataFrame({"cell_id": ids, "value": rng.integers(0, 100, size).astype(float), "n": n})
        groups = [list(rng.choice(ids, size=int(rng.integers(2, size + 1)), replace=False))
                  for _ in range(int(rng.integers(1, 8)))]
        result = secondary_suppression(primary_suppression(frame, T), groups)
        assert_groups_safe(result, groups)
        small = (n > 0) & (n < T)
        assert (result["reason"].to_numpy() == "primary").tolist() == small.tolist(), case
        assert set(result["reason"][result["suppressed"]]) <= {"primary", "secondary"}, case
        assert (result["reason"][~result["suppressed"]] == "").all(), case


# --- row-wise tables -----------------------------------------------------------------------------


def hypotheses() -> pd.DataFrame:
    return pd.DataFrame({
        "hypothesis_id": ["H1", "H2", "H3"],
        "n_pairs": [25, 6, 0],
        "mean_baseline": [3.1, 2.8, np.nan],
        "mean_follow_up": [3.6, 3.9, np.nan],
        "ci_low": [0.2, -0.4, np.nan],
        "ci_high": [0.8, 2.6, np.nan],
        "p_value": [0.003, 0.21, np.nan],
        "effect_label": ["middelgroot", "groot", None],
        "verdict": ["supported", "not supported", "not tested"],
        "suppressed": [False, True, True],  # as ``conclude`` flags them: n_pairs < threshold
    })


def test_publishable_blanks_the_figures_and_n_of_small_rows_only():
    frame = hypotheses()
    before = frame.copy()
    figures = ["mean_baseline", "mean_follow_up", "ci_low", "ci_high", "p_value", "effect_label"]
    out = publishable(frame, "n_pairs", figures, T)
    pd.testing.assert_frame_equal(frame, before)  # a copy; the input is untouched
    assert out.loc[0, figures].tolist() == [3.1, 3.6, 0.2, 0.8, 0.003, "middelgroot"]
    assert out.loc[1, figures[:-1]].isna().all() and out.loc[1, "effect_label"] is None
    assert out["n_pairs"].isna().tolist() == [False, True, False]
    assert str(out["n_pairs"].dtype) == "Int64" and out.loc[2, "n_pairs"] == 0  # 0 pairs reveals nobody
    assert out["verdict"].tolist() == before["verdict"].tolist()  # the verdict may be shown
    assert out["suppressed"].tolist() == [False, True, True]  # the earlier flag for 0 pairs is kept


def test_publishable_adds_the_flag_when_missing():
    frame = pd.DataFrame({"group": ["a", "b"], "n": [4, 12], "mean": [2.0, 3.0], "significant": [True, False]})
    out = publishable(frame, "n", ["mean", "significant"], T)
    assert out["suppressed"].tolist() == [True, False]
    assert out["mean"].isna().tolist() == [True, False]
    assert out["significant"].isna().tolist() == [True, False]
    assert "suppressed" not in frame


def test_publishable_output_passes_the_scanner(tmp_path):
    out = publishable(hypotheses(), "n_pairs", ["mean_baseline", "mean_follow_up", "ci_low", "ci_high", "p_value"], T)
    path = tmp_path / "hypotheses.csv"
    path.write_bytes(csv_bytes(out))
    assert scan_published_csv(path, T) == []
    # without disclosure control the same table fails
    path.write_bytes(csv_bytes(hypotheses()))
    assert scan_published_csv(path, T) == [f"{path}: row 3, column 'n_pairs': people count '6' is below the "
                                           "disclosure threshold 10"]


# --- the scanner ---------------------------------------------------------------------------------


def write(path, frame: pd.DataFrame):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(csv_bytes(frame))
    return path


def test_scanner_names_file_row_and_column_of_a_small_count(tmp_path):
    path = write(tmp_path / "reach.csv", pd.DataFrame({
        "initiative_id": ["i1", "i2", "i3"], "participants": [25, 4, 0], "activities": [3, 2, 1]}))
    assert scan_published_csv(path, T) == [
        f"{path}: row 3, column 'participants': people count '4' is below the disclosure threshold 10"]


def test_scanner_clean_file_yields_nothing(tmp_path):
    path = write(tmp_path / "reach.csv", pd.DataFrame({
        "initiative_id": ["i1", "i2", "i3"], "participants": pd.array([25, None, 0], dtype="Int64"),
        "n_follow_up": [10.0, np.nan, 12.0], "activities": [3, 2, 1], "mean": [1.5, np.nan, 2.5]}))
    assert scan_published_csv(path, T) == []


def test_scanner_finds_figures_left_in_a_suppressed_row(tmp_path):
    path = write(tmp_path / "outcomes.csv", pd.DataFrame({
        "outcome": ["eenzaamheid", "participatie"], "n": pd.array([None, 30], dtype="Int64"),
        "mean": [3.5, 2.0], "verdict": ["te weinig deelnemers", "supported"], "suppressed": [True, False]}))
    assert scan_published_csv(path, T) == [
        f"{path}: row 2, column 'mean': '3.5' is shown although the row is suppressed (its 'n' is blank)"]


def test_scanner_rejects_negative_and_non_numeric_counts(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("wijk,persons,respondents\nOost,-3,<10\n", encoding="utf-8-sig")
    assert scan_published_csv(path, T) == [
        f"{path}: row 2, column 'persons': people count '-3' is below the disclosure threshold 10",
        f"{path}: row 2, column 'respondents': people count '<10' is not a number",
    ]


def test_scanner_checks_declared_wide_count_columns(tmp_path):
    path = write(tmp_path / "reach_by_wijk.csv", pd.DataFrame({
        "initiative_id": ["i1", "totaal"], "Oost": [7, 27], "West": [12, 12], "unknown": [0, 0]}))
    assert scan_published_csv(path, T) == []  # wijk names are not people-count names by themselves
    assert scan_published_csv(path, T, count_columns=["Oost", "West", "unknown"]) == [
        f"{path}: row 2, column 'Oost': people count '7' is below the disclosure threshold 10"]
    assert scan_published_csv(path, T, count_columns=["Oost", "Zuid"]) == [
        f"{path}: declared people-count column 'Zuid' is not in the header",
        f"{path}: row 2, column 'Oost': people count '7' is below the disclosure threshold 10",
    ]


def test_scanner_reports_rows_longer_than_the_header(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("wijk,participants\nOost,12,3\n", encoding="utf-8-sig")
    assert scan_published_csv(path, T) == [f"{path}: row 2 has 3 cells but the header has 2 columns"]


def test_people_count_column_names():
    for name in PEOPLE_COUNT_COLUMNS | {"n_women", "respondents_n", "Participants", " N "}:
        assert is_people_count_column(name), name
    for name in ["activities", "sessions", "mean", "target", "min_pairs", "initiative_id"]:
        assert not is_people_count_column(name), name
    assert is_people_count_column("Oost", ["oost"])


def test_folder_scan_uses_relative_names_and_the_sidecar(tmp_path):
    write(tmp_path / "i1" / "reach_by_wijk.csv", pd.DataFrame({"initiative_id": ["i1"], "Oost": [3], "West": [40]}))
    write(tmp_path / "summary.csv", pd.DataFrame({"initiative_id": ["i1"], "participants": [43]}))
    write(tmp_path / "i1" / "outcomes.csv", pd.DataFrame({"outcome": ["x"], "n_baseline": [9]}))
    (tmp_path / "notes.txt").write_text("participants,3\n")  # not a CSV table
    assert scan_published_folder(tmp_path, T, {"reach_by_wijk.csv": ["Oost", "West"], "gone.csv": ["Oost"]}) == [
        "i1/outcomes.csv: row 2, column 'n_baseline': people count '9' is below the disclosure threshold 10",
        "i1/reach_by_wijk.csv: row 2, column 'Oost': people count '3' is below the disclosure threshold 10",
        "gone.csv: people-count columns are declared for this file but no such file was published",
    ]
    assert scan_published_folder(tmp_path / "i1", T, {"reach_by_wijk.csv": ["West"]}) == [
        "outcomes.csv: row 2, column 'n_baseline': people count '9' is below the disclosure threshold 10"]


def test_with_a_threshold_hidden_parts_must_together_hold_at_least_the_threshold():
    # a total of 25 shown; parts 16, 5, 4 and two zeros: hiding 5 and 4 alone would tell a reader that
    # those two cells hold 9 people between them, so the next positive part (16) is hidden as well
    cells = pd.DataFrame({"cell_id": ["total", "a", "b", "c", "z1", "z2"], "value": [25.0, 16, 5, 4, 0, 0],
                          "n": [25.0, 16, 5, 4, 0, 0]})
    groups = [["total", "a", "b", "c", "z1", "z2"]]
    plain = secondary_suppression(primary_suppression(cells, 10), groups)
    assert plain.loc[plain["suppressed"], "cell_id"].tolist() == ["b", "c"]
    strict = secondary_suppression(primary_suppression(cells, 10), groups, threshold=10)
    assert strict.set_index("cell_id")["reason"].to_dict() == {
        "total": "", "a": "secondary", "b": "primary", "c": "primary", "z1": "", "z2": ""}


def test_a_suppressed_row_may_keep_other_people_counts_that_meet_the_threshold(tmp_path):
    path = tmp_path / "hypotheses.csv"
    path.write_text("hypothesis_id,n_baseline,n_pairs,mean_difference,suppressed\nH1,14,,,True\n", encoding="utf-8-sig")
    assert scan_published_csv(path, 10) == []
    path.write_text("hypothesis_id,n_baseline,n_pairs,mean_difference,suppressed\nH1,14,,0.4,True\n", encoding="utf-8-sig")
    assert scan_published_csv(path, 10) == [
        f"{path}: row 2, column 'mean_difference': '0.4' is shown although the row is suppressed (its 'n_pairs' is blank)"]
