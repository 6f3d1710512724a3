"""The synthetic sample year's generator, run as a script: the same bytes whatever the process and hash seed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO
from tests.unit.sample_data.test_sample_generator import _files

pytestmark = pytest.mark.integration


def test_generator_is_stable_across_processes_and_hash_seeds(tmp_path):
    outs = []
    for seed in ("0", "12345"):
        out = tmp_path / seed
        subprocess.run(
            [sys.executable, str(REPO / "scripts" / "generate_sample_year.py"), "--out", str(out)],
            check=True, capture_output=True, env={"PYTHONHASHSEED": seed, "PATH": ""},
        )
        outs.append({rel: (out / rel).read_bytes() for rel in _files(out)})
    assert outs[0] == outs[1]
