"""`empathy refresh --engine postgres`: write, audit and publish a release in PostgreSQL.

The same steps as on DuckDB, with schemas in the place of files:

1. check the raw files against the raw contract (the same check);
2. copy them into the release's own raw schema ``release_<id>_raw`` (the loader), carry the
   history tables of the served release in, and ``dbt build --target postgres`` into the
   release's schemas: ``release_<id>`` (the marts) and ``release_<id>_<folder>`` (staging,
   intermediate, reference, snapshots; see macros/generate_schema_name.sql);
3. audit: every dbt test and the quality gates (read from the release's schema); a failure stops
   here and leaves the served schemas as they were;
4. publish, in one transaction: the served schemas (``empathy``, ``empathy_<folder>``) are
   renamed to the names of their own release, and the new release's schemas to the served names.
   PostgreSQL's DDL is transactional, so a reader sees either the old release or the new one,
   never a mix, and a killed publish changes nothing. Views keep working across the rename
   (PostgreSQL binds them to tables, not names). The last ``KEEP_RELEASES`` releases stay, under
   their own names, for inspection; older ones and never-published builds are dropped.

The pseudonymisation key reaches the server as the session setting ``empathy.pii_key`` through
libpq's PGOPTIONS, so it never appears in SQL, dbt's logs or the server's statement log.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd
import psycopg2
from psycopg2 import sql
from psycopg2.extensions import parse_dsn

from empathy import __version__
from empathy.dbt_invocation import run_dbt
from empathy.engines.postgres_loader import describe_dsn, load_raw
from empathy.releases import CARRIED_TABLES, KEEP_RELEASES, new_release_id, refresh_lock
from empathy.settings import PII_KEY_VARIABLE, Settings

Echo = Callable[[str], None]
SERVING_SCHEMA_VARIABLE = "EMPATHY_PG_SERVING_SCHEMA"
DEFAULT_SERVING_SCHEMA = "empathy"
RELEASE_PREFIX = "release_"
RELEASE_TABLE = "warehouse_release"
# The schemas of a release: the marts, the raw copy, and the folder schemas of dbt_project.yml
# (models and seeds) and snapshots/. Anything else beside them (empathy_functions) is not moved.
RELEASE_SCHEMA_SUFFIXES = ("", "_raw", "_staging", "_intermediate", "_reference", "_snapshots")
# psycopg2 type codes of date and timestamp columns: read into pandas as datetime64, as DuckDB does
_DATE_TYPES = {1082, 1114, 1184}
_LIBPQ_VARIABLES = {
    "host": "PGHOST",
    "hostaddr": "PGHOSTADDR",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "dbname": "PGDATABASE",
    "sslmode": "PGSSLMODE",
}


class PostgresRefreshError(RuntimeError):
    """The PostgreSQL build or its audit failed; the served schemas are unchanged."""


@dataclass
class PostgresOutcome:
    release_id: str
    serving_schema: str
    seconds: dict[str, float] = field(default_factory=dict)
    raw_rows: int = 0
    dbt_counts: dict[str, int] = field(default_factory=dict)


def serving_schema() -> str:
    name = os.environ.get(SERVING_SCHEMA_VARIABLE, DEFAULT_SERVING_SCHEMA)
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,40}", name):
        raise ValueError(
            f"{SERVING_SCHEMA_VARIABLE}={name!r}: use a lower-case schema name "
            "(letters, digits, underscores; at most 41 characters)"
        )
    return name


def release_schema(release_id: str) -> str:
    """The schema a release builds its marts in (``release_<id>``, lower case)."""
    return RELEASE_PREFIX + release_id.lower()


def dbt_environment(dsn: str, pii_key: str) -> dict[str, str]:
    """The libpq variables profiles.yml's postgres target reads, from a DSN, and the key."""
    settings = parse_dsn(dsn)
    env = {_LIBPQ_VARIABLES[k]: value for k, value in settings.items() if k in _LIBPQ_VARIABLES}
    escaped = pii_key.replace("\\", "\\\\").replace(" ", "\\ ")
    env["PGOPTIONS"] = f"-c empathy.pii_key={escaped}"
    return env


def query_frame(connection: psycopg2.extensions.connection) -> Callable[[str], pd.DataFrame]:
    """A query function for the quality gates: one SELECT in, a DataFrame out."""

    def query(statement: str) -> pd.DataFrame:
        with connection.cursor() as cursor:
            cursor.execute(statement)
            columns = [column.name for column in cursor.description]
            frame = pd.DataFrame(cursor.fetchall(), columns=columns)
            for column in cursor.description:
                if column.type_code in _DATE_TYPES:
                    frame[column.name] = pd.to_datetime(frame[column.name])
        return frame

    return query


def refresh_postgres(
    settings: Settings, dsn: str, pii_key: str, echo: Echo = print, verbose: bool = False
) -> PostgresOutcome:
    """Check, load, build, audit and publish one release in PostgreSQL."""
    from empathy.refresh import _failure_report, _progress_filter, check_raw

    serving = serving_schema()
    with refresh_lock(settings):
        started = time.perf_counter()
        timings: dict[str, float] = {}
        echo(f"[1/4] Checking raw files in {settings.raw_dir} against the raw contract")
        check_raw(settings, echo, verbose)
        timings["check"] = time.perf_counter() - started

        release_id = new_release_id()
        schema = release_schema(release_id)
        where = describe_dsn(dsn)
        echo(f"[2/4] Building and testing release {release_id} in schemas {schema}* ({where})")
        step = time.perf_counter()
        connection = psycopg2.connect(dsn)
        try:
            dropped = drop_stale_builds(connection)
            if dropped:
                echo(f"  dropped never-published builds: {', '.join(dropped)}")
            load_raw(settings.raw_dir, dsn, settings.project_dir, echo=echo, schema=f"{schema}_raw")
            carried = carry_forward(connection, serving, schema)
            if carried:
                echo(f"  carried history from the served release: {', '.join(carried)}")
            build_dir = settings.build_root / "postgres" / release_id
            build_dir.mkdir(parents=True, exist_ok=True)
            env = {
                **dbt_environment(dsn, pii_key),
                "EMPATHY_PG_SCHEMA": schema,
                "EMPATHY_RAW_SCHEMA": f"{schema}_raw",
                "EMPATHY_RAW_DIR": str(settings.raw_dir),
                "EMPATHY_RELEASE_ID": release_id,
                PII_KEY_VARIABLE: pii_key,
            }
            result = run_dbt(
                ["build", "--exclude-resource-type", "unit_test", "--no-use-colors"],
                project_dir=settings.project_dir,
                artifacts_dir=build_dir,
                env=env,
                echo=(echo if verbose else _progress_filter(echo)),
                target="postgres",
            )
            timings["build"] = time.perf_counter() - step

            echo("[3/4] Audit")
            step = time.perf_counter()
            if not result.ok:
                report = _failure_report(result, settings).replace(
                    f"{settings.serving_file} is unchanged", f"schema {serving} is unchanged"
                )
                raise PostgresRefreshError(report)
            counts = ", ".join(f"{n} {status}" for status, n in sorted(result.counts.items()))
            echo(f"  dbt build: {counts}")
            raw_rows = _raw_rows(connection, schema)
            echo(f"  {raw_rows:,} raw rows, each staged or quarantined (dq_row_conservation)")
            audit_quality(connection, schema, serving, echo)
            timings["audit"] = time.perf_counter() - step

            echo("[4/4] Publishing")
            step = time.perf_counter()
            stamp(connection, schema, release_id, raw_rows)
            previous = publish(connection, schema, serving)
            pruned = prune(connection)
            shutil.rmtree(settings.build_root / "postgres" / release_id, ignore_errors=True)
            timings["publish"] = time.perf_counter() - step
        finally:
            connection.close()
        replaced = f", replacing release {previous}" if previous else ""
        echo(f"  published schema {serving} (release {release_id}{replaced})")
        if pruned:
            echo(f"  dropped releases older than the last {KEEP_RELEASES}: {', '.join(pruned)}")
        timings["total"] = time.perf_counter() - started
        echo(f"Done in {timings['total']:.1f} s.")
        return PostgresOutcome(release_id, serving, timings, raw_rows, result.counts)


def _schemas_of(connection: psycopg2.extensions.connection, base: str) -> list[str]:
    """The schemas of one release (or of the served one): ``base`` and ``base_<folder>``."""
    names = [base + suffix for suffix in RELEASE_SCHEMA_SUFFIXES]
    with connection.cursor() as cursor:
        cursor.execute(
            "select schema_name from information_schema.schemata "
            "where schema_name = any(%s) order by schema_name",
            [names],
        )
        return [row[0] for row in cursor.fetchall()]


def _release_of(connection: psycopg2.extensions.connection, schema: str) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("select to_regclass(%s)", [f'"{schema}".{RELEASE_TABLE}'])
        row = cursor.fetchone()
        if not row or row[0] is None:
            return None
        cursor.execute(
            sql.SQL("select release_id from {}.{}").format(
                sql.Identifier(schema), sql.Identifier(RELEASE_TABLE)
            )
        )
        found = cursor.fetchone()
    return found[0] if found else None


def _release_bases(connection: psycopg2.extensions.connection) -> list[str]:
    """The marts schemas of every release kept under its own name (``release_<id>``)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "select schema_name from information_schema.schemata "
            "where schema_name ~ '^release_[0-9]{8}t[0-9]{12}z$' order by schema_name"
        )
        return [row[0] for row in cursor.fetchall()]


def _drop(connection: psycopg2.extensions.connection, base: str) -> None:
    with connection, connection.cursor() as cursor:
        for name in _schemas_of(connection, base):
            cursor.execute(sql.SQL("drop schema {} cascade").format(sql.Identifier(name)))


def drop_stale_builds(connection: psycopg2.extensions.connection) -> list[str]:
    """Drop the schemas of builds that were never published (a failed audit or a killed run):
    a published release carries its warehouse_release stamp."""
    stale = [base for base in _release_bases(connection) if _release_of(connection, base) is None]
    for base in stale:
        _drop(connection, base)
    return stale


def prune(connection: psycopg2.extensions.connection) -> list[str]:
    """Keep the last KEEP_RELEASES replaced releases; drop the older ones."""
    kept = _release_bases(connection)
    old = kept[: max(0, len(kept) - KEEP_RELEASES)]
    for base in old:
        _drop(connection, base)
    return old


def carry_forward(
    connection: psycopg2.extensions.connection, serving: str, build: str
) -> list[str]:
    """Copy the history tables of the served release into the new release's schemas."""
    carried = []
    with connection, connection.cursor() as cursor:
        for folder, table in CARRIED_TABLES:
            source = serving if folder == "main" else f"{serving}_{folder}"
            target = build if folder == "main" else f"{build}_{folder}"
            cursor.execute("select to_regclass(%s)", [f'"{source}"."{table}"'])
            row = cursor.fetchone()
            if not row or row[0] is None:
                continue
            cursor.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(target)))
            cursor.execute(
                sql.SQL("create table {}.{} as select * from {}.{}").format(
                    sql.Identifier(target), sql.Identifier(table),
                    sql.Identifier(source), sql.Identifier(table),
                )
            )  # fmt: skip
            carried.append(f"{folder}.{table}")
    return carried


def _raw_rows(connection: psycopg2.extensions.connection, schema: str) -> int:
    with connection, connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("select sum(raw_rows) from {}.dq_row_conservation").format(
                sql.Identifier(schema)
            )
        )
        row = cursor.fetchone()
    return int(row[0] or 0) if row else 0


def audit_quality(
    connection: psycopg2.extensions.connection, schema: str, serving: str, echo: Echo
) -> None:
    """The quality gates over the release's schema; raise when one fails."""
    from empathy.quality import run_quality_gates
    from empathy.quality.warehouse import read_tables

    with connection:
        tables = read_tables(query_frame(connection), schema=f'"{schema}"')
    report = run_quality_gates(tables, echo=echo)
    if not report.success:
        lines = [
            "Audit failed: quality gates (Great Expectations) did not pass; nothing was "
            f"published and schema {serving} is unchanged.",
            *(f"  {line}" for line in report.summary_lines()),
        ]
        raise PostgresRefreshError("\n".join(lines))
    echo(f"  quality gates: {report.evaluated} expectations in {len(report.suites)} suites passed")


def stamp(
    connection: psycopg2.extensions.connection, schema: str, release_id: str, raw_rows: int
) -> None:
    """Record in the release itself which release it is (as the DuckDB file does)."""
    with connection, connection.cursor() as cursor:
        cursor.execute(
            sql.SQL(
                "create table {}.{} as select %s::text as release_id, %s::timestamp as built_at, "
                "%s::text as empathy_version, %s::bigint as raw_rows"
            ).format(sql.Identifier(schema), sql.Identifier(RELEASE_TABLE)),
            [release_id, datetime.now(UTC).replace(tzinfo=None), __version__, raw_rows],
        )


def publish(connection: psycopg2.extensions.connection, build: str, serving: str) -> str | None:
    """Swap the served schemas for the build's in one transaction; returns the replaced release."""
    previous = _release_of(connection, serving)
    with connection, connection.cursor() as cursor:
        # one writer: a second publish waits here instead of interleaving its renames
        cursor.execute("select pg_advisory_xact_lock(hashtext('empathy publish'))")
        if previous is not None:
            old = release_schema(previous)
            for name in _schemas_of(connection, serving):
                cursor.execute(
                    sql.SQL("alter schema {} rename to {}").format(
                        sql.Identifier(name), sql.Identifier(old + name[len(serving) :])
                    )
                )
        else:
            for name in _schemas_of(connection, serving):
                # a served schema without a release stamp was not made by a refresh: keep it
                raise PostgresRefreshError(
                    f"schema {name} exists but holds no {RELEASE_TABLE}: it was not published "
                    f"by empathy refresh; drop or rename it, or set {SERVING_SCHEMA_VARIABLE}"
                )
        for name in _schemas_of(connection, build):
            cursor.execute(
                sql.SQL("alter schema {} rename to {}").format(
                    sql.Identifier(name), sql.Identifier(serving + name[len(build) :])
                )
            )
    return previous
