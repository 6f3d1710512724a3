"""The benchmark harness (``make bench``) and the bare baseline it compares the data stages with.

- ``benchmarks/baseline.py``: the same raw data through DuckDB, pandas and scipy only (no Dagster, pandera,
  Great Expectations or reports), into a DuckDB file;
- ``benchmarks/run.py``: every measurement in a subprocess, medians of several runs, ``BENCHMARKS.md``;
- ``benchmarks/report.py``: the harness's pure parts (summaries, target verdicts, the markdown), unit-tested;
- ``benchmarks/standin.py``: the sample year copied k times, a stand-in for ``coaching synth`` while
  developing the harness (never for the real figures).
"""
