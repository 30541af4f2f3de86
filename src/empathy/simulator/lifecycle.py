"""Customer lifecycle: churn and reactivation, simulated month by month across a block.

Each customer has at most two active intervals: ``[signup, end1)`` and, after a win-back,
``[start2, end2)`` (``FOREVER`` = still active at export). At the start of each month:

- churned customers (1-6 months after churning, once only) reactivate with probability 1.5%;
- every customer active at the month start churns with a monthly hazard
  ``base(segment) x 2.5 (first 4 months of tenure) x tier (low 1.2, high 0.8)
  x 1.8 (a CSAT <= 2 answer or a reopened ticket in the 60 days before the month start)
  x 0.5 (planted effect f: ai_guided onboarding in the 2026-01..2026-04 signup cohorts)``;
  the churn time is uniform in the month but never before the customer's last known activity
  (a ticket reply or survey answer already simulated), so customers do nothing after churning.

Support contacts (chat and helpdesk) are simulated inside the same monthly loop because their
outcomes (reopens, low CSAT) feed the hazard; all other families are generated afterwards from the
final intervals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import effects as fx
from .timeline import DAY, FOREVER, HOUR, to_us

TENURE_EARLY_MONTHS = 4
TENURE_EARLY_FACTOR = 2.5
TIER_FACTOR = np.array([1.2, 1.0, 0.8])
REACTIVATION_MAX_DAYS = 183


@dataclass
class Lifecycle:
    signup: np.ndarray
    end1: np.ndarray
    start2: np.ndarray
    end2: np.ndarray
    last_activity: np.ndarray
    bad_cust: list[np.ndarray] = field(default_factory=list)
    bad_time: list[np.ndarray] = field(default_factory=list)

    @classmethod
    def start(cls, signup: np.ndarray) -> Lifecycle:
        n = len(signup)
        forever = np.full(n, FOREVER, dtype=np.int64)
        return cls(
            signup=signup.copy(),
            end1=forever.copy(),
            start2=forever.copy(),
            end2=forever.copy(),
            last_activity=signup.copy(),
        )

    @property
    def n(self) -> int:
        return len(self.signup)

    def segment(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        """Each customer's active part of ``[lo, hi)`` (``a >= b`` when inactive).

        Reactivation needs a full month gap, so at most one interval overlaps a calendar month.
        """
        a1 = np.maximum(self.signup, lo)
        b1 = np.minimum(self.end1, hi)
        a2 = np.maximum(self.start2, lo)
        b2 = np.minimum(self.end2, hi)
        second = b2 > a2
        return np.where(second, a2, a1), np.where(second, b2, b1)

    def active_at(self, cust: np.ndarray, t: np.ndarray) -> np.ndarray:
        first = (self.signup[cust] <= t) & (t < self.end1[cust])
        second = (self.start2[cust] <= t) & (t < self.end2[cust])
        return first | second

    def end_after(self, cust: np.ndarray, t: np.ndarray) -> np.ndarray:
        """End of the active interval that contains ``t`` (the customer's churn time)."""
        return np.where(t < self.end1[cust], self.end1[cust], self.end2[cust])

    def churned_by(self, t: int) -> np.ndarray:
        return ((self.end1 <= t) & (self.start2 > t)) | (self.end2 <= t)

    def touch(self, cust: np.ndarray, t: np.ndarray) -> None:
        """Record customer activity (so a later churn time never precedes it)."""
        np.maximum.at(self.last_activity, cust, t)

    def add_bad(self, cust: np.ndarray, t: np.ndarray) -> None:
        if len(cust):
            self.bad_cust.append(np.asarray(cust, dtype=np.int64))
            self.bad_time.append(np.asarray(t, dtype=np.int64))

    def bad_between(self, lo: int, hi: int) -> np.ndarray:
        """Customers with a bad experience anchored in ``[lo, hi)``."""
        flag = np.zeros(self.n, dtype=bool)
        for cust, t in zip(self.bad_cust, self.bad_time, strict=True):
            sel = (t >= lo) & (t < hi)
            flag[cust[sel]] = True
        return flag


@dataclass
class ChurnStats:
    """Customer-months at risk and churn events, for realised hazard ratios in the truth file."""

    cells: dict[str, list[int]] = field(default_factory=dict)

    def add(self, key: str, at_risk: np.ndarray, churned: np.ndarray) -> None:
        cell = self.cells.setdefault(key, [0, 0])
        cell[0] += int(at_risk.sum())
        cell[1] += int((at_risk & churned).sum())


def reactivate(
    rng: np.random.Generator, life: Lifecycle, month_lo: int, month_hi: int, export_us: int
) -> int:
    eligible = (
        (life.end1 < month_lo)
        & (life.start2 == FOREVER)
        & (month_lo - life.end1 <= REACTIVATION_MAX_DAYS * DAY)
    )
    win = eligible & (rng.random(life.n) < fx.REACTIVATION_RATE_MONTH)
    when = month_lo + (rng.random(life.n) * (month_hi - month_lo)).astype(np.int64)
    win &= when < export_us
    life.start2[win] = when[win]
    life.last_activity[win] = np.maximum(life.last_activity[win], when[win])
    return int(win.sum())


def decide_churn(
    rng: np.random.Generator,
    life: Lifecycle,
    segment: np.ndarray,
    tier: np.ndarray,
    journey: np.ndarray,
    month_lo: int,
    month_hi: int,
    export_us: int,
    stats: ChurnStats,
) -> None:
    first_active = (life.signup < month_lo) & (life.end1 == FOREVER) & (life.start2 == FOREVER)
    second_active = (life.start2 < month_lo) & (life.end2 == FOREVER)
    at_risk = first_active | second_active
    base = np.array(
        [fx.BASE_CHURN[name] for name in ("consumer", "smb", "mid_market", "enterprise")]
    )
    hazard = base[segment] * TIER_FACTOR[tier]
    tenure_start = np.where(second_active, life.start2, life.signup)
    early = (month_lo - tenure_start) < TENURE_EARLY_MONTHS * 30 * DAY
    hazard = np.where(early, hazard * TENURE_EARLY_FACTOR, hazard)
    bad = life.bad_between(month_lo - fx.BAD_EXPERIENCE_DAYS * DAY, month_lo)
    hazard = np.where(bad, hazard * fx.BAD_EXPERIENCE_CHURN_FACTOR, hazard)
    cohort = (life.signup >= to_us(fx.COHORT_START)) & (life.signup < to_us(fx.COHORT_END))
    guided = cohort & (journey == 1)
    hazard = np.where(guided, hazard * fx.COHORT_AI_GUIDED_HAZARD, hazard)

    churn = at_risk & (rng.random(life.n) < np.minimum(hazard, 0.9))
    when = month_lo + (rng.random(life.n) * (month_hi - month_lo)).astype(np.int64)
    when = np.maximum(when, life.last_activity + HOUR)
    churn_final = churn & (when < export_us)

    life.end1 = np.where(churn_final & first_active, when, life.end1)
    life.end2 = np.where(churn_final & second_active, when, life.end2)

    # Realised-hazard bookkeeping (decision-level: a churn pushed past export still counts).
    stats.add("bad_60d", at_risk & bad, churn)
    stats.add("no_bad_60d", at_risk & ~bad, churn)
    # Strata of the other hazard factors, for a Mantel-Haenszel hazard ratio of bad experiences.
    stratum = (segment * 3 + tier) * 2 + early
    for k in np.unique(stratum[at_risk]):
        in_k = at_risk & (stratum == k) & ~guided
        stats.add(f"stratum.{k}.bad", in_k & bad, churn)
        stats.add(f"stratum.{k}.no_bad", in_k & ~bad, churn)
    stats.add("cohort_ai_guided", at_risk & guided, churn)
    stats.add("cohort_classic", at_risk & cohort & (journey == 0), churn)
