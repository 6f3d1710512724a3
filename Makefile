# Two commands get a newcomer from a fresh clone to results:
#   make run    set up .venv, install, build the whole coaching year
#   make test   set up .venv, install, run the test suite
# (make test-fast runs only the unit lane, for quick feedback while editing)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The local Dagster instance lives in the repository, so the runs made by
# `make run` are the runs `make dev` shows.
export DAGSTER_HOME := $(CURDIR)/.dagster_home

.PHONY: install system-check run test test-fast dev check-data sample-data calibrate bench lock clean help

help:
	@echo "make run          build the whole coaching year into warehouse/ and reports/"
	@echo "make test         run the test suite"
	@echo "make test-fast    run the unit lane only (tests/unit: no builds, servers or subprocesses)"
	@echo "make dev          open the Dagster UI (http://127.0.0.1:3000) on the local instance"
	@echo "make sample-data  regenerate the synthetic sample year in raw_data/"
	@echo "make bench        time the builds and the bare baseline into BENCHMARKS.md (long; BENCH_ARGS=\"--quick\" to try it)"
	@echo "make calibrate    rerun the statistics engine's calibration study into docs/calibration.md (~15 min)"
	@echo "make clean        remove the warehouse, reports and the local Dagster instance"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)

# Install from the frozen lock file so every machine gets the same versions.
$(STAMP): $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

# WeasyPrint (the PDF reports) loads the system library Pango when imported;
# pip cannot install it, so stop early with what to install. Then render one page
# with the packaged report font, which checks the rest of the chain (fontconfig,
# HarfBuzz shaping). HarfBuzz-Subset is not needed: the font is embedded whole.
system-check: install
	@$(BIN)/python -c 'import weasyprint' 2>/dev/null || { \
		echo 'WeasyPrint needs Pango: on Debian/Ubuntu run `sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0`; on macOS `brew install pango`' >&2; \
		exit 1; }
	@$(BIN)/python -m impact.reporting.render --check

run: system-check
	$(BIN)/coaching build

# Tests run in parallel, one pytest-xdist worker per core (`make test TEST_WORKERS=0` runs them serially).
# pyproject.toml adds --dist loadgroup, so each xdist group stays on one worker: "serial" runs its tests
# one after the other (two builds at once, a killed build, the webserver, the PostgreSQL instance), and
# "sample_year" holds every reader of the one sample-year build (tests/integration/conftest.py).
TEST_WORKERS ?= auto
test: system-check
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

# The unit lane (pytest -m unit, tests/unit/): pure domain code on small inputs.
test-fast: system-check
	$(BIN)/python -m pytest -m unit -n $(TEST_WORKERS)

# `coaching partitions` creates the instance (if new) and registers one partition per initiative folder.
dev: system-check
	$(BIN)/coaching partitions
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

sample-data: install
	$(BIN)/python scripts/generate_sample_year.py

# The calibration study of the statistics engine (type-I error, coverage, power at the MDE, one-sided
# verdict error; impact/statistics/calibration.py): seeded, so it rewrites docs/calibration.md and
# docs/calibration.json with the same numbers every run; one process per core.
calibrate: install
	$(BIN)/python -m impact.statistics.calibration --write docs/calibration.md

# The benchmark (benchmarks/run.py): the sample year, a coach's drop, each report, the scaled programme
# (coaching synth) and the bare baseline, each in a subprocess with fresh folders, median of 3 runs; writes
# BENCHMARKS.md and prints a one-line summary last. Long: `make bench BENCH_ARGS="--quick"` tries it on small sizes.
BENCH_ARGS ?=
bench: system-check
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

# Refresh requirements.lock after changing pyproject.toml's pins.
lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock

clean:
	rm -rf warehouse/*.duckdb* reports/2018 $(DAGSTER_HOME)
