"""E-mail marketing: sends per journey and their engagement events.

- Journeys: onboarding (in-window signups: 1 h, 2, 5 and 10 days after signup; 4 e-mails for
  ai_guided, 3 for classic), lifecycle (0.12 a month per subscribed active customer), promo (0.08).
- exp_ai_upsell_nudge: every assigned customer gets one offer e-mail 2 hours after assignment
  (journey promo, AI-personalised in both arms: the upgrade nudge in treatment, a plain product
  tip in control), with a csat survey on 70% of them (touchpoint ``email``), so the guardrail
  has enough answers.
- AI-personalised: onboarding 90% (ai_guided) / 10% (classic); lifecycle 40% -> 65% and promo
  30% -> 50% over the window. Reason line on 55% of AI-personalised sends, 10% of the others.
- Opens 60% / 42% / 30% (onboarding / lifecycle / promo, +5pp if AI-personalised); clicks 30% of
  opens (promo 20%); replies 2% of sends, x3 with a reason line; unsubscribes 0.1% / 0.3% / 0.8%,
  after which no more lifecycle or promo e-mail is sent. No customer event after churn.
- NPS surveys ride on 60% of lifecycle sends (the relationship check-in; touchpoint ``email``),
  enough for a monthly NPS at small scale; reason_understood surveys on 5% of sends with a reason
  line. AI-personalised sends log an AI output (``message``), surveyed as in ``ai_outputs``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import ai_outputs, surveys, web
from . import effects as fx
from .context import BlockContext
from .timeline import DAY, FOREVER, HOUR, MINUTE, lognormal_us, sample_times

ONBOARDING, LIFECYCLE, PROMO = 0, 1, 2
OPEN, CLICK, REPLY, UNSUBSCRIBE = 0, 1, 2, 3
ONBOARDING_DELAYS = np.array([1 * HOUR, 2 * DAY, 5 * DAY, 10 * DAY])
OPEN_P = np.array([0.6, 0.42, 0.3])
CLICK_P = np.array([0.3, 0.3, 0.2])
UNSUB_P = np.array([0.001, 0.003, 0.008])
LIFECYCLE_RATE = 0.12
PROMO_RATE = 0.08
NPS_P = 0.6
REASON_P = 0.05
NUDGE_STEP = 10  # step codes 10/11: exp_ai_upsell_nudge offer e-mail, control/treatment
NUDGE_CSAT_P = 0.7


@dataclass
class EmailState:
    """Per-block state carried across months: unsubscribes and planned onboarding sends."""

    unsub_at: np.ndarray
    ob_cust: np.ndarray
    ob_t: np.ndarray
    ob_step: np.ndarray

    @classmethod
    def start(cls, ctx: BlockContext) -> EmailState:
        c = ctx.customers
        cust = np.flatnonzero(c.in_window)
        steps = np.where(c.journey[cust] == 1, 4, 3)
        owner = np.repeat(cust, steps)
        step = np.arange(len(owner)) - np.repeat(np.cumsum(steps) - steps, steps)
        t = c.signup[owner] + ONBOARDING_DELAYS[step]
        return cls(np.full(ctx.n, FOREVER, dtype=np.int64), owner, t, step)


def simulate_month(
    ctx: BlockContext, state: EmailState, m: int, lo: np.ndarray, hi: np.ndarray
) -> None:
    c = ctx.customers
    bounds = ctx.window.month_bounds()
    span = max(ctx.export_us - ctx.window.start_us, 1)
    month_label = f"{ctx.window.month_starts()[m]:%Y%m}"
    rng = ctx.streams.rng("email", m)
    ms, me = int(bounds[m]), int(bounds[m + 1])
    hi_sub = np.minimum(hi, state.unsub_at)
    l_cust, l_t = sample_times(rng, lo, hi_sub, np.full(ctx.n, LIFECYCLE_RATE / 30.4))
    p_cust, p_t = sample_times(rng, lo, hi_sub, np.full(ctx.n, PROMO_RATE / 30.4))
    sel = np.flatnonzero((state.ob_t >= ms) & (state.ob_t < me))
    sel = sel[
        ctx.life.active_at(state.ob_cust[sel], state.ob_t[sel]) & (state.ob_t[sel] < ctx.export_us)
    ]
    # exp_ai_upsell_nudge: one offer e-mail right after assignment, both arms (see module doc).
    nudge = ctx.assignments[fx.UPSELL_ID]
    n_at = nudge.assigned_at + 2 * HOUR
    n_cust = np.flatnonzero((nudge.variant >= 0) & (nudge.assigned_at >= ms) & (n_at < me))
    n_cust = n_cust[ctx.life.active_at(n_cust, n_at[n_cust]) & (n_at[n_cust] < ctx.export_us)]
    cust = np.concatenate([state.ob_cust[sel], l_cust, p_cust, n_cust])
    sent = np.concatenate([state.ob_t[sel], l_t, p_t, n_at[n_cust]])
    journey = np.concatenate(
        [
            np.full(len(sel), ONBOARDING),
            np.full(len(l_cust), LIFECYCLE),
            np.full(len(p_cust) + len(n_cust), PROMO),
        ]
    )
    step = np.concatenate(
        [
            state.ob_step[sel],
            np.zeros(len(l_cust) + len(p_cust), np.int64),
            NUDGE_STEP + nudge.variant[n_cust],
        ]
    )
    order = np.lexsort((sent, cust))
    cust, sent, journey, step = cust[order], sent[order], journey[order], step[order]
    n = len(cust)
    is_nudge = step >= NUDGE_STEP
    frac = np.clip((sent - ctx.window.start_us) / span, 0, 1)
    p_ai = np.select(
        [journey == ONBOARDING, journey == LIFECYCLE],
        [np.where(c.journey[cust] == 1, 0.9, 0.1), 0.4 + 0.25 * frac],
        0.3 + 0.2 * frac,
    )
    p_ai = np.where(is_nudge, 1.0, p_ai)
    is_ai = rng.random(n) < p_ai
    reason = rng.random(n) < np.where(is_ai, 0.55, 0.1)
    promo_variant = rng.integers(2, size=n)
    labels = (
        [f"EM-ONB-{k:02d}" for k in range(1, 5)]
        + [f"EM-LC-{month_label}"]
        + [f"EM-PR-{month_label}-{v}" for v in ("A", "B")]
        + ["EM-NUDGE-CONTROL", "EM-NUDGE-TREATMENT"]
    )
    label_idx = np.select(
        [journey == ONBOARDING, journey == LIFECYCLE, is_nudge],
        [step, 4, 7 + step - NUDGE_STEP],
        5 + promo_variant,
    )
    send_idx = ctx.ids.take("ES", n)

    opened = rng.random(n) < OPEN_P[journey] + 0.05 * is_ai
    open_at = sent + lognormal_us(rng, 2 * HOUR, 1.2, n)
    clicked = opened & (rng.random(n) < CLICK_P[journey])
    click_at = open_at + lognormal_us(rng, 2 * MINUTE, 1.0, n)
    p_reply = fx.EMAIL_REPLY_BASE * np.where(reason, fx.EMAIL_REPLY_REASON_FACTOR, 1.0)
    replied = opened & (rng.random(n) < p_reply / (OPEN_P[journey] + 0.05 * is_ai))
    reply_at = open_at + lognormal_us(rng, 30 * MINUTE, 1.0, n)
    unsub = rng.random(n) < UNSUB_P[journey]
    unsub_t = sent + lognormal_us(rng, 1 * DAY, 1.0, n)
    churn_end = ctx.life.end_after(cust, sent)
    limit = np.minimum(churn_end, ctx.export_us)
    opened &= open_at < limit
    clicked &= opened & (click_at < limit)
    replied &= opened & (reply_at < limit)
    unsub &= unsub_t < limit
    np.minimum.at(state.unsub_at, cust[unsub], unsub_t[unsub])

    ctx.out.add(
        "email.sends",
        {
            "send_id": send_idx,
            "customer_id": ctx.gidx(cust),
            "recipient_email": ctx.email_of(cust),
            "campaign_id": pa.array(labels, type=pa.string()).take(pa.array(label_idx)),
            "journey": journey,
            "is_ai_personalised": is_ai,
            "has_reason_line": reason,
            "sent_at": sent,
            "_cust": cust,
            "_replied": replied,
        },
    )
    flags = (opened, clicked, replied, unsub)
    times = (open_at, click_at, reply_at, unsub_t)
    ev_owner = np.concatenate([np.flatnonzero(x) for x in flags])
    ev_t = np.concatenate([t[x] for t, x in zip(times, flags, strict=True)])
    ev_type = np.concatenate([np.full(int(x.sum()), k) for k, x in enumerate(flags)])
    order = np.lexsort((ev_type, ev_t, ev_owner))
    ev_owner, ev_t, ev_type = ev_owner[order], ev_t[order], ev_type[order]
    ctx.out.add(
        "email.events",
        {
            "event_id": ctx.ids.take("EE", len(ev_owner)),
            "send_id": send_idx[ev_owner],
            "event_type": ev_type,
            "event_at": ev_t,
        },
    )
    ctx.life.touch(cust[ev_owner], ev_t)
    clicks = np.flatnonzero(clicked)
    web.click_through_sessions(
        ctx,
        ctx.streams.rng("web.email_clicks", m),
        cust[clicks],
        click_at[clicks],
        pa.array(labels, type=pa.string()).take(pa.array(label_idx[clicks])),
    )

    rng_ai = ctx.streams.rng("ai_outputs.email", m)
    ai_rows = np.flatnonzero(is_ai)
    out = ai_outputs.make_outputs(
        ctx,
        rng_ai,
        cust[ai_rows],
        ai_outputs.TP_EMAIL,
        send_idx[ai_rows],
        sent[ai_rows] - 2 * MINUTE,
        np.full(len(ai_rows), ai_outputs.MESSAGE),
    )
    ctx.out.add("ai_outputs.outputs", out)
    ai_outputs.request_surveys(ctx, rng_ai, out)

    rng_sv = ctx.streams.rng("surveys.email", m)
    nps = np.flatnonzero((journey == LIFECYCLE) & (rng_sv.random(n) < NPS_P))
    why = np.flatnonzero(reason & (rng_sv.random(n) < REASON_P))
    offer = np.flatnonzero(is_nudge & (rng_sv.random(n) < NUDGE_CSAT_P))
    rows = np.concatenate([nps, why, offer])
    kind = np.concatenate(
        [
            np.full(len(nps), surveys.NPS),
            np.full(len(why), surveys.REASON),
            np.full(len(offer), surveys.CSAT),
        ]
    )
    bad_recent = ctx.life.bad_between(ms - fx.BAD_EXPERIENCE_DAYS * DAY, ms)
    ctx.out.add(
        "surveys.responses",
        surveys.make_surveys(
            ctx,
            rng_sv,
            cust[rows],
            kind,
            surveys.TP_EMAIL,
            send_idx[rows],
            sent[rows] + np.where(kind == surveys.CSAT, HOUR, 0),
            {
                "bad_recent": bad_recent[cust[rows]],
                "explained": reason[rows],
                "ai_involved": is_ai[rows],
            },
        ),
    )
