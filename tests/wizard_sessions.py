"""Scripted sessions of the impact wizard (impact/wizard/), shared by the unit and integration lanes."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

#: Buurtkamer Oost, in Dutch: loneliness (De Jong Gierveld 11, proposed from 'eenzaam'), a custom numeric
#: network size, the participation ladder without a hypothesis; a bad target and a re-ask on the way.
BUURTKAMER = [
    "Buurtkamer Oost", "", "1", "Ouderen in Oost zitten veel alleen thuis.", "Bewoners van 65 jaar en ouder in Oost",
    "Wekelijkse koffieochtend", "Samen koken", "",
    # outputs: label, target (a word first: asked again), measure (Enter: the proposal)
    "Deelnemers bereikt", "vijftig", "50", "", "Koffieochtenden", "45", "", "",
    # outcomes
    "Deelnemers voelen zich minder eenzaam", "", "",
    "Meer mensen om op terug te vallen", "", "Sociaal netwerk", "", "1", "0", "30", "personen", "",
    "Meer meedoen in de wijk", "", "",
    "",
    "Een buurt waar ouderen elkaar kennen en op elkaar kunnen rekenen.",
    # hypotheses: test?, direction, statement, accept test, sides, primary
    "", "", "", "", "", "",
    "", "", "", "", "", "",
    "nee",
    # sample size: attrition; H1 change and SD (Enter: the programme's default); H2 change and SD
    "30%",
    "1", "",
    "2", "4",
]


class Script:
    """``ask`` answers from a list (and records the dialogue); ``say`` records what the wizard says."""

    def __init__(self, answers: Iterable[str]):
        self.answers = list(answers)
        self.lines: list[str] = []

    def ask(self, prompt: str) -> str:
        if not self.answers:
            raise AssertionError("the wizard asked more than the script answers:\n" + self.transcript())
        answer = self.answers.pop(0)
        self.lines.append(prompt + answer)
        return answer

    def say(self, text: str) -> None:
        self.lines.append(text)

    def transcript(self) -> str:
        return "\n".join(self.lines)


def run_session(answers: list[str], raw_data: Path, language: str = "nl", **options) -> tuple[int, Script]:
    from impact.wizard import run_wizard

    script = Script(answers)
    code = run_wizard(script.ask, script.say, raw_data, language, **options)
    assert not script.answers, f"answers left over: {script.answers}\n{script.transcript()}"
    return code, script


def sample_without_data(target: Path) -> Path:
    """The sample year's programme.yaml and Theories of Change, without the drops (for the Holm family)."""
    import shutil

    from tests.conftest import SAMPLE_RAW_DATA

    shutil.copytree(SAMPLE_RAW_DATA, target, ignore=shutil.ignore_patterns("*.csv", "*.xlsx", "stories*"))
    return target


#: Werkplaats West, in English: a binary custom outcome (McNemar, one-sided), the short De Jong Gierveld scale
#: chosen instead of the proposed 11-item one (Wilcoxon), a Self-Sufficiency Matrix without a hypothesis.
WERKPLAATS = [
    "Werkplaats West", "", "2", "Young people in West find no way into work.", "Young people aged 18 to 27 in West",
    "Job coaching", "",
    "",
    "Participants find paid work", "no", "custom", "Paid work", "", "3", "",
    "Less lonely", "no", "2", "",
    "More self-reliant", "", "",
    "",
    "Young people find lasting work.",
    "", "", "", "", "2", "",
    "", "", "Participants feel less lonely after a year", "", "", "yes",
    "0,25",
    "20", "10%", "30%",
    "1", "",
]
