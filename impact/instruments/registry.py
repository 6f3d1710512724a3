"""The instrument registry: what each registered instrument's survey columns may hold.

Answer codes are the project's raw-data codes (what coaches type or what a
survey tool exports); words in Dutch or English map onto them. Sources:

- De Jong Gierveld, J. & Van Tilburg, T. (2008). *De ingekorte schaal voor algemene,
  emotionele en sociale eenzaamheid*. Tijdschrift voor Gerontologie en Geriatrie 39, 4–15;
  and the 11-item manual: De Jong Gierveld & Van Tilburg (1999), *Manual of the
  Loneliness Scale*, VU University Amsterdam.
- Rosenberg, M. (1965). *Society and the adolescent self-image*. Princeton University Press.
- World Health Organization (1998). *Wellbeing measures in primary health care: the
  DepCare project* (WHO-5); Topp et al. (2015), Psychother Psychosom 84, 167–176.
- Participatieladder: Movisie / Divosa (2010), *Participatieladder, meetinstrument voor de
  participatie van burgers*.
- Zelfredzaamheid-Matrix (ZRM): GGD Amsterdam (2017), *Zelfredzaamheid-Matrix 2017*.

Published Dutch reference values (:data:`REFERENCES`), shown beside an initiative's baseline:

- GGD'en, CBS en RIVM, *Gezondheidsmonitor Volwassenen en Ouderen 2016*, as published on
  Volksgezondheidenzorg.info (RIVM), *Eenzaamheid, cijfers & context, huidige situatie*; the scale's
  categories on Volksgezondheidenzorg.info, *Eenzaamheid, verantwoording, methoden*.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-"})


def fold(text: str) -> str:
    """How answers and categories are compared: trimmed, case-folded, one kind of space and dash."""
    return " ".join(str(text).replace("\u00a0", " ").translate(_DASHES).casefold().split())


@dataclass(frozen=True)
class Instrument:
    """One registered instrument: its items, the answers they accept, and how it is scored.

    ``reversed_items`` are scored the other way round (for De Jong Gierveld: the
    positively worded items, which count as lonely for "nee" or "min of meer").
    ``max_missing`` is how many items may be unanswered for a total (None: no
    total). ``categories`` describes the cut-off categories in words; the
    scoring itself is in ``impact.instruments.scoring``. ``score_scale`` is the
    lowest and highest score the scoring can give (per domain for a profile):
    the axis a report's chart of the score runs along.
    """

    id: str
    name: str
    source: str
    items: tuple[str, ...]
    min_code: int
    max_code: int
    answer_words: dict[str, int] = field(default_factory=dict)
    answers_in_words: str = ""
    reversed_items: tuple[int, ...] = ()
    subscales: dict[str, tuple[int, ...]] = field(default_factory=dict)
    max_missing: int | None = None
    higher_is_better: bool = True
    scoring: str = ""
    categories: str = ""
    score_scale: tuple[float, float] | None = None
    #: One answer word per code (``codes`` order) per language: the words a data-collection kit's drop-down
    #: offers (``impact.kit``); each is one of ``answer_words``. Empty for an instrument answered in codes.
    answer_labels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: The instrument's own published item wording per language, one text per item, only where its licence
    #: allows printing it and the wording was read in a published source (docs/data-collection-kit.md).
    wording: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: What may be done with the instrument: ``free`` (free to use, no permission needed), ``public_domain``,
    #: ``licensed`` (its owner licenses it); None where that is not established.
    licence: str | None = None
    #: Where the instrument (its wording, manual, licence) can be found.
    source_url: str | None = None

    def __post_init__(self) -> None:
        for language, labels in self.answer_labels.items():
            if len(labels) != len(self.codes) or any(self.answer_words.get(fold(w)) != c for w, c in zip(labels, self.codes)):
                raise ValueError(f"{self.id}: answer_labels[{language!r}] must give one answer word per code, in code order")
        for language, texts in self.wording.items():
            if len(texts) != len(self.items):
                raise ValueError(f"{self.id}: wording[{language!r}] must give one text per item")
        if self.licence not in (None, *LICENCES):
            raise ValueError(f"{self.id}: licence must be one of {LICENCES} or None")

    @property
    def codes(self) -> tuple[int, ...]:
        return tuple(range(self.min_code, self.max_code + 1))

    def expected(self) -> str:
        codes = f"a whole number from {self.min_code} to {self.max_code}"
        return f"{codes} or {self.answers_in_words}" if self.answers_in_words else codes


#: What the registry may say about an instrument's licence (``Instrument.licence``).
LICENCES = ("free", "public_domain", "licensed")


def _numbered(prefix: str, n: int) -> tuple[str, ...]:
    return tuple(f"{prefix}_{i}" for i in range(1, n + 1))


DJG_WORDS = {"nee": 1, "no": 1, "min of meer": 2, "more or less": 2, "ja": 3, "yes": 3}
RSES_WORDS = {
    "helemaal oneens": 1, "strongly disagree": 1,
    "oneens": 2, "mee oneens": 2, "disagree": 2,
    "eens": 3, "mee eens": 3, "agree": 3,
    "helemaal eens": 4, "helemaal mee eens": 4, "strongly agree": 4,
}
WHO5_WORDS = {
    "de hele tijd": 5, "altijd": 5, "all of the time": 5,
    "meestal": 4, "most of the time": 4,
    "meer dan de helft van de tijd": 3, "more than half of the time": 3,
    "minder dan de helft van de tijd": 2, "less than half of the time": 2,
    "af en toe": 1, "some of the time": 1,
    "op geen enkel moment": 0, "nooit": 0, "at no time": 0,
}
ZRM_WORDS = {
    "acute problematiek": 1, "acute problems": 1,
    "niet zelfredzaam": 2, "not self-sufficient": 2,
    "beperkt zelfredzaam": 3, "limited self-sufficiency": 3,
    "voldoende zelfredzaam": 4, "sufficiently self-sufficient": 4,
    "volledig zelfredzaam": 5, "completely self-sufficient": 5,
}
ZRM_DOMAINS = (
    "financien", "dagbesteding", "huisvesting", "huiselijke_relaties", "geestelijke_gezondheid",
    "lichamelijke_gezondheid", "verslaving", "adl", "sociaal_netwerk", "maatschappelijke_participatie",
    "justitie", "opvoeding", "middelengebruik",
)

DJG_LABELS = {"nl": ("nee", "min of meer", "ja"), "en": ("no", "more or less", "yes")}
#: The 11 items of the De Jong Gierveld scale in Dutch, as published and widely reproduced (e.g. oogvooreenzaamheid.be,
#: *Eenzaamheid meten*; CBS prints the six short-scale items in the same words), and in the English of the manual
#: (De Jong Gierveld & Van Tilburg 1999). The scale is free to use (docs/data-collection-kit.md).
DJG11_NL = (
    "Er is altijd wel iemand in mijn omgeving bij wie ik met mijn dagelijkse probleempjes terecht kan.",
    "Ik mis een echt goede vriend of vriendin.",
    "Ik ervaar een leegte om me heen.",
    "Er zijn genoeg mensen op wie ik in geval van narigheid kan terugvallen.",
    "Ik mis gezelligheid om me heen.",
    "Ik vind mijn kring van kennissen te beperkt.",
    "Ik heb veel mensen op wie ik volledig kan vertrouwen.",
    "Er zijn voldoende mensen met wie ik me nauw verbonden voel.",
    "Ik mis mensen om me heen.",
    "Vaak voel ik me in de steek gelaten.",
    "Wanneer ik daar behoefte aan heb, kan ik altijd bij mijn vrienden terecht.",
)
DJG11_EN = (
    "There is always someone I can talk to about my day-to-day problems.",
    "I miss having a really close friend.",
    "I experience a general sense of emptiness.",
    "There are plenty of people I can lean on when I have problems.",
    "I miss the pleasure of the company of others.",
    "I find my circle of friends and acquaintances too limited.",
    "There are many people I can trust completely.",
    "There are enough people I feel close to.",
    "I miss having people around.",
    "I often feel rejected.",
    "I can call on my friends whenever I need them.",
)
#: The short scale in the registry's order: the three emotional (negatively worded) items, then the three social
#: (positively worded) ones; the Dutch texts are those of the 11-item scale (items 3, 9, 10, 4, 7, 8).
DJG6_NL = tuple(DJG11_NL[i - 1] for i in (3, 9, 10, 4, 7, 8))
DJG6_EN = (
    "I experience a general sense of emptiness.",
    "I miss having people around.",
    "I often feel rejected.",
    "There are plenty of people I can rely on when I have problems.",
    "There are many people I can trust completely.",
    "There are enough people I feel close to.",
)
RSES_EN = (
    "On the whole, I am satisfied with myself.",
    "At times I think I am no good at all.",
    "I feel that I have a number of good qualities.",
    "I am able to do things as well as most other people.",
    "I feel I do not have much to be proud of.",
    "I certainly feel useless at times.",
    "I feel that I'm a person of worth, at least on an equal plane with others.",
    "I wish I could have more respect for myself.",
    "All in all, I am inclined to feel that I am a failure.",
    "I take a positive attitude toward myself.",
)
WHO5_EN = (
    "I have felt cheerful and in good spirits.",
    "I have felt calm and relaxed.",
    "I have felt active and vigorous.",
    "I woke up feeling fresh and rested.",
    "My daily life has been filled with things that interest me.",
)

REGISTRY: dict[str, Instrument] = {
    i.id: i
    for i in (
        Instrument(
            "djg11", "De Jong Gierveld loneliness scale (11 items)",
            "De Jong Gierveld & Van Tilburg (1999), Manual of the Loneliness Scale",
            _numbered("djg11", 11), 1, 3, DJG_WORDS, "nee, min of meer, ja (no, more or less, yes)",
            reversed_items=(1, 4, 7, 8, 11), subscales={"emotional": (2, 3, 5, 6, 9, 10), "social": (1, 4, 7, 8, 11)},
            max_missing=0, higher_is_better=False,
            scoring="count of lonely answers, 0-11: 'ja' or 'min of meer' on items 2, 3, 5, 6, 9, 10; 'nee' or 'min of meer' on items 1, 4, 7, 8, 11",
            categories="0-2 not lonely, 3-8 moderately, 9-10 severely, 11 very severely lonely",
            score_scale=(0, 11),
            answer_labels=DJG_LABELS, wording={"nl": DJG11_NL, "en": DJG11_EN}, licence="free",
        ),
        Instrument(
            "djg6", "De Jong Gierveld loneliness scale, short (6 items)",
            "De Jong Gierveld & Van Tilburg (2008), Tijdschrift voor Gerontologie en Geriatrie 39, 4–15",
            _numbered("djg6", 6), 1, 3, DJG_WORDS, "nee, min of meer, ja (no, more or less, yes)",
            reversed_items=(4, 5, 6), subscales={"emotional": (1, 2, 3), "social": (4, 5, 6)},
            max_missing=1, higher_is_better=False,
            scoring="count of lonely answers, 0-6: 'ja' or 'min of meer' on items 1-3; 'nee' or 'min of meer' on items 4-6",
            categories="0-1 not lonely, 2-4 moderately, 5-6 severely lonely",
            score_scale=(0, 6),
            answer_labels=DJG_LABELS, wording={"nl": DJG6_NL, "en": DJG6_EN}, licence="free",
            source_url="https://tvgg-archief.nl/artikelen/de-ingekorte-schaal-voor-algemene-emotionele-en-sociale-eenzaamheid/",
        ),
        Instrument(
            "rses", "Rosenberg self-esteem scale",
            "Rosenberg (1965), Society and the adolescent self-image",
            _numbered("rses", 10), 1, 4, RSES_WORDS,
            "helemaal oneens, oneens, eens, helemaal eens (strongly disagree … strongly agree)",
            reversed_items=(2, 5, 6, 8, 9), max_missing=1,
            scoring="items 0-3 (reversed items 3-0), total 0-30; one missing item is prorated",
            categories="below 15 low, 15-25 normal, above 25 high self-esteem",
            score_scale=(0, 30),
            answer_labels={"nl": ("helemaal oneens", "oneens", "eens", "helemaal eens"),
                           "en": ("strongly disagree", "disagree", "agree", "strongly agree")},
            wording={"en": RSES_EN}, licence="free",
            source_url="https://socy.umd.edu/about-us/using-rosenberg-self-esteem-scale",
        ),
        Instrument(
            "who5", "WHO-5 well-being index",
            "WHO (1998); Topp et al. (2015), Psychother Psychosom 84, 167–176",
            _numbered("who5", 5), 0, 5, WHO5_WORDS, "op geen enkel moment … de hele tijd (at no time … all of the time)",
            max_missing=1,
            scoring="raw total 0-25, reported x4 as 0-100; one missing item is prorated; a change of 10 (0-100) is meaningful",
            categories="raw below 13 (below 52 of 100) poor well-being",
            score_scale=(0, 100),
            answer_labels={"nl": ("op geen enkel moment", "af en toe", "minder dan de helft van de tijd",
                                  "meer dan de helft van de tijd", "meestal", "de hele tijd"),
                           "en": ("at no time", "some of the time", "less than half of the time",
                                  "more than half of the time", "most of the time", "all of the time")},
            wording={"en": WHO5_EN}, licence="free",
            source_url="https://www.psykiatri-regionh.dk/who-5/",
        ),
        Instrument(
            "life_satisfaction", "Life satisfaction (rapportcijfer)",
            "CBS, Sociale samenhang en welzijn: rapportcijfer 1–10 voor het eigen leven",
            ("life_satisfaction",), 1, 10, scoring="the grade itself", score_scale=(1, 10),
        ),
        Instrument(
            "participation_ladder", "Participatieladder",
            "Movisie / Divosa (2010), Participatieladder",
            ("participation_ladder",), 1, 6, scoring="the rung (ordinal)",
            categories="1 isolated … 6 paid work",
            score_scale=(1, 6),
        ),
        Instrument(
            "zrm", "Zelfredzaamheid-Matrix",
            "GGD Amsterdam (2017), Zelfredzaamheid-Matrix 2017",
            tuple(f"zrm_{d}" for d in ZRM_DOMAINS), 1, 5, ZRM_WORDS,
            "acute problematiek, niet, beperkt, voldoende or volledig zelfredzaam",
            scoring="a profile: one score per domain, no total",
            categories="1 acute problems … 5 completely self-sufficient",
            score_scale=(1, 5),
            answer_labels={"nl": ("acute problematiek", "niet zelfredzaam", "beperkt zelfredzaam",
                                  "voldoende zelfredzaam", "volledig zelfredzaam"),
                           "en": ("acute problems", "not self-sufficient", "limited self-sufficiency",
                                  "sufficiently self-sufficient", "completely self-sufficient")},
            licence="licensed", source_url="https://www.zelfredzaamheidmatrix.nl/",
        ),
    )
}

REGISTERED_INSTRUMENTS: tuple[str, ...] = tuple(REGISTRY)

#: What a reference value states: the share of a population scoring ``cut_off`` or more, or its mean score.
REFERENCE_STATISTICS = ("share_at_least", "mean")


@dataclass(frozen=True)
class ReferenceValue:
    """A published Dutch population figure on an instrument's own scale and statistic.

    ``statistic`` is ``"share_at_least"`` (``value`` is the share, 0-1, of the population scoring ``cut_off``
    or more on the instrument's score) or ``"mean"`` (``value`` is the mean score on the instrument's scale; no
    cut-off). A report sets a share beside the initiative's baseline share at the same cut-off, computed from
    its own baseline scores, and a mean beside its baseline mean: never a share beside a mean. ``category``
    and ``population`` name the words the report catalogues hold for what the share counts
    (``reference.category.<category>``) and who was measured (``reference.population.<population>``);
    ``citation`` is publisher and title as printed (the same in every language), ``url`` the page the figure
    was read on and ``quote`` the sentence it was read in.
    """

    instrument: str
    statistic: str
    value: float
    cut_off: float | None
    category: str
    population: str
    year: int
    citation: str
    url: str
    quote: str

    def __post_init__(self) -> None:
        if self.instrument not in REGISTRY:
            raise ValueError(f"reference value for an unregistered instrument {self.instrument!r}")
        if self.statistic not in REFERENCE_STATISTICS:
            raise ValueError(f"reference statistic must be one of {REFERENCE_STATISTICS}, not {self.statistic!r}")
        if self.statistic == "share_at_least":
            if self.cut_off is None or not 0 <= self.value <= 1:
                raise ValueError("a reference share needs a cut-off and a value from 0 to 1")
        elif self.cut_off is not None:
            raise ValueError("a reference mean has no cut-off")
        scale = REGISTRY[self.instrument].score_scale
        for number in (self.cut_off,) if self.statistic == "share_at_least" else (self.value,):
            if scale is not None and not scale[0] <= number <= scale[1]:
                raise ValueError(f"{number} lies outside the score scale {scale} of {self.instrument}")


_GEZONDHEIDSMONITOR_2016 = "GGD’en, CBS en RIVM, Gezondheidsmonitor Volwassenen en Ouderen 2016"
_EENZAAMHEID_NU = "https://www.volksgezondheidenzorg.info/onderwerp/eenzaamheid/cijfers-context/huidige-situatie"

#: Every registered reference value, in the order a report lists them. Only figures read in a published
#: source, on the same scale and statistic as the report shows (docs/instruments.md, "Reference values").
REFERENCES: tuple[ReferenceValue, ...] = (
    ReferenceValue(
        "djg11", "share_at_least", 0.43, 3, "djg11_lonely", "nl_19_plus", 2016, _GEZONDHEIDSMONITOR_2016, _EENZAAMHEID_NU,
        "In 2016 gaf 43% van de volwassen bevolking (19 jaar en ouder) aan eenzaam te zijn.",
    ),
    ReferenceValue(
        "djg11", "share_at_least", 0.10, 9, "djg11_severely_lonely", "nl_19_plus", 2016, _GEZONDHEIDSMONITOR_2016,
        _EENZAAMHEID_NU,
        "Van de volwassen bevolking is 33% matig eenzaam en 10% voelt zich ernstig of zeer ernstig eenzaam.",
    ),
)


def references_of(instrument: str | None) -> tuple[ReferenceValue, ...]:
    """The registered reference values of an instrument (none for a custom outcome or an unknown id)."""
    return tuple(r for r in REFERENCES if r.instrument == instrument)
_COLUMN_OWNER = {item: inst.id for inst in REGISTRY.values() for item in inst.items}
_LOOKS_LIKE_ITEM = re.compile(r"^(djg11|djg6|rses|who5|zrm)_[a-z0-9_]+$")


def instrument_of_column(column: str) -> str | None:
    """The registered instrument a survey column belongs to, or None."""
    return _COLUMN_OWNER.get(column)


def looks_like_item_of(column: str) -> str | None:
    """An instrument whose prefix the column carries although it is no item (``rses_11``)."""
    m = _LOOKS_LIKE_ITEM.match(column)
    return m.group(1) if m and column not in _COLUMN_OWNER else None
