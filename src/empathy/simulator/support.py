"""One month of support contacts: chat, helpdesk, their AI outputs and their surveys.

Runs inside the lifecycle loop because reopened tickets and low CSAT answers raise churn.

Surveys sent: after chats csat 60% / effort 15% (2 minutes after the end); after solved tickets
csat 70% / effort 15% (1 hour after the last solve); AI outputs as in ``ai_outputs``. 40% of
chat conversations also produce an AI recommendation.
"""

from __future__ import annotations

import numpy as np

from . import ai_outputs, chat, helpdesk, surveys
from .context import BlockContext
from .timeline import HOUR, MINUTE, NULL_TS, SECOND

LONG_RESOLUTION = 72 * HOUR
CHAT_RECOMMENDATION_P = 0.4
CHAT_CSAT_P, CHAT_EFFORT_P = 0.6, 0.15
TICKET_CSAT_P, TICKET_EFFORT_P = 0.7, 0.15


def _survey_types(
    rng: np.random.Generator, n: int, p_csat: float, p_effort: float
) -> tuple[np.ndarray, np.ndarray]:
    """(row index into the touchpoints, survey type) for csat and effort requests."""
    csat = np.flatnonzero(rng.random(n) < p_csat)
    effort = np.flatnonzero(rng.random(n) < p_effort)
    rows = np.concatenate([csat, effort])
    kind = np.concatenate([np.full(len(csat), surveys.CSAT), np.full(len(effort), surveys.EFFORT)])
    return rows, kind


def simulate_month(ctx: BlockContext, month: int, lo: np.ndarray, hi: np.ndarray) -> None:
    s = ctx.streams
    rng_chat = s.rng("chat", month)
    rng_help = s.rng("helpdesk", month)
    rng_ai = s.rng("ai_outputs.support", month)
    rng_sv = s.rng("surveys.support", month)

    cm = chat.generate_month(ctx, rng_chat, lo, hi)
    ctx.life.touch(cm.cust, cm.ended)
    ctx.out.add("chat.conversations", cm.conversations)
    ctx.out.add("chat.messages", cm.messages)

    h = cm.handed_off
    tickets, events, tk = helpdesk.generate_month(
        ctx,
        rng_help,
        lo,
        hi,
        cm.cust[h],
        cm.handoff_at[h],
        cm.intent[h],
        cm.conv[h],
        cm.repeated[h],
    )
    ctx.out.add("helpdesk.tickets", tickets)
    ctx.out.add("helpdesk.ticket_events", events)

    # AI outputs: one reply per chat conversation, one per AI-handled ticket.
    out_chat = ai_outputs.make_outputs(
        ctx,
        rng_ai,
        cm.cust,
        ai_outputs.TP_CHAT,
        cm.conv,
        cm.first_ai_at,
        np.full(len(cm.conv), ai_outputs.REPLY),
    )
    ai_rows = np.flatnonzero(tk.ai)
    out_ticket = ai_outputs.make_outputs(
        ctx,
        rng_ai,
        tk.cust[ai_rows],
        ai_outputs.TP_TICKET,
        tk.ticket[ai_rows],
        tk.first_reply[ai_rows] - 5 * SECOND,
        np.full(len(ai_rows), ai_outputs.REPLY),
    )
    rec_rows = np.flatnonzero(rng_ai.random(len(cm.conv)) < CHAT_RECOMMENDATION_P)
    out_rec = ai_outputs.make_outputs(
        ctx,
        rng_ai,
        cm.cust[rec_rows],
        ai_outputs.TP_CHAT,
        cm.conv[rec_rows],
        cm.first_ai_at[rec_rows] + SECOND,
        np.full(len(rec_rows), ai_outputs.RECOMMENDATION),
    )
    for out in (out_chat, out_ticket, out_rec):
        ctx.out.add("ai_outputs.outputs", out)

    # Surveys after chats.
    rows, kind = _survey_types(rng_sv, len(cm.conv), CHAT_CSAT_P, CHAT_EFFORT_P)
    sent = cm.ended[rows] + 2 * MINUTE
    ok = sent < ctx.export_us
    rows, kind, sent = rows[ok], kind[ok], sent[ok]
    ctx.out.add(
        "surveys.responses",
        surveys.make_surveys(
            ctx,
            rng_sv,
            cm.cust[rows],
            kind,
            surveys.TP_CHAT,
            cm.conv[rows],
            sent,
            {
                "handoff": cm.handed_off[rows],
                "customer_repeated": cm.repeated[rows],
                "unresolved": ~cm.resolved[rows],
                "ai_involved": np.ones(len(rows), bool),
            },
        ),
    )

    # Surveys after solved tickets.
    solved = np.flatnonzero(tk.final_solve != NULL_TS)
    sub, kind = _survey_types(rng_sv, len(solved), TICKET_CSAT_P, TICKET_EFFORT_P)
    rows = solved[sub]
    sent = tk.final_solve[rows] + HOUR
    ok = sent < ctx.export_us
    rows, kind, sent = rows[ok], kind[ok], sent[ok]
    ctx.out.add(
        "surveys.responses",
        surveys.make_surveys(
            ctx,
            rng_sv,
            tk.cust[rows],
            kind,
            surveys.TP_TICKET,
            tk.ticket[rows],
            sent,
            {
                "reopened": tk.reopens[rows] > 0,
                "long_resolution": (tk.final_solve[rows] - tk.created[rows]) > LONG_RESOLUTION,
                "handoff": tk.from_chat[rows] | tk.escalated[rows],
                "customer_repeated": tk.repeated[rows],
                "ai_involved": tk.ai[rows] | tk.from_chat[rows],
            },
        ),
    )

    # Surveys on the AI outputs themselves.
    for out in (out_chat, out_ticket, out_rec):
        ai_outputs.request_surveys(ctx, rng_sv, out)
