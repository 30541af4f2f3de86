"""`empathy load --engine postgres`: every raw table copied into PostgreSQL exactly as DuckDB
reads it (rows, columns, values as text, NULLs), idempotent, and failing clearly."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

# The postgres extra is installed by `make test-engines`, not by `make test`; without it the
# module is reported as skipped in a default run (where -m 'not engines' deselects it anyway).
psycopg2 = pytest.importorskip("psycopg2", reason="the postgres extra: make test-engines")

from empathy.engines.postgres_loader import (  # noqa: E402
    PostgresLoadError,
    describe_dsn,
    load_raw,
    postgres_table_name,
)
from empathy.raw_contract import RawContractError, RawTable, load_contract  # noqa: E402

pytestmark = pytest.mark.engines

PROJECT_DIR = Path(__file__).resolve().parents[2]
EMPATHY = str(Path(sys.executable).with_name("empathy"))
TABLES = {table.qualified_name: table for table in load_contract(PROJECT_DIR)}


def _duckdb_rows(raw_dir: Path, table: RawTable) -> tuple[list[str], list[tuple]]:
    """The table as DuckDB reads it for dbt, every value as text."""
    connection = duckdb.connect()
    try:
        connection.execute("set TimeZone = 'UTC'")
        cursor = connection.execute(
            f"select cast(columns(*) as varchar) from {table.reader_sql(raw_dir)}"
        )
        return [column[0] for column in cursor.description], cursor.fetchall()
    finally:
        connection.close()


def _postgres_query(dsn: str, query: str) -> tuple[list[str], list[tuple]]:
    connection = psycopg2.connect(dsn)
    try:
        with connection.cursor() as cursor:
            cursor.execute(query)
            return [column.name for column in cursor.description], cursor.fetchall()
    finally:
        connection.close()


def _postgres_rows(dsn: str, table: RawTable, schema: str = "raw") -> tuple[list[str], list]:
    return _postgres_query(dsn, f'select * from {schema}."{postgres_table_name(table)}"')


def _fingerprints(dsn: str, schema: str = "raw") -> dict[str, tuple]:
    """Per table of the schema: its columns, its rows and a hash of its sorted rows as text
    (a NULL and an empty string print differently in a row's text)."""
    _, names = _postgres_query(
        dsn, f"select table_name from information_schema.tables where table_schema = '{schema}'"
    )
    prints = {}
    for (name,) in names:
        relation = f'{schema}."{name}"'
        _, rows = _postgres_query(
            dsn,
            "select count(*), md5(string_agg(t::text, e'\\n' order by t::text)) "
            f"from {relation} as t",
        )
        columns, _ = _postgres_query(dsn, f"select * from {relation} limit 0")
        prints[name] = (*rows[0], columns)
    return prints


@pytest.fixture(scope="module")
def loaded(engine_raw: Path, postgres_dsn: str) -> tuple[dict[str, int], list[str]]:
    lines: list[str] = []
    counts = load_raw(engine_raw, postgres_dsn, PROJECT_DIR, echo=lines.append)
    return counts, lines


def test_every_raw_table_has_the_rows_duckdb_reads(
    loaded: tuple[dict[str, int], list[str]], engine_raw: Path, postgres_dsn: str
) -> None:
    counts, lines = loaded
    assert set(counts) == set(TABLES)
    connection = duckdb.connect()
    try:
        for name, table in TABLES.items():
            (expected,) = connection.execute(
                f"select count(*) from {table.reader_sql(engine_raw)}"
            ).fetchone()
            _, rows = _postgres_query(
                postgres_dsn, f'select count(*) from raw."{postgres_table_name(table)}"'
            )
            assert expected > 0
            assert counts[name] == rows[0][0] == expected, name
    finally:
        connection.close()
    # one progress line per table with its rows and seconds, then the total
    assert len(lines) == len(TABLES) + 1
    for table, line in zip(TABLES.values(), lines, strict=False):
        assert f"raw.{postgres_table_name(table)}" in line
        assert f"{counts[table.qualified_name]:,} rows" in line
        assert line.rstrip().endswith(" s")


@pytest.mark.parametrize("name", sorted(TABLES))
def test_content_is_identical_to_duckdb_nulls_included(
    name: str, loaded: tuple[dict[str, int], list[str]], engine_raw: Path, postgres_dsn: str
) -> None:
    table = TABLES[name]
    duck_columns, duck_rows = _duckdb_rows(engine_raw, table)
    pg_columns, pg_rows = _postgres_rows(postgres_dsn, table)
    assert pg_columns == duck_columns
    assert pg_columns[-1] == "filename"
    assert set(table.columns) <= set(pg_columns)
    _, types = _postgres_query(
        postgres_dsn,
        "select distinct data_type from information_schema.columns "
        f"where table_schema = 'raw' and table_name = '{postgres_table_name(table)}'",
    )
    assert types == [("text",)]
    assert Counter(pg_rows) == Counter(duck_rows)


@pytest.mark.parametrize("name", ["surveys.responses", "helpdesk.tickets", "billing.subscriptions"])
def test_the_edge_tables_hold_nulls_and_empty_strings(name: str, engine_raw: Path) -> None:
    """The comparison above tells a NULL from an empty string only where the data has both.
    DuckDB reads an empty CSV field as NULL; JSON-lines columns are JSON, so an empty string is
    the JSON text '""' beside NULL (JSON null); Parquet has both (the edge rows)."""
    values = {value for row in _duckdb_rows(engine_raw, TABLES[name])[1] for value in row}
    assert None in values
    empty = {"csv": None, "jsonl": '""', "parquet": ""}[TABLES[name].file_format]
    assert empty is None or empty in values
    assert ("" in values) == (TABLES[name].file_format == "parquet")


@pytest.mark.parametrize(
    "name", sorted(name for name, table in TABLES.items() if table.file_format == "jsonl")
)
def test_json_values_extract_in_postgres_as_in_duckdb(
    name: str, loaded: tuple[dict[str, int], list[str]], engine_raw: Path, postgres_dsn: str
) -> None:
    """JSON-lines columns arrive as their JSON text; staging takes the value out of it
    (DuckDB: `column ->> '$'`). PostgreSQL's `column::jsonb #>> '{}'` gives the same text."""
    table = TABLES[name]
    columns = [column for column in _duckdb_rows(engine_raw, table)[0] if column != "filename"]
    connection = duckdb.connect()
    try:
        duck = connection.execute(
            "select "
            + ", ".join(f"\"{column}\" ->> '$'" for column in columns)
            + f" from {table.reader_sql(engine_raw)}"
        ).fetchall()
    finally:
        connection.close()
    _, pg = _postgres_query(
        postgres_dsn,
        "select "
        + ", ".join(f"\"{column}\"::jsonb #>> '{{}}'" for column in columns)
        + f' from raw."{postgres_table_name(table)}"',
    )
    assert Counter(pg) == Counter(duck)


def _row(dsn: str, table: str, key: str, value: str) -> dict[str, str | None]:
    columns, rows = _postgres_query(dsn, f"select * from raw.\"{table}\" where {key} = '{value}'")
    (row,) = rows
    return dict(zip(columns, row, strict=True))


def test_edge_values_arrive_exactly(
    loaded: tuple[dict[str, int], list[str]], postgres_dsn: str
) -> None:
    """Values written by hand, checked against literals rather than against DuckDB."""
    responses = "surveys__responses"
    null = _row(postgres_dsn, responses, "response_id", "EDGE-null")
    assert null["customer_id"] is None and null["comment"] is None
    assert null["filename"].endswith("/surveys/responses/part-99998.csv")
    text = _row(postgres_dsn, responses, "response_id", "EDGE-text")
    assert text["answer"] == "  padded  "
    assert text["comment"] == (
        'a "quoted" word, a comma\r\nand a second line \\ backslash ✓ ünïcode'
    )
    markers = _row(postgres_dsn, responses, "response_id", "EDGE-markers")
    assert (markers["answer"], markers["comment"], markers["_loaded_at"]) == ("\\N", "\\.", "NULL")

    tickets = "helpdesk__tickets"
    # JSON lines: each value as its JSON text, JSON null as NULL
    empty = _row(postgres_dsn, tickets, "ticket_id", '"EDGE-empty"')
    assert (empty["customer_id"], empty["subject"]) == ('""', '""')
    assert empty["conversation_id"] is None and empty["priority"] is None
    assert empty["channel"] == '"  Email \\n"'
    assert empty["requester_email"] == '"fixture.person@example.org"'
    ticket = _row(postgres_dsn, tickets, "ticket_id", '"EDGE-text"')
    assert ticket["subject"] == '"say \\"hi\\", then\\n\\\\."'
    assert ticket["conversation_id"] == '"\\\\N"'

    _, rows = _postgres_query(postgres_dsn, 'select * from raw."billing__subscriptions"')
    assert sum(all(value is None for value in row[:-1]) for row in rows) == 1
    assert sum("" in row for row in rows) == 1


def test_loading_twice_gives_the_same_tables(
    loaded: tuple[dict[str, int], list[str]], engine_raw: Path, postgres_dsn: str
) -> None:
    """The second load, through the command line with the DSN from the environment."""
    before = _fingerprints(postgres_dsn)
    assert set(before) == {postgres_table_name(table) for table in TABLES.values()}
    result = subprocess.run(
        [EMPATHY, "load", "--engine", "postgres"],
        env={
            **_env(engine_raw),
            "EMPATHY_POSTGRES_DSN": postgres_dsn,
        },
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    progress = [line for line in result.stdout.splitlines() if line.startswith("  raw.")]
    assert len(progress) == len(TABLES)
    assert _fingerprints(postgres_dsn) == before


def _env(raw_dir: Path) -> dict[str, str]:
    return {**os.environ, "EMPATHY_RAW_DIR": str(raw_dir), "EMPATHY_PROJECT_DIR": str(PROJECT_DIR)}


def test_unreachable_postgres_fails_naming_the_dsn_without_the_password(
    engine_raw: Path,
) -> None:
    from postgres_server import free_port

    port = free_port()
    dsn = f"host=127.0.0.1 port={port} dbname=warehouse user=loader password=s3cret"
    with pytest.raises(PostgresLoadError) as error:
        load_raw(engine_raw, dsn, PROJECT_DIR, echo=lambda _: None)
    message = str(error.value)
    assert f"cannot connect to PostgreSQL (host=127.0.0.1 port={port} dbname=warehouse" in message
    assert "s3cret" not in message
    assert "s3cret" not in describe_dsn(f"postgresql://loader:s3cret@127.0.0.1:{port}/warehouse")

    result = subprocess.run(
        [EMPATHY, "load", "--dsn", dsn],
        env=_env(engine_raw), capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "cannot connect to PostgreSQL" in result.stderr and "s3cret" not in result.stderr

    malformed = subprocess.run(
        [EMPATHY, "load", "--dsn", "host=127.0.0.1 password='s3cret"],
        env=_env(engine_raw), capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert malformed.returncode == 2
    assert "DSN is malformed" in malformed.stderr and "s3cret" not in malformed.stderr


def test_a_missing_raw_table_fails_naming_it(
    tmp_path: Path, engine_raw: Path, postgres_dsn: str
) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(engine_raw, raw, ignore=shutil.ignore_patterns("ticket_events"))
    with pytest.raises(RawContractError) as error:
        load_raw(raw, postgres_dsn, PROJECT_DIR, schema="raw_missing", echo=lambda _: None)
    assert "helpdesk.ticket_events: missing table" in str(error.value)
    _, schemas = _postgres_query(
        postgres_dsn, "select 1 from pg_namespace where nspname = 'raw_missing'"
    )
    assert schemas == []  # checked before anything is touched

    result = subprocess.run(
        [EMPATHY, "load", "--dsn", postgres_dsn],
        env=_env(raw), capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "helpdesk.ticket_events" in result.stderr and "Nothing was loaded" in result.stderr


def test_a_table_that_fails_to_load_is_left_as_it_was(
    tmp_path: Path, engine_raw: Path, postgres_dsn: str
) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(engine_raw, raw)
    schema = "raw_failure"
    first = load_raw(raw, postgres_dsn, PROJECT_DIR, schema=schema, echo=lambda _: None)
    before = _fingerprints(postgres_dsn, schema)
    # DuckDB reads a NUL character in a Parquet string; PostgreSQL text cannot hold it, so the
    # COPY fails after the table was dropped and created again: the transaction must undo that.
    folder = raw / "billing" / "subscriptions"
    real = pq.read_table(sorted(folder.glob("*.parquet"))[0]).slice(0, 1)
    plan = real.column_names.index("plan")
    broken = real.set_column(plan, "plan", pa.array(["pro\x00"], type=real.schema.field(plan).type))
    pq.write_table(broken, folder / "part-99997.parquet")
    with pytest.raises(PostgresLoadError) as error:
        load_raw(raw, postgres_dsn, PROJECT_DIR, schema=schema, echo=lambda _: None)
    assert "billing.subscriptions" in str(error.value)
    assert "unchanged" in str(error.value)
    after = _fingerprints(postgres_dsn, schema)
    assert after == before
    assert first["billing.subscriptions"] == after["billing__subscriptions"][0]
