"""Great Expectations quality gates: the built demo warehouse passes, and each kind of expectation
fails, naming its table, column and the size of the failure, on a copy of the warehouse that was
broken on purpose. The served file itself is never modified."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import duckdb
import great_expectations.expectations as gxe
import pandas as pd
import pytest

from conftest import Built
from empathy.quality import ExpectationFailure, QualityReport, run_quality_gates
from empathy.quality.checks import Check, between
from empathy.quality.coverage import MATURITY_DAYS, expected_periods
from empathy.quality.data_docs import build as build_docs
from empathy.quality.gates import new_context, validate_suite
from empathy.quality.inputs import volume_frame
from empathy.quality.ranges import kpi_range, range_groups
from empathy.quality.suites import Suite

BETWEEN = "expect_column_values_to_be_between"
IN_SET = "expect_column_values_to_be_in_set"
UNIQUE = "expect_compound_columns_to_be_unique"
# the population row of a closed, mid-window month
MONTH = "date '2026-03-01'"
AT = f"grain = 'month' and period_start = {MONTH} and segment_type = 'all'"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
TEXT_SUFFIXES = {".html", ".json", ".css", ".js", ".txt", ".svg"}

# -- helpers ---------------------------------------------------------------------------------------


def gates(warehouse: Path, docs_dir: Path | None = None) -> QualityReport:
    return run_quality_gates(warehouse, docs_dir=docs_dir, echo=lambda line: None)


def broken_copy(served: Path, folder: Path, *statements: str) -> Path:
    """A copy of the served warehouse with ``statements`` applied."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / "warehouse.duckdb"
    shutil.copyfile(served, copy)
    with duckdb.connect(str(copy)) as connection:
        for statement in statements:
            connection.execute(statement)
    return copy


def the_failure(
    report: QualityReport, table: str, column: str | None, expectation: str, expected: str = ""
) -> ExpectationFailure:
    """The one failure on (table, column, expectation) whose expectation text holds ``expected``."""
    found = [
        failure
        for failure in report.failures
        if (failure.table, failure.column, failure.expectation) == (table, column, expectation)
        and expected in failure.expected
    ]
    assert len(found) == 1, "\n".join(report.summary_lines())
    return found[0]


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.sql(sql).fetchall()


def text_files(folder: Path) -> dict[Path, str]:
    return {
        path: path.read_text(errors="ignore")
        for path in folder.rglob("*")
        if path.is_file() and path.suffix in TEXT_SUFFIXES
    }


@pytest.fixture(scope="module")
def served(built: Built) -> Path:
    return built.serving_file


@pytest.fixture(scope="module")
def rows(served: Path) -> int:
    ((count,),) = query(served, "select count(*) from main.kpi_scorecard")
    return int(count)


# -- the demo warehouse passes ---------------------------------------------------------------------


@pytest.mark.slow
def test_the_demo_warehouse_passes_every_gate_and_is_only_read(
    served: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    copy = broken_copy(served, tmp_path)  # nothing broken: an identical copy
    before = hashlib.sha256(copy.read_bytes()).digest()
    # A read-only connection held open in this process: the gates can only join it read-only
    # (DuckDB refuses a second connection to the file with another configuration).
    with duckdb.connect(str(copy), read_only=True):
        report = gates(copy)
    printed = capfd.readouterr()

    assert report.success, "\n".join(report.summary_lines())
    assert report.failures == []
    assert report.suites == [
        "kpi_registry",
        "kpi_scorecard_values",
        "kpi_scorecard_coverage",
        "source_quality",
        "input_volumes",
        "survey_response_rates",
    ]
    assert 30 <= report.evaluated <= 60
    (total,) = report.summary_lines()
    assert total.startswith(f"Quality gates passed: 0 of {report.evaluated} expectations failed")
    assert json.loads(json.dumps(report.to_dict()))["success"] is True
    assert hashlib.sha256(copy.read_bytes()).digest() == before
    assert [path.name for path in tmp_path.iterdir()] == ["warehouse.duckdb"]
    assert printed.out == "" and printed.err == ""  # no GX progress bars or logs


# -- 1. value ranges per unit ----------------------------------------------------------------------


def test_ranges_come_from_unit_and_aggregation() -> None:
    assert kpi_range("ratio", "proportion") == (0.0, 1.0)
    assert kpi_range("ratio", "ratio") == (0.0, float("inf"))  # NRR exceeds 1 with expansion
    assert kpi_range("nps", "nps") == (-100.0, 100.0)
    assert kpi_range("score_1_7", "mean") == (1.0, 7.0)
    assert kpi_range("usd_change", "sum") is None  # a new unit needs its range decided
    registry = pd.DataFrame(
        {
            "kpi_id": ["a", "b", "c", "d"],
            "unit": ["ratio", "ratio", "minutes", "usd_change"],
            "aggregation": ["proportion", "ratio", "median", "sum"],
        }
    )
    assert [(g.low, g.high, g.kpi_ids) for g in range_groups(registry)] == [
        (0.0, 1.0, ("a",)),
        (0.0, float("inf"), ("b", "c")),
    ]
    # intervals are range-checked where they are bounded by construction (Wilson, quantiles)
    assert [g.kpi_ids for g in range_groups(registry, intervals=True)] == [("a",), ("c",)]


@pytest.mark.slow
def test_values_outside_their_units_range_fail(served: Path, tmp_path: Path, rows: int) -> None:
    # intervals set null: these rows break only their value's range, not the interval checks
    broken = {
        "csat_pct": (1.73, AT),
        "nps": (-150, AT),
        "first_response_time_median": (-2, AT),
        "effort_score": (
            9,
            "grain = 'week' and segment_type = 'all' and period_start = date '2026-03-02'",
        ),
    }
    copy = broken_copy(
        served,
        tmp_path,
        *(
            f"update main.kpi_scorecard set value = {value}, ci_low = null, ci_high = null "
            f"where kpi_id = '{kpi}' and {where}"
            for kpi, (value, where) in broken.items()
        ),
    )
    report = gates(copy)

    assert not report.success
    share = the_failure(report, "kpi_scorecard", "value", BETWEEN, "within [0, 1] for")
    assert share.suite == "kpi_scorecard_values"
    assert re.fullmatch(
        r"1 of [\d,]+ rows \([\d.e-]+%\) outside \[0, 1\]; max observed 1\.73 \(csat_pct\)",
        share.observed,
    ), share.observed
    assert f"of {rows:,} rows" not in share.observed  # only the proportions are in scope
    nps = the_failure(report, "kpi_scorecard", "value", BETWEEN, "within [-100, 100]")
    assert nps.observed.endswith("outside [-100, 100]; min observed -150 (nps)")
    minutes = the_failure(report, "kpi_scorecard", "value", BETWEEN, "within [0, +inf)")
    assert minutes.observed.endswith("min observed -2 (first_response_time_median)")
    effort = the_failure(report, "kpi_scorecard", "value", BETWEEN, "within [1, 7]")
    assert effort.observed.startswith("1 of ")
    assert effort.observed.endswith("max observed 9 (effort_score)")
    assert len(report.failures) == 4, "\n".join(report.summary_lines())


@pytest.mark.slow
def test_a_bounded_interval_outside_the_range_fails(served: Path, tmp_path: Path) -> None:
    copy = broken_copy(
        served,
        tmp_path,
        "update main.kpi_scorecard set value = 0.9, ci_low = 0.8, ci_high = 1.2 "
        f"where kpi_id = 'bounce_rate' and {AT}",
    )
    report = gates(copy)

    failure = the_failure(report, "kpi_scorecard", "ci_high", BETWEEN, "ci_high within [0, 1]")
    assert failure.observed.startswith("1 of ")
    assert failure.observed.endswith("outside [0, 1]; max observed 1.2 (bounce_rate)")
    assert len(report.failures) == 1, "\n".join(report.summary_lines())


@pytest.mark.slow
def test_a_unit_without_a_range_fails_the_registry(served: Path, tmp_path: Path) -> None:
    copy = broken_copy(
        served,
        tmp_path,
        "update main.kpi_definitions set unit = 'usd_change' where kpi_id = 'won_value'",
    )
    report = gates(copy)

    failure = the_failure(report, "kpi_definitions", "unit", IN_SET)
    assert failure.suite == "kpi_registry"
    assert re.match(
        r"1 of \d+ KPIs \([\d.]+%\) without a range: won_value usd_change$", failure.observed
    )


# -- 2. the grain of kpi_scorecard -----------------------------------------------------------------


@pytest.mark.slow
def test_a_duplicated_scorecard_row_fails_the_grain(
    served: Path, tmp_path: Path, rows: int
) -> None:
    copy = broken_copy(
        served,
        tmp_path,
        f"insert into main.kpi_scorecard select * from main.kpi_scorecard "
        f"where kpi_id = 'csat_pct' and {AT}",
    )
    report = gates(copy)

    failure = the_failure(report, "kpi_scorecard", None, UNIQUE)
    assert "kpi_id, grain, period_start, segment_type, segment_value" in failure.expected
    assert failure.observed.startswith(f"2 of {rows + 1:,} rows")
    assert failure.observed.endswith(
        "share their grain with another row: csat_pct month 2026-03-01 all"
    )
    assert len(report.failures) == 1, "\n".join(report.summary_lines())


# -- 3. every registered KPI for every grain and closed period -------------------------------------


def _scorecard(kpi: str, grain: str, starts: list[str], sample: int, **extra: object):
    length = {"week": pd.Timedelta(days=7), "month": pd.DateOffset(months=1)}[grain]
    frame = pd.DataFrame({"period_start": pd.to_datetime(starts)})
    return frame.assign(
        kpi_id=kpi,
        grain=grain,
        period_end=frame["period_start"] + length - pd.Timedelta(days=1),
        segment_type=extra.get("segment_type", "all"),
        sample_size=sample,
        is_closed_period=True,
    )


def test_coverage_requires_each_cadence_period_and_lets_through_only_plausible_gaps() -> None:
    weeks = [str(day.date()) for day in pd.date_range("2026-01-05", periods=20, freq="W-MON")]
    gap = weeks[:9] + weeks[10:]  # the 10th week is missing
    registry = pd.DataFrame(
        {
            "kpi_id": ["dense", "sparse", "monthly_only", "stale", "maturing"],
            "cadences": ["weekly", "weekly", "monthly", "weekly", "weekly"],
        }
    )
    horizon_weeks = len(weeks)
    maturing_lag = MATURITY_DAYS // 7 - 1  # stops short of the horizon, within the wait allowed
    scorecard = pd.concat(
        [
            _scorecard("dense", "week", gap, 120),
            _scorecard("sparse", "week", gap, 2),
            _scorecard("monthly_only", "week", gap, 120),  # weeks published, not required
            _scorecard("monthly_only", "month", ["2026-01-01", "2026-02-01", "2026-03-01"], 500),
            _scorecard("stale", "week", weeks[:8], 120),
            _scorecard("maturing", "week", weeks[: horizon_weeks - maturing_lag], 120),
        ]
    )
    coverage = expected_periods(scorecard, registry)

    missing = coverage.periods.loc[~coverage.periods["is_published"]]
    assert coverage.tolerated_gaps == 1  # the sparse KPI's empty week
    # stale: weeks 9-14 end MATURITY_DAYS or more before the horizon, 15-20 may still mature
    assert sorted(missing.groupby("kpi_id").size().items()) == [("dense", 1), ("stale", 6)]
    assert missing.loc[missing["kpi_id"] == "dense", "period_start"].tolist() == [
        pd.Timestamp(weeks[9])
    ]
    assert set(coverage.periods.loc[coverage.periods["kpi_id"] == "monthly_only", "grain"]) == {
        "month"
    }


@pytest.mark.slow
def test_a_missing_closed_period_fails_coverage(served: Path, tmp_path: Path) -> None:
    copy = broken_copy(
        served, tmp_path, f"delete from main.kpi_scorecard where kpi_id = 'csat_pct' and {AT}"
    )
    report = gates(copy)

    failure = the_failure(report, "kpi_scorecard", None, IN_SET)
    assert failure.suite == "kpi_scorecard_coverage"
    assert re.fullmatch(
        r"1 of [\d,]+ required KPI periods \([\d.]+%\) missing: csat_pct month 2026-03-01",
        failure.observed,
    ), failure.observed
    assert len(report.failures) == 1, "\n".join(report.summary_lines())


@pytest.mark.slow
def test_a_kpi_that_stops_early_or_disappears_fails_coverage(served: Path, tmp_path: Path) -> None:
    copy = broken_copy(
        served,
        tmp_path,
        "delete from main.kpi_scorecard where kpi_id = 'csat_pct' "
        "and period_start >= date '2026-09-01'",
        "delete from main.kpi_scorecard where kpi_id = 'reopen_rate'",
    )
    report = gates(copy)

    failure = the_failure(report, "kpi_scorecard", None, IN_SET)
    assert "csat_pct week 2026-09-07" in failure.observed
    assert "reopen_rate week" in failure.observed
    (published,) = query(
        copy,
        "select count(*) from main.kpi_scorecard where kpi_id = 'reopen_rate'",
    )
    assert published == (0,)


# -- 4. intervals and samples ----------------------------------------------------------------------


@pytest.mark.slow
def test_an_interval_that_misses_its_value_fails(served: Path, tmp_path: Path) -> None:
    copy = broken_copy(
        served,
        tmp_path,
        f"update main.kpi_scorecard set ci_high = value - 0.1 where kpi_id = 'csat_pct' and {AT}",
        f"update main.kpi_scorecard set ci_low = value + 0.25 where kpi_id = 'nps' and {AT}",
    )
    report = gates(copy)

    high = the_failure(report, "kpi_scorecard", "ci_high", BETWEEN, "ci_low <= value <= ci_high")
    assert re.fullmatch(
        r"1 of [\d,]+ rows \([\d.e-]+%\) with value above ci_high; largest by 0\.1 \(csat_pct\)",
        high.observed,
    ), high.observed
    low = the_failure(report, "kpi_scorecard", "ci_low", BETWEEN, "ci_low <= value <= ci_high")
    assert low.observed.endswith("with ci_low above value; largest by 0.25 (nps)")
    assert len(report.failures) == 2, "\n".join(report.summary_lines())


@pytest.mark.slow
def test_samples_and_sufficiency_that_disagree_fail(served: Path, tmp_path: Path) -> None:
    def first_row(where: str) -> str:
        return f"rowid = (select min(rowid) from main.kpi_scorecard where {where})"

    copy = broken_copy(
        served,
        tmp_path,
        # a negative sample on a row without a value
        "update main.kpi_scorecard set sample_size = -1 "
        "where " + first_row("kpi_id = 'ltv' and value is null"),
        # a small sample published as sufficient
        "update main.kpi_scorecard set is_sufficient = true, status = 'on_track' where "
        + first_row(
            "kpi_id = 'csat_pct' and segment_type = 'audience' and sample_size < 30 "
            "and value is not null"
        ),
        # a sufficient row without a value
        f"update main.kpi_scorecard set value = null, ci_low = null, ci_high = null "
        f"where kpi_id = 'arpa' and {AT}",
        # a large sample published as insufficient, its status left as it was
        f"update main.kpi_scorecard set is_sufficient = false where kpi_id = 'csat_pct' and {AT}",
    )
    report = gates(copy)

    negative = the_failure(report, "kpi_scorecard", "sample_size", BETWEEN, "within [0, +inf)")
    assert negative.observed.endswith("outside [0, +inf); min observed -1 (ltv)")
    too_small = the_failure(report, "kpi_scorecard", "sample_size", BETWEEN, "[30, +inf)")
    assert re.search(
        r"^1 of .* outside \[30, \+inf\); min observed \d+ \(csat_pct\)$", too_small.observed
    ), too_small.observed
    valueless = the_failure(report, "kpi_scorecard", "value", "expect_column_values_to_not_be_null")
    assert valueless.observed.startswith("1 of ")
    assert valueless.observed.endswith("without a value: arpa month")
    too_large = the_failure(report, "kpi_scorecard", "sample_size", BETWEEN, "[0, 29]")
    assert too_large.observed.startswith("1 of ")
    assert "outside [0, 29]; max observed" in too_large.observed
    assert too_large.observed.endswith("(csat_pct)")
    status = the_failure(report, "kpi_scorecard", "status", IN_SET, "not flagged is_sufficient")
    assert status.observed.startswith("1 of ")
    assert re.search(r"with another status: csat_pct (on_track|watch|breach)$", status.observed)
    assert len(report.failures) == 5, "\n".join(report.summary_lines())


# -- 5. distributions of the key inputs ------------------------------------------------------------


@pytest.mark.slow
def test_a_high_quarantine_rate_or_lost_rows_fail(served: Path, tmp_path: Path) -> None:
    copy = broken_copy(
        served,
        tmp_path,
        "update main.dq_row_conservation set quarantine_rate = 0.9 "
        "where source_table = 'surveys.responses'",
        "update main.dq_row_conservation set is_conserved = false "
        "where source_table = 'helpdesk.tickets'",
    )
    report = gates(copy)

    rate = the_failure(report, "dq_row_conservation", "quarantine_rate", BETWEEN)
    assert rate.suite == "source_quality"
    assert re.fullmatch(
        r"1 of \d+ source tables \([\d.]+%\) outside \[0, 0\.05\]; "
        r"max observed 0\.9 \(surveys\.responses\)",
        rate.observed,
    ), rate.observed
    conserved = the_failure(report, "dq_row_conservation", "is_conserved", IN_SET)
    assert conserved.observed.endswith("not conserved: helpdesk.tickets")
    assert len(report.failures) == 2, "\n".join(report.summary_lines())


def test_volume_ratio_is_against_the_trailing_median_of_the_sources_own_history() -> None:
    weeks = pd.date_range("2026-01-05", periods=12, freq="W-MON")
    weekly = pd.DataFrame(
        {
            "source_table": ["fct_tickets"] * 12 + ["fct_web_sessions"] * 3,
            "week_start": [*weeks, *weeks[-3:]],
            "row_count": [40, 50, 60, 50, 40, 50, 60, 50, 40, 50, 60, 0, 100, 100, 100],
        }
    )
    frame = volume_frame(weekly, weeks[-1])
    # sessions have 2 weeks of history before the last: too new to judge
    assert frame["source_table"].tolist() == ["fct_tickets"]
    (ticket,) = frame.to_dict("records")
    assert (ticket["row_count"], ticket["trailing_median"], ticket["trailing_weeks"]) == (0, 50, 8)
    assert ticket["ratio_to_trailing_median"] == 0


@pytest.mark.slow
def test_a_collapsed_or_surging_weekly_volume_fails(served: Path, tmp_path: Path) -> None:
    ((last_week,),) = query(
        served,
        "select max(period_start) from main.kpi_scorecard where grain = 'week' "
        "and is_closed_period",
    )
    in_last_week = (
        f">= timestamp '{last_week}' and {{column}} < timestamp '{last_week}' + interval 7 day"
    )
    copy = broken_copy(
        served,
        tmp_path,
        f"delete from main.fct_tickets where created_at {in_last_week.format(column='created_at')}",
        *(
            f"insert into main.fct_web_sessions select * replace (session_id || '-copy{n}' as "
            f"session_id) from main.fct_web_sessions "
            f"where started_at {in_last_week.format(column='started_at')} "
            "and not contains(session_id, '-copy')"
            for n in (1, 2, 3)
        ),
    )
    report = gates(copy)

    collapse = the_failure(report, "fct_tickets", "created_at", BETWEEN)
    assert collapse.suite == "input_volumes"
    assert re.fullmatch(
        rf"last closed week {last_week}: 0 rows vs a median of [\d.]+ over the 8 weeks before "
        r"\(ratio 0\)",
        collapse.observed,
    ), collapse.observed
    surge = the_failure(report, "fct_web_sessions", "started_at", BETWEEN)
    ratio = float(re.search(r"ratio ([\d.]+)\)", surge.observed).group(1))
    assert 3 < ratio < 5
    assert len(report.failures) == 2, "\n".join(report.summary_lines())


@pytest.mark.slow
def test_a_collapsed_survey_response_rate_fails(served: Path, tmp_path: Path) -> None:
    copy = broken_copy(
        served,
        tmp_path,
        "update main.fct_survey_responses set is_answered = false where survey_type = 'nps'",
    )
    report = gates(copy)

    failure = the_failure(report, "fct_survey_responses", "is_answered", BETWEEN)
    assert failure.suite == "survey_response_rates"
    assert re.fullmatch(
        r"1 of \d+ survey types \([\d.]+%\) outside \[0\.05, 0\.8\]; min observed 0 \(nps\)",
        failure.observed,
    ), failure.observed
    assert len(report.failures) == 1, "\n".join(report.summary_lines())


# -- 6. Data Docs without PII ----------------------------------------------------------------------


@pytest.mark.slow
def test_data_docs_of_a_failed_run_hold_no_pii(served: Path, tmp_path: Path) -> None:
    copy = broken_copy(
        served,
        tmp_path / "warehouse",
        f"update main.kpi_scorecard set value = 1.73 where kpi_id = 'csat_pct' and {AT}",
        "update main.fct_survey_responses set is_answered = false",
        f"insert into main.kpi_scorecard select * from main.kpi_scorecard where {AT}",
    )
    docs = tmp_path / "docs"
    report = gates(copy, docs_dir=docs)

    assert not report.success
    assert report.docs_index == docs / "index.html" and report.docs_index.exists()
    pages = text_files(docs)
    assert any("validations" in path.parts for path in pages)
    identifiers = {
        row[0]
        for row in query(
            copy,
            "select customer_id from main.dim_customers union all "
            "select email_hash from staging.stg_crm__customers",
        )
        if row[0]
    }
    comments = {
        row[0]
        for row in query(
            copy, "select distinct comment from main.fct_survey_responses where comment <> ''"
        )
    }
    assert identifiers and comments
    for path, text in pages.items():
        tokens = set(re.findall(r"[A-Za-z0-9_-]{4,}", text))
        assert not tokens & identifiers, path
        assert not [comment for comment in comments if comment in text], path
        assert not EMAIL.search(text), path


def test_failing_values_are_not_copied_into_results_or_docs(tmp_path: Path) -> None:
    """Guards the result format: even an expectation over a PII column that fails on every row
    leaves no value in the report or the Data Docs."""
    frame = pd.DataFrame(
        {
            "email": [f"person{n}@example.org" for n in range(5)],
            "customer_id": [f"CUST-SECRET-{n}" for n in range(5)],
            "score": [-5.0, 1.0, 2.0, 3.0, 99.0],
        }
    )
    in_set = Check(
        expectation=gxe.ExpectColumnValuesToBeInSet(column="customer_id", value_set=["nobody"]),
        table="people",
        column="customer_id",
        expected="a known customer",
    )
    suite = Suite(
        "people", "people", frame, [in_set, between("people", "score", 0, 10, description="d")]
    )
    context = new_context()
    count, failures = validate_suite(context, suite)
    build_docs(context, tmp_path)

    assert count == 2 and len(failures) == 2
    everything = json.dumps([failure.to_dict() for failure in failures])
    everything += "".join(text_files(tmp_path).values())
    assert "index.html" in {path.name for path in tmp_path.iterdir()}
    assert "@example.org" not in everything and "CUST-SECRET" not in everything


def test_an_expectation_that_cannot_be_evaluated_is_a_failure() -> None:
    frame = pd.DataFrame({"other": [1, 2]})
    suite = Suite("odd", "odd", frame, [between("odd", "score", 0, 1, description="d")])
    count, failures = validate_suite(new_context(), suite)

    assert count == 1
    (failure,) = failures
    assert (failure.table, failure.column) == ("odd", "score")
    assert failure.observed.startswith("could not be evaluated: ")
