"""Time in the simulator: microsecond integers, the history window and seasonal event sampling.

Every timestamp inside the simulator is an ``int64`` count of microseconds since the Unix epoch
(UTC). Rendering turns them into Parquet timestamps or ISO-8601 strings at write time.

Weekly seasonality is produced by thinning: candidate events are drawn uniformly over a customer's
active interval and kept with probability ``intensity(t) / max intensity``, where the intensity is
the product of a day-of-week weight (weekends about half of a weekday) and an hour-of-day weight
(business hours busier than nights).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np

SECOND = 1_000_000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR
NULL_TS = np.iinfo(np.int64).min
FOREVER = np.iinfo(np.int64).max
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Monday .. Sunday. Weekends carry roughly half the weekday volume.
DOW_WEIGHTS = np.array([1.05, 1.08, 1.05, 1.0, 0.92, 0.5, 0.42])
# Hour of day (UTC). The customer base spans regions, so nights are quiet but not empty.
HOUR_WEIGHTS = np.array(
    [
        0.35,
        0.3,
        0.3,
        0.3,
        0.35,
        0.45,
        0.6,
        0.8,
        1.05,
        1.25,
        1.35,
        1.35,
        1.3,
        1.35,
        1.4,
        1.4,
        1.35,
        1.25,
        1.1,
        0.95,
        0.8,
        0.65,
        0.5,
        0.4,
    ]
)
_MAX_INTENSITY = float(DOW_WEIGHTS.max() * HOUR_WEIGHTS.max())
_MEAN_INTENSITY = float(DOW_WEIGHTS.mean() * HOUR_WEIGHTS.mean())


def to_us(value: date | datetime) -> int:
    """Microseconds since the epoch for a date (midnight UTC) or a datetime (naive = UTC)."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (value - _EPOCH) // timedelta(microseconds=1)


def add_months(day: date, months: int) -> date:
    """The first-of-month-aligned date ``months`` calendar months after ``day`` (day kept)."""
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, day.day)


def day_of_week(t: np.ndarray) -> np.ndarray:
    """Monday = 0 .. Sunday = 6 for microsecond timestamps (1970-01-01 was a Thursday)."""
    return ((t // DAY) + 3) % 7


def intensity(t: np.ndarray) -> np.ndarray:
    """Relative activity intensity at each timestamp (weekly x daily profile)."""
    hours = (t % DAY) // HOUR
    return DOW_WEIGHTS[day_of_week(t)] * HOUR_WEIGHTS[hours]


@dataclass(frozen=True)
class Window:
    """The history window [start, end) in whole calendar months; export happens at ``end``."""

    start: date
    end: date
    months: int

    @classmethod
    def ending(cls, end: date, months: int) -> Window:
        if months < 1:
            raise ValueError(f"months must be >= 1, got {months}")
        if end.day != 1:
            raise ValueError(f"end must be the first day of a month, got {end.isoformat()}")
        return cls(start=add_months(end, -months), end=end, months=months)

    @property
    def start_us(self) -> int:
        return to_us(self.start)

    @property
    def end_us(self) -> int:
        return to_us(self.end)

    def month_bounds(self) -> np.ndarray:
        """``months + 1`` month boundaries in microseconds."""
        return np.array([to_us(add_months(self.start, k)) for k in range(self.months + 1)])

    def month_starts(self) -> list[date]:
        return [add_months(self.start, k) for k in range(self.months)]


def sample_times(
    rng: np.random.Generator,
    lo: np.ndarray,
    hi: np.ndarray,
    rate_per_day: np.ndarray | float,
    *,
    seasonal: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Poisson event times for many owners at once.

    Owner ``i`` is active on ``[lo[i], hi[i])`` (empty when ``hi <= lo``) and produces events at
    ``rate_per_day[i]`` on average. Returns ``(owner, t)`` sorted by owner then time.
    """
    length = np.maximum(hi - lo, 0)
    rate = np.broadcast_to(np.asarray(rate_per_day, dtype=float), length.shape)
    boost = _MAX_INTENSITY / _MEAN_INTENSITY if seasonal else 1.0
    counts = rng.poisson(rate * (length / DAY) * boost)
    owner = np.repeat(np.arange(len(lo)), counts)
    t = lo[owner] + (rng.random(len(owner)) * length[owner]).astype(np.int64)
    if seasonal:
        keep = rng.random(len(owner)) * _MAX_INTENSITY < intensity(t)
        owner, t = owner[keep], t[keep]
    order = np.lexsort((t, owner))
    return owner[order], t[order]


def seasonal_point(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """One seasonally weighted time per interval (rejection sampling in a few vector rounds)."""
    n = len(lo)
    out = lo + (rng.random(n) * np.maximum(hi - lo, 0)).astype(np.int64)
    pending = np.arange(n)
    for _ in range(12):
        if len(pending) == 0:
            break
        cand = lo[pending] + (
            rng.random(len(pending)) * np.maximum(hi[pending] - lo[pending], 0)
        ).astype(np.int64)
        ok = rng.random(len(pending)) * _MAX_INTENSITY < intensity(cand)
        out[pending[ok]] = cand[ok]
        pending = pending[~ok]
    return out


def lognormal_us(
    rng: np.random.Generator, median_us: np.ndarray | float, sigma: float, size: int
) -> np.ndarray:
    """Lognormal durations in microseconds with the given median, at least one second."""
    values = np.asarray(median_us, dtype=float) * np.exp(sigma * rng.standard_normal(size))
    return np.maximum(values, SECOND).astype(np.int64)
