"""Generate every customer-level table for one block of customers (all months).

Order matters only where one family feeds another:

1. the monthly lifecycle loop: reactivation, churn (fed by earlier reopens and low CSAT answers),
   experiment assignment, then the month's chats, tickets, web sessions and e-mails with their AI
   outputs and surveys (so every CSAT answer can feed later churn);
2. web quote requests and form completions -> crm quote requests, leads, opportunities;
3. conversions (signups, purchases, upgrades, won expansions, experiment effect) -> touches;
   billing uses the upgrades for MRR expansion;
4. product usage, QA reviews of all AI outputs, experiment assignments, customers.
"""

from __future__ import annotations

import numpy as np

from . import ai_outputs, billing, crm, email_marketing, product, support, touchpoints, web
from .context import BlockContext
from .experiments import assign_active, assignments_frame, init_assignments
from .frames import Frame
from .lifecycle import Lifecycle, decide_churn, reactivate
from .scales import Scale
from .seeding import Streams
from .timeline import Window
from .universe import make_customers


def generate_block(
    seed: int, block: int, scale: Scale, window: Window
) -> tuple[BlockContext, dict[str, Frame]]:
    streams = Streams(seed, block)
    first, last = scale.block_range(block)
    customers = make_customers(streams.rng("customers"), window, first, last)
    life = Lifecycle.start(customers.signup)
    ctx = BlockContext(
        block=block,
        streams=streams,
        window=window,
        customers=customers,
        life=life,
        ad_campaigns=scale.ad_campaigns,
    )
    ctx.emails = customers.emails()
    ctx.phones = customers.phones()
    init_assignments(ctx)

    bounds = window.month_bounds()
    export = window.end_us
    web_leads: list[web.WebLeads] = []
    email_state = email_marketing.EmailState.start(ctx)
    for m in range(window.months):
        ms, me = int(bounds[m]), int(bounds[m + 1])
        reactivate(streams.rng("lifecycle.reactivation", m), life, ms, me, export)
        decide_churn(
            streams.rng("lifecycle.churn", m),
            life,
            customers.segment,
            customers.tier,
            customers.journey,
            ms,
            me,
            export,
            ctx.churn_stats,
        )
        lo, hi = life.segment(ms, me)
        assign_active(ctx, streams.rng("experiments.active", m), lo, hi)
        support.simulate_month(ctx, m, lo, hi)
        web_leads.append(web.simulate_month(ctx, m, lo, hi))
        email_marketing.simulate_month(ctx, email_state, m, lo, hi)

    plan, mrr0 = billing.plans_and_mrr(ctx, streams.rng("billing.plans"))
    won = crm.generate(ctx, streams.rng("crm"), web_leads, mrr0)
    conv, upgrades = touchpoints.conversions(
        ctx, streams.rng("touchpoints.conversions"), mrr0, *won
    )
    ctx.out.add("touchpoints.conversions", conv)
    ctx.out.add(
        "touchpoints.touches", touchpoints.touches(ctx, streams.rng("touchpoints.touches"), conv)
    )
    subs, invoices, billing_stats = billing.generate(
        ctx, streams.rng("billing"), plan, mrr0, *upgrades
    )
    ctx.out.add("billing.subscriptions", subs)
    ctx.out.add("billing.invoices", invoices)
    steps = product.generate(ctx)

    frames = {key: ctx.out.pop(key) for key in ctx.out.table_keys()}
    frames["qa_reviews.reviews"] = ai_outputs.qa_reviews(
        ctx, streams.rng("qa_reviews"), frames.get("ai_outputs.outputs", {})
    )
    frames["experiments.assignments"] = assignments_frame(ctx)

    past_due = np.zeros(ctx.n, dtype=bool)
    if subs:
        current = subs["status"] == 2
        past_due[subs["_cust"][current]] = True
    frames["crm.customers"] = crm.customers_frame(ctx, steps, past_due)
    ctx.billing_stats = billing_stats
    ctx.onboarding_steps = steps
    return ctx, frames
