"""What an initiative's data-collection kit holds, worked out from its Theory of Change (no files yet).

Every column of a kit workbook is a column of the raw-data contract (``impact.contracts.models``): its header is
the contract's name, so a filled-in workbook is a drop the pipeline reads as it is. The values a drop-down offers
are values the contract accepts: the wijken, age bands and gender codes of ``impact.contracts.vocabulary``, the
waves of the Theory of Change, the Dutch (or English) answer words of each registered instrument
(``Instrument.answer_labels``), and for a custom outcome its codes or ja/nee. The texts for people come from the
catalogue (``impact/language/locale/<language>/kit.yaml``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from impact.contracts.models import BINARY_WORDS
from impact.contracts.vocabulary import AGE_BANDS, GENDERS, WIJKEN
from impact.instruments.registry import REGISTRY, Instrument, fold
from impact.language import Translator
from impact.theory_of_change import Outcome, TheoryOfChange

#: The columns of each kind, in the order the workbook shows them: every column of the contract.
PARTICIPANT_COLUMNS = ("participant_id", "enrolled_on", "wijk", "age_band", "gender", "left_on")
ACTIVITY_COLUMNS = ("date", "activity", "attendees", "volunteers", "volunteer_hours", "cost_eur")
SURVEY_COLUMNS = ("participant_id", "wave", "responded_on")

#: How many rows of a kit workbook are made ready (date format, drop-downs): a year of an initiative's data.
READY_ROWS = {"participants": 500, "activities": 500, "survey": 400}

#: Largest number of codes a custom ordinal outcome offers as a drop-down (more: a whole number in its range).
MAX_LISTED_CODES = 11


@dataclass(frozen=True)
class Column:
    """One column of a kit workbook.

    ``kind``: ``text``, ``code`` (a participant code), ``date``, ``whole`` or ``number`` (with ``minimum`` and
    ``maximum``), ``list`` (only ``choices``) or ``suggestions`` (``choices`` offered, another value allowed
    with a warning). ``choices`` are what the drop-down offers, exactly as a cell may hold them.
    """

    name: str
    kind: str
    explanation: str
    allowed: str
    required: bool = False
    choices: tuple = ()
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Question:
    """One question of a printed questionnaire: its column, number, text (None: not printed) and answers."""

    column: str
    number: str
    text: str | None
    answers: tuple[str, ...]
    write_in: str | None = None  # instead of answers: what to write (a number from 1 to 10)


@dataclass(frozen=True)
class Part:
    """The questions of one outcome on the printed questionnaire."""

    outcome_id: str
    title: str
    instrument: str
    intro: str
    questions: tuple[Question, ...]
    printed: bool  # the instrument's own wording is printed
    note: str | None = None  # why the wording is not printed, and where it is

    @property
    def layout(self) -> str:
        """``table`` (one row per question, a box per answer), ``list`` (each answer on its own line: long answers,
        such as the Participatieladder's rungs) or ``write_in`` (a number to write)."""
        if any(q.write_in for q in self.questions):
            return "write_in"
        if max(len(a) for q in self.questions for a in q.answers) > 32:
            return "list"
        return "table"


def code_prefix(toc: TheoryOfChange) -> str:
    """The letters a participant code starts with: the initials of the initiative's name (``Sociale Supermarkt``:
    SS), or the first three letters of a one-word name (``Zorgverslimming``: ZOR); at most four letters."""
    plain = unicodedata.normalize("NFKD", toc.name).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[A-Za-z]+", plain) or re.findall(r"[a-z]+", toc.id) or ["P"]
    letters = "".join(w[0] for w in words) if len(words) > 1 else words[0][:3]
    return letters.upper()[:4]


def example_codes(toc: TheoryOfChange) -> tuple[str, str]:
    prefix = code_prefix(toc)
    return f"{prefix}-0001", f"{prefix}-0002"


def activity_names(toc: TheoryOfChange) -> tuple[str, ...]:
    """The activity names the log's drop-down offers: first the names the outputs count (as the log must write
    them, ``Winkel open``), then the Theory of Change's activities; each name once (compared as the pipeline
    compares them)."""
    names: list[str] = []
    for output in toc.outputs:
        names.extend(output.activities or ())
    names.extend(toc.activities)
    seen: set[str] = set()
    out = []
    for name in names:
        if fold(name) not in seen:
            seen.add(fold(name))
            out.append(str(name).strip())
    return tuple(out)


def wave_label(wave: str, tr: Translator) -> str:
    return tr.t(f"wave.{wave}") if tr.has(f"wave.{wave}") else wave.replace("_", " ")


def _number(x: float) -> str:
    return f"{x:g}"


def participant_columns(toc: TheoryOfChange, tr: Translator) -> list[Column]:
    first, second = example_codes(toc)
    c = "kit.column."
    return [
        Column("participant_id", "code", tr.t(c + "participant_id", example=first, example2=second),
               tr.t("kit.allowed.code", prefix=code_prefix(toc)), True),
        Column("enrolled_on", "date", tr.t(c + "enrolled_on"), tr.t("kit.allowed.date"), True),
        Column("wijk", "list", tr.t(c + "wijk"), tr.t("kit.allowed.list_or_empty"), False, WIJKEN),
        Column("age_band", "list", tr.t(c + "age_band"), tr.t("kit.allowed.list"), True, AGE_BANDS),
        Column("gender", "list", tr.t(c + "gender"), tr.t("kit.allowed.gender"), False, GENDERS),
        Column("left_on", "date", tr.t(c + "left_on"), tr.t("kit.allowed.date_or_empty")),
    ]


def activity_columns(toc: TheoryOfChange, tr: Translator) -> list[Column]:
    c = "kit.column."
    names = activity_names(toc)
    return [
        Column("date", "date", tr.t(c + "date"), tr.t("kit.allowed.date"), True),
        Column("activity", "suggestions", tr.t(c + "activity"), tr.t("kit.allowed.suggestions"), True, names),
        Column("attendees", "whole", tr.t(c + "attendees"), tr.t("kit.allowed.whole"), True, minimum=0),
        Column("volunteers", "whole", tr.t(c + "volunteers"), tr.t("kit.allowed.whole_or_empty"), minimum=0),
        Column("volunteer_hours", "number", tr.t(c + "volunteer_hours"), tr.t("kit.allowed.number_or_empty"), minimum=0),
        Column("cost_eur", "number", tr.t(c + "cost_eur"), tr.t("kit.allowed.number_or_empty"), minimum=0),
    ]


def measured_outcomes(toc: TheoryOfChange) -> list[Outcome]:
    """The outcomes the survey asks, each instrument once (two outcomes on one instrument share its columns)."""
    seen: set[str] = set()
    out = []
    for outcome in toc.outcomes:
        key = outcome.id if outcome.instrument == "custom" else outcome.instrument
        if key not in seen:
            seen.add(key)
            out.append(outcome)
    return out


def binary_words(tr: Translator) -> tuple[str, str]:
    """ja, nee (yes, no): the answer words of a binary custom outcome in the kit's language."""
    words = (tr.t("kit.answer.yes"), tr.t("kit.answer.no"))
    assert [BINARY_WORDS[fold(w)] for w in words] == [1, 0]
    return words


def _item_explanation(inst: Instrument, index: int, column: str, tr: Translator) -> str:
    name = tr.t(f"instrument.{inst.id}.name")
    if inst.id == "zrm":
        return tr.t("kit.column.zrm_domain", domain=tr.t(f"zrm_domain.{column.removeprefix('zrm_')}"), instrument=name)
    if len(inst.items) == 1:
        return tr.t(f"kit.single.{inst.id}.column")
    wording = inst.wording.get(tr.language)
    if wording:
        return tr.t("kit.column.item_worded", n=index, instrument=name, text=wording[index - 1])
    return tr.t("kit.column.item", n=index, instrument=name)


def item_columns(outcome: Outcome, tr: Translator) -> list[Column]:
    """The survey columns of one outcome: its instrument's items, or one column named after a custom outcome."""
    if outcome.instrument == "custom":
        label = outcome.label
        unit = f" {outcome.unit}" if outcome.unit and outcome.type != "binary" else ""
        if outcome.type == "binary":
            return [Column(outcome.id, "list", tr.t("kit.column.custom_binary", label=label),
                           tr.t("kit.allowed.list_or_empty"), choices=binary_words(tr))]
        low, high = _number(outcome.min), _number(outcome.max)
        if outcome.type == "ordinal" and outcome.max - outcome.min < MAX_LISTED_CODES:
            codes = tuple(range(int(outcome.min), int(outcome.max) + 1))
            return [Column(outcome.id, "list", tr.t("kit.column.custom_ordinal", label=label, low=low, high=high, unit=unit),
                           tr.t("kit.allowed.list_or_empty"), choices=codes)]
        kind = "whole" if outcome.type == "ordinal" else "number"
        return [Column(outcome.id, kind, tr.t(f"kit.column.custom_{outcome.type}", label=label, low=low, high=high, unit=unit),
                       tr.t(f"kit.allowed.range_{kind}", low=low, high=high), minimum=outcome.min, maximum=outcome.max)]
    inst = REGISTRY[outcome.instrument]
    labels = inst.answer_labels.get(tr.language)
    choices = labels if labels else inst.codes
    return [Column(column, "list", _item_explanation(inst, i, column, tr), tr.t("kit.allowed.list_or_empty"),
                   choices=tuple(choices))
            for i, column in enumerate(inst.items, start=1)]


def survey_columns(toc: TheoryOfChange, wave: str, tr: Translator) -> list[Column]:
    first, _ = example_codes(toc)
    c = "kit.column."
    columns = [
        Column("participant_id", "code", tr.t(c + "survey_participant_id", example=first),
               tr.t("kit.allowed.code", prefix=code_prefix(toc)), True),
        Column("wave", "list", tr.t(c + "wave", wave=wave, label=wave_label(wave, tr)), tr.t("kit.allowed.list"), True,
               (wave,)),
        Column("responded_on", "date", tr.t(c + "responded_on"), tr.t("kit.allowed.date"), True),
    ]
    seen = {c.name for c in columns}
    for outcome in measured_outcomes(toc):
        for column in item_columns(outcome, tr):
            if column.name not in seen:
                seen.add(column.name)
                columns.append(column)
    return columns


# ------------------------------------------------------------------------------------- the questionnaire


def _answers(inst: Instrument, tr: Translator) -> tuple[str, ...]:
    labels = inst.answer_labels.get(tr.language)
    return tuple(labels) if labels else tuple(str(c) for c in inst.codes)


def questionnaire_parts(toc: TheoryOfChange, tr: Translator) -> list[Part]:
    """What the printed questionnaire asks, outcome by outcome, with each instrument's wording where it may be
    printed (``Instrument.wording`` in the kit's language), else the item numbers and where the wording is."""
    parts = []
    for outcome in measured_outcomes(toc):
        if outcome.instrument == "custom":
            parts.append(_custom_part(outcome, tr))
            continue
        inst = REGISTRY[outcome.instrument]
        wording = inst.wording.get(tr.language)
        title = outcome.label
        if inst.id == "zrm":
            questions = tuple(Question(column, str(i), tr.t(f"zrm_domain.{column.removeprefix('zrm_')}")[:1].upper()
                                       + tr.t(f"zrm_domain.{column.removeprefix('zrm_')}")[1:], _answers(inst, tr))
                              for i, column in enumerate(inst.items, start=1))
            parts.append(Part(outcome.id, title, inst.id, tr.t("kit.questionnaire.intro.zrm"), questions, False,
                              tr.t("kit.questionnaire.not_printed.zrm", source=inst.source, url=inst.source_url or "")))
        elif inst.id == "participation_ladder":
            rungs = tuple(f"{c}. {tr.t(f'kit.ladder.{c}')}" for c in inst.codes)
            questions = (Question(inst.items[0], "1", tr.t("kit.single.participation_ladder.question"), rungs),)
            parts.append(Part(outcome.id, title, inst.id, tr.t("kit.questionnaire.intro.participation_ladder"),
                              questions, False, tr.t("kit.questionnaire.not_printed.participation_ladder", source=inst.source)))
        elif inst.id == "life_satisfaction":
            questions = (Question(inst.items[0], "1", tr.t("kit.single.life_satisfaction.question"), (),
                                  tr.t("kit.single.life_satisfaction.write_in")),)
            parts.append(Part(outcome.id, title, inst.id, tr.t("kit.questionnaire.intro.life_satisfaction"), questions,
                              False, tr.t("kit.questionnaire.own_wording", source=inst.source)))
        else:
            answers = _answers(inst, tr)
            questions = tuple(Question(column, str(i), wording[i - 1] if wording else None, answers)
                              for i, column in enumerate(inst.items, start=1))
            name = tr.t(f"instrument.{inst.id}.name")
            if wording:
                parts.append(Part(outcome.id, title, inst.id, tr.t(f"kit.questionnaire.intro.{inst.id}"), questions, True,
                                  tr.t("kit.questionnaire.printed", instrument=name, source=inst.source,
                                       licence=tr.t(f"kit.licence.{inst.licence}"))))
            else:
                parts.append(Part(outcome.id, title, inst.id, tr.t("kit.questionnaire.intro.answer_sheet"), questions, False,
                                  tr.t("kit.questionnaire.not_printed.scale", instrument=name,
                                       where=tr.t(f"kit.source.{inst.id}"))))
    return parts


def _custom_part(outcome: Outcome, tr: Translator) -> Part:
    unit = f" {outcome.unit}" if outcome.unit and outcome.type != "binary" else ""
    low, high = _number(outcome.min), _number(outcome.max)
    if outcome.type == "binary":
        question = Question(outcome.id, "1", outcome.label, binary_words(tr))
    elif outcome.type == "ordinal" and outcome.max - outcome.min < MAX_LISTED_CODES:
        question = Question(outcome.id, "1", outcome.label, tuple(str(c) for c in range(int(outcome.min), int(outcome.max) + 1)))
    else:
        question = Question(outcome.id, "1", outcome.label, (),
                            tr.t("kit.questionnaire.write_number", low=low, high=high, unit=unit))
    return Part(outcome.id, outcome.label, "custom", tr.t("kit.questionnaire.intro.custom"), (question,), True,
                tr.t("kit.questionnaire.custom_note"))


# ------------------------------------------------------------------------------------------ the timing


def wave_timing(toc: TheoryOfChange, year: int, tr: Translator) -> list[tuple[str, str, str]]:
    """Per wave of the Theory of Change: its code, its name and when to measure it."""
    end = tr.date(dt.date(year, 12, 31))
    out = []
    for wave in toc.waves:
        key = wave if wave in ("baseline", "follow_up") else "extra"
        out.append((wave, wave_label(wave, tr), tr.t(f"kit.instruction.when.{key}", end=end, year=year)))
    return out
