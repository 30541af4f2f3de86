"""Write-audit-publish: private build folders, atomic publication, kept releases, rollback.

A refresh builds into ``data/build/<release_id>/warehouse.duckdb``, a file no reader knows about.
Only after the audit passes does :func:`publish` move that folder to ``data/releases/<release_id>``
and replace ``data/serving/warehouse.duckdb`` with a copy of it through ``os.replace``, which is
atomic on POSIX: a reader opens either the previous release or the new one, never a mix. A refresh
that fails or is killed leaves at most a stale build folder, which the next refresh removes.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from empathy.settings import WAREHOUSE_FILE, Settings

KEEP_RELEASES = 3
RELEASE_INFO = "release.json"
# Tables whose history lives across releases: each build starts from the served release's copy.
CARRIED_TABLES = (("snapshots", "kpi_definitions_history"), ("main", "kpi_review_log"))


class RefreshInProgressError(RuntimeError):
    """Another refresh holds the lock on this data folder."""


class ServedReleaseUnreadableError(RuntimeError):
    """The serving file cannot be opened, so its history cannot be carried forward."""


@dataclass(frozen=True)
class Release:
    release_id: str
    path: Path
    info: dict[str, object]


def new_release_id(now: datetime | None = None) -> str:
    moment = now or datetime.now(UTC)
    return moment.strftime("%Y%m%dT%H%M%S%fZ")


@contextmanager
def refresh_lock(
    settings: Settings, wait_seconds: float = 0, poll_seconds: float = 5
) -> Iterator[None]:
    """Exclusive per data folder; released by the OS even when the process is killed.

    With ``wait_seconds`` the caller queues behind a refresh in progress for up to that long
    (the Dagster runs do); by default it fails at once (the command line does).
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    with settings.lock_file.open("a+") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    waited = f" after waiting {wait_seconds:.0f} s" if wait_seconds else ""
                    raise RefreshInProgressError(
                        f"Another refresh is running on {settings.data_dir} (lock "
                        f"{settings.lock_file}){waited}; wait for it to finish."
                    ) from None
                time.sleep(poll_seconds)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def prepare_build_dir(settings: Settings, release_id: str) -> Path:
    """A fresh private build folder, linked as ``data/build/current``; stale ones from failed or
    killed refreshes are removed."""
    current = settings.current_build_dir
    if current.is_symlink():
        current.unlink()
    if settings.build_root.exists():
        for stale in settings.build_root.iterdir():
            if stale.name != "dev":  # `dbt build` by hand builds data/build/dev
                shutil.rmtree(stale, ignore_errors=True)
    build_dir = settings.build_root / release_id
    build_dir.mkdir(parents=True)
    current.symlink_to(build_dir.name, target_is_directory=True)
    return build_dir


PARSED_PROJECT = "partial_parse.msgpack"


def reuse_parsed_project(settings: Settings, target_dir: Path) -> bool:
    """Start dbt from the parsed project of the served release (dbt re-parses only the files that
    changed since, and everything when its version, the vars or the profile differ)."""
    release_id = serving_release_id(settings)
    if release_id is None:
        return False
    parsed = settings.releases_dir / release_id / "target" / PARSED_PROJECT
    if not parsed.is_file():
        return False
    target_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(parsed, target_dir / PARSED_PROJECT)
    return True


def carry_forward_state(settings: Settings, build_file: Path) -> list[str]:
    """Copy the history tables of the served release into a new build file (before dbt runs)."""
    if not settings.serving_file.exists():
        return []
    carried = []
    connection = duckdb.connect(str(build_file))
    try:
        path = str(settings.serving_file).replace("'", "''")
        try:
            connection.execute(f"attach '{path}' as served (read_only)")
        except duckdb.Error as error:
            raise ServedReleaseUnreadableError(
                f"{settings.serving_file}: cannot read the served release to carry its history "
                f"forward ({str(error).splitlines()[0]}); restore it with `empathy rollback`"
            ) from None
        for schema, table in CARRIED_TABLES:
            found = connection.execute(
                "select count(*) from information_schema.tables "
                "where table_catalog = 'served' and table_schema = ? and table_name = ?",
                [schema, table],
            ).fetchone()
            if found and found[0]:
                connection.execute(f"create schema if not exists {schema}")
                connection.execute(
                    f"create table {schema}.{table} as select * from served.{schema}.{table}"
                )
                carried.append(f"{schema}.{table}")
        connection.execute("detach served")
    finally:
        connection.close()
    return carried


def seal(build_file: Path) -> None:
    """Checkpoint the build file so that it is one self-contained file (no write-ahead log)."""
    connection = duckdb.connect(str(build_file))
    try:
        connection.execute("checkpoint")
    finally:
        connection.close()
    wal = build_file.with_name(build_file.name + ".wal")
    if wal.exists():
        raise RuntimeError(f"{build_file}: write-ahead log still present after checkpoint")


def publish(settings: Settings, build_dir: Path, release_id: str, info: dict[str, object]) -> Path:
    """Move an audited build to the releases and make it the serving file, atomically."""
    settings.releases_dir.mkdir(parents=True, exist_ok=True)
    settings.serving_dir.mkdir(parents=True, exist_ok=True)
    release_dir = settings.releases_dir / release_id
    os.replace(build_dir, release_dir)
    if settings.current_build_dir.is_symlink():
        settings.current_build_dir.unlink()  # it pointed at the build folder just moved
    (release_dir / RELEASE_INFO).write_text(json.dumps(info, indent=2, default=str) + "\n")
    _swap_serving_file(settings, release_dir / WAREHOUSE_FILE)
    prune_releases(settings)
    return release_dir


def _swap_serving_file(settings: Settings, source: Path) -> None:
    staging = settings.serving_dir / f".{WAREHOUSE_FILE}.incoming"
    shutil.copyfile(source, staging)
    with staging.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(staging, settings.serving_file)
    directory = os.open(settings.serving_dir, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def list_releases(settings: Settings) -> list[Release]:
    """Published releases, newest first."""
    if not settings.releases_dir.exists():
        return []
    releases = []
    for path in sorted(settings.releases_dir.iterdir(), reverse=True):
        info_file = path / RELEASE_INFO
        if path.is_dir() and (path / WAREHOUSE_FILE).exists() and info_file.exists():
            releases.append(Release(path.name, path, json.loads(info_file.read_text())))
    return releases


def prune_releases(settings: Settings, keep: int = KEEP_RELEASES) -> None:
    for release in list_releases(settings)[keep:]:
        shutil.rmtree(release.path, ignore_errors=True)


def rollback(settings: Settings, release_id: str | None = None) -> Release:
    """Serve an earlier release again: the given one, or the one before the current."""
    releases = list_releases(settings)
    current = serving_release_id(settings)
    if release_id is None:
        older = [r for r in releases if current is None or r.release_id < current]
        if current is not None:
            older = older[:1]
        if not older:
            raise ValueError("No earlier release to roll back to (see `empathy releases`).")
        target = older[0]
    else:
        matches = [r for r in releases if r.release_id == release_id]
        if not matches:
            known = ", ".join(r.release_id for r in releases) or "none"
            raise ValueError(f"No release {release_id}; kept releases: {known}")
        target = matches[0]
    _swap_serving_file(settings, target.path / WAREHOUSE_FILE)
    return target


def serving_release_id(settings: Settings) -> str | None:
    """The release the serving file holds, read from its ``warehouse_release`` table."""
    if not settings.serving_file.exists():
        return None
    connection = duckdb.connect(str(settings.serving_file), read_only=True)
    try:
        row = connection.execute("select release_id from warehouse_release").fetchone()
    except duckdb.Error:
        return None
    finally:
        connection.close()
    return str(row[0]) if row else None
