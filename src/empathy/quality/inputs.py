"""Distribution checks on the key inputs: weekly volume against the trailing weeks, and survey
response rates. Facts are aggregated in DuckDB (counts per week), so no row of a fact table, and
none of its PII, reaches pandas or the Data Docs.

The thresholds were chosen against the demo data at small and medium scale (seed 42) and against
the faults they must catch:
- volume: the last closed week's rows over the median of the 8 closed weeks before it. Week to week
  the demo ranges 0.67-1.61 (tickets, chats, sessions; small scale) and 0.85-1.21 (medium). A
  collapse (a missing or truncated export) lands near 0, a double load near 2, a fan-out well above.
  The band [1/3, 3] flags a drop to a third or a tripling, with room for weekly noise at small
  scale. E-mail sends are campaign-driven (launch weeks reach 8.7x the trailing median in the demo),
  so only their collapse is checked. Survey sends surged to 7x in one mid-window week of the demo
  (an experiment launch); a refresh landing on such a week fails the gate on purpose, because a
  tripled feedback volume changes the mix of every experience KPI and deserves a look first.
- response rate: answered / sent per survey type over the last 8 closed weeks, within [5%, 80%]
  (demo: 0.29-0.33 per type at both scales). Below 5% answers are being lost (e.g. a broken answer
  feed); above 80% unanswered sends are being dropped from the export. Types with fewer than 30
  sends in the window are not rated (one answer would swing the rate).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

# Runs one SELECT against the warehouse and returns its rows (DuckDB or PostgreSQL).
Query = Callable[[str], pd.DataFrame]

TRAILING_WEEKS = 8
MIN_TRAILING_WEEKS = 4  # fewer closed weeks of history: the source is too new to judge
RESPONSE_RATE_WEEKS = 8
RESPONSE_RATE_BAND = (0.05, 0.80)
MIN_SURVEY_SENDS = 30


@dataclass(frozen=True)
class VolumeSource:
    """A fact whose weekly row count is checked, bucketed by its event timestamp."""

    table: str
    timestamp: str
    low: float | None  # ratio of the last closed week to the trailing median
    high: float | None


VOLUME_SOURCES = (
    VolumeSource("fct_tickets", "created_at", 1 / 3, 3.0),
    VolumeSource("fct_chat_conversations", "started_at", 1 / 3, 3.0),
    VolumeSource("fct_web_sessions", "started_at", 1 / 3, 3.0),
    VolumeSource("fct_survey_responses", "sent_at", 1 / 3, 3.0),
    VolumeSource("fct_email_sends", "sent_at", 1 / 3, None),
)


def read_weekly_volumes(query: Query, schema: str = "main") -> pd.DataFrame:
    """Rows per ISO week (Monday start, UTC) of each volume source."""
    selects = [
        f"select '{source.table}' as source_table, "
        f"cast(date_trunc('week', {source.timestamp}) as date) as week_start, "
        f"count(*) as row_count from {schema}.{source.table} "
        f"where {source.timestamp} is not null group by 1, 2"
        for source in VOLUME_SOURCES
    ]
    return query(" union all ".join(selects))


def read_weekly_survey_sends(query: Query, schema: str = "main") -> pd.DataFrame:
    """Survey sends and answers per survey type and ISO week of sending."""
    return query(
        "select survey_type, cast(date_trunc('week', sent_at) as date) as week_start, "
        "count(*) as sent, count(*) filter (where is_answered) as answered "
        f"from {schema}.fct_survey_responses where sent_at is not null group by 1, 2"
    )


def last_closed_week(scorecard: pd.DataFrame) -> pd.Timestamp | None:
    """The latest closed week of the published scorecard. The horizon comes from the scorecard
    (all observations), not from each fact: a fact that collapsed would move its own horizon."""
    weeks = scorecard.loc[
        (scorecard["grain"] == "week") & scorecard["is_closed_period"], "period_start"
    ]
    return None if weeks.empty else pd.Timestamp(weeks.max())


def volume_frame(weekly: pd.DataFrame, last_week: pd.Timestamp | None) -> pd.DataFrame:
    """One row per volume source with enough history: the last closed week's rows, the median of
    the trailing closed weeks (weeks without rows count as 0, weeks before the source's first row
    are not history) and their ratio."""
    rows: list[dict[str, object]] = []
    for source in VOLUME_SOURCES:
        counts = weekly.loc[weekly["source_table"] == source.table]
        if last_week is None or counts.empty:
            continue
        by_week = counts.set_index(pd.to_datetime(counts["week_start"]))["row_count"]
        trailing = pd.date_range(
            end=last_week - pd.Timedelta(weeks=1), periods=TRAILING_WEEKS, freq="W-MON"
        )
        trailing = trailing[trailing >= by_week.index.min()]
        if len(trailing) < MIN_TRAILING_WEEKS:
            continue
        last_rows = int(by_week.get(last_week, 0))
        median = float(by_week.reindex(trailing, fill_value=0).median())
        # a source without rows in all the trailing weeks: 0 (dead) or infinity (back from dead)
        ratio = last_rows / median if median > 0 else (math.inf if last_rows else 0.0)
        rows.append(
            {
                "source_table": source.table,
                "week_start": last_week,
                "row_count": last_rows,
                "trailing_weeks": len(trailing),
                "trailing_median": median,
                "ratio_to_trailing_median": ratio,
            }
        )
    columns = [
        "source_table", "week_start", "row_count", "trailing_weeks", "trailing_median",
        "ratio_to_trailing_median",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def response_rate_frame(weekly: pd.DataFrame, last_week: pd.Timestamp | None) -> pd.DataFrame:
    """Response rate per survey type over the last closed weeks (types with enough sends)."""
    columns = ["survey_type", "first_week", "last_week", "sent", "answered", "response_rate"]
    if last_week is None or weekly.empty:
        return pd.DataFrame(columns=columns)
    first_week = last_week - pd.Timedelta(weeks=RESPONSE_RATE_WEEKS - 1)
    weeks = pd.to_datetime(weekly["week_start"])
    window = weekly.loc[(weeks >= first_week) & (weeks <= last_week)]
    rates = window.groupby("survey_type", as_index=False)[["sent", "answered"]].sum()
    rates = rates.loc[rates["sent"] >= MIN_SURVEY_SENDS].copy()
    rates["first_week"] = first_week
    rates["last_week"] = last_week
    rates["response_rate"] = rates["answered"] / rates["sent"]
    return rates[columns].reset_index(drop=True)
