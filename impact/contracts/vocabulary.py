"""Allowed values of the raw-data contract (docs/raw-data-contract.md)."""

from __future__ import annotations

# Utrecht's ten districts (wijken).
WIJKEN: tuple[str, ...] = (
    "Binnenstad",
    "Oost",
    "Leidsche Rijn",
    "West",
    "Overvecht",
    "Zuid",
    "Noordoost",
    "Zuidwest",
    "Noordwest",
    "Vleuten-De Meern",
)

AGE_BANDS: tuple[str, ...] = ("0-11", "12-17", "18-29", "30-44", "45-64", "65-74", "75+")

# v = vrouw (woman), m = man, x = another or undisclosed gender.
GENDERS: tuple[str, ...] = ("v", "m", "x")
GENDER_WORDS: dict[str, str] = {
    "vrouw": "v",
    "female": "v",
    "f": "v",
    "w": "v",
    "man": "m",
    "male": "m",
    "anders": "x",
    "other": "x",
    "non-binair": "x",
    "non-binary": "x",
}

WAVE_WORDS: dict[str, str] = {
    "follow-up": "follow_up",
    "follow up": "follow_up",
    "followup": "follow_up",
    "nameting": "follow_up",
    "voormeting": "baseline",
    "nulmeting": "baseline",
}

SESSION_KINDS: tuple[str, ...] = ("plenary", "one_to_one", "closing")
SESSION_KIND_WORDS: dict[str, str] = {
    "plenair": "plenary",
    "one-to-one": "one_to_one",
    "een-op-een": "one_to_one",
    "één-op-één": "one_to_one",
    "afsluiting": "closing",
    "slotbijeenkomst": "closing",
}

# The coaching themes of the programme, in the order the year works through them.
COACHING_THEMES: tuple[str, ...] = ("impact_definition", "data_collection", "analysis", "reporting", "improvement")
COACHING_THEME_WORDS: dict[str, str] = {
    "impactdefinitie": "impact_definition",
    "theory of change": "impact_definition",
    "dataverzameling": "data_collection",
    "analyse": "analysis",
    "rapportage": "reporting",
    "verbeteren": "improvement",
    "verbetering": "improvement",
}
