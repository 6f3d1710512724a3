"""An initiative's Theory of Change: ``raw_data/<initiative>/theory_of_change.yaml``.

The schema follows docs/raw-data-contract.md. Errors name the file, the key and what is
expected, in the programme's language (``locale/<language>/settings.yaml``; Dutch by default), e.g.
``sleutel 'hypotheses[0].outcome': 'wellbeing' staat niet als uitkomst onder 'outcomes' (daar staan:
self_esteem)``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from impact.errors import ConfigError
from impact.instruments import REGISTERED_INSTRUMENTS
from impact.instruments.registry import fold
from impact.language import Translator
from impact.yaml_files import SettingsValueError, parse_model, plain_number, read_yaml_mapping

if TYPE_CHECKING:
    import pandas as pd

TOC_FILE = "theory_of_change.yaml"
DEFAULT_WAVES = ("baseline", "follow_up")
_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


#: What can realise an output's target (``impact.indicators.compute.output_indicators``): the distinct
#: participants in the register, or a quantity of the activity log (of the rows of the activities the
#: output selects, every activity without a selection).
MEASURES = ("participants", "sessions", "attendance", "volunteer_hours", "volunteers", "cost_eur", "log_rows")
#: The measures read from the activity log; only these may select activities.
ACTIVITY_LOG_MEASURES = MEASURES[1:]
#: An activity-log row whose activity name says "totaal" or "total" (``Huisbezoeken (weektotaal)``,
#: ``Mentoring weekly total``) records a period's total, not one session (docs/raw-data-contract.md).
TOTAL_ROW = re.compile(r"totaal|\btotals?\b", re.IGNORECASE)


def is_total_row(activity: str) -> bool:
    """Whether an activity-log row with this activity name records a period's total rather than one session."""
    return bool(TOTAL_ROW.search(str(activity)))


class Output(_Strict):
    id: str = Field(pattern=_SNAKE.pattern)
    label: str = Field(min_length=1)
    target: float | None = Field(default=None, ge=0)
    unit: str | None = None
    # which quantity realises the target (MEASURES); without it the target is shown but not measured
    measure: str | None = None
    # which rows of the activity log count: activity names, or a regular expression searched in the name
    # (both compared trimmed, case-folded, with one kind of space and dash); neither: every activity
    activities: list[str] | None = Field(default=None, min_length=1)
    activity_pattern: str | None = Field(default=None, min_length=1)

    @field_validator("measure")
    @classmethod
    def _known_measure(cls, v: str | None) -> str | None:
        if v == "activities":
            raise SettingsValueError("toc.measure_activities")
        if v is not None and v not in MEASURES:
            raise SettingsValueError("toc.unknown_measure", options=", ".join(MEASURES))
        return v

    @field_validator("activities")
    @classmethod
    def _names(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and any(not str(name).strip() for name in v):
            raise SettingsValueError("toc.empty_activity_name")
        return v

    @field_validator("activity_pattern")
    @classmethod
    def _pattern(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                re.compile(v)
            except re.error as exc:
                raise SettingsValueError("toc.bad_pattern", error=exc) from None
        return v

    def selects(self, activity: str) -> bool:
        """Whether a row of the activity log with this activity name counts for the output."""
        if self.activities is not None:
            return fold(activity) in {fold(name) for name in self.activities}
        if self.activity_pattern is not None:
            return re.search(self.activity_pattern, fold(activity), re.IGNORECASE) is not None
        return True


class Outcome(_Strict):
    id: str = Field(pattern=_SNAKE.pattern)
    label: str = Field(min_length=1)
    instrument: str
    # only for instrument: custom; a binary outcome runs from 0 (no) to 1 (yes), so min and max may be left out
    type: Literal["numeric", "binary", "ordinal"] | None = None
    min: float | None = None
    max: float | None = None
    unit: str | None = None
    higher_is_better: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _binary_runs_from_0_to_1(cls, data: object) -> object:
        """``type: binary`` implies min 0 and max 1; given ones are checked in ``cross_check``."""
        if isinstance(data, dict) and data.get("instrument") == "custom" and data.get("type") == "binary":
            data = {**data, "min": 0 if data.get("min") is None else data["min"],
                    "max": 1 if data.get("max") is None else data["max"]}
        return data

    @field_validator("instrument")
    @classmethod
    def _known_instrument(cls, v: str) -> str:
        allowed = (*REGISTERED_INSTRUMENTS, "custom")
        if v not in allowed:
            raise SettingsValueError("toc.unknown_instrument", options=", ".join(allowed))
        return v


class Hypothesis(_Strict):
    id: str = Field(min_length=1)
    statement: str = Field(min_length=1)
    outcome: str
    design: Literal["pre_post"] = "pre_post"
    test: Literal["paired_t", "wilcoxon", "mcnemar", "auto"] = "auto"
    direction: Literal["increase", "decrease"]
    alternative: Literal["two-sided", "greater", "less"] = "two-sided"
    min_pairs: int | None = Field(default=None, ge=2)
    primary: bool = True
    # the initiative's own reading of the result, as agreed in coaching (e.g. a possible response shift); the
    # yearly report shows it beside the verdict, unless it names a small group of people
    discussion: str | None = Field(default=None, min_length=1)


#: How participants without both measurements count in a quantity ``from_data`` (``impact.valuation.sroi``):
#: ``zero`` (none of them changed: the default, which does not over-claim) or ``respondents_rate`` (they
#: changed as the measured participants did, on balance).
NON_RESPONDENTS = ("zero", "respondents_rate")


class SroiOutcome(_Strict):
    outcome: str
    quantity: float | Literal["from_data"]
    # from_data: the net number of paired participants who changed the better way (improved − worsened);
    # with meaningful_change only changes of at least this much (in the outcome's score units) count
    meaningful_change: float | None = Field(default=None, gt=0)
    proxy_eur: float = Field(ge=0)
    proxy_source: str | None = None  # where the proxy comes from; required (checked in cross_check)
    deadweight: float = Field(default=0, ge=0, le=1)
    displacement: float = Field(default=0, ge=0, le=1)
    attribution: float = Field(default=0, ge=0, le=1)
    drop_off: float = Field(default=0, ge=0, le=1)
    duration_years: int = Field(default=1, ge=1, le=10)


class Sroi(_Strict):
    inputs_eur: float = Field(gt=0)
    non_respondents: Literal["zero", "respondents_rate"] = "zero"
    outcomes: list[SroiOutcome] = Field(min_length=1)


class TheoryOfChange(_Strict):
    id: str = Field(pattern=SLUG.pattern)
    name: str = Field(min_length=1)
    kind: Literal["social_enterprise", "resident_initiative"]
    problem: str = Field(min_length=1)
    target_group: str = Field(min_length=1)
    activities: list[str] = Field(min_length=1)
    outputs: list[Output] = Field(default_factory=list)
    outcomes: list[Outcome] = Field(min_length=1)
    impact: str = Field(min_length=1)
    hypotheses: list[Hypothesis] = Field(default_factory=list)
    waves: list[str] = Field(default_factory=lambda: list(DEFAULT_WAVES))
    # the initiative's total cost in the year, all funding together (the overview's cost per participant)
    budget_eur: float | None = Field(default=None, ge=0)
    sroi: Sroi | None = None

    def outcome(self, outcome_id: str) -> Outcome:
        return next(o for o in self.outcomes if o.id == outcome_id)


def cross_check(toc: TheoryOfChange, folder_name: str, language: str = "nl") -> list[str]:
    """Rules that span keys: ids match, references resolve, custom outcomes are complete (in ``language``)."""
    tr = Translator(language)
    t = tr.t
    problems: list[str] = []
    if toc.id != folder_name:
        problems.append(t("settings.toc.id_not_folder", id=toc.id, folder=folder_name))
    for key, items in (("outputs", toc.outputs), ("outcomes", toc.outcomes), ("hypotheses", toc.hypotheses)):
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                problems.append(t("settings.toc.id_twice", path=f"{key}[{i}].id", id=item.id))
            seen.add(item.id)
    problems += _output_problems(toc.outputs, tr)
    declared = [o.id for o in toc.outcomes]
    for i, o in enumerate(toc.outcomes):
        if o.instrument == "custom" and o.type == "binary":
            if o.higher_is_better is None:
                problems.append(t("settings.toc.binary_needs_direction", path=f"outcomes[{i}].higher_is_better"))
            for attr, bound in (("min", 0), ("max", 1)):
                if getattr(o, attr) != bound:
                    problems.append(t("settings.toc.binary_bounds", path=f"outcomes[{i}].{attr}", attr=attr, bound=bound,
                                      got=plain_number(tr, getattr(o, attr))))
        elif o.instrument == "custom":
            for attr in ("type", "min", "max", "higher_is_better"):
                if getattr(o, attr) is None:
                    problems.append(t("settings.toc.custom_needs_scale", path=f"outcomes[{i}].{attr}"))
            if o.min is not None and o.max is not None and o.min >= o.max:
                problems.append(t("settings.toc.max_above_min", path=f"outcomes[{i}].max", min=plain_number(tr, o.min)))
        else:
            for attr in ("type", "min", "max", "higher_is_better"):
                if getattr(o, attr) is not None:
                    problems.append(t("settings.toc.only_custom", path=f"outcomes[{i}].{attr}", attr=attr,
                                      instrument=o.instrument))
    instrument_of = {o.id: o.instrument for o in toc.outcomes}
    type_of = {o.id: o.type for o in toc.outcomes}
    with_cut_off = ("djg11", "djg6", "rses", "who5")
    for i, h in enumerate(toc.hypotheses):
        if h.test == "mcnemar" and h.outcome in declared and not (
            instrument_of[h.outcome] in with_cut_off or type_of[h.outcome] == "binary"
        ):
            problems.append(t("settings.toc.mcnemar_yes_no", path=f"hypotheses[{i}].test", outcome=h.outcome,
                              instruments=", ".join(with_cut_off)))
        if (h.direction, h.alternative) in (("decrease", "greater"), ("increase", "less")):
            problems.append(t("settings.toc.alternative_opposite", path=f"hypotheses[{i}].alternative",
                              alternative=h.alternative, direction=h.direction,
                              fix="less" if h.direction == "decrease" else "greater"))
        if instrument_of.get(h.outcome) == "zrm":
            problems.append(t("settings.toc.zrm_profile", path=f"hypotheses[{i}].outcome", outcome=h.outcome))
        if h.outcome not in declared:
            problems.append(t("settings.toc.undeclared_outcome", path=f"hypotheses[{i}].outcome", outcome=h.outcome,
                              declared=", ".join(declared)))
    if toc.sroi:
        problems += _sroi_problems(toc, tr)
    for i, w in enumerate(toc.waves):
        if not _SNAKE.match(w):
            problems.append(t("settings.toc.wave_name", path=f"waves[{i}]", wave=w))
    if toc.waves[:2] != list(DEFAULT_WAVES):
        problems.append(t("settings.toc.waves_start"))
    return problems


def _output_problems(outputs: list[Output], tr: Translator) -> list[str]:
    """Combinations of an output's measure and its selection of activities that make no sense."""
    t = tr.t
    problems: list[str] = []
    measures = ", ".join(ACTIVITY_LOG_MEASURES)
    for i, o in enumerate(outputs):
        key = f"outputs[{i}]"
        selection = "activities" if o.activities is not None else "activity_pattern" if o.activity_pattern is not None else None
        if o.activities is not None and o.activity_pattern is not None:
            problems.append(t("settings.toc.both_selections", path=f"{key}.activity_pattern"))
        if selection and o.measure is None:
            problems.append(t("settings.toc.selection_without_measure", path=f"{key}.{selection}", measures=measures))
        elif selection and o.measure == "participants":
            problems.append(t("settings.toc.selection_with_participants", path=f"{key}.{selection}", measures=measures,
                              selection=selection))
        seen: dict[str, int] = {}
        for j, name in enumerate(o.activities or []):
            if fold(name) in seen:
                problems.append(t("settings.toc.activity_twice", path=f"{key}.activities[{j}]", name=name,
                                  other=seen[fold(name)]))
            seen.setdefault(fold(name), j)
            if o.measure == "sessions" and is_total_row(name):
                problems.append(t("settings.toc.total_as_sessions", path=f"{key}.activities[{j}]", name=name))
    return problems


def _sroi_problems(toc: TheoryOfChange, tr: Translator) -> list[str]:
    """Every SROI outcome is declared, its proxy has a source, a meaningful change fits its quantity and scale."""
    t = tr.t
    problems: list[str] = []
    declared = [o.id for o in toc.outcomes]
    for i, s in enumerate(toc.sroi.outcomes):
        key = f"sroi.outcomes[{i}]"
        if s.outcome not in declared:
            problems.append(t("settings.toc.undeclared_outcome", path=f"{key}.outcome", outcome=s.outcome,
                              declared=", ".join(declared)))
        if s.proxy_source is None or not s.proxy_source.strip():
            problems.append(t("settings.toc.proxy_source", path=f"{key}.proxy_source"))
        if s.meaningful_change is None:
            continue
        if s.quantity != "from_data":
            problems.append(t("settings.toc.change_not_counted", path=f"{key}.meaningful_change",
                              quantity=plain_number(tr, s.quantity)))
        outcome = next((o for o in toc.outcomes if o.id == s.outcome), None)
        if outcome is not None and outcome.instrument == "custom" and outcome.min is not None and outcome.max is not None:
            span = outcome.max - outcome.min
            if s.meaningful_change > span:
                problems.append(t("settings.toc.change_beyond_scale", path=f"{key}.meaningful_change",
                                  change=plain_number(tr, s.meaningful_change), outcome=s.outcome,
                                  low=plain_number(tr, outcome.min), high=plain_number(tr, outcome.max)))
    return problems


def load_theory_of_change(initiative_dir: Path, raw_data: Path, language: str | None = None) -> TheoryOfChange:
    """An initiative's Theory of Change, validated and cross-checked. Its problems are told in ``language``;
    by default in the programme's (``programme.yaml``'s ``language`` where it can be read, else Dutch). A
    symbolic link, or a file outside ``raw_data`` (a linked initiative folder), is refused unread (a ConfigError)."""
    from impact.programme import programme_language

    path = initiative_dir / TOC_FILE
    display = path.relative_to(raw_data).as_posix()
    language = language or programme_language(raw_data)
    data = read_yaml_mapping(path, display, language, raw_data)
    toc = parse_model(TheoryOfChange, data, display, language)
    problems = cross_check(toc, initiative_dir.name, language)
    if problems:
        raise ConfigError(display, problems, language)
    return toc


def as_tables(tocs: dict[str, tuple[TheoryOfChange, str]]) -> dict[str, "pd.DataFrame"]:
    """The Theories of Change as the ``programme.*`` tables (by short name, e.g. ``"outcomes"``), typed
    as ``impact.warehouse.tables`` declares them; ``tocs`` maps id -> (model, file sha256)."""
    import pandas as pd

    from impact.warehouse import tables

    initiatives, outputs, outcomes, hypotheses, sroi = [], [], [], [], []
    for initiative_id in sorted(tocs):
        toc, sha = tocs[initiative_id]
        initiatives.append(
            {
                "initiative_id": toc.id,
                "name": toc.name,
                "kind": toc.kind,
                "problem": toc.problem,
                "target_group": toc.target_group,
                "activities": list(toc.activities),
                "impact": toc.impact,
                "waves": list(toc.waves),
                "sroi_inputs_eur": toc.sroi.inputs_eur if toc.sroi else None,
                "budget_eur": toc.budget_eur,
                "source_file": f"{toc.id}/{TOC_FILE}",
                "source_sha256": sha,
            }
        )
        outputs += [{"initiative_id": toc.id, "output_id": o.id, **o.model_dump(exclude={"id"})} for o in toc.outputs]
        outcomes += [{"initiative_id": toc.id, "outcome_id": o.id, **o.model_dump(exclude={"id"})} for o in toc.outcomes]
        hypotheses += [
            {"initiative_id": toc.id, "hypothesis_id": h.id, "outcome_id": h.outcome, **h.model_dump(exclude={"id", "outcome"})}
            for h in toc.hypotheses
        ]
        if toc.sroi:
            sroi += [
                {"initiative_id": toc.id, "outcome_id": s.outcome, **s.model_dump(exclude={"outcome"}, mode="json"),
                 "quantity": str(s.quantity),  # a number or from_data, kept as written
                 "non_respondents": toc.sroi.non_respondents}
                for s in toc.sroi.outcomes
            ]
    return {
        "initiatives": tables.INITIATIVES.conform(pd.DataFrame(initiatives)),
        "outputs": tables.OUTPUTS.conform(pd.DataFrame(outputs)),
        "outcomes": tables.OUTCOMES.conform(pd.DataFrame(outcomes)),
        "hypotheses": tables.HYPOTHESES.conform(pd.DataFrame(hypotheses)),
        "sroi_assumptions": tables.SROI_ASSUMPTIONS.conform(pd.DataFrame(sroi)),
    }
