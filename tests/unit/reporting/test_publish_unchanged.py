"""A report whose content did not change is found, not rendered again (``publish``'s record)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from impact.reporting import publish as publishing
from impact.reporting.publish import PUBLISHED_RECORD, Report, publish

pytestmark = pytest.mark.unit


def _report(text: str = "Demo", count: int = 12) -> Report:
    return Report(folder="demo", stem="demo", title="Demo", language="nl", created=pd.Timestamp("2019-01-31").date(),
                  html=f"<html><body><p>{text}</p></body></html>",
                  tables={"reach": pd.DataFrame({"period": ["2018-Q1"], "participants_new": [count]})})


@pytest.fixture
def renders(monkeypatch):
    """Counts how often a report's files are rendered."""
    calls = []
    original = Report.files

    def files(self, threshold=10):
        calls.append(self.html)
        return original(self, threshold)

    monkeypatch.setattr(Report, "files", files)
    return calls


def test_an_unchanged_report_is_not_rendered_again_and_its_files_stay_the_same(tmp_path, renders):
    first = publish(_report(), tmp_path, 10)
    before = {p: p.read_bytes() for p in first}
    again = publish(_report(), tmp_path, 10)
    assert len(renders) == 1
    assert again == first and {p: p.read_bytes() for p in again} == before
    names = [p.relative_to(tmp_path / "demo").as_posix() for p in first]
    assert names == ["demo.html", "demo.pdf", "demo_tables.xlsx", "tables/machine/reach.csv", "tables/reach.csv"]
    record = json.loads((tmp_path / "demo" / PUBLISHED_RECORD).read_text(encoding="utf-8"))
    assert sorted(record["files"]) == names
    assert record["fingerprint"] == publishing.fingerprint(_report(), 10)


@pytest.mark.parametrize("change", ["html", "table", "threshold"])
def test_a_change_in_the_content_or_the_threshold_renders_it_again(tmp_path, renders, change):
    publish(_report(), tmp_path, 10)
    report = _report(text="Anders") if change == "html" else _report(count=13) if change == "table" else _report()
    publish(report, tmp_path, 11 if change == "threshold" else 10)
    assert len(renders) == 2
    assert ("13" in (tmp_path / "demo/tables/machine/reach.csv").read_text()) == (change == "table")


@pytest.mark.parametrize("damage", ["edited", "removed", "added"])
def test_a_folder_that_no_longer_holds_what_was_published_is_rendered_again(tmp_path, renders, damage):
    written = publish(_report(), tmp_path, 10)
    pdf = tmp_path / "demo" / "demo.pdf"
    original = pdf.read_bytes()
    if damage == "edited":
        pdf.write_bytes(original + b"%")
    elif damage == "removed":
        pdf.unlink()
    else:
        (tmp_path / "demo" / "notes.txt").write_text("mine", encoding="utf-8")
    assert publish(_report(), tmp_path, 10) == written
    assert len(renders) == 2
    assert pdf.read_bytes() == original
    assert not (tmp_path / "demo" / "notes.txt").exists()  # a stray file is cleaned up as before
