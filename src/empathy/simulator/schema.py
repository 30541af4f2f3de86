"""The raw table layout (docs: spec/raw_tables.md), declared once for rendering, mess and tests.

Each table lists its columns in file order with a kind:

- ``id``: an integer index rendered as ``<prefix><block:03d><seq:07d>`` (block-scoped ids) or
  ``C<global:07d>`` (customers); ``-1`` is null. A column may also arrive pre-rendered as an Arrow
  string array (mixed-system references such as ``touchpoint_id``).
- ``enum``: an integer code into ``cats``; ``-1`` is null.
- ``text``: a pre-rendered Arrow string array (names, bodies, comments).
- ``ts``: int64 microseconds (``NULL_TS`` is null); ``date``: int64 microseconds at midnight.
- ``int`` (``NULL_INT`` is null), ``float`` (NaN is null), ``bool`` (int8 -1 is null, or bool).

Enum value sets are defined here and imported by the generators, so the files and the code never
disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NULL_INT = np.iinfo(np.int64).min

SEGMENTS = ("consumer", "smb", "mid_market", "enterprise")
VALUE_TIERS = ("low", "medium", "high")
LIFECYCLE_STAGES = ("new", "onboarding", "active", "at_risk", "churned")
REGIONS = ("na", "emea", "apac", "latam")
ACQ_CHANNELS = ("organic_search", "paid_search", "social", "email", "referral", "partner", "direct")
JOURNEYS_ONBOARDING = ("classic", "ai_guided")
LEAD_STATUSES = ("open", "qualified", "converted", "disqualified")
OPP_STAGES = ("open", "won", "lost")
QUOTE_OUTCOMES = ("opportunity", "rejected", "pending")
PLANS = ("starter", "growth", "pro", "enterprise")
SUB_STATUSES = ("active", "cancelled", "past_due")
CURRENCIES = ("usd",)
INVOICE_STATUSES = ("paid", "open", "void")
DEVICES = ("desktop", "mobile", "tablet")
WEB_CHANNELS = ("organic_search", "paid_search", "social", "email", "referral", "direct")
WEB_EVENT_TYPES = (
    "content_save",
    "form_start",
    "form_complete",
    "demo_request",
    "demo_attended",
    "quote_request",
)
AD_CHANNELS = ("paid_search", "social", "display")
EMAIL_JOURNEYS = ("onboarding", "lifecycle", "promo")
EMAIL_EVENT_TYPES = ("open", "click", "reply", "unsubscribe")
CHAT_CHANNELS = ("web", "in_app", "mobile")
INTENTS = ("billing", "technical", "account", "onboarding", "product_question", "cancellation")
JOURNEY_TYPES = ("onboarding", "support", "sales", "renewal")
SENDER_TYPES = ("customer", "ai", "human")
TICKET_CHANNELS = ("email", "web", "chat", "phone")
PRIORITIES = ("low", "normal", "high", "urgent")
TICKET_EVENT_TYPES = ("status_change", "comment", "group_change", "priority_change")
ACTOR_TYPES = ("requester", "ai_agent", "human_agent", "system")
TICKET_STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
GROUPS = ("tier1", "tier2", "tier3")
SURVEY_TYPES = ("csat", "nps", "effort", "reason_understood")
SURVEY_TOUCHPOINTS = ("chat", "ticket", "email", "ai_output")
YES_NO = ("yes", "no")
OUTPUT_TOUCHPOINTS = ("chat", "ticket", "email", "web")
OUTPUT_TYPES = ("recommendation", "message", "score", "reply")
QA_RESULTS = ("pass", "fail")
QA_ISSUES = ("none", "accuracy", "tone", "policy", "hallucination", "missing_rationale")
USAGE_EVENT_TYPES = ("onboarding_step_completed", "feature_adopted", "login")
FEATURES = (
    "dashboards",
    "reports",
    "automations",
    "integrations",
    "ai_assistant",
    "api",
    "sso",
    "mobile_app",
)
UNIT_TYPES = ("customer",)
EXPERIMENT_STATUSES = ("running", "stopped", "completed")
TOUCH_CHANNELS = (
    "paid_search",
    "social",
    "display",
    "email",
    "ai_chat",
    "support",
    "webinar",
    "organic_search",
    "referral",
)
TOUCH_TYPES = (
    "ad_click",
    "email_click",
    "onboarding_email",
    "ai_chat",
    "support_contact",
    "webinar",
    "organic_visit",
)
CONVERSION_TYPES = ("signup", "purchase", "upgrade")


@dataclass(frozen=True)
class Col:
    name: str
    kind: str
    prefix: str = ""
    cats: tuple[str, ...] = ()
    email: bool = False
    # Values written in place of a clean value for "out-of-range" mess: numbers, or "negate".
    bad_values: tuple[float | str, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    system: str
    name: str
    fmt: str  # parquet | csv | jsonl
    cols: tuple[Col, ...]
    pk: tuple[str, ...]
    event_col: str  # the timestamp _loaded_at follows
    per_block: bool = True
    messy: bool = True
    fallback_event_col: str = ""  # used where event_col is null

    @property
    def key(self) -> str:
        return f"{self.system}.{self.name}"

    @property
    def path(self) -> str:
        return f"{self.system}/{self.name}"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.cols]

    def col(self, name: str) -> Col:
        for c in self.cols:
            if c.name == name:
                return c
        raise KeyError(name)


def _id(name: str, prefix: str) -> Col:
    return Col(name, "id", prefix=prefix)


def _enum(name: str, cats: tuple[str, ...]) -> Col:
    return Col(name, "enum", cats=cats)


def _ts(name: str) -> Col:
    return Col(name, "ts")


LOADED = _ts("_loaded_at")
CUSTOMER = _id("customer_id", "C")

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "crm",
        "customers",
        "csv",
        (
            CUSTOMER,
            Col("email", "text", email=True),
            Col("full_name", "text"),
            Col("phone", "text"),
            _enum("segment", SEGMENTS),
            _enum("value_tier", VALUE_TIERS),
            _enum("lifecycle_stage", LIFECYCLE_STAGES),
            _enum("region", REGIONS),
            _ts("signup_at"),
            _enum("acquisition_channel", ACQ_CHANNELS),
            _enum("onboarding_journey", JOURNEYS_ONBOARDING),
            LOADED,
        ),
        pk=("customer_id",),
        event_col="signup_at",
    ),
    TableSpec(
        "crm",
        "leads",
        "csv",
        (
            _id("lead_id", "L"),
            CUSTOMER,
            Col("email", "text", email=True),
            _ts("created_at"),
            _enum("source_channel", ACQ_CHANNELS),
            _enum("status", LEAD_STATUSES),
            _ts("converted_at"),
            LOADED,
        ),
        pk=("lead_id",),
        event_col="created_at",
    ),
    TableSpec(
        "crm",
        "opportunities",
        "csv",
        (
            _id("opportunity_id", "O"),
            _id("lead_id", "L"),
            CUSTOMER,
            _ts("created_at"),
            _enum("stage", OPP_STAGES),
            _ts("closed_at"),
            Col("amount", "float", bad_values=("negate",)),
            LOADED,
        ),
        pk=("opportunity_id",),
        event_col="created_at",
    ),
    TableSpec(
        "crm",
        "quote_requests",
        "csv",
        (
            _id("quote_request_id", "Q"),
            CUSTOMER,
            _ts("requested_at"),
            _enum("outcome", QUOTE_OUTCOMES),
            _id("opportunity_id", "O"),
            LOADED,
        ),
        pk=("quote_request_id",),
        event_col="requested_at",
    ),
    TableSpec(
        "billing",
        "subscriptions",
        "parquet",
        (
            _id("subscription_id", "S"),
            CUSTOMER,
            _enum("plan", PLANS),
            _enum("status", SUB_STATUSES),
            _ts("started_at"),
            _ts("cancelled_at"),
            Col("current_period_end", "date"),
            Col("mrr", "float", bad_values=("negate",)),
            LOADED,
        ),
        pk=("subscription_id",),
        event_col="started_at",
    ),
    TableSpec(
        "billing",
        "invoices",
        "parquet",
        (
            _id("invoice_id", "IN"),
            _id("subscription_id", "S"),
            CUSTOMER,
            Col("period_start", "date"),
            Col("period_end", "date"),
            Col("amount", "float", bad_values=("negate",)),
            _enum("currency", CURRENCIES),
            _enum("status", INVOICE_STATUSES),
            _ts("issued_at"),
            LOADED,
        ),
        pk=("invoice_id",),
        event_col="issued_at",
    ),
    TableSpec(
        "web_analytics",
        "sessions",
        "parquet",
        (
            _id("session_id", "WS"),
            CUSTOMER,
            Col("anonymous_id", "text"),
            _ts("started_at"),
            _enum("device", DEVICES),
            _enum("channel", WEB_CHANNELS),
            Col("utm_campaign", "text"),
            Col("landing_page", "text"),
            Col("pageviews", "int", bad_values=(-1, 0)),
            Col("scroll_depth_pct", "int", bad_values=(140, 180, -5)),
            Col("engaged_seconds", "int", bad_values=(-30, -1, -600)),
            Col("is_bounce", "bool"),
            LOADED,
        ),
        pk=("session_id",),
        event_col="started_at",
    ),
    TableSpec(
        "web_analytics",
        "events",
        "parquet",
        (
            _id("event_id", "WE"),
            _id("session_id", "WS"),
            _ts("event_at"),
            _enum("event_type", WEB_EVENT_TYPES),
            Col("page", "text"),
            LOADED,
        ),
        pk=("event_id",),
        event_col="event_at",
    ),
    TableSpec(
        "ads",
        "ad_performance",
        "csv",
        (
            Col("report_date", "date"),
            Col("campaign_id", "text"),
            _enum("channel", AD_CHANNELS),
            Col("ad_relevance_score", "int", bad_values=(0, 11, 12)),
            Col("impressions", "int", bad_values=(-1,)),
            Col("clicks", "int", bad_values=(-1,)),
            Col("spend", "float", bad_values=("negate",)),
            LOADED,
        ),
        pk=("report_date", "campaign_id"),
        event_col="_event",
        per_block=False,
    ),
    TableSpec(
        "email",
        "sends",
        "jsonl",
        (
            _id("send_id", "ES"),
            CUSTOMER,
            Col("recipient_email", "text", email=True),
            Col("campaign_id", "text"),
            _enum("journey", EMAIL_JOURNEYS),
            Col("is_ai_personalised", "bool"),
            Col("has_reason_line", "bool"),
            _ts("sent_at"),
            LOADED,
        ),
        pk=("send_id",),
        event_col="sent_at",
    ),
    TableSpec(
        "email",
        "events",
        "jsonl",
        (
            _id("event_id", "EE"),
            _id("send_id", "ES"),
            _enum("event_type", EMAIL_EVENT_TYPES),
            _ts("event_at"),
            LOADED,
        ),
        pk=("event_id",),
        event_col="event_at",
    ),
    TableSpec(
        "chat",
        "conversations",
        "jsonl",
        (
            _id("conversation_id", "CV"),
            CUSTOMER,
            _ts("started_at"),
            _ts("ended_at"),
            _enum("channel", CHAT_CHANNELS),
            _enum("intent", INTENTS),
            _enum("journey_type", JOURNEY_TYPES),
            Col("ai_turns", "int", bad_values=(-1, -3)),
            Col("human_turns", "int", bad_values=(-1,)),
            Col("handed_off", "bool"),
            _ts("handoff_at"),
            Col("customer_repeated", "bool"),
            Col("resolved", "bool"),
            LOADED,
        ),
        pk=("conversation_id",),
        event_col="ended_at",
    ),
    TableSpec(
        "chat",
        "messages",
        "jsonl",
        (
            _id("message_id", "CM"),
            _id("conversation_id", "CV"),
            _ts("sent_at"),
            _enum("sender_type", SENDER_TYPES),
            Col("body", "text"),
            LOADED,
        ),
        pk=("message_id",),
        event_col="sent_at",
    ),
    TableSpec(
        "helpdesk",
        "tickets",
        "jsonl",
        (
            _id("ticket_id", "TK"),
            CUSTOMER,
            Col("requester_email", "text", email=True),
            _ts("created_at"),
            _enum("channel", TICKET_CHANNELS),
            _enum("priority", PRIORITIES),
            _enum("intent", INTENTS),
            Col("subject", "text"),
            _id("conversation_id", "CV"),
            LOADED,
        ),
        pk=("ticket_id",),
        event_col="created_at",
    ),
    TableSpec(
        "helpdesk",
        "ticket_events",
        "jsonl",
        (
            _id("event_id", "TE"),
            _id("ticket_id", "TK"),
            _ts("event_at"),
            _enum("event_type", TICKET_EVENT_TYPES),
            _enum("actor_type", ACTOR_TYPES),
            Col("is_public", "bool"),
            _enum("status", TICKET_STATUSES),
            _enum("group_name", GROUPS),
            _enum("priority", PRIORITIES),
            Col("body", "text"),
            LOADED,
        ),
        pk=("event_id",),
        event_col="event_at",
    ),
    TableSpec(
        "surveys",
        "responses",
        "csv",
        (
            _id("response_id", "SR"),
            CUSTOMER,
            _enum("survey_type", SURVEY_TYPES),
            _enum("touchpoint_type", SURVEY_TOUCHPOINTS),
            Col("touchpoint_id", "text"),
            _ts("sent_at"),
            _ts("answered_at"),
            Col("score", "int", bad_values=("score",)),
            _enum("answer", YES_NO),
            Col("comment", "text"),
            LOADED,
        ),
        pk=("response_id",),
        event_col="answered_at",
        fallback_event_col="sent_at",
    ),
    TableSpec(
        "ai_outputs",
        "outputs",
        "parquet",
        (
            _id("output_id", "AO"),
            CUSTOMER,
            _enum("touchpoint_type", OUTPUT_TOUCHPOINTS),
            Col("touchpoint_id", "text"),
            _enum("output_type", OUTPUT_TYPES),
            Col("model_version", "text"),
            _ts("created_at"),
            Col("rationale_text", "text"),
            Col("policy_reference", "text"),
            Col("confidence", "float", bad_values=(1.7, -0.2, 2.5)),
            Col("explanation_shown", "bool"),
            Col("explanation_opened", "bool"),
            Col("accepted", "bool"),
            Col("overridden_by_human", "bool"),
            Col("human_reviewed", "bool"),
            Col("trace_id", "text"),
            Col("prompt_version", "text"),
            Col("logged_by", "text"),
            LOADED,
        ),
        pk=("output_id",),
        event_col="created_at",
    ),
    TableSpec(
        "qa_reviews",
        "reviews",
        "csv",
        (
            _id("review_id", "QA"),
            _id("output_id", "AO"),
            Col("reviewer_id", "text"),
            _ts("reviewed_at"),
            _enum("result", QA_RESULTS),
            _enum("issue_category", QA_ISSUES),
            LOADED,
        ),
        pk=("review_id",),
        event_col="reviewed_at",
    ),
    TableSpec(
        "product",
        "usage_events",
        "parquet",
        (
            _id("event_id", "PE"),
            CUSTOMER,
            _ts("event_at"),
            _enum("event_type", USAGE_EVENT_TYPES),
            _enum("feature", FEATURES),
            Col("step_number", "int", bad_values=(0, 7, 9)),
            LOADED,
        ),
        pk=("event_id",),
        event_col="event_at",
    ),
    TableSpec(
        "experiments",
        "experiments",
        "csv",
        (
            Col("experiment_id", "text"),
            Col("name", "text"),
            Col("hypothesis", "text"),
            _enum("unit_type", UNIT_TYPES),
            Col("primary_metric", "text"),
            Col("guardrail_metrics", "text"),
            _ts("started_at"),
            _ts("ended_at"),
            _enum("status", EXPERIMENT_STATUSES),
            LOADED,
        ),
        pk=("experiment_id",),
        event_col="started_at",
        per_block=False,
        messy=False,
    ),
    TableSpec(
        "experiments",
        "variants",
        "csv",
        (
            Col("experiment_id", "text"),
            Col("variant", "text"),
            Col("is_control", "bool"),
            Col("weight", "float"),
            LOADED,
        ),
        pk=("experiment_id", "variant"),
        event_col="_event",
        per_block=False,
        messy=False,
    ),
    TableSpec(
        "experiments",
        "assignments",
        "parquet",
        (
            _id("assignment_id", "AS"),
            Col("experiment_id", "text"),
            _id("unit_id", "C"),
            Col("variant", "text"),
            _ts("assigned_at"),
            LOADED,
        ),
        pk=("assignment_id",),
        event_col="assigned_at",
    ),
    TableSpec(
        "touchpoints",
        "touches",
        "parquet",
        (
            _id("touch_id", "TC"),
            CUSTOMER,
            _ts("touched_at"),
            _enum("channel", TOUCH_CHANNELS),
            Col("campaign", "text"),
            _enum("touch_type", TOUCH_TYPES),
            Col("is_ai_touchpoint", "bool"),
            LOADED,
        ),
        pk=("touch_id",),
        event_col="touched_at",
    ),
    TableSpec(
        "touchpoints",
        "conversions",
        "parquet",
        (
            _id("conversion_id", "CX"),
            CUSTOMER,
            _ts("converted_at"),
            _enum("conversion_type", CONVERSION_TYPES),
            Col("value", "float", bad_values=("negate",)),
            LOADED,
        ),
        pk=("conversion_id",),
        event_col="converted_at",
    ),
)

TABLES_BY_KEY: dict[str, TableSpec] = {t.key: t for t in TABLES}
SYSTEMS: tuple[str, ...] = tuple(dict.fromkeys(t.system for t in TABLES))
EXTENSIONS = {"parquet": "parquet", "csv": "csv", "jsonl": "jsonl"}
