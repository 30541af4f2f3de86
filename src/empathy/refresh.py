"""`empathy refresh`: check the raw files, build, audit, publish, and run a review.

1. lock the data folder (one writer at a time);
2. check every raw file against the raw contract (names the file and the problem);
3. ``dbt build`` into a private build file: models, seeds, snapshots and every data test (the
   dbt unit tests are fixtures of the code: ``make unit`` runs them, not a refresh); the build also
   appends to ``kpi_review_log`` (restatements, and what the review publishes);
4. audit: any failed model or dbt test, or any failed quality-gate expectation (Great
   Expectations), stops here and the serving file is untouched;
5. publish: stamp the release, move it to the releases and swap the serving file atomically;
6. review (with ``--cadence``): write the review pack of the period that closed before the as-of
   date and route its breaches and diagnostics to their owners.

Each step is a function of its own; the Dagster definitions in ``orchestration/`` call the same
functions, so there is one code path with two ways to start it.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from empathy import __version__
from empathy.alerts import WebhookPolicy
from empathy.cadences import CADENCE_GRAINS, ReviewFailedError, check_review
from empathy.dbt_invocation import DbtResult, run_dbt
from empathy.raw_contract import check_raw_files, load_contract
from empathy.releases import (
    carry_forward_state,
    new_release_id,
    prepare_build_dir,
    publish,
    refresh_lock,
    reuse_parsed_project,
    seal,
)
from empathy.settings import PII_KEY_VARIABLE as KEY_VARIABLE
from empathy.settings import WAREHOUSE_FILE, Settings

if TYPE_CHECKING:
    from empathy.quality import QualityReport

Echo = Callable[[str], None]
QUALITY_REPORT = "quality_report.json"
DATA_DOCS = "data_docs"
_SHOWN_STATUSES = (" OK created", "ERROR", " FAIL ", " WARN ", " SKIP ")


class AuditFailedError(RuntimeError):
    """The build or its audit failed; nothing was published."""

    def __init__(self, message: str, result: DbtResult | None = None) -> None:
        super().__init__(message)
        self.result = result


@dataclass(frozen=True)
class Build:
    """One release being built: where its private file is, and what dbt is told."""

    settings: Settings
    release_id: str
    build_dir: Path
    cadence: str | None
    as_of: date | None
    env: dict[str, str]

    @property
    def build_file(self) -> Path:
        return self.build_dir / WAREHOUSE_FILE

    @property
    def review_id(self) -> str | None:
        return f"{self.cadence}-{self.release_id}" if self.cadence else None

    @property
    def dbt_env(self) -> dict[str, str]:
        """What this release tells dbt, as environment variables rather than --vars: dbt keeps its
        parsed project between refreshes (partial parsing) only while the command-line vars and
        the profile stay the same, and re-parses just the models that read a changed variable."""
        values = {"EMPATHY_RELEASE_ID": self.release_id}
        if self.as_of:
            values["EMPATHY_AS_OF"] = self.as_of.isoformat()
        if self.cadence and self.review_id:
            values["EMPATHY_REVIEW_CADENCE"] = self.cadence
            values["EMPATHY_REVIEW_ID"] = self.review_id
        return values

    def dbt_build_args(self) -> list[str]:
        """Models, seeds, snapshots and every data test; not the dbt unit tests, which are
        fixtures of the code rather than checks of the data (``make unit`` and ``make test`` run
        them)."""
        return ["build", "--exclude-resource-type", "unit_test", "--no-use-colors"]


@dataclass
class RefreshOutcome:
    release_id: str
    serving_file: Path
    seconds: dict[str, float] = field(default_factory=dict)
    raw_rows: int = 0
    dbt_counts: dict[str, int] = field(default_factory=dict)
    quality: QualityReport | None = None
    review: object | None = None


def refresh(
    settings: Settings,
    echo: Echo = print,
    verbose: bool = False,
    cadence: str | None = None,
    as_of: date | None = None,
) -> RefreshOutcome:
    if cadence is not None and cadence not in CADENCE_GRAINS:
        raise ValueError(f"cadence must be one of {', '.join(CADENCE_GRAINS)}; got {cadence!r}")
    if cadence is not None:
        WebhookPolicy.from_environment()  # a misconfigured webhook fails before anything is built
    with refresh_lock(settings):
        return _refresh_locked(settings, echo, verbose, cadence, as_of)


def _refresh_locked(
    settings: Settings, echo: Echo, verbose: bool, cadence: str | None, as_of: date | None
) -> RefreshOutcome:
    steps = 5 if cadence else 4
    timings: dict[str, float] = {}
    started = time.perf_counter()

    echo(f"[1/{steps}] Checking raw files in {settings.raw_dir} against the raw contract")
    check_raw(settings, echo, verbose)
    timings["check"] = time.perf_counter() - started

    build = start_build(settings, echo, cadence=cadence, as_of=as_of)
    echo(
        f"[2/{steps}] Building and testing release {build.release_id} in a private file "
        f"({build.build_file})"
    )
    step = time.perf_counter()
    _import_quality_gates_in_background()
    result = run_dbt(
        build.dbt_build_args(),
        project_dir=settings.project_dir,
        artifacts_dir=build.build_dir,
        env=build.env,
        echo=(echo if verbose else _progress_filter(echo)),
        file_log_level="debug" if verbose else "info",
    )
    timings["build"] = time.perf_counter() - step

    echo(f"[3/{steps}] Audit")
    step = time.perf_counter()
    if not result.ok:
        raise AuditFailedError(_failure_report(result, settings), result)
    counts = ", ".join(f"{n} {status}" for status, n in sorted(result.counts.items()))
    echo(f"  dbt build: {counts}")
    raw_rows = count_raw_rows(build)
    echo(f"  {raw_rows:,} raw rows, each staged or quarantined (dq_row_conservation)")
    quality = audit_quality(build, echo)
    if cadence:
        period_start, published = check_review(build)
        echo(f"  {cadence} review of the period starting {period_start}: {published:,} values")
    timings["audit"] = time.perf_counter() - step

    echo(f"[4/{steps}] Publishing")
    step = time.perf_counter()
    publish_build(build, raw_rows, result.counts, quality)
    timings["publish"] = time.perf_counter() - step
    echo(f"  published {settings.serving_file} (release {build.release_id})")

    outcome = RefreshOutcome(
        build.release_id, settings.serving_file, timings, raw_rows, result.counts, quality
    )
    if cadence:
        echo(f"[5/{steps}] {cadence.capitalize()} review")
        step = time.perf_counter()
        outcome.review = review_published(settings, build, echo)
        timings["review"] = time.perf_counter() - step
    timings["total"] = time.perf_counter() - started
    echo(f"Done in {timings['total']:.1f} s.")
    return outcome


def review_published(settings: Settings, build: Build, echo: Echo) -> object:
    """Run the review of a build that is already published; a failure says the release is live."""
    from empathy.cadences import run_review

    try:
        return run_review(settings, build, echo)
    except (OSError, ValueError, duckdb.Error) as error:
        raise ReviewFailedError(
            f"release {build.release_id} is published, but its {build.cadence} review failed: "
            f"{error}. Run the same command again to write the pack and route the alerts."
        ) from error


def check_raw(settings: Settings, echo: Echo, verbose: bool = False) -> int:
    """Check every raw file against the raw contract; returns the number of files checked."""
    tables = load_contract(settings.project_dir)
    reports = check_raw_files(settings.raw_dir, tables, progress=echo if verbose else None)
    for report in reports:
        for warning in report.warnings:
            echo(f"  warning: {warning}")
    files = sum(len(report.files) for report in reports)
    echo(f"  {len(reports)} tables in {files} files: files meet the contract")
    return files


def count_raw_rows(build: Build) -> int:
    """The raw rows the build read, as dq_row_conservation counted them straight from the files."""
    connection = duckdb.connect(str(build.build_file), read_only=True)
    try:
        row = connection.execute("select sum(raw_rows) from main.dq_row_conservation").fetchone()
    finally:
        connection.close()
    return int(row[0] or 0) if row else 0


def start_build(
    settings: Settings,
    echo: Echo,
    cadence: str | None = None,
    as_of: date | None = None,
    release_id: str | None = None,
) -> Build:
    """A fresh private build folder, with the history tables of the served release carried in."""
    release_id = release_id or new_release_id()
    build_dir = prepare_build_dir(settings, release_id)
    carried = carry_forward_state(settings, build_dir / WAREHOUSE_FILE)
    if carried:
        echo(f"  carried history from the served release: {', '.join(carried)}")
    reuse_parsed_project(settings, build_dir / "target")
    env = {
        "EMPATHY_RAW_DIR": str(settings.raw_dir),
        # the same path for every release (a link to this build folder), so that dbt's profile
        # does not change between refreshes and the parsed project can be reused
        "EMPATHY_BUILD_PATH": str(settings.current_build_dir / WAREHOUSE_FILE),
        KEY_VARIABLE: pii_key(settings, echo),
    }
    build = Build(settings, release_id, build_dir, cadence, as_of, {})
    env.update(build.dbt_env)
    return Build(settings, release_id, build_dir, cadence, as_of, env)


def audit_quality(build: Build, echo: Echo) -> QualityReport:
    """Run the quality gates on the build file; raise AuditFailedError when one fails.

    The report is kept beside the build (quality_report.json) with the Data Docs (data_docs/).
    """
    from empathy.quality import run_quality_gates

    docs_dir = build.build_dir / DATA_DOCS
    try:
        report = run_quality_gates(build.build_file, docs_dir=docs_dir, echo=echo)
    except (duckdb.Error, FileNotFoundError) as error:
        # a governed table or column the gates validate is missing from the build
        raise AuditFailedError(
            "Audit failed: the quality gates could not read the build "
            f"({str(error).splitlines()[0]}); nothing was published and "
            f"{build.settings.serving_file} is unchanged."
        ) from None
    (build.build_dir / QUALITY_REPORT).write_text(json.dumps(report.to_dict(), indent=2) + "\n")
    if not report.success:
        lines = [
            "Audit failed: quality gates (Great Expectations) did not pass; nothing was "
            f"published and {build.settings.serving_file} is unchanged.",
            *(f"  {line}" for line in report.summary_lines()),
            f"  Report: {build.build_dir / QUALITY_REPORT}; Data Docs: {docs_dir / 'index.html'}",
        ]
        raise AuditFailedError("\n".join(lines))
    echo(f"  quality gates: {report.evaluated} expectations in {len(report.suites)} suites passed")
    return report


def _import_quality_gates_in_background() -> None:
    """Start importing Great Expectations (about 4 s) while dbt builds in its own process.

    The audit needs it only after the build; importing it then would add those seconds to every
    refresh. Python's import lock makes the audit's own import wait for this one to finish.
    """
    threading.Thread(target=import_module, args=("empathy.quality",), daemon=True).start()


def publish_build(
    build: Build, raw_rows: int, dbt_counts: dict[str, int], quality: QualityReport | None
) -> None:
    """Stamp the release into its file, seal it and swap the serving file atomically."""
    info: dict[str, object] = {
        "release_id": build.release_id,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "empathy_version": __version__,
        "raw_dir": str(build.settings.raw_dir),
        "raw_rows": raw_rows,
        "dbt": dbt_counts,
        "quality_gates": {"evaluated": quality.evaluated, "passed": quality.success}
        if quality
        else None,
        "as_of": build.as_of.isoformat() if build.as_of else None,
        "review_id": build.review_id,
    }
    _stamp(build.build_file, info)
    seal(build.build_file)
    publish(build.settings, build.build_dir, build.release_id, info)


def pii_key(settings: Settings, echo: Echo) -> str:
    """The pseudonymisation key: EMPATHY_PII_KEY, else a random key kept in data/.pii_key."""
    key = os.environ.get(KEY_VARIABLE)
    if key:
        return key
    if not settings.pii_key_file.exists():
        settings.pii_key_file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(settings.pii_key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
        echo(
            f"  {KEY_VARIABLE} is not set: created a random pseudonymisation key in "
            f"{settings.pii_key_file} (set {KEY_VARIABLE} to manage it yourself)"
        )
    return settings.pii_key_file.read_text().strip()


def _stamp(build_file: Path, info: dict[str, object]) -> None:
    """Record in the file itself which release it is."""
    connection = duckdb.connect(str(build_file))
    try:
        connection.execute(
            "create or replace table main.warehouse_release as "
            "select ? as release_id, cast(? as timestamp) as built_at, ? as empathy_version, "
            "cast(? as bigint) as raw_rows",
            [info["release_id"], info["built_at"], info["empathy_version"], info["raw_rows"]],
        )
    finally:
        connection.close()


def _progress_filter(echo: Echo) -> Echo:
    """Pass on what a user wants to see while dbt works: models built, tests that did not pass,
    and the summary; passing tests are counted in the summary instead."""

    def forward(line: str) -> None:
        text = line.strip()
        is_shown_node = " of " in text and any(status in text for status in _SHOWN_STATUSES)
        if is_shown_node or text.startswith(("Done.", "Finished running", "Completed with")):
            echo(f"  {text}")

    return forward


def _failure_report(result: DbtResult, settings: Settings) -> str:
    lines = [
        f"Audit failed: {len(result.failures)} model(s) or test(s) failed; nothing was published "
        f"and {settings.serving_file} is unchanged."
    ]
    for failure in result.failures[:20]:
        detail = failure.message.splitlines()[0] if failure.message else failure.status
        rows = f" ({failure.failures} failing rows)" if failure.failures else ""
        lines.append(f"  - {failure.unique_id}: {detail}{rows}")
    if len(result.failures) > 20:
        lines.append(f"  ... and {len(result.failures) - 20} more")
    if not result.failures:
        lines.append(f"  dbt exited with code {result.returncode}; see the log above.")
    return "\n".join(lines)
