"""The impact wizard (impact/wizard/): proposals, tests, sample sizes, re-asks and a scripted session's file."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml
from scipy import stats

from impact.language import Translator, catalogue
from impact.statistics.hypotheses import choose_test
from impact.statistics.power import mcnemar_power, wilcoxon_power
from impact.theory_of_change import load_theory_of_change
from impact.wizard import planning, proposals
from impact.wizard.dialogue import Dialogue, Reask, read_number, read_share
from tests.conftest import SAMPLE_RAW_DATA
from tests.wizard_sessions import BUURTKAMER, WERKPLAATS, Script, run_session, sample_without_data

pytestmark = pytest.mark.unit


# -- instrument proposals ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("said", "instrument", "words"), [
    ("Deelnemers voelen zich minder eenzaam", "djg11", "eenzaam"),
    ("Minder eenzaamheid onder ouderen", "djg11", "eenzaamheid"),
    ("less lonely", "djg11", "lonely"),
    ("Meer gevoel van eigenwaarde", "rses", "eigenwaarde"),
    ("more self-esteem", "rses", "self-esteem"),
    ("Hoger welbevinden", "who5", "welbevinden"),
    ("better wellbeing", "who5", "wellbeing"),
    ("Meer tevredenheid met het leven", "life_satisfaction", "tevredenheid"),
    ("higher life satisfaction", "life_satisfaction", "life"),
    ("Meer meedoen in de wijk", "participation_ladder", "meedoen"),
    ("Vinden betaald werk", "participation_ladder", "werk"),
    ("participation in society", "participation_ladder", "participation"),
    ("Meer zelfredzaamheid", "zrm", "zelfredzaamheid"),
    ("more self-reliant", "zrm", "self-reliant"),
])
def test_the_words_an_initiative_uses_propose_a_registered_instrument(said, instrument, words):
    proposal = proposals.propose_instrument(said)
    assert proposal.instrument == instrument
    assert proposal.matched is not None and proposal.matched.startswith(words[:4])


@pytest.mark.parametrize("said", ["Een groter netwerk", "Gezonder eten", "Meer contact met buren", "fewer debts"])
def test_without_a_matching_word_the_proposal_is_a_custom_outcome(said):
    # 'netwerk' holds 'werk' but is no word about work
    assert proposals.propose_instrument(said) == proposals.Proposal("custom")


def test_every_registered_instrument_can_be_chosen_and_has_words_in_both_catalogues():
    assert proposals.CHOICES == ("djg11", "djg6", "rses", "who5", "life_satisfaction", "participation_ladder",
                                 "zrm", "custom")
    for language in ("nl", "en"):
        words = catalogue(language)
        for instrument in proposals.CHOICES[:-1]:
            assert f"instrument.{instrument}.name" in words and f"wizard.outcome_label.{instrument}" in words


# -- the test per outcome type -----------------------------------------------------------------------------

@pytest.mark.parametrize(("instrument", "kind", "test", "reason"), [
    ("custom", "binary", "mcnemar", "binary"),
    ("custom", "ordinal", "wilcoxon", "ordinal"),
    ("custom", "numeric", "paired_t", "mean"),
    ("participation_ladder", None, "wilcoxon", "ordinal"),
    ("djg6", None, "wilcoxon", "few_points"),
    ("djg11", None, "paired_t", "mean"),
    ("rses", None, "paired_t", "mean"),
    ("who5", None, "paired_t", "mean"),
    ("life_satisfaction", None, "paired_t", "mean"),
])
def test_the_proposed_test_is_the_one_the_pipelines_auto_chooses(instrument, kind, test, reason):
    proposal = proposals.propose_test(instrument, kind)
    assert (proposal.test, proposal.reason) == (test, reason)
    assert choose_test("auto", instrument, kind)[0] == test
    assert test in proposals.allowed_tests(instrument, kind)


def test_mcnemar_is_offered_only_where_the_theory_of_change_accepts_it():
    with_cut_off = {i for i in proposals.CHOICES[:-1] if "mcnemar" in proposals.allowed_tests(i, None)}
    assert with_cut_off == {"djg11", "djg6", "rses", "who5"}
    assert "mcnemar" in proposals.allowed_tests("custom", "binary")
    assert "mcnemar" not in proposals.allowed_tests("custom", "ordinal")
    assert not proposals.can_be_tested("zrm")


def test_direction_and_one_sided_alternative_follow_what_better_means():
    assert proposals.expected_direction(better_is_higher=False) == "decrease"  # loneliness goes down
    assert proposals.expected_direction(better_is_higher=True) == "increase"
    assert proposals.one_sided("decrease") == "less" and proposals.one_sided("increase") == "greater"


# -- sample size -------------------------------------------------------------------------------------------

def independent_pairs(dz: float, alpha: float) -> int:
    """Smallest n whose two-sided paired t-test has power >= 0.8, from scipy's noncentral t, written out here."""
    n = 2
    while True:
        df, nc = n - 1, dz * math.sqrt(n)
        crit = stats.t.ppf(1 - alpha / 2, df)
        power = stats.nct.sf(crit, df, nc) + stats.nct.cdf(-crit, df, nc)
        if power >= 0.8:
            return n
        n += 1


def test_pairs_for_the_paired_t_test_match_the_textbook_and_an_independent_noncentral_t():
    # R: pwr::pwr.t.test(d = 0.5, power = 0.8, sig.level = 0.05, type = "paired") gives n = 33.36713 -> 34 pairs
    assert planning.pairs_paired_t(1, 2, 0.05, "two-sided") == 34
    for change, sd, alpha in ((1, 2, 0.005), (3, 6, 0.05 / 11), (2, 8, 0.05), (10, 15, 0.005)):
        assert planning.pairs_paired_t(change, sd, alpha, "two-sided") == independent_pairs(change / sd, alpha)
    assert independent_pairs(0.5, 0.005) == 58


def test_the_level_is_holms_worst_case_for_a_primary_hypothesis():
    assert planning.planning_alpha(0.05, 10, True, "two-sided") == pytest.approx(0.005)
    assert planning.planning_alpha(0.05, 10, True, "less") == pytest.approx(0.0045)  # 90 % on the declared side
    assert planning.planning_alpha(0.05, 10, False, "two-sided") == 0.05  # secondary: not in the family
    assert planning.planning_alpha(0.05, 10, True, "two-sided", multiple_testing="none") == 0.05


def test_the_family_counts_the_primary_hypotheses_of_the_sample_year():
    counted = 0
    for toc in sorted(SAMPLE_RAW_DATA.glob("*/theory_of_change.yaml")):
        counted += sum(1 for h in yaml.safe_load(toc.read_text(encoding="utf-8")).get("hypotheses", [])
                       if h.get("primary", True))
    assert planning.existing_primary_hypotheses(SAMPLE_RAW_DATA) == (counted, ())
    assert counted == 9
    assert planning.existing_primary_hypotheses(SAMPLE_RAW_DATA, leave_out="digitale-buddies") == (8, ())


def test_wilcoxon_and_mcnemar_pairs_reach_80_percent_with_the_engines_own_power():
    n = planning.pairs_wilcoxon(1, 2, 0.005, "two-sided")
    assert n >= planning.pairs_paired_t(1, 2, 0.005, "two-sided")  # the rank test needs at least as many
    assert wilcoxon_power(n, 0.5, 0.005) >= 0.8 > wilcoxon_power(n - 1, 0.5, 0.005)
    m = planning.pairs_mcnemar(0.2, 0.3, 0.005, "two-sided")
    assert mcnemar_power(m, 0.2, 0.3, 0.005) >= 0.8 > mcnemar_power(m - 1, 0.2, 0.3, 0.005)
    # Connor (1987)'s normal approximation, n = (z_a/2 sqrt(psi) + z_b sqrt(psi - d^2))^2 / d^2, is close
    z_a, z_b = stats.norm.ppf(1 - 0.005 / 2), stats.norm.ppf(0.8)
    connor = (z_a * math.sqrt(0.3) + z_b * math.sqrt(0.3 - 0.04)) ** 2 / 0.04
    assert abs(m - connor) / connor < 0.1
    assert planning.pairs_mcnemar(0.4, 0.3, 0.005, "two-sided") is None  # more change than people who change


def test_enrolment_is_pairs_over_what_remains_rounded_up():
    assert planning.to_enrol(58, 0.3) == 83  # 58 / 0.7 = 82.86
    assert planning.to_enrol(70, 0.3) == 100  # 70 / 0.7 is 100.00000000000001 in floating point
    assert planning.to_enrol(34, 0) == 34
    assert planning.to_enrol(61, 0.25) == 82  # 81.33
    with pytest.raises(ValueError):
        planning.to_enrol(10, 1)


def test_a_plan_never_asks_for_fewer_pairs_than_the_pipeline_tests():
    plan = planning.plan("paired_t", 5, 0.05, "two-sided", 0.2, min_pairs=10, sd=2)  # d_z 2.5: 4 pairs would do
    assert (plan.computed_pairs, plan.pairs, plan.enrol) == (4, 10, 13)


# -- reading answers and asking again ----------------------------------------------------------------------

def dialogue(answers: list[str], language: str = "nl") -> tuple[Dialogue, Script]:
    script = Script(answers)
    return Dialogue(script.ask, script.say, Translator(language)), script


def test_a_bad_number_is_asked_again_in_dutch():
    d, script = dialogue(["vijftig", "250"])
    assert d.number("Streefaantal voor ‘Deelnemers bereikt’ in 2018", at_least=0) == 250
    assert script.lines == [
        "Streefaantal voor ‘Deelnemers bereikt’ in 2018: vijftig",
        "Typ een getal, bijvoorbeeld 250.",
        "Streefaantal voor ‘Deelnemers bereikt’ in 2018: 250",
    ]


def test_bad_answers_get_a_clear_dutch_re_ask():
    d, script = dialogue(["Buurtkamer Oost", "buurtkamer-oost", "misschien", "j", "7", "2", "1.250", "1,25", "-3", "4"])
    def parse_id(raw):
        if " " in raw or raw.lower() != raw:
            raise Reask("slug")
        return raw

    assert d.ask("Korte naam", parse_id) == "buurtkamer-oost"
    assert d.yes_no("Neem je dit voorstel over", True) is True
    assert d.choice("Wat voor initiatief is het", [("a", "bewonersinitiatief"), ("b", "sociale onderneming")]) == "b"
    assert d.number("Betekenisvolle verandering") == 1.25
    assert d.number("Standaardafwijking", above=0) == 4
    said = [line for line in script.lines if not line.startswith("  ") and ": " not in line]
    assert said == [
        "Gebruik alleen kleine letters, cijfers en streepjes, en begin met een letter of cijfer, bijvoorbeeld buurtkamer-oost.",
        "Antwoord met ja of nee.",
        "Typ een nummer van 1 tot en met 2.",
        "Typ een getal groter dan 0.",
    ]
    assert "‘1.250’ kan twee dingen betekenen: bedoel je 1250 of 1,25? Typ 1250 zonder punt, of 1,25 met een komma." \
        in script.lines


def test_numbers_and_shares_are_read_as_people_type_them():
    assert read_number("2,5") == read_number("2.5") == 2.5
    assert read_number("1.250", whole=True) == 1250  # a whole-number question: a thousands separator
    assert read_number("0,250") == 0.25
    with pytest.raises(Reask) as again:
        read_number("1.250")
    assert again.value.key == "ambiguous"
    assert read_share("30%") == read_share("30") == read_share("0,3") == pytest.approx(0.3)
    assert read_share("1%") == pytest.approx(0.01)


def test_both_catalogues_hold_the_same_wizard_keys_under_one_top_level_key():
    here = Path(__file__).resolve().parents[3] / "impact" / "language" / "locale"
    trees = {lang: yaml.safe_load((here / lang / "wizard.yaml").read_text(encoding="utf-8")) for lang in ("nl", "en")}
    assert all(list(tree) == ["wizard"] for tree in trees.values())
    nl = {k for k in catalogue("nl") if k.startswith("wizard.")}
    assert nl == {k for k in catalogue("en") if k.startswith("wizard.")} and len(nl) > 100


# -- scripted sessions -------------------------------------------------------------------------------------

BUURTKAMER_FILE = """\
# Theory of Change van Buurtkamer Oost, gemaakt met de impactwizard (coaching wizard).
# Lees de teksten samen met het initiatief na; de pijplijn leest dit bestand bij elke build.
id: buurtkamer-oost
name: Buurtkamer Oost
kind: resident_initiative
problem: Ouderen in Oost zitten veel alleen thuis.
target_group: Bewoners van 65 jaar en ouder in Oost
activities:
- Wekelijkse koffieochtend
- Samen koken
outputs:
- id: deelnemers_bereikt
  label: Deelnemers bereikt
  target: 50
  measure: participants
- id: koffieochtenden
  label: Koffieochtenden
  target: 45
  measure: sessions
outcomes:
- id: loneliness
  label: Eenzaamheid
  instrument: djg11
- id: sociaal_netwerk
  label: Sociaal netwerk
  instrument: custom
  type: numeric
  min: 0
  max: 30
  unit: personen
  higher_is_better: true
- id: participation
  label: Participatie
  instrument: participation_ladder
impact: Een buurt waar ouderen elkaar kennen en op elkaar kunnen rekenen.
hypotheses:
# H1: gepaarde t-toets, gekozen bij het soort uitkomst (niet uit de gegevens).
# Steekproef: 58 deelnemers met nul- en nameting nodig voor een kans van 80% (power) bij alpha =
# 0,005 (Holm, strengste geval: alpha gedeeld door 10 primaire hypothesen); bij 30% uitval 83
# deelnemers inschrijven.
# Aangenomen: een betekenisvolle verandering van 1 punt, standaardafwijking van de verandering 2
# punten (uit target_effect_dz = 0,5 van het programma, geen eigen schatting).
- id: H1
  statement: Deelnemers scoren bij de nameting lager op eenzaamheid dan bij de nulmeting
  outcome: loneliness
  design: pre_post
  test: paired_t
  direction: decrease
  alternative: two-sided
  primary: true
# H2: gepaarde t-toets, gekozen bij het soort uitkomst (niet uit de gegevens).
# Steekproef: 34 deelnemers met nul- en nameting nodig voor een kans van 80% (power) bij alpha =
# 0,05 (zonder correctie); bij 30% uitval 49 deelnemers inschrijven.
# Aangenomen: een betekenisvolle verandering van 2 personen, standaardafwijking van de verandering 4
# personen (schatting van het initiatief).
- id: H2
  statement: Deelnemers scoren bij de nameting hoger op sociaal netwerk dan bij de nulmeting
  outcome: sociaal_netwerk
  design: pre_post
  test: paired_t
  direction: increase
  alternative: two-sided
  primary: false
"""


def test_a_scripted_dutch_session_writes_a_theory_of_change_the_pipeline_accepts(tmp_path):
    raw = sample_without_data(tmp_path / "raw_data")
    code, script = run_session(BUURTKAMER, raw)
    assert code == 0, script.transcript()
    path = raw / "buurtkamer-oost" / "theory_of_change.yaml"
    assert path.read_text(encoding="utf-8") == BUURTKAMER_FILE
    toc = load_theory_of_change(path.parent, raw)  # the model and cross_check
    assert [(o.id, o.instrument) for o in toc.outcomes] == [
        ("loneliness", "djg11"), ("sociaal_netwerk", "custom"), ("participation", "participation_ladder")]
    said = script.lines
    assert "Typ een getal, bijvoorbeeld 250." in said
    assert ("Je noemt ‘eenzaam’. Voorstel: meet ‘Deelnemers voelen zich minder eenzaam’ met de Eenzaamheidsschaal "
            "van De Jong Gierveld, 11 vragen (De Jong Gierveld Loneliness Scale); schaal 0–11, hoger is eenzamer.") in said
    assert ("H1: er zijn 58 deelnemers met zowel een nulmeting als een nameting nodig, om met de gepaarde t-toets bij "
            "alpha = 0,005 een kans van 80% te hebben dat de verandering zichtbaar wordt.") in said
    assert ("Bij 30% uitval houd je 70% over. Schrijf daarom minstens 83 deelnemers in (58 gedeeld door 0,7, naar "
            "boven afgerond).") in said
    assert any("In raw_data staan er nu 9; met de primaire hypothese van dit initiatief erbij zijn het er 10." in line
               for line in said)


def test_a_scripted_english_session_with_mcnemar_wilcoxon_and_a_profile(tmp_path):
    raw = sample_without_data(tmp_path / "raw_data")
    code, script = run_session(WERKPLAATS, raw, "en")
    assert code == 0, script.transcript()
    path = raw / "werkplaats-west" / "theory_of_change.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert list(data) == ["id", "name", "kind", "problem", "target_group", "activities", "outcomes", "impact",
                          "hypotheses"]
    assert data["outcomes"] == [
        {"id": "paid_work", "label": "Paid work", "instrument": "custom", "type": "binary", "min": 0, "max": 1,
         "higher_is_better": True},
        {"id": "loneliness", "label": "Loneliness", "instrument": "djg6"},
        {"id": "self_reliance", "label": "Self-sufficiency", "instrument": "zrm"},
    ]
    assert [(h["id"], h["outcome"], h["test"], h["direction"], h["alternative"], h["primary"])
            for h in data["hypotheses"]] == [
        ("H1", "paid_work", "mcnemar", "increase", "greater", True),
        ("H2", "loneliness", "wilcoxon", "decrease", "two-sided", True),
    ]
    load_theory_of_change(path.parent, raw)
    # 9 primary hypotheses in the sample year + 2: H1 one-sided at 0.9 * 0.05 / 11, H2 at 0.05 / 11
    m1 = planning.pairs_mcnemar(0.2, 0.3, 0.9 * 0.05 / 11, "greater")
    w2 = planning.pairs_wilcoxon(1, 2, 0.05 / 11, "two-sided")
    said = script.transcript()
    assert f"H1: {m1} participants with both a baseline and a follow-up measurement" in said
    assert f"So enrol at least {math.ceil(m1 / 0.75)} participants" in said
    assert f"H2: {w2} participants with both" in said
    assert "Type a percentage from 20% to 100%: whoever makes the difference changes their answer too." in said
    assert "a hypothesis cannot be about it" in said


def test_an_existing_file_is_not_overwritten_without_force(tmp_path):
    raw = sample_without_data(tmp_path / "raw_data")
    path = raw / "sociale-supermarkt" / "theory_of_change.yaml"
    before = path.read_text(encoding="utf-8")
    code, script = run_session(["Sociale Supermarkt", ""], raw)
    assert code == 1
    assert script.lines[-1] == (f"Er staat al een Theory of Change in {path}. Die overschrijf ik niet: gebruik --force "
                                "om hem te vervangen, of --out om ergens anders te schrijven.")
    assert path.read_text(encoding="utf-8") == before


def test_force_replaces_and_out_writes_elsewhere(tmp_path):
    raw = sample_without_data(tmp_path / "raw_data")
    session = ["Sociale Supermarkt", *BUURTKAMER[1:]]
    code, _ = run_session(session, raw, force=True)
    target = raw / "sociale-supermarkt" / "theory_of_change.yaml"
    assert code == 0 and target.read_text(encoding="utf-8").startswith("# Theory of Change van Sociale Supermarkt")
    # the initiative being replaced is not counted twice in the family: 8 others + its own 1
    written = " ".join(target.read_text(encoding="utf-8").replace("# ", "").split())
    assert "alpha = 0,00556 (Holm, strengste geval: alpha gedeeld door 9 primaire hypothesen)" in written
    out = tmp_path / "elders" / "toc.yaml"
    code, _ = run_session(BUURTKAMER, raw, out=out)
    assert code == 0 and out.read_text(encoding="utf-8") == BUURTKAMER_FILE
    assert not (raw / "buurtkamer-oost").exists()


def test_the_cli_runs_the_wizard_on_the_terminal(tmp_path, monkeypatch, capsys):
    from pipelines.cli import main

    raw = sample_without_data(tmp_path / "raw_data")
    answers = iter(BUURTKAMER)
    monkeypatch.setattr("builtins.input", lambda prompt="": (print(prompt, end=""), next(answers))[1])
    monkeypatch.setenv("COACHING_RAW_DATA", str(raw))
    assert main(["wizard"]) == 0
    assert (raw / "buurtkamer-oost" / "theory_of_change.yaml").read_text(encoding="utf-8") == BUURTKAMER_FILE
    assert "De Theory of Change staat in" in capsys.readouterr().out


def test_the_input_ending_stops_without_writing(tmp_path):
    raw = sample_without_data(tmp_path / "raw_data")

    def ask(prompt):
        raise EOFError

    said = []
    from impact.wizard import run_wizard

    assert run_wizard(ask, said.append, raw) == 1
    assert said[-1] == "Gestopt; er is niets geschreven."
