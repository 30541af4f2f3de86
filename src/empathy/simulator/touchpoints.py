"""Marketing touchpoints and conversions (the input of multi-touch attribution).

Conversions:
- signup: every in-window signup, value = 12 x initial MRR;
- purchase: 0.09 a month per active customer, one-off value (lognormal, 40 .. 6,000 USD by
  segment);
- upgrade: 0.05 a month per active customer (MRR +10-40%, value = 12 x the MRR delta), plus every
  won expansion opportunity (value = its amount);
- planted effect a: a treated customer of exp_ai_upsell_nudge gets an extra purchase/upgrade within
  28 days of assignment with probability 0.06 / (1 - 0.12), lifting the 28-day conversion rate from
  ~12% by ~6pp.

Touches: each conversion draws K touches in the 30 days before it: K = 0 for 7% (half of those
have 1-2 touches 31-60 days before, outside the lookback), K = 1 for 15%, else 2-10 (decreasing).
First touches lean to ad clicks and organic visits, middle touches to trust-building touches
(onboarding e-mails, AI chat, support contacts, webinars), last touches to e-mail clicks, ad clicks
and organic visits. 4% of multi-touch conversions have two touches at the same instant (a tie).
Signup conversions have no onboarding e-mail or support touches. Active customers also get
background touches (0.02 a month) not tied to a conversion. Touches before the window are dropped.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from . import effects as fx
from .ads import campaigns
from .context import BlockContext
from .experiments import in_window
from .frames import Frame
from .timeline import DAY, sample_times

SIGNUP, PURCHASE, UPGRADE = 0, 1, 2
PURCHASE_VALUE = np.array([40.0, 300.0, 1500.0, 6000.0])
K_VALUES = np.arange(11)
K_P = np.array(
    [0.07, 0.15, *(0.78 * np.array([0.34, 0.24, 0.14, 0.09, 0.07, 0.04, 0.03, 0.03, 0.02]))]
)
AD, EMAIL_CLICK, ONB_EMAIL, AI_CHAT, SUPPORT, WEBINAR, ORGANIC = range(7)
TYPE_P_FIRST = np.array([0.35, 0.1, 0.05, 0.08, 0.02, 0.1, 0.3])
TYPE_P_MIDDLE = np.array([0.08, 0.15, 0.2, 0.22, 0.15, 0.1, 0.1])
TYPE_P_LAST = np.array([0.25, 0.3, 0.03, 0.07, 0.03, 0.02, 0.3])
AI_SHARE = np.array([0.0, 0.45, 0.5, 1.0, 0.45, 0.0, 0.0])
BACKGROUND_RATE = 0.02
UPSELL_BASE = 0.12


def conversions(
    ctx: BlockContext,
    rng: np.random.Generator,
    mrr0: np.ndarray,
    won_cust: np.ndarray,
    won_at: np.ndarray,
    won_amount: np.ndarray,
) -> tuple[Frame, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Conversions frame and MRR upgrades (cust, at, delta MRR)."""
    c = ctx.customers
    bounds = ctx.window.month_bounds()
    start, export = int(bounds[0]), ctx.export_us
    s_cust = np.flatnonzero(c.in_window & (c.signup < export))
    parts_c = [s_cust]
    parts_t = [c.signup[s_cust]]
    parts_k = [np.full(len(s_cust), SIGNUP)]
    parts_v = [12 * mrr0[s_cust]]
    life = ctx.life
    intervals = (
        (np.maximum(life.signup, start), np.minimum(life.end1, export)),
        (np.maximum(life.start2, start), np.minimum(life.end2, export)),
    )
    for kind, rate in ((PURCHASE, fx.PURCHASE_RATE_MONTH), (UPGRADE, fx.UPGRADE_RATE_MONTH)):
        for a, b in intervals:
            cust, t = sample_times(rng, a, b, np.full(ctx.n, rate / 30.4))
            parts_c.append(cust)
            parts_t.append(t)
            parts_k.append(np.full(len(cust), kind))
            if kind == PURCHASE:
                parts_v.append(PURCHASE_VALUE[c.segment[cust]] * rng.lognormal(0, 0.5, len(cust)))
            else:
                parts_v.append(12 * mrr0[cust] * rng.uniform(0.1, 0.4, len(cust)))

    # Planted effect a: extra conversions for treated customers within 28 days of assignment.
    state = ctx.assignments[fx.UPSELL_ID]
    treated = np.flatnonzero(state.variant == 1)
    q = fx.UPSELL_CONVERSION_LIFT / (1 - UPSELL_BASE)
    extra = treated[rng.random(len(treated)) < q]
    t = state.assigned_at[extra] + (rng.random(len(extra)) * fx.UPSELL_WINDOW_DAYS * DAY).astype(
        np.int64
    )
    ok = ctx.life.active_at(extra, t) & (t < export)
    extra, t = extra[ok], t[ok]
    kind = np.where(rng.random(len(extra)) < 0.5, PURCHASE, UPGRADE)
    value = np.where(
        kind == PURCHASE,
        PURCHASE_VALUE[c.segment[extra]] * rng.lognormal(0, 0.5, len(extra)),
        12 * mrr0[extra] * rng.uniform(0.1, 0.4, len(extra)),
    )
    parts_c += [extra, won_cust]
    parts_t += [t, won_at]
    parts_k += [kind, np.full(len(won_cust), UPGRADE)]
    parts_v += [value, won_amount]

    cust = np.concatenate(parts_c)
    at = np.concatenate(parts_t)
    kind = np.concatenate(parts_k)
    value = np.round(np.concatenate(parts_v), 2)
    order = np.lexsort((at, cust))
    cust, at, kind, value = cust[order], at[order], kind[order], value[order]
    n = len(cust)
    frame = {
        "conversion_id": ctx.ids.take("CX", n),
        "customer_id": ctx.gidx(cust),
        "converted_at": at,
        "conversion_type": kind,
        "value": value,
        "_cust": cust,
        "_upsell_variant": in_window(ctx, fx.UPSELL_ID, cust, at, fx.UPSELL_WINDOW_DAYS),
    }
    up = kind == UPGRADE
    return frame, (cust[up], at[up], np.round(value[up] / 12, 2))


def _campaign_labels(ctx: BlockContext) -> tuple[list[str], dict[str, int]]:
    ids, _ = campaigns(ctx.ad_campaigns)
    months = [f"{m:%Y%m}" for m in ctx.window.month_starts()]
    labels = list(ids)
    offsets = {"ad": 0, "lc": len(labels)}
    labels += [f"EM-LC-{m}" for m in months]
    offsets["onb"] = len(labels)
    labels += [f"EM-ONB-{k:02d}" for k in range(1, 5)]
    offsets["wbn"] = len(labels)
    labels += [f"WBN-{m}" for m in months]
    return labels, offsets


def touches(ctx: BlockContext, rng: np.random.Generator, conv: Frame) -> Frame:
    n = len(conv["conversion_id"]) if conv else 0
    cust_c = conv["_cust"] if n else np.zeros(0, np.int64)
    at_c = conv["converted_at"] if n else np.zeros(0, np.int64)
    kind_c = conv["conversion_type"] if n else np.zeros(0, np.int64)
    k = rng.choice(K_VALUES, size=n, p=K_P / K_P.sum())
    owner = np.repeat(np.arange(n), k)
    pos = np.arange(len(owner)) - np.repeat(np.cumsum(k) - k, k)
    signup_conv = kind_c[owner] == SIGNUP
    tenure = np.where(
        ctx.life.start2[cust_c] <= at_c, ctx.life.start2[cust_c], ctx.life.signup[cust_c]
    )
    floor = np.where(kind_c == SIGNUP, at_c - 30 * DAY, np.maximum(at_c - 30 * DAY, tenure))
    span = at_c - floor
    t = at_c[owner] - (rng.random(len(owner)) * span[owner]).astype(np.int64) - 1

    # Sort touches within each conversion by time and label positions first / middle / last.
    order = np.lexsort((t, owner))
    owner, t, signup_conv = owner[order], t[order], signup_conv[order]
    kk = k[owner]
    p = np.where(
        (pos == 0)[:, None] & (kk > 1)[:, None],
        TYPE_P_FIRST[None, :],
        np.where((pos == kk - 1)[:, None], TYPE_P_LAST[None, :], TYPE_P_MIDDLE[None, :]),
    )
    p = p.copy()
    p[signup_conv, ONB_EMAIL] = 0.0
    p[signup_conv, SUPPORT] = 0.0
    cum = np.cumsum(p, axis=1)
    u = rng.random(len(owner)) * cum[:, -1]
    ttype = (u[:, None] >= cum).sum(axis=1)

    # Ties: in 4% of multi-touch conversions the second touch shares the first one's instant.
    first_of = np.cumsum(k) - k
    tie_conv = (k >= 2) & (rng.random(n) < 0.04)
    t[first_of[tie_conv] + 1] = t[first_of[tie_conv]]

    # Conversions with no touch in the lookback: half get 1-2 older touches (31-60 days).
    old_conv = np.flatnonzero((k == 0) & (rng.random(n) < 0.5))
    n_old = rng.integers(1, 3, size=len(old_conv))
    old_owner = np.repeat(old_conv, n_old)
    old_t = at_c[old_owner] - ((31 + 29 * rng.random(len(old_owner))) * DAY).astype(np.int64)
    old_type = rng.choice(7, size=len(old_owner), p=TYPE_P_FIRST)
    old_type = np.where(np.isin(old_type, [ONB_EMAIL, SUPPORT]), ORGANIC, old_type)
    old_ok = old_t >= np.where(
        kind_c[old_owner] == SIGNUP, -np.iinfo(np.int64).max, tenure[old_owner]
    )

    # Background touches not tied to any conversion.
    bounds = ctx.window.month_bounds()
    lo, hi = ctx.life.segment(int(bounds[0]), ctx.export_us)
    b_cust, b_t = sample_times(rng, lo, hi, np.full(ctx.n, BACKGROUND_RATE / 30.4))
    b_type = rng.choice(7, size=len(b_cust), p=TYPE_P_MIDDLE)

    cust = np.concatenate([cust_c[owner], cust_c[old_owner[old_ok]], b_cust])
    when = np.concatenate([t, old_t[old_ok], b_t])
    ttype = np.concatenate([ttype, old_type[old_ok], b_type])
    keep = (when >= ctx.window.start_us) & (when < ctx.export_us)
    cust, when, ttype = cust[keep], when[keep], ttype[keep]
    order = np.lexsort((when, cust))
    cust, when, ttype = cust[order], when[order], ttype[order]
    m = len(cust)

    ad_ids, ad_channel = campaigns(ctx.ad_campaigns)
    ad_pick = rng.integers(len(ad_ids), size=m)
    organic_channel = np.where(rng.random(m) < 0.75, 7, 8)
    channel_by_type = np.array([0, 3, 3, 4, 5, 6, 7])
    channel = channel_by_type[ttype]
    channel = np.where(ttype == AD, ad_channel[ad_pick], channel)
    channel = np.where(ttype == ORGANIC, organic_channel, channel)
    labels, off = _campaign_labels(ctx)
    month = np.clip(np.searchsorted(bounds, when, side="right") - 1, 0, ctx.window.months - 1)
    campaign = np.full(m, -1)
    campaign = np.where(ttype == AD, off["ad"] + ad_pick, campaign)
    campaign = np.where(ttype == EMAIL_CLICK, off["lc"] + month, campaign)
    campaign = np.where(ttype == ONB_EMAIL, off["onb"] + rng.integers(4, size=m), campaign)
    campaign = np.where(ttype == WEBINAR, off["wbn"] + month, campaign)
    return {
        "touch_id": ctx.ids.take("TC", m),
        "customer_id": ctx.gidx(cust),
        "touched_at": when,
        "channel": channel,
        "campaign": pa.array(labels, type=pa.string()).take(
            pa.array(np.maximum(campaign, 0), mask=campaign < 0)
        ),
        "touch_type": ttype,
        "is_ai_touchpoint": rng.random(m) < AI_SHARE[ttype],
        "_cust": cust,
    }
