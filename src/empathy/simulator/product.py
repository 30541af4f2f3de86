"""Product usage: onboarding steps, feature adoption and (sampled) logins.

- Onboarding steps 1-5 for in-window signups, completed in order with lognormal gaps (median
  20 h): steps completed follow ``ONBOARDING_STEP_PROBS`` (classic mean ~3.1, ai_guided mean
  ~3.9), cut at churn and export.
- Feature adoption: 0.08 a month per active customer (x1.3 for ai_guided), each feature adopted at
  most once per customer (eight features).
- Logins: a 0.05-a-month sample per active customer x activity (the product logs only sampled
  logins).
"""

from __future__ import annotations

import numpy as np

from . import effects as fx
from .context import BlockContext
from .schema import FEATURES
from .timeline import HOUR, lognormal_us, sample_times

STEP, FEATURE, LOGIN = 0, 1, 2
ADOPTION_RATE = 0.08
LOGIN_RATE = 0.05


def generate(ctx: BlockContext) -> np.ndarray:
    """Write usage events; return onboarding steps completed per customer (by export)."""
    c = ctx.customers
    rng = ctx.streams.rng("product.onboarding")
    cust = np.flatnonzero(c.in_window)
    probs = {j: np.asarray(p) for j, p in enumerate(fx.ONBOARDING_STEP_PROBS.values())}
    k = np.empty(len(cust), dtype=np.int64)
    for j, p in probs.items():
        rows = np.flatnonzero(c.journey[cust] == j)
        k[rows] = rng.choice(6, size=len(rows), p=p / p.sum())
    owner = np.repeat(cust, k)
    step = np.arange(len(owner)) - np.repeat(np.cumsum(k) - k, k) + 1
    gaps = lognormal_us(rng, 20 * HOUR, 1.0, len(owner))
    first = np.repeat(np.cumsum(k) - k, k)
    csum = np.cumsum(gaps)
    t = c.signup[owner] + csum - np.where(first > 0, csum[np.maximum(first - 1, 0)], 0)
    ok = ctx.life.active_at(owner, t) & (t < ctx.export_us)
    # A step after a failed one does not happen: keep each customer's leading run of ok steps.
    run_ok = _leading_true(ok, k)
    owner, step, t = owner[run_ok], step[run_ok], t[run_ok]
    steps_done = np.zeros(ctx.n, dtype=np.int64)
    np.maximum.at(steps_done, owner, step)

    parts_c, parts_t, parts_k, parts_f, parts_s = (
        [owner],
        [t],
        [np.full(len(owner), STEP)],
        [np.full(len(owner), -1)],
        [step],
    )
    bounds = ctx.window.month_bounds()
    adopted = np.zeros((ctx.n, len(FEATURES)), dtype=bool)
    for m in range(ctx.window.months):
        rng_m = ctx.streams.rng("product.usage", m)
        lo, hi = ctx.life.segment(int(bounds[m]), int(bounds[m + 1]))
        rate = ADOPTION_RATE / 30.4 * np.where(c.journey == 1, 1.3, 1.0)
        f_cust, f_t = sample_times(rng_m, lo, hi, rate)
        feature = rng_m.integers(len(FEATURES), size=len(f_cust))
        # First adoption of each (customer, feature) only.
        key = f_cust * len(FEATURES) + feature
        _, first_idx = np.unique(key, return_index=True)
        keep = np.zeros(len(key), dtype=bool)
        keep[first_idx] = True
        keep &= ~adopted[f_cust, feature]
        adopted[f_cust[keep], feature[keep]] = True
        l_cust, l_t = sample_times(rng_m, lo, hi, LOGIN_RATE / 30.4 * c.activity)
        parts_c += [f_cust[keep], l_cust]
        parts_t += [f_t[keep], l_t]
        parts_k += [np.full(int(keep.sum()), FEATURE), np.full(len(l_cust), LOGIN)]
        parts_f += [feature[keep], np.full(len(l_cust), -1)]
        parts_s += [np.zeros(int(keep.sum()), np.int64), np.zeros(len(l_cust), np.int64)]

    cust = np.concatenate(parts_c)
    t = np.concatenate(parts_t)
    kind = np.concatenate(parts_k)
    order = np.lexsort((kind, t, cust))
    step_num = np.concatenate(parts_s)[order]
    kind = kind[order]
    ctx.out.add(
        "product.usage_events",
        {
            "event_id": ctx.ids.take("PE", len(cust)),
            "customer_id": ctx.gidx(cust[order]),
            "event_at": t[order],
            "event_type": kind,
            "feature": np.concatenate(parts_f)[order],
            "step_number": np.where(kind == STEP, step_num, np.iinfo(np.int64).min),
            "_cust": cust[order],
        },
    )
    return steps_done


def _leading_true(ok: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Per group of sizes ``k`` (consecutive), mark the leading run of True values."""
    if len(ok) == 0:
        return ok
    starts = np.cumsum(k) - k
    group = np.repeat(np.arange(len(k)), k)
    fails = np.cumsum(~ok)
    fails_before_group = np.where(starts > 0, fails[np.maximum(starts - 1, 0)], 0)
    return (fails - fails_before_group[group]) == 0
