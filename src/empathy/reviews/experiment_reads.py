"""What an experiment read-out needs from a release, read-only: the experiments a review period
shows, and their rows of `experiment_scorecard`.

Which experiments a period shows. The scorecard holds no dates, so the exposure dates come from
the units it analyses (`intermediate.int_experiment_units`, analysed units only): an experiment
is shown for the period [start, end) when it exposed its first unit before the period ended and
its longest read window (the last exposure plus the largest `weeks_after_exposure` of the
scorecard, 8 weeks) had not closed before the period began. That is: it was assigning units in
the period (running), or its assignment had ended and its exposure cohorts were still being read
(concluding).
Name, hypothesis and platform status come from `staging.stg_experiments__experiments` when the
release has it.

The scorecard is the release's: a pack for a past period shows the reads as the release computes
them, not as they stood at the period's end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import duckdb

from empathy.reviews.data import records, table_exists

SCORECARD = ("main", "experiment_scorecard")
UNITS = ("intermediate", "int_experiment_units")
EXPERIMENTS = ("staging", "stg_experiments__experiments")


@dataclass(frozen=True)
class ExperimentRun:
    """One experiment's exposures (analysed units) and its platform record."""

    experiment_id: str
    name: str
    hypothesis: str | None
    status: str | None
    first_exposure: datetime
    last_exposure: datetime
    units: int
    longest_read_weeks: int

    @property
    def reads_close(self) -> datetime:
        """When the longest read window of the last exposed unit closes."""
        return self.last_exposure + timedelta(weeks=self.longest_read_weeks)

    def is_shown_in(self, start: date, end: date) -> bool:
        """Running or concluding in [start, end): see the module's docstring."""
        return self.first_exposure < _instant(end) and self.reads_close > _instant(start)

    def phase_in(self, start: date, end: date) -> str:
        if self.last_exposure >= _instant(start):
            began = " (started in this period)" if self.first_exposure >= _instant(start) else ""
            return f"assigning units{began}"
        return (
            f"assignment over; the {self.longest_read_weeks}-week reads of its last exposures "
            f"close on {self.reads_close:%d %b %Y}"
        )


@dataclass(frozen=True)
class ArmRead:
    """One row of `experiment_scorecard`: a variant x metric x read window, against control."""

    experiment_id: str
    variant: str
    metric: str
    kpi_id: str | None
    metric_kind: str
    metric_family: str
    metric_role: str
    direction: str
    metric_outcome: str
    decision: str | None
    decision_reason: str | None
    weeks_after_exposure: int
    assigned_units: int
    units: int
    value: float | None
    control_units: int | None
    control_value: float | None
    lift_abs: float | None
    lift_rel: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    p_value_adjusted: float | None
    srm_p_value: float | None
    is_control: bool
    is_primary: bool
    is_guardrail: bool
    is_decision_read: bool
    has_min_sample: bool
    is_significant: bool
    is_guardrail_breached: bool
    is_sample_ratio_mismatch: bool


@dataclass(frozen=True)
class ExperimentReads:
    """What the release holds: `available` is False when it has no experiment tables."""

    available: bool
    runs: tuple[ExperimentRun, ...] = ()
    rows: tuple[ArmRead, ...] = ()
    windows: tuple[int, ...] = ()  # the read windows of the scorecard, in weeks

    def rows_of(self, experiment_id: str) -> list[ArmRead]:
        return [row for row in self.rows if row.experiment_id == experiment_id]


def _instant(day: date) -> datetime:
    return datetime.combine(day, time())


def _exists(connection: duckdb.DuckDBPyConnection, table: tuple[str, str]) -> bool:
    return table_exists(connection, table[1], schema=table[0])


_ARM_COLUMNS = ", ".join(ArmRead.__dataclass_fields__)


def read_experiments(
    connection: duckdb.DuckDBPyConnection, start: date, end: date
) -> ExperimentReads:
    """The experiments shown for [start, end), oldest first, and all their scorecard rows."""
    if not (_exists(connection, SCORECARD) and _exists(connection, UNITS)):
        return ExperimentReads(available=False)
    platform = (
        "left join staging.stg_experiments__experiments as platform "
        "on exposures.experiment_id = platform.experiment_id"
        if _exists(connection, EXPERIMENTS)
        else "left join (select null::varchar as experiment_id, null::varchar as "
        "experiment_name, null::varchar as hypothesis, null::varchar as status) as platform "
        "on exposures.experiment_id = platform.experiment_id"
    )
    found = records(
        connection,
        f"""
        with exposures as (
            select experiment_id, min(exposed_at) as first_exposure,
                max(exposed_at) as last_exposure, count(*) as units
            from intermediate.int_experiment_units
            where is_analysed
            group by experiment_id
        ),
        windows as (
            select max(weeks_after_exposure) as longest_read_weeks
            from main.experiment_scorecard
        )
        select
            exposures.experiment_id,
            coalesce(platform.experiment_name, exposures.experiment_id) as name,
            platform.hypothesis,
            platform.status,
            exposures.first_exposure,
            exposures.last_exposure,
            exposures.units,
            windows.longest_read_weeks
        from exposures
        inner join (select distinct experiment_id from main.experiment_scorecard) as scored
            on exposures.experiment_id = scored.experiment_id
        cross join windows
        {platform}
        order by exposures.first_exposure, exposures.experiment_id
        """,
    )
    runs = tuple(
        run for run in (ExperimentRun(**row) for row in found) if run.is_shown_in(start, end)
    )
    windows = tuple(
        int(weeks)
        for (weeks,) in connection.execute(
            "select distinct weeks_after_exposure from main.experiment_scorecard order by 1"
        ).fetchall()
    )
    if not runs:
        return ExperimentReads(available=True, windows=windows)
    rows = records(
        connection,
        f"""
        select {_ARM_COLUMNS}
        from main.experiment_scorecard
        where experiment_id in ?
        order by experiment_id, variant, weeks_after_exposure, metric
        """,
        [[run.experiment_id for run in runs]],
    )
    return ExperimentReads(
        available=True, runs=runs, rows=tuple(ArmRead(**row) for row in rows), windows=windows
    )
