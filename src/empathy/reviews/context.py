"""What a pack's sections share: the open release, the period under review, the rows read once
for every section, and the `Section` each builder returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

from empathy.reviews import data
from empathy.reviews.data import (
    Diagnostic,
    KpiDefinition,
    Release,
    RestatementLog,
    ScoreRow,
)
from empathy.reviews.markup import Markup
from empathy.reviews.periods import grain_label, trailing_periods


@dataclass(frozen=True)
class Extract:
    """A CSV file written beside the pack (other than the KPI extract) and listed in its header."""

    file_name: str
    text: str
    description: str


@dataclass(frozen=True)
class Section:
    """One part of a pack. `rows` are the scorecard rows of the reviewed period it shows; they
    make up the pack's CSV extract. `extracts` are further CSV files of what the section shows."""

    key: str
    title: str
    body: Markup
    charts: int = 0
    rows: tuple[ScoreRow, ...] = ()
    extracts: tuple[Extract, ...] = ()


@dataclass
class PackContext:
    connection: duckdb.DuckDBPyConnection
    cadence: str
    grain: str
    period_start: date
    period_end: date
    label: str
    review_id: str
    release: Release
    definitions: dict[str, KpiDefinition]
    min_sample_size: int | None
    period_rows: list[ScoreRow]
    diagnostics: list[Diagnostic]
    restatements: RestatementLog
    _history: dict[int, dict[str, list[ScoreRow | None]]] = field(default_factory=dict)

    @property
    def population_rows(self) -> list[ScoreRow]:
        return [row for row in self.period_rows if row.is_population]

    def trailing(self, count: int) -> list[date]:
        return trailing_periods(self.grain, self.period_start, count)

    def period_name(self, start: date) -> str:
        return grain_label(self.grain, start)

    def population_history(self, count: int) -> dict[str, list[ScoreRow | None]]:
        """Per KPI, its population rows for the last `count` periods (None where missing)."""
        if count not in self._history:
            periods = self.trailing(count)
            rows = data.read_scores(self.connection, self.grain, periods, population_only=True)
            by_kpi: dict[str, dict[date, ScoreRow]] = {}
            for row in rows:
                by_kpi.setdefault(row.kpi_id, {})[row.period_start] = row
            self._history[count] = {
                kpi_id: [found.get(period) for period in periods]
                for kpi_id, found in by_kpi.items()
            }
        return self._history[count]

    def playbook(self, kpi_id: str) -> str:
        definition = self.definitions.get(kpi_id)
        return definition.playbook if definition else ""
