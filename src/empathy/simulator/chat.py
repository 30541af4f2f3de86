"""AI assistant chat: conversations and their messages.

- Conversations: 0.10 a month per active customer x segment (1.0 consumer .. 1.4 enterprise) x the
  customer's activity multiplier, x3 in the first 30 days after signup (mostly onboarding intent);
  weekly seasonality.
- Intent mix (billing, technical, account, onboarding, product_question, cancellation) maps to the
  journey type (onboarding, support, sales, renewal).
- AI turns 1 + Poisson(1.2). Handoff to a human by intent (technical 32%, cancellation 45%,
  billing 25%, others 10-15%), creating a helpdesk ticket that references the conversation.
- customer_repeated 8%, +25pp when handed off, +10pp with 4+ AI turns; resolved 78% without
  handoff (55% if the customer repeated), 30% when handed off (the ticket carries on).
- Messages alternate customer / ai, then human / customer after a handoff; gaps are lognormal
  (AI seconds, customer ~45 s, human pick-up ~4 min). 1.2% of customer messages contain the
  customer's e-mail address or phone number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import texts
from .context import BlockContext
from .frames import Frame
from .schema import INTENTS
from .timeline import DAY, SECOND, lognormal_us, sample_times

RATE_MONTH = 0.10
SEGMENT_FACTOR = np.array([1.0, 1.1, 1.25, 1.4])
INTENT_P = np.array([0.2, 0.26, 0.15, 0.06, 0.23, 0.10])
INTENT_P_EARLY = np.array([0.1, 0.15, 0.1, 0.45, 0.15, 0.05])
HANDOFF_P = np.array([0.25, 0.32, 0.15, 0.10, 0.12, 0.45])
JOURNEY_BY_INTENT = np.array([1, 1, 1, 0, 2, 3])  # onboarding, support, sales, renewal
CHANNEL_P = np.array([0.45, 0.4, 0.15])
CONTACT_IN_MESSAGE = 0.012

# One flat template list for message bodies; offsets per block of lines.
_CUSTOMER_FIRST = [line for i in INTENTS for line in texts.INTENT_CUSTOMER_LINES[i]]
BODIES = (
    _CUSTOMER_FIRST
    + list(texts.CUSTOMER_FOLLOW_UPS)
    + list(texts.CUSTOMER_REPEAT_LINES)
    + list(texts.AI_LINES)
    + list(texts.HUMAN_LINES)
)
_OFF_FOLLOW = len(_CUSTOMER_FIRST)
_OFF_REPEAT = _OFF_FOLLOW + len(texts.CUSTOMER_FOLLOW_UPS)
_OFF_AI = _OFF_REPEAT + len(texts.CUSTOMER_REPEAT_LINES)
_OFF_HUMAN = _OFF_AI + len(texts.AI_LINES)


@dataclass
class ChatMonth:
    conv: np.ndarray
    cust: np.ndarray
    started: np.ndarray
    ended: np.ndarray
    intent: np.ndarray
    handed_off: np.ndarray
    handoff_at: np.ndarray
    repeated: np.ndarray
    resolved: np.ndarray
    first_ai_at: np.ndarray
    conversations: Frame
    messages: Frame


def generate_month(
    ctx: BlockContext, rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray
) -> ChatMonth:
    c = ctx.customers
    tenure_start = np.where(ctx.life.start2 < hi, ctx.life.start2, ctx.life.signup)
    early_end = tenure_start + 30 * DAY
    rate = RATE_MONTH / 30.4 * SEGMENT_FACTOR[c.segment] * c.activity
    # First 30 days after (re)joining: three times the rate.
    cut = np.clip(early_end, lo, hi)
    o1, t1 = sample_times(rng, lo, cut, rate * 3.0)
    o2, t2 = sample_times(rng, cut, hi, rate)
    cust = np.concatenate([o1, o2])
    started = np.concatenate([t1, t2])
    early = np.concatenate([np.ones(len(o1), bool), np.zeros(len(o2), bool)])
    order = np.lexsort((started, cust))
    cust, started, early = cust[order], started[order], early[order]
    n = len(cust)
    conv = ctx.ids.take("CV", n)

    intent = np.where(
        early, rng.choice(6, size=n, p=INTENT_P_EARLY), rng.choice(6, size=n, p=INTENT_P)
    )
    ai_turns = 1 + rng.poisson(1.2, n)
    handed = rng.random(n) < HANDOFF_P[intent]
    human_turns = np.where(handed, 1 + rng.poisson(1.2, n), 0)
    repeated = rng.random(n) < 0.08 + 0.25 * handed + 0.10 * (ai_turns >= 4)
    resolved = rng.random(n) < np.where(handed, 0.3, np.where(repeated, 0.55, 0.78))

    # Messages: positions 0 .. 2*(ai+human)-1 per conversation.
    per_conv = 2 * (ai_turns + human_turns)
    owner = np.repeat(np.arange(n), per_conv)
    m = len(owner)
    first_pos = np.concatenate([[0], np.cumsum(per_conv)[:-1]])
    pos = np.arange(m) - first_pos[owner]
    pre = pos < 2 * ai_turns[owner]
    k = pos - 2 * ai_turns[owner]  # position after the handoff
    sender = np.where(pre, np.where(pos % 2 == 0, 0, 1), np.where(k % 2 == 0, 2, 0))
    gap = np.where(
        sender == 1,
        lognormal_us(rng, 4 * SECOND, 0.5, m),
        np.where(
            sender == 0,
            lognormal_us(rng, 45 * SECOND, 0.8, m),
            lognormal_us(rng, 70 * SECOND, 0.7, m),
        ),
    )
    pickup = (~pre) & (k == 0)
    gap = np.where(pickup, lognormal_us(rng, 240 * SECOND, 0.8, m), gap)
    gap[pos == 0] = 0
    csum = np.cumsum(gap)
    base = csum[first_pos][owner] - gap[first_pos][owner]
    sent = started[owner] + (csum - base)
    last_pos = first_pos + per_conv - 1
    ended = sent[last_pos]
    last_ai_pos = first_pos + 2 * ai_turns - 1
    handoff_at = np.where(handed, sent[last_ai_pos] + 5 * SECOND, np.iinfo(np.int64).min)
    first_ai_at = sent[first_pos + 1]

    body = np.where(sender == 1, _OFF_AI + rng.integers(len(texts.AI_LINES), size=m), 0)
    body = np.where(
        sender == 2,
        _OFF_HUMAN + np.where(k == 0, 0, rng.integers(1, len(texts.HUMAN_LINES), size=m)),
        body,
    )
    follow = _OFF_FOLLOW + rng.integers(len(texts.CUSTOMER_FOLLOW_UPS), size=m)
    first_line = intent[owner] * 4 + rng.integers(4, size=m)
    repeat_line = _OFF_REPEAT + rng.integers(len(texts.CUSTOMER_REPEAT_LINES), size=m)
    is_repeat_msg = repeated[owner] & (((pre) & (pos == 2)) | ((~pre) & (k == 1)))
    customer_body = np.where(pos == 0, first_line, np.where(is_repeat_msg, repeat_line, follow))
    body = np.where(sender == 0, customer_body, body)
    body_text = texts.pick(BODIES, body)
    contact_rows = np.flatnonzero((sender == 0) & (rng.random(m) < CONTACT_IN_MESSAGE))
    body_text = texts.with_contact(
        rng,
        body_text,
        contact_rows,
        ctx.email_of(cust[owner[contact_rows]]),
        ctx.phone_of(cust[owner[contact_rows]]),
    )

    conversations = {
        "conversation_id": conv,
        "customer_id": ctx.gidx(cust),
        "started_at": started,
        "ended_at": ended,
        "channel": rng.choice(3, size=n, p=CHANNEL_P),
        "intent": intent,
        "journey_type": np.where(
            early & (intent != 3) & (rng.random(n) < 0.3),
            0,
            np.where((intent == 4) & (rng.random(n) < 0.5), 1, JOURNEY_BY_INTENT[intent]),
        ),
        "ai_turns": ai_turns.astype(np.int64),
        "human_turns": human_turns.astype(np.int64),
        "handed_off": handed,
        "handoff_at": handoff_at,
        "customer_repeated": repeated,
        "resolved": resolved,
        "_cust": cust,
    }
    messages = {
        "message_id": ctx.ids.take("CM", m),
        "conversation_id": conv[owner],
        "sent_at": sent,
        "sender_type": sender,
        "body": body_text,
    }
    return ChatMonth(
        conv,
        cust,
        started,
        ended,
        intent,
        handed,
        handoff_at,
        repeated,
        resolved,
        first_ai_at,
        conversations,
        messages,
    )
