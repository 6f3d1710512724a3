"""The code location loads in the Dagster CLI (a subprocess each), with the jobs, sensors and schedule expected."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.integration


def test_workspace_yaml_validates_with_the_dagster_cli(tmp_path):
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    dagster = Path(sys.executable).with_name("dagster")
    proc = subprocess.run(
        [str(dagster), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Validation successful for code location impact_coaching" in proc.stdout + proc.stderr


@pytest.mark.slow
def test_the_dagster_cli_lists_the_jobs_the_sensor_and_the_schedule(tmp_path):
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    dagster = Path(sys.executable).with_name("dagster")
    out = {}
    for what in ("job", "sensor", "schedule"):
        proc = subprocess.run([str(dagster), what, "list", "-w", "workspace.yaml"], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        out[what] = proc.stdout
    for job in ("coaching_year", "one_initiative", "reports_only", "programme_level"):
        assert job in out["job"]
    assert "Sensor: raw_data_drops [RUNNING]" in out["sensor"] and "Sensor: report_refresh [RUNNING]" in out["sensor"]
    assert "Schedule: monthly_full_rebuild [STOPPED]" in out["schedule"]
