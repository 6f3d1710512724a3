"""programme.yaml and theory_of_change.yaml are read only when they lie in raw_data/ themselves: a symbolic link
(even a dangling one) or a file in a linked initiative folder is refused with a ConfigError, unread."""

from __future__ import annotations

import pytest

from impact.errors import ConfigError
from impact.programme import PROGRAMME_FILE, load_programme, programme_language
from impact.theory_of_change import TOC_FILE, load_theory_of_change
from tests.conftest import PROGRAMME_YAML, write_demo_initiative

pytestmark = pytest.mark.unit

LINK_NL = ("het bestand is een snelkoppeling (symbolische link) naar een bestand elders en is niet gelezen; de pijplijn "
           "leest alleen bestanden die zelf in raw_data/ staan: zet in plaats daarvan een kopie van het bestand op deze "
           "plek")


@pytest.fixture
def raw(tmp_path):
    raw = tmp_path / "raw_data"
    raw.mkdir()
    return raw


def test_a_linked_theory_of_change_is_refused_unread(raw, tmp_path, opened):
    (tmp_path / "elsewhere").mkdir()
    elsewhere = write_demo_initiative(tmp_path / "elsewhere") / TOC_FILE
    (raw / "demo").mkdir()
    (raw / "demo" / TOC_FILE).symlink_to(elsewhere)
    (raw / PROGRAMME_FILE).write_text(PROGRAMME_YAML, encoding="utf-8")
    opened.clear()
    with pytest.raises(ConfigError) as err:
        load_theory_of_change(raw / "demo", raw)
    assert (err.value.source, err.value.problems) == ("demo/theory_of_change.yaml", [LINK_NL])
    assert str(elsewhere.resolve()) not in opened


def test_a_theory_of_change_in_a_linked_initiative_folder_is_outside_raw_data(raw, tmp_path, opened):
    (tmp_path / "elsewhere").mkdir()
    folder = write_demo_initiative(tmp_path / "elsewhere")
    (raw / "demo").symlink_to(folder, target_is_directory=True)
    opened.clear()
    with pytest.raises(ConfigError) as err:
        load_theory_of_change(raw / "demo", raw, language="en")
    assert err.value.problems == [
        "the file lies outside raw_data/ (the folder it is in is a shortcut to a folder elsewhere) and was not read; "
        "the pipeline only reads files that are themselves in raw_data/: copy the folder with its files into raw_data/"]
    assert str((folder / TOC_FILE).resolve()) not in opened


def test_a_linked_programme_yaml_is_refused_unread_and_its_language_not_looked_up(raw, tmp_path, opened):
    elsewhere = tmp_path / "programme.yaml"
    elsewhere.write_text(PROGRAMME_YAML.replace("language: nl", "language: en"), encoding="utf-8")
    (raw / PROGRAMME_FILE).symlink_to(elsewhere)
    opened.clear()
    assert programme_language(raw) == "nl"
    with pytest.raises(ConfigError) as err:
        load_programme(raw)
    assert (err.value.source, err.value.problems) == ("programme.yaml", [LINK_NL])
    assert str(elsewhere.resolve()) not in opened


def test_a_dangling_programme_link_is_refused_as_a_link_not_as_missing(raw, tmp_path):
    (raw / PROGRAMME_FILE).symlink_to(tmp_path / "gone.yaml")
    with pytest.raises(ConfigError) as err:
        load_programme(raw)
    assert err.value.problems == [LINK_NL]
