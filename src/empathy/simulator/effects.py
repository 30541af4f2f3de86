"""Planted effects and modelled correlations: every size the generators use, in one place.

The generators import these constants, and ``truth.py`` copies them into ``_truth.json`` next to
the values realised in the clean rows, so the documentation and the data cannot drift apart.
"""

from __future__ import annotations

from datetime import date

# a. exp_ai_upsell_nudge: a commercial win with an empathy loss (trade-off).
UPSELL_ID = "exp_ai_upsell_nudge"
UPSELL_START = date(2026, 5, 1)
UPSELL_END = date(2026, 8, 1)  # exclusive: customers active 2026-05-01 .. 2026-07-31
UPSELL_WINDOW_DAYS = 28
UPSELL_CONVERSION_LIFT = 0.06  # absolute, purchase or upgrade within 28 days of assignment
UPSELL_CSAT_TOP2_LIFT = -0.12  # absolute, csat answered within 28 days of assignment

# b. exp_explanation_reason_line: explanations raise acceptance, no CSAT harm.
REASON_ID = "exp_explanation_reason_line"
REASON_START = date(2026, 2, 1)
REASON_END = date(2026, 5, 1)
REASON_ACCEPT_BASE = 0.38
REASON_ACCEPT_LIFT = 0.10

# c. exp_chat_greeting: configured 50/50, assigned 56/44 (sample-ratio mismatch), no effect.
GREETING_ID = "exp_chat_greeting"
GREETING_START = date(2026, 8, 1)
GREETING_CONTROL_SHARE = 0.56

# d. smb in 2026-03 and 2026-04: engagement up, CSAT down ("curiosity without confidence").
SMB_START = date(2026, 3, 1)
SMB_END = date(2026, 5, 1)
SMB_ENGAGED_FACTOR = 1.5
SMB_CSAT_TOP2_LIFT = -0.15

# e. tickets created in the ISO weeks starting 2026-06-01 .. 2026-06-22: faster, reopened more.
SPEED_START = date(2026, 6, 1)
SPEED_END = date(2026, 6, 29)
SPEED_RESOLUTION_FACTOR = 0.55
SPEED_REOPEN_LIFT = 0.15

# f. signup cohorts 2026-01 .. 2026-04: ai_guided onboarding halves the churn hazard.
COHORT_START = date(2026, 1, 1)
COHORT_END = date(2026, 5, 1)
COHORT_AI_GUIDED_HAZARD = 0.5

# Modelled correlations (not dated effects).
AI_RESOLUTION_FACTOR = 0.6
AI_REOPEN_LIFT_HARD = 0.12  # intents billing and technical
AI_REOPEN_LIFT_OTHER = 0.02
HARD_INTENTS = ("billing", "technical")
BASE_REOPEN = 0.07
BAD_EXPERIENCE_CHURN_FACTOR = 1.8
BAD_EXPERIENCE_DAYS = 60
BASE_CHURN = {"consumer": 0.035, "smb": 0.022, "mid_market": 0.013, "enterprise": 0.007}
EXPLANATION_ACCEPT_LIFT = {"enterprise": 0.15, "other": 0.04}
EMAIL_REPLY_BASE = 0.02
EMAIL_REPLY_REASON_FACTOR = 3.0
ONBOARDING_STEP_PROBS = {
    "classic": (0.08, 0.1, 0.16, 0.22, 0.2, 0.24),
    "ai_guided": (0.03, 0.04, 0.08, 0.15, 0.25, 0.45),
}
RESPONSE_RATE = {"consumer": 0.33, "smb": 0.31, "mid_market": 0.28, "enterprise": 0.25}
CSAT_TOP2_BASE = 0.8
CSAT_PENALTIES = {
    "reopened": 0.25,
    "long_resolution": 0.15,
    "handoff": 0.1,
    "customer_repeated": 0.15,
    "unresolved": 0.2,
}
PURCHASE_RATE_MONTH = 0.09
UPGRADE_RATE_MONTH = 0.05
REACTIVATION_RATE_MONTH = 0.015
