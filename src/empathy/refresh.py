"""`empathy refresh`: check the raw files, build, audit, publish.

1. lock the data folder (one writer at a time);
2. check every raw file against the raw contract (names the file and the problem);
3. ``dbt build`` into a private build file: models, seeds, data tests and unit tests;
4. audit: any failed model or test stops here, and the serving file is untouched;
5. publish: stamp the release, move it to the releases and swap the serving file atomically.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from empathy import __version__
from empathy.dbt_invocation import DbtResult, run_dbt
from empathy.pii import KEY_VARIABLE
from empathy.raw_contract import check_raw_files, load_contract
from empathy.releases import (
    carry_forward_state,
    new_release_id,
    prepare_build_dir,
    publish,
    refresh_lock,
    seal,
)
from empathy.settings import WAREHOUSE_FILE, Settings

Echo = Callable[[str], None]
_SHOWN_STATUSES = (" OK created", "ERROR", " FAIL ", " WARN ", " SKIP ")


class AuditFailedError(RuntimeError):
    """The build or its audit failed; nothing was published."""

    def __init__(self, message: str, result: DbtResult | None = None) -> None:
        super().__init__(message)
        self.result = result


@dataclass
class RefreshOutcome:
    release_id: str
    serving_file: Path
    seconds: dict[str, float] = field(default_factory=dict)
    raw_rows: int = 0
    dbt_counts: dict[str, int] = field(default_factory=dict)


def refresh(settings: Settings, echo: Echo = print, verbose: bool = False) -> RefreshOutcome:
    with refresh_lock(settings):
        return _refresh_locked(settings, echo, verbose)


def _refresh_locked(settings: Settings, echo: Echo, verbose: bool) -> RefreshOutcome:
    release_id = new_release_id()
    timings: dict[str, float] = {}
    started = time.perf_counter()

    echo(f"[1/4] Checking raw files in {settings.raw_dir} against the raw contract")
    tables = load_contract(settings.project_dir)
    reports = check_raw_files(settings.raw_dir, tables, progress=echo if verbose else None)
    for report in reports:
        for warning in report.warnings:
            echo(f"  warning: {warning}")
    raw_rows = sum(report.rows for report in reports)
    echo(f"  {len(reports)} tables, {raw_rows:,} raw rows: files meet the contract")
    timings["check"] = time.perf_counter() - started

    build_dir = prepare_build_dir(settings, release_id)
    build_file = build_dir / WAREHOUSE_FILE
    carried = carry_forward_state(settings, build_file)
    if carried:
        echo(f"  carried history from the served release: {', '.join(carried)}")
    env = {
        "EMPATHY_RAW_DIR": str(settings.raw_dir),
        "EMPATHY_BUILD_PATH": str(build_file),
        KEY_VARIABLE: pii_key(settings, echo),
    }

    echo(f"[2/4] Building and testing release {release_id} in a private file ({build_file})")
    step = time.perf_counter()
    result = run_dbt(
        ["build", "--no-use-colors"],
        project_dir=settings.project_dir,
        artifacts_dir=build_dir,
        env=env,
        echo=(echo if verbose else _progress_filter(echo)),
    )
    timings["build"] = time.perf_counter() - step

    echo("[3/4] Audit")
    if not result.ok:
        raise AuditFailedError(_failure_report(result, settings), result)
    counts = ", ".join(f"{n} {status}" for status, n in sorted(result.counts.items()))
    echo(f"  dbt build: {counts}")

    echo("[4/4] Publishing")
    step = time.perf_counter()
    info: dict[str, object] = {
        "release_id": release_id,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "empathy_version": __version__,
        "raw_dir": str(settings.raw_dir),
        "raw_rows": raw_rows,
        "dbt": result.counts,
    }
    _stamp(build_file, info)
    seal(build_file)
    publish(settings, build_dir, release_id, info)
    timings["publish"] = time.perf_counter() - step
    timings["total"] = time.perf_counter() - started
    echo(f"  published {settings.serving_file} (release {release_id}) in {timings['total']:.1f} s")
    return RefreshOutcome(release_id, settings.serving_file, timings, raw_rows, result.counts)


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
