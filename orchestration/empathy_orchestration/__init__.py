"""Dagster definitions for the Empathy KPI Warehouse: the dbt models as assets, dbt tests and the
quality gates as asset checks, and the weekly, monthly and quarterly review cadences."""
