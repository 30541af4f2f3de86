"""After the dbt build: the quality gates as blocking asset checks, the publish, the review."""

from collections.abc import Iterator

import dagster as dg

from empathy.cadences import check_review, run_review
from empathy.quality import run_quality_gates
from empathy.quality.inputs import VOLUME_SOURCES
from empathy.refresh import DATA_DOCS, QUALITY_REPORT, count_raw_rows, publish_build
from empathy_orchestration.warehouse import WarehouseWriter

GROUP = "release"
QUALITY_CHECK = "great_expectations"
# The tables the suites validate (the KPI tables, the row balance, the inputs whose volumes and
# response rates are watched); each gets a blocking check. A failure on any other frame counts
# against kpi_scorecard, the table every review reads.
GATED_TABLES = (
    "kpi_definitions",
    "kpi_scorecard",
    "dq_row_conservation",
    *sorted({source.table for source in VOLUME_SOURCES} | {"fct_survey_responses"}),
)


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            QUALITY_CHECK,
            asset=dg.AssetKey([table]),
            blocking=True,
            description="Great Expectations suites of the quality gates (src/empathy/quality).",
        )
        for table in GATED_TABLES
    ],
    pool="warehouse_writer",
)
def quality_gates(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseWriter
) -> Iterator[dg.AssetCheckResult]:
    """Run the quality gates on this run's build file; a failure blocks the publish."""
    build = warehouse.build
    report = run_quality_gates(
        build.build_file, docs_dir=build.build_dir / DATA_DOCS, echo=context.log.info
    )
    (build.build_dir / QUALITY_REPORT).write_text(_json(report.to_dict()))
    warehouse.record_quality(report)
    for table in GATED_TABLES:
        failures = [
            failure
            for failure in report.failures
            if failure.table == table
            or (table == "kpi_scorecard" and failure.table not in GATED_TABLES)
        ]
        yield dg.AssetCheckResult(
            asset_key=dg.AssetKey([table]),
            check_name=QUALITY_CHECK,
            passed=not failures,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "failed_expectations": len(failures),
                "failures": "\n".join(str(failure) for failure in failures) or "none",
            },
        )


@dg.asset(
    group_name=GROUP,
    deps=[dg.AssetKey([table]) for table in GATED_TABLES],
    pool="warehouse_writer",
    description=(
        "The serving file data/serving/warehouse.duckdb: this run's audited build, published "
        "atomically (the previous release stays served when anything upstream failed)."
    ),
)
def serving_warehouse(
    context: dg.AssetExecutionContext, warehouse: WarehouseWriter
) -> dg.MaterializeResult:
    build = warehouse.build
    report = warehouse.quality
    if not warehouse.complete_build:
        raise dg.Failure(
            "only part of the dbt project was built in this run; a release is published only "
            "from a build of every model (materialise all, or run a review job)"
        )
    if report is None or not report.success:
        raise dg.Failure("the quality gates did not pass in this run; nothing is published")
    if build.cadence:
        period_start, published = check_review(build)
        context.log.info(f"{build.cadence} review of {period_start}: {published} values logged")
    raw_rows = count_raw_rows(build)
    publish_build(build, raw_rows, warehouse.dbt_counts, report)
    return dg.MaterializeResult(
        metadata={
            "release_id": build.release_id,
            "serving_file": dg.MetadataValue.path(str(warehouse.settings.serving_file)),
            "raw_rows": raw_rows,
            "expectations": report.evaluated,
        }
    )


@dg.asset(
    group_name=GROUP,
    deps=[serving_warehouse],
    description=(
        "The review pack of the period the cadence just closed (reports/<cadence>/<period>/) and "
        "its alerts to owners (data/alerts/outbox.jsonl and the webhook)."
    ),
)
def review_pack(
    context: dg.AssetExecutionContext, warehouse: WarehouseWriter
) -> dg.MaterializeResult:
    build = warehouse.build
    if not build.cadence:
        context.log.info("no cadence configured for this run: no review")
        return dg.MaterializeResult(metadata={"cadence": "none"})
    outcome = run_review(warehouse.settings, build, echo=context.log.info)
    return dg.MaterializeResult(
        metadata={
            "cadence": outcome.cadence,
            "period_start": outcome.period_start.isoformat(),
            "html": dg.MetadataValue.path(str(outcome.pack.html_path)),
            "csv": dg.MetadataValue.path(str(outcome.pack.csv_path)),
            "values_logged": outcome.published_values,
            "restatements": outcome.restatements,
            "alerts_raised": outcome.alerts.raised,
            "alerts_undelivered": len(outcome.alerts.undelivered),
        }
    )


def _json(payload: object) -> str:
    import json

    return json.dumps(payload, indent=2) + "\n"
