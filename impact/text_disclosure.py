"""Small groups of people named in free text (the coaching log), found before the text is published.

The reports mask every count of people below the disclosure threshold, but a coach's note can undo that:
"Slechts zeven bewoners hebben zowel een nul- als een nameting" states a masked number of pairs, "vier op
de tien hebben nu betaald werk" a share of a masked group. :func:`small_counts` finds, in Dutch (and
English) text:

- a count of people below the threshold, in digits or in words ("7 deelnemers", "zeven oudere bewoners",
  "twee van hen"): a number followed, within three words, by a word for people;
- a number of people that the report masks (``hidden``), however large;
- a share of a group stated as a fraction ("vier op de tien", "drie van de vijf", "een derde van de
  vrouwen"), which with the group's size gives a count back.

Numbers that are not counts of people are left alone: dates, times, scale points and ranges ("schaal 1–10",
"0 tot 30 personen" is a range, not a count), session numbers, items ("6 items"), "één-op-één". Words for
people are those that can stand for participants; volunteers, coaches and teachers are not data subjects
and are not counted.

Pure functions; :mod:`impact.quality.rules` lists the findings on the data-quality page and the reports
leave such text out (:func:`impact.reporting.sentences.publishable_text`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

#: Dutch and English number words (one to twenty, the tens, and "honderd"). "een"/"a" are left out: they
#: are also the article ("een deelnemer" is not a count a reader would take as one).
NUMBER_WORDS = {
    "één": 1, "eén": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8,
    "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15,
    "zestien": 16, "zeventien": 17, "achttien": 18, "negentien": 19, "twintig": 20, "dertig": 30,
    "veertig": 40, "vijftig": 50, "zestig": 60, "zeventig": 70, "tachtig": 80, "negentig": 90, "honderd": 100,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
}
#: Fractions that name a share of a group in words.
FRACTION_WORDS = ("een derde", "twee derde", "een kwart", "drie kwart", "de helft", "one third", "two thirds",
                  "a quarter", "three quarters", "half of")
#: Words for people who can be participants (Dutch, English), singular and plural, on lower case. Whole
#: words only: "deelnemerslijst" or "leerlingenpanel" is not a group of people.
PEOPLE_WORDS = frozenset("""
    deelnemer deelnemers deelneemster deelneemsters bewoner bewoners buurtbewoner buurtbewoners mens mensen
    persoon personen jongere jongeren oudere ouderen senior senioren kind kinderen leerling leerlingen cliënt
    cliënten client clienten klant klanten bezoeker bezoekers vrouw vrouwen man mannen moeder moeders vader
    vaders ouder ouders gezin gezinnen huishouden huishoudens respondent respondenten cursist cursisten
    kandidaat kandidaten werkzoekende werkzoekenden statushouder statushouders nieuwkomer nieuwkomers
    aanmelding aanmeldingen nulmeting nulmetingen nameting nametingen meting metingen paar paren
    participant participants people person persons resident residents clients pupil pupils child children
    woman women men respondents
""".split())
#: Words for people that also name a wave of the survey: after an article ("de twee metingen") they count waves.
WAVE_WORDS = frozenset({"nulmeting", "nulmetingen", "nameting", "nametingen", "meting", "metingen"})
#: "twee van hen", "two of them": a count of people without a noun
PRONOUN_AFTER = {("van", "hen"), ("of", "them"), ("van", "hun")}
_TOKEN = re.compile(r"[0-9]+(?:[.,][0-9]+)?|[A-Za-zÀ-ÿ]+(?:-[A-Za-zÀ-ÿ]+)*|[–\-/:%]")
_FRACTION = re.compile(
    r"\b(?P<a>[0-9]+|" + "|".join(NUMBER_WORDS) + r")\s+(?:op|van|out of|in)\s+(?:de\s+|every\s+)?"
    r"(?P<b>[0-9]+|" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)
_FRACTION_WORDS = re.compile(r"\b(?:" + "|".join(FRACTION_WORDS) + r")\s+(?:van\s+(?:de|het|hen)|of)\b",
                             re.IGNORECASE)
_WINDOW = 3   # words between a number and its noun ("zeven oudere bewoners", "12 nieuwe jonge deelnemers")


@dataclass(frozen=True)
class Finding:
    """A phrase that states a small or masked group: ``kind`` "small_count", "masked_count" or "share"."""

    phrase: str
    kind: str
    value: float | None = None


def _number(token: str) -> float | None:
    if token[0].isdigit():
        return float(token.replace(",", "."))
    return NUMBER_WORDS.get(token.lower())


def _is_people(token: str) -> bool:
    return token.lower() in PEOPLE_WORDS


def _is_adjective(token: str) -> bool:
    """A word that may stand between a number and its noun: an inflected adjective ("zeven oudere
    bewoners", "zeventig ingevulde nulmetingen"), which in Dutch ends in -e; English ones are listed."""
    word = token.lower()
    return (word.endswith("e") and not word[0].isdigit()) or word in ("new", "older", "young", "other", "more")


#: Words that name a small group without a number: "een enkeling", "een handvol bewoners", "een paar
#: deelnemers", "enkele ouders" (a few people; a reader takes them as fewer than ten).
_VAGUE = re.compile(
    r"\b(?:een\s+enkeling|enkelingen|a\s+single\s+one|een\s+handvol|a\s+handful|"
    r"(?:een\s+paar|enkele|een\s+enkele|a\s+few)\s+(?:[A-Za-zÀ-ÿ]+e\s+)?(?:" + "|".join(sorted(PEOPLE_WORDS)) + r"))\b",
    re.IGNORECASE)
#: The end of a sentence, where a text is split to leave out the sentences that name a small group.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def redact(text: str, findings: Iterable[Finding], mark: str = "(…)") -> str:
    """``text`` with every sentence that holds a finding replaced by ``mark``; the other sentences stay, so that
    the lesson they hold can still be read. A whole sentence, not only its number: 'één deelnemer' or 'een
    enkeling' says how many with its noun, and 'bijna × deelnemers' bounds the number."""
    phrases = [f.phrase for f in findings]
    sentences = _SENTENCE_END.split(text)
    out = [mark if any(p in s for p in phrases) else s for s in sentences]
    # a finding across two sentences (rare) is still left out: the sentences it spans go
    kept = " ".join(out)
    return kept if not any(p in kept for p in phrases) else mark


def small_counts(text: str | None, threshold: int, hidden: Iterable[float] = ()) -> list[Finding]:
    """The phrases of ``text`` that state a group of fewer than ``threshold`` people, a masked count of
    people (a value in ``hidden``) or a share of a group; [] for empty text."""
    if not isinstance(text, str) or not text:
        return []
    masked = {float(v) for v in hidden}
    found: list[Finding] = []
    for m in _FRACTION.finditer(text):
        if text[max(0, m.start() - 1):m.start()] == "-" or text[m.end():m.end() + 1] == "-":
            continue                                             # "één-op-één"
        a, b = _number(m.group("a")), _number(m.group("b"))
        if a is not None and b is not None and 0 < a <= b:
            found.append(Finding(m.group(0), "share"))
    for m in _FRACTION_WORDS.finditer(text):
        found.append(Finding(m.group(0), "share"))
    for m in _VAGUE.finditer(text):
        found.append(Finding(m.group(0), "small_count"))
    tokens = [(t.group(0), t.start(), t.end()) for t in _TOKEN.finditer(text)]
    for i, (token, start, _) in enumerate(tokens):
        value = _number(token)
        if value is None or "-" in token:
            continue
        before = tokens[i - 1][0].lower() if i else ""
        after = [t[0] for t in tokens[i + 1:i + 2 + _WINDOW]]
        if len(after) > 1 and (after[0].lower(), after[1].lower()) in PRONOUN_AFTER:
            end = tokens[i + 2][2]
            kind = "masked_count" if value in masked else "small_count" if value < threshold else None
            if kind:
                found.append(Finding(text[start:end], kind, value))
            continue
        if after and (after[0] in ("–", "-", "/", ":", "%") or after[0].lower() in ("tot", "to", "op", "van")):
            continue                                             # a range, a date, a time, a share
        if before in ("–", "-", "/", ":", "tot", "to", "schaal", "scale", "sessie", "session", "week", "dag",
                      "op", "van", "gemiddeld", "gemiddelde", "average", "mean", "mediaan", "median"):
            continue                                             # "tot 30", "sessie 2", "gemiddeld twee"
        article = before in ("de", "het", "the")  # "de twee metingen" are the waves; "de 14 deelnemers" a group
        noun = None
        for j, word in enumerate(after[:_WINDOW + 1]):
            if _is_people(word):
                noun = j
                break
            if not _is_adjective(word):
                break
        if noun is None or (article and after[noun].lower() in WAVE_WORDS):
            continue
        end = tokens[i + 1 + noun][2]
        phrase = text[start:end]
        if value in masked:
            found.append(Finding(phrase, "masked_count", value))
        elif value < threshold:
            found.append(Finding(phrase, "small_count", value))
    return sorted(set(found), key=lambda f: text.find(f.phrase))
