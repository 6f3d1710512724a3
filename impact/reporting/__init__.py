"""Rendering artefacts for people: pages and tables, written atomically and reproducibly."""
