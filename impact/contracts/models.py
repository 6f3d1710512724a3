"""The contract at the door, as pandera models a coach can read (docs/raw-data-contract.md).

Each column states its type, whether it may be empty, and its allowed values or
range. ``metadata['expected']`` is the plain-words description used in
messages; ``metadata['aliases']`` lists other spellings that mean an allowed
value (``vrouw`` is ``v``). Values are coerced explicitly beforehand
(``impact.contracts.coercion``), so pandera checks types and values, and
never guesses.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from impact.contracts.context import ContractContext
from impact.instruments import REGISTRY, instrument_of_column
from impact.language import Joined, Text

from impact.contracts.vocabulary import (
    AGE_BANDS,
    GENDER_WORDS,
    GENDERS,
    COACHING_THEME_WORDS,
    COACHING_THEMES,
    SESSION_KIND_WORDS,
    SESSION_KINDS,
    WAVE_WORDS,
    WIJKEN,
)

MAX_ID_LENGTH = 64
MAX_TEXT_LENGTH = 2000
DATE_WORDS = Text("contract.date_words")


def _expected(text: Text, **extra) -> dict:
    return {"expected": text, **extra}


class Participants(pa.DataFrameModel):
    """The participant register: one row per participant of an initiative."""

    participant_id: Series[str] = pa.Field(
        str_length={"min_value": 1, "max_value": MAX_ID_LENGTH},
        metadata=_expected(Text("contract.expected.participant_code", n=MAX_ID_LENGTH)),
    )
    enrolled_on: Series[pd.Timestamp] = pa.Field(metadata=_expected(DATE_WORDS))
    wijk: Series[str] = pa.Field(
        isin=list(WIJKEN), nullable=True, metadata=_expected(Text("contract.expected.wijk", wijken=", ".join(WIJKEN)), unknown_as_empty=True)
    )
    age_band: Series[str] = pa.Field(
        isin=list(AGE_BANDS), metadata=_expected(Text("contract.expected.age_band", bands=", ".join(AGE_BANDS)))
    )
    gender: Series[str] = pa.Field(
        isin=list(GENDERS),
        nullable=True,
        metadata=_expected(Text("contract.expected.gender"), aliases=GENDER_WORDS),
    )
    left_on: Series[pd.Timestamp] = pa.Field(nullable=True, metadata=_expected(Text("contract.expected.date_or_empty", dates=DATE_WORDS)))

    class Config:
        strict = False


class Activities(pa.DataFrameModel):
    """The activity log: one row per activity held."""

    date: Series[pd.Timestamp] = pa.Field(metadata=_expected(DATE_WORDS))
    activity: Series[str] = pa.Field(
        str_length={"min_value": 1, "max_value": MAX_TEXT_LENGTH},
        metadata=_expected(Text("contract.expected.activity", n=MAX_TEXT_LENGTH), free_text=True),
    )
    attendees: Series[pd.Int64Dtype] = pa.Field(ge=0, metadata=_expected(Text("contract.expected.attendees")))
    volunteers: Series[pd.Int64Dtype] = pa.Field(
        ge=0, nullable=True, metadata=_expected(Text("contract.expected.volunteers"))
    )
    volunteer_hours: Series[float] = pa.Field(
        ge=0, nullable=True, metadata=_expected(Text("contract.expected.volunteer_hours"))
    )
    cost_eur: Series[float] = pa.Field(
        ge=0, nullable=True, metadata=_expected(Text("contract.expected.cost_eur"))
    )

    class Config:
        strict = False


class SurveyResponses(pa.DataFrameModel):
    """Survey answers: one row per participant and wave; item columns follow."""

    participant_id: Series[str] = pa.Field(
        str_length={"min_value": 1, "max_value": MAX_ID_LENGTH},
        metadata=_expected(Text("contract.expected.participant_code", n=MAX_ID_LENGTH)),
    )
    # The allowed waves come from the Theory of Change (see ``schema_for``).
    wave: Series[str] = pa.Field(
        isin=["baseline", "follow_up"], metadata=_expected(Joined(["baseline", "follow_up"], "or"), aliases=WAVE_WORDS)
    )
    responded_on: Series[pd.Timestamp] = pa.Field(metadata=_expected(DATE_WORDS))

    class Config:
        strict = False


class CoachingSessions(pa.DataFrameModel):
    """The coaching log of the whole programme."""

    # The allowed initiatives are the folders under raw_data (see ``schema_for``).
    initiative_id: Series[str] = pa.Field(metadata=_expected(Text("contract.expected.initiative_id")))
    kind: Series[str] = pa.Field(
        isin=list(SESSION_KINDS),
        metadata=_expected(Text("contract.expected.session_kind"), aliases=SESSION_KIND_WORDS),
    )
    session_no: Series[pd.Int64Dtype] = pa.Field(ge=1, metadata=_expected(Text("contract.expected.session_no")))
    date: Series[pd.Timestamp] = pa.Field(metadata=_expected(DATE_WORDS))
    theme: Series[str] = pa.Field(
        nullable=True,
        isin=list(COACHING_THEMES),
        metadata=_expected(Text("contract.expected.theme", themes=", ".join(COACHING_THEMES)), aliases=COACHING_THEME_WORDS),
    )
    topics: Series[str] = pa.Field(
        nullable=True, str_length={"max_value": MAX_TEXT_LENGTH}, metadata=_expected(Text("contract.expected.text", n=MAX_TEXT_LENGTH), free_text=True)
    )
    lessons: Series[str] = pa.Field(
        nullable=True, str_length={"max_value": MAX_TEXT_LENGTH}, metadata=_expected(Text("contract.expected.text", n=MAX_TEXT_LENGTH), free_text=True)
    )
    actions: Series[str] = pa.Field(
        nullable=True, str_length={"max_value": MAX_TEXT_LENGTH}, metadata=_expected(Text("contract.expected.text", n=MAX_TEXT_LENGTH), free_text=True)
    )

    class Config:
        strict = False


MODELS: dict[str, type[pa.DataFrameModel]] = {
    "participants": Participants,
    "activities": Activities,
    "survey": SurveyResponses,
    "coaching_sessions": CoachingSessions,
}

# Columns a table must have (the others may be absent and are then empty).
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "participants": ("participant_id", "enrolled_on", "wijk", "age_band"),
    "activities": ("date", "activity", "attendees"),
    "survey": ("participant_id", "wave", "responded_on"),
    "coaching_sessions": ("initiative_id", "kind", "session_no", "date"),
}


BINARY_WORDS = {"ja": 1, "nee": 0, "yes": 1, "no": 0, "waar": 1, "onwaar": 0, "true": 1, "false": 0}


def expected_answers(inst) -> Text:
    """What an item of a registered instrument accepts: its codes, and its answer words where it has them."""
    if inst.answers_in_words:
        return Text("contract.expected.codes_or_words", min=inst.min_code, max=inst.max_code,
                    words=Text(f"contract.answers.{inst.id}"))
    return Text("contract.expected.codes", min=inst.min_code, max=inst.max_code)


def _number(x: float) -> str:
    return f"{x:g}"


def item_column(column: str, context: ContractContext) -> pa.Column | None:
    """The contract of one survey item column: a registered instrument's item or a custom outcome."""
    instrument = instrument_of_column(column)
    if instrument:
        inst = REGISTRY[instrument]
        return pa.Column(
            float,
            checks=pa.Check.in_range(inst.min_code, inst.max_code),
            nullable=True,
            required=False,
            metadata={"expected": expected_answers(inst), "answers": inst.answer_words, "whole": True, "item_of": inst.id},
        )
    custom = next((c for c in context.custom_outcomes if c.id == column), None)
    if custom is None:
        return None
    unit = f" ({custom.unit})" if custom.unit else ""
    if custom.type == "binary":
        meta = {"expected": Text("contract.expected.binary"), "answers": BINARY_WORDS, "whole": True}
        return pa.Column(float, checks=pa.Check.isin([0.0, 1.0]), nullable=True, required=False, metadata={**meta, "item_of": column})
    whole = custom.type == "ordinal"
    expected = Text("contract.expected.whole_range" if whole else "contract.expected.number_range",
                    min=_number(custom.min), max=_number(custom.max), unit=unit)
    meta = {"expected": expected, "whole": whole, "item_of": column}
    return pa.Column(float, checks=pa.Check.in_range(custom.min, custom.max), nullable=True, required=False, metadata=meta)


def schema_for(kind: str, context: ContractContext | None = None, header: list[str] | None = None) -> pa.DataFrameSchema:
    """The pandera schema of a table, with what depends on the raw data: waves, initiatives, item columns."""
    context = context or ContractContext()
    schema = MODELS[kind].to_schema()
    if kind == "survey":
        waves = list(context.waves)
        col = schema.columns["wave"]
        schema = schema.update_column("wave", checks=[pa.Check.isin(waves)], metadata={**col.metadata, "expected": Joined(waves, "or")})
        items = {c: item_column(c, context) for c in header or ()}
        schema = schema.add_columns({c: col for c, col in items.items() if col is not None})
    if kind == "coaching_sessions" and context.initiative_ids is not None:
        schema = schema.update_column("initiative_id", checks=[pa.Check.isin(["all", *context.initiative_ids])])
    return schema
