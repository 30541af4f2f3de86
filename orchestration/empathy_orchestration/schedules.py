"""Weekly, monthly and quarterly review cadences, in UTC like the KPI periods (KPI_SPEC 3).

Each scheduled run refreshes, audits, publishes and writes the review pack of the period that
closed before the scheduled date. The schedules are running by default.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import dagster as dg

from empathy_orchestration.warehouse import WRITER_TAG

TIMEZONE = "UTC"


@dataclass(frozen=True)
class Cadence:
    name: str
    cron: str
    when: str


CADENCES = (
    Cadence("weekly", "0 5 * * 1", "Mondays at 05:00 UTC"),
    Cadence("monthly", "0 6 1 * *", "the first day of each month at 06:00 UTC"),
    Cadence("quarterly", "0 7 1 1,4,7,10 *", "the first day of each quarter at 07:00 UTC"),
)


def review_run_config(cadence: str, scheduled_at: datetime) -> dict[str, Any]:
    """The run config of a cadence's run: the review closes the period before the scheduled day."""
    as_of = scheduled_at.date().isoformat()
    return {"resources": {"warehouse": {"config": {"cadence": cadence, "as_of": as_of}}}}


def review_job(cadence: Cadence) -> Any:
    return dg.define_asset_job(
        name=f"{cadence.name}_review",
        selection=dg.AssetSelection.all(),
        description=f"Refresh, audit, publish and write the {cadence.name} review pack.",
        tags=WRITER_TAG,
        executor_def=dg.in_process_executor,
        config={"resources": {"warehouse": {"config": {"cadence": cadence.name}}}},
    )


def review_schedule(cadence: Cadence, job: Any) -> dg.ScheduleDefinition:
    def evaluate(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        scheduled_at = context.scheduled_execution_time
        return dg.RunRequest(
            run_key=f"{cadence.name}-{scheduled_at.date().isoformat()}",
            run_config=review_run_config(cadence.name, scheduled_at),
            tags=WRITER_TAG,
        )

    return dg.ScheduleDefinition(
        name=f"{cadence.name}_review_schedule",
        job=job,
        cron_schedule=cadence.cron,
        execution_timezone=TIMEZONE,
        execution_fn=evaluate,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=f"The {cadence.name} review, {cadence.when}.",
    )


REVIEW_JOBS = {cadence.name: review_job(cadence) for cadence in CADENCES}
REVIEW_SCHEDULES = [review_schedule(cadence, REVIEW_JOBS[cadence.name]) for cadence in CADENCES]
