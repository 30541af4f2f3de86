"""Value ranges of KPI values, derived from the registry: each KPI gets the range of its unit (and,
for ratios, of its aggregation), so a KPI added to the registry is range-checked automatically and
a KPI with a unit missing below fails the registry suite until its range is decided here.

| unit                               | range       | why                                          |
|------------------------------------|-------------|----------------------------------------------|
| ratio, aggregation proportion      | [0, 1]      | a share of units                             |
| ratio, any other aggregation       | [0, +inf)   | ratio of amounts (NRR exceeds 1)             |
| percent                            | [0, 100]    | scroll depth and other percentages           |
| nps                                | [-100, 100] | 100 x (promoter - detractor share)           |
| score_1_5 / score_1_7 / score_1_10 | [1, 5/7/10] | mean of answers on that scale                |
| seconds, minutes, days, pages,     | [0, +inf)   | durations, counts and money are never        |
| contacts_per_customer, usd,        |             | negative in this catalogue; a signed KPI (an |
| usd_per_day                        |             | MRR change) needs a unit of its own here     |

Intervals: a Wilson interval (aggregation proportion) and an order-statistic interval of a
quantile (median, p90) lie inside the value's range by construction, so ci_low and ci_high are
range-checked too. Normal-approximation intervals (mean, ratio, nps: value +- 1.96 x SE) are not
clipped to the scale by the KPI layer; for them only the ordering ci_low <= value <= ci_high holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

UNBOUNDED = math.inf
UNIT_RANGES: dict[str, tuple[float, float]] = {
    "ratio": (0.0, UNBOUNDED),
    "percent": (0.0, 100.0),
    "nps": (-100.0, 100.0),
    "score_1_5": (1.0, 5.0),
    "score_1_7": (1.0, 7.0),
    "score_1_10": (1.0, 10.0),
    "seconds": (0.0, UNBOUNDED),
    "minutes": (0.0, UNBOUNDED),
    "days": (0.0, UNBOUNDED),
    "pages": (0.0, UNBOUNDED),
    "contacts_per_customer": (0.0, UNBOUNDED),
    "usd": (0.0, UNBOUNDED),
    "usd_per_day": (0.0, UNBOUNDED),
}
PROPORTION_RANGE = (0.0, 1.0)  # unit ratio with aggregation proportion
BOUNDED_INTERVAL_AGGREGATIONS = frozenset({"proportion", "median", "p90"})


@dataclass(frozen=True)
class RangeGroup:
    """Registry KPIs sharing one range."""

    low: float
    high: float
    kpi_ids: tuple[str, ...]
    units: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{len(self.kpi_ids)} KPIs with unit {'/'.join(self.units)}"


def kpi_range(unit: str, aggregation: str) -> tuple[float, float] | None:
    """The range of a KPI's value, or None when its unit has no range yet."""
    if unit == "ratio" and aggregation == "proportion":
        return PROPORTION_RANGE
    return UNIT_RANGES.get(unit)


def range_groups(definitions: pd.DataFrame, *, intervals: bool = False) -> list[RangeGroup]:
    """Registry KPIs grouped by the range of their values, or with ``intervals`` only those whose
    interval lies inside it. KPIs of a unit without a range are left out: the registry suite fails
    on them."""
    members: dict[tuple[float, float], list[tuple[str, str]]] = {}
    for row in definitions.itertuples(index=False):
        bounds = kpi_range(str(row.unit), str(row.aggregation))
        if bounds is None:
            continue
        if intervals and str(row.aggregation) not in BOUNDED_INTERVAL_AGGREGATIONS:
            continue
        members.setdefault(bounds, []).append((str(row.kpi_id), str(row.unit)))
    return [
        RangeGroup(
            low=low,
            high=high,
            kpi_ids=tuple(sorted(kpi for kpi, _ in kpis)),
            units=tuple(sorted({unit for _, unit in kpis})),
        )
        for (low, high), kpis in sorted(members.items())
    ]
