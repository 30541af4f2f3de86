"""Review cadences and their periods: ISO weeks (Monday start), calendar months and quarters.

A cadence reviews one closed period of its grain: the weekly review a week (its Monday), the
monthly review a month (its 1st), the quarterly review a quarter (the 1st of its first month).
"""

from __future__ import annotations

from datetime import date, timedelta

CADENCES = ("weekly", "monthly", "quarterly")
GRAIN_BY_CADENCE = {"weekly": "week", "monthly": "month", "quarterly": "quarter"}
# The next finer grain inside a period, whose diagnostics a review also reads.
FINER_GRAIN = {"week": None, "month": "week", "quarter": "month"}
GRAINS = ("week", "month", "quarter")


def grain_of(cadence: str) -> str:
    try:
        return GRAIN_BY_CADENCE[cadence]
    except KeyError:
        raise ValueError(f"unknown cadence {cadence!r}: expected one of {CADENCES}") from None


def _check_grain(grain: str) -> None:
    if grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}: expected one of {GRAINS}")


def period_containing(grain: str, day: date) -> date:
    """The start of the period of `grain` that contains `day`."""
    _check_grain(grain)
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def check_period_start(grain: str, start: date) -> None:
    """Raise ValueError unless `start` is the first day of a period of `grain`."""
    if period_containing(grain, start) != start:
        first = {"week": "a Monday", "month": "the 1st of a month", "quarter": "a quarter's 1st"}
        raise ValueError(f"{start.isoformat()} does not start a {grain}: expected {first[grain]}")


def _add_months(start: date, months: int) -> date:
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def shift_period(grain: str, start: date, periods: int) -> date:
    """The start of the period `periods` periods after (negative: before) the one at `start`."""
    check_period_start(grain, start)
    if grain == "week":
        return start + timedelta(weeks=periods)
    return _add_months(start, periods * (1 if grain == "month" else 3))


def period_end(grain: str, start: date) -> date:
    """The first day after the period (exclusive end)."""
    return shift_period(grain, start, 1)


def trailing_periods(grain: str, last_start: date, count: int) -> list[date]:
    """`count` consecutive period starts, oldest first, ending with `last_start`."""
    return [shift_period(grain, last_start, offset) for offset in range(1 - count, 1)]


def last_closed_period(cadence: str, as_of: date) -> date:
    """The start of the latest period of the cadence that ended on or before `as_of`."""
    grain = grain_of(cadence)
    return shift_period(grain, period_containing(grain, as_of), -1)


def grain_label(grain: str, start: date) -> str:
    """`2026-W44`, `2026-10` or `2026-Q3` for the period of `grain` starting at `start`."""
    check_period_start(grain, start)
    if grain == "week":
        iso_year, iso_week, _ = start.isocalendar()
        return f"{iso_year}-W{iso_week:02d}"
    if grain == "month":
        return f"{start.year}-{start.month:02d}"
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def period_label(cadence: str, period_start: date) -> str:
    """The label (and folder name) of a review period: `2026-W44`, `2026-10` or `2026-Q3`."""
    return grain_label(grain_of(cadence), period_start)
