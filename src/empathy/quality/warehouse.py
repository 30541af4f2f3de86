"""Read what the quality gates validate from a warehouse file, read-only, into pandas.

The connection is opened read-only and closed before any validation runs, so the gates never write
to the file and never hold it open while GX works. Only the columns the suites check are read: no
PII and no free text (customer ids, e-mails, comments, quarantined raw rows) leaves the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from empathy.quality.inputs import Query, read_weekly_survey_sends, read_weekly_volumes

DEFINITION_COLUMNS = ("kpi_id", "layer", "unit", "aggregation", "cadences", "breach_threshold")
SCORECARD_COLUMNS = (
    "kpi_id", "grain", "period_start", "period_end", "segment_type", "segment_value", "value",
    "sample_size", "ci_low", "ci_high", "is_sufficient", "status", "is_closed_period",
)  # fmt: skip
CONSERVATION_COLUMNS = (
    "source_table", "raw_rows", "valid_rows", "quarantined_rows", "quarantine_rate", "is_conserved",
)  # fmt: skip


@dataclass(frozen=True)
class WarehouseTables:
    """The governed tables and input aggregates the suites are built from."""

    kpi_definitions: pd.DataFrame
    kpi_scorecard: pd.DataFrame
    dq_row_conservation: pd.DataFrame
    weekly_volumes: pd.DataFrame  # source_table, week_start, row_count
    weekly_survey_sends: pd.DataFrame  # survey_type, week_start, sent, answered


def read_tables(query: Query, schema: str = "main") -> WarehouseTables:
    """The tables the suites validate, through ``query`` (one SELECT in, a DataFrame out)."""

    def select(table: str, columns: tuple[str, ...]) -> pd.DataFrame:
        return query(f"select {', '.join(columns)} from {schema}.{table}")

    return WarehouseTables(
        kpi_definitions=select("kpi_definitions", DEFINITION_COLUMNS),
        kpi_scorecard=select("kpi_scorecard", SCORECARD_COLUMNS),
        dq_row_conservation=select("dq_row_conservation", CONSERVATION_COLUMNS),
        weekly_volumes=read_weekly_volumes(query, schema),
        weekly_survey_sends=read_weekly_survey_sends(query, schema),
    )


def read_warehouse(warehouse_file: Path) -> WarehouseTables:
    """The tables of a DuckDB warehouse file."""
    if not warehouse_file.is_file():
        raise FileNotFoundError(f"no warehouse file at {warehouse_file}")
    connection = duckdb.connect(str(warehouse_file), read_only=True)
    try:
        return read_tables(lambda sql: connection.sql(sql).df())
    finally:
        connection.close()
