"""The wizard's dialogue: questions, re-asks and what it says, in the language of the catalogue.

The engine knows nothing of terminals: it gets an ``ask`` (a question in, an answer out) and a ``say`` (a text
out), so ``input``/``print`` drive it in the CLI and a scripted list of answers drives it in the tests. Every
text comes from ``impact/language/locale/<language>/wizard.yaml`` (``Translator.t("wizard.…")``); numbers are
read the way people type them (``2,5`` or ``2.5``; ``1.250`` is asked again where it could be either) and
written with the language's decimal mark.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from impact.language import Translator, mid_sentence
from impact.programme import Programme
from impact.theory_of_change import MEASURES, TheoryOfChange, SLUG, _SNAKE
from impact.wizard import planning, proposals, toc_file
from impact.wizard.proposals import CUSTOM

Ask = Callable[[str], str]
Say = Callable[[str], None]


class Reask(Exception):
    """An answer that cannot be used: the catalogue key (under ``wizard.reask``) of what to say, with its values."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key, self.values = key, values


class Stop(Exception):
    """The wizard cannot go on (a file it would overwrite, a programme it cannot read); the message is said."""


# -- reading answers ---------------------------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?(\d+)(?:([.,])(\d+))?$")
_AMBIGUOUS = re.compile(r"^[+-]?[1-9]\d{0,2}[.,]\d{3}$")  # 1.250 / 1,250: thousands or decimals?


def read_number(raw: str, whole: bool = False, example: str = "250") -> float:
    """A number typed with a decimal comma or point. In a whole-number question ``1.250`` is 1250 (a thousands
    separator, as the raw-data contract reads whole-number columns); elsewhere it is asked again."""
    text = raw.strip().replace("\u00a0", "").replace(" ", "")
    match = _NUMBER.match(text)
    if not match:
        raise Reask("whole_number" if whole else "number", example=example)
    if _AMBIGUOUS.match(text):
        if whole:
            return float(text.replace(".", "").replace(",", ""))
        digits = text.replace(".", "").replace(",", "")
        decimals = match.group(3).rstrip("0")  # 1.250 read as a decimal is 1,25
        raise Reask("ambiguous", answer=raw.strip(), whole=digits,
                    decimal=match.group(1) + ("," + decimals if decimals else ""),
                    decimal_en=match.group(1) + ("." + decimals if decimals else ""))
    value = float(text.replace(",", "."))
    if whole and not value.is_integer():
        raise Reask("whole_number", example=example)
    return value


def read_share(raw: str, example: str = "30%") -> float:
    """A share typed as a percentage (``30``, ``30%``, ``30 %``) or as a fraction below 1 (``0,3``)."""
    text = raw.strip().removesuffix("%").strip()
    value = read_number(text, example=example) if text else None
    if value is None:
        raise Reask("share", example=example)
    return value / 100 if value >= 1 or raw.strip().endswith("%") else value


_YES = {"j", "ja", "y", "yes", "jazeker", "jawel", "ok", "oké", "goed", "prima"}
_NO = {"n", "nee", "no", "neen"}


def read_yes_no(raw: str) -> bool:
    answer = raw.strip().casefold().rstrip(".!")
    if answer in _YES:
        return True
    if answer in _NO:
        return False
    raise Reask("yes_no")


# -- the dialogue ------------------------------------------------------------------------------------------


@dataclass
class Dialogue:
    """Asks, re-asks and says, in one language."""

    ask_fn: Ask
    say_fn: Say
    tr: Translator
    took_default: bool = False  # whether the last answer was the default (an empty answer)

    def t(self, key: str, **values) -> str:
        return self.tr.t(f"wizard.{key}", **values)

    def say(self, key: str, **values) -> None:
        self.say_fn(self.t(key, **values))

    def blank(self) -> None:
        self.say_fn("")

    def figure(self, x: float, digits: int = 3) -> str:
        """A number as people write it: whole numbers without decimals, others with at most ``digits``
        significant digits, in the language's notation (0,005; 2,5; 250)."""
        x = float(x)
        if x.is_integer():
            return self.tr.num(x, 0)
        places = max(0, digits - 1 - math.floor(math.log10(abs(x))))
        text = self.tr.num(x, min(places, 6))
        mark = "," if self.tr.language == "nl" else "."
        return text.rstrip("0").rstrip(mark) if mark in text else text

    def ask(self, question: str, parse: Callable[[str], object] = lambda s: s, default: str | None = None):
        """Ask until ``parse`` accepts the answer; an empty answer takes ``default`` (when there is one)."""
        prompt = self.t("prompt_default", question=question, default=default) if default not in (None, "") \
            else self.t("prompt", question=question)
        while True:
            raw = self.ask_fn(prompt)
            raw = "" if raw is None else str(raw).strip()
            self.took_default = not raw and default not in (None, "")
            if self.took_default:
                raw = default
            try:
                return parse(raw)
            except Reask as again:
                self.say("reask." + again.key, **again.values)

    def text(self, question: str, default: str | None = None) -> str:
        def parse(raw: str) -> str:
            if not raw:
                raise Reask("empty")
            return raw
        return self.ask(question, parse, default)

    def optional_text(self, question: str) -> str | None:
        return self.ask(question, lambda raw: raw or None)

    def yes_no(self, question: str, default: bool | None = None) -> bool:
        shown = None if default is None else self.t("yes" if default else "no")
        return self.ask(question, read_yes_no, shown)

    def choice(self, question: str, options: list[tuple[str, str]], default: str | None = None) -> str:
        """One of ``options`` (value, words), by its number or its value."""
        for i, (_, words) in enumerate(options, 1):
            self.say_fn(f"  {i}. {words}")
        values = [value for value, _ in options]

        def parse(raw: str) -> str:
            if raw.isdigit() and 1 <= int(raw) <= len(options):
                return values[int(raw) - 1]
            if raw in values:
                return raw
            raise Reask("choice", n=len(options))
        shown = None if default is None else str(values.index(default) + 1)
        return self.ask(question, parse, shown)

    def number(self, question: str, default: float | None = None, whole: bool = False, example: str = "250",
               above: float | None = None, at_least: float | None = None, at_most: float | None = None) -> float:
        def parse(raw: str) -> float:
            value = read_number(raw, whole, example)
            if above is not None and value <= above:
                raise Reask("more_than", minimum=self.figure(above))
            if at_least is not None and at_most is not None and not at_least <= value <= at_most:
                raise Reask("between", minimum=self.figure(at_least), maximum=self.figure(at_most))
            if at_least is not None and value < at_least:
                raise Reask("at_least", minimum=self.figure(at_least))
            if at_most is not None and value > at_most:
                raise Reask("at_most", maximum=self.figure(at_most))
            return value
        return self.ask(question, parse, None if default is None else self.figure(default))

    def next_item(self, question: str) -> str:
        """One item of a list; an empty answer (the list is complete) is ''."""
        answer = self.ask_fn(self.t("prompt", question=question))
        return "" if answer is None else str(answer).strip()

    def many(self, intro: str, item: str) -> list[str]:
        """At least one answer, one per question, until an empty answer."""
        self.say_fn(intro)
        answers: list[str] = []
        while True:
            answer = self.next_item(item.format(n=len(answers) + 1))
            if answer:
                answers.append(answer)
            elif answers:
                return answers
            else:
                self.say("reask.at_least_one")


# -- what the wizard collects ------------------------------------------------------------------------------


@dataclass
class OutcomeAnswer:
    said: str  # the change as the initiative described it
    id: str
    label: str
    instrument: str
    type: str | None = None
    min: float | None = None
    max: float | None = None
    unit: str | None = None
    higher_is_better: bool | None = None

    def schema(self) -> dict:
        data = {"id": self.id, "label": self.label, "instrument": self.instrument}
        if self.instrument == CUSTOM:
            data.update(type=self.type, min=self.min, max=self.max, unit=self.unit,
                        higher_is_better=self.higher_is_better)
            if self.type == "binary":
                data.pop("min"), data.pop("max")
        return {k: v for k, v in data.items() if v is not None}

    @property
    def better_is_higher(self) -> bool:
        return proposals.higher_is_better(self.instrument, self.higher_is_better)

    @property
    def binary(self) -> bool:
        return self.instrument == CUSTOM and self.type == "binary"


@dataclass
class HypothesisAnswer:
    id: str
    outcome: OutcomeAnswer
    statement: str
    test: str
    direction: str
    alternative: str
    primary: bool
    plan: planning.Plan | None = None

    def schema(self) -> dict:
        return {"id": self.id, "statement": self.statement, "outcome": self.outcome.id, "design": "pre_post",
                "test": self.test, "direction": self.direction, "alternative": self.alternative,
                "primary": self.primary}


@dataclass
class Answers:
    name: str = ""
    id: str = ""
    kind: str = ""
    problem: str = ""
    target_group: str = ""
    activities: list[str] = field(default_factory=list)
    outputs: list[dict] = field(default_factory=list)
    outcomes: list[OutcomeAnswer] = field(default_factory=list)
    impact: str = ""
    hypotheses: list[HypothesisAnswer] = field(default_factory=list)
    attrition: float | None = None
    family: planning.Family | None = None

    def theory_of_change(self) -> TheoryOfChange:
        return TheoryOfChange.model_validate({
            "id": self.id, "name": self.name, "kind": self.kind, "problem": self.problem,
            "target_group": self.target_group, "activities": self.activities, "outputs": self.outputs,
            "outcomes": [o.schema() for o in self.outcomes], "impact": self.impact,
            "hypotheses": [h.schema() for h in self.hypotheses],
        })


# -- the wizard --------------------------------------------------------------------------------------------

#: Words in an output's name that say what counts it (the first match proposes the measure).
_MEASURE_WORDS = (
    ("volunteer_hours", r"vrijwilligersuren|volunteer hours|\buren\b|\bhours\b"),
    ("volunteers", r"vrijwilligers|volunteers"),
    ("participants", r"deelnemers|bezoekers|klanten|cli[eë]nten|bewoners|jongeren|ouderen|vrouwen|mannen|kinderen|"
                     r"gezinnen|participants|visitors|customers|clients|people|bereikt|reached"),
    ("sessions", r"bijeenkomsten|lessen|sessies|activiteiten|avonden|ochtenden|middagen|workshops|cursussen|"
                 r"dagen|meetings|sessions|lessons|events|classes|days"),
    ("attendance", r"aanwezigen|aanwezigheid|bezoeken|attendance|visits"),
    ("cost_eur", r"kosten|euro|costs?\b"),
)
NO_MEASURE = "none"


def propose_measure(label: str) -> str:
    folded = label.casefold()
    return next((measure for measure, pattern in _MEASURE_WORDS if re.search(pattern, folded)), NO_MEASURE)


@dataclass
class Wizard:
    dialogue: Dialogue
    programme: Programme
    raw_data: Path
    out: Path | None = None
    force: bool = False
    answers: Answers = field(default_factory=Answers)

    @property
    def d(self) -> Dialogue:
        return self.dialogue

    def path(self) -> Path:
        return self.out if self.out is not None else toc_file.default_path(self.raw_data, self.answers.id)

    def run(self) -> Path:
        d = self.d
        d.say("intro")
        self.initiative()
        self.activities_and_outputs()
        self.outcomes()
        a = self.answers
        d.blank()
        a.impact = d.text(d.t("ask.impact"))
        self.hypotheses()
        self.plans()
        return self.write()

    # -- the initiative ----------------------------------------------------------------------------------
    def initiative(self) -> None:
        d, a = self.d, self.answers
        d.blank()
        d.say("section.initiative")
        a.name = d.text(d.t("ask.name"))

        def parse_id(raw: str) -> str:
            if not SLUG.match(raw):
                raise Reask("slug")
            return raw
        a.id = d.ask(d.t("ask.id"), parse_id, proposals.slug(a.name))
        if self.path().exists() and not self.force:
            raise Stop(d.t("exists", path=self.path()))
        a.kind = d.choice(d.t("ask.kind"), [("resident_initiative", d.t("kind.resident_initiative")),
                                             ("social_enterprise", d.t("kind.social_enterprise"))])
        a.problem = d.text(d.t("ask.problem"))
        a.target_group = d.text(d.t("ask.target_group"))

    def activities_and_outputs(self) -> None:
        d, a = self.d, self.answers
        d.blank()
        d.say("section.activities")
        a.activities = d.many(d.t("ask.activities"), d.t("ask.activity"))
        d.blank()
        d.say("section.outputs")
        d.say_fn(d.t("ask.outputs"))
        taken: set[str] = set()
        while label := d.next_item(d.t("ask.output", n=len(a.outputs) + 1)):
            target = d.number(d.t("ask.target", label=label, year=self.programme.year), at_least=0)
            options = [(m, d.t(f"measure.{m}")) for m in (*[m for m in MEASURES if m != "log_rows"], NO_MEASURE)]
            measure = d.choice(d.t("ask.measure", label=label), options, propose_measure(label))
            output = {"id": proposals.snake(label, taken, "output"), "label": label, "target": target}
            if measure != NO_MEASURE:
                output["measure"] = measure
            taken.add(output["id"])
            a.outputs.append(output)

    # -- outcomes and instruments ------------------------------------------------------------------------
    def instrument_words(self, instrument: str) -> str:
        if instrument == CUSTOM:
            return self.d.t("instrument_custom")
        return self.d.t("instrument_words", name=self.d.tr.t(f"instrument.{instrument}.name"),
                        scale=self.d.tr.t(f"instrument.{instrument}.scale"))

    def outcomes(self) -> None:
        d, a = self.d, self.answers
        d.blank()
        d.say("section.outcomes")
        d.say_fn(d.t("ask.outcomes"))
        while True:
            said = d.next_item(d.t("ask.outcome", n=len(a.outcomes) + 1))
            if said:
                a.outcomes.append(self.outcome(said))
            elif a.outcomes:
                return
            else:
                d.say("reask.at_least_one")

    def outcome(self, said: str) -> OutcomeAnswer:
        d = self.d
        d.blank()
        proposal = proposals.propose_instrument(said)
        if proposal.instrument == CUSTOM:
            d.say("proposal.none", said=said)
        else:
            d.say("proposal.instrument", said=said, words=proposal.matched,
                  instrument=self.instrument_words(proposal.instrument))
        instrument = proposal.instrument
        if not d.yes_no(d.t("ask.accept"), True):
            options = [(i, self.instrument_words(i)) for i in proposals.CHOICES]
            instrument = d.choice(d.t("ask.instrument"), options, proposal.instrument)
        taken = {o.id for o in self.answers.outcomes}
        if instrument == CUSTOM:
            return self.custom_outcome(said, taken)
        if instrument == "zrm":
            d.say("zrm_no_hypothesis")
        label = d.text(d.t("ask.label"), d.t(f"outcome_label.{instrument}"))
        return OutcomeAnswer(said, proposals.snake(proposals.DEFAULT_OUTCOME_ID[instrument], taken), label, instrument)

    def custom_outcome(self, said: str, taken: set[str]) -> OutcomeAnswer:
        d = self.d
        label = d.text(d.t("ask.label"), said[:1].upper() + said[1:])

        def parse_column(raw: str) -> str:
            if not _SNAKE.match(raw):
                raise Reask("snake")
            if raw in taken:
                raise Reask("taken", id=raw)
            return raw
        column = d.ask(d.t("ask.column", label=label), parse_column, proposals.snake(label, taken))
        kind = d.choice(d.t("ask.type"), [(t, d.t(f"type.{t}")) for t in proposals.CUSTOM_TYPES])
        outcome = OutcomeAnswer(said, column, label, CUSTOM, kind)
        if kind == "binary":
            outcome.higher_is_better = d.yes_no(d.t("ask.yes_is_better", label=mid_sentence(label)), True)
            return outcome
        whole = kind == "ordinal"
        outcome.min = d.number(d.t("ask.min"), whole=whole, example="0" if not whole else "1")
        outcome.max = d.number(d.t("ask.max"), whole=whole, example="10" if not whole else "5", above=outcome.min)
        outcome.unit = d.optional_text(d.t("ask.unit"))
        outcome.higher_is_better = d.yes_no(d.t("ask.higher_is_better"), True)
        return outcome

    # -- hypotheses and tests ----------------------------------------------------------------------------
    def hypotheses(self) -> None:
        d, a = self.d, self.answers
        testable = [o for o in a.outcomes if proposals.can_be_tested(o.instrument)]
        d.blank()
        d.say("section.hypotheses")
        if not testable:
            d.say("no_testable_outcome")
            return
        for outcome in testable:
            d.blank()
            if not d.yes_no(d.t("ask.test_outcome", label=mid_sentence(outcome.label)), True):
                continue
            a.hypotheses.append(self.hypothesis(outcome, f"H{len(a.hypotheses) + 1}"))

    def scale_words(self, outcome: OutcomeAnswer) -> str:
        if outcome.instrument != CUSTOM:
            return self.d.tr.t(f"instrument.{outcome.instrument}.scale")
        if outcome.binary:
            return self.d.tr.t("instrument.binary")
        better = self.d.tr.t("instrument.higher_better" if outcome.higher_is_better else "instrument.higher_worse")
        return self.d.tr.t("instrument.custom_scale", low=self.d.figure(outcome.min),
                           high=self.d.figure(outcome.max)) + ", " + better

    def hypothesis(self, outcome: OutcomeAnswer, hypothesis_id: str) -> HypothesisAnswer:
        d = self.d
        label = mid_sentence(outcome.label)
        kind = "binary" if outcome.binary else "score"
        better = proposals.expected_direction(outcome.better_is_higher)
        d.say("scale", label=outcome.label, scale=self.scale_words(outcome))
        direction = d.choice(d.t("ask.direction", label=label),
                             [("increase", d.t(f"direction.{kind}.increase")),
                              ("decrease", d.t(f"direction.{kind}.decrease"))], better)
        statement = d.text(d.t("ask.statement", id=hypothesis_id),
                           d.t(f"statement.{kind}.{direction}", label=label))
        proposed = proposals.propose_test(outcome.instrument, outcome.type)
        d.say("proposal.test", test=d.tr.t(f"test.{proposed.test}"),
              why=d.t(f"test_reason.{proposed.reason}", points=proposed.points))
        test = proposed.test
        if not d.yes_no(d.t("ask.accept_test"), True):
            allowed = proposals.allowed_tests(outcome.instrument, outcome.type)
            test = d.choice(d.t("ask.test"), [(t, d.tr.t(f"test.{t}")) for t in allowed], proposed.test)
        sided = d.choice(d.t("ask.alternative"), [("two-sided", d.t("alternative.two_sided")),
                                                  ("one-sided", d.t("alternative.one_sided"))], "two-sided")
        alternative = "two-sided" if sided == "two-sided" else proposals.one_sided(direction)
        first = not any(h.primary for h in self.answers.hypotheses)
        primary = d.yes_no(d.t("ask.primary", id=hypothesis_id), first)
        return HypothesisAnswer(hypothesis_id, outcome, statement, test, direction, alternative, primary)

    # -- sample size -------------------------------------------------------------------------------------
    def plans(self) -> None:
        d, a, p = self.d, self.answers, self.programme
        if not a.hypotheses:
            return
        d.blank()
        d.say("section.sample_size")
        existing, unreadable = planning.existing_primary_hypotheses(self.raw_data, leave_out=a.id)
        a.family = planning.Family(existing, sum(h.primary for h in a.hypotheses), unreadable)
        if unreadable:
            d.say("family.unreadable", initiatives=d.tr.listing(list(unreadable)))
        if p.multiple_testing == "holm" and a.family.own:
            m = a.family.size
            with_own = d.t("family.own_one" if a.family.own == 1 else "family.own_many", own=a.family.own)
            d.say("family.holm", alpha=d.figure(p.alpha), existing=existing, with_own=with_own, m=m,
                  level=d.figure(p.alpha / m))
        elif a.family.own:
            d.say("family.none", alpha=d.figure(p.alpha))
        d.blank()
        a.attrition = d.ask(d.t("ask.attrition"), self.parse_attrition)
        for h in a.hypotheses:
            d.blank()
            h.plan = self.plan(h)

    def parse_attrition(self, raw: str) -> float:
        share = read_share(raw)
        if not 0 <= share < 1:
            raise Reask("attrition")
        return share

    def plan(self, h: HypothesisAnswer) -> planning.Plan:
        d, p, a = self.d, self.programme, self.answers
        level = planning.planning_alpha(p.alpha, a.family.size, h.primary, h.alternative, p.multiple_testing)
        both_sides = planning.planning_alpha(p.alpha, a.family.size, h.primary, "two-sided", p.multiple_testing)
        why = "primary" if h.primary and p.multiple_testing == "holm" else "secondary" if not h.primary else "none"
        d.say(f"level.{why}", id=h.id, level=d.figure(both_sides), alpha=d.figure(p.alpha), m=a.family.size)
        if h.alternative != "two-sided":
            d.say("level.one_sided", level=d.figure(level))
        outcome, label = h.outcome, mid_sentence(h.outcome.label)
        if h.test == "mcnemar":
            reading = d.t(f"yes_reading.{outcome.instrument}" if outcome.instrument != CUSTOM else "yes_reading.custom",
                          label=label)
            points = d.number(d.t("ask.difference", reading=reading), example="20", at_least=1, at_most=100)
            difference = points / 100

            def parse_changing(raw: str) -> float:
                share = read_share(raw)
                if not difference <= share <= 1:
                    raise Reask("changing", minimum=d.tr.pct(difference))
                return share
            changing = d.ask(d.t("ask.changing", difference=d.tr.pct(difference)), parse_changing)
            result = planning.plan("mcnemar", difference, level, h.alternative, a.attrition, p.min_pairs,
                                   discordant_share=changing)
        else:
            low, high = proposals.scale(outcome.instrument, outcome.min, outcome.max)
            units = self.units(outcome)
            documented = planning.MEANINGFUL_CHANGE.get(outcome.instrument)
            if documented is not None:
                d.say("change_documented", instrument=d.tr.t(f"instrument.{outcome.instrument}.name"),
                      change=d.figure(documented), units=self.units(outcome, documented))
            change = d.number(d.t("ask.change", label=label, units=units, low=d.figure(low), high=d.figure(high)),
                              default=documented, example="3", above=0, at_most=high - low)
            default_sd = change / p.target_effect_dz
            d.say("sd_default", dz=d.figure(p.target_effect_dz), sd=d.figure(default_sd),
                  units=self.units(outcome, default_sd))
            sd = d.number(d.t("ask.sd", units=units), default=default_sd, example="5", above=0)
            from_default = d.took_default
            result = planning.plan(h.test, change, level, h.alternative, a.attrition, p.min_pairs,
                                   sd=default_sd if from_default else sd, sd_from_default=from_default)
        self.report_plan(h, result)
        return result

    def units(self, outcome: OutcomeAnswer, amount: float | None = None) -> str:
        """The outcome's unit: its own (custom), else points or rungs ('1 punt', '2 punten')."""
        if outcome.unit:
            return outcome.unit
        key = "units.rungs" if outcome.instrument == "participation_ladder" else "units.points"
        return self.d.t(key + ("_one" if amount is not None and float(amount) == 1 else ""))

    def report_plan(self, h: HypothesisAnswer, result: planning.Plan) -> None:
        d = self.d
        if result.pairs is None:
            d.say("plan.out_of_reach", id=h.id, max=d.figure(planning.MAX_PAIRS))
            return
        if result.computed_pairs < result.pairs:
            d.say("plan.min_pairs", computed=result.computed_pairs, min_pairs=result.pairs)
        d.say("plan.pairs", id=h.id, pairs=result.pairs, test=d.tr.t(f"test.{h.test}"), level=d.figure(result.level))
        d.say("plan.enrol", pairs=result.pairs, attrition=d.tr.pct(result.attrition), enrol=result.enrol,
              kept=d.tr.pct(1 - result.attrition), share=d.figure(1 - result.attrition))
        for output in self.answers.outputs:
            if output.get("measure") == "participants" and output["target"] < result.enrol:
                d.say("plan.target_low", label=output["label"], target=d.figure(output["target"]), enrol=result.enrol)

    # -- the file ----------------------------------------------------------------------------------------
    def comments(self) -> tuple[str, dict[str, str], dict[str, str]]:
        d, a = self.d, self.answers
        header = d.t("file.header", name=a.name)
        before_key = {}
        zrm = [o for o in a.outcomes if o.instrument == "zrm"]
        if zrm:
            before_key["outcomes"] = d.t("file.zrm", ids=d.tr.listing([o.id for o in zrm]))
        before = {}
        for h in a.hypotheses:
            lines = [d.t("file.test", id=h.id, test=d.tr.t(f"test.{h.test}"))]
            plan = h.plan
            if plan is not None and plan.pairs is not None:
                lines.append(d.t("file.plan", pairs=plan.pairs, level=d.figure(plan.level),
                                 why=d.t("file.level_primary", m=a.family.size) if h.primary
                                 and self.programme.multiple_testing == "holm" else d.t("file.level_alpha"),
                                 enrol=plan.enrol, attrition=d.tr.pct(plan.attrition)))
                if plan.test == "mcnemar":
                    lines.append(d.t("file.assumed_mcnemar", points=d.figure(plan.change * 100),
                                     changing=d.tr.pct(plan.discordant_share)))
                else:
                    source = d.t("file.sd_default", dz=d.figure(self.programme.target_effect_dz)) \
                        if plan.sd_from_default else d.t("file.sd_given")
                    lines.append(d.t("file.assumed", change=d.figure(plan.change), sd=d.figure(plan.sd),
                                     change_units=self.units(h.outcome, plan.change),
                                     sd_units=self.units(h.outcome, plan.sd), source=source))
            elif plan is not None:
                lines.append(d.t("file.out_of_reach"))
            before[h.id] = "\n".join(lines)
        return header, before_key, before

    def write(self) -> Path:
        d, a = self.d, self.answers
        toc = a.theory_of_change()
        header, before_key, before = self.comments()
        text = toc_file.render(toc, header, before_key, before)
        toc_file.check(text, a.id)
        path = self.path()
        try:
            toc_file.write(path, text, self.force)
        except FileExistsError:
            raise Stop(d.t("exists", path=path)) from None
        d.blank()
        d.say("written", path=path)
        d.say("next_steps", id=a.id)
        return path
