"""Review packs (empathy.reviews): periods, escaping, the statistical rules on the page, the CSV
extract, restatements, and what a reader sees in Chromium.

Fast tests run on a small hand-made warehouse whose rows are chosen to exercise one rule each.
Slow tests copy the warehouse that `empathy refresh` built from the small demo data, write the
three packs for the last closed periods, and render them in headless Chromium.
"""

from __future__ import annotations

import csv
import re
import shutil
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import unescape
from pathlib import Path
from typing import Any

import duckdb
import pytest

from chromium import render_probe
from conftest import Built
from empathy.reviews import CADENCES, ReviewPack, period_label, write_review_pack
from empathy.reviews.attribution_reads import Attribution, Credit, CreditTable
from empathy.reviews.experiment_reads import ExperimentRun
from empathy.reviews.extract import CSV_COLUMNS
from empathy.reviews.markup import element
from empathy.reviews.periods import (
    grain_of,
    last_closed_period,
    period_end,
    shift_period,
    trailing_periods,
)
from empathy.reviews.readout_extracts import EXPERIMENT_COLUMNS
from empathy.reviews.sections.attribution import trust_building_sentence
from empathy.reviews.units import format_change, format_value

WEEK = date(2026, 10, 26)  # 2026-W44
MONTH = date(2026, 10, 1)
QUARTER = date(2026, 7, 1)
REVIEWED = {"weekly": WEEK, "monthly": MONTH, "quarterly": QUARTER}
MALICIOUS = '<script>alert("x")</script> & <img src=x onerror=alert(1)> "quoted"'
# An insufficient value, and its interval, written so that they cannot occur by chance.
HIDDEN_VALUE, HIDDEN_LOW, HIDDEN_HIGH = 87.654, 61.111, 99.222
CSAT_PLAYBOOK = "Read the <worst> touchpoints' comments & rewrite the flows."
ESCALATION_PLAYBOOK = "Review escalated intents; route them to humans from the start."


# --- a hand-made warehouse --------------------------------------------------------------------

# kpi_id, name, layer, unit, direction, owner, playbook, is_starter, base value
DEFINITIONS = [
    ("csat_pct", "CSAT (top-2-box)", "experience", "ratio", "higher_is_better",
     "customer_insights", CSAT_PLAYBOOK, True, 0.8),
    ("nps", "Net Promoter Score", "experience", "nps", "higher_is_better",
     "customer_insights", "Call back detractors.", True, 40.0),
    ("engagement_depth", "Engagement depth", "engagement", "seconds", "higher_is_better",
     "growth_marketing", "Check the landing pages.", True, 80.0),
    ("escalation_rate", "Escalation rate", "operational", "ratio", "lower_is_better",
     "support_operations", ESCALATION_PLAYBOOK, True, 0.2),
    ("retention_rate", "Logo retention rate", "commercial", "ratio", "higher_is_better",
     "customer_success", "Review churned accounts.", True, 0.97),
    ("explanation_acceptance_rate", "Explanation acceptance rate", "governance", "ratio",
     "higher_is_better", "ai_product", "Read rejected outputs.", True, 0.5),
]  # fmt: skip
THRESHOLDS = {  # kpi_id -> (warn, breach)
    "csat_pct": (0.7, 0.65),
    "nps": (25.0, 15.0),
    "engagement_depth": (60.0, 45.0),
    "escalation_rate": (0.28, 0.35),
    "retention_rate": (0.95, 0.92),
    "explanation_acceptance_rate": (0.4, 0.3),
}
# (kpi_id, grain, period_start, segment_type, segment_value) -> fields that differ from the base
OVERRIDES: dict[tuple[str, str, date, str, str], dict[str, Any]] = {
    ("csat_pct", "week", WEEK, "all", "all"): {"value": 0.55, "status": "breach"},
    ("escalation_rate", "week", WEEK, "all", "all"): {"value": 0.3, "status": "watch"},
    ("escalation_rate", "week", WEEK, "channel", "chat"): {"value": 0.41, "status": "breach"},
    ("nps", "week", WEEK, "all", "all"): {
        "value": HIDDEN_VALUE, "ci_low": HIDDEN_LOW, "ci_high": HIDDEN_HIGH, "sample_size": 7,
        "is_sufficient": False, "status": "insufficient",
    },
    # the smallest sufficient sample, so that the release's minimum sample reads as 30
    ("csat_pct", "month", date(2026, 9, 1), "all", "all"): {"sample_size": 30},
    ("nps", "month", date(2026, 8, 1), "all", "all"): {
        "value": HIDDEN_VALUE, "ci_low": HIDDEN_LOW, "ci_high": HIDDEN_HIGH, "sample_size": 9,
        "is_sufficient": False, "status": "insufficient",
    },
    ("engagement_depth", "week", WEEK, "all", "all"): {
        "value": 95.0, "change_z": 3.2, "change_is_significant": True,
    },
}  # fmt: skip
SEGMENTS = [("all", "all"), ("channel", "chat")]
COHORTS = ["2025-01", "2025-02", "2025-03"]

SCORECARD_DDL = """
create table main.kpi_scorecard (
    kpi_id varchar, kpi_name varchar, layer varchar, grain varchar, period_start date,
    period_end date, segment_type varchar, segment_value varchar, value double,
    numerator double, denominator double, sample_size bigint, standard_error double,
    ci_low double, ci_high double, is_sufficient boolean, previous_value double,
    previous_sample_size bigint, change double, change_z double, change_is_significant boolean,
    status varchar, warn_threshold double, breach_threshold double, direction varchar,
    unit varchar, owner varchar, definition_version integer, is_closed_period boolean
)
"""
REVIEW_LOG_DDL = """
create table main.kpi_review_log (
    review_id varchar, cadence varchar, review_period_start date, release_id varchar,
    logged_at timestamp, entry_type varchar, kpi_id varchar, grain varchar, period_start date,
    segment_type varchar, segment_value varchar, value double, sample_size bigint,
    status varchar, definition_version integer, previous_value double, delta double
)
"""


def _scorecard_rows() -> list[dict[str, Any]]:
    rows = []
    series: list[tuple[str, str, str, str, int]] = [
        (kpi, grain, segment_type, segment_value, 14)
        for kpi, *_ in DEFINITIONS
        for grain in ("week", "month", "quarter")
        for segment_type, segment_value in SEGMENTS
    ]
    series += [("retention_rate", "month", "signup_cohort", cohort, 14) for cohort in COHORTS]
    reviewed = {"week": WEEK, "month": MONTH, "quarter": QUARTER}
    definitions = {d[0]: d for d in DEFINITIONS}
    for kpi, grain, segment_type, segment_value, count in series:
        _, name, layer, unit, direction, owner, _, _, base = definitions[kpi]
        previous: dict[str, Any] | None = None
        for index, start in enumerate(trailing_periods(grain, reviewed[grain], count)):
            row = {
                "kpi_id": kpi, "kpi_name": name, "layer": layer, "grain": grain,
                "period_start": start, "period_end": period_end(grain, start) - timedelta(1),
                "segment_type": segment_type, "segment_value": segment_value,
                "value": base * (1 + 0.01 * (index % 3)), "numerator": None,
                "denominator": None, "sample_size": 100, "standard_error": 0.01,
                "ci_low": base * 0.95, "ci_high": base * 1.05, "is_sufficient": True,
                "change_z": 0.1, "change_is_significant": False, "status": "on_track",
                "warn_threshold": THRESHOLDS[kpi][0], "breach_threshold": THRESHOLDS[kpi][1],
                "direction": direction, "unit": unit, "owner": owner, "definition_version": 1,
                "is_closed_period": True,
            }  # fmt: skip
            row.update(OVERRIDES.get((kpi, grain, start, segment_type, segment_value), {}))
            row["previous_value"] = previous["value"] if previous else None
            row["previous_sample_size"] = previous["sample_size"] if previous else None
            row["change"] = row["value"] - previous["value"] if previous else None
            if previous and not (row["is_sufficient"] and previous["is_sufficient"]):
                row["change_is_significant"] = False
            rows.append(row)
            previous = row
    return rows


# --- hand-made experiments and attribution --------------------------------------------------

EXPERIMENT_NAME = 'Warm <b>greeting</b> & "tone"'
EXPERIMENT_HYPOTHESIS = "A warmer <script>alert(1)</script> greeting raises conversion."
# an insufficient control value, written so that it cannot occur by chance
HIDDEN_CONTROL = 43.21
EXPOSURES = {  # experiment -> (first, last exposure, name, hypothesis, status)
    "exp_win": (datetime(2026, 9, 14, 9), datetime(2026, 10, 20, 17), EXPERIMENT_NAME,
                EXPERIMENT_HYPOTHESIS, "running"),
    # assignment over in August; its 8-week reads close on 15 Oct 2026 at 12:00
    "exp_srm": (datetime(2026, 8, 3, 12), datetime(2026, 8, 20, 12), "Split test", None,
                "completed"),
    # its reads closed in April: in no reviewed period
    "exp_old": (datetime(2026, 1, 5), datetime(2026, 2, 20), "Old test", None, "completed"),
}  # fmt: skip
SCORECARD_EXPERIMENT_DDL = """
create table main.experiment_scorecard (
    experiment_id varchar, variant varchar, metric varchar, kpi_id varchar, metric_kind varchar,
    metric_family varchar, metric_role varchar, direction varchar, metric_outcome varchar,
    decision varchar, decision_reason varchar, weeks_after_exposure integer,
    assigned_units bigint, units bigint, value double, control_units bigint,
    control_value double, lift_abs double, lift_rel double, standard_error double,
    test_statistic double, degrees_of_freedom double, ci_low double, ci_high double,
    p_value double, p_value_adjusted double, srm_p_value double, is_control boolean,
    is_primary boolean, is_guardrail boolean, is_decision_read boolean, has_min_sample boolean,
    is_significant boolean, is_guardrail_breached boolean, is_sample_ratio_mismatch boolean
)
"""
# metric -> (kpi_id, kind, family, direction)
METRICS = {
    "conversion_rate": (None, "rate", "commercial", "higher_is_better"),
    "csat_pct": ("csat_pct", "rate", "human_centric", "higher_is_better"),
    "escalation_rate": ("escalation_rate", "rate", "human_centric", "lower_is_better"),
    "nps": ("nps", "mean", "human_centric", "higher_is_better"),
}
DECISION_READ_WEEKS = 4


@dataclass(frozen=True)
class Arms:
    """One metric of one variant in one read window, with its control arm."""

    experiment: str
    metric: str
    role: str
    weeks: int
    control: tuple[float, int, bool]  # value, units, the control arm reaches the minimum
    variant: tuple[float, int]  # value, units
    has_min_sample: bool
    lift: tuple[float, float, float] | None  # lift, ci_low, ci_high
    p: tuple[float, float] | None  # raw, Holm-adjusted
    outcome: str
    decision: str
    reason: str
    srm_p: float = 0.5
    breached: bool = False


SHIP = ("ship", "primary metric better, no metric worse")
SRM = ("inconclusive", "sample-ratio mismatch: the split differs from the configured weights")
EARLY = ("inconclusive", "no significant change in the primary metric")
ARMS = [
    # exp_win, the decision read: conversion better, CSAT (guardrail) flat, NPS below the minimum
    Arms("exp_win", "conversion_rate", "primary", 4, (0.1, 1000, True), (0.15, 1000), True,
         (0.05, 0.021, 0.079), (0.0004, 0.0012), "better", *SHIP),
    Arms("exp_win", "csat_pct", "guardrail", 4, (0.8, 300, True), (0.79, 310), True,
         (-0.01, -0.075, 0.055), (0.76, 0.76), "no_change", *SHIP),
    Arms("exp_win", "nps", "secondary", 4, (HIDDEN_CONTROL, 12, False), (HIDDEN_VALUE, 9), False,
         (HIDDEN_VALUE - HIDDEN_CONTROL, HIDDEN_LOW, HIDDEN_HIGH), (0.0123, 0.0369),
         "insufficient_sample", *SHIP),
    # exp_win, the primary metric's other reads: 1 week flat, 2 weeks variant below the minimum,
    # no 8-week read yet
    Arms("exp_win", "conversion_rate", "primary", 1, (0.03, 1000, True), (0.04, 1000), True,
         (0.01, -0.02, 0.04), (0.31, 0.62), "no_change", *EARLY),
    Arms("exp_win", "conversion_rate", "primary", 2, (0.06, 900, True), (HIDDEN_LOW, 20), False,
         (HIDDEN_HIGH, HIDDEN_LOW, HIDDEN_HIGH), (0.02, 0.04), "insufficient_sample", *EARLY),
    # exp_srm: a broken split; CSAT worse and an escalation guardrail breached
    Arms("exp_srm", "csat_pct", "primary", 4, (0.8, 500, True), (0.7, 400), True,
         (-0.1, -0.15, -0.05), (0.0001, 0.0002), "worse", *SRM, srm_p=1e-6),
    Arms("exp_srm", "escalation_rate", "guardrail", 4, (0.2, 500, True), (0.26, 400), True,
         (0.06, 0.02, 0.1), (0.0015, 0.003), "worse", *SRM, srm_p=1e-6, breached=True),
    Arms("exp_srm", "csat_pct", "primary", 8, (0.8, 600, True), (0.72, 480), True,
         (-0.08, -0.12, -0.04), (0.0001, 0.0002), "worse", *SRM, srm_p=1e-6),
    Arms("exp_srm", "escalation_rate", "guardrail", 8, (0.2, 600, True), (0.25, 480), True,
         (0.05, 0.01, 0.09), (0.01, 0.01), "worse", *SRM, srm_p=1e-6, breached=True),
    Arms("exp_old", "csat_pct", "primary", 4, (0.8, 500, True), (0.85, 500), True,
         (0.05, 0.01, 0.09), (0.01, 0.01), "better", *SHIP),
]  # fmt: skip


def _scorecard_pair(arms: Arms) -> list[dict[str, Any]]:
    kpi_id, kind, family, direction = METRICS[arms.metric]
    control_value, control_units, control_ok = arms.control
    value, units = arms.variant
    lift, low, high = arms.lift or (None, None, None)
    p, p_adjusted = arms.p or (None, None)
    common = {
        "experiment_id": arms.experiment, "metric": arms.metric, "kpi_id": kpi_id,
        "metric_kind": kind, "metric_family": family, "metric_role": arms.role,
        "direction": direction, "weeks_after_exposure": arms.weeks, "srm_p_value": arms.srm_p,
        "is_primary": arms.role == "primary", "is_guardrail": arms.role == "guardrail",
        "is_decision_read": arms.weeks == DECISION_READ_WEEKS,
        "is_sample_ratio_mismatch": arms.srm_p < 0.001,
    }  # fmt: skip
    control = {
        **common, "variant": "control", "is_control": True, "metric_outcome": "control",
        "assigned_units": 1000, "units": control_units, "value": control_value,
        "control_units": control_units, "control_value": control_value,
        "has_min_sample": control_ok, "is_significant": False, "is_guardrail_breached": False,
    }  # fmt: skip
    variant = {
        **common, "variant": "treatment", "is_control": False, "metric_outcome": arms.outcome,
        "decision": arms.decision, "decision_reason": arms.reason, "assigned_units": 990,
        "units": units, "value": value, "control_units": control_units,
        "control_value": control_value, "lift_abs": lift,
        "lift_rel": None if lift is None else lift / control_value, "ci_low": low,
        "ci_high": high, "p_value": p, "p_value_adjusted": p_adjusted,
        "has_min_sample": arms.has_min_sample,
        "is_significant": arms.outcome in ("better", "worse"),
        "is_guardrail_breached": arms.breached,
    }  # fmt: skip
    return [control, variant]


def add_experiments(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(SCORECARD_EXPERIMENT_DDL)
    for row in (row for arms in ARMS for row in _scorecard_pair(arms)):
        columns = list(row)
        connection.execute(
            f"insert into main.experiment_scorecard ({', '.join(columns)}) "
            f"values ({', '.join('?' for _ in columns)})",
            [row[column] for column in columns],
        )
    connection.execute("create schema intermediate")
    connection.execute("create schema staging")
    connection.execute("""
        create table intermediate.int_experiment_units (
            experiment_id varchar, unit_id varchar, variant varchar, exposed_at timestamp,
            is_analysed boolean
        )
    """)
    connection.execute("""
        create table staging.stg_experiments__experiments (
            experiment_id varchar, experiment_name varchar, hypothesis varchar, status varchar,
            started_at timestamp, ended_at timestamp
        )
    """)
    for experiment, (first, last, name, hypothesis, status) in EXPOSURES.items():
        connection.executemany(
            "insert into intermediate.int_experiment_units values (?, ?, ?, ?, ?)",
            [
                (experiment, "U1", "control", first, True),
                (experiment, "U2", "treatment", last, True),
                # not analysed: does not move the exposure dates
                (experiment, "U3", "treatment", datetime(2026, 12, 24), False),
            ],
        )
        connection.execute(
            "insert into staging.stg_experiments__experiments values (?, ?, ?, ?, ?, null)",
            [experiment, name, hypothesis, status, first],
        )


ATTRIBUTION_MODELS = ("first_touch", "last_touch", "linear", "position_based", "time_decay")
ODD_CHANNEL = "<i>partner</i> & co"
# (grain, period_start, dimension) -> {value: credits in ATTRIBUTION_MODELS order}
CREDITS: dict[tuple[str, date, str], dict[str, tuple[float, ...]]] = {
    ("month", MONTH, "touch_group"): {
        "acquisition": (700, 600, 450, 550, 400),
        "nurture": (150, 200, 200, 150, 250),
        "trust_building": (50, 100, 250, 200, 250),
        "unattributed": (100, 100, 100, 100, 100),
    },
    ("month", MONTH, "channel"): {
        "ai_chat": (100, 150, 300, 250, 320),
        "paid_search": (600, 550, 400, 450, 380),
        ODD_CHANNEL: (200, 200, 200, 200, 200),
        "unattributed": (100, 100, 100, 100, 100),
    },
    # another month: must not show in October's pack
    ("month", date(2026, 9, 1), "touch_group"): {
        "trust_building": (1, 7777, 2, 3, 4),
        "acquisition": (7777, 1, 7776, 7775, 7774),
    },
    # the quarter: trust-building touches earn less under linear, the same under position-based
    ("quarter", QUARTER, "touch_group"): {
        "acquisition": (2500, 2000, 2200, 2000, 1800),
        "nurture": (1000, 1000, 1000, 1000, 1000),
        "trust_building": (500, 1000, 800, 1000, 1200),
    },
}


def summary_rows() -> list[dict[str, Any]]:
    """fct_attribution_summary rows for CREDITS, shares and last-touch comparisons included."""
    rows = []
    for (grain, start, dimension), values in CREDITS.items():
        totals = [sum(credits[i] for credits in values.values()) for i in range(5)]
        last = ATTRIBUTION_MODELS.index("last_touch")
        for value, credits in values.items():
            for index, model in enumerate(ATTRIBUTION_MODELS):
                credit, base = float(credits[index]), float(credits[last])
                share, base_share = credit / totals[index], base / totals[last]
                rows.append({
                    "grain": grain, "period_start": start, "dimension": dimension,
                    "dimension_value": value, "model": model, "conversions": 3,
                    "touches": 0 if value == "unattributed" else 5, "credit": credit,
                    "period_value": float(totals[index]), "credit_share": share,
                    "last_touch_credit": base, "last_touch_credit_share": base_share,
                    "credit_vs_last_touch": credit - base,
                    "credit_share_vs_last_touch": share - base_share,
                    "credit_ratio_to_last_touch": credit / base if base else None,
                })  # fmt: skip
    return rows


def add_attribution(connection: duckdb.DuckDBPyConnection) -> None:
    rows = summary_rows()
    columns = list(rows[0])
    connection.execute(
        "create table main.fct_attribution_summary (grain varchar, period_start date, "
        "dimension varchar, dimension_value varchar, model varchar, conversions bigint, "
        "touches bigint, credit double, period_value double, credit_share double, "
        "last_touch_credit double, last_touch_credit_share double, "
        "credit_vs_last_touch double, credit_share_vs_last_touch double, "
        "credit_ratio_to_last_touch double)"
    )
    connection.executemany(
        f"insert into main.fct_attribution_summary ({', '.join(columns)}) "
        f"values ({', '.join('?' for _ in columns)})",
        [[row[column] for column in columns] for row in rows],
    )


def make_warehouse(path: Path) -> Path:
    """A warehouse file with the tables a review pack reads, filled with chosen rows."""
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "create table main.warehouse_release as select '20261102T000000000000Z' as "
            "release_id, timestamp '2026-11-02 06:00:00' as built_at"
        )
        connection.execute("""
            create table main.kpi_definitions (
                kpi_id varchar, name varchar, layer varchar, definition varchar, formula varchar,
                unit varchar, direction varchar, aggregation varchar, owner varchar,
                target double, warn_threshold double, breach_threshold double,
                threshold_basis varchar, playbook varchar, cadences varchar, segments varchar,
                is_starter boolean, definition_version integer
            )
        """)
        for kpi, name, layer, unit, direction, owner, playbook, starter, _ in DEFINITIONS:
            connection.execute(
                "insert into main.kpi_definitions values "
                "(?, ?, ?, 'definition', 'formula', ?, ?, 'proportion', ?, null, ?, ?, "
                "'any_period', ?, 'weekly|monthly|quarterly', 'channel', ?, 1)",
                [kpi, name, layer, unit, direction, owner, *THRESHOLDS[kpi], playbook, starter],
            )
        connection.execute(SCORECARD_DDL)
        rows = _scorecard_rows()
        columns = list(rows[0])
        connection.executemany(
            f"insert into main.kpi_scorecard ({', '.join(columns)}) "
            f"values ({', '.join('?' for _ in columns)})",
            [[row[column] for column in columns] for row in rows],
        )
        connection.execute("""
            create table main.kpi_diagnostics as select
                'hollow_win' as rule_id, 'Hollow win' as rule_name, 'week' as grain,
                date '2026-10-26' as period_start, 'all' as segment_type,
                'all' as segment_value, 'warning' as severity,
                'Conversion up while CSAT falls.' as message,
                'Read conversion with CSAT before celebrating.' as playbook,
                'csat_pct -0.25 (0.8 -> 0.55, z = -4.1, n = 100)' as evidence,
                'customer_insights' as owners, true as is_closed_period
        """)
        connection.execute("""
            create table main.fct_comment_themes (
                response_id varchar, customer_id varchar, theme varchar, polarity varchar,
                sentiment varchar, survey_type varchar, comment varchar, answered_at timestamp
            )
        """)
        comments = [
            ("R1", "clarity", "negative", MALICIOUS, datetime(2026, 10, 27, 9)),
            ("R2", "clarity", "negative", "Too much jargon.", datetime(2026, 10, 28, 9)),
            ("R3", "clarity", "positive", "Clear, thanks.", datetime(2026, 10, 29, 9)),
            ("R4", "speed", "negative", "Way too slow.", datetime(2026, 10, 30, 9)),
            ("R5", "speed", "negative", "Outside the week.", datetime(2026, 11, 2, 9)),
        ]
        connection.executemany(
            "insert into main.fct_comment_themes values (?, 'C1', ?, ?, ?, 'csat', ?, ?)",
            [(rid, theme, polarity, polarity, text, at) for rid, theme, polarity, text, at in
             comments],
        )  # fmt: skip
        connection.execute("""
            create table main.fct_mrr_movements as
            select
                month_start, 1000.0 as start_mrr, 100.0 as new_mrr, 50.0 as expansion_mrr,
                10.0 as reactivation_mrr, 20.0 as contraction_mrr, 40.0 as churn_mrr,
                1100.0 as end_mrr
            from range(date '2025-09-01', date '2026-11-01', interval 1 month) as t(month_start)
        """)
        add_experiments(connection)
        add_attribution(connection)
    return path


@pytest.fixture(scope="module")
def mini_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_warehouse(tmp_path_factory.mktemp("mini") / "warehouse.duckdb")


@pytest.fixture
def mini(mini_source: Path, tmp_path: Path) -> Path:
    """A private copy of the hand-made warehouse (tests may add tables to it)."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(mini_source, copy)
    return copy


def write(warehouse: Path, cadence: str, root: Path, review_id: str = "r-test") -> ReviewPack:
    return write_review_pack(
        warehouse, cadence, REVIEWED[cadence], root, review_id=review_id, echo=lambda _: None
    )


def section(html: str, key: str) -> str:
    """The HTML of one top-level pack section."""
    found = re.search(
        rf'<section id="{key}">(.*?)</section>(?=<section id=|<footer>)', html, re.DOTALL
    )
    assert found, f"no section {key!r} in the pack"
    return found.group(1)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


GEOMETRY = re.compile(r'\s(?:x|y|x1|x2|y1|y2|cx|cy|r|dx|width|height|d|viewBox)="[^"]*"')


def without_geometry(html: str) -> str:
    """The page without SVG coordinates, which may contain any digits by chance."""
    return GEOMETRY.sub("", html)


def assert_hidden(html: str, *values: float) -> None:
    """None of the values (written below the minimum sample) is on the page, in any format."""
    shown = without_geometry(html)
    for hidden in values:
        for written in (f"{hidden:.1f}", str(hidden), f"{hidden:.2f}", f"{hidden * 100:.1f}"):
            assert written not in shown, f"{written} is on the page"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


# --- periods ------------------------------------------------------------------------------------


def test_period_labels() -> None:
    assert CADENCES == ("weekly", "monthly", "quarterly")
    assert period_label("weekly", date(2026, 10, 26)) == "2026-W44"
    assert period_label("weekly", date(2024, 12, 30)) == "2025-W01"  # ISO year differs
    assert period_label("weekly", date(2020, 12, 28)) == "2020-W53"
    assert period_label("monthly", date(2026, 10, 1)) == "2026-10"
    assert period_label("quarterly", date(2026, 7, 1)) == "2026-Q3"
    assert period_label("quarterly", date(2026, 10, 1)) == "2026-Q4"
    for cadence, not_a_start in [
        ("weekly", date(2026, 10, 27)),
        ("monthly", date(2026, 10, 2)),
        ("quarterly", date(2026, 8, 1)),
    ]:
        with pytest.raises(ValueError):
            period_label(cadence, not_a_start)
    with pytest.raises(ValueError, match="unknown cadence"):
        period_label("daily", date(2026, 10, 26))


def test_period_math() -> None:
    assert [grain_of(cadence) for cadence in CADENCES] == ["week", "month", "quarter"]
    assert period_end("week", date(2026, 12, 28)) == date(2027, 1, 4)
    assert period_end("month", date(2026, 12, 1)) == date(2027, 1, 1)
    assert period_end("quarter", date(2026, 10, 1)) == date(2027, 1, 1)
    assert shift_period("quarter", date(2026, 1, 1), -1) == date(2025, 10, 1)
    months = trailing_periods("month", date(2026, 10, 1), 13)
    assert (len(months), months[0], months[-1]) == (13, date(2025, 10, 1), date(2026, 10, 1))
    assert last_closed_period("weekly", date(2026, 11, 4)) == date(2026, 10, 26)
    assert last_closed_period("weekly", date(2026, 11, 2)) == date(2026, 10, 26)  # a Monday
    assert last_closed_period("monthly", date(2026, 11, 1)) == date(2026, 10, 1)
    assert last_closed_period("quarterly", date(2026, 10, 15)) == date(2026, 7, 1)
    assert last_closed_period("quarterly", date(2027, 1, 1)) == date(2026, 10, 1)


def test_values_are_written_in_their_unit() -> None:
    assert format_value(0.7234, "ratio") == "72.3%"
    assert format_value(-4.6e-17, "ratio") == "0.0%"  # a Wilson bound just below zero
    assert format_change(0.039, "ratio") == "+3.9 pp"
    assert format_change(-2.22, "nps") == "-2.2 pts"
    assert format_value(48.5, "minutes") == "48.5 min"
    assert format_value(1274.3, "minutes") == "21.2 h"
    assert format_change(-200, "minutes") == "-3.3 h"
    assert format_value(55588.44, "usd") == "$55,588"
    assert format_value(None, "ratio") == format_change(float("nan"), "ratio") == "\N{EN DASH}"


# --- escaping -----------------------------------------------------------------------------------


def test_markup_escapes_text_and_attributes() -> None:
    built = element("p", MALICIOUS, title='x" onmouseover="alert(1)')
    assert "<script" not in built and "<img" not in built
    assert 'title="x&quot; onmouseover=&quot;alert(1)"' in built
    assert text(built) == MALICIOUS


def test_a_malicious_comment_is_escaped_on_the_page(mini: Path, tmp_path: Path) -> None:
    pack = write(mini, "weekly", tmp_path / "reports")
    html = pack.html_path.read_text(encoding="utf-8")
    themes = section(html, "themes")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x" in themes
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert MALICIOUS in text(themes)
    # counted in its week only: two negative clarity comments of three, one speed comment
    assert "2 negative of 3 comments" in text(themes)
    assert "1 negative of 1 comments" in text(themes)
    assert "Outside the week." not in html
    # the registry's playbook is user-editable text as well
    assert CSAT_PLAYBOOK not in html
    assert "Read the &lt;worst&gt; touchpoints&#x27; comments &amp; rewrite the flows." in html


# --- the statistical rules on the page ----------------------------------------------------------


def test_insufficient_values_are_not_shown_as_numbers(mini: Path, tmp_path: Path) -> None:
    weekly = write(mini, "weekly", tmp_path / "reports")
    monthly = write(mini, "monthly", tmp_path / "reports")
    for pack in (weekly, monthly):
        assert_hidden(
            pack.html_path.read_text(encoding="utf-8"), HIDDEN_VALUE, HIDDEN_LOW, HIDDEN_HIGH
        )
    changes = text(section(weekly.html_path.read_text(encoding="utf-8"), "changes"))
    assert "Net Promoter Score nps · experience insufficient (n = 7)" in changes
    rows = {row["kpi_id"]: row for row in read_csv(weekly.csv_path) if row["segment_type"] == "all"}
    assert rows["nps"]["status"] == "insufficient"
    assert (rows["nps"]["value"], rows["nps"]["ci_low"], rows["nps"]["change"]) == ("", "", "")
    assert rows["nps"]["sample_size"] == "7"
    # the monthly trend leaves a gap where August 2026 was insufficient
    trends = section(monthly.html_path.read_text(encoding="utf-8"), "trends")
    nps_chart = next(svg for svg in trends.split("<figure>") if "Net Promoter Score:" in svg)
    assert "2026-08: insufficient (n = 9)" in nps_chart
    assert nps_chart.count('class="mark point"') == 12


def test_changes_are_called_only_when_significant(mini: Path, tmp_path: Path) -> None:
    pack = write(mini, "weekly", tmp_path / "reports")
    changes = section(pack.html_path.read_text(encoding="utf-8"), "changes")
    body = changes.split("<tbody>")[1]
    first_row = text(body.split("</tr>")[0])
    assert first_row.startswith("Engagement depth"), "significant changes come first"
    assert "▲ +" in first_row and "better" in first_row
    assert text(changes).count("within noise") == 4  # the four sufficient, non-significant KPIs
    assert "1 of 6 KPIs changed by more than noise" in text(changes)


def test_breaches_are_grouped_by_owner_with_their_playbook(mini: Path, tmp_path: Path) -> None:
    pack = write(mini, "weekly", tmp_path / "reports")
    html = pack.html_path.read_text(encoding="utf-8")
    owners = {}
    for block in section(html, "breaches").split('<section class="owner">')[1:]:
        heading = text(re.search(r"<h3>(.*?)</h3>", block).group(1))
        owners[heading] = text(block)
    assert set(owners) == {"customer_insights (1 breach)", "support_operations (1 breach)"}
    insights = owners["customer_insights (1 breach)"]
    assert "CSAT (top-2-box)" in insights and "Playbook: " + CSAT_PLAYBOOK in insights
    assert "population 55.0%" in insights
    support = owners["support_operations (1 breach)"]
    assert "Escalation rate" in support and "Playbook: " + ESCALATION_PLAYBOOK in support
    assert "channel = chat 41.0%" in support
    assert "population" not in support  # its population value is a watch, not a breach
    watches = text(section(html, "watches"))
    assert "support_operations (1 watch)" in watches and "population 30.0%" in watches
    assert pack.breaches == 2
    headline = text(html.split('<ul class="headline"')[1].split("</ul>")[0])
    assert "2 breaches 1 population, 1 segments" in headline


def test_diagnostics_of_the_week_are_shown_with_playbook(mini: Path, tmp_path: Path) -> None:
    pack = write(mini, "weekly", tmp_path / "reports")
    diagnostics = text(section(pack.html_path.read_text(encoding="utf-8"), "diagnostics"))
    assert "Hollow win" in diagnostics and "Conversion up while CSAT falls." in diagnostics
    assert "Playbook: Read conversion with CSAT before celebrating." in diagnostics
    assert "csat_pct -0.25 (0.8 -> 0.55, z = -4.1, n = 100)" in diagnostics
    assert pack.diagnostics == 1


def test_quarterly_decisions_come_from_breaches_and_diagnostics(mini: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(mini)) as connection:
        connection.execute(
            "update main.kpi_scorecard set status = 'breach', value = 0.6 where kpi_id = "
            "'csat_pct' and grain = 'quarter' and period_start = ? and segment_type = 'all'",
            [QUARTER],
        )
        connection.execute(
            "update main.kpi_diagnostics set grain = 'month', period_start = date '2026-08-01'"
        )
    pack = write(mini, "quarterly", tmp_path / "reports")
    html = pack.html_path.read_text(encoding="utf-8")
    decisions = section(html, "decisions")
    items = [text(item) for item in decisions.split('<li class="owner">')[1:]]
    assert len(items) == 2
    assert items[0].startswith("CSAT (top-2-box) is in breach Owner: customer_insights")
    assert "Playbook: " + CSAT_PLAYBOOK in items[0]
    assert items[1].startswith("Diagnostic: Hollow win Owner: customer_insights")
    assert "Fired for 2026-08 (month)" in items[1]
    hierarchy = section(html, "hierarchy")
    order = [
        hierarchy.index(f">{layer}<")
        for layer in ("experience", "engagement", "operational", "commercial")
    ]
    assert order == sorted(order)
    assert "governance (alongside every layer)" in hierarchy


# --- the CSV extract ----------------------------------------------------------------------------


def scorecard_rows(warehouse: Path, grain: str, start: date) -> dict[tuple, dict[str, Any]]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        cursor = connection.execute(
            "select * from main.kpi_scorecard where grain = ? and period_start = ?",
            [grain, start],
        )
        names = [column[0] for column in cursor.description]
        found = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {(r["kpi_id"], r["segment_type"], r["segment_value"]): r for r in found}


def assert_csv_matches_scorecard(
    pack: ReviewPack, warehouse: Path, cadence: str, start: date, not_reviewed: set[str]
) -> None:
    """Every extract row is the scorecard row of the period (values below the minimum sample
    left empty); weekly and quarterly extracts hold every KPI the cadence reviews."""
    with pack.csv_path.open(encoding="utf-8", newline="") as stream:
        assert next(csv.reader(stream)) == list(CSV_COLUMNS)
    rows = read_csv(pack.csv_path)
    assert rows, "the extract is empty"
    grain = grain_of(cadence)
    scorecard = scorecard_rows(warehouse, grain, start)
    seen = set()
    for row in rows:
        key = (row["kpi_id"], row["segment_type"], row["segment_value"])
        assert key not in seen, f"duplicate row {key}"
        seen.add(key)
        expected = scorecard[key]
        assert (row["grain"], row["period_start"]) == (grain, start.isoformat())
        assert row["status"] == expected["status"]
        assert row["owner"] == expected["owner"]
        assert int(row["sample_size"]) == expected["sample_size"]
        assert int(row["definition_version"]) == expected["definition_version"]
        assert row["change_is_significant"] == str(expected["change_is_significant"]).lower()
        if expected["is_sufficient"]:
            assert float(row["value"]) == expected["value"]
            for column in ("ci_low", "ci_high"):
                if expected[column] is not None:
                    assert float(row[column]) == expected[column]
        else:
            assert row["value"] == row["ci_low"] == row["ci_high"] == row["change"] == ""
    population = {key[0] for key in scorecard if key[1:] == ("all", "all")}
    shown = {key[0] for key in seen if key[1:] == ("all", "all")}
    if cadence != "monthly":
        assert shown == population - not_reviewed


def test_csv_extract_matches_the_scorecard(mini: Path, tmp_path: Path) -> None:
    for cadence in CADENCES:
        pack = write(mini, cadence, tmp_path / "reports")
        assert pack.csv_path == tmp_path / "reports" / cadence / pack.period_label / "kpis.csv"
        assert_csv_matches_scorecard(pack, mini, cadence, REVIEWED[cadence], set())
    weekly = read_csv(tmp_path / "reports" / "weekly" / "2026-W44" / "kpis.csv")
    segments = {
        (r["kpi_id"], r["segment_type"], r["segment_value"])
        for r in weekly
        if r["segment_type"] != "all"
    }
    assert segments == {("escalation_rate", "channel", "chat")}  # the breach the pack shows
    monthly = read_csv(tmp_path / "reports" / "monthly" / "2026-10" / "kpis.csv")
    cohorts = {r["segment_value"] for r in monthly if r["segment_type"] == "signup_cohort"}
    assert cohorts == set(COHORTS)


def test_rewriting_a_period_replaces_the_pack(mini: Path, tmp_path: Path) -> None:
    first = write(mini, "weekly", tmp_path / "reports", review_id="first-review")
    second = write(mini, "weekly", tmp_path / "reports", review_id="second-review")
    assert first.directory == second.directory == tmp_path / "reports" / "weekly" / "2026-W44"
    assert sorted(p.name for p in second.directory.iterdir()) == ["kpis.csv", "review.html"]
    html = second.html_path.read_text(encoding="utf-8")
    assert "second-review" in html and "first-review" not in html
    # the connection is closed: a writer can open the file at once
    with duckdb.connect(str(mini)) as connection:
        connection.execute("create table main.writer_was_here as select 1 as one")


class RecordingConnection:
    """Passes every call to a DuckDB connection and records whether it was closed."""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self.connection = connection
        self.closed = False

    def close(self) -> None:
        self.closed = True
        self.connection.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.connection, name)


def test_the_warehouse_is_opened_read_only_and_closed(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[tuple[RecordingConnection, dict[str, Any]]] = []
    real_connect = duckdb.connect

    def connect(database: str, **options: Any) -> RecordingConnection:
        connection = RecordingConnection(real_connect(database, **options))
        opened.append((connection, options))
        return connection

    monkeypatch.setattr("empathy.reviews.packs.duckdb.connect", connect)
    for cadence in CADENCES:
        write(mini, cadence, tmp_path / "reports")
    assert len(opened) == 3
    assert all(options.get("read_only") is True for _, options in opened)
    assert all(connection.closed for connection, _ in opened)


def test_bad_arguments_are_refused(mini: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown cadence"):
        write_review_pack(mini, "daily", WEEK, tmp_path, review_id="r")
    with pytest.raises(ValueError, match="does not start a week"):
        write_review_pack(mini, "weekly", WEEK + timedelta(1), tmp_path, review_id="r")
    with pytest.raises(ValueError, match="no week scorecard rows"):
        write_review_pack(mini, "weekly", date(2030, 1, 7), tmp_path, review_id="r")
    assert not (tmp_path / "weekly").exists()


# --- restatements -------------------------------------------------------------------------------


def add_review_log(warehouse: Path, rows: list[tuple]) -> None:
    """rows: (review_id, cadence, logged_at, entry_type, kpi_id, grain, period_start, value,
    sample_size, previous_value)."""
    with duckdb.connect(str(warehouse)) as connection:
        exists = connection.execute(
            "select count(*) from information_schema.tables where table_name = 'kpi_review_log'"
        ).fetchone()[0]
        if not exists:
            connection.execute(REVIEW_LOG_DDL)
        for review_id, cadence, at, entry, kpi, grain, start, value, n, before in rows:
            connection.execute(
                "insert into main.kpi_review_log (review_id, cadence, release_id, logged_at, "
                "entry_type, kpi_id, grain, period_start, segment_type, segment_value, value, "
                "sample_size, status, definition_version, previous_value, delta) "
                "values (?, ?, 'rel-1', ?, ?, ?, ?, ?, 'all', 'all', ?, ?, 'on_track', 1, ?, ?)",
                [review_id, cadence, at, entry, kpi, grain, start, value, n, before,
                 None if before is None else value - before],
            )  # fmt: skip


def test_restatements_since_the_previous_review_show_their_delta(
    mini: Path, tmp_path: Path
) -> None:
    earlier_week = date(2026, 10, 12)
    add_review_log(mini, [
        ("w-42", "weekly", datetime(2026, 10, 19, 6), "published", "csat_pct", "week",
         earlier_week, 0.75, 200, None),
        ("m-09", "monthly", datetime(2026, 10, 26, 6), "published", "csat_pct", "month",
         date(2026, 9, 1), 0.75, 200, None),
        # before the previous weekly review: already shown in an earlier pack
        (None, None, datetime(2026, 10, 18, 6), "restated", "nps", "week", earlier_week,
         41.0, 150, 40.0),
        # after it: shown, with the delta
        (None, None, datetime(2026, 10, 25, 6), "restated", "csat_pct", "week", earlier_week,
         0.8, 210, 0.75),
        # the current review's own published rows do not count as the previous review
        ("r-test", "weekly", datetime(2026, 11, 2, 6), "published", "csat_pct", "week", WEEK,
         0.55, 200, None),
    ])  # fmt: skip
    pack = write(mini, "weekly", tmp_path / "reports", review_id="r-test")
    assert pack.restatements == 1
    restated = text(section(pack.html_path.read_text(encoding="utf-8"), "restatements"))
    assert "since the previous weekly review (logged 2026-10-19 06:00 UTC)" in restated
    assert "CSAT (top-2-box) csat_pct 2026-W42 (week) population 75.0% 80.0% +5.0 pp" in restated
    assert "Net Promoter Score" not in restated


def test_restated_value_below_the_minimum_sample_is_not_shown(mini: Path, tmp_path: Path) -> None:
    add_review_log(mini, [
        # restated to a value below the minimum sample
        (None, None, datetime(2026, 10, 25, 6), "restated", "nps", "week", date(2026, 10, 12),
         HIDDEN_VALUE, 12, 40.0),
        # published below the minimum sample, later restated above it
        (None, None, datetime(2026, 10, 20, 6), "restated", "csat_pct", "week",
         date(2026, 10, 5), HIDDEN_LOW, 11, 0.7),
        (None, None, datetime(2026, 10, 26, 6), "restated", "csat_pct", "week",
         date(2026, 10, 5), 0.8, 240, HIDDEN_LOW),
    ])  # fmt: skip
    pack = write(mini, "weekly", tmp_path / "reports")
    restated = text(section(pack.html_path.read_text(encoding="utf-8"), "restatements"))
    assert "ever (no earlier weekly review is logged)" in restated
    no_delta = "\N{EN DASH}"
    assert f"nps 2026-W42 (week) population 40.0 insufficient (n = 12) {no_delta}" in restated
    assert f"2026-W41 (week) population insufficient (n = 11) 80.0% {no_delta}" in restated
    for hidden in (HIDDEN_VALUE, HIDDEN_LOW):
        assert f"{hidden:.1f}" not in restated


def test_without_a_review_log_the_pack_says_so(mini: Path, tmp_path: Path) -> None:
    pack = write(mini, "monthly", tmp_path / "reports")
    restated = text(section(pack.html_path.read_text(encoding="utf-8"), "restatements"))
    assert restated == (
        "Restatements No restatements: the review log is empty (this release has no "
        "kpi_review_log)."
    )
    assert pack.restatements == 0


DASH = "\N{EN DASH}"


# --- experiment read-outs -----------------------------------------------------------------------


def experiment_blocks(html: str) -> dict[str, str]:
    """The HTML of each experiment's block in the read-outs, by experiment id."""
    blocks = section(html, "experiments").split('<section class="owner experiment">')[1:]
    found = {}
    for block in blocks:
        experiment = re.search(r'<span class="kpi-id">(exp_[a-z_]+)</span>', block)
        assert experiment, block[:200]
        found[experiment.group(1)] = block
    return found


def table_rows(html: str) -> list[str]:
    """The text of each body row of the tables in `html`."""
    return [text(row) for body in html.split("<tbody>")[1:] for row in
            body.split("</tbody>")[0].split("</tr>")[:-1]]  # fmt: skip


def charts_of(html: str, kind: str) -> list[str]:
    return re.findall(rf'<svg[^>]*class="chart chart-{kind}".*?</svg>', html, re.DOTALL)


def test_experiment_readout_shows_the_decision_read(mini: Path, tmp_path: Path) -> None:
    pack = write(mini, "monthly", tmp_path / "reports")
    blocks = experiment_blocks(pack.html_path.read_text(encoding="utf-8"))
    assert list(blocks) == ["exp_srm", "exp_win"]  # oldest exposure first; exp_old not shown
    win = blocks["exp_win"]
    assert "treatment vs control: ship at the 4-week read: primary metric better, no metric " \
        "worse." in text(win)  # fmt: skip
    assert 'class="badge decision-ship"' in win
    assert "Sample ratio: chi-square p 0.500 against the configured weights, no mismatch." in (
        text(win)
    )
    decision_read = table_rows(win.split("<h4>")[0])
    assert decision_read[0] == (
        "Conversion rate conversion_rate · commercial primary 10.0% n = 1,000 15.0% n = 1,000 "
        "+5.0 pp +50.0% relative +2.1 pp to +7.9 pp 0.001 raw < 0.001 better"
    )
    assert decision_read[1] == (
        "CSAT (top-2-box) csat_pct · human-centric guardrail 80.0% n = 300 79.0% n = 310 "
        "-1.0 pp -1.2% relative -7.5 pp to +5.5 pp 0.760 raw 0.760 no significant change"
    )
    # the broken split is flagged, the breached guardrail marked
    srm = blocks["exp_srm"]
    assert "Sample-ratio mismatch: the split of units differs from the configured weights " \
        "(chi-square p < 0.001)" in text(srm)  # fmt: skip
    assert 'class="badge decision-inconclusive"' in srm
    rows = table_rows(srm.split("<h4>")[0])
    assert rows[1].startswith("Escalation rate escalation_rate · human-centric guardrail breached")
    assert rows[1].endswith("+6.0 pp +30.0% relative +2.0 pp to +10.0 pp 0.003 raw 0.002 worse")
    assert '<span class="bad significant">guardrail breached</span>' in srm


def test_experiment_forest_plot_draws_lifts_around_zero(mini: Path, tmp_path: Path) -> None:
    pack = write(mini, "monthly", tmp_path / "reports")
    win = experiment_blocks(pack.html_path.read_text(encoding="utf-8"))["exp_win"]
    (forest,) = charts_of(win, "forest")
    assert "<title>Warm &lt;b&gt;greeting&lt;/b&gt; &amp; &quot;tone&quot;, treatment vs " \
        "control: lift of each metric at 4 weeks with 95% interval</title>" in forest  # fmt: skip
    # conversion (primary: a diamond) and CSAT drawn with their intervals; NPS only a cross
    assert forest.count('class="mark point"') == 2 and forest.count('class="mark interval"') == 2
    assert forest.count('class="gap"') == 1
    assert "<title>Net Promoter Score: insufficient (n = 12 / 9)</title>" in forest
    zero = float(re.search(r'<line x1="([\d.]+)" x2="\1"[^>]*stroke-dasharray', forest).group(1))
    diamond = re.search(r'<path d="M([\d.]+) [\d.]+L[^"]*Z" fill="#2f7d32" class="mark point"',
                        forest)  # fmt: skip
    assert diamond and float(diamond.group(1)) > zero  # conversion better: right of zero
    csat = re.search(r'<path d="M([\d.]+) [\d.]+H([\d.]+)[^"]*"[^>]*class="mark interval">'
                     r"<title>CSAT", forest)  # fmt: skip
    assert csat and float(csat.group(1)) < zero < float(csat.group(2))  # crosses zero
    html = pack.html_path.read_text(encoding="utf-8")
    readouts = section(html, "experiments")
    assert len(charts_of(readouts, "forest")) == len(charts_of(readouts, "windows")) == 2
    assert readouts.count("<svg") == 4 and pack.charts == html.count("<svg")


def test_experiment_long_term_read_of_the_primary_metric(mini: Path, tmp_path: Path) -> None:
    pack = write(mini, "monthly", tmp_path / "reports")
    win = experiment_blocks(pack.html_path.read_text(encoding="utf-8"))["exp_win"]
    long_term = win.split("<h4>")[1]
    assert text(long_term).startswith("Long-term read: Conversion rate by weeks after exposure")
    assert table_rows(long_term) == [
        "1 week 3.0% n = 1,000 4.0% n = 1,000 +1.0 pp -2.0 pp to +4.0 pp 0.620 no significant "
        "change inconclusive",
        f"2 weeks 6.0% n = 900 insufficient (n = 20) {DASH} {DASH} {DASH} insufficient "
        "(n = 900 / 20) inconclusive",
        "4 weeks (decision read) 10.0% n = 1,000 15.0% n = 1,000 +5.0 pp +2.1 pp to +7.9 pp "
        "0.001 better ship",
        "8 weeks not read yet: no unit has had 8 weeks since exposure" + f" {DASH}" * 6,
    ]
    (chart,) = charts_of(win, "windows")
    assert chart.count('class="mark point"') == 2 and chart.count('class="gap"') == 2
    assert "<title>Conversion rate, 2 weeks after exposure: insufficient (n = 900 / 20)" in chart
    assert "<title>8 wk: not read yet: no unit has had 8 weeks since exposure</title>" in chart


def test_experiment_values_below_the_minimum_sample_are_not_results(
    mini: Path, tmp_path: Path
) -> None:
    pack = write(mini, "monthly", tmp_path / "reports")
    html = pack.html_path.read_text(encoding="utf-8")
    readouts = section(html, "experiments")
    assert_hidden(readouts, HIDDEN_VALUE, HIDDEN_LOW, HIDDEN_HIGH, HIDDEN_CONTROL,
                  HIDDEN_VALUE - HIDDEN_CONTROL)  # fmt: skip
    nps = next(row for row in table_rows(readouts) if row.startswith("Net Promoter Score"))
    assert nps == (
        "Net Promoter Score nps · human-centric secondary insufficient (n = 12) not compared "
        f"(n = 9) {DASH} {DASH} {DASH} insufficient (n = 12 / 9)"
    )
    assert "0.037" not in text(readouts) and "0.012" not in text(readouts)  # its p-values
    rows = read_csv(pack.directory / "experiments.csv")
    for row in rows:
        if row["has_min_sample"] == "false":
            assert row["metric_outcome"] == "insufficient_sample"
            for column in ("value", "control_value", "lift_abs", "lift_rel", "ci_low",
                           "ci_high", "p_value", "p_value_adjusted"):  # fmt: skip
                assert row[column] == "", (row["metric"], column)
    assert sum(row["has_min_sample"] == "false" for row in rows) == 2


def test_experiment_text_is_escaped(mini: Path, tmp_path: Path) -> None:
    pack = write(mini, "monthly", tmp_path / "reports")
    html = pack.html_path.read_text(encoding="utf-8")
    win = experiment_blocks(html)["exp_win"]
    assert "<script" not in html.lower() and "<b>greeting" not in html
    assert "<h3>Warm &lt;b&gt;greeting&lt;/b&gt; &amp; &quot;tone&quot;<span" in win
    assert "A warmer &lt;script&gt;alert(1)&lt;/script&gt; greeting raises conversion." in win
    assert EXPERIMENT_NAME in text(win) and EXPERIMENT_HYPOTHESIS in text(win)


def test_which_experiments_a_period_shows(mini: Path, tmp_path: Path) -> None:
    def run(first: datetime, last: datetime) -> ExperimentRun:
        return ExperimentRun("e", "e", None, None, first, last, 10, 8)

    october, november = date(2026, 10, 1), date(2026, 11, 1)
    assert run(datetime(2026, 10, 31, 23, 59), datetime(2026, 12, 1)).is_shown_in(october, november)
    assert not run(datetime(2026, 11, 1), datetime(2026, 12, 1)).is_shown_in(october, november)
    # the 8-week reads of an exposure on 6 Aug close on 1 Oct at 00:00: before October
    assert not run(datetime(2026, 7, 1), datetime(2026, 8, 6)).is_shown_in(october, november)
    assert run(datetime(2026, 7, 1), datetime(2026, 8, 6, 0, 1)).is_shown_in(october, november)
    assert run(datetime(2025, 1, 1), datetime(2027, 1, 1)).is_shown_in(october, november)
    monthly = experiment_blocks(write(mini, "monthly", tmp_path / "m").html_path.read_text())
    assert "In 2026-10: assignment over; the 8-week reads of its last exposures close on " \
        "15 Oct 2026." in text(monthly["exp_srm"])  # fmt: skip
    assert "In 2026-10: assigning units." in text(monthly["exp_win"])
    quarterly = write(mini, "quarterly", tmp_path / "q").html_path.read_text()
    blocks = experiment_blocks(quarterly)
    assert list(blocks) == ["exp_srm", "exp_win"]
    assert "In 2026-Q3: assigning units (started in this period)." in text(blocks["exp_win"])
    # not analysed units do not move the exposure dates
    assert "Exposure 14 Sep 2026 to 20 Oct 2026 UTC, 2 units analysed" in text(blocks["exp_win"])


def test_a_period_without_experiments_says_so(mini: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(mini)) as connection:
        connection.execute(
            "update intermediate.int_experiment_units set exposed_at = exposed_at - interval 3 year"
        )
    pack = write(mini, "monthly", tmp_path / "reports")
    readouts = section(pack.html_path.read_text(encoding="utf-8"), "experiments")
    assert text(readouts) == (
        "Experiment read-outs No experiment was running or concluding in 2026-10: none assigned "
        "units in the period or still had exposure cohorts being read."
    )
    assert read_csv(pack.directory / "experiments.csv") == []
    with duckdb.connect(str(mini)) as connection:
        connection.execute("drop table main.experiment_scorecard")
    pack = write(mini, "quarterly", tmp_path / "reports")
    readouts = section(pack.html_path.read_text(encoding="utf-8"), "experiments")
    assert "This release has no experiment tables" in text(readouts)
    assert not (pack.directory / "experiments.csv").exists()


# --- attribution --------------------------------------------------------------------------------

MONTH_SENTENCE = (
    "In 2026-10, trust-building touches earn $100 (10.0%) of the $1,000 conversion value under "
    "last touch, and more under every multi-touch model: linear $250 (25.0%), 2.50 times the "
    "last-touch credit; position-based $200 (20.0%), 2.00 times the last-touch credit; time "
    "decay $250 (25.0%), 2.50 times the last-touch credit. First touch gives them $50 (5.0%)."
)


def test_attribution_by_touch_group_and_channel_against_last_touch(
    mini: Path, tmp_path: Path
) -> None:
    pack = write(mini, "monthly", tmp_path / "reports")
    html = pack.html_path.read_text(encoding="utf-8")
    credit = section(html, "attribution")
    assert MONTH_SENTENCE in text(credit)
    assert "$1,000 of conversion value" in text(credit)
    groups, channels = table_rows(credit.split("<h3>")[1]), table_rows(credit.split("<h3>")[2])
    assert groups == [
        "acquisition $600 60.0% $700 70.0% · +10.0 pp $450 45.0% · -15.0 pp $550 55.0% · "
        "-5.0 pp $400 40.0% · -20.0 pp",
        "nurture $200 20.0% $150 15.0% · -5.0 pp $200 20.0% · ±0.0 pp $150 15.0% · -5.0 pp "
        "$250 25.0% · +5.0 pp",
        "trust_building $100 10.0% $50 5.0% · -5.0 pp $250 25.0% · +15.0 pp $200 20.0% · "
        "+10.0 pp $250 25.0% · +15.0 pp",
        "unattributed $100 10.0% $100 10.0% · ±0.0 pp $100 10.0% · ±0.0 pp $100 10.0% · "
        "±0.0 pp $100 10.0% · ±0.0 pp",
    ]
    assert [row.split(" $")[0] for row in channels] == [
        "paid_search",
        ODD_CHANNEL,
        "ai_chat",
        "unattributed",
    ]
    assert "7,77" not in text(credit)  # September's credits
    # one small-multiples chart per dimension: 5 panels x 4 values, every bar drawn
    groups_chart, channels_chart = charts_of(credit, "multiples")
    assert groups_chart.count('class="mark bar"') == 20
    assert groups_chart.count('class="reference"') == 16  # a last-touch tick in 4 panels
    assert "<title>Linear · trust_building: $250 (25.0%); last touch $100 (10.0%), +15.0 pp" \
        "</title>" in groups_chart  # fmt: skip
    assert "&lt;i&gt;partner&lt;/i&gt; &amp; co" in channels_chart and "<i>" not in credit
    bars = re.findall(r'width="([\d.]+)"[^>]*class="mark bar"><title>([^<]+)</title>',
                      groups_chart)  # fmt: skip
    widths = {title.split(":")[0]: float(width) for width, title in bars}
    assert widths["Linear · trust_building"] == pytest.approx(
        2.5 * widths["Last touch · trust_building"], rel=0.01
    )
    rows = read_csv(pack.directory / "attribution.csv")
    assert len(rows) == 40 and {row["period_start"] for row in rows} == {"2026-10-01"}
    trust = next(r for r in rows if r["dimension_value"] == "trust_building" and
                 r["model"] == "linear")  # fmt: skip
    assert (float(trust["credit"]), float(trust["credit_ratio_to_last_touch"])) == (250.0, 2.5)


def test_attribution_of_a_quarter_reads_the_quarter(mini: Path, tmp_path: Path) -> None:
    pack = write(mini, "quarterly", tmp_path / "reports")
    html = pack.html_path.read_text(encoding="utf-8")
    credit = text(section(html, "attribution"))
    assert (
        "In 2026-Q3, trust-building touches earn $1,000 (25.0%) of the $4,000 conversion value "
        "under last touch, and more under time decay, less under linear, the same under "
        "position-based: linear $800 (20.0%), 0.80 times the last-touch credit;"
    ) in credit
    assert "By touch group" in credit and "By channel" not in credit  # no channel rows
    assert len(charts_of(section(html, "attribution"), "multiples")) == 1
    assert pack.charts == html.count("<svg")


def test_trust_building_sentence_when_last_touch_gives_nothing() -> None:
    def credit(model: str, amount: float) -> Credit:
        return Credit("month", MONTH, "touch_group", "trust_building", model, 1, 1, amount,
                      500.0, amount / 500.0, 0.0, 0.0, amount, amount / 500.0, None)  # fmt: skip

    amounts = {"first_touch": 0.0, "last_touch": 0.0, "linear": 50.0, "position_based": 40.0,
               "time_decay": 30.0}  # fmt: skip
    cells = {("trust_building", m): credit(m, a) for m, a in amounts.items()}
    table_ = CreditTable("touch_group", ("trust_building",), cells, 500.0)
    found = Attribution(True, {"touch_group": table_}, tuple(cells.values()))
    assert trust_building_sentence(found, "2026-10") == (
        "In 2026-10, trust-building touches earn nothing under last touch, and more under every "
        "multi-touch model: linear $50 (10.0%), $50 more; position-based $40 (8.0%), $40 more; "
        "time decay $30 (6.0%), $30 more. First touch gives them $0 (0.0%)."
    )
    nothing = Attribution(True, {"touch_group": CreditTable("touch_group", (), {}, 500.0)})
    assert trust_building_sentence(nothing, "2026-10") == (
        "Trust-building touches earned no credit in 2026-10: no conversion had one in its "
        "look-back window."
    )


def test_a_period_without_conversions_says_so(mini: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(mini)) as connection:
        connection.execute("delete from main.fct_attribution_summary where grain = 'month'")
    pack = write(mini, "monthly", tmp_path / "reports")
    credit = text(section(pack.html_path.read_text(encoding="utf-8"), "attribution"))
    assert credit == "Attribution: credit by model, compared with last touch No conversions " \
        "in 2026-10: nothing to attribute."  # fmt: skip
    assert read_csv(pack.directory / "attribution.csv") == []
    with duckdb.connect(str(mini)) as connection:
        connection.execute("drop table main.fct_attribution_summary")
    pack = write(mini, "monthly", tmp_path / "reports")
    credit = text(section(pack.html_path.read_text(encoding="utf-8"), "attribution"))
    assert "This release has no fct_attribution_summary" in credit
    assert not (pack.directory / "attribution.csv").exists()  # the earlier one is removed


def test_extracts_are_listed_in_the_header_and_written(mini: Path, tmp_path: Path) -> None:
    for cadence in ("monthly", "quarterly"):
        pack = write(mini, cadence, tmp_path / "reports")
        names = ["attribution.csv", "experiments.csv", "kpis.csv", "review.html"]
        assert sorted(p.name for p in pack.directory.iterdir()) == names
        assert pack.extract_paths == (
            pack.directory / "experiments.csv",
            pack.directory / "attribution.csv",
        )
        html = pack.html_path.read_text(encoding="utf-8")
        meta = html.split('<dl class="meta">')[1].split("</dl>")[0]
        for name in ("kpis.csv", "experiments.csv", "attribution.csv"):
            assert f'<a href="{name}">{name}</a>' in meta
        with (pack.directory / "experiments.csv").open(encoding="utf-8", newline="") as stream:
            assert tuple(next(csv.reader(stream))) == EXPERIMENT_COLUMNS
        rows = read_csv(pack.directory / "experiments.csv")
        assert {row["experiment_id"] for row in rows} == {"exp_srm", "exp_win"}
        assert len(rows) == 9 and {row["variant"] for row in rows} == {"treatment"}
        conversion = next(r for r in rows if r["metric"] == "conversion_rate" and
                          r["weeks_after_exposure"] == "4")  # fmt: skip
        assert (conversion["decision"], float(conversion["lift_abs"])) == ("ship", 0.05)
        assert conversion["is_decision_read"] == "true"
        assert_csv_matches_scorecard(pack, mini, cadence, REVIEWED[cadence], set())
    weekly = write(mini, "weekly", tmp_path / "reports")
    assert weekly.extract_paths == ()
    assert 'id="experiments"' not in weekly.html_path.read_text(encoding="utf-8")


# --- the three packs of a real build, as a reader sees them -------------------------------------


@dataclass(frozen=True)
class BuiltPacks:
    warehouse: Path
    reviewed: dict[str, date]
    not_weekly: set[str]
    packs: dict[str, ReviewPack]


@pytest.fixture(scope="module")
def built_packs(built: Built, tmp_path_factory: pytest.TempPathFactory) -> BuiltPacks:
    """The three packs for the last closed periods of a copy of the demo build, with one
    synthetic restatement logged after an earlier weekly review."""
    root = tmp_path_factory.mktemp("built_packs")
    warehouse = root / "warehouse.duckdb"
    shutil.copy(built.serving_file, warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        closed = dict(connection.execute(
            "select grain, max(period_start) from main.kpi_scorecard where is_closed_period "
            "group by grain"
        ).fetchall())  # fmt: skip
        not_weekly = {
            kpi for (kpi,) in connection.execute(
                "select kpi_id from main.kpi_definitions where cadences not like '%weekly%'"
            ).fetchall()
        }  # fmt: skip
    reviewed = {cadence: closed[grain_of(cadence)] for cadence in CADENCES}
    previous_week = shift_period("week", reviewed["weekly"], -1)
    add_review_log(warehouse, [
        ("earlier", "weekly", datetime(2000, 1, 1), "published", "csat_pct", "week",
         previous_week, 0.5, 100, None),
        (None, None, datetime(2099, 1, 1), "restated", "csat_pct", "week", previous_week,
         0.625, 100, 0.5),
    ])  # fmt: skip
    packs = {
        cadence: write_review_pack(
            warehouse, cadence, reviewed[cadence], root / "reports", review_id=f"test-{cadence}",
            echo=lambda _: None,
        )
        for cadence in CADENCES
    }  # fmt: skip
    return BuiltPacks(warehouse, reviewed, not_weekly, packs)


EXPECTED_SECTIONS = {
    "weekly": ["changes", "breaches", "watches", "diagnostics", "themes", "restatements"],
    "monthly": ["trends", "changes", "cohorts", "mrr", "breaches", "watches", "diagnostics",
                "experiments", "attribution", "restatements"],
    "quarterly": ["changes", "hierarchy", "decisions", "experiments", "attribution",
                  "restatements"],
}  # fmt: skip
# Sections whose charts must be drawn whatever the data (themes depend on the week's comments;
# the demo data has an experiment running and conversions in every closed month and quarter).
CHART_SECTIONS = {
    "weekly": {"changes"},
    "monthly": {"trends", "cohorts", "mrr", "experiments", "attribution"},
    "quarterly": {"changes", "hierarchy", "experiments", "attribution"},
}
# Chart kinds that must have drawn marks: the forest plot and the long-term read of each
# experiment, the small multiples of attribution.
CHART_KINDS = {
    "weekly": set(),
    "monthly": {"chart-forest", "chart-windows", "chart-multiples"},
    "quarterly": {"chart-forest", "chart-windows", "chart-multiples"},
}
URL_ATTRIBUTE = re.compile(
    r"""(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", re.I
)


@pytest.mark.slow
@pytest.mark.parametrize("cadence", CADENCES)
def test_a_reader_sees_the_pack_in_chromium(
    built_packs: BuiltPacks, cadence: str, tmp_path: Path
) -> None:
    pack = built_packs.packs[cadence]
    html = pack.html_path.read_text(encoding="utf-8")
    # self-contained: nothing to fetch, no script, no external style or font
    assert not URL_ATTRIBUTE.search(html)
    assert not re.search(r"url\(|@import|<script|<link|<iframe|<img|<object|<embed", html, re.I)
    assert re.findall(r'<section id="([a-z]+)">', html) == EXPECTED_SECTIONS[cadence]

    seen = render_probe(pack.html_path, tmp_path)
    titles = {"weekly": "Weekly operational review", "monthly": "Monthly business review",
              "quarterly": "Quarterly leadership review"}  # fmt: skip
    assert seen["title"] == f"{titles[cadence]} {pack.period_label}"
    assert seen["text"].startswith(seen["title"])
    assert seen["resources"] == [], "the page loaded resources"
    for bad in ("Traceback", "NaN", "None", "undefined", "Infinity", "nan%"):
        assert bad not in seen["text"], f"{bad!r} on the page"
    assert "Statistical rules:" in seen["text"] and "insufficient" in seen["text"]

    charts = seen["charts"]
    assert charts and all(chart["title"] for chart in charts)
    for chart in charts:
        assert chart["width"] > 0 and chart["height"] > 0
        assert chart["drawn_marks"] > 0 or chart["gaps"] > 0, chart
    for key in CHART_SECTIONS[cadence]:
        drawn = [chart["drawn_marks"] for chart in charts if chart["section"] == key]
        assert drawn and sum(drawn) > 0, f"no chart drawn in section {key}"
    for kind in CHART_KINDS[cadence]:
        drawn = [chart["drawn_marks"] for chart in charts if chart["kind"] == kind]
        assert drawn and all(count > 0 for count in drawn), f"{kind} not drawn: {drawn}"
    assert len(charts) == pack.charts


@pytest.mark.slow
@pytest.mark.parametrize("cadence", CADENCES)
def test_csv_extract_matches_the_scorecard_of_the_build(
    built_packs: BuiltPacks, cadence: str
) -> None:
    not_reviewed = built_packs.not_weekly if cadence == "weekly" else set()
    assert_csv_matches_scorecard(
        built_packs.packs[cadence],
        built_packs.warehouse,
        cadence,
        built_packs.reviewed[cadence],
        not_reviewed,
    )


@pytest.mark.slow
def test_restatement_is_visible_in_the_packs_of_the_build(built_packs: BuiltPacks) -> None:
    for cadence in CADENCES:
        pack = built_packs.packs[cadence]
        restated = text(section(pack.html_path.read_text(encoding="utf-8"), "restatements"))
        assert "CSAT (top-2-box)" in restated and "50.0% 62.5% +12.5 pp" in restated
        assert pack.restatements >= 1


def build_records(warehouse: Path, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        cursor = connection.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.mark.slow
@pytest.mark.parametrize("cadence", ["monthly", "quarterly"])
def test_experiment_readouts_of_the_build(built_packs: BuiltPacks, cadence: str) -> None:
    """The experiments the rule selects, recomputed in SQL, each with the scorecard's decision
    per variant; the extract holds their rows with values only above the minimum sample."""
    pack, start = built_packs.packs[cadence], built_packs.reviewed[cadence]
    end = period_end(grain_of(cadence), start)
    expected = build_records(built_packs.warehouse, """
        with exposures as (
            select experiment_id, min(exposed_at) as first_exposure,
                max(exposed_at) as last_exposure
            from intermediate.int_experiment_units where is_analysed group by experiment_id
        )
        select experiment_id from exposures
        where first_exposure < ? and last_exposure + to_weeks(
            (select max(weeks_after_exposure) from main.experiment_scorecard)) > ?
            and experiment_id in (select experiment_id from main.experiment_scorecard)
        order by experiment_id
    """, [end, start])  # fmt: skip
    blocks = experiment_blocks(pack.html_path.read_text(encoding="utf-8"))
    assert sorted(blocks) == [row["experiment_id"] for row in expected] and blocks
    decisions = build_records(built_packs.warehouse, """
        select distinct experiment_id, variant, decision, decision_reason, weeks_after_exposure
        from main.experiment_scorecard where is_decision_read and not is_control
    """, [])  # fmt: skip
    for row in (d for d in decisions if d["experiment_id"] in blocks):
        words = row["decision"].replace("do_not_ship", "do not ship").replace("_", "-")
        assert (
            f"{row['variant']} vs control: {words} at the {row['weeks_after_exposure']}-week "
            f"read: {row['decision_reason']}."
        ) in text(blocks[row["experiment_id"]])
    scorecard = build_records(built_packs.warehouse, """
        select experiment_id, variant, metric, weeks_after_exposure, value, has_min_sample
        from main.experiment_scorecard where not is_control and experiment_id in ?
    """, [sorted(blocks)])  # fmt: skip
    rows = read_csv(pack.directory / "experiments.csv")
    assert len(rows) == len(scorecard)
    values = {(r["experiment_id"], r["variant"], r["metric"], int(r["weeks_after_exposure"])):
              r["value"] for r in rows}  # fmt: skip
    for row in scorecard:
        written = values[(row["experiment_id"], row["variant"], row["metric"],
                          row["weeks_after_exposure"])]  # fmt: skip
        if row["has_min_sample"] and row["value"] is not None:
            assert float(written) == row["value"]
        else:
            assert written == ""
    assert any(not row["has_min_sample"] for row in scorecard), "no short comparison to check"
    assert "insufficient (n = " in section(pack.html_path.read_text(encoding="utf-8"),
                                           "experiments")  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("cadence", ["monthly", "quarterly"])
def test_attribution_of_the_build(built_packs: BuiltPacks, cadence: str) -> None:
    """The section states the governed summary's trust-building credits of the period under
    last touch and each multi-touch model, and the extract holds the period's rows."""
    pack, start = built_packs.packs[cadence], built_packs.reviewed[cadence]
    summary = build_records(built_packs.warehouse, """
        select * from main.fct_attribution_summary
        where grain = ? and period_start = ? and dimension in ('touch_group', 'channel')
    """, [grain_of(cadence), start])  # fmt: skip
    assert summary, "no conversions in the reviewed period of the demo data"
    trust = {
        row["model"]: row for row in summary
        if (row["dimension"], row["dimension_value"]) == ("touch_group", "trust_building")
    }  # fmt: skip
    credit = text(section(pack.html_path.read_text(encoding="utf-8"), "attribution"))
    last = trust["last_touch"]
    assert (
        f"trust-building touches earn ${last['credit']:,.0f} ({last['credit_share']:.1%}) of the "
        f"${last['period_value']:,.0f} conversion value under last touch"
    ) in credit
    names = {"linear": "linear", "position_based": "position-based", "time_decay": "time decay"}
    for model, name in names.items():
        found = trust[model]
        ratio = found["credit"] / last["credit"]
        assert (
            f"{name} ${found['credit']:,.0f} ({found['credit_share']:.1%}), {ratio:.2f} times "
            "the last-touch credit"
        ) in credit
    rows = read_csv(pack.directory / "attribution.csv")
    assert len(rows) == len(summary)
    assert {row["model"] for row in rows} == {
        "first_touch", "last_touch", "linear", "position_based", "time_decay"
    }  # fmt: skip
