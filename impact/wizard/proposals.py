"""What the wizard proposes from what an initiative says: an instrument per outcome, a test per outcome.

Pure: the registry, the pipeline's own test choice and the standard library. The instrument proposal reads
the words an initiative uses for the change it expects (Dutch or English, compared as the contract compares
text: ``impact.instruments.registry.fold``) and matches whole words or word beginnings, so 'netwerk' does not
read as 'werk'. The test is the one the pipeline's ``auto`` would choose
(``impact.statistics.hypotheses.choose_test``), written out explicitly in the Theory of Change.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from impact.instruments import REGISTERED_INSTRUMENTS
from impact.instruments.registry import REGISTRY, fold
from impact.instruments.scoring import dichotomy
from impact.statistics.hypotheses import FEW_POINTS, ORDINAL_INSTRUMENTS, SCALE_POINTS, choose_test

CUSTOM = "custom"
#: The instruments a user can choose from, in the order the wizard lists them (then ``custom``).
CHOICES: tuple[str, ...] = (*REGISTERED_INSTRUMENTS, CUSTOM)
CUSTOM_TYPES = ("numeric", "ordinal", "binary")

#: Words that point at a registered instrument, in the order they are tried (the first instrument with a match
#: wins). A pattern is a regular expression matched at the start of a word of the folded text; ``\b`` closes a
#: word where the word must end there.
KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("djg11", (r"eenza", r"lonel", r"lonely", r"alleen voel", r"isolement\b", r"isolation\b")),
    ("rses", (r"eigenwaarde", r"zelfvertrouwen", r"zelfbeeld", r"zelfwaardering", r"self[- ]?esteem",
              r"self[- ]?worth", r"self[- ]?confidence", r"zelfrespect", r"self[- ]?respect")),
    ("who5", (r"welbevinden", r"welzijn", r"well[- ]?being", r"lekker in (je|hun|z'?n|haar) vel",
              r"mentale gezondheid", r"mental health", r"stemming\b", r"mood\b")),
    ("life_satisfaction", (r"tevreden", r"levenstevredenheid", r"life satisfaction", r"satisf", r"geluk",
                           r"happ", r"rapportcijfer")),
    ("participation_ladder", (r"participat", r"meedoen\b", r"mee doen\b", r"mee te doen\b", r"werk\b", r"werken\b",
                              r"baan\b", r"banen\b", r"vrijwilligerswerk", r"work\b", r"job", r"employ",
                              r"dagbesteding", r"volunteer", r"arbeidsmarkt", r"labou?r market")),
    ("zrm", (r"zelfredzaam", r"zelfredzaamheid", r"self[- ]?relian", r"self[- ]?sufficien", r"zelfstandig",
             r"independen")),
)

#: The outcome id a registered instrument's outcome gets by default (as the sample year names them).
DEFAULT_OUTCOME_ID = {
    "djg11": "loneliness", "djg6": "loneliness", "rses": "self_esteem", "who5": "wellbeing",
    "life_satisfaction": "life_satisfaction", "participation_ladder": "participation", "zrm": "self_reliance",
}


@dataclass(frozen=True)
class Proposal:
    """The proposed instrument for a described outcome and the words that led to it (None: nothing matched)."""

    instrument: str
    matched: str | None = None


def propose_instrument(text: str) -> Proposal:
    """The registered instrument the words point at, else ``custom``."""
    folded = fold(text)
    for instrument, patterns in KEYWORDS:
        for pattern in patterns:
            found = re.search(rf"(?<![\w]){pattern}", folded)
            if found:
                end = found.end() + re.search(r"\W|$", folded[found.end():]).start()  # to the end of the word
                return Proposal(instrument, folded[found.start():end])
    return Proposal(CUSTOM)


def scale(instrument: str, minimum: float | None = None, maximum: float | None = None) -> tuple[float, float]:
    """The score scale of a registered instrument, or the declared range of a custom outcome."""
    if instrument == CUSTOM:
        return float(minimum), float(maximum)
    low, high = REGISTRY[instrument].score_scale
    return float(low), float(high)


def higher_is_better(instrument: str, declared: bool | None = None) -> bool:
    return bool(declared) if instrument == CUSTOM else REGISTRY[instrument].higher_is_better


def can_be_tested(instrument: str) -> bool:
    """Whether a hypothesis may name an outcome of this instrument (not a ZRM profile: it has no total)."""
    return instrument != "zrm"


@dataclass(frozen=True)
class TestProposal:
    """The test the design implies, and why (a catalogue key under ``wizard.test_reason`` with its values)."""

    test: str
    reason: str
    points: int | None = None


def propose_test(instrument: str, outcome_type: str | None) -> TestProposal:
    """The test the pipeline's ``auto`` chooses for this outcome (never from data): McNemar for a binary outcome,
    Wilcoxon for an ordinal one or a score with at most ``FEW_POINTS`` values, else the paired t-test."""
    test, _ = choose_test("auto", instrument, outcome_type)
    if test == "mcnemar":
        return TestProposal(test, "binary")
    if test == "wilcoxon":
        if outcome_type == "ordinal" or instrument in ORDINAL_INSTRUMENTS:
            return TestProposal(test, "ordinal")
        points = SCALE_POINTS.get(instrument)
        assert points is not None and points <= FEW_POINTS
        return TestProposal(test, "few_points", points)
    return TestProposal(test, "mean")


def allowed_tests(instrument: str, outcome_type: str | None) -> tuple[str, ...]:
    """The tests the Theory of Change accepts for this outcome: McNemar only with a yes/no reading."""
    tests = ("paired_t", "wilcoxon")
    return (*tests, "mcnemar") if dichotomy(instrument, outcome_type) is not None else tests


def expected_direction(better_is_higher: bool, improves: bool = True) -> str:
    """``increase`` or ``decrease``: the way the score moves when the outcome improves (or worsens)."""
    return "increase" if better_is_higher == improves else "decrease"


def one_sided(direction: str) -> str:
    """The one-sided alternative that looks the way of the direction (about follow-up − baseline)."""
    return "greater" if direction == "increase" else "less"


_NOT_WORD = re.compile(r"[^a-z0-9]+")


def ascii_words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return [w for w in _NOT_WORD.split(plain) if w]


def slug(text: str, fallback: str = "initiatief") -> str:
    """An initiative id from a name: 'Buurtkamer Oost' → 'buurtkamer-oost' (lowercase letters, digits, hyphens)."""
    return "-".join(ascii_words(text)) or fallback


def snake(text: str, taken: set[str] | frozenset[str] = frozenset(), fallback: str = "outcome") -> str:
    """An id for an output or outcome: 'Vrouwen bereikt' → 'vrouwen_bereikt', starting with a letter, unique among
    ``taken`` (a suffix _2, _3, … where needed)."""
    base = "_".join(ascii_words(text))[:40].strip("_") or fallback
    if not base[0].isalpha():
        base = f"{fallback}_{base}"
    name, i = base, 2
    while name in taken:
        name, i = f"{base}_{i}", i + 1
    return name
