"""The quality rules: what Great Expectations checks on the staged tables (docs/architecture.md).

Each rule declares the warehouse tables it reads (``reads``), builds one frame
from them (all initiatives at once: the rows of one table, SQL over them, or a
function) and states its expectations per initiative as code. ``ERROR`` rules guard
results that would otherwise be wrong and block what depends on them;
``WARN`` rules ask a person to look and go into the reports.

The plain-words ``description`` of every expectation is what a coach reads on
the data-quality page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from impact import warehouse
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
    description: str
    reads: tuple[Table, ...]  # the tables its frame comes from
    expectations: Callable[[pd.DataFrame, ProgrammeYear], Sequence]
    frame: str | Frame | None = None  # SQL over ``reads``, or a function; None: every row of ``reads[0]``
    locate: Callable[[pd.DataFrame], pd.Series] | None = None  # names failing rows for people

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
        return run_rule(
            check_name=self.name,
            table_name=self.table_name,
            severity=self.severity,
            frame=frame,
            initiative_ids=initiative_ids,
            expectations=lambda part: self.expectations(part, year),
            locate=self.locate or (_locate if "source_row" in frame.columns else None),
        )


def _locate(rows: pd.DataFrame) -> pd.Series:
    return rows["source_file"] + " row " + rows["source_row"].astype(str)


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
                meta=_meta(f"'{column}' falls inside the programme year {year.year}"),
            )
        ]

    return build


def _participants_completeness(part: pd.DataFrame, year: ProgrammeYear):
    e = _gx()
    return [
        e.ExpectColumnValuesToNotBeNull(column=c, mostly=MIN_COMPLETENESS,
                                        meta=_meta(f"'{c}' is filled in for at least {MIN_COMPLETENESS:.0%} of participants"))
        for c in ("wijk", "gender")
    ]


def _left_after_enrolled(part: pd.DataFrame, year: ProgrammeYear):
    return [
        _gx().ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="left_on", column_B="enrolled_on", or_equal=True, ignore_row_if="either_value_is_missing",
            meta=_meta("a participant leaves on or after the day they enrolled"),
        )
    ]


def _one_row_per_participant(part: pd.DataFrame, year: ProgrammeYear):
    return [_gx().ExpectColumnValuesToBeUnique(column="participant_id", meta=_meta("each participant is registered once"))]


def _plausible_activities(part: pd.DataFrame, year: ProgrammeYear):
    e = _gx()
    return [
        e.ExpectColumnValuesToBeBetween(column="attendees", min_value=0, max_value=MAX_ATTENDEES,
                                        meta=_meta(f"an activity has at most {MAX_ATTENDEES} attendees")),
        e.ExpectColumnValuesToBeBetween(column="volunteer_hours", min_value=0, max_value=MAX_VOLUNTEER_HOURS,
                                        meta=_meta(f"an activity takes at most {MAX_VOLUNTEER_HOURS} volunteer hours")),
        e.ExpectColumnValuesToBeBetween(column="cost_eur", min_value=0, max_value=MAX_COST_EUR,
                                        meta=_meta(f"an activity costs at most €{MAX_COST_EUR:,}".replace(",", "."))),
    ]


def _one_response_per_wave(part: pd.DataFrame, year: ProgrammeYear):
    return [
        _gx().ExpectCompoundColumnsToBeUnique(
            column_list=["participant_id", "wave"], meta=_meta("each participant answers each wave at most once")
        )
    ]


def _follow_up_after_baseline(part: pd.DataFrame, year: ProgrammeYear):
    return [
        _gx().ExpectColumnValuesToBeBetween(
            column="days_after_baseline", min_value=1,
            meta=_meta("a participant's follow-up is answered after their baseline"),
        )
    ]


def _respondents_registered(part: pd.DataFrame, year: ProgrammeYear):
    return [
        _gx().ExpectColumnValuesToBeInSet(
            column="in_register", value_set=[True],
            meta=_meta("everyone who answered the survey is in the initiative's participant register"),
        )
    ]


def _response_and_retention(part: pd.DataFrame, year: ProgrammeYear):
    e = _gx()
    return [
        e.ExpectColumnValuesToBeBetween(
            column="baseline_response", min_value=MIN_BASELINE_RESPONSE,
            meta=_meta(f"at least {MIN_BASELINE_RESPONSE:.0%} of registered participants answered the baseline"),
        ),
        e.ExpectColumnValuesToBeBetween(
            column="retention", min_value=MIN_RETENTION,
            meta=_meta(f"at least {MIN_RETENTION:.0%} of baseline respondents answered the follow-up"),
        ),
    ]


ITEM_PREFIXES = ("djg11_", "djg6_", "rses_", "who5_", "zrm_")
NOT_ITEMS = set(tables.SURVEY_RESPONSES.column_names)  # the declared columns; the open ones are the items


def _answered_items(part: pd.DataFrame) -> list[str]:
    """The item columns this initiative used (columns of other initiatives are empty here)."""
    return [c for c in part.columns if c not in NOT_ITEMS and part[c].notna().any()]


def _item_completeness(part: pd.DataFrame, year: ProgrammeYear):
    e = _gx()
    return [
        e.ExpectColumnValuesToNotBeNull(column=c, mostly=MIN_COMPLETENESS,
                                        meta=_meta(f"item '{c}' is answered by at least {MIN_COMPLETENESS:.0%} of respondents"))
        for c in _answered_items(part)
    ]


def _plausible_answers(part: pd.DataFrame, year: ProgrammeYear):
    e = _gx()
    return [
        e.ExpectColumnStdevToBeBetween(column=c, min_value=1e-9,
                                       meta=_meta(f"answers to '{c}' vary between respondents (not all the same)"))
        for c in _answered_items(part)
        if part[c].notna().sum() >= 10
    ]


def _coaching_log_complete(part: pd.DataFrame, year: ProgrammeYear):
    return [
        _gx().ExpectColumnValuesToBeBetween(
            column="one_to_one_sessions", min_value=ONE_TO_ONE_SESSIONS, max_value=ONE_TO_ONE_SESSIONS,
            meta=_meta(f"the coaching log holds {ONE_TO_ONE_SESSIONS} one-to-one sessions for the initiative"),
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


def _no_small_groups(text: str, item: str, where: str):
    """The expectations of a free text that a report quotes (``text``: "the coaching log's notes", "the stories"):
    no group of fewer than the disclosure threshold's people, no share of a group; such an ``item`` (note, story)
    is left out of ``where`` until it is reworded."""
    def expectations(part: pd.DataFrame, year: ProgrammeYear):
        e = _gx()
        return [
            e.ExpectColumnValuesToBeBetween(
                column="smallest_count", min_value=year.disclosure_threshold,
                meta=_meta(f"{text} name no group of fewer than {year.disclosure_threshold} people "
                           f"(such a {item} is left out of {where} until it is reworded)"),
            ),
            e.ExpectColumnValuesToBeNull(
                column="shares",
                meta=_meta(f"{text} state no share of a group ('vier op de tien'), which with the group's size gives a "
                           f"count back (such a {item} is left out of {where} until it "
                           "is reworded)"),
            ),
        ]
    return expectations


_no_small_groups_in_text = _no_small_groups("the coaching log's notes", "note", "the reports")


def _stated_groups(rows: pd.DataFrame) -> pd.Series:
    phrases = rows[["counts", "shares"]].apply(lambda r: "; ".join(v for v in r if isinstance(v, str)), axis=1)
    return (rows["source_file"] + " row " + rows["source_row"].astype(str) + ", session "
            + rows["session_no"].astype(str) + " (" + rows["date"].astype(str) + "), column '" + rows["field"]
            + "': " + phrases)


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


_no_small_groups_in_stories = _no_small_groups("the stories", "story", "the yearly report")


def _stated_groups_in_stories(rows: pd.DataFrame) -> pd.Series:
    phrases = rows[["counts", "shares"]].apply(lambda r: "; ".join(v for v in r if isinstance(v, str)), axis=1)
    return rows["source_file"] + " row " + rows["source_row"].astype(str) + ", column '" + rows["field"] + "': " + phrases


def _no_direct_identifiers(part: pd.DataFrame, year: ProgrammeYear):
    return [
        _gx().ExpectColumnValuesToNotBeInSet(
            column="rule", value_set=["direct_identifier", "redacted_identifier"],
            meta=_meta("drops carry no direct identifiers (names, e-mail, phone, address, birth date, BSN)"),
        )
    ]


def _pii_rule(table: str) -> QualityRule:
    def notices(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
        return warehouse.read(con, tables.INGEST_NOTICES, where={"table_name": table},
                              columns=["initiative_id", "source_file", "column", "rule"])

    return QualityRule(
        "no_direct_identifiers", table, "WARN",
        "Drops carry no direct identifiers; columns that do were not stored and the coach should leave them out.",
        (tables.INGEST_NOTICES,), _no_direct_identifiers, notices,
        locate=lambda rows: rows["source_file"] + " column '" + rows["column"].fillna("") + "'",
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
                "The register's wijk and gender are filled in for nearly everyone.",
                (REGISTER,), _participants_completeness),
    QualityRule("dates_in_programme_year", "participants", "WARN",
                "Participants enrolled inside the programme year.",
                (REGISTER,), _in_year("enrolled_on")),
    QualityRule("left_after_enrolled", "participants", "WARN",
                "Nobody leaves before they enrolled.",
                (REGISTER,), _left_after_enrolled),
    QualityRule("one_row_per_participant", "participants", "ERROR",
                "Each participant is registered once; otherwise reach would be counted twice.",
                (REGISTER,), _one_row_per_participant),
    QualityRule("dates_in_programme_year", "activities", "WARN",
                "Activities took place inside the programme year.",
                (tables.ACTIVITIES,), _in_year("date")),
    QualityRule("plausible_values", "activities", "WARN",
                "Attendance, volunteer hours and costs per activity are within plausible bounds.",
                (tables.ACTIVITIES,), _plausible_activities),
    QualityRule("dates_in_programme_year", "survey_responses", "WARN",
                "Survey answers were given inside the programme year.",
                (SURVEY,), _in_year("responded_on")),
    QualityRule("one_response_per_participant_and_wave", "survey_responses", "ERROR",
                "Each participant answers each wave once; otherwise pairs would be wrong.",
                (SURVEY,), _one_response_per_wave),
    QualityRule("follow_up_after_baseline", "survey_responses", "ERROR",
                "Each follow-up comes after the same participant's baseline; otherwise the change has the wrong sign.",
                (SURVEY,), _follow_up_after_baseline, SURVEY_DAYS),
    QualityRule("respondents_in_register", "survey_responses", "WARN",
                "Everyone who answered the survey is in the participant register.",
                (SURVEY, REGISTER), _respondents_registered, SURVEY_REGISTER),
    QualityRule("response_and_retention", "survey_responses", "WARN",
                "Enough participants answered the baseline, and enough of them the follow-up.",
                (REGISTER, SURVEY), _response_and_retention, _survey_retention_frame),
    QualityRule("item_completeness", "survey_responses", "WARN",
                "Respondents answered nearly every item they were asked.",
                (SURVEY,), _item_completeness),
    QualityRule("plausible_answers", "survey_responses", "WARN",
                "Answers to each item vary between respondents (a column with one answer for all is suspect).",
                (SURVEY,), _plausible_answers),
    QualityRule("coaching_log_complete", "coaching_sessions", "WARN",
                f"The coaching log holds the {ONE_TO_ONE_SESSIONS} one-to-one sessions of each initiative.",
                (SESSIONS,), _coaching_log_complete, COACHING_LOG),
    QualityRule("no_small_groups_in_text", "coaching_sessions", "WARN",
                "The coaching log's notes, which the reports quote, name no small group of people.",
                (SESSIONS,), _no_small_groups_in_text, _log_text_frame, locate=_stated_groups),
    QualityRule("no_small_groups_in_stories", "stories", "WARN",
                "The stories, which the yearly report quotes, name no small group of people.",
                (tables.STORIES,), _no_small_groups_in_stories, _story_text_frame, locate=_stated_groups_in_stories),
    *(_pii_rule(t) for t in ("participants", "activities", "survey_responses", "coaching_sessions")),
)
