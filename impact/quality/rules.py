"""The quality rules: what Great Expectations checks on the staged tables (docs/architecture.md).

Each rule declares the warehouse tables it reads (``reads``), builds one frame
from them (all initiatives at once: the rows of one table, SQL over them, or a
function) and states its expectations per initiative as code. ``ERROR`` rules guard
results that would otherwise be wrong and block what depends on them;
``WARN`` rules ask a person to look and go into the reports.

The plain-words ``description`` of every expectation is what a coach reads on
the data-quality page and in ``coaching build``'s summary: a sentence from the catalogue
(``impact/language/locale/<language>/quality.yaml``) in the programme's language, naming
columns as the coach wrote them, never a table, an instrument's code or a rule.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from impact import warehouse
from impact.instruments.registry import REGISTRY, ZRM_DOMAINS, instrument_of_column
from impact.language import Translator
from impact.quality.expectations import run_rule
from impact.statistics.pairing import BASELINE, respondents_by_wave
from impact.warehouse import Table, tables

# Thresholds a person should look at (WARN).
MIN_COMPLETENESS = 0.90  # share of filled cells in a column that should be filled
MIN_BASELINE_RESPONSE = 0.60  # share of registered participants with a baseline
MIN_RETENTION = 0.50  # share of baseline respondents with a follow-up
MAX_ATTENDEES = 500
MAX_VOLUNTEER_HOURS = 200
MAX_COST_EUR = 50_000
ONE_TO_ONE_SESSIONS = 5


@dataclass(frozen=True)
class ProgrammeYear:
    year: int
    disclosure_threshold: int = 10   # programme.yaml's: the smallest group of people a report may show
    language: str = "nl"             # programme.yaml's: the language of the descriptions and of where rows are

    @functools.cached_property
    def tr(self) -> Translator:  # once per year: the suites of every initiative use it
        return Translator(self.language, self.disclosure_threshold)

    @property
    def first_day(self) -> pd.Timestamp:
        return pd.Timestamp(dt.date(self.year, 1, 1))

    @property
    def last_day(self) -> pd.Timestamp:
        return pd.Timestamp(dt.date(self.year, 12, 31))


Frame = Callable[[duckdb.DuckDBPyConnection], pd.DataFrame]


@dataclass(frozen=True)
class QualityRule:
    name: str
    table_name: str
    severity: str  # ERROR | WARN
    about: str  # what the rule checks, in plain words: the catalogue's ``quality.rule.<about>``
    reads: tuple[Table, ...]  # the tables its frame comes from
    expectations: Callable[[pd.DataFrame, ProgrammeYear], Sequence]
    frame: str | Frame | None = None  # SQL over ``reads``, or a function; None: every row of ``reads[0]``
    locate: Callable[[pd.DataFrame, Translator], pd.Series] | None = None  # names failing rows for people

    def description(self, language: str = "nl") -> str:
        """What the rule checks, in plain words."""
        return Translator(language).t(f"quality.rule.{self.about}", n=ONE_TO_ONE_SESSIONS)

    def read_frame(self, con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
        """The rule's frame, all initiatives at once; reading a table outside ``reads`` fails."""
        with warehouse.declared_reads(self.reads):
            if self.frame is None:
                return warehouse.read(con, self.reads[0])
            if isinstance(self.frame, str):
                return warehouse.query(con, self.frame, reads=self.reads)
            return self.frame(con)

    def evaluate(self, con: duckdb.DuckDBPyConnection, year: ProgrammeYear, initiative_ids: Sequence[str]) -> pd.DataFrame:
        """Run the rule on the warehouse; one result row per expectation and initiative."""
        frame = self.read_frame(con)
        locate = self.locate or (_locate if "source_row" in frame.columns else None)
        return run_rule(
            check_name=self.name,
            table_name=self.table_name,
            severity=self.severity,
            frame=frame,
            initiative_ids=initiative_ids,
            expectations=lambda part: self.expectations(part, year),
            locate=(lambda rows: locate(rows, year.tr)) if locate else None,
        )


def _locate(rows: pd.DataFrame, tr: Translator) -> pd.Series:
    """'demo/survey_2018.csv, rij 3': the file and row of each failing row."""
    return pd.Series([tr.t("quality.where.row", file=f, row=r) for f, r in zip(rows["source_file"], rows["source_row"])],
                     index=rows.index, dtype=object)


def _gx():
    import great_expectations as gx

    return gx.expectations


def _meta(text: str) -> dict:
    return {"description": text}


def _in_year(column: str):
    def build(part: pd.DataFrame, year: ProgrammeYear):
        return [
            _gx().ExpectColumnValuesToBeBetween(
                column=column, min_value=year.first_day, max_value=year.last_day,
                meta=_meta(year.tr.t("quality.expect.in_year", column=column, year=year.year)),
            )
        ]

    return build


def _participants_completeness(part: pd.DataFrame, year: ProgrammeYear):
    e = _gx()
    return [
        e.ExpectColumnValuesToNotBeNull(column=c, mostly=MIN_COMPLETENESS,
                                        meta=_meta(year.tr.t("quality.expect.filled_in", column=c,
                                                             share=year.tr.pct(MIN_COMPLETENESS))))
        for c in ("wijk", "gender")
    ]


def _left_after_enrolled(part: pd.DataFrame, year: ProgrammeYear):
    return [
        _gx().ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="left_on", column_B="enrolled_on", or_equal=True, ignore_row_if="either_value_is_missing",
            meta=_meta(year.tr.t("quality.expect.left_after_enrolled")),
        )
    ]


def _one_row_per_participant(part: pd.DataFrame, year: ProgrammeYear):
    return [_gx().ExpectColumnValuesToBeUnique(column="participant_id", meta=_meta(year.tr.t("quality.expect.registered_once")))]


def _plausible_activities(part: pd.DataFrame, year: ProgrammeYear):
    e = _gx()
    return [
        e.ExpectColumnValuesToBeBetween(column="attendees", min_value=0, max_value=MAX_ATTENDEES,
                                        meta=_meta(year.tr.t("quality.expect.max_attendees", n=year.tr.num(MAX_ATTENDEES, 0)))),
        e.ExpectColumnValuesToBeBetween(column="volunteer_hours", min_value=0, max_value=MAX_VOLUNTEER_HOURS,
                                        meta=_meta(year.tr.t("quality.expect.max_volunteer_hours",
                                                             n=year.tr.num(MAX_VOLUNTEER_HOURS, 0)))),
        e.ExpectColumnValuesToBeBetween(column="cost_eur", min_value=0, max_value=MAX_COST_EUR,
                                        meta=_meta(year.tr.t("quality.expect.max_cost", amount=year.tr.num(MAX_COST_EUR, 0)))),
    ]


def _one_response_per_wave(part: pd.DataFrame, year: ProgrammeYear):
    return [
        _gx().ExpectCompoundColumnsToBeUnique(
            column_list=["participant_id", "wave"], meta=_meta(year.tr.t("quality.expect.one_response_per_wave"))
        )
    ]


def _follow_up_after_baseline(part: pd.DataFrame, year: ProgrammeYear):
    return [
        _gx().ExpectColumnValuesToBeBetween(
            column="days_after_baseline", min_value=1,
            meta=_meta(year.tr.t("quality.expect.follow_up_after_baseline")),
        )
    ]


def _respondents_registered(part: pd.DataFrame, year: ProgrammeYear):
    return [
        _gx().ExpectColumnValuesToBeInSet(
            column="in_register", value_set=[True],
            meta=_meta(year.tr.t("quality.expect.respondent_registered")),
        )
    ]


def _response_and_retention(part: pd.DataFrame, year: ProgrammeYear):
    e = _gx()
    return [
        e.ExpectColumnValuesToBeBetween(
            column="baseline_response", min_value=MIN_BASELINE_RESPONSE,
            meta=_meta(year.tr.t("quality.expect.baseline_response", share=year.tr.pct(MIN_BASELINE_RESPONSE))),
        ),
        e.ExpectColumnValuesToBeBetween(
            column="retention", min_value=MIN_RETENTION,
            meta=_meta(year.tr.t("quality.expect.retention", share=year.tr.pct(MIN_RETENTION))),
        ),
    ]


ITEM_PREFIXES = ("djg11_", "djg6_", "rses_", "who5_", "zrm_")
NOT_ITEMS = set(tables.SURVEY_RESPONSES.column_names)  # the declared columns; the open ones are the items


def item_words(column: str, tr: Translator) -> str:
    """A survey column as a coach knows it: the column as written, and which question of which instrument it
    holds: "kolom 'djg11_3' (vraag 3 van de eenzaamheidsschaal van De Jong Gierveld met 11 vragen)"."""
    instrument = instrument_of_column(column)
    if instrument is None:
        return tr.t("quality.item.own", column=column)
    name = tr.t(f"quality.instrument.{instrument}")
    items = REGISTRY[instrument].items
    if len(items) == 1:
        return tr.t("quality.item.single", column=column, instrument=name)
    if instrument == "zrm":
        domain = column.removeprefix("zrm_")
        words = tr.t(f"zrm_domain.{domain}") if domain in ZRM_DOMAINS and tr.has(f"zrm_domain.{domain}") else domain
        return tr.t("quality.item.domain", column=column, domain=words)
    return tr.t("quality.item.numbered", column=column, n=items.index(column) + 1, instrument=name)


def _answered_items(part: pd.DataFrame) -> list[str]:
    """The item columns this initiative used (columns of other initiatives are empty here)."""
    filled = part.notna().any()
    return [c for c in part.columns if c not in NOT_ITEMS and filled[c]]


def _item_completeness(part: pd.DataFrame, year: ProgrammeYear):
    e = _gx()
    return [
        e.ExpectColumnValuesToNotBeNull(column=c, mostly=MIN_COMPLETENESS,
                                        meta=_meta(year.tr.t("quality.expect.item_answered", item=item_words(c, year.tr),
                                                             share=year.tr.pct(MIN_COMPLETENESS))))
        for c in _answered_items(part)
    ]


def _plausible_answers(part: pd.DataFrame, year: ProgrammeYear):
    e = _gx()
    return [
        e.ExpectColumnStdevToBeBetween(column=c, min_value=1e-9,
                                       meta=_meta(year.tr.t("quality.expect.answers_vary", item=item_words(c, year.tr))))
        for c in _answered_items(part)
        if part[c].notna().sum() >= 10
    ]


def _coaching_log_complete(part: pd.DataFrame, year: ProgrammeYear):
    return [
        _gx().ExpectColumnValuesToBeBetween(
            column="one_to_one_sessions", min_value=ONE_TO_ONE_SESSIONS, max_value=ONE_TO_ONE_SESSIONS,
            meta=_meta(year.tr.t("quality.expect.one_to_one_sessions", n=ONE_TO_ONE_SESSIONS)),
        )
    ]


#: The coaching log's free-text fields, which go into the reports as written.
LOG_TEXT = ("topics", "lessons", "actions")


def log_text_findings(sessions: pd.DataFrame) -> pd.DataFrame:
    """One row per session and free-text field with the groups of people its text states
    (:func:`impact.text_disclosure.small_counts`): ``smallest_count`` the smallest count of people (NULL
    when none), ``counts`` those phrases, ``shares`` the phrases that state a share of a group (NULL when
    none). The threshold is the expectation's, so the frame does not depend on the settings."""
    from impact.text_disclosure import small_counts

    rows = []
    for s in sessions.itertuples():
        for field in LOG_TEXT:
            found = small_counts(getattr(s, field), threshold=10 ** 9)
            counts = [f for f in found if f.kind != "share"]
            shares = [f.phrase for f in found if f.kind == "share"]
            rows.append({"initiative_id": s.initiative_id, "source_file": s.source_file, "source_row": s.source_row,
                         "session_no": s.session_no, "date": s.date, "field": field,
                         "smallest_count": min((f.value if f.value is not None else 1.0 for f in counts), default=None),
                         "counts": "; ".join(f"'{f.phrase}'" for f in counts) or None,
                         "shares": "; ".join(f"'{p}'" for p in shares) or None})
    return pd.DataFrame(rows, columns=["initiative_id", "source_file", "source_row", "session_no", "date", "field",
                                       "smallest_count", "counts", "shares"]).astype({"smallest_count": "float64"})


def _log_text_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return log_text_findings(warehouse.read(con, SESSIONS))


def _no_small_groups(text: str):
    """The expectations of a free text that a report quotes (``text``: ``log`` for the coaching log's notes,
    ``stories``): no group of fewer than the disclosure threshold's people, no share of a group; such a note or
    story is left out of the reports until it is reworded (``quality.expect.<text>_no_small_groups``, ``…_no_shares``)."""
    def expectations(part: pd.DataFrame, year: ProgrammeYear):
        e = _gx()
        return [
            e.ExpectColumnValuesToBeBetween(
                column="smallest_count", min_value=year.disclosure_threshold,
                meta=_meta(year.tr.t(f"quality.expect.{text}_no_small_groups", threshold=year.disclosure_threshold)),
            ),
            e.ExpectColumnValuesToBeNull(
                column="shares",
                meta=_meta(year.tr.t(f"quality.expect.{text}_no_shares")),
            ),
        ]
    return expectations


_no_small_groups_in_text = _no_small_groups("log")


def _phrases(rows: pd.DataFrame) -> pd.Series:
    return rows[["counts", "shares"]].apply(lambda r: "; ".join(v for v in r if isinstance(v, str)), axis=1)


def _stated_groups(rows: pd.DataFrame, tr: Translator) -> pd.Series:
    """'coaching_sessions.csv, rij 31, sessie 4 (1 oktober 2018), kolom 'lessons': 'zeven bewoners''."""
    return pd.Series([
        tr.t("quality.where.log", file=r.source_file, row=r.source_row, session=r.session_no, date=tr.date(r.date) if pd.notna(r.date) else "–",
             column=r.field, phrases=p)
        for r, p in zip(rows.itertuples(), _phrases(rows))], index=rows.index, dtype=object)


#: The text of a staged story, which the yearly report quotes.
STORY_TEXT = ("quote", "who")


def story_text_findings(stories: pd.DataFrame) -> pd.DataFrame:
    """One row per staged story and text field with the groups of people it states, as
    :func:`log_text_findings` does for the coaching log (``smallest_count``, ``counts``, ``shares``)."""
    from impact.text_disclosure import small_counts

    rows = []
    for s in stories.itertuples():
        for field in STORY_TEXT:
            found = small_counts(getattr(s, field), threshold=10 ** 9)
            counts = [f for f in found if f.kind != "share"]
            rows.append({"initiative_id": s.initiative_id, "source_file": s.source_file, "source_row": s.source_row,
                         "field": field, "smallest_count": min((f.value if f.value is not None else 1.0 for f in counts), default=None),
                         "counts": "; ".join(f"'{f.phrase}'" for f in counts) or None,
                         "shares": "; ".join(f"'{f.phrase}'" for f in found if f.kind == "share") or None})
    return pd.DataFrame(rows, columns=["initiative_id", "source_file", "source_row", "field", "smallest_count", "counts",
                                       "shares"]).astype({"smallest_count": "float64"})


def _story_text_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return story_text_findings(warehouse.read(con, tables.STORIES))


_no_small_groups_in_stories = _no_small_groups("stories")


def _stated_groups_in_stories(rows: pd.DataFrame, tr: Translator) -> pd.Series:
    """'nieuw-rotsoord/stories.md, verhaal 3, veld 'quote': 'zes bewoners''."""
    return pd.Series([
        tr.t("quality.where.story", file=r.source_file, row=r.source_row, column=r.field, phrases=p)
        for r, p in zip(rows.itertuples(), _phrases(rows))], index=rows.index, dtype=object)


def _no_direct_identifiers(part: pd.DataFrame, year: ProgrammeYear):
    return [
        _gx().ExpectColumnValuesToNotBeInSet(
            column="rule", value_set=["direct_identifier", "redacted_identifier"],
            meta=_meta(year.tr.t("quality.expect.no_direct_identifiers")),
        )
    ]


def _pii_rule(table: str) -> QualityRule:
    def notices(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
        return warehouse.read(con, tables.INGEST_NOTICES, where={"table_name": table},
                              columns=["initiative_id", "source_file", "column", "rule"])

    return QualityRule(
        "no_direct_identifiers", table, "WARN", "no_direct_identifiers",
        (tables.INGEST_NOTICES,), _no_direct_identifiers, notices,
        locate=lambda rows, tr: pd.Series([tr.t("quality.where.column", file=f, column=c)
                                           for f, c in zip(rows["source_file"], rows["column"].fillna(""))],
                                          index=rows.index, dtype=object),
    )


SURVEY, REGISTER, SESSIONS = tables.SURVEY_RESPONSES, tables.PARTICIPANTS, tables.COACHING_SESSIONS

SURVEY_DAYS = f"""
    WITH b AS (SELECT initiative_id, participant_id, min(responded_on) AS baseline_on
               FROM {SURVEY.name} WHERE wave = '{BASELINE}' GROUP BY ALL)
    SELECT s.initiative_id, s.source_file, s.source_row, date_diff('day', b.baseline_on, s.responded_on) AS days_after_baseline
    FROM {SURVEY.name} s JOIN b USING (initiative_id, participant_id)
    WHERE s.wave <> '{BASELINE}'
"""
SURVEY_REGISTER = f"""
    SELECT s.initiative_id, s.source_file, s.source_row, p.participant_id IS NOT NULL AS in_register
    FROM {SURVEY.name} s
    LEFT JOIN (SELECT DISTINCT initiative_id, participant_id FROM {REGISTER.name}) p USING (initiative_id, participant_id)
"""
COACHING_LOG = f"""
    SELECT initiative_id, count(*) FILTER (WHERE kind = 'one_to_one') AS one_to_one_sessions
    FROM {SESSIONS.name} WHERE initiative_id <> 'all' GROUP BY ALL
"""


def survey_retention(participants: pd.DataFrame, survey: pd.DataFrame) -> pd.DataFrame:
    """Per initiative with a register: ``registered``, ``baseline`` and ``paired`` respondents,
    ``baseline_response`` (baseline / registered) and ``retention`` (paired / baseline, 0 without baselines).

    Respondents are counted by :func:`impact.statistics.pairing.respondents_by_wave`, as the
    indicators count them. The rows come from the register, so an initiative whose survey drops
    were all refused shows 0, not nothing.
    """
    registered = participants.groupby("initiative_id")["participant_id"].nunique().rename("registered")
    registered = registered[registered > 0]
    counts = respondents_by_wave(survey).groupby("initiative_id")[[BASELINE, "paired"]].sum()
    frame = registered.to_frame().join(counts, how="left").fillna({BASELINE: 0, "paired": 0})
    frame = frame.astype({"registered": "int64", BASELINE: "int64", "paired": "int64"})
    frame["baseline_response"] = frame[BASELINE] / frame["registered"]
    frame["retention"] = (frame["paired"] / frame[BASELINE].where(frame[BASELINE] > 0)).fillna(0.0)
    return frame.rename_axis("initiative_id").reset_index()


def _survey_retention_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    keys = ["initiative_id", "participant_id"]
    return survey_retention(warehouse.read(con, REGISTER, columns=keys),
                            warehouse.read(con, SURVEY, columns=[*keys, "wave"]))


RULES: tuple[QualityRule, ...] = (
    QualityRule("completeness", "participants", "WARN",
                "completeness",
                (REGISTER,), _participants_completeness),
    QualityRule("dates_in_programme_year", "participants", "WARN",
                "enrolled_in_year",
                (REGISTER,), _in_year("enrolled_on")),
    QualityRule("left_after_enrolled", "participants", "WARN",
                "left_after_enrolled",
                (REGISTER,), _left_after_enrolled),
    QualityRule("one_row_per_participant", "participants", "ERROR",
                "one_row_per_participant",
                (REGISTER,), _one_row_per_participant),
    QualityRule("dates_in_programme_year", "activities", "WARN",
                "activities_in_year",
                (tables.ACTIVITIES,), _in_year("date")),
    QualityRule("plausible_values", "activities", "WARN",
                "plausible_activities",
                (tables.ACTIVITIES,), _plausible_activities),
    QualityRule("dates_in_programme_year", "survey_responses", "WARN",
                "responses_in_year",
                (SURVEY,), _in_year("responded_on")),
    QualityRule("one_response_per_participant_and_wave", "survey_responses", "ERROR",
                "one_response_per_wave",
                (SURVEY,), _one_response_per_wave),
    QualityRule("follow_up_after_baseline", "survey_responses", "ERROR",
                "follow_up_after_baseline",
                (SURVEY,), _follow_up_after_baseline, SURVEY_DAYS),
    QualityRule("respondents_in_register", "survey_responses", "WARN",
                "respondents_in_register",
                (SURVEY, REGISTER), _respondents_registered, SURVEY_REGISTER),
    QualityRule("response_and_retention", "survey_responses", "WARN",
                "response_and_retention",
                (REGISTER, SURVEY), _response_and_retention, _survey_retention_frame),
    QualityRule("item_completeness", "survey_responses", "WARN",
                "item_completeness",
                (SURVEY,), _item_completeness),
    QualityRule("plausible_answers", "survey_responses", "WARN",
                "plausible_answers",
                (SURVEY,), _plausible_answers),
    QualityRule("coaching_log_complete", "coaching_sessions", "WARN",
                "coaching_log_complete",
                (SESSIONS,), _coaching_log_complete, COACHING_LOG),
    QualityRule("no_small_groups_in_text", "coaching_sessions", "WARN",
                "no_small_groups_in_text",
                (SESSIONS,), _no_small_groups_in_text, _log_text_frame, locate=_stated_groups),
    QualityRule("no_small_groups_in_stories", "stories", "WARN",
                "no_small_groups_in_stories",
                (tables.STORIES,), _no_small_groups_in_stories, _story_text_frame, locate=_stated_groups_in_stories),
    *(_pii_rule(t) for t in ("participants", "activities", "survey_responses", "coaching_sessions")),
)
