"""The customer universe: who the customers are, block by block.

Distributions (documented again in ``_truth.json``):

- segment: consumer 55%, smb 28%, mid_market 12%, enterprise 5%; activity volumes, MRR and value
  tier all depend on it (enterprise: fewer, richer, more tickets, lower churn);
- value tier by segment (consumer mostly low, enterprise mostly high);
- region: na 45%, emea 30%, apac 17%, latam 8%;
- signup: 62% are a base population that signed up 1 week to 3 years before the window (so early
  months have actives); the rest sign up inside the window, month weights growing 2.5% a month
  (mild growth) with weekly seasonality;
- onboarding journey: base customers are classic; in-window signups ai_guided with probability 0.5;
- a per-customer activity multiplier (lognormal, sigma 0.5) spreads volumes between customers.

Names, e-mails and phones are synthetic: ``first.last<n>@example.com`` and ``+1-<area>-555-01xx``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .texts import FIRST_NAMES, LAST_NAMES
from .timeline import DAY, Window, seasonal_point

SEGMENT_P = (0.55, 0.28, 0.12, 0.05)
REGION_P = (0.45, 0.30, 0.17, 0.08)
TIER_P = {
    0: (0.70, 0.25, 0.05),
    1: (0.35, 0.50, 0.15),
    2: (0.10, 0.50, 0.40),
    3: (0.00, 0.25, 0.75),
}
CHANNEL_P_CONSUMER = (0.28, 0.20, 0.20, 0.07, 0.12, 0.03, 0.10)
CHANNEL_P_BUSINESS = (0.20, 0.15, 0.05, 0.08, 0.15, 0.20, 0.17)
BASE_SHARE = 0.62
AI_GUIDED_SHARE = 0.5
MONTHLY_GROWTH = 1.025


@dataclass
class Customers:
    first: int
    gidx: np.ndarray
    segment: np.ndarray
    tier: np.ndarray
    region: np.ndarray
    channel: np.ndarray
    journey: np.ndarray
    signup: np.ndarray
    in_window: np.ndarray
    activity: np.ndarray
    first_name: np.ndarray
    last_name: np.ndarray
    area: np.ndarray
    line: np.ndarray

    @property
    def n(self) -> int:
        return len(self.gidx)

    def emails(self) -> pa.Array:
        first = pc.utf8_lower(pa.array(FIRST_NAMES)).take(pa.array(self.first_name))
        last = pc.utf8_lower(pa.array(LAST_NAMES)).take(pa.array(self.last_name))
        number = pc.cast(pa.array(self.gidx), pa.string())
        return pc.binary_join_element_wise(first, ".", last, number, "@example.com", "")

    def full_names(self) -> pa.Array:
        first = pa.array(FIRST_NAMES).take(pa.array(self.first_name))
        last = pa.array(LAST_NAMES).take(pa.array(self.last_name))
        return pc.binary_join_element_wise(first, last, " ")

    def phones(self) -> pa.Array:
        area = pc.cast(pa.array(self.area), pa.string())
        line = pc.utf8_lpad(pc.cast(pa.array(self.line), pa.string()), width=2, padding="0")
        return pc.binary_join_element_wise("+1-", area, "-555-01", line, "")


def _choice(rng: np.random.Generator, probs: tuple[float, ...], size: int) -> np.ndarray:
    return rng.choice(len(probs), size=size, p=np.asarray(probs) / np.sum(probs))


def make_customers(rng: np.random.Generator, window: Window, first: int, last: int) -> Customers:
    n = last - first
    segment = _choice(rng, SEGMENT_P, n)
    tier = np.empty(n, dtype=np.int64)
    channel = np.empty(n, dtype=np.int64)
    for seg, probs in TIER_P.items():
        rows = np.flatnonzero(segment == seg)
        tier[rows] = _choice(rng, probs, len(rows))
        cprobs = CHANNEL_P_CONSUMER if seg == 0 else CHANNEL_P_BUSINESS
        channel[rows] = _choice(rng, cprobs, len(rows))
    region = _choice(rng, REGION_P, n)

    start = window.start_us
    bounds = window.month_bounds()
    base = rng.random(n) < BASE_SHARE
    signup = np.empty(n, dtype=np.int64)
    nb = int(base.sum())
    days_before = 7 + 1093 * rng.beta(1.2, 2.0, nb)
    signup[base] = start - (days_before * DAY).astype(np.int64)
    weights = np.diff(bounds) * MONTHLY_GROWTH ** np.arange(window.months)
    month = rng.choice(window.months, size=n - nb, p=weights / weights.sum())
    signup[~base] = seasonal_point(rng, bounds[month], bounds[month + 1])

    journey = np.where(~base & (rng.random(n) < AI_GUIDED_SHARE), 1, 0)
    activity = rng.lognormal(-0.125, 0.5, n)
    return Customers(
        first=first,
        gidx=np.arange(first, last, dtype=np.int64),
        segment=segment,
        tier=tier,
        region=region,
        channel=channel,
        journey=journey,
        signup=signup,
        in_window=~base,
        activity=activity,
        first_name=rng.integers(len(FIRST_NAMES), size=n),
        last_name=rng.integers(len(LAST_NAMES), size=n),
        area=rng.integers(201, 990, size=n),
        line=rng.integers(0, 100, size=n),
    )
