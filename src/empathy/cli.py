"""The `empathy` command line: generate demo data, refresh the warehouse, manage releases."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from empathy import __version__
from empathy.raw_contract import RawContractError
from empathy.releases import (
    RefreshInProgressError,
    ServedReleaseUnreadableError,
    list_releases,
    rollback,
    serving_release_id,
)
from empathy.reviews.periods import CADENCES
from empathy.settings import POSTGRES_DSN_VARIABLE, Settings, load_settings

SCALES = ("small", "medium", "large")
# engines whose build reads the raw tables from the engine, not from the files: a load step first
LOAD_ENGINES = ("postgres", "spark")
# the schema of the raw tables on a server engine, as the sources YAML reads it
RAW_SCHEMA_VARIABLE = "EMPATHY_RAW_SCHEMA"


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="empathy",
        description=(
            "Empathy KPI Warehouse: governed empathy KPIs for AI-driven marketing and customer "
            "experience, built with dbt on DuckDB."
        ),
        epilog="Run `empathy <command> --help` for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"empathy {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="<command>", required=True)

    generate = commands.add_parser(
        "generate",
        help="write demo raw data from the source simulator",
        description=(
            "Write one coherent customer universe as raw exports of every source system "
            "(DIR/<system>/<table>/part-*.{csv,jsonl,parquet}) plus DIR/_truth.json, which "
            "describes the effects planted in the data and their sizes. The same scale and "
            "seed always give the same files."
        ),
    )
    generate.add_argument(
        "--scale",
        choices=SCALES,
        default="small",
        help="small: ~150k rows, for tests; medium: ~1M rows; large: 20M+ rows (default: small)",
    )
    generate.add_argument("--seed", type=int, default=42, help="random seed (default: 42)")
    generate.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output folder (default: EMPATHY_RAW_DIR, else data/raw)",
    )

    refresh = commands.add_parser(
        "refresh",
        help="check raw files, build, audit and publish the warehouse",
        description=(
            "Check the raw files against the raw contract, build every model into a private "
            "file, run all dbt tests and the quality gates (Great Expectations) there, and only "
            "if everything passes replace data/serving/warehouse.duckdb atomically. A failure "
            "leaves the serving file as it was. With --cadence, also log the values the review "
            "publishes (kpi_review_log), write the review pack of the period that closed before "
            "the as-of date to reports/<cadence>/<period>/ and route breaches and fired "
            "diagnostics to their owners (data/alerts/outbox.jsonl, and the webhook named by "
            "EMPATHY_ALERT_WEBHOOK_URL). Raw files are read from EMPATHY_RAW_DIR (default "
            "data/raw); packs go to EMPATHY_REPORTS_DIR (default reports)."
        ),
        epilog=(
            "Exit codes: 0 published (and reviewed), 1 audit failed or nothing to review "
            "(nothing published), 2 raw files break the contract or bad configuration (nothing "
            "published), 3 published but the review pack or alerts failed (run again), 75 "
            "another refresh holds the lock."
        ),
    )
    refresh.add_argument(
        "--engine",
        choices=("duckdb", "postgres"),
        default="duckdb",
        help=(
            "where to build: duckdb (default; the serving file) or postgres (the raw files are "
            "copied into the server, each release builds in schemas of its own and publishing "
            "renames them to the served schema, EMPATHY_PG_SERVING_SCHEMA, default empathy)"
        ),
    )
    refresh.add_argument(
        "--dsn",
        help=f"with --engine postgres: the server (libpq DSN; default: {POSTGRES_DSN_VARIABLE})",
    )
    refresh.add_argument(
        "--cadence",
        choices=CADENCES,
        help="run that cadence's review after publishing: weekly (ISO week), monthly, quarterly",
    )
    refresh.add_argument(
        "--as-of",
        type=_iso_date,
        metavar="DATE",
        help=(
            "YYYY-MM-DD: periods ending on or before this date are closed; the review covers "
            "the latest of them (default: the day after the latest observation in the data)"
        ),
    )
    refresh.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help=(
            "show every dbt log line and every file check, and keep dbt's debug log (every "
            "statement it ran) in the release's logs/dbt.log"
        ),
    )

    load = commands.add_parser(
        "load",
        help="make the raw tables of a server engine (PostgreSQL, Spark) before dbt builds there",
        description=(
            "Check the raw files against the raw contract, then make every raw table in the "
            "schema raw of the engine as raw.<system>__<table>, with the columns DuckDB's reader "
            "finds plus filename (the file of each row). PostgreSQL (--engine postgres): the "
            "rows are copied, every column as text; each table is replaced in its own "
            "transaction. Spark (--engine spark): views over external tables on the files "
            "themselves (nothing copied; CSV and JSON-lines columns as strings, Parquet in its "
            "types), in the local Spark of the profile target spark (EMPATHY_SPARK_DIR), or "
            "printed with --sql for a cluster. Nothing is cast or dropped and NULLs stay NULL; "
            "staging casts and quarantines there as on DuckDB. A table that fails to load is "
            "left as it was. Raw files are read from EMPATHY_RAW_DIR (default data/raw). Needs "
            "the engine's extra (make install-postgres, make install-spark)."
        ),
        epilog=(
            "Exit codes: 0 loaded, 1 the load failed (the engine unreachable or a table could "
            "not be loaded; the tables loaded before it stay replaced), 2 raw files break the "
            "contract or bad configuration (no or malformed DSN, the extra missing; nothing "
            "loaded)."
        ),
    )
    load.add_argument(
        "--engine",
        choices=LOAD_ENGINES,
        default="postgres",
        help="the engine to load (default: postgres)",
    )
    load.add_argument(
        "--dsn",
        help=(
            "libpq connection string ('host=... port=... dbname=... user=...') or postgresql:// "
            f"URI (default: {POSTGRES_DSN_VARIABLE}); keep the password in PGPASSWORD or "
            "~/.pgpass rather than here"
        ),
    )
    load.add_argument(
        "--sql",
        action="store_true",
        help=(
            "spark: print the statements instead of running them (run them on a cluster with "
            "beeline or any Spark SQL client)"
        ),
    )
    load.add_argument(
        "--location",
        metavar="URI",
        help=(
            "spark: the raw folder as Spark sees it (s3a://bucket/raw, hdfs://...), when it is "
            "not the local EMPATHY_RAW_DIR (default: the local folder)"
        ),
    )
    load.add_argument(
        "-v", "--verbose", action="store_true", help="show every file check of the raw contract"
    )

    commands.add_parser(
        "releases",
        help="list the kept releases and which one is served",
        description="List the releases kept for rollback, newest first.",
    )
    rollback_parser = commands.add_parser(
        "rollback",
        help="serve an earlier release again",
        description="Replace the serving file with a kept release (default: the previous one).",
    )
    rollback_parser.add_argument("release_id", nargs="?", help="the release to serve")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "generate":
            return _generate(args)
        if args.command == "refresh":
            return _refresh(args)
        if args.command == "load":
            return _load(args)
        if args.command == "releases":
            return _releases()
        if args.command == "rollback":
            return _rollback(args)
    except KeyboardInterrupt:
        print("Interrupted; nothing was published.", file=sys.stderr)
        return 130
    raise AssertionError(args.command)


def _generate(args: argparse.Namespace) -> int:
    from empathy.simulator import generate

    out = args.out or load_settings().raw_dir
    started = time.perf_counter()
    summary = generate(args.scale, args.seed, out, progress=lambda line: print(line, flush=True))
    seconds = time.perf_counter() - started
    print(
        f"Wrote {summary['total_rows']:,} rows in {len(summary['rows'])} tables to {out} "
        f"({args.scale}, seed {args.seed}) in {seconds:.1f} s; "
        f"planted effects: {out / '_truth.json'}"
    )
    return 0


def _refresh(args: argparse.Namespace) -> int:
    from empathy.cadences import NoClosedPeriodError, ReviewFailedError
    from empathy.refresh import AuditFailedError, refresh

    settings = load_settings()
    if args.engine == "postgres":
        return _refresh_postgres(args, settings)
    try:
        refresh(
            settings,
            echo=lambda line: print(line, flush=True),
            verbose=args.verbose,
            cadence=args.cadence,
            as_of=args.as_of,
        )
    except RawContractError as error:
        print(f"error: {error}\nNothing was published.", file=sys.stderr)
        return 2
    except NoClosedPeriodError as error:
        print(f"error: {error}\nNothing was published.", file=sys.stderr)
        return 1
    except ReviewFailedError as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    except ValueError as error:  # configuration, e.g. the alert webhook variables
        print(f"error: {error}\nNothing was published.", file=sys.stderr)
        return 2
    except (AuditFailedError, ServedReleaseUnreadableError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except RefreshInProgressError as error:
        print(f"error: {error}", file=sys.stderr)
        return 75
    return 0


def _echo(line: str) -> None:
    print(line, flush=True)


def _postgres_dsn(args: argparse.Namespace, purpose: str) -> str | None:
    """--dsn, else EMPATHY_POSTGRES_DSN; None (with the error printed) when neither is set."""
    dsn = args.dsn or os.environ.get(POSTGRES_DSN_VARIABLE)
    if not dsn:
        print(
            f"error: no PostgreSQL to {purpose}: pass --dsn or set {POSTGRES_DSN_VARIABLE}",
            file=sys.stderr,
        )
    return dsn


def _missing_postgres_client(error: ImportError) -> int:
    print(
        f"error: the PostgreSQL client is not installed ({error.name} is missing): run "
        "`make install-postgres` (or pip install -e '.[postgres]')",
        file=sys.stderr,
    )
    return 2


def _refresh_postgres(args: argparse.Namespace, settings: Settings) -> int:
    if args.cadence or args.as_of:
        print(
            "error: --cadence and --as-of review a release from the DuckDB serving file; "
            "on --engine postgres, refresh without them (reviews on PostgreSQL are not built yet)",
            file=sys.stderr,
        )
        return 2
    dsn = _postgres_dsn(args, "build in")
    if not dsn:
        return 2
    try:
        from psycopg2 import Error as PostgresError

        from empathy.engines.postgres_loader import PostgresLoadError
        from empathy.engines.postgres_refresh import PostgresRefreshError, refresh_postgres
    except ImportError as error:
        return _missing_postgres_client(error)
    from empathy.refresh import pii_key

    try:
        refresh_postgres(settings, dsn, pii_key(settings, _echo), echo=_echo, verbose=args.verbose)
    except (RawContractError, ValueError) as error:
        print(f"error: {error}\nNothing was published.", file=sys.stderr)
        return 2
    except (PostgresRefreshError, PostgresLoadError, PostgresError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except RefreshInProgressError as error:
        print(f"error: {error}", file=sys.stderr)
        return 75
    return 0


def _load(args: argparse.Namespace) -> int:
    if args.engine == "spark":
        return _load_spark(args)
    from empathy.refresh import check_raw

    dsn = _postgres_dsn(args, "load")
    if not dsn:
        return 2
    try:
        from empathy.engines.postgres_loader import PostgresLoadError, load_raw
    except ImportError as error:
        return _missing_postgres_client(error)
    settings = load_settings()
    try:
        check_raw(settings, _echo, verbose=args.verbose)
        load_raw(settings.raw_dir, dsn, settings.project_dir, echo=_echo)
    except (RawContractError, ValueError) as error:
        print(f"error: {error}\nNothing was loaded.", file=sys.stderr)
        return 2
    except PostgresLoadError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def _load_spark(args: argparse.Namespace) -> int:
    from empathy.refresh import check_raw

    settings = load_settings()
    # the profile's default (data/build/spark), made absolute so the working directory does not
    # matter; dbt run by hand from the project folder finds the same metastore
    os.environ.setdefault("EMPATHY_SPARK_DIR", str(settings.build_root / "spark"))
    # the schema the sources read (models/staging/*/_*__sources.yml)
    schema = os.environ.get(RAW_SCHEMA_VARIABLE, "raw")
    try:
        from empathy.engines import spark_loader
    except ImportError as error:
        print(f"error: the Spark loader cannot be imported ({error})", file=sys.stderr)
        return 2
    if args.sql:
        try:
            # the statements go to stdout, the contract check's lines to stderr
            check_raw(settings, lambda line: print(line, file=sys.stderr), verbose=args.verbose)
            statements = spark_loader.raw_table_statements(
                settings.raw_dir, settings.project_dir, location=args.location, schema=schema
            )
        except (RawContractError, ValueError) as error:
            print(f"error: {error}\nNothing was loaded.", file=sys.stderr)
            return 2
        print(";\n\n".join(statements) + ";")
        return 0
    try:
        import pyspark  # noqa: F401
    except ImportError:
        print(
            "error: Spark is not installed (pyspark is missing): run `make install-spark` "
            "(or pip install -e '.[spark]')",
            file=sys.stderr,
        )
        return 2

    try:
        check_raw(settings, _echo, verbose=args.verbose)
        started = time.perf_counter()
        session = spark_loader.local_session(settings.project_dir)
        _echo(f"  Spark {session.version} started in {time.perf_counter() - started:.1f} s")
        spark_loader.load_raw(
            settings.raw_dir,
            settings.project_dir,
            spark_loader.session_execute(session),
            echo=_echo,
            location=args.location,
            schema=schema,
        )
    except (RawContractError, ValueError) as error:
        print(f"error: {error}\nNothing was loaded.", file=sys.stderr)
        return 2
    except spark_loader.SparkLoadError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def _releases() -> int:
    settings = load_settings()
    current = serving_release_id(settings)
    releases = list_releases(settings)
    if not releases:
        print("No releases yet: run `empathy refresh`.")
        return 0
    for release in releases:
        marker = "*" if release.release_id == current else " "
        print(
            f"{marker} {release.release_id}  built {release.info.get('built_at')}  "
            f"raw rows {release.info.get('raw_rows'):,}"
        )
    print("(* = served from data/serving/warehouse.duckdb)")
    return 0


def _rollback(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        release = rollback(settings, args.release_id)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Serving release {release.release_id} from {settings.serving_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
