"""Report artefacts as bytes, across processes: a PDF rendered in another process and directory is the same."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from impact.reporting.render import pdf_bytes
from tests.conftest import REPO
from tests.unit.reporting.test_render import HTML, PDF_ARGS, pdf  # noqa: F401 (pdf is a fixture)

pytestmark = pytest.mark.integration


def test_pdf_same_bytes_in_another_process_and_directory(pdf, tmp_path):
    script = (
        "import sys, datetime\n"
        "from impact.reporting.render import pdf_bytes\n"
        "html = sys.stdin.read()\n"
        f"sys.stdout.buffer.write(pdf_bytes(html, **{PDF_ARGS!r}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    other = subprocess.run([sys.executable, "-c", script], input=HTML.encode("utf-8"), cwd=tmp_path,
                           env=env, capture_output=True, check=True).stdout
    assert other == pdf
    assert pdf_bytes(HTML, **PDF_ARGS) == pdf
