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
from empathy.reviews.extract import CSV_COLUMNS
from empathy.reviews.markup import element
from empathy.reviews.periods import (
    grain_of,
    last_closed_period,
    period_end,
    shift_period,
    trailing_periods,
)
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
        html = pack.html_path.read_text(encoding="utf-8")
        for hidden in (HIDDEN_VALUE, HIDDEN_LOW, HIDDEN_HIGH):
            assert f"{hidden:.1f}" not in html and str(hidden) not in html
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
                "restatements"],
    "quarterly": ["changes", "hierarchy", "decisions", "restatements"],
}  # fmt: skip
# Sections whose charts must be drawn whatever the data (themes depend on the week's comments).
CHART_SECTIONS = {
    "weekly": {"changes"},
    "monthly": {"trends", "cohorts", "mrr"},
    "quarterly": {"changes", "hierarchy"},
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
