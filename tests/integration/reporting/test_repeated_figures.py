"""One figure, one value: every figure the sample year's artefacts repeat (the yearly report's summary, chapters
and tables, the programme overview, the lessons-learned summary, their CSVs) reads the same everywhere.

The published CSVs (``tables/machine/``) are the values; the reports' texts must show the same numbers in
Dutch notation. A figure masked in one place is masked in every place."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from pypdf import PdfReader

from tests.integration.pipelines.test_pipeline_end_to_end import NINE

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def year(built_sample):
    return built_sample["reports"] / "2018"


def _csv(year, folder: str, name: str) -> pd.DataFrame:
    return pd.read_csv(year / folder / "tables" / "machine" / f"{name}.csv", encoding="utf-8-sig", keep_default_na=True)


def _text(path) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in PdfReader(path).pages))


def _nl(x: float, digits: int = 0) -> str:
    s = f"{x:,.{digits}f}"
    return s.replace(",", "_").replace(".", ",").replace("_", ".").replace("-", "−")


def _ratio(x: float) -> str:
    """A ratio in Dutch notation with as many decimals (2 to 4) as keep it on its side of 1 (0,995, not 1,00)."""
    for digits in (2, 3, 4):
        text = _nl(x, digits)
        shown = float(text.replace(".", "").replace(",", ".").replace("−", "-"))
        if x == 1 or ((shown < 1) == (x < 1) and shown != 1):
            break
    return text


@pytest.fixture(scope="module")
def texts(year):
    return {i: _text(year / i / f"{i}_2018.pdf") for i in NINE} | {
        "programme": _text(year / "programme" / "programme_2018.pdf")}


@pytest.mark.parametrize("initiative_id", NINE)
def test_pairs_and_estimates_agree_across_the_yearly_tables_the_overview_and_the_lessons(year, initiative_id):
    own = _csv(year, initiative_id, "hypotheses").set_index("hypothesis_id")
    overview = _csv(year, "programme", "effects")
    lessons = _csv(year, "lessons_learned", "hypotheses")
    for h, row in own.iterrows():
        for other in (overview, lessons):
            match = other[(other["initiative_id"] == initiative_id) & (other["hypothesis_id"] == h)]
            assert len(match) == 1
            for col in ("n_pairs", "estimate", "p_adjusted", "verdict"):
                if col in match.columns:
                    a, b = row[col], match[col].iloc[0]
                    assert (pd.isna(a) and pd.isna(b)) or a == b, (initiative_id, h, col, a, b)
    attrition = _csv(year, initiative_id, "attrition").set_index("hypothesis_id")
    for h, row in own.iterrows():
        if h in attrition.index and not pd.isna(row["n_pairs"]):
            assert attrition.loc[h, "n_with_follow_up"] == row["n_pairs"]


@pytest.mark.parametrize("initiative_id", NINE)
def test_reach_agrees_in_the_yearly_report_its_csv_and_the_overview(year, texts, initiative_id):
    reach = _csv(year, initiative_id, "reach_per_quarter").set_index("period").loc["2018", "participants_reached"]
    overview = _csv(year, "programme", "initiatives").set_index("initiative_id").loc[initiative_id, "participants_reached"]
    assert (pd.isna(reach) and pd.isna(overview)) or reach == overview
    if not pd.isna(reach):
        assert f"{_nl(reach)} deelnemers bereikt" in texts[initiative_id]
        assert f"{_nl(reach)} deelnemers (doel" in texts["programme"] or f"{_nl(reach)} deelnemers" in texts["programme"]


@pytest.mark.parametrize("initiative_id", NINE)
def test_the_sroi_ratio_reads_the_same_in_the_yearly_report_and_the_overview(year, texts, initiative_id):
    path = year / initiative_id / "tables" / "machine" / "sroi.csv"
    if not path.exists():
        pytest.skip("no SROI for this initiative")
    sroi = pd.read_csv(path, encoding="utf-8-sig").iloc[0]
    if pd.isna(sroi["ratio"]):
        assert "afgeschermd" in texts["programme"]
        # the range over every value of a hidden count, where the yearly report gives one, reads the same there
        span = re.search(r"ligt de verhouding tussen €([\d,]+) en €([\d,]+) per geïnvesteerde euro", texts[initiative_id])
        if span:
            assert f"tussen €{span[1]} en €{span[2]} per geïnvesteerde euro" in texts["programme"]
        return
    ratio, low, high = (_ratio(sroi[c]) for c in ("ratio", "ratio_low", "ratio_high"))
    assert f"€{ratio} per geïnvesteerde euro (bandbreedte {low} tot {high})" in texts["programme"]
    # the yearly summary's SROI line reads as the overview's cell
    assert f"Maatschappelijke waarde (SROI): €{ratio} per geïnvesteerde euro (bandbreedte {low} tot {high})." in texts[initiative_id]
    assert f"€{ratio}" in texts[initiative_id] and low in texts[initiative_id] and high in texts[initiative_id]


@pytest.mark.parametrize("initiative_id", NINE)
def test_response_agrees_in_the_yearly_report_and_the_overview(year, texts, initiative_id):
    own = _csv(year, initiative_id, "response").iloc[0]
    overview = _csv(year, "programme", "response_and_quality").set_index("initiative_id").loc[initiative_id]
    for col in ("response_rate", "retention"):
        assert (pd.isna(own[col]) and pd.isna(overview[col])) or own[col] == overview[col]
    if not pd.isna(own["response_rate"]):
        assert f"{round(own['response_rate'] * 100)}% respons op de nulmeting" in texts[initiative_id]


@pytest.mark.parametrize("initiative_id", NINE)
def test_cost_reads_the_same_in_the_yearly_summary_and_the_overview(year, texts, initiative_id):
    row = _csv(year, "programme", "initiatives").set_index("initiative_id").loc[initiative_id]
    if pd.isna(row["budget_eur"]):
        pytest.skip("no budget")
    cost = f"€{_nl(row['budget_eur'])} in het jaar; €{_nl(row['cost_per_participant_eur'])} per bereikte deelnemer"
    assert f"Kosten: {cost}." in texts[initiative_id]
    assert cost in texts["programme"]


@pytest.mark.parametrize("initiative_id", NINE)
def test_volunteer_hours_per_quarter_add_up_to_the_year_as_printed(year, texts, initiative_id):
    reach = _csv(year, initiative_id, "reach_per_quarter").set_index("period")["volunteer_hours"]
    quarters, total = reach.drop("2018"), reach.loc["2018"]
    if quarters.isna().any() or pd.isna(total):
        pytest.skip("hours not measured")
    # one decimal, as the workbook: the printed quarters add up to the printed year
    assert round(sum(round(q, 1) for q in quarters), 1) == round(total, 1)
    assert f"{_nl(total, 1)}" in texts[initiative_id]
