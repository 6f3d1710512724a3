"""Participants' stories: a coach's optional ``stories*.yaml`` or ``stories*.md`` drop, read and held to the contract.

A story is a quote, who told it in general terms ("deelnemer, 70+", "vrijwilliger") and whether that person
gave consent to publish it; optionally a date and the outcome of the Theory of Change it is about
(docs/raw-data-contract.md, "stories"). Like every other drop, each story ends in exactly one place: staged
(``staging.stories``) or quarantined (``staging.quarantine``, table ``stories``), with the story's number as
its row. A story is quarantined when

- consent is missing or not an explicit yes (rule ``no_consent``): its text never reaches the warehouse;
- its quote or who is empty (``required``);
- its text holds a direct identifier: a participant code, an e-mail address, a phone number or a BSN
  (``direct_identifier``; the value is not kept);
- its outcome is not one of the initiative's Theory of Change (``allowed_values``), its date cannot be read
  (``date``), it has a key (or a Markdown line) the contract does not know (``unknown_key``,
  ``not_a_story_line``), or it repeats a story already staged (``duplicate``).

A file that cannot be read as stories at all is refused as a whole. Whether a staged story states a small
group of people is decided where it is published (:func:`impact.reporting.sentences.publishable_stories`),
as for the coaching log's notes. Pure functions: no Dagster, no warehouse.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from impact import privacy
from impact.contracts import coercion
from impact.contracts.batches import DROP_SUMMARY_COLUMNS, StagedBatch, set_aside_duplicates
from impact.contracts.models import DATE_WORDS
from impact.contracts.staging import LINEAGE_COLUMNS, NOTICE_COLUMNS, QUARANTINE_COLUMNS, column_words, unread_reason
from impact.errors import ConfigError
from impact.ingest.drops import Drop
from impact.instruments.registry import fold
from impact.language import Joined, Text, Translator, render

KIND = TABLE_NAME = "stories"
YAML_SUFFIXES = (".yaml", ".yml")
MARKDOWN_SUFFIXES = (".md", ".markdown")
SUFFIXES = (*YAML_SUFFIXES, *MARKDOWN_SUFFIXES)

#: The fields of a story, by the key a coach writes (English or Dutch, in YAML and in Markdown).
FIELDS = {
    "quote": "quote", "citaat": "quote",
    "who": "who", "wie": "who",
    "consent": "consent", "toestemming": "consent",
    "date": "date", "datum": "date",
    "outcome": "outcome", "uitkomst": "outcome",
}
STAGED_COLUMNS = (*LINEAGE_COLUMNS, "who", "quote", "outcome_id", "date")
WHOLE_STORY = "(whole story)"  # markers in the quarantine's column, in words for people (staging.column_words)
LINE = "(line)"
KNOWN_KEYS = Text("contract.story.known_keys")

CONSENT_YES = frozenset({"ja", "yes", "true", "waar", "j", "y"})
CONSENT_NO = frozenset({"nee", "no", "false", "onwaar", "n"})
NO_CONSENT = Text("contract.story.no_consent")


@dataclass(frozen=True)
class RawStory:
    """One story as written: its number in the file (1 = the first), its known fields by their English name,
    and the keys (or Markdown lines) the contract does not know."""

    number: int
    fields: dict[str, object]
    unknown_keys: tuple[str, ...] = ()
    stray_lines: tuple[int, ...] = ()  # Markdown: line numbers that are neither quote nor field
    not_a_mapping: str | None = None  # YAML: what the item was instead of a story (its type)


class NotStories(Exception):
    """A stories drop that cannot be read at all; ``reason`` completes "the whole file is refused: it …"."""

    def __init__(self, reason: Text, rule: str = "not_stories", rows: int = 0):
        super().__init__(str(reason))
        self.reason, self.rule, self.rows = reason, rule, rows


# -- reading ---------------------------------------------------------------------------------------------

def read_stories(path, source_file: str) -> list[RawStory]:
    """The stories of one drop, YAML or Markdown by its extension; :class:`NotStories` when it cannot be read."""
    suffix = path.suffix.lower()
    if suffix in YAML_SUFFIXES:
        return _yaml_stories(path, source_file)
    if suffix in MARKDOWN_SUFFIXES:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise NotStories(Text("contract.story.not_utf8"), "unreadable_file") from None
        return markdown_stories(text)
    raise NotStories(Text("contract.story.not_stories", suffix=suffix or Text("contract.story.no_extension")), "not_stories")


def _yaml_stories(path, source_file: str) -> list[RawStory]:
    from impact.yaml_files import read_yaml_mapping

    try:
        data = read_yaml_mapping(path, source_file)
    except ConfigError as exc:
        raise NotStories(Text("contract.story.could_not_read", problems="; ".join(exc.problems)), "unreadable_file") from None
    unknown = [k for k in data if k != "stories"]
    if unknown:
        raise NotStories(Text("contract.story.unknown_top_keys" if len(unknown) > 1 else "contract.story.unknown_top_key",
                              keys=", ".join(repr(str(k)) for k in unknown)), "unknown_key")
    items = data.get("stories")
    if not isinstance(items, list):
        raise NotStories(Text("contract.story.no_list"), "not_stories")
    if not items:
        raise NotStories(Text("contract.story.no_stories"), "empty_file")
    return [yaml_story(i, item) for i, item in enumerate(items, start=1)]


def yaml_story(number: int, item: object) -> RawStory:
    """One item of the ``stories:`` list."""
    if not isinstance(item, Mapping):
        return RawStory(number, {}, not_a_mapping=type(item).__name__)
    fields: dict[str, object] = {}
    unknown: list[str] = []
    for key, value in item.items():
        name = FIELDS.get(str(key).strip().lower())
        if name is None:
            unknown.append(str(key))
        else:
            fields[name] = value
    return RawStory(number, fields, tuple(unknown))


_FIELD_LINE = re.compile(r"^\s*([A-Za-z_]+)\s*:\s*(.*?)\s*$")
_SEPARATOR = re.compile(r"^\s*---+\s*$")


def markdown_stories(text: str) -> list[RawStory]:
    """Stories separated by a line ``---``: the quote as a blockquote (``> `` lines), ``wie:`` / ``who:``,
    ``toestemming:`` / ``consent:``, optionally ``datum:`` / ``date:`` and ``uitkomst:`` / ``outcome:``.
    Headings (``#``) and blank lines are allowed anywhere; a part with nothing else (a title) is no story, and
    neither is an introduction before the first ``---`` that has no quote and no field line."""
    blocks: list[list[tuple[int, str]]] = [[]]
    for number, line in enumerate(text.splitlines(), start=1):
        if _SEPARATOR.match(line):
            blocks.append([])
        else:
            blocks[-1].append((number, line))
    stories = []
    for i, block in enumerate(blocks):
        content = [(n, line) for n, line in block if line.strip() and not line.lstrip().startswith("#")]
        if not content:
            continue
        if i == 0 and len(blocks) > 1 and not any(line.lstrip().startswith(">") or _FIELD_LINE.match(line)
                                                  for _, line in content):
            continue  # an introduction above the first story
        quote: list[str] = []
        fields: dict[str, object] = {}
        unknown: list[str] = []
        stray: list[int] = []
        for n, line in content:
            stripped = line.strip()
            if stripped.startswith(">"):
                quote.append(stripped[1:].strip())
                continue
            m = _FIELD_LINE.match(line)
            if m is None:
                stray.append(n)
            elif (name := FIELDS.get(m.group(1).lower())) is None:
                unknown.append(m.group(1))
            else:
                fields[name] = m.group(2)
        if quote:
            fields.setdefault("quote", " ".join(part for part in quote if part))
        stories.append(RawStory(len(stories) + 1, fields, tuple(unknown), tuple(stray)))
    return stories


# -- the contract ------------------------------------------------------------------------------------------

def consent_given(value: object) -> bool | None:
    """True for an explicit yes (ja, yes, true), False for an explicit no, None otherwise (missing, unclear)."""
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if text in CONSENT_YES:
        return True
    if text in CONSENT_NO:
        return False
    return None


def _text(value: object) -> str:
    """A field as one line of text: trimmed, runs of white space as one space; empty for missing."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):  # YAML reads yes/no/true/false as a boolean
        return "ja" if value else "nee"
    return " ".join(str(value).split())


def identifiers_in(text: str) -> list[str]:
    """The kinds of direct identifier ``text`` holds, in words: participant code, e-mail address, phone number
    or BSN (:mod:`impact.privacy`'s patterns for free text)."""
    found = []
    if privacy.CODE_LIKE.search(text):
        found.append(Text("contract.story.kind_code"))
    if privacy.EMAIL.search(text):
        found.append(Text("contract.story.kind_email"))
    series = pd.Series([privacy.EMAIL.sub("", text)], dtype="object")
    if privacy.redact_identifiers(series)[1].iloc[0]:
        found.append(Text("contract.story.kind_phone"))
    return found


@dataclass
class _Entries:
    drop: Drop
    tr: Translator
    rows: list[dict] = field(default_factory=list)

    def add(self, number: int | None, column, value: object, rule: str, message: Text) -> None:
        where = (self.tr.t("contract.row_column", file=self.drop.source_file, row=number, column=column_words(column, self.tr))
                 if number is not None else "")
        message = render(message, self.tr)
        self.rows.append({"initiative_id": self.drop.initiative_id, "table_name": TABLE_NAME,
                          "source_file": self.drop.source_file, "source_sha256": self.drop.sha256,
                          "source_row": number, "column": column, "value": value, "rule": rule,
                          "message": where + message})


def check_story(story: RawStory, drop: Drop, outcomes: Mapping[str, str],
                tr: Translator | None = None) -> tuple[dict | None, list[dict]]:
    """One story held to the contract: (its staged row, or None) and its quarantine entries.

    ``outcomes`` maps the initiative's outcome ids to their labels (an outcome may be named by either).
    """
    tr = tr or Translator("nl")
    e = _Entries(drop, tr)
    n = story.number
    if story.not_a_mapping is not None:
        e.add(n, WHOLE_STORY, None, "not_a_story",
              Text("contract.story.not_a_story", known=KNOWN_KEYS, got=Text(f"contract.story.type.{story.not_a_mapping}")
                   if tr.has(f"contract.story.type.{story.not_a_mapping}") else story.not_a_mapping))
        return None, e.rows
    for key in story.unknown_keys:
        # the value is not kept: an unknown key may be 'naam' or 'telefoon'
        e.add(n, key, None, "unknown_key", Text("contract.story.unknown_key", key=key, known=KNOWN_KEYS))
    for line in story.stray_lines:
        e.add(n, LINE, None, "not_a_story_line",
              Text("contract.story.stray_line", line=line))
    f = story.fields
    consent = consent_given(f.get("consent"))
    written = _text(f.get("consent"))
    if consent is None and not written:
        e.add(n, "consent", None, "no_consent",
              Text("contract.story.no_consent_line", no_consent=NO_CONSENT))
    elif consent is None:
        e.add(n, "consent", written, "no_consent",
              Text("contract.story.not_explicit_yes", value=repr(written), no_consent=NO_CONSENT))
    elif not consent:
        e.add(n, "consent", written, "no_consent", NO_CONSENT)
    quote, who = _text(f.get("quote")), _text(f.get("who"))
    for column, text, expected in (("quote", quote, Text("contract.story.expected_quote")),
                                   ("who", who, Text("contract.story.expected_who"))):
        if not text:
            e.add(n, column, None, "required", Text("contract.cell.empty", expected=expected))
        elif kinds := identifiers_in(text):
            e.add(n, column, None, "direct_identifier",
                  Text("contract.story.identifiers", kinds=Joined(kinds)))
    outcome_id = None
    outcome = _text(f.get("outcome"))
    if outcome:
        by_name = {fold(k): k for k in outcomes} | {fold(v): k for k, v in outcomes.items()}
        outcome_id = by_name.get(fold(outcome))
        if outcome_id is None:
            known = ", ".join(sorted(outcomes)) or Text("contract.story.none")
            e.add(n, "outcome", outcome, "allowed_values",
                  Text("contract.story.not_an_outcome", value=repr(outcome), known=known))
    day = None
    date = _text(f.get("date"))
    if date:
        parsed, failed = coercion.to_dates(pd.Series([date], dtype="object"))
        if failed.iloc[0]:
            real = bool(coercion.looks_like_date(pd.Series([date])).iloc[0])
            e.add(n, "date", date, "date", Text("contract.story.not_real_date" if real else "contract.story.not_a_date",
                                                value=repr(date), expected=DATE_WORDS))
        else:
            day = parsed.iloc[0]
    if e.rows:
        return None, e.rows
    return {"initiative_id": drop.initiative_id, "source_file": drop.source_file, "source_sha256": drop.sha256,
            "source_row": n, "who": who, "quote": quote, "outcome_id": outcome_id, "date": day}, []


def _refusal(drop: Drop, exc: NotStories, tr: Translator) -> dict:
    return {"initiative_id": drop.initiative_id, "table_name": TABLE_NAME, "source_file": drop.source_file,
            "source_sha256": drop.sha256, "source_row": None, "column": None, "value": None, "rule": exc.rule,
            "message": tr.t("contract.refused", file=drop.source_file, reason=render(exc.reason, tr))}


def _stories_of(drop: Drop) -> list[RawStory]:
    """The stories of a drop; a drop refused unread (a symbolic link, say) is not opened."""
    if drop.refusal:
        raise NotStories(unread_reason(drop.refusal), drop.refusal)
    return read_stories(drop.path, drop.source_file)


def empty_staged() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in STAGED_COLUMNS})
    return frame.astype({"source_row": "int64", "date": "datetime64[ns]"})


def stage_stories(drops_by_initiative: Mapping[str, Sequence[Drop]],
                  outcomes_by_initiative: Mapping[str, Mapping[str, str]], language: str = "nl") -> StagedBatch:
    """Read and check every stories drop of these initiatives: staged stories, quarantine entries and one
    summary row per drop (raw = staged + quarantined stories, as for every table)."""
    tr = Translator(language)
    staged_rows: list[dict] = []
    entries: list[dict] = []
    summaries: list[tuple[Drop, int, bool]] = []
    for initiative_id in sorted(drops_by_initiative):
        outcomes = outcomes_by_initiative.get(initiative_id, {})
        for drop in drops_by_initiative[initiative_id]:
            try:
                stories = _stories_of(drop)
            except NotStories as exc:
                entries.append(_refusal(drop, exc, tr))
                summaries.append((drop, exc.rows, True))
                continue
            except OSError as exc:
                entries.append(_refusal(drop, NotStories(Text("contract.story.could_not_read_error", error=type(exc).__name__),
                                                         "unreadable_file"), tr))
                summaries.append((drop, 0, True))
                continue
            for story in stories:
                row, problems = check_story(story, drop, outcomes, tr)
                entries += problems
                if row is not None:
                    staged_rows.append(row)
            summaries.append((drop, len(stories), False))
    staged = pd.DataFrame(staged_rows, columns=list(STAGED_COLUMNS)) if staged_rows else empty_staged()
    quarantine = pd.DataFrame(entries, columns=list(QUARANTINE_COLUMNS)).astype({"source_row": "Int64"})
    if len(staged):
        order = {d.source_file: i for i, (d, _, _) in enumerate(summaries)}
        staged = staged.assign(_drop_order=staged["source_file"].map(order))
        staged, repeats = set_aside_duplicates(staged, KIND, tr)
        staged = staged.drop(columns="_drop_order").sort_values(["initiative_id", "source_file", "source_row"])
        if len(repeats):
            quarantine = pd.concat([quarantine, repeats.astype({"source_row": "Int64"})], ignore_index=True)
    quarantine = quarantine.sort_values(["source_file", "source_row", "column"], kind="stable", na_position="first")
    staged_n = staged.groupby("source_file").size() if len(staged) else pd.Series(dtype="int64")
    counted = quarantine[quarantine["source_row"].notna()]
    quarantined_n = counted.groupby("source_file")["source_row"].nunique() if len(counted) else pd.Series(dtype="int64")
    drops = pd.DataFrame(
        [{"initiative_id": d.initiative_id, "table_name": TABLE_NAME, "source_file": d.source_file,
          "source_sha256": d.sha256, "raw_rows": raw, "staged_rows": int(staged_n.get(d.source_file, 0)),
          "quarantined_rows": raw if refused else int(quarantined_n.get(d.source_file, 0)), "refused": refused}
         for d, raw, refused in summaries],
        columns=list(DROP_SUMMARY_COLUMNS))
    notices = pd.DataFrame(columns=list(NOTICE_COLUMNS))
    return StagedBatch(TABLE_NAME, staged.reset_index(drop=True), quarantine.reset_index(drop=True), drops, notices)
