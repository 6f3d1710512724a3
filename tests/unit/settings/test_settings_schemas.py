"""programme.yaml and theory_of_change.yaml: errors name the file, the key and what is expected.

The problems are told in Dutch unless English is asked for (most tests here ask for English; the Dutch ones
are at the end, and the catalogue of bad inputs, tests/bad_inputs.py, holds more in Dutch)."""

from __future__ import annotations

import pytest

from impact.errors import ConfigError
from impact.programme import load_programme
from impact.theory_of_change import load_theory_of_change
from tests.conftest import PROGRAMME_YAML, TOC_YAML

pytestmark = pytest.mark.unit


def _programme_problems(tmp_path, text, language="en"):
    (tmp_path / "programme.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_programme(tmp_path, language)
    assert err.value.source == "programme.yaml"
    return err.value.problems


def _toc_problems(tmp_path, text, folder="demo", language="en"):
    (tmp_path / folder).mkdir(exist_ok=True)
    (tmp_path / folder / "theory_of_change.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_theory_of_change(tmp_path / folder, tmp_path, language)
    assert err.value.source == f"{folder}/theory_of_change.yaml"
    return err.value.problems


def test_valid_programme(tmp_path):
    (tmp_path / "programme.yaml").write_text(PROGRAMME_YAML, encoding="utf-8")
    p = load_programme(tmp_path)
    assert (p.year, p.alpha, p.min_pairs, p.closing_meeting.isoformat()) == (2018, 0.05, 10, "2019-01-31")


def test_programme_wrong_values(tmp_path):
    text = PROGRAMME_YAML.replace("alpha: 0.05", "alpha: five percent").replace("multiple_testing: holm", "multiple_testing: bonferroni")
    assert _programme_problems(tmp_path, text) == [
        "key 'alpha': expected a number (got 'five percent')",
        "key 'multiple_testing': choose 'holm' or 'none' (got 'bonferroni')",
    ]


def test_programme_missing_and_unknown_keys(tmp_path):
    text = PROGRAMME_YAML.replace("year: 2018\n", "").replace("language: nl", "langauge: nl")
    assert _programme_problems(tmp_path, text) == [
        "key 'year' is missing; it is required",
        "key 'langauge' is not a known key (check the spelling)",
    ]


def test_programme_yaml_syntax_error_names_line_and_column(tmp_path):
    assert _programme_problems(tmp_path, "name: [unclosed\nyear: 2018\n") == [
        "YAML syntax error at line 2, column 5: expected ',' or ']', but got ':'"
    ]


def test_programme_not_a_mapping(tmp_path):
    assert _programme_problems(tmp_path, "- just\n- a list\n") == [
        "expected YAML keys (a mapping) at the top level, got a list"
    ]


def test_programme_missing_file(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_programme(tmp_path)
    assert str(err.value) == "programme.yaml: 1 probleem\n  - het bestand bestaat niet"
    with pytest.raises(ConfigError) as err:
        load_programme(tmp_path, "en")
    assert str(err.value) == "programme.yaml: 1 problem(s)\n  - the file does not exist"


def test_valid_theory_of_change(tmp_path):
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "theory_of_change.yaml").write_text(TOC_YAML.format(id="demo"), encoding="utf-8")
    toc = load_theory_of_change(tmp_path / "demo", tmp_path)
    assert [o.id for o in toc.outcomes] == ["contact", "loneliness"]
    assert toc.hypotheses[0].alternative == "two-sided" and toc.waves == ["baseline", "follow_up"]


def test_toc_hypothesis_about_an_undeclared_outcome(tmp_path):
    text = TOC_YAML.format(id="demo").replace("outcome: contact", "outcome: wellbeing")
    assert _toc_problems(tmp_path, text) == [
        "key 'hypotheses[0].outcome': 'wellbeing' is not an outcome declared under 'outcomes' (declared: contact, loneliness)"
    ]


def test_toc_unknown_instrument_and_test(tmp_path):
    text = TOC_YAML.format(id="demo").replace("instrument: djg11", "instrument: ucla").replace("test: paired_t", "test: ttest")
    assert _toc_problems(tmp_path, text) == [
        "key 'outcomes[1].instrument': unknown instrument; expected one of djg11, djg6, rses, who5, life_satisfaction, "
        "participation_ladder, zrm, custom (got 'ucla')",
        "key 'hypotheses[0].test': choose 'paired_t', 'wilcoxon', 'mcnemar' or 'auto' (got 'ttest')",
    ]


def test_toc_custom_outcome_must_declare_its_scale(tmp_path):
    text = TOC_YAML.format(id="demo").replace(" type: numeric, min: 0, max: 10,", "")
    assert _toc_problems(tmp_path, text) == [
        "key 'outcomes[0].type' is missing; a custom outcome declares type, min, max and higher_is_better",
        "key 'outcomes[0].min' is missing; a custom outcome declares type, min, max and higher_is_better",
        "key 'outcomes[0].max' is missing; a custom outcome declares type, min, max and higher_is_better",
    ]


BINARY_CONTACT = (" type: numeric, min: 0, max: 10, unit: punten,", " type: binary,")


def test_toc_binary_custom_outcome_runs_from_0_to_1_without_min_and_max(tmp_path):
    from impact.contracts import ContractContext
    from impact.theory_of_change import as_tables

    (tmp_path / "demo").mkdir()
    text = TOC_YAML.format(id="demo").replace(*BINARY_CONTACT)
    (tmp_path / "demo" / "theory_of_change.yaml").write_text(text, encoding="utf-8")
    toc = load_theory_of_change(tmp_path / "demo", tmp_path)
    contact = toc.outcome("contact")
    assert (contact.type, contact.min, contact.max, contact.unit) == ("binary", 0, 1, None)
    outcomes = as_tables({"demo": (toc, "sha")})["outcomes"]
    assert outcomes[["outcome_id", "type", "min", "max"]].values.tolist()[0] == ["contact", "binary", 0.0, 1.0]
    assert ContractContext.from_theory_of_change(toc).custom_outcomes[0].min == 0
    assert ContractContext.from_theory_of_change(toc).custom_outcomes[0].max == 1
    # min: 0 and max: 1 written out are the same
    (tmp_path / "demo" / "theory_of_change.yaml").write_text(
        text.replace(" type: binary,", " type: binary, min: 0, max: 1,"), encoding="utf-8")
    assert load_theory_of_change(tmp_path / "demo", tmp_path).outcome("contact") == contact


def test_toc_binary_custom_outcome_with_another_range_is_refused(tmp_path):
    text = TOC_YAML.format(id="demo").replace(BINARY_CONTACT[0], " type: binary, min: 0, max: 2,")
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "theory_of_change.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_theory_of_change(tmp_path / "demo", tmp_path, "en")
    assert str(err.value) == (
        "demo/theory_of_change.yaml: 1 problem(s)\n"
        "  - key 'outcomes[0].max': a binary outcome runs from 0 (no) to 1 (yes); write max: 1 or leave it out (got 2)"
    )
    text = TOC_YAML.format(id="demo").replace(BINARY_CONTACT[0], " type: binary, min: -1,").replace(
        " higher_is_better: true", "")
    assert _toc_problems(tmp_path, text) == [
        "key 'outcomes[0].higher_is_better' is missing; a binary custom outcome declares type and higher_is_better",
        "key 'outcomes[0].min': a binary outcome runs from 0 (no) to 1 (yes); write min: 0 or leave it out (got -1)",
    ]


def test_toc_id_must_match_folder(tmp_path):
    assert _toc_problems(tmp_path, TOC_YAML.format(id="other")) == [
        "key 'id': 'other' must equal the initiative's folder name 'demo'"
    ]


def test_toc_wrong_direction_and_missing_key(tmp_path):
    text = TOC_YAML.format(id="demo").replace("direction: increase", "direction: up").replace("impact: Een buurt waar mensen elkaar kennen.\n", "")
    assert _toc_problems(tmp_path, text) == [
        "key 'impact' is missing; it is required",
        "key 'hypotheses[0].direction': choose 'increase' or 'decrease' (got 'up')",
    ]


def test_toc_hypothesis_on_a_zrm_profile_is_refused(tmp_path):
    text = TOC_YAML.format(id="demo").replace("instrument: djg11", "instrument: zrm").replace("outcome: contact", "outcome: loneliness")
    assert _toc_problems(tmp_path, text) == [
        "key 'hypotheses[0].outcome': 'loneliness' is a Zelfredzaamheid-Matrix profile, which has no total score to "
        "test; declare a custom ordinal outcome for the domain you want to test"
    ]


def test_toc_mcnemar_needs_a_yes_no_outcome_and_alternative_must_match_direction(tmp_path):
    text = TOC_YAML.format(id="demo").replace("test: paired_t, direction: increase", "test: mcnemar, direction: increase, alternative: less")
    assert _toc_problems(tmp_path, text) == [
        "key 'hypotheses[0].test': McNemar needs a yes/no outcome; 'contact' is neither binary nor an instrument with a "
        "cut-off (djg11, djg6, rses, who5); use paired_t, wilcoxon or auto",
        "key 'hypotheses[0].alternative': 'less' tests the opposite of direction 'increase'; use two-sided or greater",
    ]


# --- in Dutch, the default -----------------------------------------------------------------------

def test_dutch_by_default_for_a_toc_with_an_unknown_instrument_a_missing_key_and_a_wrong_choice(tmp_path):
    text = (TOC_YAML.format(id="demo").replace("instrument: djg11", "instrument: ucla")
            .replace("impact: Een buurt waar mensen elkaar kennen.\n", "").replace("test: paired_t", "test: ttest"))
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "theory_of_change.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_theory_of_change(tmp_path / "demo", tmp_path)  # no programme.yaml: Dutch
    assert str(err.value) == (
        "demo/theory_of_change.yaml: 3 problemen\n"
        "  - sleutel 'outcomes[1].instrument': onbekend instrument; kies een van: djg11, djg6, rses, who5, "
        "life_satisfaction, participation_ladder, zrm, custom (er staat: 'ucla')\n"
        "  - sleutel 'impact' ontbreekt; die is verplicht\n"
        "  - sleutel 'hypotheses[0].test': kies 'paired_t', 'wilcoxon', 'mcnemar' of 'auto' (er staat: 'ttest')"
    )


def test_dutch_yaml_syntax_errors_say_what_to_do(tmp_path):
    assert _toc_problems(tmp_path, "id: demo\nname: Demo: een test\n", language="nl") == [
        "YAML-fout in regel 2, kolom 11: hier mag geen ': ' staan "
        "(zet tekst waarin ': ' voorkomt tussen aanhalingstekens)"
    ]
    assert _programme_problems(tmp_path, "name: [unclosed\nyear: 2018\n", language="nl") == [
        "YAML-fout in regel 2, kolom 5: verwacht ',' of ']', maar vond ':'"
    ]


def test_dutch_cross_checks_and_numbers_with_a_decimal_comma(tmp_path):
    text = TOC_YAML.format(id="other").replace(BINARY_CONTACT[0], " type: binary, min: 0, max: 2.5,")
    text = text.replace("test: paired_t, direction: increase", "test: paired_t, direction: increase, alternative: less")
    assert _toc_problems(tmp_path, text, language="nl") == [
        "sleutel 'id': 'other' moet gelijk zijn aan de mapnaam van het initiatief, 'demo'",
        "sleutel 'outcomes[0].max': een ja/nee-uitkomst loopt van 0 (nee) tot 1 (ja); schrijf max: 1 of laat het weg "
        "(er staat: 2,5)",
        "sleutel 'hypotheses[0].alternative': 'less' toetst het omgekeerde van direction 'increase'; kies two-sided "
        "of greater",
    ]
    programme = PROGRAMME_YAML.replace("alpha: 0.05", "alpha: 0.7").replace("year: 2018", "year: twintig")
    assert _programme_problems(tmp_path, programme, language="nl") == [
        "sleutel 'year': verwacht een heel getal (er staat: 'twintig')",
        "sleutel 'alpha': moet kleiner zijn dan 0,5 (er staat: 0.7)",
    ]


def test_the_programme_language_chooses_the_language_of_the_errors(tmp_path):
    """programme.yaml's own language, and the Theory of Change's in the programme's; Dutch without one."""
    english = PROGRAMME_YAML.replace("language: nl", "language: en")
    assert _programme_problems(tmp_path, english.replace("alpha: 0.05", "alpha: lots"), language=None) == [
        "key 'alpha': expected a number (got 'lots')"]
    (tmp_path / "programme.yaml").write_text(english, encoding="utf-8")
    assert _toc_problems(tmp_path, TOC_YAML.format(id="other"), language=None) == [
        "key 'id': 'other' must equal the initiative's folder name 'demo'"]
    (tmp_path / "programme.yaml").write_text(english.replace("year: 2018", "year: ["), encoding="utf-8")  # unreadable
    assert _toc_problems(tmp_path, TOC_YAML.format(id="other"), language=None) == [
        "sleutel 'id': 'other' moet gelijk zijn aan de mapnaam van het initiatief, 'demo'"]
