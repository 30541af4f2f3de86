"""What the attribution section needs from a release, read-only: the governed credit summary
(`fct_attribution_summary`) of one month or quarter, by touch group and by channel, under the
five models, each beside last touch. Credits are never recomputed here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb

from empathy.reviews.data import records, table_exists

SUMMARY = "fct_attribution_summary"
MODELS = ("last_touch", "first_touch", "linear", "position_based", "time_decay")
MULTI_TOUCH = ("linear", "position_based", "time_decay")
MODEL_NAMES = {
    "last_touch": "Last touch",
    "first_touch": "First touch",
    "linear": "Linear",
    "position_based": "Position-based",
    "time_decay": "Time decay",
}
DIMENSIONS = ("touch_group", "channel")
TRUST_BUILDING = "trust_building"
UNATTRIBUTED = "unattributed"


@dataclass(frozen=True)
class Credit:
    """One row of the summary: what a touch group or channel earns under one model."""

    grain: str
    period_start: date
    dimension: str
    dimension_value: str
    model: str
    conversions: int
    touches: int
    credit: float | None
    period_value: float | None
    credit_share: float | None
    last_touch_credit: float | None
    last_touch_credit_share: float | None
    credit_vs_last_touch: float | None
    credit_share_vs_last_touch: float | None
    credit_ratio_to_last_touch: float | None


@dataclass(frozen=True)
class CreditTable:
    """One dimension of one period: per value, the credit under each model."""

    dimension: str
    values: tuple[str, ...]
    cells: dict[tuple[str, str], Credit]
    period_value: float | None

    def get(self, value: str, model: str) -> Credit | None:
        return self.cells.get((value, model))


@dataclass(frozen=True)
class Attribution:
    """`available` is False when the release has no summary table."""

    available: bool
    tables: dict[str, CreditTable]
    rows: tuple[Credit, ...] = ()

    @property
    def period_value(self) -> float | None:
        for table in self.tables.values():
            if table.period_value is not None:
                return table.period_value
        return None

    @property
    def has_conversions(self) -> bool:
        return bool(self.rows) and bool(self.period_value)


def _order(values: Sequence[str], cells: dict[tuple[str, str], Credit]) -> tuple[str, ...]:
    """By last-touch credit, largest first; unattributed last."""

    def key(value: str) -> tuple[int, float, str]:
        found = cells.get((value, "last_touch"))
        credit = found.credit if found and found.credit is not None else 0.0
        return (value == UNATTRIBUTED, -credit, value)

    return tuple(sorted(set(values), key=key))


def read_attribution(
    connection: duckdb.DuckDBPyConnection, grain: str, period_start: date
) -> Attribution:
    if not table_exists(connection, SUMMARY):
        return Attribution(available=False, tables={})
    fields = ", ".join(Credit.__dataclass_fields__)
    found = records(
        connection,
        f"""
        select {fields}
        from main.{SUMMARY}
        where grain = ? and period_start = ? and dimension in ? and model in ?
        order by dimension, dimension_value, model
        """,
        [grain, period_start, list(DIMENSIONS), list(MODELS)],
    )
    rows = tuple(Credit(**row) for row in found)
    tables = {}
    for dimension in DIMENSIONS:
        mine = [row for row in rows if row.dimension == dimension]
        cells = {(row.dimension_value, row.model): row for row in mine}
        # the same for every row of a model (a window sum); read under last touch, so that the
        # sentences compare with the value of the rows they quote
        period_value = next(
            (row.period_value for row in mine if row.model == "last_touch" and row.period_value),
            next((row.period_value for row in mine if row.period_value), None),
        )
        tables[dimension] = CreditTable(
            dimension, _order([row.dimension_value for row in mine], cells), cells, period_value
        )
    return Attribution(available=True, tables=tables, rows=rows)
