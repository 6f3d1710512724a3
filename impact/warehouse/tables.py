"""Every warehouse table, declared once: its name, columns (type and meaning), key and writers.

The warehouse creates its tables from these declarations (``impact.warehouse.connect``),
casts every write to the declared types and refuses a column nobody declared
(``replace_rows``); ``read`` returns the declared columns, also from an empty table.
The assets take their ``deps`` from the tables they read (:func:`writers_of`), and the
table reference in docs/warehouse.md is generated from here
(``python -m impact.warehouse --update docs/warehouse.md``; a test keeps the two equal).

"Key" is the set of columns that identifies a row. DuckDB is not asked to enforce it
(an index would slow the delete-and-insert of every rebuild); the contract and the
quality rules do.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

VARCHAR, BIGINT, DOUBLE, BOOLEAN, DATE, VARCHAR_LIST = "VARCHAR", "BIGINT", "DOUBLE", "BOOLEAN", "DATE", "VARCHAR[]"

#: How a declared type looks in pandas (what DuckDB's ``.df()`` gives, too).
PANDAS_DTYPES = {VARCHAR: "object", BIGINT: "Int64", DOUBLE: "float64", BOOLEAN: "boolean",
                 DATE: "datetime64[us]", VARCHAR_LIST: "object"}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    meaning: str
    not_null: bool = False

    @property
    def ddl(self) -> str:
        return f'"{self.name}" {self.type}{" NOT NULL" if self.not_null else ""}'


@dataclass(frozen=True)
class OpenColumns:
    """Columns not known in advance (one per survey item), all of one type."""

    type: str
    meaning: str


@dataclass(frozen=True)
class Table:
    name: str  # schema.table
    about: str
    written_by: tuple[str, ...]  # the assets (or asset checks) that write it
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    open_columns: OpenColumns | None = None
    notes: str = ""
    column_names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_names", tuple(c.name for c in self.columns))
        missing = set(self.key) - set(self.column_names)
        if missing:
            raise ValueError(f"{self.name}: key column(s) {sorted(missing)} are not declared")

    @property
    def schema(self) -> str:
        return self.name.split(".")[0]

    @property
    def per_initiative(self) -> bool:
        return "initiative_id" in self.column_names

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        if self.open_columns is not None:
            return Column(name, self.open_columns.type, self.open_columns.meaning)
        raise KeyError(f"{self.name} has no column {name!r}")

    def ddl(self) -> str:
        return f"CREATE TABLE IF NOT EXISTS {self.name} ({', '.join(c.ddl for c in self.columns)})"

    def empty(self) -> pd.DataFrame:
        """No rows, the declared columns with their types."""
        return self.conform(pd.DataFrame(columns=list(self.column_names)))

    def conform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with exactly the declared columns (open ones kept after them), in order and typed.

        A column the declaration does not have is an error: it would otherwise vanish on the way in.
        """
        extra = [c for c in frame.columns if c not in self.column_names]
        if extra and self.open_columns is None:
            raise ValueError(f"{self.name}: column(s) {extra} are not declared in impact/warehouse/tables.py")
        out = frame.reindex(columns=[*self.column_names, *extra]).reset_index(drop=True)
        for name in out.columns:
            out[name] = _as(out[name], self.column(name).type)
        return out


def _as(values: pd.Series, sql_type: str) -> pd.Series:
    dtype = PANDAS_DTYPES[sql_type]
    if sql_type == DATE:
        return pd.to_datetime(values).astype(dtype)
    if sql_type == VARCHAR or sql_type == VARCHAR_LIST:
        return values.astype("object").where(values.notna(), None) if len(values) else values.astype("object")
    return values.astype(dtype)


def _lineage(initiative_meaning: str = "the initiative (its folder name under `raw_data/`)") -> tuple[Column, ...]:
    return (
        Column("initiative_id", VARCHAR, initiative_meaning),
        Column("source_file", VARCHAR, "the drop the row came from, relative to `raw_data/`, with `/`"),
        Column("source_sha256", VARCHAR, "SHA-256 of that drop"),
        Column("source_row", BIGINT, "data row number in the drop (1 = the row after the header)"),
    )


STAGED_WRITERS = ("participants", "activities", "survey_responses", "coaching_sessions", "stories")

# --- staging -------------------------------------------------------------------------------------

PARTICIPANTS = Table(
    "staging.participants", "Participants of each initiative's register that passed the contract.",
    written_by=("participants",), key=("initiative_id", "participant_id"),
    columns=(
        *_lineage(),
        Column("participant_id", VARCHAR, "pseudonym: keyed HMAC-SHA256 of the initiative's own participant code (`p_` + 24 hex characters)"),
        Column("enrolled_on", DATE, "enrolment date"),
        Column("wijk", VARCHAR, "one of the ten wijken, or NULL"),
        Column("age_band", VARCHAR, "`0-11` … `75+`"),
        Column("gender", VARCHAR, "`v`, `m`, `x` or NULL"),
        Column("left_on", DATE, "date of leaving, or NULL"),
    ),
)

ACTIVITIES = Table(
    "staging.activities", "Each initiative's activity log, as far as it passed the contract.",
    written_by=("activities",), key=("initiative_id", "source_file", "source_row"),
    columns=(
        *_lineage(),
        Column("date", DATE, "date of the activity"),
        Column("activity", VARCHAR, "description (identifiers redacted, formulas neutralised)"),
        Column("attendees", BIGINT, "attendance"),
        Column("volunteers", BIGINT, "volunteers at the activity, or NULL"),
        Column("volunteer_hours", DOUBLE, "volunteer hours, or NULL"),
        Column("cost_eur", DOUBLE, "cost in euros, or NULL"),
    ),
)

SURVEY_RESPONSES = Table(
    "staging.survey_responses", "Survey answers, one row per participant and wave, as answer codes.",
    written_by=("survey_responses",), key=("initiative_id", "participant_id", "wave"),
    columns=(
        *_lineage(),
        Column("participant_id", VARCHAR, "pseudonym"),
        Column("wave", VARCHAR, "`baseline`, `follow_up`, or a further wave of the Theory of Change"),
        Column("responded_on", DATE, "date of answering"),
    ),
    open_columns=OpenColumns(
        DOUBLE,
        "one column per item: the answer code of a registered instrument's item (`djg11_3`, `rses_9`, `who5_2`, "
        "`life_satisfaction`, `participation_ladder`, `zrm_financien`, …) or a custom outcome's value "
        "(`has_paid_work`, `social_network`, …); NULL when not answered. The columns are the union over all "
        "initiatives; an initiative's unused columns are NULL",
    ),
)

COACHING_SESSIONS = Table(
    "staging.coaching_sessions", "The programme's coaching log (not partitioned: one log for the year).",
    written_by=("coaching_sessions",), key=("initiative_id", "kind", "session_no"),
    columns=(
        *_lineage("the initiative the session was with; `all` for plenary sessions"),
        Column("kind", VARCHAR, "`plenary`, `one_to_one`, `closing`"),
        Column("session_no", BIGINT, "session number"),
        Column("date", DATE, "date of the session"),
        Column("theme", VARCHAR, "coaching theme or NULL"),
        Column("topics", VARCHAR, "free text as the coach wrote it (identifiers redacted)"),
        Column("lessons", VARCHAR, "free text as the coach wrote it (identifiers redacted)"),
        Column("actions", VARCHAR, "free text as the coach wrote it (identifiers redacted)"),
    ),
)

STORIES = Table(
    "staging.stories",
    "Participants' stories of each initiative (`stories*.yaml|md`) whose teller gave consent and that passed the "
    "contract. A story without consent never gets here: it is in `staging.quarantine` (rule `no_consent`) without "
    "its text.",
    written_by=("stories",), key=("initiative_id", "source_file", "source_row"),
    columns=(
        *_lineage(),
        Column("who", VARCHAR, "who told it, in general terms (`deelnemer, 70+`, `vrijwilliger`); never a name"),
        Column("quote", VARCHAR, "the story as a quote, white space made single; no participant codes, e-mail addresses "
                                 "or phone numbers (such a story is quarantined)"),
        Column("outcome_id", VARCHAR, "the outcome of the Theory of Change it is about, or NULL"),
        Column("date", DATE, "when it was told, or NULL"),
    ),
    notes="`source_row` is the story's number in its file (1 = the first story). Consent was given for every row. "
          "Whether a report shows a story is decided when it is published: one that names a group of fewer people "
          "than the disclosure threshold (or a masked count, or a share of a group) is withheld there.",
)

#: A drop's hash where a drop may have been refused without being opened.
UNREAD_SHA256 = "its SHA-256; NULL when the drop was refused unread: a symbolic link or a path outside raw_data/"

QUARANTINE = Table(
    "staging.quarantine",
    "Everything set aside: one entry per broken cell, per row for cross-drop rules, or per file for a refused drop. "
    "Each staged-table asset replaces the entries of its own `table_name`.",
    written_by=STAGED_WRITERS, key=(),
    columns=(
        Column("initiative_id", VARCHAR, "the initiative (`all` for the coaching log)", not_null=True),
        Column("table_name", VARCHAR, "`participants`, `activities`, `survey_responses`, `coaching_sessions` or `stories`",
               not_null=True),
        Column("source_file", VARCHAR, "the drop", not_null=True),
        Column("source_sha256", VARCHAR, UNREAD_SHA256),
        Column("source_row", BIGINT, "the row (for `stories`: the story's number); NULL when the whole drop is refused"),
        Column("column", VARCHAR, "the column; `(whole row)` for cross-drop rules; `(beyond the last column)` for extra "
                                  "values; NULL for a refused drop"),
        Column("value", VARCHAR, "the value as written, unless it may identify someone: a participant code is shown as "
                                 "its pseudonym, a distinctive code in another column as `[participant code]`, a value "
                                 "that looks like a name, address, postcode, e-mail, phone number, BSN or birth date is "
                                 "NULL (the message says so)"),
        Column("rule", VARCHAR, "why (see raw-data-contract.md)", not_null=True),
        Column("message", VARCHAR, "a sentence for the coach naming file, row, column and what was expected", not_null=True),
    ),
    notes="Quarantined rows per drop are `count(DISTINCT source_row)`; a refused drop counts all its rows.",
)

DROPS = Table(
    "staging.drops", "One row per drop read: the row accounting.",
    written_by=STAGED_WRITERS, key=("table_name", "source_file"),
    columns=(
        Column("initiative_id", VARCHAR, "the initiative (`all` for the coaching log)", not_null=True),
        Column("table_name", VARCHAR, "the staged table", not_null=True),
        Column("source_file", VARCHAR, "the drop", not_null=True),
        Column("source_sha256", VARCHAR, UNREAD_SHA256),
        Column("raw_rows", BIGINT, "non-blank data rows read (for `stories`: stories)", not_null=True),
        Column("staged_rows", BIGINT, "rows in the staged table", not_null=True),
        Column("quarantined_rows", BIGINT, "rows set aside (all rows when refused)", not_null=True),
        Column("refused", BOOLEAN, "the whole drop was refused", not_null=True),
    ),
    notes="`raw_rows = staged_rows + quarantined_rows` holds for every row; the asset check `raw_rows_add_up` "
          "verifies it against the tables themselves.",
)

INGEST_NOTICES = Table(
    "staging.ingest_notices",
    "What was not stored although no row was quarantined: columns outside the contract, direct identifiers, "
    "redactions, files not read.",
    written_by=(*STAGED_WRITERS, "drop_inventory"), key=(),
    columns=(
        Column("initiative_id", VARCHAR, "the initiative", not_null=True),
        Column("table_name", VARCHAR, "the staged table (`drop_inventory` for files not read)", not_null=True),
        Column("source_file", VARCHAR, "the drop", not_null=True),
        Column("column", VARCHAR, "the column concerned, if any"),
        Column("rule", VARCHAR, "`direct_identifier`, `unknown_item`, `unknown_column`, `redacted_identifier`, "
                                "`formula_neutralised`, `reading`, `unrecognised_file`", not_null=True),
        Column("message", VARCHAR, "the sentence shown to the coach", not_null=True),
    ),
)

DROP_INVENTORY = Table(
    "staging.drop_inventory", "Every entry of every initiative folder.",
    written_by=("drop_inventory",), key=("initiative_id", "source_file"),
    columns=(
        Column("initiative_id", VARCHAR, "the initiative"),
        Column("source_file", VARCHAR, "path relative to `raw_data/` (a folder ends in `/`)"),
        Column("kind", VARCHAR, "`participants`, `activities`, `survey`, `stories`, `theory_of_change`, or NULL when not "
                                "read"),
        Column("bytes", BIGINT, "file size; NULL for a folder, a symbolic link or a path outside raw_data/ (not read)"),
        Column("source_sha256", VARCHAR, "SHA-256; NULL for a folder, a symbolic link or a path outside raw_data/ "
                                         "(not read)"),
        Column("message", VARCHAR, "why the entry is not read; NULL when it is"),
    ),
)

# --- programme -----------------------------------------------------------------------------------

SETTINGS = Table(
    "programme.settings", "The programme's settings from `raw_data/programme.yaml`: one row.",
    written_by=("programme",), key=(),
    columns=(
        Column("name", VARCHAR, "the programme's name"),
        Column("municipality", VARCHAR, "the municipality"),
        Column("year", BIGINT, "the programme year"),
        Column("alpha", DOUBLE, "significance level"),
        Column("multiple_testing", VARCHAR, "`holm` or `none`"),
        Column("min_pairs", BIGINT, "default minimum number of pairs for a test"),
        Column("disclosure_threshold", BIGINT, "smallest number of people a published figure may rest on"),
        Column("min_reliability", DOUBLE, "Cronbach's alpha below which a hypothesis gets `unreliable_measurement`"),
        Column("target_effect_dz", DOUBLE, "the change (Cohen's d_z) the next year's sample is planned to detect"),
        Column("discount_rate", DOUBLE, "SROI discount rate"),
        Column("closing_meeting", DATE, "date of the closing meeting; every report is dated at it"),
        Column("language", VARCHAR, "`nl` or `en`: the reports' language"),
        Column("synthetic", BOOLEAN, "the data are synthetic (the reports say so)"),
        Column("description", VARCHAR, "free text"),
        Column("source_sha256", VARCHAR, "SHA-256 of `programme.yaml`"),
    ),
)

INITIATIVES = Table(
    "programme.initiatives", "One row per initiative with a valid Theory of Change.",
    written_by=("theory_of_change",), key=("initiative_id",),
    columns=(
        Column("initiative_id", VARCHAR, "the initiative"),
        Column("name", VARCHAR, "its name"),
        Column("kind", VARCHAR, "resident initiative or social enterprise"),
        Column("problem", VARCHAR, "the problem it addresses"),
        Column("target_group", VARCHAR, "who it is for"),
        Column("activities", VARCHAR_LIST, "its activities, in the Theory of Change's order"),
        Column("impact", VARCHAR, "the impact it aims at"),
        Column("waves", VARCHAR_LIST, "its survey waves, in order (`baseline`, `follow_up`, …)"),
        Column("sroi_inputs_eur", DOUBLE, "the investment for the SROI, or NULL"),
        Column("budget_eur", DOUBLE, "the initiative's total cost in the year (all funding), or NULL"),
        Column("source_file", VARCHAR, "its `theory_of_change.yaml`, relative to `raw_data/`"),
        Column("source_sha256", VARCHAR, "SHA-256 of that file"),
    ),
)

OUTPUTS = Table(
    "programme.outputs", "The output targets of each Theory of Change.",
    written_by=("theory_of_change",), key=("initiative_id", "output_id"),
    columns=(
        Column("initiative_id", VARCHAR, "the initiative"),
        Column("output_id", VARCHAR, "the output"),
        Column("label", VARCHAR, "in words"),
        Column("target", DOUBLE, "the target for the year"),
        Column("unit", VARCHAR, "what is counted"),
        Column("measure", VARCHAR, "the quantity that realises it: `participants`, `sessions`, `attendance`, "
                                   "`volunteer_hours`, `volunteers`, `cost_eur` or `log_rows`; NULL: not measured"),
        Column("activities", VARCHAR_LIST, "the activity names whose rows of the activity log count, or NULL"),
        Column("activity_pattern", VARCHAR, "the regular expression an activity's name must match to count, or NULL "
                                            "(neither: every activity)"),
    ),
)

OUTCOMES = Table(
    "programme.outcomes", "The outcomes of each Theory of Change and how they are measured.",
    written_by=("theory_of_change",), key=("initiative_id", "outcome_id"),
    columns=(
        Column("initiative_id", VARCHAR, "the initiative"),
        Column("outcome_id", VARCHAR, "the outcome"),
        Column("label", VARCHAR, "in words"),
        Column("instrument", VARCHAR, "a registered instrument or `custom`"),
        Column("type", VARCHAR, "for custom outcomes: `numeric`, `ordinal` or `binary`"),
        Column("min", DOUBLE, "smallest possible value (custom outcomes)"),
        Column("max", DOUBLE, "largest possible value (custom outcomes)"),
        Column("unit", VARCHAR, "unit (custom outcomes)"),
        Column("higher_is_better", BOOLEAN, "custom outcomes only; NULL for registered instruments"),
    ),
)

HYPOTHESES = Table(
    "programme.hypotheses", "The hypotheses of each Theory of Change, as declared.",
    written_by=("theory_of_change",), key=("initiative_id", "hypothesis_id"),
    columns=(
        Column("initiative_id", VARCHAR, "the initiative"),
        Column("hypothesis_id", VARCHAR, "the hypothesis"),
        Column("outcome_id", VARCHAR, "the outcome it is about"),
        Column("statement", VARCHAR, "in words"),
        Column("design", VARCHAR, "the design (`pre_post`)"),
        Column("test", VARCHAR, "as declared, may be `auto`"),
        Column("direction", VARCHAR, "`increase` or `decrease`"),
        Column("alternative", VARCHAR, "`two-sided`, `greater` or `less`"),
        Column("min_pairs", BIGINT, "minimum number of pairs; NULL = the programme's default"),
        Column("primary", BOOLEAN, "member of the Holm family"),
        Column("discussion", VARCHAR, "the initiative's own reading of the result, agreed in coaching; NULL = none"),
    ),
)

SROI_ASSUMPTIONS = Table(
    "programme.sroi_assumptions", "The SROI assumptions per outcome, as declared.",
    written_by=("theory_of_change",), key=("initiative_id", "outcome_id"),
    columns=(
        Column("initiative_id", VARCHAR, "the initiative"),
        Column("outcome_id", VARCHAR, "the outcome valued"),
        Column("quantity", VARCHAR, "a number or `from_data`"),
        Column("meaningful_change", DOUBLE, "`from_data`: the least change (in score units) that counts; NULL: any change"),
        Column("proxy_eur", DOUBLE, "financial proxy per unit"),
        Column("proxy_source", VARCHAR, "where the proxy comes from"),
        Column("deadweight", DOUBLE, "share that would have happened anyway"),
        Column("displacement", DOUBLE, "share displaced elsewhere"),
        Column("attribution", DOUBLE, "share owed to others"),
        Column("drop_off", DOUBLE, "yearly decline after year 1"),
        Column("duration_years", BIGINT, "years the outcome lasts"),
        Column("non_respondents", VARCHAR, "`from_data`: how participants without both measurements count, "
                                           "`zero` or `respondents_rate` (the Theory of Change's `sroi.non_respondents`)"),
    ),
)

INITIATIVE_FOLDERS = Table(
    "programme.initiative_folders",
    "Every folder of `raw_data/` holding a `theory_of_change.yaml`: the initiatives the programme expects, and "
    "whether each was accepted as one (raw-data-contract.md, \"Initiative folders\"). The programme's reports "
    "name every expected initiative they leave out, and why.",
    written_by=("programme",), key=("folder",),
    columns=(
        Column("folder", VARCHAR, "the folder's name as it is on disk", not_null=True),
        Column("initiative_id", VARCHAR, "the folder's name when it is accepted as an initiative; NULL when refused"),
        Column("name", VARCHAR, "the `name` its Theory of Change gives, where the file can be read"),
        Column("problem", VARCHAR, "why the folder is refused: `symbolic_link`, `outside_raw_data`, `not_a_slug` or "
                                   "`id_not_folder`; NULL when accepted"),
        Column("message", VARCHAR, "the problem in words for the coach, naming the folder (and the `id`)"),
    ),
)

CONFIG_ERRORS = Table(
    "programme.config_errors",
    "One row per problem of a Theory of Change that could not be used (that initiative has no rows in the other "
    "`programme.*` tables).",
    written_by=("theory_of_change",), key=(),
    columns=(
        Column("initiative_id", VARCHAR, "the initiative"),
        Column("source_file", VARCHAR, "its `theory_of_change.yaml`"),
        Column("problem", VARCHAR, "what is wrong, in words"),
    ),
)

# --- quality -------------------------------------------------------------------------------------

QUALITY_RESULTS = Table(
    "quality.quality_results",
    "One row per check, table, initiative and expectation. Every asset check replaces its own rows "
    "(`check_name` and `table_name`).",
    written_by=("quality checks",), key=(),
    columns=(
        Column("check_name", VARCHAR, "the asset check (`raw_rows_add_up`, `completeness`, `reliability`, …)"),
        Column("table_name", VARCHAR, "the staged table checked, or `outcome_scores`"),
        Column("initiative_id", VARCHAR, "the initiative"),
        Column("severity", VARCHAR, "`ERROR` or `WARN`"),
        Column("outcome", VARCHAR, "`passed`, `warning` (WARN not met) or `failed` (ERROR not met)"),
        Column("expectation", VARCHAR, "the GX expectation type (e.g. `expect_column_values_to_be_between`) or a "
                                       "description for non-GX checks"),
        Column("column", VARCHAR, "the column(s); for reliability `<outcome> (<instrument>), <wave>`"),
        Column("outcome_id", VARCHAR, "the outcome a check is about (reliability), else NULL"),
        Column("wave", VARCHAR, "the wave a check is about (reliability), else NULL"),
        Column("element_count", BIGINT, "rows (or drops, or complete cases) evaluated"),
        Column("unexpected_count", BIGINT, "rows (or drops) not as expected"),
        Column("unexpected_percent", DOUBLE, "their percentage"),
        Column("observed_value", VARCHAR, "what was found (a share, an alpha, `100 raw = 100 staged + 0 quarantined`)"),
        Column("expected", VARCHAR, "the expectation's parameters"),
        Column("description", VARCHAR, "the plain-words rule, as coaches read it"),
        Column("failing_rows", VARCHAR, "up to ten places, `<file> row <n>`"),
    ),
)

# --- marts ---------------------------------------------------------------------------------------

OUTCOME_SCORES = Table(
    "marts.outcome_scores",
    "One row per participant, wave and outcome: the score of the registered instrument or the custom outcome's value.",
    written_by=("outcome_scores",), key=("initiative_id", "participant_id", "wave", "outcome_id"),
    columns=(
        Column("initiative_id", VARCHAR, "the initiative"),
        Column("participant_id", VARCHAR, "pseudonym"),
        Column("wave", VARCHAR, "the wave"),
        Column("responded_on", DATE, "date of answering"),
        Column("outcome_id", VARCHAR, "the outcome"),
        Column("instrument", VARCHAR, "the instrument that scored it, or `custom`"),
        Column("score", DOUBLE, "the score on the instrument's scale; NULL when too few items were answered"),
        Column("category", VARCHAR, "the instrument's category (e.g. `moderately_lonely`), or NULL"),
        Column("items_answered", BIGINT, "items answered"),
        Column("items_total", BIGINT, "items the instrument has"),
        Column("subscale_emotional", DOUBLE, "De Jong Gierveld: emotional loneliness, else NULL"),
        Column("subscale_social", DOUBLE, "De Jong Gierveld: social loneliness, else NULL"),
    ),
)

INDICATORS = Table(
    "marts.indicators",
    "Indicators per initiative for each quarter and the year (long format).",
    written_by=("indicators",), key=("initiative_id", "period", "indicator_id"),
    columns=(
        Column("initiative_id", VARCHAR, "the initiative"),
        Column("period", VARCHAR, "`2018-Q1` … `2018-Q4`, or `2018`"),
        Column("indicator_id", VARCHAR, "e.g. `participants_reached`, `mean_score.loneliness.baseline`, "
                                        "`reach_wijk.Overvecht`, `output.home_visits`, `realisation.home_visits`"),
        Column("label", VARCHAR, "plain-words label"),
        Column("value", DOUBLE, "the value"),
        Column("n", BIGINT, "people (or activities) it rests on"),
        Column("unit", VARCHAR, "`persons`, `activities`, `sessions`, `rows`, `attendances`, `hours`, `volunteer shifts`, "
                                "`EUR`, `share`, `score`"),
        Column("target", DOUBLE, "the Theory of Change target, where an output measures this indicator"),
        Column("suppressed", BOOLEAN, "person-based and `n` below the disclosure threshold"),
    ),
)

_HYPOTHESIS_COLUMNS = (
    Column("initiative_id", VARCHAR, "the initiative"),
    Column("hypothesis_id", VARCHAR, "the hypothesis"),
    Column("outcome_id", VARCHAR, "the outcome tested"),
    Column("statement", VARCHAR, "the hypothesis in words"),
    Column("primary", BOOLEAN, "member of the Holm family"),
    Column("direction", VARCHAR, "`increase` or `decrease`"),
    Column("test", VARCHAR, "the test that ran: `paired_t`, `wilcoxon`, `mcnemar` (`auto` resolved)"),
    Column("alternative", VARCHAR, "`two-sided`, `greater`, `less`, about follow-up − baseline"),
    Column("n_baseline", BIGINT, "people with a score at baseline"),
    Column("n_follow_up", BIGINT, "people with a score at follow-up"),
    Column("n_pairs", BIGINT, "people with a score at both"),
    Column("mean_baseline", DOUBLE, "mean over the pairs at baseline (share for McNemar)"),
    Column("mean_follow_up", DOUBLE, "mean over the pairs at follow-up (share for McNemar)"),
    Column("mean_difference", DOUBLE, "follow-up − baseline over the pairs (difference in proportions for McNemar)"),
    Column("estimate", DOUBLE, "what the test is about, follow-up − baseline: the mean difference (paired t), the "
                               "Hodges–Lehmann pseudo-median (Wilcoxon), the difference in proportions (McNemar)"),
    Column("estimate_kind", VARCHAR, "`mean_difference`, `pseudo_median` or `difference_in_proportions`"),
    Column("ci_low", DOUBLE, "lower end of the interval of `estimate` (one-sided tests: may be infinite)"),
    Column("ci_high", DOUBLE, "upper end of that interval"),
    Column("ci_level", DOUBLE, "confidence of that interval: the programme's (0.95) unless it is not attainable "
                               "from so few differences (Wilcoxon; the level R lowers it to), NULL without one"),
    Column("statistic", DOUBLE, "t; W+ for Wilcoxon; the number of 0 → 1 changes, or chi-square, for McNemar"),
    Column("df", DOUBLE, "degrees of freedom (t: n − 1; McNemar chi-square: 1), else NULL"),
    Column("p_value", DOUBLE, "p of the test as declared (two-sided, or one-sided in the declared direction)"),
    Column("p_value_opposite", DOUBLE, "one-sided hypotheses: p of the same test in the other direction; else NULL"),
    Column("p_adjusted", DOUBLE, "the p the verdict is read from: Holm-adjusted across the primary hypotheses (for a "
                                 "one-sided hypothesis after splitting alpha between the two directions); secondary "
                                 "hypotheses are not adjusted"),
    Column("effect_size", DOUBLE, "the effect size"),
    Column("effect_size_kind", VARCHAR, "`cohen_dz`, `rank_biserial` or `odds_ratio`"),
    Column("effect_size_ci_low", DOUBLE, "lower end of its interval"),
    Column("effect_size_ci_high", DOUBLE, "upper end of its interval"),
    Column("sd_difference", DOUBLE, "standard deviation of follow-up − baseline over the pairs (of the 0/1 values for "
                                    "McNemar)"),
    Column("discordant_share", DOUBLE, "McNemar: share of the pairs that changed (0 → 1 or 1 → 0); else NULL"),
    Column("mde", DOUBLE, "minimum detectable effect at 80 % power, in the unit of `estimate`, at `mde_alpha`"),
    Column("mde_alpha", DOUBLE, "the significance level the minimum detectable effect is computed at: the smallest "
                                "level the hypothesis can face under Holm (alpha / family size), alpha for a secondary"),
    Column("mde_method", VARCHAR, "how the minimum detectable effect was computed"),
    Column("min_pairs", BIGINT, "the minimum number of pairs that applied"),
    Column("reliability_baseline", DOUBLE, "Cronbach's alpha of the outcome's items at baseline (all respondents); "
                                           "NULL for a single-item or custom outcome"),
    Column("reliability_baseline_ci_low", DOUBLE, "lower end of its 95 % Feldt interval"),
    Column("reliability_baseline_ci_high", DOUBLE, "upper end of its 95 % Feldt interval"),
    Column("reliability_follow_up", DOUBLE, "Cronbach's alpha at follow-up"),
    Column("reliability_follow_up_ci_low", DOUBLE, "lower end of its 95 % Feldt interval"),
    Column("reliability_follow_up_ci_high", DOUBLE, "upper end of its 95 % Feldt interval"),
    Column("verdict", VARCHAR, "`supported`, `contradicted`, `not_shown`, `unreliable_measurement`, "
                               "`insufficient_data`"),
    Column("suppressed", BOOLEAN, "`n_pairs` below the disclosure threshold"),
    Column("method", VARCHAR, "the exact test variant"),
    Column("notes", VARCHAR, "pairing, test choice, cut-off, MDE caveat, attrition, Holm family"),
)

HYPOTHESIS_TESTS = Table(
    "marts.hypothesis_tests",
    "The tests per initiative, before the Holm correction (`p_adjusted` and `verdict` are NULL here).",
    written_by=("hypothesis_tests",), key=("initiative_id", "hypothesis_id"), columns=_HYPOTHESIS_COLUMNS,
)

HYPOTHESIS_RESULTS = Table(
    "marts.hypothesis_results",
    "The programme's verdicts: every initiative's tests with the Holm correction and a verdict.",
    written_by=("hypothesis_results",), key=("initiative_id", "hypothesis_id"), columns=_HYPOTHESIS_COLUMNS,
)

SROI = Table(
    "marts.sroi", "The SROI of each initiative whose Theory of Change has an `sroi` block.",
    written_by=("sroi",), key=("initiative_id",),
    columns=(
        Column("initiative_id", VARCHAR, "the initiative"),
        Column("inputs_eur", DOUBLE, "the investment"),
        Column("present_value", DOUBLE, "discounted value of all outcomes"),
        Column("npv", DOUBLE, "present value − inputs"),
        Column("ratio", DOUBLE, "present value / inputs"),
        Column("payback_months", DOUBLE, "months until the undiscounted value reaches the inputs; NULL when never"),
        Column("ratio_low", DOUBLE, "the ratio with all shares +0.1"),
        Column("ratio_high", DOUBLE, "the ratio with all shares −0.1"),
        Column("discount_rate", DOUBLE, "the rate used"),
        Column("notes", VARCHAR, "method and, where figures are missing, why"),
    ),
)

SROI_OUTCOMES = Table(
    "marts.sroi_outcomes", "The value of each outcome in an SROI.",
    written_by=("sroi",), key=("initiative_id", "outcome_id"),
    columns=(
        Column("initiative_id", VARCHAR, "the initiative"),
        Column("outcome_id", VARCHAR, "the outcome"),
        Column("quantity", DOUBLE, "how many (people, or units); from the data: the net number who changed the better "
                                   "way, non-respondents included as `non_respondents` says"),
        Column("quantity_source", VARCHAR, "`declared` or `from_data`"),
        Column("quantity_rule", VARCHAR, "`from_data`: `net_any_change` (improved − worsened among paired participants) "
                                         "or `net_meaningful_change` (only changes of at least `meaningful_change`)"),
        Column("meaningful_change", DOUBLE, "as declared; NULL: any change counts"),
        Column("non_respondents", VARCHAR, "`from_data`: `zero` or `respondents_rate`"),
        Column("n_paired", BIGINT, "`from_data`: participants with a score at baseline and at follow-up"),
        Column("n_improved", BIGINT, "`from_data`: paired participants who changed the better way (by the rule)"),
        Column("n_worsened", BIGINT, "`from_data`: paired participants who changed the worse way (by the rule)"),
        Column("n_not_measured", BIGINT, "`from_data`: participants of the year's register without both scores"),
        Column("proxy_eur", DOUBLE, "financial proxy per unit"),
        Column("proxy_source", VARCHAR, "where the proxy comes from"),
        Column("deadweight", DOUBLE, "as declared"),
        Column("displacement", DOUBLE, "as declared"),
        Column("attribution", DOUBLE, "as declared"),
        Column("drop_off", DOUBLE, "as declared"),
        Column("duration_years", BIGINT, "as declared"),
        Column("value_year_1", DOUBLE, "value in the first year after deadweight, displacement and attribution"),
        Column("present_value", DOUBLE, "discounted value over the duration"),
        Column("notes", VARCHAR, "where figures are missing, why"),
    ),
)

SROI_SENSITIVITY = Table(
    "marts.sroi_sensitivity", "How far each assumption may move before the ratio falls to 1:1.",
    written_by=("sroi",), key=("initiative_id", "outcome_id", "assumption"),
    columns=(
        Column("initiative_id", VARCHAR, "the initiative"),
        Column("outcome_id", VARCHAR, "the outcome"),
        Column("assumption", VARCHAR, "`quantity`, `proxy_eur`, `deadweight`, `displacement`, `attribution`, `drop_off`, "
                                      "and for a quantity from the data `non_respondents` (the net number of participants "
                                      "without both scores counted as changed the better way)"),
        Column("declared_value", DOUBLE, "the value in the Theory of Change (or from the data)"),
        Column("tipping_point", DOUBLE, "the value giving a 1:1 ratio, NULL when none in range"),
        Column("alternative_value", DOUBLE, "`non_respondents`: the value under the other assumption (`zero` ↔ "
                                            "`respondents_rate`); NULL for the other assumptions"),
        Column("ratio_at_alternative", DOUBLE, "`non_respondents`: the initiative's ratio under the other assumption"),
        Column("notes", VARCHAR, "in words"),
    ),
)

TABLES: tuple[Table, ...] = (
    PARTICIPANTS, ACTIVITIES, SURVEY_RESPONSES, COACHING_SESSIONS, STORIES, QUARANTINE, DROPS, INGEST_NOTICES, DROP_INVENTORY,
    SETTINGS, INITIATIVES, OUTPUTS, OUTCOMES, HYPOTHESES, SROI_ASSUMPTIONS, INITIATIVE_FOLDERS, CONFIG_ERRORS,
    QUALITY_RESULTS,
    OUTCOME_SCORES, INDICATORS, HYPOTHESIS_TESTS, HYPOTHESIS_RESULTS, SROI, SROI_OUTCOMES, SROI_SENSITIVITY,
)
BY_NAME = {t.name: t for t in TABLES}
STAGED = {t.name.split(".")[1]: t for t in (PARTICIPANTS, ACTIVITIES, SURVEY_RESPONSES, COACHING_SESSIONS, STORIES)}


def writers_of(*tables: Table) -> list[str]:
    """The assets that write these tables, in order and once each: an asset's ``deps`` from what it reads.

    Tables written by asset checks (``quality.quality_results``) bring no asset.
    """
    return list(dict.fromkeys(w for t in tables for w in t.written_by if w != "quality checks"))


def markdown() -> str:
    """The table reference of docs/warehouse.md, from the declarations."""
    lines: list[str] = []
    for schema in dict.fromkeys(t.schema for t in TABLES):
        lines += [f"## `{schema}`", ""]
        for t in (t for t in TABLES if t.schema == schema):
            key = ", ".join(f"`{k}`" for k in t.key) or "none"
            writers = ", ".join(f"`{w}`" if w != "quality checks" else "every asset check" for w in t.written_by)
            lines += [f"### `{t.name}`", "", t.about, "", f"Written by {writers}. Key: {key}.", "",
                      "| column | type | meaning |", "|---|---|---|"]
            lines += [f"| `{c.name}` | {c.type}{' NOT NULL' if c.not_null else ''} | {c.meaning} |" for c in t.columns]
            if t.open_columns is not None:
                lines.append(f"| one column per item | {t.open_columns.type} | {t.open_columns.meaning} |")
            lines.append("")
            if t.notes:
                lines += [t.notes, ""]
    return "\n".join(lines).rstrip() + "\n"


DOC_START = "<!-- tables: generated from impact/warehouse/tables.py, do not edit by hand -->\n"
DOC_END = "<!-- end of tables -->"


def with_reference(document: str) -> str:
    """``document`` (docs/warehouse.md) with the part between its markers replaced by :func:`markdown`."""
    start, end = document.index(DOC_START) + len(DOC_START), document.index(DOC_END)
    return document[:start] + markdown() + document[end:]
