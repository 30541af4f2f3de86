"""Copy the raw files into PostgreSQL, before dbt builds there.

On DuckDB, staging reads the raw files itself (the sources' ``external_location``). PostgreSQL
cannot, so this step copies every table of the raw contract into the schema ``raw`` as
``raw."<system>__<table>"``: the columns DuckDB's reader finds (``union_by_name``), every one as
``text``, plus ``filename``, the file each row came from. Nothing is cast, trimmed or dropped;
staging casts and quarantines on PostgreSQL as it does on DuckDB.

The rows are read with the very table function dbt-duckdb uses (``RawTable.reader_sql``), cast to
VARCHAR by DuckDB and streamed, one Arrow batch at a time, as CSV into ``COPY ... FROM STDIN``. CSV
is read all_varchar already; Parquet values get DuckDB's text form (time-zoned timestamps in UTC);
JSON-lines columns are JSON to DuckDB (``maximum_depth = 1``), so they arrive as their JSON text
(``"abc"`` with its quotes, JSON null as NULL), and staging takes the value out as it does on DuckDB
(``column ->> '$'`` there, ``column::jsonb #>> '{}'`` on PostgreSQL).

NULL and the empty string stay apart: every non-NULL value is written quoted, so an empty string
arrives as ``""`` and a NULL as an unquoted empty field, which is exactly how PostgreSQL's CSV
format tells them apart (no FORCE_NULL: it would turn ``""`` into NULL too).

Each table is replaced in one transaction (drop, create, copy, commit): a failed load leaves the
table as it was, never half of it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import psycopg2
import pyarrow as pa
import pyarrow.csv as pacsv
from psycopg2 import sql
from psycopg2.extensions import connection as PgConnection
from psycopg2.extensions import parse_dsn

from empathy.raw_contract import RawTable, load_contract, require_files

RAW_SCHEMA = "raw"
BATCH_ROWS = 100_000
_COPY_CHUNK = 1 << 20
_DSN_ORDER = ("host", "hostaddr", "port", "dbname", "user")
_MAX_IDENTIFIER_BYTES = 63  # PostgreSQL truncates longer names silently
# every valid value quoted, NULL as an unquoted empty field (see the module docstring)
_CSV_OPTIONS = pacsv.WriteOptions(include_header=False, quoting_style="all_valid")


class PostgresLoadError(RuntimeError):
    """PostgreSQL cannot be reached, or a table could not be copied (it is left as it was)."""


def postgres_table_name(table: RawTable) -> str:
    """The name of a raw table in PostgreSQL's ``raw`` schema: ``<system>__<table>``."""
    return f"{table.system}__{table.name}"


def describe_dsn(dsn: str) -> str:
    """The connection settings of a DSN without its password, for messages."""
    try:
        settings = parse_dsn(dsn)
    except psycopg2.ProgrammingError:
        # not echoed: a malformed DSN may still hold a password
        raise ValueError(
            "the PostgreSQL DSN is malformed: give libpq key=value pairs "
            "('host=... port=... dbname=... user=...') or a postgresql:// URI"
        ) from None
    settings.pop("password", None)
    first = [key for key in _DSN_ORDER if key in settings]
    return " ".join(
        f"{key}={settings[key]}" for key in [*first, *sorted(set(settings) - set(first))]
    )


def load_raw(
    raw_dir: Path,
    dsn: str,
    project_dir: Path,
    echo: Callable[[str], None] = print,
    schema: str = RAW_SCHEMA,
) -> dict[str, int]:
    """Replace every raw table of the contract in PostgreSQL; returns the rows per table
    (keyed ``<system>.<table>``, as ``dq_row_conservation`` names them)."""
    tables = load_contract(project_dir)
    require_files(raw_dir, tables)
    where = describe_dsn(dsn)
    started = time.perf_counter()
    pg = _connect(dsn, where)
    duck = duckdb.connect()
    try:
        duck.execute("set TimeZone = 'UTC'")
        with pg, pg.cursor() as cursor:
            cursor.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
        counts = {}
        for table in tables:
            table_started = time.perf_counter()
            counts[table.qualified_name] = _load_table(pg, duck, raw_dir, table, schema)
            echo(
                f"  {schema}.{postgres_table_name(table):<40} "
                f"{counts[table.qualified_name]:>10,} rows  "
                f"{time.perf_counter() - table_started:6.2f} s"
            )
    finally:
        duck.close()
        pg.close()
    echo(
        f"  {len(counts)} tables, {sum(counts.values()):,} rows copied into schema {schema} "
        f"({where}) in {time.perf_counter() - started:.1f} s"
    )
    return counts


def _connect(dsn: str, where: str) -> PgConnection:
    options = {"application_name": "empathy-load"}
    if "connect_timeout" not in parse_dsn(dsn):
        options["connect_timeout"] = "10"
    try:
        connection = psycopg2.connect(dsn, **options)
    except psycopg2.Error as error:
        raise PostgresLoadError(
            f"cannot connect to PostgreSQL ({where}): {_first_line(error)}"
        ) from None
    connection.set_client_encoding("UTF8")
    return connection


def _load_table(
    pg: PgConnection,
    duck: duckdb.DuckDBPyConnection,
    raw_dir: Path,
    table: RawTable,
    schema: str,
) -> int:
    """Drop, create and fill one table in one transaction; returns its rows."""
    target = sql.Identifier(schema, postgres_table_name(table))
    source = f"{table.qualified_name} ({table.file_glob(raw_dir)})"
    try:
        batches = duck.sql(
            f"select cast(columns(*) as varchar) from {table.reader_sql(raw_dir)}"
        ).to_arrow_reader(BATCH_ROWS)
        names = [postgres_table_name(table), *batches.schema.names]
        too_long = [name for name in names if len(name.encode()) > _MAX_IDENTIFIER_BYTES]
        if too_long:
            raise PostgresLoadError(
                f"{source}: names longer than PostgreSQL's {_MAX_IDENTIFIER_BYTES} bytes: "
                f"{', '.join(too_long)}"
            )
        columns = sql.SQL(", ").join(
            sql.SQL("{} text").format(sql.Identifier(name)) for name in batches.schema.names
        )
        stream = _CsvStream(batches)
        with pg, pg.cursor() as cursor:
            cursor.execute(sql.SQL("drop table if exists {}").format(target))
            cursor.execute(sql.SQL("create table {} ({})").format(target, columns))
            copy = sql.SQL("copy {} from stdin with (format csv)").format(target)
            cursor.copy_expert(copy.as_string(pg), stream, size=_COPY_CHUNK)
            if cursor.rowcount != stream.rows:
                raise PostgresLoadError(
                    f"{source}: PostgreSQL stored {cursor.rowcount:,} rows of the "
                    f"{stream.rows:,} sent; {schema}.{postgres_table_name(table)} is unchanged"
                )
    except (duckdb.Error, psycopg2.Error, pa.ArrowException) as error:
        raise PostgresLoadError(
            f"{source}: cannot be copied into PostgreSQL: {_first_line(error)} "
            f"({schema}.{postgres_table_name(table)} is unchanged)"
        ) from error
    return stream.rows


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class _CsvStream:
    """A file-like object for ``copy_expert``: the CSV text of the batches, read in chunks."""

    def __init__(self, batches: pa.RecordBatchReader) -> None:
        self._batches: Iterator[pa.RecordBatch] = iter(batches)
        self._pending = memoryview(b"")
        self.rows = 0

    def read(self, size: int = -1) -> bytes:
        while not self._pending:
            batch = next(self._batches, None)
            if batch is None:
                return b""
            self.rows += batch.num_rows
            sink = pa.BufferOutputStream()
            pacsv.write_csv(batch, sink, write_options=_CSV_OPTIONS)
            self._pending = memoryview(sink.getvalue())
        size = len(self._pending) if size < 0 else size
        chunk, self._pending = self._pending[:size], self._pending[size:]
        return chunk.tobytes()
