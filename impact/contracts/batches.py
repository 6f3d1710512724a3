"""Stage all drops of one table for a set of initiatives, ready for the warehouse.

Across the drops of an initiative two more rules apply (docs/architecture.md):

- an exact repeat of a row (within or across drops) is kept once; the repeat is
  quarantined with rule ``duplicate`` and a message naming the row it repeats;
- two *different* rows for the same participant (and wave) are both
  quarantined with rule ``conflict`` and a message naming both sources,
  because the pipeline cannot know which one is right.

Participant codes are pseudonymised last, so nothing downstream sees them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from impact.contracts.context import ContractContext
from impact.contracts.staging import (
    LINEAGE_COLUMNS,
    NOTICE_COLUMNS,
    PSEUDONYMISED_COLUMNS,
    QUARANTINE_COLUMNS,
    TABLE_NAMES,
    StagedDrop,
    empty_quarantine,
    empty_staged,
    shown,
    stage_file,
    suggestion,
)
from impact.ingest.drops import Drop
from impact.contracts.models import schema_for
from impact.language import Translator
from impact.parallel import map_in_processes
from impact.privacy import looks_personal, pseudonymise, redact_identifiers

DROP_SUMMARY_COLUMNS = (
    "initiative_id",
    "table_name",
    "source_file",
    "source_sha256",
    "raw_rows",
    "staged_rows",
    "quarantined_rows",
    "refused",
)

# What identifies one record: two different rows with the same key are a conflict.
CONFLICT_KEYS: dict[str, tuple[str, ...]] = {
    "participants": ("participant_id",),
    "survey": ("participant_id", "wave"),
    "coaching_sessions": ("kind", "session_no"),
    "activities": (),
    "stories": (),  # a story has no key: only exact repeats are set aside
}
WHOLE_ROW = "(whole row)"  # the quarantine's column for a rule about the whole row; shown in words by readers


@dataclass
class StagedBatch:
    """Staged rows, quarantine entries, notices and one summary row per drop."""

    table_name: str
    staged: pd.DataFrame
    quarantine: pd.DataFrame
    drops: pd.DataFrame
    notices: pd.DataFrame


#: From this many initiatives on, their drops are read in several processes (fewer: the pool's start costs
#: more than it saves).
PARALLEL_FROM = 16


def _stage_initiative(work: tuple[tuple[Drop, ...], ContractContext]) -> list[StagedDrop]:
    drops, context = work
    return [stage_file(drop, context) for drop in drops]


def stage_drops(
    kind: str,
    drops_by_initiative: dict[str, Sequence[Drop]],
    contexts: dict[str, ContractContext],
    pseudonym_key: bytes,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
) -> StagedBatch:
    """Stage every drop, set duplicates and conflicts aside, pseudonymise participant codes.

    Messages are in the contexts' language (one programme, one language). Each initiative's drops are read
    on their own, by up to ``workers`` processes from :data:`PARALLEL_FROM` initiatives on (the result is
    the same whichever process read what); ``progress(done, total)`` is called as initiatives are read."""
    tr = Translator(next((c.language for c in contexts.values()), "nl"))
    keys = sorted(drops_by_initiative)
    work = [(tuple(drops_by_initiative[k]), contexts[k]) for k in keys]
    per_initiative = map_in_processes(_stage_initiative, work, workers if len(keys) >= PARALLEL_FROM else 1,
                                      progress=progress)
    results: list[StagedDrop] = [staged for drops in per_initiative for staged in drops]
    # the order of the drops decides which copy of a repeated row is kept: the earlier drop's
    staged_parts = [r.staged.assign(_drop_order=i) for i, r in enumerate(results) if len(r.staged)]
    # with no rows at all, an empty frame with the contract's columns, so a rebuild still clears old rows
    staged = pd.concat(staged_parts, ignore_index=True) if staged_parts else empty_staged(kind)
    quarantine_parts = [r.quarantine for r in results if len(r.quarantine)]

    if len(staged):
        staged, repeats = set_aside_duplicates(staged, kind, tr)
        quarantine_parts.append(repeats)
    if kind == "survey" and len(staged):
        staged, out_of_order = set_aside_waves_out_of_order(staged, tr)
        quarantine_parts.append(out_of_order)
    staged = staged.drop(columns="_drop_order", errors="ignore")
    quarantine_parts = [q for q in quarantine_parts if len(q)]
    quarantine = pd.concat(quarantine_parts, ignore_index=True) if quarantine_parts else empty_quarantine()

    quarantine = mask_leaks(quarantine, frozenset().union(*(r.participant_codes for r in results)), kind, tr)
    for column in PSEUDONYMISED_COLUMNS:
        if column in staged.columns and len(staged):
            staged[column] = _pseudonymise_by_initiative(staged, staged[column], pseudonym_key)
        sensitive = quarantine["column"] == column
        if sensitive.any():
            part = quarantine[sensitive]
            quarantine.loc[sensitive, "value"] = _pseudonymise_by_initiative(part, part["value"].replace("", None), pseudonym_key)

    quarantine = quarantine.sort_values(["source_file", "source_row", "column"], kind="stable", na_position="first")
    drops = summarise(kind, results, staged, quarantine)
    notices = pd.DataFrame(
        [
            {"initiative_id": r.drop.initiative_id, "table_name": TABLE_NAMES[kind], **vars(n)}
            for r in results
            for n in r.notices
        ],
        columns=list(NOTICE_COLUMNS),
    )
    return StagedBatch(TABLE_NAMES[kind], staged.reset_index(drop=True), quarantine.reset_index(drop=True), drops, notices)




def _code_like(codes: frozenset[str]) -> frozenset[str]:
    """Codes distinctive enough to mask wherever they appear (``7`` or ``30`` are answers too)."""
    return frozenset(c for c in codes if len(c) >= 4 or (any(ch.isalpha() for ch in c) and any(ch.isdigit() for ch in c)))


def mask_leaks(quarantine: pd.DataFrame, codes: frozenset[str], kind: str, tr: Translator | None = None) -> pd.DataFrame:
    """Quarantine values and messages never hold a participant code or something that may identify a person.

    A value equal to a distinctive participant code of the batch (a shifted column) is replaced by
    ``[participant code]`` (``[deelnemerscode]``). A value that looks personal — a name, an address or postcode, an e-mail
    address, a phone number, a BSN, a full date outside a date column, long text — is not kept, and the
    message says so, unless it is close to an allowed value (a typo such as ``Overvect``).
    """
    if quarantine.empty:
        return quarantine
    tr = tr or Translator("nl")
    code, not_shown = tr.t("contract.participant_code"), tr.t("contract.not_shown")
    q = quarantine.copy()
    schema = schema_for(kind)
    other = ~q["column"].isin(PSEUDONYMISED_COLUMNS) & q["value"].notna()
    leaked = other & q["value"].isin(_code_like(codes))
    personal = pd.Series(False, index=q.index)
    for column, rows in q[other & ~leaked].groupby("column"):
        col = schema.columns.get(column)
        dtype = str(col.dtype) if col is not None else ""
        isin = next((c for c in col.checks if c.name == "isin"), None) if col is not None else None
        flag = looks_personal(rows["value"], date_column=dtype.startswith("datetime64"))
        if isin is not None:  # a typo of an allowed value is shown, as its message suggests the value meant
            allowed, aliases = isin.statistics["allowed_values"], (col.metadata or {}).get("aliases")
            close = rows["value"].map(lambda v: suggestion(v, allowed, aliases) is not None)
            flag = flag & ~close
        personal.loc[rows.index] = flag
    for mask, replacement in ((leaked, f"'{code}'"), (personal, not_shown)):
        if mask.any():
            quoted = q.loc[mask, "value"].map(lambda v: repr(shown(v)))
            q.loc[mask, "message"] = [m.replace(c, replacement) for m, c in zip(q.loc[mask, "message"], quoted)]
            q.loc[mask, "value"] = code if replacement != not_shown else None
    q.loc[other, "value"] = redact_identifiers(q.loc[other, "value"])[0]
    q["message"] = redact_identifiers(q["message"])[0]
    return q


def set_aside_duplicates(staged: pd.DataFrame, kind: str, tr: Translator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep the first of exact repeats; set aside every row of a conflicting record. Returns (kept, quarantine entries)."""
    order = ["_drop_order"] if "_drop_order" in staged.columns else ["source_file"]
    ordered = staged.sort_values(["initiative_id", *order, "source_row"], kind="stable")
    values = [c for c in ordered.columns if c not in (*LINEAGE_COLUMNS, "_drop_order")]
    group = ["initiative_id", *values]
    repeat = ordered.duplicated(subset=group, keep="first")
    first = ordered.groupby(group, dropna=False, sort=False)[["source_file", "source_row"]].transform("first")
    rep = ordered[repeat]
    repeats = _row_entries(
        rep,
        TABLE_NAMES[kind],
        "duplicate",
        pd.Series([tr.t("contract.duplicate", file=f, row=r)
                   for f, r in zip(first.loc[repeat, "source_file"], first.loc[repeat, "source_row"])], index=rep.index,
                  dtype="object"),
        tr,
    )
    kept = ordered[~repeat]

    key = list(CONFLICT_KEYS[kind])
    if not key:
        return kept, repeats
    if kind == "participants":
        kept, superseded = _supersede_completed_registrations(kept, key, values, tr)
        repeats = pd.concat([p for p in (repeats, superseded) if len(p)], ignore_index=True) if len(superseded) else repeats
    grouped = kept.groupby(["initiative_id", *key], dropna=False, sort=False)
    clash = grouped["source_row"].transform("size") > 1
    if not clash.any():
        return kept, repeats
    clashing = kept[clash]
    keys = [clashing[c] for c in ["initiative_id", *key]]
    where = pd.Series([tr.t("contract.conflict.where", file=f, row=r)
                       for f, r in zip(clashing["source_file"], clashing["source_row"])], index=clashing.index, dtype="object")
    sources = where.groupby(keys, dropna=False, sort=False).transform(tr.t("language.and_join").join)
    compared = [c for c in values if c not in key]
    differs = clashing[compared].astype(str).groupby(keys, dropna=False, sort=False).transform("nunique") > 1
    columns = differs.apply(lambda row: ", ".join(c for c in compared if row[c]), axis=1)
    def described(row: pd.Series) -> str:
        values = row.to_dict()
        if kind == "coaching_sessions":  # the session's kind in words
            values["kind"] = tr.t(f"contract.session_kind.{values['kind']}")
        return tr.t(f"contract.conflict.{kind}", **values)

    what = clashing.apply(described, axis=1)
    conflicts = _row_entries(
        clashing, TABLE_NAMES[kind], "conflict",
        pd.Series([tr.t("contract.conflict.detail", what=w, sources=s, columns=c) for w, s, c in zip(what, sources, columns)],
                  index=clashing.index, dtype="object"),
        tr,
    )
    return kept[~clash], pd.concat([repeats, conflicts], ignore_index=True)


def set_aside_waves_out_of_order(staged: pd.DataFrame, tr: Translator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A later wave answered on or before the same participant's baseline: both rows are set aside.

    The change between the waves would have the wrong sign, and only the coach
    can tell which date (or wave) is wrong.
    """
    keys = ["initiative_id", "participant_id"]
    base = staged[staged["wave"] == "baseline"][[*keys, "responded_on", "source_file", "source_row"]]
    later = staged[staged["wave"] != "baseline"].reset_index()
    pairs = later.merge(base, on=keys, suffixes=("", "_baseline"))
    bad = pairs[pairs["responded_on"] <= pairs["responded_on_baseline"]]
    if bad.empty:
        return staged, pd.DataFrame(columns=list(QUARANTINE_COLUMNS))
    day_format = tr.t("contract.day_format")
    bad = bad.assign(message=[
        tr.t("contract.wave_order", wave=r.wave, file=r.source_file, row=r.source_row, date=r.responded_on.strftime(day_format),
             baseline_file=r.source_file_baseline, baseline_row=r.source_row_baseline,
             baseline_date=r.responded_on_baseline.strftime(day_format))
        for r in bad.itertuples()])
    per_participant = bad.groupby(keys, sort=False)["message"].agg("; ".join)
    involved = staged.index.isin(bad["index"]) | (
        (staged["wave"] == "baseline") & staged.set_index(keys).index.isin(per_participant.index)
    )
    rows = staged[involved]
    message = pd.Series(per_participant.reindex(rows.set_index(keys).index).to_numpy(), index=rows.index)
    return staged[~involved], _row_entries(rows, "survey_responses", "wave_order", message, tr)


def _supersede_completed_registrations(kept: pd.DataFrame, key: list[str], values: list[str],
                                       tr: Translator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A later drop that repeats a registration and only fills in what was empty (typically ``left_on``
    when someone leaves) updates it: the fuller row is kept, the earlier one is set aside as ``superseded``.

    Loops over the participants registered more than once only (a handful), never over all rows.
    """
    keys = ["initiative_id", *key]
    compared = [c for c in values if c not in key]
    order = ["_drop_order"] if "_drop_order" in kept else ["source_file"]
    multi = kept.groupby(keys, sort=False)["source_row"].transform("size") > 1
    superseded, messages = [], []
    for _, rows in kept[multi].groupby(keys, sort=False):
        if any(rows[c].dropna().nunique() > 1 for c in compared):
            continue  # two different filled-in values: a conflict, not an update
        rows = rows.assign(_filled=rows[compared].notna().sum(axis=1)).sort_values(["_filled", *order, "source_row"], kind="stable")
        keeper = rows.iloc[-1]
        for index, row in rows.iloc[:-1].iterrows():
            added = [c for c in compared if pd.isna(row[c]) and pd.notna(keeper[c])]
            superseded.append(index)
            messages.append(tr.t("contract.superseded_adds", file=keeper["source_file"], row=keeper["source_row"],
                                 columns=", ".join(added)) if added
                            else tr.t("contract.superseded", file=keeper["source_file"], row=keeper["source_row"]))
    if not superseded:
        return kept, pd.DataFrame(columns=list(QUARANTINE_COLUMNS))
    earlier = kept.loc[superseded]
    return kept.drop(index=superseded), _row_entries(earlier, "participants", "superseded",
                                                     pd.Series(messages, index=earlier.index), tr)


def _row_entries(rows: pd.DataFrame, table_name: str, rule: str, message: pd.Series, tr: Translator) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "initiative_id": rows["initiative_id"],
            "table_name": table_name,
            "source_file": rows["source_file"],
            "source_sha256": rows["source_sha256"],
            "source_row": rows["source_row"].astype("Int64"),
            "column": WHOLE_ROW,
            "value": None,
            "rule": rule,
            "message": pd.Series([tr.t("contract.row", file=f, row=r) for f, r in zip(rows["source_file"], rows["source_row"])],
                                 index=rows.index, dtype="object") + message,
        },
        columns=list(QUARANTINE_COLUMNS),
    )


def summarise(kind: str, results: list[StagedDrop], staged: pd.DataFrame, quarantine: pd.DataFrame) -> pd.DataFrame:
    """Per drop: raw, staged and quarantined rows, counted in the final frames."""
    staged_n = staged.groupby("source_file").size() if len(staged) else pd.Series(dtype="int64")
    q = quarantine[quarantine["source_row"].notna()]
    quarantined_n = q.groupby("source_file")["source_row"].nunique() if len(q) else pd.Series(dtype="int64")
    rows = []
    for r in results:
        d = r.drop
        rows.append(
            {
                "initiative_id": d.initiative_id,
                "table_name": TABLE_NAMES[kind],
                "source_file": d.source_file,
                "source_sha256": d.sha256,
                "raw_rows": r.raw_rows,
                "staged_rows": int(staged_n.get(d.source_file, 0)),
                "quarantined_rows": r.raw_rows if r.refused else int(quarantined_n.get(d.source_file, 0)),
                "refused": r.refused,
            }
        )
    return pd.DataFrame(rows, columns=list(DROP_SUMMARY_COLUMNS))


def _pseudonymise_by_initiative(frame: pd.DataFrame, codes: pd.Series, key: bytes) -> pd.Series:
    out = pd.Series(None, index=frame.index, dtype="object")
    for initiative_id, idx in frame.groupby("initiative_id", sort=True).groups.items():
        out[idx] = pseudonymise(initiative_id, codes.loc[idx], key)
    return out
