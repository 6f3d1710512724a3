"""Which folders are initiatives: a slug equal to the Theory of Change's id, lying in raw_data/ itself."""

from __future__ import annotations

import pytest

from impact.ingest.drops import discover_initiatives
from impact.ingest.folders import InitiativeFolder, as_table, initiative_folders

pytestmark = pytest.mark.unit


def _initiative(raw, folder: str, toc: str) -> None:
    (raw / folder).mkdir()
    (raw / folder / "theory_of_change.yaml").write_text(toc, encoding="utf-8")


@pytest.fixture
def raw(tmp_path):
    raw = tmp_path / "raw_data"
    raw.mkdir()
    _initiative(raw, "sociale-supermarkt", "id: sociale-supermarkt\nname: Sociale Supermarkt\n")
    _initiative(raw, "evil name; rm -rf", "id: evil\nname: Evil\n")
    _initiative(raw, "food-for-good", "id: voedsel\nname: Food for Good\n")
    _initiative(raw, "Zus-en-Zo", "name: Zus&Zo\n")                      # capitals, and no id at all
    _initiative(raw, "kapot", "id: kapot\nname: [niet gesloten\n")        # not YAML: the ToC's own problem
    _initiative(raw, "tag", "!!python/object/apply:os.system ['true']\n")  # refused by the safe loader
    (raw / "notities").mkdir()                                              # no Theory of Change: not expected
    _initiative(raw, ".verborgen", "id: .verborgen\n")
    elsewhere = tmp_path / "elsewhere" / "talent-connection"
    elsewhere.mkdir(parents=True)
    (elsewhere / "theory_of_change.yaml").write_text("id: talent-connection\n", encoding="utf-8")
    (raw / "talent-connection").symlink_to(elsewhere, target_is_directory=True)
    return raw


def test_every_folder_with_a_theory_of_change_is_expected_and_only_slugs_equal_to_their_id_are_accepted(raw):
    assert initiative_folders(raw) == [
        InitiativeFolder("Zus-en-Zo", "not_a_slug", None, "Zus&Zo"),
        InitiativeFolder("evil name; rm -rf", "not_a_slug", "evil", "Evil"),
        InitiativeFolder("food-for-good", "id_not_folder", "voedsel", "Food for Good"),
        InitiativeFolder("kapot", None, None, None),
        InitiativeFolder("sociale-supermarkt", None, "sociale-supermarkt", "Sociale Supermarkt"),
        InitiativeFolder("tag", None, None, None),
        InitiativeFolder("talent-connection", "symbolic_link", None, None),
    ]
    assert discover_initiatives(raw) == ["kapot", "sociale-supermarkt", "tag"]


def test_a_refused_folder_is_told_with_both_names_in_the_coach_s_words(raw):
    messages = dict(zip(*as_table(initiative_folders(raw), "nl")[["folder", "message"]].T.values))
    assert messages["evil name; rm -rf"] == (
        "De mapnaam 'evil name; rm -rf' is geen geldige naam voor een initiatief: gebruik alleen kleine letters, cijfers "
        "en streepjes (-), en begin met een letter of cijfer. Geef de map de naam 'evil', gelijk aan de id in "
        "theory_of_change.yaml; tot dan wordt dit initiatief niet verwerkt.")
    assert messages["food-for-good"] == (
        "De map 'food-for-good' heet anders dan de id in haar theory_of_change.yaml ('voedsel'). De mapnaam is de naam "
        "van het initiatief in alle tabellen en rapporten, dus dit initiatief wordt niet verwerkt tot de map en de id "
        "dezelfde naam hebben.")
    assert messages["talent-connection"].startswith("De map talent-connection/ is een snelkoppeling (symbolische link)")
    assert messages["sociale-supermarkt"] is None
    english = dict(zip(*as_table(initiative_folders(raw), "en")[["folder", "message"]].T.values))
    assert english["Zus-en-Zo"].startswith("The folder name 'Zus-en-Zo' is not a valid initiative name")
    # an id that is not a slug either cannot be offered as the folder's name
    assert as_table([InitiativeFolder("Zus en Zo", "not_a_slug", "Zus en Zo")])["message"][0] == (
        "De mapnaam 'Zus en Zo' is geen geldige naam voor een initiatief: gebruik alleen kleine letters, cijfers en "
        "streepjes (-), en begin met een letter of cijfer. De id in theory_of_change.yaml is 'Zus en Zo'. Dit "
        "initiatief wordt niet verwerkt tot de map en de id dezelfde, geldige naam hebben.")


def test_the_table_holds_the_initiative_id_of_accepted_folders_only(raw):
    table = as_table(initiative_folders(raw))
    assert table.loc[table["initiative_id"].notna(), "folder"].tolist() == ["kapot", "sociale-supermarkt", "tag"]
    assert list(table.columns) == ["folder", "initiative_id", "name", "problem", "message"]
