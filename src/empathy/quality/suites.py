"""The expectation suites, built as code from the warehouse's own registry (kpi_definitions), so a
KPI added to the registry is range-checked and coverage-checked without editing this file.

Each suite validates one pandas frame: a governed table (columns that hold no PII or free text),
or a frame derived from it (the required KPI periods, weekly input volumes, response rates).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import great_expectations.expectations as gxe
import pandas as pd

from empathy.quality.checks import (
    Check,
    Detail,
    Scope,
    between,
    closed_range,
    examples,
    number,
)
from empathy.quality.coverage import expected_periods
from empathy.quality.inputs import (
    RESPONSE_RATE_BAND,
    RESPONSE_RATE_WEEKS,
    TRAILING_WEEKS,
    VOLUME_SOURCES,
    VolumeSource,
    last_closed_week,
    response_rate_frame,
    volume_frame,
)
from empathy.quality.ranges import UNIT_RANGES, range_groups
from empathy.quality.warehouse import WarehouseTables

# Mirrors the dbt var min_sample_size (dbt_project.yml, default 30; KPI_SPEC section 5). The
# warehouse does not record the value it was built with; if the var is overridden, change it here.
MIN_SAMPLE_SIZE = 30
# Ceiling on a source table's quarantine rate when the registry has no quarantine_rate KPI;
# otherwise that KPI's breach threshold is the ceiling.
DEFAULT_QUARANTINE_CEILING = 0.05
SCORECARD_GRAIN = ["kpi_id", "grain", "period_start", "segment_type", "segment_value"]
STATUSES_WHEN_SUFFICIENT = ("on_track", "watch", "breach")
INSUFFICIENT = ("insufficient",)
CADENCES_PATTERN = r"^(?:weekly|monthly|quarterly)(?:\|(?:weekly|monthly|quarterly))*$"

Mask = Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class Suite:
    """One expectation suite and the frame it validates (``asset`` names the frame in GX)."""

    name: str
    asset: str
    frame: pd.DataFrame
    checks: list[Check] = field(default_factory=list)


def _label(part: object) -> str:
    return str(part.date()) if isinstance(part, pd.Timestamp) else str(part)


def _labels(frame: pd.DataFrame, *columns: str) -> list[str]:
    return [" ".join(map(_label, row)) for row in frame[list(columns)].itertuples(False)]


def _failing(detail: str, mask_of: Mask, *columns: str) -> Detail:
    """'<detail>: a, b, c' naming the rows (by identifying columns) where ``mask_of`` holds."""

    def describe(frame: pd.DataFrame) -> str:
        return f"{detail}: {examples(_labels(frame.loc[mask_of(frame)], *columns))}"

    return describe


# -- kpi_definitions -------------------------------------------------------------------------------


def registry_suite(definitions: pd.DataFrame) -> Suite:
    table = "kpi_definitions"
    checks = [
        Check(
            expectation=gxe.ExpectTableRowCountToBeBetween(
                min_value=1, description="The registry holds at least one KPI."
            ),
            table=table,
            column=None,
            expected="at least one registered KPI",
            noun=None,
            detail=lambda frame: f"{len(frame)} KPIs",
        ),
        Check(
            expectation=gxe.ExpectColumnValuesToBeInSet(
                column="unit",
                value_set=sorted(UNIT_RANGES),
                description=(
                    "Every unit has a value range in empathy.quality.ranges; a new unit (e.g. a "
                    "signed money change) needs its range decided there first."
                ),
            ),
            table=table,
            column="unit",
            expected=f"a unit with a value range ({', '.join(sorted(UNIT_RANGES))})",
            noun="KPIs",
            detail=_failing(
                "without a range", lambda f: ~f["unit"].isin(list(UNIT_RANGES)), "kpi_id", "unit"
            ),
        ),
        Check(
            expectation=gxe.ExpectColumnValuesToMatchRegex(
                column="cadences",
                regex=CADENCES_PATTERN,
                description="Cadences are '|'-separated weekly, monthly, quarterly.",
            ),
            table=table,
            column="cadences",
            expected="cadences made of weekly|monthly|quarterly",
            noun="KPIs",
            detail=_failing(
                "with other cadences",
                lambda f: ~f["cadences"].fillna("").str.match(CADENCES_PATTERN),
                "kpi_id",
            ),
        ),
    ]
    return Suite("kpi_registry", table, definitions, checks)


# -- kpi_scorecard: values, intervals, samples, grain ----------------------------------------------


def _range_checks(definitions: pd.DataFrame) -> list[Check]:
    checks = []
    for group in range_groups(definitions):
        checks.append(
            between(
                "kpi_scorecard",
                "value",
                group.low,
                group.high,
                scope=Scope("kpi_id", group.kpi_ids, group.label),
                name="kpi_id",
                description=(
                    f"value within {closed_range(group.low, group.high)}, the range of unit "
                    f"{'/'.join(group.units)}: {', '.join(group.kpi_ids)}."
                ),
            )
        )
    for group in range_groups(definitions, intervals=True):
        scope = Scope("kpi_id", group.kpi_ids, f"{group.label} (Wilson or quantile intervals)")
        for column in ("ci_low", "ci_high"):
            checks.append(
                between(
                    "kpi_scorecard",
                    column,
                    group.low,
                    group.high,
                    scope=scope,
                    name="kpi_id",
                    description=(
                        f"{column} within {closed_range(group.low, group.high)}: a Wilson or "
                        f"order-statistic interval stays in its value's range: "
                        f"{', '.join(group.kpi_ids)}."
                    ),
                )
            )
    return checks


def _interval_checks() -> list[Check]:
    checks = []
    for derived, column, words in (
        ("value_minus_ci_high", "ci_high", "value above ci_high"),
        ("ci_low_minus_value", "ci_low", "ci_low above value"),
    ):

        def describe(frame: pd.DataFrame, derived: str = derived, words: str = words) -> str:
            worst = frame[derived].idxmax()
            return (
                f"with {words}; largest by {number(float(frame.at[worst, derived]))} "
                f"({frame.at[worst, 'kpi_id']})"
            )

        checks.append(
            between(
                "kpi_scorecard",
                derived,
                -math.inf,
                0.0,
                report_column=column,
                expected=f"ci_low <= value <= ci_high wherever both are set ({column} side)",
                description=f"The interval contains its value ({derived} <= 0, all rows).",
                detail=describe,
            )
        )
    return checks


def _sample_checks() -> list[Check]:
    sufficient = Scope("is_sufficient", (True,), "rows flagged is_sufficient")
    insufficient_valued = Scope(
        "is_sufficient", (False,), "rows not flagged is_sufficient that carry a value", "value"
    )
    return [
        between(
            "kpi_scorecard",
            "sample_size",
            0,
            math.inf,
            name="kpi_id",
            description="Every value carries a sample size of zero or more units.",
        ),
        between(
            "kpi_scorecard",
            "sample_size",
            MIN_SAMPLE_SIZE,
            math.inf,
            scope=sufficient,
            name="kpi_id",
            description=f"A sufficient value has at least the minimum sample ({MIN_SAMPLE_SIZE}).",
        ),
        Check(
            expectation=gxe.ExpectColumnValuesToNotBeNull(
                column="value",
                row_condition=sufficient.condition(),
                description="A sufficient row carries a value.",
            ),
            table="kpi_scorecard",
            column="value",
            expected="a value on every row flagged is_sufficient",
            scope=sufficient,
            detail=_failing("without a value", lambda f: f["value"].isna(), "kpi_id", "grain"),
        ),
        between(
            "kpi_scorecard",
            "sample_size",
            0,
            MIN_SAMPLE_SIZE - 1,
            scope=insufficient_valued,
            name="kpi_id",
            description=(
                f"A value with fewer than {MIN_SAMPLE_SIZE} units is published as insufficient, "
                "and only then (is_sufficient = sample_size >= min_sample_size and value set)."
            ),
        ),
        *(
            Check(
                expectation=gxe.ExpectColumnValuesToBeInSet(
                    column="status",
                    value_set=list(statuses),
                    row_condition=scope.condition(),
                    description=f"status of {scope.label}: {', '.join(statuses)}.",
                ),
                table="kpi_scorecard",
                column="status",
                expected=f"status {' / '.join(statuses)} for {scope.label}",
                scope=scope,
                detail=_failing(
                    "with another status",
                    lambda f, allowed=statuses: ~f["status"].isin(allowed),
                    "kpi_id",
                    "status",
                ),
            )
            for scope, statuses in (
                (sufficient, STATUSES_WHEN_SUFFICIENT),
                (Scope("is_sufficient", (False,), "rows not flagged is_sufficient"), INSUFFICIENT),
            )
        ),
    ]


def _grain_check() -> Check:
    def duplicated(frame: pd.DataFrame) -> pd.Series:
        return frame.duplicated(SCORECARD_GRAIN, keep=False)

    return Check(
        expectation=gxe.ExpectCompoundColumnsToBeUnique(
            column_list=SCORECARD_GRAIN,
            description="One row per KPI x grain x period x segment.",
        ),
        table="kpi_scorecard",
        column=None,
        expected=f"unique ({', '.join(SCORECARD_GRAIN)})",
        detail=_failing(
            "share their grain with another row",
            duplicated,
            "kpi_id",
            "grain",
            "period_start",
            "segment_type",
        ),
    )


def scorecard_suite(scorecard: pd.DataFrame, definitions: pd.DataFrame) -> Suite:
    frame = scorecard.assign(
        value_minus_ci_high=scorecard["value"] - scorecard["ci_high"],
        ci_low_minus_value=scorecard["ci_low"] - scorecard["value"],
    )
    checks = [
        *_range_checks(definitions),
        *_interval_checks(),
        *_sample_checks(),
        _grain_check(),
    ]
    return Suite("kpi_scorecard_values", "kpi_scorecard", frame, checks)


# -- kpi_scorecard: coverage -----------------------------------------------------------------------


def coverage_suite(scorecard: pd.DataFrame, definitions: pd.DataFrame) -> Suite:
    coverage = expected_periods(scorecard, definitions)
    frame = coverage.periods
    check = Check(
        expectation=gxe.ExpectColumnValuesToBeInSet(
            column="is_published",
            value_set=[True],
            description=(
                "Every registered KPI has a population row for each closed period of its cadence "
                "grains, from its first period to the horizon (rule in empathy.quality.coverage)."
            ),
        ),
        table="kpi_scorecard",
        column=None,
        expected=(
            f"a population row (segment_type 'all') for each of {len(frame):,} required KPI x "
            f"grain x closed period ({coverage.tolerated_gaps} sparse gaps allowed)"
        ),
        noun="required KPI periods",
        detail=lambda f: (
            "missing: "
            + examples(
                [
                    f"{row.kpi_id} {row.grain} {pd.Timestamp(row.period_start).date()}"
                    for row in f.loc[~f["is_published"].astype(bool)].itertuples(False)
                ]
            )
        ),
    )
    return Suite("kpi_scorecard_coverage", "kpi_expected_periods", frame, [check])


# -- inputs ----------------------------------------------------------------------------------------


def quarantine_ceiling(definitions: pd.DataFrame) -> float:
    threshold = definitions.loc[definitions["kpi_id"] == "quarantine_rate", "breach_threshold"]
    return DEFAULT_QUARANTINE_CEILING if threshold.dropna().empty else float(threshold.iloc[0])


def source_quality_suite(conservation: pd.DataFrame, definitions: pd.DataFrame) -> Suite:
    table = "dq_row_conservation"
    ceiling = quarantine_ceiling(definitions)
    checks = [
        between(
            table,
            "quarantine_rate",
            0.0,
            ceiling,
            noun="source tables",
            name="source_table",
            description=(
                f"Each source table quarantines at most {number(ceiling)} of its raw rows (the "
                "breach threshold of KPI quarantine_rate; the demo quarantines about 1%)."
            ),
        ),
        Check(
            expectation=gxe.ExpectColumnValuesToBeInSet(
                column="is_conserved",
                value_set=[True],
                description="raw rows = valid rows + quarantined rows for every source table.",
            ),
            table=table,
            column="is_conserved",
            expected="raw_rows = valid_rows + quarantined_rows for every source table",
            noun="source tables",
            detail=_failing(
                "not conserved", lambda f: ~f["is_conserved"].astype(bool), "source_table"
            ),
        ),
    ]
    return Suite("source_quality", table, conservation, checks)


def _volume_check(source: VolumeSource) -> Check:
    low = source.low if source.low is not None else 0.0
    high = source.high if source.high is not None else math.inf

    def describe(frame: pd.DataFrame) -> str:
        row = frame.iloc[0]
        return (
            f"last closed week {pd.Timestamp(row['week_start']).date()}: "
            f"{int(row['row_count']):,} rows vs a median of {number(row['trailing_median'])} "
            f"over the {int(row['trailing_weeks'])} weeks before "
            f"(ratio {number(row['ratio_to_trailing_median'])})"
        )

    return between(
        source.table,
        "ratio_to_trailing_median",
        low,
        high,
        scope=Scope("source_table", (source.table,), source.table),
        report_column=source.timestamp,
        noun=None,
        expected=(
            f"rows in the last closed week (by {source.timestamp}) within "
            f"{closed_range(low, high)} x the median of the {TRAILING_WEEKS} weeks before"
        ),
        description=(
            f"{source.table}: last closed week's rows / median of the {TRAILING_WEEKS} weeks "
            f"before within {closed_range(low, high)} (thresholds in empathy.quality.inputs)."
        ),
        detail=describe,
    )


def input_volume_suite(tables: WarehouseTables) -> Suite:
    frame = volume_frame(tables.weekly_volumes, last_closed_week(tables.kpi_scorecard))
    checks = [_volume_check(source) for source in VOLUME_SOURCES]
    return Suite("input_volumes", "source_weekly_volumes", frame, checks)


def survey_response_suite(tables: WarehouseTables) -> Suite:
    frame = response_rate_frame(tables.weekly_survey_sends, last_closed_week(tables.kpi_scorecard))
    low, high = RESPONSE_RATE_BAND
    check = between(
        "fct_survey_responses",
        "response_rate",
        low,
        high,
        report_column="is_answered",
        noun="survey types",
        name="survey_type",
        expected=(
            f"answered / sent per survey type over the last {RESPONSE_RATE_WEEKS} closed weeks "
            f"within {closed_range(low, high)}"
        ),
        description=(
            f"Survey response rate per type within {closed_range(low, high)} over the last "
            f"{RESPONSE_RATE_WEEKS} closed weeks (thresholds in empathy.quality.inputs)."
        ),
    )
    return Suite("survey_response_rates", "survey_response_rates", frame, [check])


def build_suites(tables: WarehouseTables) -> list[Suite]:
    definitions = tables.kpi_definitions
    return [
        registry_suite(definitions),
        scorecard_suite(tables.kpi_scorecard, definitions),
        coverage_suite(tables.kpi_scorecard, definitions),
        source_quality_suite(tables.dq_row_conservation, definitions),
        input_volume_suite(tables),
        survey_response_suite(tables),
    ]
