"""The layout of every PDF of the sample year (impact/reporting/layout_check.py): no text, image or table outside
the page's content box, no page but the cover less than a fifth filled, no heading alone at the foot of a page.

The sample year is built once per session (``built_sample`` in tests/integration/conftest.py). A failure lists
each defect as "file, page N: what"; ``python -m impact.reporting.layout_check reports/2018`` prints the same for a
build of your own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from impact.reporting.layout_check import check_paths
from tests.integration.pipelines.test_pipeline_end_to_end import NINE

pytestmark = [pytest.mark.integration, pytest.mark.slow]

YEAR = "2018"


@pytest.fixture(scope="module")
def year_folder(built_sample) -> Path:
    assert built_sample["code"] == 0
    return built_sample["reports"] / YEAR


def test_every_pdf_of_the_sample_year_is_checked(year_folder):
    pdfs = sorted(p.relative_to(year_folder).as_posix() for p in year_folder.rglob("*.pdf"))
    assert pdfs == sorted([*(f"{i}/{i}_{YEAR}.pdf" for i in NINE), f"programme/programme_{YEAR}.pdf",
                           f"lessons_learned/lessons_learned_{YEAR}.pdf"])  # the data-quality page has no PDF


def test_no_pdf_of_the_sample_year_has_a_layout_defect(year_folder):
    defects = check_paths([year_folder], root=year_folder)
    assert not defects, "layout defects:\n" + "\n".join(str(d) for d in defects)
