"""AI output logs (model logs) and the QA reviews of a sample of them.

- One output per AI chat conversation (reply), per AI-handled ticket (reply), per AI-personalised
  e-mail (message), and per web recommendation or score shown to a known visitor.
- Model versions roll out by date: cx-2.1, cx-2.2 from 2026-01, cx-2.3 from 2026-06.
- Governance fields are present most of the time but not always: rationale 60-88% by output type,
  policy reference 35-80%, confidence 90%, audit fields (trace id, prompt version, logged by)
  95-97% each.
- Acceptance (recommendations and replies; null for messages and scores and for 5% with no recorded
  decision): base 38% (recommendations) / 55% (replies); an explanation shown adds +15pp for
  enterprise customers and +4pp for the others. Inside exp_explanation_reason_line (planted effect
  b) recommendations for assigned customers show the explanation only in treatment, and acceptance
  is 38% in control and 48% in treatment.
- Surveys: csat on 30% of outputs, reason_understood on 25% of those with an explanation shown.
- Human review on 5-45% of outputs (tickets most); overridden by the human in 14% of reviewed
  outputs, 26% when the rationale is missing.
- QA reviews: 10% of outputs (25% of ticket replies), 1-7 days later; fail 10%, +20pp without a
  rationale (issue ``missing_rationale``), +5pp at confidence < 0.5.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from . import effects as fx
from . import surveys, texts
from .context import BlockContext
from .experiments import in_window
from .frames import Frame
from .render import block_ids
from .timeline import DAY, HOUR, MINUTE, to_us

TP_CHAT, TP_TICKET, TP_EMAIL, TP_WEB = 0, 1, 2, 3
TP_PREFIX = ("CV", "TK", "ES", "WS")
RECOMMENDATION, MESSAGE, SCORE, REPLY = 0, 1, 2, 3

RATIONALE_P = np.array([0.88, 0.6, 0.8, 0.72])
POLICY_P = np.array([0.5, 0.35, 0.6, 0.8])
SHOWN_P = np.array([0.5, 0.3, 0.2, 0.35])
ACCEPT_BASE = np.array([fx.REASON_ACCEPT_BASE, np.nan, np.nan, 0.55])
REVIEW_P = np.array([0.12, 0.45, 0.15, 0.05])  # by touchpoint
RATIONALES = (
    "Recommended because accounts like yours save time with this feature.",
    "Suggested because your usage of reports grew this month.",
    "Based on your plan and the question you asked.",
    "Matched to the policy that applies to your request.",
    "Chosen because similar requests were resolved this way.",
    "Your recent tickets mention this topic.",
)
POLICIES = (
    "POL-REFUND-04",
    "POL-BILLING-02",
    "POL-PRIVACY-01",
    "POL-TONE-03",
    "POL-ESCALATE-05",
    "POL-UPSELL-02",
)
LOGGERS = ("gateway", "sdk_python", "batch_worker")
MODEL_VERSIONS = ("cx-2.1", "cx-2.2", "cx-2.3")
MODEL_CUTOVERS = (to_us(fx.COHORT_START), to_us(fx.SPEED_START))
PROMPT_VERSIONS = ("pv-12", "pv-13", "pv-14")
CSAT_SURVEY_P = 0.3
REASON_SURVEY_P = 0.25
QA_ISSUES_FAIL = np.array([0.35, 0.15, 0.25, 0.25])  # accuracy, tone, policy, hallucination


def make_outputs(
    ctx: BlockContext,
    rng: np.random.Generator,
    cust: np.ndarray,
    tp_type: int,
    tp_idx: np.ndarray,
    created: np.ndarray,
    output_type: np.ndarray,
) -> Frame:
    n = len(cust)
    if n == 0:
        return {}
    idx = ctx.ids.take("AO", n)
    output_type = np.asarray(output_type, dtype=np.int64)
    version = np.searchsorted(np.array(MODEL_CUTOVERS), created, side="right")
    has_rationale = rng.random(n) < RATIONALE_P[output_type]
    has_policy = rng.random(n) < POLICY_P[output_type]
    has_conf = rng.random(n) < 0.9
    confidence = np.where(has_conf, np.round(rng.beta(6, 2, n), 3), np.nan)

    segment = ctx.customers.segment[cust]
    shown = rng.random(n) < SHOWN_P[output_type]
    lift = np.where(
        segment == 3, fx.EXPLANATION_ACCEPT_LIFT["enterprise"], fx.EXPLANATION_ACCEPT_LIFT["other"]
    )
    p_accept = ACCEPT_BASE[output_type] + lift * shown

    # Planted effect b: recommendations of assigned customers during the experiment.
    reason = in_window(ctx, fx.REASON_ID, cust, created, 10_000)
    in_exp = np.where(
        (output_type == RECOMMENDATION) & (created < to_us(fx.REASON_END)), reason, -1
    )
    exp_rows = in_exp >= 0
    shown = np.where(exp_rows, in_exp == 1, shown)
    p_accept = np.where(exp_rows, fx.REASON_ACCEPT_BASE + fx.REASON_ACCEPT_LIFT * in_exp, p_accept)

    decided = ~np.isnan(p_accept) & (rng.random(n) >= 0.05)
    accepted = np.where(decided, (rng.random(n) < np.nan_to_num(p_accept)).astype(np.int8), -1)
    opened = shown & (rng.random(n) < np.where(segment == 3, 0.45, 0.3))
    reviewed = rng.random(n) < REVIEW_P[tp_type]
    overridden = reviewed & (rng.random(n) < np.where(has_rationale, 0.14, 0.26))

    rationale = texts.pick_nullable(
        RATIONALES, np.where(has_rationale, rng.integers(len(RATIONALES), size=n), -1)
    )
    policy = texts.pick_nullable(
        POLICIES, np.where(has_policy, rng.integers(len(POLICIES), size=n), -1)
    )
    trace = block_ids("TR", ctx.block, np.where(rng.random(n) < 0.965, idx, -1))
    prompt = texts.pick_nullable(PROMPT_VERSIONS, np.where(rng.random(n) < 0.95, version, -1))
    logger = texts.pick_nullable(
        LOGGERS, np.where(rng.random(n) < 0.97, rng.integers(len(LOGGERS), size=n), -1)
    )
    return {
        "output_id": idx,
        "customer_id": ctx.gidx(cust),
        "touchpoint_type": np.full(n, tp_type, dtype=np.int64),
        "touchpoint_id": block_ids(TP_PREFIX[tp_type], ctx.block, tp_idx),
        "output_type": output_type,
        "model_version": texts.pick(MODEL_VERSIONS, version),
        "created_at": created,
        "rationale_text": rationale,
        "policy_reference": policy,
        "confidence": confidence,
        "explanation_shown": shown,
        "explanation_opened": opened,
        "accepted": accepted,
        "overridden_by_human": overridden,
        "human_reviewed": reviewed,
        "trace_id": trace,
        "prompt_version": prompt,
        "logged_by": logger,
        "_cust": cust,
        "_rationale": has_rationale,
        "_segment": segment,
        "_reason_variant": in_exp,
        "_tp": np.full(n, tp_type, dtype=np.int64),
    }


def request_surveys(ctx: BlockContext, rng: np.random.Generator, out: Frame) -> None:
    """Surveys about AI outputs: csat on 30%, reason_understood on 25% of those explained."""
    if not out:
        return
    n = len(out["output_id"])
    shown = out["explanation_shown"]
    reason = np.flatnonzero(shown & (rng.random(n) < REASON_SURVEY_P))
    csat = np.flatnonzero(rng.random(n) < CSAT_SURVEY_P)
    rows = np.concatenate([reason, csat])
    kind = np.concatenate([np.full(len(reason), surveys.REASON), np.full(len(csat), surveys.CSAT)])
    sent = out["created_at"][rows] + 10 * MINUTE
    ok = sent < ctx.export_us
    rows, kind, sent = rows[ok], kind[ok], sent[ok]
    ctx.out.add(
        "surveys.responses",
        surveys.make_surveys(
            ctx,
            rng,
            out["_cust"][rows],
            kind,
            surveys.TP_OUTPUT,
            out["output_id"][rows],
            sent,
            {
                "explained": shown[rows],
                "unresolved": out["accepted"][rows] == 0,
                "ai_involved": np.ones(len(rows), bool),
            },
        ),
    )


def qa_reviews(ctx: BlockContext, rng: np.random.Generator, outputs: Frame) -> Frame:
    n = len(outputs["output_id"]) if outputs else 0
    if n == 0:
        return {}
    tp = outputs["_tp"]
    sampled = rng.random(n) < np.where(tp == TP_TICKET, 0.25, 0.1)
    reviewed_at = outputs["created_at"] + (HOUR * 12 + rng.random(n) * 6.5 * DAY).astype(np.int64)
    sampled &= reviewed_at < ctx.export_us
    rows = np.flatnonzero(sampled)
    m = len(rows)
    no_rationale = ~outputs["_rationale"][rows]
    conf = outputs["confidence"][rows]
    p_fail = 0.1 + 0.2 * no_rationale + 0.05 * (np.nan_to_num(conf, nan=1.0) < 0.5)
    fail = rng.random(m) < p_fail
    category = 1 + rng.choice(4, size=m, p=QA_ISSUES_FAIL)
    category = np.where(no_rationale & (rng.random(m) < 0.6), 5, category)
    category = np.where(fail, category, 0)
    reviewer = rng.integers(1, 16, size=m)
    reviewer_ids = pa.array([f"R{k:02d}" for k in range(16)], type=pa.string()).take(
        pa.array(reviewer)
    )
    return {
        "review_id": ctx.ids.take("QA", m),
        "output_id": outputs["output_id"][rows],
        "reviewer_id": reviewer_ids,
        "reviewed_at": reviewed_at[rows],
        "result": fail.astype(np.int64),
        "issue_category": category,
    }
