"""The review that closes a weekly, monthly or quarterly cadence.

The build decides which period a review covers (``kpi_review_log``: the latest period of the
cadence's grain that closed on or before the as-of date) and logs the values it publishes. After
the publish, :func:`run_review` writes that period's review pack from the serving file and routes
its breaches and fired diagnostics to their owners.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from empathy.alerts import AlertOutcome, WebhookPolicy, collect_alerts, route_alerts
from empathy.reviews.periods import GRAIN_BY_CADENCE

if TYPE_CHECKING:
    from empathy.refresh import Build
    from empathy.reviews import ReviewPack
    from empathy.settings import Settings

CADENCE_GRAINS = GRAIN_BY_CADENCE
Echo = Callable[[str], None]


class NoClosedPeriodError(RuntimeError):
    """A review was asked for, but no period of its grain closed on or before the as-of date."""


class ReviewFailedError(RuntimeError):
    """The release was published, but its review pack or alerts could not be written."""


@dataclass(frozen=True)
class ReviewOutcome:
    cadence: str
    period_start: date
    pack: ReviewPack
    alerts: AlertOutcome
    published_values: int
    restatements: int


def reviewed_period(warehouse_file: Path, review_id: str) -> tuple[date, int]:
    """The period a review covers and how many values it published, from kpi_review_log."""
    connection = duckdb.connect(str(warehouse_file), read_only=True)
    try:
        found = connection.execute(
            "select min(review_period_start), count(*) from main.kpi_review_log "
            "where review_id = ? and entry_type = 'published'",
            [review_id],
        ).fetchone()
    finally:
        connection.close()
    if not found or found[0] is None:
        raise NoClosedPeriodError(
            f"review {review_id}: no closed period of its grain on or before the as-of date, "
            "so there is nothing to review (pass an --as-of date after the data starts)"
        )
    return found[0], int(found[1])


def check_review(build: Build) -> tuple[date, int]:
    """Before publishing: the build logged a reviewed period (else nothing is published)."""
    if not build.review_id:
        raise ValueError("not a review build")
    return reviewed_period(build.build_file, build.review_id)


def run_review(settings: Settings, build: Build, echo: Echo = print) -> ReviewOutcome:
    """Route the alerts of the published release's review, then write its review pack.

    The alerts go first and do not depend on the pack: a pack that cannot be written does not
    keep owners from hearing about their breaches.
    """
    from empathy.reviews import write_review_pack

    if not build.cadence or not build.review_id:
        raise ValueError("run_review needs a build started with a cadence")
    serving_file = settings.serving_file
    period_start, published = reviewed_period(serving_file, build.review_id)
    grain = CADENCE_GRAINS[build.cadence]
    webhook = WebhookPolicy.from_environment()
    alerts = collect_alerts(serving_file, build.cadence, grain, period_start, build.review_id)
    outcome = route_alerts(alerts, settings.alerts_dir, echo=echo, webhook=webhook)
    echo(
        f"  alerts: {outcome.raised} raised to owners in {settings.alerts_dir / 'outbox.jsonl'}"
        + (f" ({outcome.already_raised} raised before)" if outcome.already_raised else "")
        + (
            f"; webhook: {outcome.delivered} delivered, {len(outcome.undelivered)} undelivered"
            if webhook
            else ""
        )
    )
    pack = write_review_pack(
        serving_file,
        build.cadence,
        period_start,
        settings.reports_root,
        review_id=build.review_id,
        echo=echo,
    )
    echo(
        f"  review pack for the {grain} of {period_start}: {pack.html_path} and {pack.csv_path} "
        f"({published:,} values logged, {pack.restatements} restatements shown)"
    )
    return ReviewOutcome(build.cadence, period_start, pack, outcome, published, pack.restatements)
