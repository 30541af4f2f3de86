"""Empathy KPI Warehouse: governed empathy KPIs for AI-driven marketing and customer experience."""

__version__ = "0.1.0"
