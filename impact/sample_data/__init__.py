"""Synthetic raw data: the sample year (``generator``, behind ``scripts/generate_sample_year.py`` and
``make sample-data``) and programmes of any size built from it (``scale``, behind ``coaching synth``)."""
