"""Billing: subscriptions and monthly invoices consistent with the customer lifecycle.

- Plan by segment (consumer mostly starter, smb growth, mid_market pro, enterprise enterprise);
  list price 29 / 99 / 399 / 2,400 USD x value tier (0.8 low, 1.0 medium, 1.6 high) x seats
  (lognormal sigma 0.15).
- One invoice per calendar month in which the subscription is active (issued at the month start,
  or at signup / reactivation), amount = the month's MRR; none after the cancellation.
- MRR moves: expansion from upgrade conversions (delta applied from the next month), contraction
  1.5% of active customer-months (x0.6-0.9), churn (cancelled_at = churn time, MRR 0), and
  reactivation (a new subscription at 80-110% of the old MRR).
- Invoice status paid 96%, open 2% (6% for the last month), void 2%; a subscription whose latest
  invoice is open is ``past_due``.
- ``mrr`` at export is the current MRR, 0 for cancelled subscriptions; ``current_period_end`` is
  the end of the last invoiced month.
"""

from __future__ import annotations

import numpy as np

from .context import BlockContext
from .frames import Frame, concat
from .timeline import DAY, FOREVER, HOUR, NULL_TS

PLAN_P = {
    0: (0.8, 0.2, 0.0, 0.0),
    1: (0.1, 0.6, 0.3, 0.0),
    2: (0.0, 0.1, 0.8, 0.1),
    3: (0.0, 0.0, 0.0, 1.0),
}
PLAN_PRICE = np.array([29.0, 99.0, 399.0, 2400.0])
TIER_FACTOR = np.array([0.8, 1.0, 1.6])
CONTRACTION_RATE = 0.015


def plans_and_mrr(ctx: BlockContext, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    c = ctx.customers
    plan = np.empty(ctx.n, dtype=np.int64)
    for seg, probs in PLAN_P.items():
        rows = np.flatnonzero(c.segment == seg)
        plan[rows] = rng.choice(4, size=len(rows), p=probs)
    mrr = PLAN_PRICE[plan] * TIER_FACTOR[c.tier] * rng.lognormal(0.0, 0.15, ctx.n)
    return plan, np.round(mrr, 2)


def generate(
    ctx: BlockContext,
    rng: np.random.Generator,
    plan: np.ndarray,
    mrr0: np.ndarray,
    upgrade_cust: np.ndarray,
    upgrade_at: np.ndarray,
    upgrade_delta: np.ndarray,
) -> tuple[Frame, Frame, dict]:
    life = ctx.life
    n = ctx.n
    sub1 = ctx.ids.take("S", n)
    second = life.start2 != FOREVER
    sub2 = np.full(n, -1, dtype=np.int64)
    sub2[second] = ctx.ids.take("S", int(second.sum()))

    bounds = ctx.window.month_bounds()
    mrr = mrr0.astype(float).copy()
    parts: list[Frame] = []
    last_invoice_open = np.zeros((2, n), dtype=bool)
    last_period_end = np.full((2, n), NULL_TS, dtype=np.int64)
    reactivation_factor = rng.uniform(0.8, 1.1, n)
    stats = {"contractions": 0, "expansions": 0, "reactivations": int(second.sum())}
    for m in range(ctx.window.months):
        ms, me = int(bounds[m]), int(bounds[m + 1])
        rng_m = ctx.streams.rng("billing.month", m)
        # Upgrades before this month start raise this month's MRR.
        sel = (upgrade_at >= (bounds[m - 1] if m else -FOREVER)) & (upgrade_at < ms)
        np.add.at(mrr, upgrade_cust[sel], upgrade_delta[sel])
        stats["expansions"] += int(sel.sum())
        lo, hi = life.segment(ms, me)
        active = hi > lo
        starts_here = active & (lo > ms)
        react = active & (life.start2 >= ms) & (life.start2 < me)
        mrr = np.where(react, np.round(mrr * reactivation_factor, 2), mrr)
        contract = active & ~starts_here & (rng_m.random(n) < CONTRACTION_RATE)
        mrr = np.where(contract, np.round(mrr * rng_m.uniform(0.6, 0.9, n), 2), mrr)
        stats["contractions"] += int(contract.sum())
        issued = np.where(
            starts_here, lo + HOUR, ms + (HOUR * (1 + 2 * rng_m.random(n))).astype(np.int64)
        )
        bill = active & (issued < hi) & (issued < ctx.export_us)
        rows = np.flatnonzero(bill)
        in_second = life.start2[rows] <= lo[rows]
        last_month = m == ctx.window.months - 1
        u = rng_m.random(len(rows))
        p_open = 0.06 if last_month else 0.02
        status = np.where(u < p_open, 1, np.where(u < p_open + 0.02, 2, 0))
        parts.append(
            {
                "invoice_id": ctx.ids.take("IN", len(rows)),
                "subscription_id": np.where(in_second, sub2[rows], sub1[rows]),
                "customer_id": ctx.gidx(rows),
                "period_start": np.full(len(rows), ms, dtype=np.int64),
                "period_end": np.full(len(rows), me - DAY, dtype=np.int64),
                "amount": np.round(mrr[rows], 2),
                "currency": np.zeros(len(rows), dtype=np.int64),
                "status": status,
                "issued_at": issued[rows],
                "_cust": rows,
            }
        )
        which = in_second.astype(np.int64)
        last_invoice_open[which, rows] = status == 1
        last_period_end[which, rows] = me - DAY
    invoices = concat(parts)

    # Subscriptions: one per customer, a second for win-backs.
    def sub_frame(
        ids: np.ndarray, rows: np.ndarray, k: int, started: np.ndarray, ended: np.ndarray
    ) -> Frame:
        cancelled = ended[rows] != FOREVER
        past_due = ~cancelled & last_invoice_open[k, rows]
        period_end = last_period_end[k, rows]
        fallback = (
            bounds[
                np.clip(np.searchsorted(bounds, started[rows], side="right"), 1, len(bounds) - 1)
            ]
            - DAY
        )
        return {
            "subscription_id": ids[rows],
            "customer_id": ctx.gidx(rows),
            "plan": plan[rows],
            "status": np.where(cancelled, 1, np.where(past_due, 2, 0)),
            "started_at": started[rows],
            "cancelled_at": np.where(cancelled, ended[rows], NULL_TS),
            "current_period_end": np.where(period_end == NULL_TS, fallback, period_end),
            "mrr": np.where(cancelled, 0.0, np.round(mrr[rows], 2)),
            "_cust": rows,
        }

    all_rows = np.arange(n)
    subs = concat(
        [
            sub_frame(sub1, all_rows, 0, life.signup, life.end1),
            sub_frame(sub2, np.flatnonzero(second), 1, life.start2, life.end2),
        ]
    )
    return subs, invoices, stats
