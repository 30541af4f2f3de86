"""Web analytics: sessions and on-site events, plus the AI recommendations shown on the web.

- Known-customer sessions 0.42 a month x segment (0.8 consumer .. 1.5 enterprise) x activity;
  anonymous visitors 0.045 sessions a month per customer in the block (a returning-visitor pool),
  growing 2% a month; weekly seasonality.
- Bounce 22% (anonymous 42%, +6pp on mobile): one pageview, a few seconds, shallow scroll.
  Otherwise pageviews 2 + Poisson(2.2), engaged seconds lognormal (median 80 s, rising with
  pageviews), scroll depth 30-100%. Planted effect d: smb sessions in 2026-03 and 2026-04 have
  engaged seconds x1.5.
- Events on engaged sessions: content_save 10%; form_start 12% -> form_complete 60%;
  demo_request 3% (anonymous 4%) -> demo_attended 55% 1-8 days later; quote_request 2.5% of
  known-customer sessions (becomes a crm quote request).
- Known customers on engaged sessions see an AI recommendation 60% of the time and an AI score 8%
  (surveys on them as in ``ai_outputs``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import ai_outputs
from . import effects as fx
from .ads import campaigns
from .context import BlockContext
from .frames import Frame
from .render import block_ids
from .timeline import DAY, MINUTE, SECOND, sample_times, to_us

SESSION_RATE = 0.42
SEGMENT_FACTOR = np.array([0.8, 1.0, 1.3, 1.5])
ANON_RATE = 0.045
RECOMMENDATION_P = 0.6
SCORE_P = 0.08
ANON_POOL = 3
# share of e-mail clicks that land in a tracked web session (channel email)
CLICK_SESSION_P = 0.7
EMAIL_CHANNEL = 3
CHANNEL_P_KNOWN = np.array([0.25, 0.08, 0.07, 0.2, 0.05, 0.35])
CHANNEL_P_ANON = np.array([0.35, 0.2, 0.15, 0.03, 0.1, 0.17])
DEVICE_P_KNOWN = np.array([0.6, 0.33, 0.07])
DEVICE_P_ANON = np.array([0.5, 0.43, 0.07])
PAGES = (
    "/",
    "/docs/getting-started",
    "/features",
    "/pricing",
    "/blog/empathy-kpis",
    "/features/ai-assistant",
    "/customers",
    "/contact",
    "/demo",
    "/webinars",
)
PAGE_P_KNOWN = np.array([0.1, 0.3, 0.12, 0.1, 0.08, 0.12, 0.04, 0.06, 0.03, 0.05])
PAGE_P_ANON = np.array([0.25, 0.05, 0.15, 0.18, 0.17, 0.08, 0.05, 0.03, 0.02, 0.02])
EVENT_PAGES = ("/", "/contact", "/contact", "/demo", "/webinars/live-demo", "/pricing")
(CONTENT_SAVE, FORM_START, FORM_COMPLETE, DEMO_REQUEST, DEMO_ATTENDED, QUOTE_REQUEST) = range(6)


@dataclass
class WebLeads:
    """Known-customer quote requests and form completions (inputs for crm)."""

    quote_cust: np.ndarray
    quote_at: np.ndarray
    quote_channel: np.ndarray
    form_cust: np.ndarray
    form_at: np.ndarray
    form_channel: np.ndarray


def _sessions(
    ctx: BlockContext,
    rng: np.random.Generator,
    month: int,
    lo: np.ndarray,
    hi: np.ndarray,
    month_lo: int,
    month_hi: int,
) -> Frame:
    c = ctx.customers
    rate = SESSION_RATE / 30.4 * SEGMENT_FACTOR[c.segment] * c.activity
    k_cust, k_start = sample_times(rng, lo, hi, rate)
    anon_rate = ANON_RATE / 30.4 * ctx.n * (1.02**month)
    _, a_start = sample_times(rng, np.array([month_lo]), np.array([month_hi]), anon_rate)
    nk, na = len(k_cust), len(a_start)
    cust = np.concatenate([k_cust, np.full(na, -1)])
    started = np.concatenate([k_start, a_start])
    known = cust >= 0
    n = nk + na
    visitor = rng.integers(ctx.n * ANON_POOL, size=n)
    anon_id = anonymous_ids(ctx, cust, visitor)
    channel = np.where(
        known, rng.choice(6, size=n, p=CHANNEL_P_KNOWN), rng.choice(6, size=n, p=CHANNEL_P_ANON)
    )
    behaviour = _behaviour(ctx, rng, cust, started)

    ids, ad_channel = campaigns(ctx.ad_campaigns)
    utm = np.full(n, -1)
    for ch, code in ((1, 0), (2, 1)):  # paid_search, social sessions -> matching campaigns
        pool = np.flatnonzero(ad_channel == code)
        rows = np.flatnonzero(channel == ch)
        if len(pool):
            utm[rows] = pool[rng.integers(len(pool), size=len(rows))]
    email_campaign = f"EM-LC-{ctx.window.month_starts()[month]:%Y%m}"
    labels = [*ids, email_campaign]
    utm = np.where(channel == 3, len(ids), utm)
    utm_text = pa.array(labels, type=pa.string()).take(pa.array(np.maximum(utm, 0), mask=utm < 0))
    session = ctx.ids.take("WS", n)
    return {
        "session_id": session,
        "customer_id": np.where(known, ctx.customers.gidx[np.maximum(cust, 0)], -1),
        "anonymous_id": anon_id,
        "started_at": started,
        "channel": channel,
        "utm_campaign": utm_text,
        **behaviour,
    }


def _behaviour(
    ctx: BlockContext, rng: np.random.Generator, cust: np.ndarray, started: np.ndarray
) -> Frame:
    """What a visitor does in a session: device, landing page, bounce, depth, engagement."""
    c = ctx.customers
    known = cust >= 0
    n = len(cust)
    device = np.where(
        known, rng.choice(3, size=n, p=DEVICE_P_KNOWN), rng.choice(3, size=n, p=DEVICE_P_ANON)
    )
    page = np.where(
        known,
        rng.choice(len(PAGES), size=n, p=PAGE_P_KNOWN),
        rng.choice(len(PAGES), size=n, p=PAGE_P_ANON),
    )
    bounce = rng.random(n) < np.where(known, 0.22, 0.42) + 0.06 * (device == 1)
    pageviews = np.where(bounce, 1, 2 + rng.poisson(2.2, n))
    engaged = np.where(
        bounce,
        rng.integers(0, 13, size=n),
        80.0 * (1 + 0.12 * (pageviews - 2)) * rng.lognormal(0.0, 0.6, n),
    )
    segment = np.where(known, c.segment[np.maximum(cust, 0)], -1)
    smb_months = (segment == 1) & (started >= to_us(fx.SMB_START)) & (started < to_us(fx.SMB_END))
    engaged = np.rint(np.where(smb_months, engaged * fx.SMB_ENGAGED_FACTOR, engaged))
    scroll = np.where(bounce, rng.integers(0, 36, size=n), np.rint(30 + 70 * rng.beta(2.0, 1.5, n)))

    return {
        "device": device,
        "landing_page": pa.array(PAGES, type=pa.string()).take(pa.array(page)),
        "pageviews": pageviews.astype(np.int64),
        "scroll_depth_pct": scroll.astype(np.int64),
        "engaged_seconds": engaged.astype(np.int64),
        "is_bounce": bounce,
        "_cust": cust,
        "_segment": segment,
        "_page": page,
    }


def click_through_sessions(
    ctx: BlockContext,
    rng: np.random.Generator,
    cust: np.ndarray,
    clicked_at: np.ndarray,
    campaign: pa.Array,
) -> None:
    """Web sessions that follow e-mail clicks: channel email, starting 0-10 minutes after the
    click, tagged with the e-mail's campaign (so qualified click-through can be measured)."""
    follows = np.flatnonzero(rng.random(len(cust)) < CLICK_SESSION_P)
    if len(follows) == 0:
        return
    cust = cust[follows]
    started = clicked_at[follows] + (rng.random(len(follows)) * 10 * MINUTE).astype(np.int64)
    n = len(cust)
    ctx.out.add(
        "web_analytics.sessions",
        {
            "session_id": ctx.ids.take("WS", n),
            "customer_id": ctx.customers.gidx[cust],
            "anonymous_id": anonymous_ids(ctx, cust, rng.integers(ctx.n * ANON_POOL, size=n)),
            "started_at": started,
            "channel": np.full(n, EMAIL_CHANNEL),
            "utm_campaign": campaign.take(pa.array(follows)),
            **_behaviour(ctx, rng, cust, started),
        },
    )


def anonymous_ids(ctx: BlockContext, cust: np.ndarray, visitor: np.ndarray) -> pa.Array:
    """Stable cookie ids: one per known customer (``AN``), a visitor pool otherwise (``AV``)."""
    known = cust >= 0
    prefix = pa.array(np.where(known, "AN", "AV"))
    return block_ids(prefix, ctx.block, np.where(known, cust, visitor))


def _events(ctx: BlockContext, rng: np.random.Generator, sessions: Frame) -> tuple[Frame, WebLeads]:
    n = len(sessions["session_id"])
    cust = sessions["_cust"]
    known = cust >= 0
    engaged = ~sessions["is_bounce"]
    start = sessions["started_at"]
    dur = np.maximum(sessions["engaged_seconds"], 1) * SECOND

    def at(frac_lo: float, frac_hi: float) -> np.ndarray:
        return start + (dur * rng.uniform(frac_lo, frac_hi, n)).astype(np.int64)

    save = engaged & (rng.random(n) < 0.10)
    form_start = engaged & (rng.random(n) < 0.12)
    form_done = form_start & (rng.random(n) < 0.6)
    demo = engaged & (rng.random(n) < np.where(known, 0.03, 0.04))
    attended_at = start + (DAY * rng.uniform(1, 8, n)).astype(np.int64)
    churn_end = np.where(
        known, ctx.life.end_after(np.maximum(cust, 0), start), np.iinfo(np.int64).max
    )
    attended = (
        demo & (rng.random(n) < 0.55) & (attended_at < ctx.export_us) & (attended_at < churn_end)
    )
    quote = engaged & known & (rng.random(n) < 0.025)
    t_start = at(0.1, 0.4)
    t_done = t_start + (dur * rng.uniform(0.1, 0.5, n)).astype(np.int64) + SECOND
    parts = [
        (save, at(0.2, 0.9), CONTENT_SAVE),
        (form_start, t_start, FORM_START),
        (form_done, t_done, FORM_COMPLETE),
        (demo, at(0.3, 0.9), DEMO_REQUEST),
        (attended, attended_at, DEMO_ATTENDED),
        (quote, at(0.5, 0.95), QUOTE_REQUEST),
    ]
    owner = np.concatenate([np.flatnonzero(mask) for mask, _, _ in parts])
    t = np.concatenate([times[mask] for mask, times, _ in parts])
    kind = np.concatenate([np.full(int(mask.sum()), k) for mask, _, k in parts])
    order = np.lexsort((kind, t, owner))
    owner, t, kind = owner[order], t[order], kind[order]
    page = np.where(kind == CONTENT_SAVE, -1, kind)
    landing = np.asarray(sessions["_page"])[owner]
    page_text = pa.array([*EVENT_PAGES, *PAGES], type=pa.string()).take(
        pa.array(np.where(page < 0, len(EVENT_PAGES) + landing, page))
    )
    events = {
        "event_id": ctx.ids.take("WE", len(owner)),
        "session_id": sessions["session_id"][owner],
        "event_at": t,
        "event_type": kind,
        "page": page_text,
    }
    known_rows = np.flatnonzero(known)
    ctx.life.touch(cust[known_rows], start[known_rows] + dur[known_rows])
    known_events = known[owner]
    ctx.life.touch(cust[owner[known_events]], t[known_events])
    channel = sessions["channel"]
    q = np.flatnonzero(quote)
    f = np.flatnonzero(form_done & known)
    leads = WebLeads(cust[q], parts[5][1][q], channel[q], cust[f], t_done[f], channel[f])
    return events, leads


def simulate_month(ctx: BlockContext, month: int, lo: np.ndarray, hi: np.ndarray) -> WebLeads:
    bounds = ctx.window.month_bounds()
    rng = ctx.streams.rng("web", month)
    sessions = _sessions(ctx, rng, month, lo, hi, int(bounds[month]), int(bounds[month + 1]))
    events, leads = _events(ctx, rng, sessions)
    ctx.out.add("web_analytics.sessions", sessions)
    ctx.out.add("web_analytics.events", events)

    rng_ai = ctx.streams.rng("ai_outputs.web", month)
    cust = sessions["_cust"]
    eligible = (cust >= 0) & ~sessions["is_bounce"]
    u = rng_ai.random(len(cust))
    rec = eligible & (u < RECOMMENDATION_P)
    score = eligible & (u >= RECOMMENDATION_P) & (u < RECOMMENDATION_P + SCORE_P)
    rows = np.flatnonzero(rec | score)
    created = sessions["started_at"][rows] + 5 * SECOND
    out = ai_outputs.make_outputs(
        ctx,
        rng_ai,
        cust[rows],
        ai_outputs.TP_WEB,
        sessions["session_id"][rows],
        created,
        np.where(rec[rows], ai_outputs.RECOMMENDATION, ai_outputs.SCORE),
    )
    ctx.out.add("ai_outputs.outputs", out)
    ai_outputs.request_surveys(ctx, rng_ai, out)
    return leads
