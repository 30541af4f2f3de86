"""The truth file: planted effects, modelled correlations and what the clean rows realised.

Realised values are computed per block from the clean frames (before mess) and summed, so the
file describes the data exactly as generated. ``_truth.json`` holds no wall-clock time, so it is as
reproducible as the data files.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta

import numpy as np

from . import effects as fx
from .context import BlockContext
from .experiments import BY_ID, EXPERIMENTS, in_window
from .frames import Frame
from .mess import MESS_RATES
from .schema import NULL_INT
from .texts import template_labels
from .timeline import DAY, HOUR, NULL_TS, day_of_week, to_us

EPOCH = date(1970, 1, 1)


def _iso(d: date) -> str:
    return d.isoformat()


def _rate(num: float, den: float) -> float | None:
    return round(num / den, 4) if den else None


def _median(values: list[np.ndarray]) -> float | None:
    joined = np.concatenate(values) if values else np.zeros(0)
    joined = joined[~np.isnan(joined)]
    return round(float(np.median(joined)), 3) if len(joined) else None


def _chi_square_p(observed: list[int], weights: list[float]) -> float | None:
    total = sum(observed)
    if total == 0:
        return None
    chi = sum((o - total * w) ** 2 / (total * w) for o, w in zip(observed, weights, strict=True))
    return float(math.erfc(math.sqrt(chi / 2)))  # 1 degree of freedom


class TruthBuilder:
    def __init__(self) -> None:
        self.c: dict[str, float] = defaultdict(float)
        self.arrays: dict[str, list[np.ndarray]] = defaultdict(list)
        self.active_by_month: np.ndarray | None = None

    # -- accumulation ---------------------------------------------------------------------------

    def add_block(self, ctx: BlockContext, frames: Frame) -> None:
        self._experiments(ctx, frames)
        self._smb(ctx, frames)
        self._tickets(ctx, frames)
        self._cohorts(ctx)
        self._correlations(ctx, frames)

    def _experiments(self, ctx: BlockContext, frames: Frame) -> None:
        surveys = frames.get("surveys.responses", {})
        conv = frames.get("touchpoints.conversions", {})
        outputs = frames.get("ai_outputs.outputs", {})
        answered = surveys["answered_at"] != NULL_TS if surveys else np.zeros(0, bool)
        csat_rows = np.flatnonzero(answered & (surveys["survey_type"] == 0)) if surveys else []
        for exp in EXPERIMENTS:
            eid = exp.experiment_id
            state = ctx.assignments[eid]
            for v in (0, 1):
                self.c[f"{eid}.units.{v}"] += int((state.variant == v).sum())
            if conv:
                commercial = conv["conversion_type"] != 0
                v_conv = in_window(
                    ctx, eid, conv["_cust"], conv["converted_at"], fx.UPSELL_WINDOW_DAYS
                )
                for v in (0, 1):
                    converters = np.unique(conv["_cust"][commercial & (v_conv == v)])
                    self.c[f"{eid}.converters28.{v}"] += len(converters)
            if len(csat_rows):
                cust = surveys["_cust"][csat_rows]
                v_s = in_window(
                    ctx, eid, cust, surveys["answered_at"][csat_rows], fx.UPSELL_WINDOW_DAYS
                )
                top2 = surveys["score"][csat_rows] >= 4
                for v in (0, 1):
                    self.c[f"{eid}.csat_n.{v}"] += int((v_s == v).sum())
                    self.c[f"{eid}.csat_top2.{v}"] += int(((v_s == v) & top2).sum())
        if outputs:
            rv = outputs["_reason_variant"]
            decided = outputs["accepted"] >= 0
            for v in (0, 1):
                sel = (rv == v) & decided
                self.c[f"{fx.REASON_ID}.recs.{v}"] += int(sel.sum())
                self.c[f"{fx.REASON_ID}.accepted.{v}"] += int(
                    (sel & (outputs["accepted"] == 1)).sum()
                )
                self.c[f"{fx.REASON_ID}.shown.{v}"] += int(
                    (sel & outputs["explanation_shown"]).sum()
                )

    def _smb(self, ctx: BlockContext, frames: Frame) -> None:
        bounds = ctx.window.month_bounds()
        sessions = frames.get("web_analytics.sessions", {})
        if sessions:
            month = np.searchsorted(bounds, sessions["started_at"], side="right") - 1
            seg = sessions["_segment"]
            for m in range(ctx.window.months):
                in_m = month == m
                self.arrays[f"engaged.smb.{m}"].append(
                    sessions["engaged_seconds"][in_m & (seg == 1)].astype(float)
                )
                self.arrays[f"engaged.other_known.{m}"].append(
                    sessions["engaged_seconds"][in_m & (seg >= 0) & (seg != 1)].astype(float)
                )
        surveys = frames.get("surveys.responses", {})
        if surveys:
            rows = np.flatnonzero(
                (surveys["answered_at"] != NULL_TS) & (surveys["survey_type"] == 0)
            )
            month = np.searchsorted(bounds, surveys["answered_at"][rows], side="right") - 1
            smb = ctx.customers.segment[surveys["_cust"][rows]] == 1
            top2 = surveys["score"][rows] >= 4
            for m in range(ctx.window.months):
                for name, mask in (("smb", smb), ("other", ~smb)):
                    sel = (month == m) & mask
                    self.c[f"csat_n.{name}.{m}"] += int(sel.sum())
                    self.c[f"csat_top2.{name}.{m}"] += int((sel & top2).sum())

    def _tickets(self, ctx: BlockContext, frames: Frame) -> None:
        tickets = frames.get("helpdesk.tickets", {})
        if not tickets:
            return
        created = tickets["created_at"]
        solved = tickets["_final_solve"] != NULL_TS
        hours = np.where(solved, (tickets["_final_solve"] - created) / HOUR, np.nan)
        # Monday of the ISO week, as days since the epoch.
        week = ((created // DAY) - day_of_week(created)).astype(np.int64)
        self.arrays["ticket.week"].append(week)
        self.arrays["ticket.hours"].append(hours)
        self.arrays["ticket.solved"].append(solved)
        self.arrays["ticket.reopened"].append(tickets["_reopens"] > 0)
        self.arrays["ticket.ai"].append(tickets["_ai"])
        hard = np.isin(tickets["intent"], [0, 1])
        self.arrays["ticket.hard"].append(hard)
        self.arrays["ticket.chat"].append(tickets["conversation_id"] >= 0)
        self.arrays["ticket.weekend"].append(day_of_week(created) >= 5)

    def _cohorts(self, ctx: BlockContext) -> None:
        for key, (at_risk, churned) in ctx.churn_stats.cells.items():
            self.c[f"hazard.{key}.at_risk"] += at_risk
            self.c[f"hazard.{key}.churned"] += churned
        c = ctx.customers
        life = ctx.life
        cohort = (c.signup >= to_us(fx.COHORT_START)) & (c.signup < to_us(fx.COHORT_END))
        ever_churned = life.end1 < ctx.export_us
        within_180 = life.end1 < c.signup + 180 * DAY
        for j, name in enumerate(("classic", "ai_guided")):
            sel = cohort & (c.journey == j)
            self.c[f"cohort.{name}.customers"] += int(sel.sum())
            self.c[f"cohort.{name}.churned_by_export"] += int((sel & ever_churned).sum())
            self.c[f"cohort.{name}.churned_180d"] += int((sel & within_180).sum())
        bounds = ctx.window.month_bounds()
        active = np.array(
            [int(life.active_at(np.arange(ctx.n), np.full(ctx.n, b)).sum()) for b in bounds[:-1]]
        )
        self.active_by_month = (
            active if self.active_by_month is None else (self.active_by_month + active)
        )
        for s in range(4):
            self.c[f"segment.customers.{s}"] += int((c.segment == s).sum())

    def _funnels(self, ctx: BlockContext, frames: Frame) -> None:
        """Counts for the ticket, chat, sales, web, e-mail and attribution correlations."""
        c = self.c
        tickets = frames.get("helpdesk.tickets", {})
        if tickets:
            c["tickets.n"] += len(tickets["created_at"])
            c["tickets.escalated"] += int(tickets["_escalated"].sum())
            c["tickets.never_solved"] += int(tickets["_never_solved"].sum())
            c["tickets.from_chat"] += int((tickets["conversation_id"] >= 0).sum())
            c["tickets.ai"] += int(tickets["_ai"].sum())
        conv = frames.get("chat.conversations", {})
        if conv:
            c["chats.n"] += len(conv["started_at"])
            for key in ("handed_off", "customer_repeated", "resolved"):
                c[f"chats.{key}"] += int(conv[key].sum())
        for key, col, n_codes in (
            ("leads", "status", 4),
            ("opportunities", "stage", 3),
            ("quote_requests", "outcome", 3),
        ):
            frame = frames.get(f"crm.{key}", {})
            if frame:
                for k in range(n_codes):
                    c[f"crm.{key}.{k}"] += int((frame[col] == k).sum())
        events = frames.get("web_analytics.events", {})
        if events:
            for k in range(6):
                c[f"web.events.{k}"] += int((events["event_type"] == k).sum())
        sessions = frames.get("web_analytics.sessions", {})
        if sessions:
            c["web.bounces"] += int(sessions["is_bounce"].sum())
        email_events = frames.get("email.events", {})
        if email_events:
            for k in range(4):
                c[f"email.events.{k}"] += int((email_events["event_type"] == k).sum())
        self._attribution(frames)

    def _attribution(self, frames: Frame) -> None:
        conv = frames.get("touchpoints.conversions", {})
        touches = frames.get("touchpoints.touches", {})
        if not conv or not touches:
            return
        base = min(int(conv["converted_at"].min()), int(touches["touched_at"].min())) - 60 * DAY
        shift = np.int64(1) << np.int64(46)
        t_key = touches["_cust"] * shift + (touches["touched_at"] - base)
        order = np.argsort(t_key, kind="stable")
        t_key = t_key[order]
        c_key = conv["_cust"] * shift + (conv["converted_at"] - base)
        counts = np.searchsorted(t_key, c_key, side="left") - np.searchsorted(
            t_key, c_key - 30 * DAY, side="left"
        )
        for k in range(12):
            self.c[f"attribution.k.{k}"] += int((np.minimum(counts, 11) == k).sum())
        self.c["attribution.tied_touch_pairs"] += int((np.diff(t_key) == 0).sum())

    def _correlations(self, ctx: BlockContext, frames: Frame) -> None:
        self._funnels(ctx, frames)
        outputs = frames.get("ai_outputs.outputs", {})
        if outputs:
            free = (outputs["_reason_variant"] < 0) & (outputs["accepted"] >= 0)
            ent = outputs["_segment"] == 3
            for kind, code in (("recommendation", 0), ("reply", 3)):
                for shown in (0, 1):
                    for name, seg in (("enterprise", ent), ("other", ~ent)):
                        sel = (
                            free
                            & seg
                            & (outputs["output_type"] == code)
                            & (outputs["explanation_shown"] == bool(shown))
                        )
                        key = f"accept.{kind}.{name}.{shown}"
                        self.c[f"{key}.n"] += int(sel.sum())
                        self.c[f"{key}.yes"] += int((sel & (outputs["accepted"] == 1)).sum())
            self.c["outputs.n"] += len(outputs["accepted"])
            self.c["outputs.rationale"] += int(outputs["_rationale"].sum())
        sends = frames.get("email.sends", {})
        if sends:
            for r in (0, 1):
                sel = sends["has_reason_line"] == bool(r)
                self.c[f"email.sends.{r}"] += int(sel.sum())
                self.c[f"email.replies.{r}"] += int((sel & sends["_replied"]).sum())
        surveys = frames.get("surveys.responses", {})
        if surveys:
            for k in range(4):
                sel = surveys["survey_type"] == k
                self.c[f"surveys.sent.{k}"] += int(sel.sum())
                self.c[f"surveys.answered.{k}"] += int(
                    (sel & (surveys["answered_at"] != NULL_TS)).sum()
                )
            nps = surveys["score"][(surveys["survey_type"] == 1) & (surveys["score"] != NULL_INT)]
            self.c["nps.n"] += len(nps)
            self.c["nps.promoters"] += int((nps >= 9).sum())
            self.c["nps.detractors"] += int((nps <= 6).sum())
        c = ctx.customers
        steps = ctx.onboarding_steps
        if steps is not None:
            for j, name in enumerate(("classic", "ai_guided")):
                sel = c.in_window & (c.journey == j) & (c.signup < ctx.export_us - 30 * DAY)
                self.c[f"onboarding.{name}.customers"] += int(sel.sum())
                self.c[f"onboarding.{name}.steps"] += int(steps[sel].sum())
        sessions = frames.get("web_analytics.sessions", {})
        if sessions:
            self.c["sessions.n"] += len(sessions["started_at"])
            self.c["sessions.weekend"] += int((day_of_week(sessions["started_at"]) >= 5).sum())
        invoices = frames.get("billing.invoices", {})
        if invoices:
            seg = c.segment[invoices["_cust"]]
            for s in range(4):
                self.c[f"invoices.amount.{s}"] += float(invoices["amount"][seg == s].sum())
                self.c[f"invoices.n.{s}"] += int((seg == s).sum())
        for key, value in ctx.billing_stats.items():
            self.c[f"billing.{key}"] += value

    # -- output ---------------------------------------------------------------------------------

    def _variant_block(self, eid: str) -> dict:
        c = self.c
        out: dict = {}
        for v, name in enumerate(("control", "treatment")):
            units = c[f"{eid}.units.{v}"]
            out[name] = {
                "units": int(units),
                "conversion_28d": _rate(c[f"{eid}.converters28.{v}"], units),
                "csat_responses_28d": int(c[f"{eid}.csat_n.{v}"]),
                "csat_top2_28d": _rate(c[f"{eid}.csat_top2.{v}"], c[f"{eid}.csat_n.{v}"]),
            }
        return out

    def _effects(self, months: list[date]) -> list[dict]:
        c = self.c
        a = self._variant_block(fx.UPSELL_ID)
        b = self._variant_block(fx.REASON_ID)
        for v, name in enumerate(("control", "treatment")):
            b[name]["recommendations"] = int(c[f"{fx.REASON_ID}.recs.{v}"])
            b[name]["acceptance"] = _rate(
                c[f"{fx.REASON_ID}.accepted.{v}"], c[f"{fx.REASON_ID}.recs.{v}"]
            )
            b[name]["explanation_shown_share"] = _rate(
                c[f"{fx.REASON_ID}.shown.{v}"], c[f"{fx.REASON_ID}.recs.{v}"]
            )
        g = self._variant_block(fx.GREETING_ID)
        units = [g["control"]["units"], g["treatment"]["units"]]
        g["control_share"] = _rate(units[0], sum(units))
        g["srm_chi_square_p"] = _chi_square_p(units, [0.5, 0.5])

        def diff(block: dict, metric: str) -> float | None:
            treated, control = block["treatment"][metric], block["control"][metric]
            if treated is None or control is None:
                return None
            return round(treated - control, 4)

        a["lift_conversion_28d"] = diff(a, "conversion_28d")
        a["lift_csat_top2_28d"] = diff(a, "csat_top2_28d")
        b["lift_acceptance"] = diff(b, "acceptance")
        b["lift_csat_top2_28d"] = diff(b, "csat_top2_28d")

        smb_months = [k for k, m in enumerate(months) if fx.SMB_START <= m < fx.SMB_END]
        around = [
            k
            for k, m in enumerate(months)
            if (fx.SMB_START - timedelta(days=62)) <= m < fx.SMB_START
            or fx.SMB_END <= m < fx.SMB_END + timedelta(days=62)
        ]
        by_month = {
            months[k].strftime("%Y-%m"): {
                "smb_median_engaged_seconds": _median(self.arrays[f"engaged.smb.{k}"]),
                "other_known_median_engaged_seconds": _median(
                    self.arrays[f"engaged.other_known.{k}"]
                ),
                "smb_csat_top2": _rate(c[f"csat_top2.smb.{k}"], c[f"csat_n.smb.{k}"]),
                "smb_csat_responses": int(c[f"csat_n.smb.{k}"]),
                "other_csat_top2": _rate(c[f"csat_top2.other.{k}"], c[f"csat_n.other.{k}"]),
            }
            for k in range(len(months))
        }

        def pooled(keys: list[int], prefix: str) -> float | None:
            return _rate(
                sum(c[f"csat_top2.{prefix}.{k}"] for k in keys),
                sum(c[f"csat_n.{prefix}.{k}"] for k in keys),
            )

        d_realised = {
            "smb_median_engaged_seconds_in_period": _median(
                [x for k in smb_months for x in self.arrays[f"engaged.smb.{k}"]]
            ),
            "smb_median_engaged_seconds_2_months_around": _median(
                [x for k in around for x in self.arrays[f"engaged.smb.{k}"]]
            ),
            "smb_csat_top2_in_period": pooled(smb_months, "smb"),
            "smb_csat_top2_2_months_around": pooled(around, "smb"),
            "by_month": by_month,
        }

        e_realised = self._speed_realised()
        f_realised = {}
        for name in ("classic", "ai_guided"):
            at_risk = c[f"hazard.cohort_{name}.at_risk"]
            f_realised[name] = {
                "customers": int(c[f"cohort.{name}.customers"]),
                "monthly_churn_hazard": _rate(c[f"hazard.cohort_{name}.churned"], at_risk),
                "customer_months_at_risk": int(at_risk),
                "churned_within_180d_of_signup": _rate(
                    c[f"cohort.{name}.churned_180d"], c[f"cohort.{name}.customers"]
                ),
                "churned_by_export": _rate(
                    c[f"cohort.{name}.churned_by_export"], c[f"cohort.{name}.customers"]
                ),
            }
        hz = [f_realised[k]["monthly_churn_hazard"] for k in ("classic", "ai_guided")]
        f_realised["hazard_ratio_ai_guided_vs_classic"] = (
            round(hz[1] / hz[0], 3) if hz[0] and hz[1] is not None else None
        )

        def period(start: date, end: date | None) -> dict:
            return {
                "start": _iso(start),
                "end": _iso(end - timedelta(days=1)) if end else None,
                "end_exclusive": _iso(end) if end else None,
            }

        return [
            {
                "id": "a_upsell_nudge_tradeoff",
                "experiment_id": fx.UPSELL_ID,
                "description": "AI upsell nudge: +6pp purchase/upgrade conversion within 28 days "
                "of assignment, -12pp CSAT top-2-box on csat answered within 28 "
                "days of assignment (a trade-off; guardrail csat_pct breaches).",
                "period": period(fx.UPSELL_START, fx.UPSELL_END),
                "segment": None,
                "metrics": ["conversion_rate", "csat_pct"],
                "planted": {
                    "variants": {"control": 0.5, "treatment": 0.5},
                    "assignment": "customers active in the period, once, at first activity",
                    "conversion_window_days": fx.UPSELL_WINDOW_DAYS,
                    "conversion_base_approx": 0.12,
                    "conversion_lift_abs": fx.UPSELL_CONVERSION_LIFT,
                    "csat_top2_lift_abs": fx.UPSELL_CSAT_TOP2_LIFT,
                    "guardrail_metric": "csat_pct",
                    "expected_decision": "trade_off",
                },
                "realised": a,
            },
            {
                "id": "b_explanation_reason_line",
                "experiment_id": fx.REASON_ID,
                "description": "Explanation (reason line) shown on AI recommendations in "
                "treatment only: acceptance +10pp, no CSAT harm.",
                "period": period(fx.REASON_START, fx.REASON_END),
                "segment": None,
                "metrics": ["explanation_acceptance_rate", "csat_pct"],
                "planted": {
                    "variants": {"control": 0.5, "treatment": 0.5},
                    "acceptance_control": fx.REASON_ACCEPT_BASE,
                    "acceptance_lift_abs": fx.REASON_ACCEPT_LIFT,
                    "explanation_shown": {"control": 0.0, "treatment": 1.0},
                    "csat_top2_lift_abs": 0.0,
                    "expected_decision": "ship",
                },
                "realised": b,
            },
            {
                "id": "c_chat_greeting_srm",
                "experiment_id": fx.GREETING_ID,
                "description": "Configured 50/50 but assigned 56/44 (customers active in the "
                "period, at first activity): a sample-ratio mismatch; no true "
                "effect on any metric.",
                "period": period(fx.GREETING_START, None),
                "segment": None,
                "metrics": ["csat_pct", "escalation_rate", "conversion_rate"],
                "planted": {
                    "configured_weights": {"control": 0.5, "treatment": 0.5},
                    "actual_control_share": fx.GREETING_CONTROL_SHARE,
                    "true_effect": 0.0,
                    "expected_flag": "sample_ratio_mismatch",
                },
                "realised": g,
            },
            {
                "id": "d_smb_curiosity_without_confidence",
                "experiment_id": None,
                "description": "smb audience in 2026-03 and 2026-04: engaged seconds x1.5 on web "
                "sessions while CSAT top-2-box probability drops 15pp "
                "(engagement up, CSAT down).",
                "period": period(fx.SMB_START, fx.SMB_END),
                "segment": {"type": "audience", "value": "smb"},
                "metrics": ["engagement_depth", "csat_pct"],
                "planted": {
                    "engaged_seconds_factor": fx.SMB_ENGAGED_FACTOR,
                    "csat_top2_lift_abs": fx.SMB_CSAT_TOP2_LIFT,
                    "diagnostic": "curiosity without confidence",
                },
                "realised": d_realised,
            },
            {
                "id": "e_speed_over_understanding",
                "experiment_id": None,
                "description": "Tickets created in the ISO weeks starting 2026-06-01, -08, -15 "
                "and -22: full resolution time x0.55 while the reopen probability "
                "rises 15pp.",
                "period": period(fx.SPEED_START, fx.SPEED_END),
                "segment": None,
                "metrics": ["full_resolution_time", "reopen_rate"],
                "planted": {
                    "iso_weeks": ["2026-06-01", "2026-06-08", "2026-06-15", "2026-06-22"],
                    "resolution_time_factor": fx.SPEED_RESOLUTION_FACTOR,
                    "reopen_lift_abs": fx.SPEED_REOPEN_LIFT,
                    "diagnostic": "speed over understanding",
                },
                "realised": e_realised,
            },
            {
                "id": "f_ai_guided_onboarding_retention",
                "experiment_id": None,
                "description": "Signup cohorts 2026-01..2026-04 with onboarding_journey = "
                "ai_guided (about half) have half the monthly churn hazard of "
                "classic onboarding in the same cohorts.",
                "period": period(fx.COHORT_START, fx.COHORT_END),
                "segment": {"type": "onboarding_journey", "value": "ai_guided"},
                "metrics": ["churn_rate", "retention_rate"],
                "planted": {
                    "cohorts": ["2026-01", "2026-02", "2026-03", "2026-04"],
                    "ai_guided_share": 0.5,
                    "churn_hazard_factor": fx.COHORT_AI_GUIDED_HAZARD,
                },
                "realised": f_realised,
            },
        ]

    def _speed_realised(self) -> dict:
        if not self.arrays["ticket.week"]:
            return {}
        week = np.concatenate(self.arrays["ticket.week"])
        hours = np.concatenate(self.arrays["ticket.hours"])
        solved = np.concatenate(self.arrays["ticket.solved"])
        reopened = np.concatenate(self.arrays["ticket.reopened"])
        start = (fx.SPEED_START - EPOCH).days
        end = (fx.SPEED_END - EPOCH).days
        in_period = (week >= start) & (week < end)
        around = ((week >= start - 28) & (week < start)) | ((week >= end) & (week < end + 28))
        weekly = {}
        for w in range(start - 28, end + 28, 7):
            sel = (week == w) & solved
            weekly[(EPOCH + timedelta(days=int(w))).isoformat()] = {
                "solved_tickets": int(sel.sum()),
                "median_full_resolution_hours": _median([hours[sel]]),
                "reopen_rate": _rate(int((sel & reopened).sum()), int(sel.sum())),
            }
        return {
            "median_full_resolution_hours_in_period": _median([hours[in_period & solved]]),
            "median_full_resolution_hours_4_weeks_around": _median([hours[around & solved]]),
            "reopen_rate_in_period": _rate(
                int((in_period & solved & reopened).sum()), int((in_period & solved).sum())
            ),
            "reopen_rate_4_weeks_around": _rate(
                int((around & solved & reopened).sum()), int((around & solved).sum())
            ),
            "by_week": weekly,
        }

    def _correlations_out(self) -> list[dict]:
        c = self.c
        tk = {
            k: np.concatenate(self.arrays[f"ticket.{k}"])
            if self.arrays[f"ticket.{k}"]
            else np.zeros(0)
            for k in ("hours", "solved", "reopened", "ai", "hard", "chat", "week", "weekend")
        }
        start = (fx.SPEED_START - EPOCH).days
        end = (fx.SPEED_END - EPOCH).days
        normal = ~((tk["week"] >= start) & (tk["week"] < end)) if len(tk["week"]) else tk["week"]
        solved = tk["solved"].astype(bool)
        ai = tk["ai"].astype(bool)
        direct = ~tk["chat"].astype(bool)
        hard = tk["hard"].astype(bool)
        reopened = tk["reopened"].astype(bool)

        def reopen(mask: np.ndarray) -> float | None:
            sel = mask & solved & normal
            return _rate(int((sel & reopened).sum()), int(sel.sum()))

        def accept(kind: str, name: str) -> dict:
            shown, hidden = (
                _rate(c[f"accept.{kind}.{name}.{k}.yes"], c[f"accept.{kind}.{name}.{k}.n"])
                for k in (1, 0)
            )
            lift = round(shown - hidden, 4) if shown is not None and hidden is not None else None
            return {"shown": shown, "not_shown": hidden, "lift": lift}

        seg_names = ("consumer", "smb", "mid_market", "enterprise")
        response = {
            name: _rate(c[f"surveys.answered.{k}"], c[f"surveys.sent.{k}"])
            for k, name in enumerate(("csat", "nps", "effort", "reason_understood"))
        }
        sent = sum(c[f"surveys.sent.{k}"] for k in range(4))
        answered = sum(c[f"surveys.answered.{k}"] for k in range(4))
        steps = {
            name: _rate(c[f"onboarding.{name}.steps"], c[f"onboarding.{name}.customers"])
            for name in ("classic", "ai_guided")
        }
        strata = sorted({key.split(".")[2] for key in c if key.startswith("hazard.stratum.")})
        num = den = 0.0
        for k in strata:
            a, n1 = c[f"hazard.stratum.{k}.bad.churned"], c[f"hazard.stratum.{k}.bad.at_risk"]
            b, n0 = (
                c[f"hazard.stratum.{k}.no_bad.churned"],
                c[f"hazard.stratum.{k}.no_bad.at_risk"],
            )
            if n0 + n1:
                num += a * n0 / (n0 + n1)
                den += b * n1 / (n0 + n1)
        mh = round(num / den, 3) if den else None
        bad = _rate(c["hazard.bad_60d.churned"], c["hazard.bad_60d.at_risk"])
        good = _rate(c["hazard.no_bad_60d.churned"], c["hazard.no_bad_60d.at_risk"])
        return [
            {
                "id": "segments",
                "description": "Segments differ in volume, MRR and value tier: consumer 55%, smb "
                "28%, mid_market 12%, enterprise 5% of customers; list prices 29 / "
                "99 / 399 / 2,400 USD by plan x value tier.",
                "parameters": {
                    "segment_share": {
                        "consumer": 0.55,
                        "smb": 0.28,
                        "mid_market": 0.12,
                        "enterprise": 0.05,
                    }
                },
                "realised": {
                    "customers": {
                        n: int(c[f"segment.customers.{k}"]) for k, n in enumerate(seg_names)
                    },
                    "mean_invoice_amount": {
                        n: _rate(c[f"invoices.amount.{k}"], c[f"invoices.n.{k}"])
                        for k, n in enumerate(seg_names)
                    },
                },
            },
            {
                "id": "seasonality_and_growth",
                "description": "Weekends carry about half of a weekday's tickets and sessions; "
                "in-window signups grow 2.5% a month, so actives grow mildly.",
                "parameters": {"weekend_weight": 0.46, "signup_growth_per_month": 0.025},
                "realised": {
                    "weekend_share_sessions": _rate(c["sessions.weekend"], c["sessions.n"]),
                    "weekend_share_tickets": _rate(
                        float(tk["weekend"].sum()), float(len(tk["weekend"]))
                    ),
                    "uniform_weekend_share": round(2 / 7, 4),
                    "active_customers_at_month_start": (
                        [int(x) for x in self.active_by_month]
                        if self.active_by_month is not None
                        else []
                    ),
                },
            },
            {
                "id": "ai_resolves_faster_reopens_more",
                "description": "Tickets whose first public reply is by ai_agent resolve faster "
                "(lognormal median x0.6) but reopen more for billing and technical "
                "intents (+12pp) than for others (+2pp). Excludes the effect-e "
                "weeks.",
                "parameters": {
                    "resolution_factor": fx.AI_RESOLUTION_FACTOR,
                    "reopen_lift_billing_technical": fx.AI_REOPEN_LIFT_HARD,
                    "reopen_lift_other": fx.AI_REOPEN_LIFT_OTHER,
                    "base_reopen": fx.BASE_REOPEN,
                },
                "realised": {
                    "median_full_resolution_hours_ai": _median([tk["hours"][ai & solved & normal]]),
                    "median_full_resolution_hours_human_direct": _median(
                        [tk["hours"][~ai & direct & solved & normal]]
                    ),
                    "reopen_rate_ai_billing_technical": reopen(ai & hard),
                    "reopen_rate_human_billing_technical": reopen(~ai & direct & hard),
                    "reopen_rate_ai_other": reopen(ai & ~hard),
                    "reopen_rate_human_other": reopen(~ai & direct & ~hard),
                },
            },
            {
                "id": "bad_experience_churn",
                "description": "Monthly churn hazard x1.8 for customers with a CSAT <= 2 answer "
                "or a reopened ticket in the 60 days before the month start.",
                "parameters": {
                    "hazard_factor": fx.BAD_EXPERIENCE_CHURN_FACTOR,
                    "window_days": fx.BAD_EXPERIENCE_DAYS,
                    "base_monthly_churn": fx.BASE_CHURN,
                },
                "realised": {
                    "monthly_churn_after_bad_experience": bad,
                    "monthly_churn_otherwise": good,
                    "hazard_ratio_crude": round(bad / good, 3) if bad and good else None,
                    "hazard_ratio_mantel_haenszel": mh,
                    "note": "crude ratio is confounded (customers with more contacts differ); "
                    "the Mantel-Haenszel ratio stratifies by segment x tier x tenure.",
                },
            },
            {
                "id": "csat_after_bad_experiences",
                "description": "CSAT top-2-box probability 0.80 minus penalties: reopened, long "
                "resolution (> 72 h), handoff/escalation, customer repeated, "
                "unresolved. Effort (1 = very easy .. 7 = very hard) rises with "
                "the same causes; NPS promoters -20pp after a bad experience.",
                "parameters": {
                    "csat_top2_base": fx.CSAT_TOP2_BASE,
                    "csat_penalties": fx.CSAT_PENALTIES,
                },
                "realised": {
                    "nps": (
                        round(100 * (c["nps.promoters"] - c["nps.detractors"]) / c["nps.n"], 2)
                        if c["nps.n"]
                        else None
                    ),
                    "nps_responses": int(c["nps.n"]),
                },
            },
            {
                "id": "survey_response_rate",
                "description": "25-33% of surveys are answered (by segment); unanswered rows "
                "have answered_at null.",
                "parameters": {"response_rate": fx.RESPONSE_RATE},
                "realised": {"overall": _rate(answered, sent), "by_type": response},
            },
            {
                "id": "explanations_raise_acceptance",
                "description": "Outside exp_explanation_reason_line, an explanation shown raises "
                "acceptance of AI recommendations and replies by 15pp for "
                "enterprise customers and 4pp for the others.",
                "parameters": {"acceptance_lift": fx.EXPLANATION_ACCEPT_LIFT},
                "realised": {
                    "recommendation_enterprise": accept("recommendation", "enterprise"),
                    "recommendation_other": accept("recommendation", "other"),
                    "reply_enterprise": accept("reply", "enterprise"),
                    "reply_other": accept("reply", "other"),
                    "rationale_coverage": _rate(c["outputs.rationale"], c["outputs.n"]),
                },
            },
            {
                "id": "reason_line_replies",
                "description": "E-mails with a reason line get about three times the replies.",
                "parameters": {
                    "reply_base": fx.EMAIL_REPLY_BASE,
                    "reason_line_factor": fx.EMAIL_REPLY_REASON_FACTOR,
                },
                "realised": {
                    "reply_rate_with_reason_line": _rate(c["email.replies.1"], c["email.sends.1"]),
                    "reply_rate_without": _rate(c["email.replies.0"], c["email.sends.0"]),
                },
            },
            {
                "id": "ai_guided_onboarding_steps",
                "description": "ai_guided onboarding completes more of the 5 onboarding steps.",
                "parameters": {"step_count_probabilities": fx.ONBOARDING_STEP_PROBS},
                "realised": {"mean_steps_completed": steps},
            },
            *self._funnel_correlations(),
            {
                "id": "mrr_movements",
                "description": "Invoices show expansion (upgrades), contraction (1.5% of "
                "customer-months), churn (no invoice after cancellation) and a "
                "few reactivations (1.5% a month within 6 months of churn).",
                "parameters": {
                    "reactivation_rate_month": fx.REACTIVATION_RATE_MONTH,
                    "upgrade_rate_month": fx.UPGRADE_RATE_MONTH,
                    "purchase_rate_month": fx.PURCHASE_RATE_MONTH,
                },
                "realised": {
                    k: int(c[f"billing.{k}"])
                    for k in ("expansions", "contractions", "reactivations")
                },
            },
        ]

    def _funnel_correlations(self) -> list[dict]:
        c = self.c
        n_tk, n_chat = c["tickets.n"], c["chats.n"]
        k_counts = [int(c[f"attribution.k.{k}"]) for k in range(12)]
        n_conv = sum(k_counts)
        with_touch = n_conv - k_counts[0]
        mean_k = (sum(k * n for k, n in enumerate(k_counts)) / with_touch) if with_touch else None
        return [
            {
                "id": "ticket_lifecycle",
                "description": "Status flow new -> open -> (pending / hold) -> solved -> closed "
                "(auto-close 4 days after the last solve); some reopened "
                "(solved -> open -> solved, a few three times), some escalated "
                "(group_change to tier2/tier3; tickets start in tier1 "
                "implicitly), chat handoffs create tickets answered by humans, "
                "3% never solved. Comments public/private by requester, ai_agent, "
                "human_agent.",
                "parameters": {
                    "never_solved": 0.03,
                    "pending": 0.25,
                    "hold": 0.06,
                    "private_note": 0.2,
                    "second_reopen_given_reopen": 0.2,
                    "ai_share_email_web": "0.35 -> 0.60 over the window",
                },
                "realised": {
                    "tickets": int(n_tk),
                    "escalated_share": _rate(c["tickets.escalated"], n_tk),
                    "never_solved_share": _rate(c["tickets.never_solved"], n_tk),
                    "from_chat_handoff_share": _rate(c["tickets.from_chat"], n_tk),
                    "ai_handled_share": _rate(c["tickets.ai"], n_tk),
                },
            },
            {
                "id": "chat_handoffs",
                "description": "AI chat conversations: handoff to a human by intent (creating a "
                "ticket), customer_repeated more likely after handoff or long AI "
                "exchanges, resolved less often when repeated or handed off.",
                "parameters": {
                    "handoff_by_intent": {
                        "billing": 0.25,
                        "technical": 0.32,
                        "account": 0.15,
                        "onboarding": 0.10,
                        "product_question": 0.12,
                        "cancellation": 0.45,
                    }
                },
                "realised": {
                    "conversations": int(n_chat),
                    **{
                        f"{k}_share": _rate(c[f"chats.{k}"], n_chat)
                        for k in ("handed_off", "customer_repeated", "resolved")
                    },
                },
            },
            {
                "id": "sales_funnel",
                "description": "Quote requests (from web quote_request events) become "
                "opportunities 45% / rejected 35% / pending 20%; leads from quotes, "
                "form completions and sales-assisted signups; opportunities won "
                "35-50% by segment (sales-assisted signups always won).",
                "parameters": {
                    "quote_to_opportunity": 0.45,
                    "win_rate_by_segment": [0.35, 0.4, 0.45, 0.5],
                },
                "realised": {
                    "leads": {
                        name: int(c[f"crm.leads.{k}"])
                        for k, name in enumerate(("open", "qualified", "converted", "disqualified"))
                    },
                    "opportunities": {
                        name: int(c[f"crm.opportunities.{k}"])
                        for k, name in enumerate(("open", "won", "lost"))
                    },
                    "quote_requests": {
                        name: int(c[f"crm.quote_requests.{k}"])
                        for k, name in enumerate(("opportunity", "rejected", "pending"))
                    },
                },
            },
            {
                "id": "web_funnel",
                "description": "Engaged sessions produce content saves, form starts (60% "
                "completed), demo requests (55% attended 1-8 days later) and quote "
                "requests.",
                "parameters": {"form_completion": 0.6, "demo_attendance": 0.55},
                "realised": {
                    "events": {
                        name: int(c[f"web.events.{k}"])
                        for k, name in enumerate(
                            (
                                "content_save",
                                "form_start",
                                "form_complete",
                                "demo_request",
                                "demo_attended",
                                "quote_request",
                            )
                        )
                    },
                    "bounce_rate": _rate(c["web.bounces"], c["sessions.n"]),
                },
            },
            {
                "id": "email_engagement",
                "description": "Opens, clicks, replies and unsubscribes per send; see "
                "reason_line_replies for the reply-rate effect.",
                "parameters": {"open": [0.6, 0.42, 0.3], "click_given_open": [0.3, 0.3, 0.2]},
                "realised": {
                    name: int(c[f"email.events.{k}"])
                    for k, name in enumerate(("open", "click", "reply", "unsubscribe"))
                },
            },
            {
                "id": "attribution_touches",
                "description": "Touches in the 30 days before each conversion: none for ~7%, one "
                "for ~15%, else 2-10; a few ties at the same instant. Counts below "
                "include background touches and touches shared between "
                "conversions of the same customer, so a few exceed 10.",
                "parameters": {
                    "lookback_days": 30,
                    "k_zero": 0.07,
                    "k_one": 0.15,
                    "tie_share_of_multi_touch": 0.04,
                },
                "realised": {
                    "conversions": n_conv,
                    "touches_in_30d_histogram": {
                        ("11+" if k == 11 else str(k)): n for k, n in enumerate(k_counts)
                    },
                    "mean_touches_when_any": round(mean_k, 3) if mean_k else None,
                    "tied_touch_pairs": int(c["attribution.tied_touch_pairs"]),
                },
            },
            {
                "id": "pii_in_free_text",
                "description": "About 1.2% of customer chat messages and survey comments and 1% "
                "of ticket subjects contain the customer's e-mail address or "
                "phone number (synthetic), for the warehouse to scrub.",
                "parameters": {
                    "chat_messages": 0.012,
                    "survey_comments": 0.012,
                    "ticket_subjects": 0.01,
                },
                "realised": {},
            },
        ]

    def build(
        self,
        meta: dict,
        months: list[date],
        row_counts: dict[str, int],
        mess_applied: dict[str, dict[str, int]],
    ) -> dict:
        return {
            **meta,
            "row_counts": row_counts,
            "total_rows": int(sum(row_counts.values())),
            "mess": {
                "rates": MESS_RATES,
                "applied": mess_applied,
                "clean_tables": ["experiments.experiments", "experiments.variants"],
                "note": "Counts per table: rows for duplicates, out-of-range, missing ids, "
                "unknown enums and late arrivals; values (cells) for case/whitespace "
                "and timestamp offsets, which apply to each enum/e-mail or timestamp "
                "column independently. Realised values below are computed from the "
                "clean rows before any mess.",
            },
            "effects": self._effects(months),
            "correlations": self._correlations_out(),
            "experiments": [
                {
                    "experiment_id": e.experiment_id,
                    "assignment_rule": e.assign_on,
                    "configured_weights": list(e.configured_weights),
                    "actual_control_share": e.actual_control_share,
                }
                for e in BY_ID.values()
            ],
            "scales": {
                "csat": "1-5, top-2-box = 4 or 5",
                "nps": "0-10, promoters 9-10, detractors 0-6",
                "effort": "1 = very easy .. 7 = very hard (higher = more effort)",
                "reason_understood": "yes / no",
            },
            "comment_templates": template_labels(),
        }
