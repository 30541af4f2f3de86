"""Experiments: definitions, variants and customer assignments.

- ``exp_ai_upsell_nudge`` (2026-05-01 .. 2026-07-31, control/treatment 50/50): every customer
  active in the period is assigned once, at their first activity in it (period start or signup plus
  an exponential delay, mean 3 days). Treatment: +6pp purchase/upgrade conversion within 28 days,
  -12pp CSAT top-2-box on csat answered within 28 days (planted effect a).
- ``exp_explanation_reason_line`` (2026-02-01 .. 2026-04-30, 50/50, same assignment rule): AI
  recommendations show an explanation in treatment (never in control); acceptance +10pp, no CSAT
  change (planted effect b).
- ``exp_chat_greeting`` (from 2026-08-01, running): the greeting of the chat widget, shown to every
  active customer (same assignment rule); configured 50/50 but assigned 56/44; no effect on
  anything (planted effect c, a sample-ratio mismatch).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from . import effects as fx
from .context import Assignment, BlockContext
from .frames import Frame
from .timeline import DAY, HOUR, NULL_TS, to_us

VARIANT_NAMES = ("control", "treatment")
FIRST_ACTIVITY_MEAN_DAYS = 3.0


@dataclass(frozen=True)
class ExperimentDef:
    experiment_id: str
    name: str
    hypothesis: str
    primary_metric: str
    guardrails: tuple[str, ...]
    start: date
    end: date | None  # exclusive; None = still running
    configured_weights: tuple[float, float]
    actual_control_share: float
    assign_on: str  # "active": at the first activity inside the period

    @property
    def start_us(self) -> int:
        return to_us(self.start)

    @property
    def end_us(self) -> int:
        return to_us(self.end) if self.end else np.iinfo(np.int64).max


EXPERIMENTS: tuple[ExperimentDef, ...] = (
    ExperimentDef(
        fx.UPSELL_ID,
        "AI upsell nudge",
        "An AI-written upgrade nudge in the product raises purchases and upgrades within 28 days "
        "without hurting satisfaction.",
        "conversion_rate",
        ("csat_pct",),
        fx.UPSELL_START,
        fx.UPSELL_END,
        (0.5, 0.5),
        0.5,
        "active",
    ),
    ExperimentDef(
        fx.REASON_ID,
        "Explanation reason line",
        "Showing a one-line reason with AI recommendations raises their acceptance.",
        "explanation_acceptance_rate",
        ("csat_pct", "override_rate"),
        fx.REASON_START,
        fx.REASON_END,
        (0.5, 0.5),
        0.5,
        "active",
    ),
    ExperimentDef(
        fx.GREETING_ID,
        "Chat greeting",
        "A warmer first message from the AI assistant raises chat CSAT.",
        "csat_pct",
        ("escalation_rate", "conversion_rate"),
        fx.GREETING_START,
        None,
        (0.5, 0.5),
        fx.GREETING_CONTROL_SHARE,
        "active",
    ),
)
BY_ID = {e.experiment_id: e for e in EXPERIMENTS}


def init_assignments(ctx: BlockContext) -> None:
    for exp in EXPERIMENTS:
        ctx.assignments[exp.experiment_id] = Assignment.empty(ctx.n)


def assign_active(
    ctx: BlockContext, rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray
) -> None:
    """Assign customers active in this month's part of an "active"-rule experiment period."""
    for exp in EXPERIMENTS:
        if exp.assign_on != "active":
            continue
        state = ctx.assignments[exp.experiment_id]
        a = np.maximum(lo, exp.start_us)
        b = np.minimum(np.minimum(hi, exp.end_us), ctx.export_us)
        delay = (rng.exponential(FIRST_ACTIVITY_MEAN_DAYS, ctx.n) * DAY).astype(np.int64)
        at = a + np.maximum(delay, HOUR)
        pick = rng.random(ctx.n) >= exp.actual_control_share
        ok = (state.variant < 0) & (b > a) & (at < b)
        state.variant[ok] = pick[ok].astype(np.int64)
        state.assigned_at[ok] = at[ok]


def in_window(
    ctx: BlockContext, exp_id: str, cust: np.ndarray, t: np.ndarray, days: int
) -> np.ndarray:
    """Variant (0/1) where ``t`` is within ``days`` after the customer's assignment, else -1."""
    state = ctx.assignments[exp_id]
    at = state.assigned_at[cust]
    variant = state.variant[cust]
    inside = (variant >= 0) & (t >= at) & (t < at + days * DAY)
    return np.where(inside, variant, -1)


def assignments_frame(ctx: BlockContext) -> Frame:
    parts_exp, parts_cust, parts_var, parts_at = [], [], [], []
    for k, exp in enumerate(EXPERIMENTS):
        state = ctx.assignments[exp.experiment_id]
        rows = np.flatnonzero(state.variant >= 0)
        rows = rows[np.argsort(state.assigned_at[rows], kind="stable")]
        parts_exp.append(np.full(len(rows), k))
        parts_cust.append(rows)
        parts_var.append(state.variant[rows])
        parts_at.append(state.assigned_at[rows])
    cust = np.concatenate(parts_cust)
    variant = np.concatenate(parts_var)
    return {
        "assignment_id": ctx.ids.take("AS", len(cust)),
        "experiment_id": pa.array([e.experiment_id for e in EXPERIMENTS], type=pa.string()).take(
            pa.array(np.concatenate(parts_exp))
        ),
        "unit_id": ctx.gidx(cust),
        "variant": pa.array(VARIANT_NAMES, type=pa.string()).take(pa.array(variant)),
        "assigned_at": np.concatenate(parts_at),
        "_cust": cust,
        "_variant": variant,
    }


def definition_frames(export_us: int) -> tuple[Frame, Frame]:
    """The experiments and variants tables (written once, part-00000)."""
    ended = [e.end_us if e.end and e.end_us <= export_us else NULL_TS for e in EXPERIMENTS]
    status = [2 if end != NULL_TS else 0 for end in ended]  # completed / running
    experiments = {
        "experiment_id": pa.array([e.experiment_id for e in EXPERIMENTS]),
        "name": pa.array([e.name for e in EXPERIMENTS]),
        "hypothesis": pa.array([e.hypothesis for e in EXPERIMENTS]),
        "unit_type": np.zeros(len(EXPERIMENTS), dtype=np.int64),
        "primary_metric": pa.array([e.primary_metric for e in EXPERIMENTS]),
        "guardrail_metrics": pa.array([";".join(e.guardrails) for e in EXPERIMENTS]),
        "started_at": np.array([e.start_us for e in EXPERIMENTS], dtype=np.int64),
        "ended_at": np.array(ended, dtype=np.int64),
        "status": np.array(status, dtype=np.int64),
    }
    rows = [(e, k) for e in EXPERIMENTS for k in range(2)]
    variants = {
        "experiment_id": pa.array([e.experiment_id for e, _ in rows]),
        "variant": pa.array([VARIANT_NAMES[k] for _, k in rows]),
        "is_control": np.array([k == 0 for _, k in rows]),
        "weight": np.array([e.configured_weights[k] for e, k in rows]),
        "_event": np.array([e.start_us for e, _ in rows], dtype=np.int64),
    }
    return experiments, variants
