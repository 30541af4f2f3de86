"""The CSV extract of a pack: the scorecard rows of the reviewed period that the pack shows.

Written as the scorecard holds them, with one rule from the statistical discipline: a value below
the minimum sample is not written (value, interval and change are empty, status says
`insufficient`), and a change is empty unless both periods reached the minimum sample.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from empathy.reviews.data import LAYERS, ScoreRow

CSV_COLUMNS = (
    "kpi_id",
    "name",
    "layer",
    "grain",
    "period_start",
    "segment_type",
    "segment_value",
    "value",
    "ci_low",
    "ci_high",
    "sample_size",
    "previous_value",
    "change",
    "change_is_significant",
    "status",
    "owner",
    "definition_version",
)


def _number(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def _order(row: ScoreRow) -> tuple[int, str, int, str, str]:
    layer = LAYERS.index(row.layer) if row.layer in LAYERS else len(LAYERS)
    return (layer, row.kpi_id, 0 if row.is_population else 1, row.segment_type, row.segment_value)


def extract_rows(rows: Iterable[ScoreRow]) -> list[ScoreRow]:
    """Distinct rows in a stable order: by layer, KPI, population first, then segments."""
    unique = {row.key: row for row in rows}
    return sorted(unique.values(), key=_order)


def csv_text(rows: Iterable[ScoreRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in extract_rows(rows):
        sufficient = row.is_sufficient
        writer.writerow(
            (
                row.kpi_id,
                row.name,
                row.layer,
                row.grain,
                row.period_start.isoformat(),
                row.segment_type,
                row.segment_value,
                _number(row.value) if sufficient else "",
                _number(row.ci_low) if sufficient else "",
                _number(row.ci_high) if sufficient else "",
                "" if row.sample_size is None else row.sample_size,
                _number(row.previous_value) if row.previous_is_sufficient else "",
                _number(row.change) if row.change_is_comparable else "",
                "true" if row.change_is_significant else "false",
                row.status,
                row.owner,
                row.definition_version,
            )
        )
    return buffer.getvalue()
