"""Survey responses triggered by chats, tickets, e-mails and AI outputs.

- Response rate by segment 25-33%; ``answered_at`` = sent + lognormal (median 3 h), left null when
  the answer would fall after the export or after the customer churned.
- csat (1-5): top-2-box probability 0.80 minus penalties for bad experiences (reopened -0.25, long
  resolution > 72 h -0.15, handoff/escalation -0.10, customer had to repeat -0.15, unresolved
  -0.20); planted effects: -0.12 for exp_ai_upsell_nudge treatment within 28 days of assignment
  (a) and -0.15 for smb in 2026-03..2026-04 (d). Scores 4/5 inside the box, 1/2/3 outside.
- nps (0-10): promoters 50%, detractors 17%; a bad experience in the last 60 days moves 20pp from
  promoters to detractors.
- effort (1 = very easy .. 7 = very hard): higher after repeats, handoffs, reopens, long waits.
- reason_understood (yes/no): yes 78% when an explanation / reason line was shown, else 50%.
- Comments on ~35% of answers (50% of negative ones): sentiment follows the score, the theme follows
  the experience (slow -> speed, reopened -> accuracy, repeated -> effort, AI -> clarity/trust);
  about 1.2% of comments contain an e-mail address or phone number.

A csat answer <= 2 is a "bad experience" that raises the customer's churn hazard.
"""

from __future__ import annotations

import numpy as np

from . import effects as fx
from . import texts
from .context import BlockContext
from .experiments import in_window
from .frames import Frame
from .render import block_ids
from .schema import NULL_INT
from .timeline import HOUR, NULL_TS, lognormal_us, to_us

CSAT, NPS, EFFORT, REASON = 0, 1, 2, 3
TP_CHAT, TP_TICKET, TP_EMAIL, TP_OUTPUT = 0, 1, 2, 3
TP_PREFIX = ("CV", "TK", "ES", "AO")
FLAG_NAMES = (
    "reopened",
    "long_resolution",
    "handoff",
    "customer_repeated",
    "unresolved",
    "ai_involved",
    "explained",
    "bad_recent",
)
RESPONSE_BY_SEGMENT = np.array(
    [fx.RESPONSE_RATE[k] for k in ("consumer", "smb", "mid_market", "enterprise")]
)
NPS_DETRACTOR_SCORES = np.array([0.03, 0.03, 0.05, 0.07, 0.1, 0.27, 0.45])
COMMENT_RATE = 0.35
COMMENT_RATE_NEGATIVE = 0.5
CONTACT_IN_COMMENT = 0.012


def _flags(flags: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
    unknown = set(flags) - set(FLAG_NAMES)
    if unknown:
        raise KeyError(f"unknown survey flags {sorted(unknown)}")
    return {k: np.asarray(flags.get(k, np.zeros(n, dtype=bool)), dtype=bool) for k in FLAG_NAMES}


def csat_top2_probability(
    ctx: BlockContext, cust: np.ndarray, answered: np.ndarray, f: dict[str, np.ndarray]
) -> np.ndarray:
    p = np.full(len(cust), fx.CSAT_TOP2_BASE)
    for name, penalty in fx.CSAT_PENALTIES.items():
        p -= penalty * f[name]
    segment = ctx.customers.segment[cust]
    p += np.array([0.02, 0.0, -0.01, -0.03])[segment]
    upsell = in_window(ctx, fx.UPSELL_ID, cust, answered, fx.UPSELL_WINDOW_DAYS)
    p += np.where(upsell == 1, fx.UPSELL_CSAT_TOP2_LIFT, 0.0)
    smb = (segment == 1) & (answered >= to_us(fx.SMB_START)) & (answered < to_us(fx.SMB_END))
    p += np.where(smb, fx.SMB_CSAT_TOP2_LIFT, 0.0)
    return np.clip(p, 0.03, 0.98)


def _scores(
    ctx: BlockContext,
    rng: np.random.Generator,
    cust: np.ndarray,
    stype: np.ndarray,
    answered: np.ndarray,
    f: dict[str, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(score, answer code, sentiment code 0 neg / 1 neutral / 2 pos) for answered rows."""
    n = len(cust)
    score = np.full(n, NULL_INT, dtype=np.int64)
    answer = np.full(n, -1, dtype=np.int64)
    sentiment = np.ones(n, dtype=np.int64)

    top2 = rng.random(n) < csat_top2_probability(ctx, cust, answered, f)
    in_box = np.where(rng.random(n) < 0.6, 5, 4)
    out_box = rng.choice([1, 2, 3], size=n, p=[0.25, 0.3, 0.45])
    csat = np.where(top2, in_box, out_box)

    bad = f["bad_recent"]
    segment = ctx.customers.segment[cust]
    p_pro = 0.5 - 0.2 * bad + 0.05 * (segment == 3)
    p_det = 0.17 + 0.2 * bad
    u = rng.random(n)
    detractor_score = rng.choice(7, size=n, p=NPS_DETRACTOR_SCORES)
    nps = np.where(
        u < p_pro,
        rng.integers(9, 11, size=n),
        np.where(u < p_pro + p_det, detractor_score, rng.integers(7, 9, size=n)),
    )

    latent = (
        2.4
        + 1.6 * f["customer_repeated"]
        + 1.0 * f["handoff"]
        + 1.2 * f["reopened"]
        + 0.8 * f["long_resolution"]
        + 0.6 * f["unresolved"]
        + rng.normal(0, 1.1, n)
    )
    effort = np.clip(np.rint(latent), 1, 7).astype(np.int64)

    yes = rng.random(n) < np.where(f["explained"], 0.78, 0.5)

    score = np.where(stype == CSAT, csat, score)
    score = np.where(stype == NPS, nps, score)
    score = np.where(stype == EFFORT, effort, score)
    answer = np.where(stype == REASON, np.where(yes, 0, 1), answer)

    sentiment = np.where(stype == CSAT, np.select([csat <= 2, csat == 3], [0, 1], 2), sentiment)
    sentiment = np.where(stype == NPS, np.select([nps <= 6, nps <= 8], [0, 1], 2), sentiment)
    sentiment = np.where(
        stype == EFFORT, np.select([effort >= 5, effort >= 3], [0, 1], 2), sentiment
    )
    sentiment = np.where(stype == REASON, np.where(yes, 2, 0), sentiment)
    noise = rng.random(n) < 0.08
    sentiment = np.where(noise, rng.integers(3, size=n), sentiment)
    return score, answer, sentiment


def _themes(rng: np.random.Generator, stype: np.ndarray, f: dict[str, np.ndarray]) -> np.ndarray:
    n = len(stype)
    # clarity, tone, speed, trust, accuracy, effort
    w = np.ones((n, 6))
    w[:, 2] += 3.0 * f["long_resolution"] + 1.0 * f["handoff"]
    w[:, 4] += 3.0 * f["reopened"] + 1.5 * f["unresolved"]
    w[:, 5] += 3.0 * f["customer_repeated"] + 2.0 * f["handoff"]
    w[:, 0] += 1.5 * f["ai_involved"] + 2.0 * f["explained"] + 2.0 * (stype == REASON)
    w[:, 3] += 1.5 * f["ai_involved"] + 1.0 * (stype == NPS)
    w[:, 1] += 1.0 * (stype == NPS)
    cum = np.cumsum(w, axis=1)
    u = rng.random(n) * cum[:, -1]
    return (u[:, None] >= cum).sum(axis=1)


def make_surveys(
    ctx: BlockContext,
    rng: np.random.Generator,
    cust: np.ndarray,
    stype: np.ndarray,
    tp_type: int,
    tp_idx: np.ndarray,
    sent_at: np.ndarray,
    flags: dict[str, np.ndarray],
) -> Frame:
    """Survey rows for one touchpoint system; updates churn inputs (bad csat, activity)."""
    n = len(cust)
    if n == 0:
        return {}
    f = _flags(flags, n)
    stype = np.asarray(stype, dtype=np.int64)
    segment = ctx.customers.segment[cust]
    delay = lognormal_us(rng, 3 * HOUR, 1.2, n)
    answered = sent_at + delay
    responds = rng.random(n) < RESPONSE_BY_SEGMENT[segment]
    responds &= (answered < ctx.export_us) & ctx.life.active_at(cust, answered)
    answered = np.where(responds, answered, NULL_TS)

    score, answer, sentiment = _scores(ctx, rng, cust, stype, answered, f)
    score = np.where(responds, score, NULL_INT)
    answer = np.where(responds, answer, -1)

    p_comment = np.where(sentiment == 0, COMMENT_RATE_NEGATIVE, COMMENT_RATE)
    has_comment = responds & (rng.random(n) < p_comment)
    template = texts.comment_templates(rng, _themes(rng, stype, f), sentiment)
    comment = texts.pick_nullable(
        [t for t, _ in texts.COMMENT_TEMPLATES], np.where(has_comment, template, -1)
    )
    contact_rows = np.flatnonzero(has_comment & (rng.random(n) < CONTACT_IN_COMMENT))
    comment = texts.with_contact(
        rng,
        comment,
        contact_rows,
        ctx.email_of(cust[contact_rows]),
        ctx.phone_of(cust[contact_rows]),
    )

    ctx.life.touch(cust[responds], answered[responds])
    low = responds & (stype == CSAT) & (score <= 2)
    ctx.life.add_bad(cust[low], answered[low])

    return {
        "response_id": ctx.ids.take("SR", n),
        "customer_id": ctx.gidx(cust),
        "survey_type": stype,
        "touchpoint_type": np.full(n, tp_type, dtype=np.int64),
        "touchpoint_id": block_ids(TP_PREFIX[tp_type], ctx.block, tp_idx),
        "sent_at": sent_at,
        "answered_at": answered,
        "score": score,
        "answer": answer,
        "comment": comment,
        "_cust": cust,
        "_ai": f["ai_involved"],
        "_template": np.where(has_comment, template, -1),
    }
