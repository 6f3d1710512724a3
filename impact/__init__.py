"""Domain code for the Utrecht impact-coaching year.

Everything in this package is plain Python, pandas and DuckDB: it knows nothing
of Dagster. The Dagster assets in ``assets/`` call into it, and the tests use it
on small frames.

- ``impact.locations``         where raw data, warehouse and reports live
- ``impact.programme``         the programme settings (``programme.yaml``)
- ``impact.theory_of_change``  an initiative's Theory of Change (``theory_of_change.yaml``)
- ``impact.ingest``            finding drops and reading CSV/XLSX files
- ``impact.contracts``         the contract at the door: coercion, checks, quarantine
- ``impact.privacy``           pseudonymisation of participant identifiers
- ``impact.warehouse``         the DuckDB tables and how they are written
"""
