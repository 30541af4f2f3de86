"""Paid media: daily ad performance per campaign (written once, not per customer block).

Campaigns run on paid_search, social and display; each has a base relevance (1-10) and starts at
some point in the window. Daily impressions scale with the number of customers, follow the weekly
cycle and grow mildly; CTR rises with the relevance score; spend = clicks x CPC (by channel).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .frames import Frame
from .timeline import DAY, Window

CHANNEL_CYCLE = (0, 1, 2, 0, 1, 0, 2, 1)
CPC = np.array([2.4, 1.1, 0.6])
CTR_BASE = np.array([0.035, 0.012, 0.004])
WEEKDAY = np.array([1.05, 1.08, 1.05, 1.0, 0.92, 0.6, 0.55])


def campaigns(count: int) -> tuple[list[str], np.ndarray]:
    """Campaign ids and their channel codes (paid_search, social, display)."""
    channel = np.array([CHANNEL_CYCLE[k % len(CHANNEL_CYCLE)] for k in range(count)])
    prefix = ("PS", "SO", "DI")
    ids = [f"CMP-{prefix[ch]}-{k + 1:03d}" for k, ch in enumerate(channel)]
    return ids, channel


def ad_performance(rng: np.random.Generator, window: Window, count: int, customers: int) -> Frame:
    ids, channel = campaigns(count)
    days = np.arange(window.start_us, window.end_us, DAY, dtype=np.int64)
    nd = len(days)
    start_day = np.where(np.arange(count) < count // 2, 0, rng.integers(0, nd // 2, size=count))
    relevance = rng.uniform(3.5, 8.5, size=count)
    campaign = np.repeat(np.arange(count), nd)
    day = np.tile(np.arange(nd), count)
    live = day >= start_day[campaign]
    campaign, day = campaign[live], day[live]
    n = len(campaign)
    date_us = days[day]
    dow = ((date_us // DAY) + 3) % 7
    growth = 1.0 + 0.25 * day / max(nd - 1, 1)
    volume = customers * 0.6 * WEEKDAY[dow] * growth * rng.lognormal(0.0, 0.25, n)
    impressions = rng.poisson(volume)
    score = np.clip(np.rint(relevance[campaign] + rng.normal(0, 0.8, n)), 1, 10).astype(np.int64)
    ctr = CTR_BASE[channel[campaign]] * (0.5 + score / 10.0)
    clicks = rng.binomial(impressions, np.minimum(ctr, 1.0))
    spend = np.round(clicks * CPC[channel[campaign]] * rng.lognormal(0.0, 0.1, n), 2)
    return {
        "report_date": date_us,
        "campaign_id": pa.array(ids, type=pa.string()).take(pa.array(campaign)),
        "channel": channel[campaign],
        "ad_relevance_score": score,
        "impressions": impressions.astype(np.int64),
        "clicks": clicks.astype(np.int64),
        "spend": spend,
        "_event": date_us + DAY,
    }
