"""The data-collection kit of an initiative (``coaching kit INITIATIVE``): what it fills in, made from its
Theory of Change (docs/data-collection-kit.md).

- ``participants_<id>.xlsx``, ``activities_<id>.xlsx``: the participant register and the activity log;
- ``survey_<wave>_<id>.xlsx``: one survey workbook per wave of the Theory of Change;
- ``vragenlijst_<wave>_<id>.pdf`` (``questionnaire_…`` in English): the printable questionnaire of each wave;
- ``instructie_<id>.pdf`` (``instructions_…``): one page for the coordinator: when to measure, which codes to
  use, how to check a file before sending it.

The workbooks' names start with their drop kind (``impact.ingest.drops.kind_of``), their data sheet is the one
the pipeline reads, and their columns are the contract's: a filled-in workbook is a drop as it is. Pure domain
code: no Dagster, no clock (every file carries the date :func:`kit_date` gives), same input, same bytes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from impact.kit.content import (
    activity_columns,
    code_prefix,
    example_codes,
    participant_columns,
    questionnaire_parts,
    survey_columns,
    wave_label,
    wave_timing,
)
from impact.kit.documents import pdf, render_html
from impact.kit.workbooks import kit_workbook
from impact.language import Translator
from impact.contracts.vocabulary import AGE_BANDS, WIJKEN
from impact.programme import Programme
from impact.theory_of_change import TheoryOfChange

__all__ = ["build_documents", "build_kit", "build_workbooks", "kit_date", "kit_file_names", "write_kit"]


def kit_date(programme: Programme) -> dt.date:
    """The date every kit file carries: the first day of the programme year (the kit is made for the year)."""
    return dt.date(programme.year, 1, 1)


def kit_file_names(toc: TheoryOfChange, language: str = "nl") -> dict[str, str]:
    """What each file of the kit is called: a role (``participants``, ``survey:<wave>``, ``questionnaire:<wave>``,
    ``instruction``) -> file name."""
    tr = Translator(language)
    names = {"participants": f"participants_{toc.id}.xlsx", "activities": f"activities_{toc.id}.xlsx"}
    for wave in toc.waves:
        names[f"survey:{wave}"] = f"survey_{wave}_{toc.id}.xlsx"
    for wave in toc.waves:
        names[f"questionnaire:{wave}"] = f"{tr.t('kit.file.questionnaire')}_{wave}_{toc.id}.pdf"
    names["instruction"] = f"{tr.t('kit.file.instruction')}_{toc.id}.pdf"
    return names


def build_kit(toc: TheoryOfChange, programme: Programme, language: str = "nl") -> dict[str, bytes]:
    """Every file of the initiative's kit: file name -> bytes, in a fixed order (the workbooks, then the PDFs)."""
    return {**build_workbooks(toc, programme, language), **build_documents(toc, programme, language)}


def build_workbooks(toc: TheoryOfChange, programme: Programme, language: str = "nl") -> dict[str, bytes]:
    """The kit's workbooks: the register, the activity log and a survey workbook per wave (name -> bytes)."""
    tr = Translator(language, programme.disclosure_threshold)
    created = kit_date(programme)
    names = kit_file_names(toc, language)
    files: dict[str, bytes] = {}

    def check_line(file: str) -> str:
        return tr.t("kit.workbook.check", command=f"coaching check {file} --initiative {toc.id}")

    file = names["participants"]
    files[file] = kit_workbook(
        "participants", participant_columns(toc, tr), heading=tr.t("kit.workbook.participants_heading", name=toc.name),
        intro=[tr.t("kit.workbook.participants_intro"), tr.t("kit.workbook.general")], check_line=check_line(file),
        tr=tr, title=file.removesuffix(".xlsx"), created=created)
    file = names["activities"]
    files[file] = kit_workbook(
        "activities", activity_columns(toc, tr), heading=tr.t("kit.workbook.activities_heading", name=toc.name),
        intro=[tr.t("kit.workbook.activities_intro"), tr.t("kit.workbook.activities_total"), tr.t("kit.workbook.general")],
        check_line=check_line(file), tr=tr, title=file.removesuffix(".xlsx"), created=created)
    for wave in toc.waves:
        file = names[f"survey:{wave}"]
        label = wave_label(wave, tr)
        files[file] = kit_workbook(
            "survey", survey_columns(toc, wave, tr),
            heading=tr.t("kit.workbook.survey_heading", name=toc.name, wave=label),
            intro=[tr.t("kit.workbook.survey_intro", wave=wave, label=label), tr.t("kit.workbook.general")],
            check_line=check_line(file), tr=tr, title=file.removesuffix(".xlsx"), created=created)
    return files


def build_documents(toc: TheoryOfChange, programme: Programme, language: str = "nl") -> dict[str, bytes]:
    """The kit's PDFs: a questionnaire per wave and the coordinator's instruction (name -> bytes)."""
    tr = Translator(language, programme.disclosure_threshold)
    created = kit_date(programme)
    names = kit_file_names(toc, language)
    files: dict[str, bytes] = {}
    parts = questionnaire_parts(toc, tr)
    kicker = tr.t("kit.kicker", programme=programme.name, year=programme.year)
    for wave in toc.waves:
        file = names[f"questionnaire:{wave}"]
        label = wave_label(wave, tr)
        title = tr.t("kit.questionnaire.title", name=toc.name)
        html = render_html(
            "questionnaire.html.j2", tr=tr, title=title, kicker=kicker, parts=parts,
            wave_line=tr.t("kit.questionnaire.wave_line", wave=label),
            intro=[tr.t("kit.questionnaire.intro_text"), tr.t("kit.questionnaire.privacy")],
            footer=tr.t("kit.questionnaire.footer", name=toc.name, wave=label, workbook=names[f"survey:{wave}"]))
        files[file] = pdf(html, title=f"{title} – {label}", created=created, tr=tr)

    first, second = example_codes(toc)
    codes = [
        tr.t("kit.instruction.code_rule", prefix=code_prefix(toc), example=first, example2=second),
        tr.t("kit.instruction.code_privacy"),
        tr.t("kit.instruction.wijk", wijken=tr.listing(list(WIJKEN))),
        tr.t("kit.instruction.age_band", bands=", ".join(AGE_BANDS)),
        tr.t("kit.instruction.gender"),
        tr.t("kit.instruction.wave_codes", waves=tr.listing([f"{w} ({wave_label(w, tr).lower()})" for w in toc.waves])),
        tr.t("kit.instruction.dates"),
    ]
    file_lines = [(names["participants"], tr.t("kit.instruction.file.participants")),
                  (names["activities"], tr.t("kit.instruction.file.activities")),
                  (tr.listing([names[f"survey:{w}"] for w in toc.waves]), tr.t("kit.instruction.file.survey")),
                  (tr.listing([names[f"questionnaire:{w}"] for w in toc.waves]), tr.t("kit.instruction.file.questionnaire"))]
    check = [(tr.t("kit.instruction.check.fill"), None), (tr.t("kit.instruction.check.save"), None),
             (tr.t("kit.instruction.check.run"), f"coaching check participants_{programme.year}-q1.xlsx --initiative {toc.id}"),
             (tr.t("kit.instruction.check.fix"), None), (tr.t("kit.instruction.check.send"), None)]
    title = tr.t("kit.instruction.title", name=toc.name)
    html = render_html(
        "instruction.html.j2", tr=tr, title=title, kicker=kicker, intro=tr.t("kit.instruction.intro"),
        files=file_lines, waves=wave_timing(toc, programme.year, tr), codes=codes, check=check,
        footer=tr.t("kit.instruction.footer", name=toc.name))
    files[names["instruction"]] = pdf(html, title=title, created=created, tr=tr)
    return files


def write_kit(files: dict[str, bytes], out: Path) -> list[Path]:
    """Write the kit's files into ``out`` (each replaced whole); returns their paths."""
    from impact.reporting.files import write_atomic

    return [write_atomic(out / name, data) for name, data in files.items()]
