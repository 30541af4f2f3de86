"""Run the quality gates: read the warehouse, validate every suite with GX's pandas data source in
an ephemeral context (nothing persisted, no progress bars), and report the failures."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import great_expectations as gx
from great_expectations.core import ExpectationValidationResult
from great_expectations.data_context import AbstractDataContext
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)

from empathy.quality import data_docs
from empathy.quality.checks import Check
from empathy.quality.report import ExpectationFailure, QualityReport
from empathy.quality.suites import Suite, build_suites
from empathy.quality.warehouse import WarehouseTables, read_warehouse

DATASOURCE = "warehouse"


def new_context() -> AbstractDataContext:
    """An ephemeral context: stores in memory, no Data Docs site until one is asked for (the
    default one points into a temporary folder), no progress bars on stderr."""
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    context.data_sources.add_pandas(DATASOURCE)
    return context


def _raised(result: ExpectationValidationResult) -> str | None:
    """The exception message if GX could not evaluate the expectation."""
    info: dict[str, Any] = dict(result.exception_info or {})
    entries = [info] if "raised_exception" in info else list(info.values())
    for entry in entries:
        if isinstance(entry, dict) and entry.get("raised_exception"):
            message = str(entry.get("exception_message") or "error").splitlines()[0]
            return message[:200]
    return None


def _failure(suite: Suite, check: Check, result: ExpectationValidationResult) -> ExpectationFailure:
    error = _raised(result)
    observed = (
        f"could not be evaluated: {error}"
        if error
        else check.observed(suite.frame, dict(result.result or {}))
    )
    return ExpectationFailure(
        suite=suite.name,
        table=check.table,
        column=check.column,
        expectation=str(result.expectation_config.type),
        expected=check.expected,
        observed=observed,
    )


def validate_suite(
    context: AbstractDataContext, suite: Suite
) -> tuple[int, list[ExpectationFailure]]:
    """Validate one suite's frame in ``context``: (expectations evaluated, failures)."""
    datasource = context.data_sources.get(DATASOURCE)
    asset = datasource.add_dataframe_asset(suite.asset)
    batch = asset.add_batch_definition_whole_dataframe("whole frame")
    gx_suite = context.suites.add(gx.ExpectationSuite(name=suite.name))
    by_id: dict[str, Check] = {}
    for check in suite.checks:
        added = gx_suite.add_expectation(check.expectation)
        by_id[str(added.id)] = check
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=suite.name, data=batch, suite=gx_suite)
    )
    results = definition.run(
        batch_parameters={"dataframe": suite.frame}, result_format=data_docs.RESULT_FORMAT
    )
    failures = [
        _failure(suite, by_id[str(result.expectation_config.id)], result)
        for result in results.results
        if not result.success
    ]
    return len(results.results), failures


def run_quality_gates(
    warehouse: Path | WarehouseTables,
    docs_dir: Path | None = None,
    echo: Callable[[str], None] = print,
) -> QualityReport:
    """Validate the warehouse file at ``warehouse`` (opened read-only, closed before validation),
    or tables already read from a server engine (``read_tables``).

    With ``docs_dir``, GX Data Docs are built there (``index.html``). ``echo`` receives one progress
    line per suite and the docs location; the caller prints ``report.summary_lines()``.
    """
    started = time.perf_counter()
    if isinstance(warehouse, WarehouseTables):
        tables = warehouse
    else:
        tables = read_warehouse(Path(warehouse))
    suites = build_suites(tables)
    context = new_context()
    failures: list[ExpectationFailure] = []
    evaluated = 0
    for suite in suites:
        count, failed = validate_suite(context, suite)
        echo(f"  {suite.name}: {count} expectations, {len(failed)} failed")
        evaluated += count
        failures.extend(failed)
    docs_index = None
    if docs_dir is not None:
        docs_index = data_docs.build(context, Path(docs_dir))
        echo(f"  Data Docs: {docs_index}")
    return QualityReport(
        suites=[suite.name for suite in suites],
        evaluated=evaluated,
        failures=failures,
        seconds=time.perf_counter() - started,
        docs_index=docs_index,
    )
