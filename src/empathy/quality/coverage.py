"""Which (KPI, grain, closed period) rows the scorecard must hold at the population level
(segment_type 'all'), derived from the registry's cadences and the data's range.

The rule, checked against the demo data before it was written down:
- Grains: those of the KPI's cadences (weekly -> week, ...). ltv, won_value and pipeline_velocity
  are monthly|quarterly: their week rows are published but not required.
- Start: the KPI's first closed period at that grain (any segment). KPIs start when their data
  does: billing KPIs at the first complete period of the billing history (their first quarter is
  2025-Q4, not the partial 2025-Q3 event KPIs publish), the 30-day cohorts a few weeks later.
- End: every closed period, except that a period ending within MATURITY_DAYS of the scorecard's
  horizon is required only up to the KPI's own last closed period at that grain (any segment).
  Some KPIs wait for their units to mature: billing KPIs publish only periods whose MRR is known
  (up to the start of the last billed month), lead conversion and onboarding completion wait 30
  days, containment and repeat contact 7, demo completion until the demo takes place. The longest
  wait is a calendar month plus the week that straddles it, hence 38 days; a KPI whose rows stop
  earlier than that is stale and fails.
- Gaps: the scorecard has no row for a period without units (a zero denominator). A gap is
  expected only where zero units is a plausible draw: the published periods around it (4 on each
  side) hold a median of fewer than SPARSE_UNITS units (at 10 a period with none has probability
  e^-10, about 5 in 100,000; at 3 it is 5%).
  In the demo at small scale this lets through 7 weekly gaps (csat_after_human_pct,
  quote_request_quality twice, theme_negative_share_tone/speed/effort, one 2022 week of
  quarantine_rate, whose sparse 2022 rows count CRM and billing history loaded then); none at
  medium scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

CADENCE_GRAINS = {"weekly": "week", "monthly": "month", "quarterly": "quarter"}
GRAIN_STARTS = {"week": "W-MON", "month": "MS", "quarter": "QS"}
GRAIN_LENGTHS = {
    "week": pd.DateOffset(weeks=1),
    "month": pd.DateOffset(months=1),
    "quarter": pd.DateOffset(months=3),
}
MATURITY_DAYS = 38
SPARSE_UNITS = 10
NEIGHBOURS = 4
POPULATION = "all"


@dataclass(frozen=True)
class Coverage:
    """The required population rows (``periods``: kpi_id, grain, period_start, is_published) and
    how many gaps were let through as plausible empty periods."""

    periods: pd.DataFrame
    tolerated_gaps: int
    horizon: pd.Timestamp | None


def cadence_grains(cadences: object) -> list[str]:
    tokens = str(cadences or "").split("|")
    return [CADENCE_GRAINS[token] for token in tokens if token in CADENCE_GRAINS]


def _calendar(grain: str, first: pd.Timestamp, last_end: pd.Timestamp) -> pd.DatetimeIndex:
    """Period starts at a grain from ``first`` whose exclusive end is on or before ``last_end``."""
    starts = pd.date_range(first, last_end, freq=GRAIN_STARTS[grain])
    return starts[(starts + GRAIN_LENGTHS[grain]) <= last_end]


def _is_plausibly_empty(period: pd.Timestamp, published: pd.Series) -> bool:
    """True when the published periods around ``period`` (up to NEIGHBOURS on each side) hold a
    median of fewer than SPARSE_UNITS units; never when nothing is published at all (a KPI without
    population rows is missing, not sparse). The median keeps one surge week from hiding a gap."""
    neighbours = pd.concat(
        [
            published[published.index < period].iloc[-NEIGHBOURS:],
            published[published.index > period].iloc[:NEIGHBOURS],
        ]
    )
    return not neighbours.empty and float(neighbours.median()) < SPARSE_UNITS


def expected_periods(scorecard: pd.DataFrame, definitions: pd.DataFrame) -> Coverage:
    closed = scorecard.loc[scorecard["is_closed_period"]].copy()
    columns = ["kpi_id", "grain", "period_start", "is_published"]
    if closed.empty:
        rows = [
            {"kpi_id": kpi, "grain": grain, "period_start": pd.NaT, "is_published": False}
            for kpi, cadences in zip(definitions["kpi_id"], definitions["cadences"], strict=True)
            for grain in cadence_grains(cadences)
        ]
        return Coverage(pd.DataFrame(rows, columns=columns), 0, None)

    closed["period_start"] = pd.to_datetime(closed["period_start"])
    closed["period_end_exclusive"] = pd.to_datetime(closed["period_end"]) + pd.Timedelta(days=1)
    horizon = closed["period_end_exclusive"].max()
    mature_by = horizon - pd.Timedelta(days=MATURITY_DAYS)
    by_kpi = dict(tuple(closed.groupby("kpi_id")))
    rows: list[dict[str, object]] = []
    tolerated = 0
    for kpi, cadences in zip(definitions["kpi_id"], definitions["cadences"], strict=True):
        kpi_rows = by_kpi.get(kpi, closed.iloc[0:0])
        for grain in cadence_grains(cadences):
            at_grain = kpi_rows.loc[kpi_rows["grain"] == grain]
            if not at_grain.empty:
                first = at_grain["period_start"].min()
                kpi_end = at_grain["period_end_exclusive"].max()
            else:  # nothing at this grain: required from the KPI's (or the scorecard's) start
                source = kpi_rows if not kpi_rows.empty else closed
                first = source["period_start"].min()
                kpi_end = horizon
            population = at_grain.loc[at_grain["segment_type"] == POPULATION]
            published = population.set_index("period_start")["sample_size"].sort_index()
            for period in _calendar(grain, first, max(kpi_end, mature_by)):
                is_published = period in published.index
                if not is_published and _is_plausibly_empty(period, published):
                    tolerated += 1
                    continue
                rows.append(
                    {
                        "kpi_id": kpi,
                        "grain": grain,
                        "period_start": period,
                        "is_published": is_published,
                    }
                )
    return Coverage(pd.DataFrame(rows, columns=columns), tolerated, horizon)
