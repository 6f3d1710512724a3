"""Dagster asset definitions, kept thin: each wires domain code (``impact``) to the warehouse.

Groups follow the layers of docs/architecture.md: ``settings`` (programme and Theories
of Change) and ``staging`` (drops held against the contract).
"""
