"""The delivery to the municipality: one dated ZIP of everything meant for it, ``reports/<year>/levering/``.

What goes in (:func:`delivered_files`): the PDF of every report for the municipality (the yearly reports, the
programme overview, the lessons-learned summary), their workbooks (``*_tables.xlsx``) and their tables as CSV
for Dutch Excel (``tables/*.csv``), with a short ``LEESMIJ.txt`` and ``SHA256SUMS.txt`` (the SHA-256 of every
file, in the format ``sha256sum -c`` reads). What stays out: the warehouse, the quarantine, the coaches'
data-quality page (it points at rows of the drops), the machine CSVs (for programs, not for people), the
HTML and the charts (the PDF holds them).

The same reports give the same bytes: files in sorted order, every entry dated at the report date (the
closing meeting), fixed permissions and compression. The manifest holds the ZIP's SHA-256 and its
checksum lines (:func:`impact.reporting.provenance.write_manifest`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from impact.language import Translator
from impact.reporting.completeness import DELIVER_ANYWAY, Completeness, counted_key
from impact.reporting.files import write_atomic

DELIVERY_FOLDER = "levering"
#: Report folders that are not for the municipality.
NOT_DELIVERED = {"data_quality", DELIVERY_FOLDER}
README = "LEESMIJ.txt"
CHECKSUMS = "SHA256SUMS.txt"


@dataclass(frozen=True)
class Delivery:
    path: Path
    sha256: str
    checksums: list[dict]          # [{"path", "sha256"}] of the files in the ZIP, as SHA256SUMS.txt lists them


def bundle_name(year: int, date: dt.date) -> str:
    return f"impactcoaching_{year}_levering_{date.isoformat()}.zip"


def delivered_files(year_folder: Path) -> list[Path]:
    """The files for the municipality, relative to the year's folder, sorted."""
    chosen = []
    for path in sorted(year_folder.rglob("*")):
        rel = path.relative_to(year_folder)
        if not path.is_file() or rel.parts[0] in NOT_DELIVERED or len(rel.parts) < 2:
            continue
        in_tables = len(rel.parts) == 3 and rel.parts[1] == "tables" and path.suffix == ".csv"
        top = len(rel.parts) == 2 and (path.suffix == ".pdf" or path.name.endswith("_tables.xlsx"))
        if in_tables or top:
            chosen.append(rel)
    return chosen


def readme(programme: dict, year: int, date: dt.date, files: list[Path], language: str = "nl",
           whole: Completeness | None = None) -> str:
    """What the ZIP holds, in the reports' language (catalogue keys ``delivery.*``): with ``whole``, the initiatives
    expected and included, and each one left out with the reason."""
    tr = Translator(language)
    name = programme.get("name") or tr.t("delivery.programme")
    lines = [tr.t("delivery.title", name=name, year=year, date=tr.date(date)), ""]
    if whole is not None and not whole.complete:
        lines += [tr.t("delivery.incomplete", command=DELIVER_ANYWAY), *(f"  - {x.sentence(tr)}" for x in whole.left_out), ""]
    if whole is not None:
        lines += [tr.t("delivery.initiatives", included=len(whole.included), expected=len(whole.expected)), ""]
    lines += [tr.t("delivery.contents", n=sum(f.suffix == ".pdf" for f in files),
                   threshold=programme.get("disclosure_threshold", 10)), "",
              tr.t("delivery.checksums", checksums=CHECKSUMS)]
    if programme.get("synthetic"):
        lines += ["", tr.t("delivery.synthetic")]
    lines += ["", tr.t("delivery.files"), *(f"  {f.as_posix()}" for f in files)]
    return "\n".join(lines) + "\n"


def zip_bytes(entries: dict[str, bytes], date: dt.date) -> bytes:
    """A ZIP of ``entries`` (name → bytes) that is the same bytes for the same entries and date."""
    buffer = io.BytesIO()
    stamp = (date.year, date.month, date.day, 0, 0, 0)
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, entries[name], compresslevel=9)
    return buffer.getvalue()


def remove_delivery(year_folder: Path, keep: str | None = None) -> list[Path]:
    """Remove the year's delivery ZIPs (but ``keep``); returns those removed."""
    removed = [old for old in sorted((year_folder / DELIVERY_FOLDER).glob("*.zip")) if old.name != keep]
    for old in removed:
        old.unlink()
    return removed


@dataclass(frozen=True)
class Refusal:
    """A delivery not made: why (for the data engineer's log and the coach's terminal), and the earlier ZIPs removed."""

    reason: str
    removed: list[Path]


def refusal_text(whole: Completeness, language: str = "nl") -> str:
    """Why an incomplete programme is not delivered, naming every initiative left out, and how to deliver it anyway;
    or, when the warehouse does not know who is expected, that a build must look first."""
    tr = Translator(language)
    if not whole.known:
        return tr.t("delivery.unknown")
    return tr.t(counted_key("delivery.refused", len(whole.left_out)), missing=len(whole.left_out), expected=len(whole.expected), command=DELIVER_ANYWAY,
                left_out="; ".join(x.sentence(tr) for x in whole.left_out))


def deliver(year_folder: Path, programme: dict, year: int, date: dt.date, language: str, whole: Completeness,
            allow_incomplete: bool = False) -> Delivery | Refusal:
    """The delivery of the year, or its refusal: a programme with an expected initiative left out is delivered only
    when ``allow_incomplete`` (``coaching deliver --incomplete``), and never when who is expected is not known. A
    refusal removes an earlier ZIP, so none is mistaken for a delivery of these reports."""
    if not whole.known or (not whole.complete and not allow_incomplete):
        return Refusal(refusal_text(whole, language), remove_delivery(year_folder))
    return write_delivery(year_folder, programme, year, date, language, whole)


def write_delivery(year_folder: Path, programme: dict, year: int, date: dt.date, language: str = "nl",
                   whole: Completeness | None = None) -> Delivery:
    """Write ``levering/<bundle_name>`` (replacing any earlier delivery of the year) and return it; ``whole``: the
    initiatives expected and included, for the LEESMIJ."""
    files = delivered_files(year_folder)
    top = f"impactcoaching_{year}"
    contents = {f"{top}/{f.as_posix()}": (year_folder / f).read_bytes() for f in files}
    contents[f"{top}/{README}"] = readme(programme, year, date, files, language, whole).encode("utf-8")
    sums = [{"path": name.removeprefix(f"{top}/"), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in sorted(contents.items())]
    contents[f"{top}/{CHECKSUMS}"] = "".join(f"{s['sha256']}  {s['path']}\n" for s in sums).encode("utf-8")
    folder = year_folder / DELIVERY_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    name = bundle_name(year, date)
    remove_delivery(year_folder, keep=name)
    data = zip_bytes(contents, date)
    path = write_atomic(folder / name, data)
    return Delivery(path, hashlib.sha256(data).hexdigest(), sums)
