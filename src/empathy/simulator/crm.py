"""CRM: customers, leads, opportunities and quote requests.

- Quote requests come from web ``quote_request`` events of known customers: outcome opportunity
  45% (the opportunity opens 1-5 days later), rejected 35%, pending 20% (and whenever the
  opportunity would open after the export). Each quote request also creates a lead (converted /
  disqualified / open or qualified).
- Half of known-customer form completions create a lead: open 30%, qualified 25%, converted 20%
  (opportunity 2-10 days later), disqualified 25%.
- Sales-assisted signups: in-window signups of smb (30%), mid_market (70%) and enterprise (95%)
  have a lead 5-60 days before signup and an opportunity won at the signup time (amount 12 x MRR).
- Opportunities from quotes and forms close after a lognormal cycle (median 21 days): won 35-50%
  by segment, else lost; still open at export when the close would come later; lost when the
  customer churns first. A won expansion opportunity is an ``upgrade`` conversion worth its amount
  (annual value; MRR +amount/12 from the next month).
- Lifecycle stage at export: churned (inactive at export), new (signed up < 30 days ago),
  onboarding (< 90 days and fewer than 5 onboarding steps), at_risk (bad experience in the last
  60 days or a past-due subscription), otherwise active.
"""

from __future__ import annotations

import numpy as np

from .context import BlockContext
from .frames import Frame
from .timeline import DAY, MINUTE, NULL_TS, SECOND, lognormal_us
from .universe import Customers
from .web import WebLeads

WEB_TO_ACQ = np.array([0, 1, 2, 3, 4, 6])  # web channel code -> acquisition channel code
WIN_P = np.array([0.35, 0.4, 0.45, 0.5])
EXPANSION_AMOUNT = np.array([600.0, 3000.0, 12000.0, 60000.0])
PRESIGNUP_LEAD_P = np.array([0.0, 0.3, 0.7, 0.95])
L_OPEN, L_QUALIFIED, L_CONVERTED, L_DISQUALIFIED = range(4)
O_OPEN, O_WON, O_LOST = range(3)


def _close(
    ctx: BlockContext, rng: np.random.Generator, cust: np.ndarray, created: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    n = len(cust)
    close = created + lognormal_us(rng, 21 * DAY, 0.6, n)
    won = rng.random(n) < WIN_P[ctx.customers.segment[cust]]
    churn_end = ctx.life.end_after(cust, created)
    stage = np.where(won, O_WON, O_LOST)
    closed = close.copy()
    lost_by_churn = churn_end <= close
    stage = np.where(lost_by_churn, O_LOST, stage)
    closed = np.where(lost_by_churn, churn_end + DAY, closed)
    still_open = closed >= ctx.export_us
    stage = np.where(still_open, O_OPEN, stage)
    closed = np.where(still_open, NULL_TS, closed)
    return stage, closed


def generate(
    ctx: BlockContext, rng: np.random.Generator, web_leads: list[WebLeads], mrr0: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Write crm leads/opportunities/quote requests; return won upgrades (cust, at, amount)."""
    c = ctx.customers
    q_cust = np.concatenate([w.quote_cust for w in web_leads])
    q_at = np.concatenate([w.quote_at for w in web_leads]) + (
        rng.uniform(1, 300, len(q_cust)) * SECOND
    ).astype(np.int64)
    q_channel = WEB_TO_ACQ[np.concatenate([w.quote_channel for w in web_leads])]
    nq = len(q_cust)
    u = rng.random(nq)
    outcome = np.where(u < 0.45, 0, np.where(u < 0.8, 1, 2))  # opportunity, rejected, pending
    opp_created = q_at + (rng.uniform(1, 5, nq) * DAY).astype(np.int64)
    churn_end = ctx.life.end_after(q_cust, q_at)
    outcome = np.where((outcome == 0) & (opp_created >= churn_end), 1, outcome)
    outcome = np.where((outcome == 0) & (opp_created >= ctx.export_us), 2, outcome)
    q_lead_status = np.select(
        [outcome == 0, outcome == 1],
        [L_CONVERTED, L_DISQUALIFIED],
        np.where(rng.random(nq) < 0.4, L_QUALIFIED, L_OPEN),
    )

    f_cust = np.concatenate([w.form_cust for w in web_leads])
    f_at = np.concatenate([w.form_at for w in web_leads])
    f_channel = WEB_TO_ACQ[np.concatenate([w.form_channel for w in web_leads])]
    keep = rng.random(len(f_cust)) < 0.5
    f_cust, f_at, f_channel = f_cust[keep], f_at[keep] + 2 * MINUTE, f_channel[keep]
    nf = len(f_cust)
    f_status = rng.choice(4, size=nf, p=[0.3, 0.25, 0.2, 0.25])
    f_opp_created = f_at + (rng.uniform(2, 10, nf) * DAY).astype(np.int64)
    f_churn = ctx.life.end_after(f_cust, f_at)
    late = (f_status == L_CONVERTED) & (
        (f_opp_created >= ctx.export_us) | (f_opp_created >= f_churn)
    )
    f_status = np.where(late, L_QUALIFIED, f_status)

    biz = c.in_window & (rng.random(ctx.n) < PRESIGNUP_LEAD_P[c.segment])
    p_cust = np.flatnonzero(biz)
    np_ = len(p_cust)
    signup = c.signup[p_cust]
    p_lead_at = signup - (rng.uniform(5, 60, np_) * DAY).astype(np.int64)
    p_opp_created = p_lead_at + ((signup - p_lead_at) * rng.uniform(0.1, 0.5, np_)).astype(np.int64)

    # Leads: quotes, forms, pre-signup.
    lead_cust = np.concatenate([q_cust, f_cust, p_cust])
    lead_at = np.concatenate([q_at + MINUTE, f_at, p_lead_at])
    lead_status = np.concatenate([q_lead_status, f_status, np.full(np_, L_CONVERTED)])
    opp_at_all = np.concatenate([opp_created, f_opp_created, p_opp_created])
    lead_channel = np.concatenate([q_channel, f_channel, c.channel[p_cust]])
    lead_idx = ctx.ids.take("L", len(lead_cust))
    converted = lead_status == L_CONVERTED
    ctx.out.add(
        "crm.leads",
        {
            "lead_id": lead_idx,
            "customer_id": ctx.gidx(lead_cust),
            "email": ctx.email_of(lead_cust),
            "created_at": lead_at,
            "source_channel": lead_channel,
            "status": lead_status,
            "converted_at": np.where(converted, opp_at_all, NULL_TS),
        },
    )

    # Opportunities for converted leads.
    rows = np.flatnonzero(converted)
    o_cust, o_created = lead_cust[rows], opp_at_all[rows]
    presignup = rows >= nq + nf
    opp_idx = ctx.ids.take("O", len(rows))
    stage, closed = _close(ctx, rng, o_cust, o_created)
    stage = np.where(presignup, O_WON, stage)
    closed = np.where(presignup, c.signup[o_cust], closed)
    amount = EXPANSION_AMOUNT[c.segment[o_cust]] * rng.lognormal(0.0, 0.4, len(rows))
    amount = np.round(np.where(presignup, 12 * mrr0[o_cust], amount), 2)
    ctx.out.add(
        "crm.opportunities",
        {
            "opportunity_id": opp_idx,
            "lead_id": lead_idx[rows],
            "customer_id": ctx.gidx(o_cust),
            "created_at": o_created,
            "stage": stage,
            "closed_at": closed,
            "amount": amount,
        },
    )

    # Quote requests, linked to the opportunity of their lead.
    quote_opp = np.full(nq, -1, dtype=np.int64)
    quote_rows = rows < nq
    quote_opp[rows[quote_rows]] = opp_idx[quote_rows]
    ctx.out.add(
        "crm.quote_requests",
        {
            "quote_request_id": ctx.ids.take("Q", nq),
            "customer_id": ctx.gidx(q_cust),
            "requested_at": q_at,
            "outcome": outcome,
            "opportunity_id": quote_opp,
        },
    )

    won = (stage == O_WON) & ~presignup
    return o_cust[won], closed[won], amount[won]


def customers_frame(ctx: BlockContext, onboarding_steps: np.ndarray, past_due: np.ndarray) -> Frame:
    c: Customers = ctx.customers
    life = ctx.life
    export = ctx.export_us
    churned = life.churned_by(export)
    tenure_start = np.where(life.start2 < export, life.start2, life.signup)
    age = export - tenure_start
    bad = life.bad_between(export - 60 * DAY, export)
    stage = np.select(
        [churned, age < 30 * DAY, (age < 90 * DAY) & (onboarding_steps < 5), bad | past_due],
        [4, 0, 1, 3],
        2,
    )
    return {
        "customer_id": c.gidx,
        "email": ctx.emails,
        "full_name": c.full_names(),
        "phone": ctx.phones,
        "segment": c.segment,
        "value_tier": c.tier,
        "lifecycle_stage": stage,
        "region": c.region,
        "signup_at": c.signup,
        "acquisition_channel": c.channel,
        "onboarding_journey": c.journey,
    }
