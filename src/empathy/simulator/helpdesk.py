"""Helpdesk tickets and their event streams (status changes, comments, group/priority changes).

- Tickets come from chat handoffs (channel ``chat``, ``conversation_id`` set, first reply by a
  human) and directly: 0.07 a month per active customer x segment (0.8 consumer .. 2.2 enterprise)
  x activity, channel email 45% / web 35% / phone 20%.
- AI-handled (first public reply by ``ai_agent``): e-mail and web tickets, share rising from 35% at
  the window start to 60% at its end.
- First response lognormal: AI median 90 s; humans 15 min (urgent) .. 200 min (low).
- Full resolution lognormal (sigma 0.7), median 4 h (urgent) .. 30 h (low), technical x1.3,
  escalated x1.4, AI-handled x0.6; planted effect e: tickets created 2026-06-01 .. 2026-06-28
  resolve x0.55 (the whole solve-reopen-solve cycle runs at that speed).
- Reopen probability 7% + AI-handled (+12pp billing/technical, +2pp other intents) + 3pp escalated
  + planted effect e (+15pp); reopened tickets reopen again 20% of the time (solved three times);
  reopens come a lognormal 12 h (median) after the solve, within 3.5 days, so before the
  auto-close 4 days after the last solve.
- Escalation (group_change tier1 -> tier2/tier3) 6-20% by intent, +10pp urgent; pending 25%,
  hold 6%, priority change 5%, private notes 20% (and on every escalation); 3% are never solved
  (still open at export).
- Events after the export are cut; requester events (pending replies, reopens) never fall after the
  customer's churn time.

A reopened ticket is a "bad experience" that raises the customer's churn hazard.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import effects as fx
from . import texts
from .context import BlockContext
from .frames import Frame
from .schema import INTENTS
from .timeline import DAY, HOUR, MINUTE, NULL_TS, SECOND, lognormal_us, sample_times, to_us

RATE_MONTH = 0.07
SEGMENT_FACTOR = np.array([0.8, 1.0, 1.5, 2.2])
DIRECT_CHANNEL_P = np.array([0.45, 0.35, 0.0, 0.20])  # email, web, chat, phone
INTENT_P = np.array([0.24, 0.3, 0.16, 0.06, 0.14, 0.10])
PRIORITY_P = {
    0: (0.30, 0.55, 0.12, 0.03),
    1: (0.25, 0.52, 0.18, 0.05),
    2: (0.15, 0.50, 0.25, 0.10),
    3: (0.10, 0.45, 0.30, 0.15),
}
FIRST_REPLY_HUMAN_MIN = np.array([200.0, 100.0, 40.0, 15.0])
RESOLUTION_HOURS = np.array([30.0, 16.0, 8.0, 4.0])
ESCALATION_P = np.array([0.10, 0.20, 0.06, 0.06, 0.06, 0.08])
NEVER_SOLVED = 0.03
AUTO_CLOSE = 4 * DAY
CONTACT_IN_SUBJECT = 0.01

# Event slots (one column each in the per-ticket event matrix).
(
    S_NEW,
    S_DESC,
    S_FIRST_COMMENT,
    S_OPEN,
    S_NOTE,
    S_GROUP,
    S_PRIORITY,
    S_PENDING,
    S_PENDING_REPLY,
    S_PENDING_OPEN,
    S_HOLD,
    S_HOLD_OPEN,
    S_SOLVE1_COMMENT,
    S_SOLVE1,
    S_REOPEN1_COMMENT,
    S_REOPEN1,
    S_SOLVE2_COMMENT,
    S_SOLVE2,
    S_REOPEN2_COMMENT,
    S_REOPEN2,
    S_SOLVE3_COMMENT,
    S_SOLVE3,
    S_CLOSED,
) = range(23)
N_SLOTS = 23
STATUS_CHANGE, COMMENT, GROUP_CHANGE, PRIORITY_CHANGE = 0, 1, 2, 3
REQUESTER, AI_AGENT, HUMAN_AGENT, SYSTEM = 0, 1, 2, 3
ST_NEW, ST_OPEN, ST_PENDING, ST_HOLD, ST_SOLVED, ST_CLOSED = range(6)

_REQUESTER_FIRST = [line for i in INTENTS for line in texts.INTENT_CUSTOMER_LINES[i]]
BODIES = (
    _REQUESTER_FIRST
    + list(texts.TICKET_FIRST_REPLY_AI)
    + list(texts.TICKET_FIRST_REPLY_HUMAN)
    + list(texts.TICKET_PRIVATE_NOTES)
    + list(texts.TICKET_PENDING_REPLIES)
    + list(texts.TICKET_SOLVE_LINES)
    + list(texts.TICKET_REOPEN_LINES)
)
_OFF_AI = len(_REQUESTER_FIRST)
_OFF_HUMAN = _OFF_AI + len(texts.TICKET_FIRST_REPLY_AI)
_OFF_NOTE = _OFF_HUMAN + len(texts.TICKET_FIRST_REPLY_HUMAN)
_OFF_PENDING = _OFF_NOTE + len(texts.TICKET_PRIVATE_NOTES)
_OFF_SOLVE = _OFF_PENDING + len(texts.TICKET_PENDING_REPLIES)
_OFF_REOPEN = _OFF_SOLVE + len(texts.TICKET_SOLVE_LINES)
SUBJECTS = [subject for i in INTENTS for subject in texts.TICKET_SUBJECTS[i]]

# Fixed per-slot attributes: event type, public flag (-1 = not a comment), status (-1 = none).
SLOT_TYPE = np.array([0, 1, 1, 0, 1, 2, 3, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0])
SLOT_PUBLIC = np.array(
    [-1, 1, 1, -1, 0, -1, -1, -1, 1, -1, -1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, -1]
)
SLOT_STATUS = np.array(
    [
        ST_NEW,
        -1,
        -1,
        ST_OPEN,
        -1,
        -1,
        -1,
        ST_PENDING,
        -1,
        ST_OPEN,
        ST_HOLD,
        ST_OPEN,
        -1,
        ST_SOLVED,
        -1,
        ST_OPEN,
        -1,
        ST_SOLVED,
        -1,
        ST_OPEN,
        -1,
        ST_SOLVED,
        ST_CLOSED,
    ]
)


@dataclass
class TicketOutcome:
    ticket: np.ndarray
    cust: np.ndarray
    created: np.ndarray
    intent: np.ndarray
    ai: np.ndarray
    first_reply: np.ndarray
    final_solve: np.ndarray  # NULL_TS when not solved before export
    reopens: np.ndarray
    escalated: np.ndarray
    from_chat: np.ndarray
    repeated: np.ndarray


def _ai_share(ctx: BlockContext, t: np.ndarray) -> np.ndarray:
    span = ctx.export_us - ctx.window.start_us
    frac = np.clip((t - ctx.window.start_us) / span, 0.0, 1.0)
    return 0.35 + 0.25 * frac


def generate_month(
    ctx: BlockContext,
    rng: np.random.Generator,
    lo: np.ndarray,
    hi: np.ndarray,
    handoff_cust: np.ndarray,
    handoff_at: np.ndarray,
    handoff_intent: np.ndarray,
    handoff_conv: np.ndarray,
    handoff_repeated: np.ndarray,
) -> tuple[Frame, Frame, TicketOutcome]:
    c = ctx.customers
    rate = RATE_MONTH / 30.4 * SEGMENT_FACTOR[c.segment] * c.activity
    d_cust, d_created = sample_times(rng, lo, hi, rate)
    nd, nh = len(d_cust), len(handoff_cust)
    cust = np.concatenate([handoff_cust, d_cust])
    created = np.concatenate([handoff_at + 10 * SECOND, d_created])
    from_chat = np.concatenate([np.ones(nh, bool), np.zeros(nd, bool)])
    intent = np.concatenate([handoff_intent, rng.choice(6, size=nd, p=INTENT_P)])
    channel = np.concatenate([np.full(nh, 2), rng.choice(4, size=nd, p=DIRECT_CHANNEL_P)])
    conversation = np.concatenate([handoff_conv, np.full(nd, -1)])
    repeated = np.concatenate([handoff_repeated, np.zeros(nd, bool)])
    order = np.lexsort((created, cust))
    (cust, created, from_chat, intent, channel, conversation, repeated) = (
        a[order] for a in (cust, created, from_chat, intent, channel, conversation, repeated)
    )
    n = len(cust)
    ticket = ctx.ids.take("TK", n)

    segment = c.segment[cust]
    priority = np.empty(n, dtype=np.int64)
    for seg, probs in PRIORITY_P.items():
        rows = np.flatnonzero(segment == seg)
        priority[rows] = rng.choice(4, size=len(rows), p=probs)
    ai = (channel <= 1) & (rng.random(n) < _ai_share(ctx, created))

    frt = np.where(
        ai,
        lognormal_us(rng, 90 * SECOND, 0.6, n),
        lognormal_us(rng, FIRST_REPLY_HUMAN_MIN[priority] * MINUTE, 0.8, n),
    )
    frt = np.where(from_chat, lognormal_us(rng, 3 * MINUTE, 0.6, n), frt)
    first_reply = created + frt

    escalated = rng.random(n) < ESCALATION_P[intent] + 0.10 * (priority == 3)
    speed_week = (created >= to_us(fx.SPEED_START)) & (created < to_us(fx.SPEED_END))
    median = RESOLUTION_HOURS[priority] * HOUR
    median = median * np.where(intent == 1, 1.3, 1.0) * np.where(escalated, 1.4, 1.0)
    median = median * np.where(ai, fx.AI_RESOLUTION_FACTOR, 1.0)
    median = median * np.where(speed_week, fx.SPEED_RESOLUTION_FACTOR, 1.0)
    resolution = lognormal_us(rng, median, 0.7, n)
    solve1 = created + np.maximum(resolution, frt + 5 * MINUTE)
    span = solve1 - first_reply
    solved = rng.random(n) >= NEVER_SOLVED

    hard = np.isin(intent, [INTENTS.index(i) for i in fx.HARD_INTENTS])
    p_reopen = (
        fx.BASE_REOPEN
        + ai * np.where(hard, fx.AI_REOPEN_LIFT_HARD, fx.AI_REOPEN_LIFT_OTHER)
        + 0.03 * escalated
        + fx.SPEED_REOPEN_LIFT * speed_week
    )
    churn_end = ctx.life.end_after(cust, created)
    speed = np.where(speed_week, fx.SPEED_RESOLUTION_FACTOR, 1.0)
    reopen1 = solve1 + np.minimum(lognormal_us(rng, 12 * HOUR * speed, 0.7, n), int(3.5 * DAY))
    reopened1 = solved & (rng.random(n) < p_reopen) & (reopen1 < churn_end)
    solve2 = reopen1 + lognormal_us(rng, 8 * HOUR * speed, 0.8, n)
    reopen2 = solve2 + np.minimum(lognormal_us(rng, 12 * HOUR * speed, 0.7, n), int(3.5 * DAY))
    reopened2 = reopened1 & (rng.random(n) < 0.2) & (reopen2 < churn_end)
    solve3 = reopen2 + lognormal_us(rng, 6 * HOUR * speed, 0.8, n)
    last_solve = np.where(reopened2, solve3, np.where(reopened1, solve2, solve1))

    pending = first_reply + (span * (0.1 + 0.15 * rng.random(n))).astype(np.int64)
    pending_reply = pending + (span * (0.05 + 0.15 * rng.random(n))).astype(np.int64)
    has_pending = (rng.random(n) < 0.25) & (pending_reply < churn_end)
    hold = first_reply + (span * (0.55 + 0.1 * rng.random(n))).astype(np.int64)
    hold_open = hold + (span * (0.05 + 0.2 * rng.random(n))).astype(np.int64)
    has_hold = rng.random(n) < 0.06
    group_at = first_reply + (span * (0.05 + 0.3 * rng.random(n))).astype(np.int64)
    priority_at = first_reply + (span * rng.random(n) * 0.5).astype(np.int64)
    has_priority = rng.random(n) < 0.05
    note_at = first_reply + (span * rng.random(n) * 0.9).astype(np.int64)
    has_note = rng.random(n) < 0.2

    times = np.zeros((n, N_SLOTS), dtype=np.int64)
    present = np.zeros((n, N_SLOTS), dtype=bool)

    def put(slot: int, t: np.ndarray, mask: np.ndarray | bool) -> None:
        times[:, slot] = t
        present[:, slot] = mask

    put(S_NEW, created, True)
    put(S_DESC, created + SECOND, True)
    put(S_FIRST_COMMENT, first_reply, True)
    put(S_OPEN, first_reply + SECOND, True)
    put(S_NOTE, note_at, has_note | escalated)
    put(S_GROUP, group_at, escalated)
    put(S_PRIORITY, priority_at, has_priority)
    put(S_PENDING, pending, has_pending)
    put(S_PENDING_REPLY, pending_reply, has_pending)
    put(S_PENDING_OPEN, pending_reply + SECOND, has_pending)
    put(S_HOLD, hold, has_hold)
    put(S_HOLD_OPEN, hold_open, has_hold)
    put(S_SOLVE1_COMMENT, solve1 - 30 * SECOND, solved)
    put(S_SOLVE1, solve1, solved)
    put(S_REOPEN1_COMMENT, reopen1, reopened1)
    put(S_REOPEN1, reopen1 + SECOND, reopened1)
    put(S_SOLVE2_COMMENT, solve2 - 30 * SECOND, reopened1)
    put(S_SOLVE2, solve2, reopened1)
    put(S_REOPEN2_COMMENT, reopen2, reopened2)
    put(S_REOPEN2, reopen2 + SECOND, reopened2)
    put(S_SOLVE3_COMMENT, solve3 - 30 * SECOND, reopened2)
    put(S_SOLVE3, solve3, reopened2)
    put(S_CLOSED, last_solve + AUTO_CLOSE, solved)
    present &= times < ctx.export_us

    responder = np.where(ai, AI_AGENT, HUMAN_AGENT)
    solver = np.where(ai & ~escalated, AI_AGENT, HUMAN_AGENT)
    actor = np.empty((n, N_SLOTS), dtype=np.int64)
    actor[:] = HUMAN_AGENT
    actor[:, [S_NEW, S_CLOSED]] = SYSTEM
    actor[
        :, [S_DESC, S_PENDING_REPLY, S_REOPEN1_COMMENT, S_REOPEN1, S_REOPEN2_COMMENT, S_REOPEN2]
    ] = REQUESTER
    actor[:, S_PENDING_OPEN] = SYSTEM
    for slot in (S_FIRST_COMMENT, S_OPEN, S_PENDING):
        actor[:, slot] = responder
    actor[:, S_GROUP] = np.where(ai, SYSTEM, HUMAN_AGENT)
    for slot in (S_SOLVE1_COMMENT, S_SOLVE1):
        actor[:, slot] = solver

    body = np.full((n, N_SLOTS), -1, dtype=np.int64)
    body[:, S_DESC] = intent * 4 + rng.integers(4, size=n)
    body[:, S_FIRST_COMMENT] = np.where(
        ai,
        _OFF_AI + rng.integers(len(texts.TICKET_FIRST_REPLY_AI), size=n),
        _OFF_HUMAN + rng.integers(len(texts.TICKET_FIRST_REPLY_HUMAN), size=n),
    )
    body[:, S_NOTE] = _OFF_NOTE + rng.integers(len(texts.TICKET_PRIVATE_NOTES), size=n)
    body[:, S_PENDING_REPLY] = _OFF_PENDING + rng.integers(
        len(texts.TICKET_PENDING_REPLIES), size=n
    )
    for slot in (S_SOLVE1_COMMENT, S_SOLVE2_COMMENT, S_SOLVE3_COMMENT):
        body[:, slot] = _OFF_SOLVE + rng.integers(len(texts.TICKET_SOLVE_LINES), size=n)
    for slot in (S_REOPEN1_COMMENT, S_REOPEN2_COMMENT):
        body[:, slot] = _OFF_REOPEN + rng.integers(len(texts.TICKET_REOPEN_LINES), size=n)

    group = np.full((n, N_SLOTS), -1, dtype=np.int64)
    group[:, S_GROUP] = np.where(rng.random(n) < 0.75, 1, 2)
    new_priority = np.full((n, N_SLOTS), -1, dtype=np.int64)
    new_priority[:, S_PRIORITY] = np.minimum(priority + 1, 3)

    owner, slot = np.nonzero(present)
    t = times[owner, slot]
    order = np.lexsort((slot, t, owner))
    owner, slot, t = owner[order], slot[order], t[order]
    m = len(owner)
    events = {
        "event_id": ctx.ids.take("TE", m),
        "ticket_id": ticket[owner],
        "event_at": t,
        "event_type": SLOT_TYPE[slot],
        "actor_type": actor[owner, slot],
        "is_public": SLOT_PUBLIC[slot].astype(np.int8),
        "status": SLOT_STATUS[slot],
        "group_name": group[owner, slot],
        "priority": new_priority[owner, slot],
        "body": texts.pick_nullable(BODIES, body[owner, slot]),
    }

    subject = texts.pick(SUBJECTS, intent * 4 + rng.integers(4, size=n))
    contact_rows = np.flatnonzero(rng.random(n) < CONTACT_IN_SUBJECT)
    subject = texts.with_contact(
        rng,
        subject,
        contact_rows,
        ctx.email_of(cust[contact_rows]),
        ctx.phone_of(cust[contact_rows]),
    )
    solved_by_export = present[:, S_SOLVE1]
    final_solve = np.where(
        solved_by_export,
        np.max(np.where(present & (SLOT_STATUS == ST_SOLVED)[None, :], times, NULL_TS), axis=1),
        NULL_TS,
    )
    reopens = present[:, S_REOPEN1].astype(np.int64) + present[:, S_REOPEN2]
    tickets = {
        "ticket_id": ticket,
        "customer_id": ctx.gidx(cust),
        "requester_email": ctx.email_of(cust),
        "created_at": created,
        "channel": channel,
        "priority": priority,
        "intent": intent,
        "subject": subject,
        "conversation_id": conversation,
        "_cust": cust,
        "_ai": ai,
        "_first_reply": first_reply,
        "_final_solve": final_solve,
        "_reopens": reopens,
        "_escalated": escalated,
        "_speed_week": speed_week,
        "_never_solved": ~solved,
    }

    requester_slots = (S_PENDING_REPLY, S_REOPEN1_COMMENT, S_REOPEN2_COMMENT)
    for s in requester_slots:
        rows = present[:, s]
        ctx.life.touch(cust[rows], times[rows, s])
    ctx.life.add_bad(cust[present[:, S_REOPEN1]], times[present[:, S_REOPEN1], S_REOPEN1])

    outcome = TicketOutcome(
        ticket,
        cust,
        created,
        intent,
        ai,
        first_reply,
        final_solve,
        reopens,
        escalated,
        from_chat,
        repeated,
    )
    return tickets, events, outcome
