"""``coaching synth``: a synthetic programme of N initiatives × M participants copied from the sample year
(impact/sample_data/scale.py). N = 11, so the first two templates are copied twice."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from impact.ingest.drops import discover_drops, discover_initiatives
from impact.ingest.readers import read_drop
from impact.sample_data import generator, scale
from tests.unit.sample_data.test_sample_generator import _files

pytestmark = pytest.mark.unit

N, M = 11, 40


@pytest.fixture(scope="module")
def programme(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth") / "programme"
    summary = scale.synth(out, N, M, workers=1)
    return out, summary, json.loads((out / scale.MARKER).read_text(encoding="utf-8"))


def _register(out, initiative):
    """The participant rows of one initiative, over its drops in file-name order."""
    rows = []
    for drop in discover_drops(out, initiative, "participants"):
        rows += read_drop(drop.path, drop.source_file, "participants").frame["participant_id"].tolist()
    return rows


def test_the_same_arguments_write_the_same_bytes(programme, tmp_path):
    out, _, _ = programme
    again = tmp_path / "again"
    scale.synth(again, N, M, workers=1)
    assert _files(again) == _files(out)
    for rel in _files(out):
        assert (again / rel).read_bytes() == (out / rel).read_bytes(), rel


def test_another_seed_draws_other_people(programme, tmp_path):
    out, _, _ = programme
    other = tmp_path / "other"
    scale.synth(other, 2, M, seed=7, workers=1)
    rel = "sociale-supermarkt-0001/survey_baseline.csv"
    assert (other / rel).read_bytes() != (out / rel).read_bytes()


def test_initiative_k_copies_template_k_minus_1_mod_9_and_its_folder_is_its_id(programme):
    out, _, marker = programme
    folders = discover_initiatives(out)
    expected = [f"{generator.INITIATIVES[(k - 1) % 9].id}-{k:04d}" for k in range(1, N + 1)]
    assert folders == sorted(expected)
    assert marker["entries"] == sorted([*expected, "README.md", "programme.yaml", "coaching_sessions.csv"])
    from impact.theory_of_change import load_theory_of_change

    for k, folder in enumerate(expected, start=1):
        assert re.fullmatch(r"[a-z0-9-]+", folder)
        toc = load_theory_of_change(out / folder, out)  # valid, and its id is the folder's name
        assert toc.id == folder
        assert toc.name == f"{generator.INITIATIVES[(k - 1) % 9].name} {k}"


def test_the_register_holds_exactly_m_people_per_initiative(programme):
    out, _, marker = programme
    duplicated = Counter(p["file"].split("/")[0] for p in marker["planted"] if p["column"] == "(whole row)")
    seen: set[str] = set()
    for initiative in discover_initiatives(out):
        rows = _register(out, initiative)
        assert len(set(rows)) == M, initiative
        # every person once, plus the template's planted repeat of a row (Utrecht Cares' overlapping export)
        assert len(rows) == M + duplicated[initiative], initiative
        assert not seen & set(rows), "participant ids repeat across initiatives"
        seen |= set(rows)
    assert duplicated == {"utrecht-cares-0006": 1}


def test_output_targets_that_count_people_follow_m(programme):
    out, _, _ = programme
    from impact.theory_of_change import load_theory_of_change

    toc = load_theory_of_change(out / "sociale-supermarkt-0001", out)
    targets = {o.id: o.target for o in toc.outputs}
    template = {o["id"]: o["target"] for o in generator.INITIATIVES[0].toc["outputs"]}
    assert targets["customers"] == round(template["customers"] * M / generator.INITIATIVES[0].n_participants)
    assert targets["shop_days"] == template["shop_days"]  # counts sessions, not people


def test_every_template_s_planted_defects_are_in_its_copies(programme):
    out, _, marker = programme
    assert marker["not_planted"] == []
    planted = Counter((p["file"].split("/")[0], p["file"].split("/", 1)[1], p["column"]) for p in marker["planted"])
    for k in range(1, N + 1):
        template = generator.INITIATIVES[(k - 1) % 9]
        for defect in generator.PLANTED_DEFECTS:
            if defect["file"].startswith(template.id + "/"):
                column = ", ".join(defect["columns"]) if "columns" in defect else defect.get("column", "(whole row)")
                key = (scale.slug(k), defect["file"].split("/", 1)[1], column)
                assert planted[key] == 1, key
    assert len(marker["planted"]) == sum(planted.values())
    # and the planted values are in the files, at the rows synth.json names
    for p in marker["planted"]:
        if isinstance(p["source_row"], int) and p["column"] not in ("(whole row)", "date"):
            frame = read_drop(out / p["file"], p["file"], p["file"].split("/")[1].split("_")[0]).frame
            assert frame.loc[frame["source_row"] == p["source_row"], p["column"]].tolist() == [p["value"]], p


def test_the_coaching_log_has_the_plenaries_five_sessions_per_initiative_and_the_closing(programme):
    out, _, _ = programme
    (drop,) = discover_drops(out, "all", "coaching_sessions")
    log = read_drop(drop.path, drop.source_file, "coaching_sessions").frame
    kinds = Counter(log["kind"])
    assert kinds == {"plenary": len(generator.PLENARY_SESSIONS), "one_to_one": 5 * N, "closing": 1}
    per_initiative = Counter(log.loc[log["kind"] == "one_to_one", "initiative_id"])
    assert per_initiative == {folder: 5 for folder in discover_initiatives(out)}


def test_the_programme_and_the_readme_say_what_was_generated(programme):
    out, summary, marker = programme
    from impact.programme import load_programme

    settings = load_programme(out)
    assert settings.synthetic and "synthetisch schaalprogramma" in settings.name
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "not real people" in readme and f"--initiatives {N} --participants {M} --seed {scale.DEFAULT_SEED}" in readme
    assert (marker["initiatives"], marker["participants"], marker["seed"]) == (N, M, scale.DEFAULT_SEED)
    assert summary["planted"] == sum(p["error"] for p in marker["planted"])


def test_stories_are_kept_for_the_templates_that_have_them(programme):
    out, _, _ = programme
    with_stories = {t.id for t in generator.INITIATIVES if t.stories is not None}
    for k in range(1, N + 1):
        template = generator.INITIATIVES[(k - 1) % 9]
        stories = sorted(p.name for p in (out / scale.slug(k)).glob("stories*"))
        assert stories == ([template.stories.file] if template.id in with_stories else []), k


def test_synth_refuses_a_folder_it_did_not_write_and_touches_nothing(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(scale.NotSynthOutput):
        scale.synth(tmp_path, 2, M, workers=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_synth_replaces_an_earlier_synth_output_but_not_what_was_added_to_it(tmp_path):
    out = tmp_path / "p"
    scale.synth(out, 4, M, workers=1)
    scale.synth(out, 2, M, workers=1)
    assert discover_initiatives(out) == ["digitale-buddies-0002", "sociale-supermarkt-0001"]
    (out / "extra").mkdir()
    with pytest.raises(scale.NotSynthOutput) as err:
        scale.synth(out, 2, M, workers=1)
    assert err.value.entry == "extra"


def test_the_cli_says_why_it_refuses(tmp_path, capsys, monkeypatch):
    from pipelines.cli import main

    monkeypatch.setenv("COACHING_RAW_DATA", str(tmp_path / "nothing"))
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["synth", "--initiatives", "2", "--participants", "40", "--out", str(tmp_path), "--language", "en"]) == 1
    assert "is not empty and is not an earlier output of coaching synth" in capsys.readouterr().err
    assert main(["synth", "--initiatives", "2", "--participants", "5", "--out", str(tmp_path / "new")]) == 2
    assert "--participants moet minstens 20 zijn" in capsys.readouterr().err
    assert main(["synth", "--initiatives", "2", "--participants", "40", "--out", str(tmp_path / "new"),
                 "--workers", "1"]) == 0
    assert discover_initiatives(tmp_path / "new") == ["digitale-buddies-0002", "sociale-supermarkt-0001"]
