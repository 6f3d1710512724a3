"""Where an artefact comes from: the code version and the manifest of a year's reports.

The code version names the package version, the git commit when the code runs
from a git checkout, and a SHA-256 over the project's own source files (Python,
templates, texts), so two builds from the same code agree whatever folder they
run in, and a build from modified code says so even when the commit is the same.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from importlib import metadata
from pathlib import Path

import pandas as pd

from impact.language import Translator
from impact.reporting.completeness import Completeness
from impact.reporting.files import write_atomic
from impact.reporting.render import sha256_bytes

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SOURCE_PACKAGES = ("impact", "assets", "pipelines")
SOURCE_SUFFIXES = (".py", ".j2", ".yaml", ".css")
MANIFEST = "manifest.json"


def source_sha256(root: Path = PROJECT_ROOT) -> str:
    """SHA-256 over the sorted relative paths and contents of the project's source files."""
    digest = hashlib.sha256()
    for package in SOURCE_PACKAGES:
        for path in sorted((root / package).rglob("*")):
            if path.suffix in SOURCE_SUFFIXES and "__pycache__" not in path.parts and path.is_file():
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def git_commit(root: Path = PROJECT_ROOT) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def code_version() -> dict[str, str | None]:
    try:
        version = metadata.version("utrecht-impact-coaching")
    except metadata.PackageNotFoundError:
        version = None
    return {"package_version": version, "git_commit": git_commit(), "source_sha256": source_sha256()}


def artefacts(year_folder: Path) -> list[dict]:
    """Every file under ``reports/<year>/`` but the manifest itself, with its size and SHA-256."""
    rows = []
    for path in sorted(p for p in year_folder.rglob("*") if p.is_file()):
        rel = path.relative_to(year_folder).as_posix()
        if rel == MANIFEST or path.name.startswith("."):
            continue
        data = path.read_bytes()
        rows.append({"path": rel, "bytes": len(data), "sha256": sha256_bytes(data)})
    return rows


def report_languages(year_folder: Path) -> dict[str, str]:
    """The language of each report folder, read from its HTML (a build of one initiative with
    ``--language en`` leaves the others as they were, so a year may mix languages)."""
    out = {}
    for html in sorted(year_folder.glob("*/*.html")):
        found = re.search(r'<html lang="([a-z]+)"', html.read_text(encoding="utf-8")[:200])
        if found:
            out[html.parent.name] = found.group(1)
    return out


def delivery(year_folder: Path) -> dict | None:
    """The delivery ZIP (``levering/*.zip``) with its SHA-256 and the checksum lines it carries, or None."""
    import zipfile

    from impact.reporting.delivery import CHECKSUMS, DELIVERY_FOLDER

    zips = sorted((year_folder / DELIVERY_FOLDER).glob("*.zip"))
    if not zips:
        return None
    path = zips[-1]
    with zipfile.ZipFile(path) as archive:
        name = next(n for n in archive.namelist() if n.endswith("/" + CHECKSUMS))
        lines = archive.read(name).decode("utf-8").splitlines()
    return {"path": path.relative_to(year_folder).as_posix(), "sha256": sha256_bytes(path.read_bytes()),
            "checksums": [{"path": line.split("  ", 1)[1], "sha256": line.split("  ", 1)[0]} for line in lines]}


def write_manifest(year_folder: Path, year: int, inputs: pd.DataFrame, version: dict,
                   whole: Completeness | None = None, language: str = "nl") -> Path:
    """``reports/<year>/manifest.json``: the artefacts, the input files, the code version, and (``whole``) the
    initiatives expected, included and left out, each with its reason in ``language``.

    ``inputs`` has ``source_file`` and ``source_sha256`` (the drops, settings and coaching log read).
    """
    manifest = {
        "year": year,
        "code_version": version,
        **({"initiatives": whole.as_json(Translator(language))} if whole is not None else {}),
        "report_languages": report_languages(year_folder),
        "inputs": [
            {"path": r.source_file, "sha256": r.source_sha256}
            for r in inputs.sort_values("source_file").drop_duplicates("source_file").itertuples()
        ],
        "artefacts": artefacts(year_folder),
        "delivery": delivery(year_folder),
    }
    if whole is not None:
        # a delivery of an incomplete programme was asked for as such (coaching deliver --incomplete)
        manifest["initiatives"]["delivered_although_incomplete"] = not whole.complete and manifest["delivery"] is not None
    text = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    return write_atomic(year_folder / MANIFEST, text.encode("utf-8"))
