"""`coaching kit INITIATIVE`: the kit of every sample initiative, written by the command, the same bytes when written
again, and a filled-in workbook of it passes `coaching check` against the initiative's Theory of Change."""

from __future__ import annotations

import shutil

import pytest

from impact.reporting.accessibility import pdf_problems
from pipelines.cli import main
from tests.conftest import SAMPLE_RAW_DATA
from tests.integration.conftest import tree_digest
from tests.unit.kit.test_kit_workbooks import SAMPLE_INITIATIVES, filled_kit, sample_toc

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_the_command_writes_every_sample_kit_the_same_twice_and_its_filled_files_pass_the_check(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COACHING_RAW_DATA", str(SAMPLE_RAW_DATA))
    monkeypatch.chdir(tmp_path)
    for initiative_id in SAMPLE_INITIATIVES:
        assert main(["kit", initiative_id]) == 0
        assert main(["kit", initiative_id, "--out", f"again/{initiative_id}"]) == 0
        assert tree_digest(tmp_path / "kit" / initiative_id) == tree_digest(tmp_path / "again" / initiative_id)
        names = sorted(p.name for p in (tmp_path / "kit" / initiative_id).iterdir())
        assert names == sorted([f"participants_{initiative_id}.xlsx", f"activities_{initiative_id}.xlsx",
                                f"survey_baseline_{initiative_id}.xlsx", f"survey_follow_up_{initiative_id}.xlsx",
                                f"vragenlijst_baseline_{initiative_id}.pdf", f"vragenlijst_follow_up_{initiative_id}.pdf",
                                f"instructie_{initiative_id}.pdf"])
        # tagged like the reports: the machine-checkable PDF/UA-1 rules hold for every form and instruction
        assert {p.name: pdf_problems(p.read_bytes()) for p in (tmp_path / "kit" / initiative_id).glob("*.pdf")} == {
            p.name: [] for p in (tmp_path / "kit" / initiative_id).glob("*.pdf")}
    capsys.readouterr()
    # filled in, and checked against the initiative's Theory of Change in a raw-data folder without other drops
    raw = tmp_path / "raw"
    (raw / "digitale-buddies").mkdir(parents=True)
    shutil.copy(SAMPLE_RAW_DATA / "digitale-buddies" / "theory_of_change.yaml", raw / "digitale-buddies")
    files, _ = filled_kit(sample_toc("digitale-buddies"))
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    monkeypatch.setenv("COACHING_RAW_DATA", str(raw))
    assert main(["check", *(str(tmp_path / name) for name in files), "--initiative", "digitale-buddies"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{tmp_path / name}: 12 rijen gelezen, alles in orde" for name in files]


def test_the_kit_is_not_written_into_the_raw_data(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COACHING_RAW_DATA", str(SAMPLE_RAW_DATA))
    assert main(["kit", "zus-en-zo", "--out", str(SAMPLE_RAW_DATA / "zus-en-zo" / "kit")]) == 1
    assert capsys.readouterr().err == (f"{SAMPLE_RAW_DATA / 'zus-en-zo' / 'kit'}: de meetkit wordt niet in de ruwe gegevens "
                                       f"geschreven ({SAMPLE_RAW_DATA}); kies een andere --out\n")
    assert not (SAMPLE_RAW_DATA / "zus-en-zo" / "kit").exists()
    assert main(["kit", "no-such-initiative", "--out", str(tmp_path)]) == 1
