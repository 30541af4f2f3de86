"""Spark as an engine: `empathy load --engine spark` makes every raw table a view over the raw
files with what DuckDB's reader gives staging (columns, rows, values, NULLs, filename), the
portable macros mean the same on Spark as on DuckDB, and staging base models build on Spark with
the rows they have on DuckDB.

One local Spark for the whole module (about 15 s to start), shared by the loader and by dbt, which
runs in this process (dbtRunner) so that dbt-spark's session method reuses it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

# The spark extra is installed by `make test-engines` / `make test-engines-spark`, not by
# `make test`; without it the module is reported as skipped.
pytest.importorskip("pyspark", reason="the spark extra: make test-engines-spark")

from empathy.engines.spark_loader import (
    SparkLoadError,
    load_raw,
    plan_table,
    raw_table_statements,
    session_execute,
    spark_settings,
    spark_table_name,
)
from empathy.raw_contract import RawContractError, RawTable, load_contract

pytestmark = pytest.mark.engines

PROJECT_DIR = Path(__file__).resolve().parents[2]
EMPATHY = str(Path(sys.executable).with_name("empathy"))
TABLES = {table.qualified_name: table for table in load_contract(PROJECT_DIR)}
PII_KEY = "spark-test-key"
# one base model per raw format, built on both engines and compared
BASE_MODELS = ["base_surveys__responses", "base_helpdesk__tickets", "base_billing__subscriptions"]
EXTRA_FILE = "part-99996"
# models whose raw values are all text (CSV, JSON lines): the same source_row_key on both engines
TEXT_KEYED_MODELS = {"base_surveys__responses", "base_helpdesk__tickets"}


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark_env(
    tmp_path_factory: pytest.TempPathFactory, engine_raw: Path, spark_session: Any
) -> Iterator[Path]:
    """The environment dbt and the loader read in this module (dbt runs in-process)."""
    root = tmp_path_factory.mktemp("spark")
    (root / "duckdb").mkdir()
    raw = root / "raw"
    shutil.copytree(engine_raw, raw)
    _add_union_by_name_files(raw)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EMPATHY_RAW_DIR", str(raw))
        patch.setenv("EMPATHY_BUILD_PATH", str(root / "duckdb" / "warehouse.duckdb"))
        patch.setenv("EMPATHY_PII_KEY", PII_KEY)
        patch.setenv("EMPATHY_PROJECT_DIR", str(PROJECT_DIR))
        yield root


@pytest.fixture(scope="module")
def raw_dir(spark_env: Path) -> Path:
    return spark_env / "raw"


@pytest.fixture(scope="module")
def spark(spark_env: Path, spark_session: Any) -> Any:
    """The session's local Spark (tests/engines/conftest.py)."""
    return spark_session


@pytest.fixture(scope="module")
def loaded(spark: Any, raw_dir: Path) -> tuple[dict[str, int], list[str]]:
    lines: list[str] = []
    counts = load_raw(raw_dir, PROJECT_DIR, session_execute(spark), echo=lines.append)
    return counts, lines


def _add_union_by_name_files(raw: Path) -> None:
    """A file per format whose columns differ from the others' (another order, a column the other
    files lack): the view must unite them by name, as DuckDB's union_by_name does."""
    responses = raw / "surveys" / "responses"
    header = (responses / "part-00000.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    reordered = [*reversed(header), '"channel_note"']
    values = {
        '"response_id"': "UBN-1", '"survey_type"': "csat", '"touchpoint_type"': "chat",
        '"sent_at"': "2026-03-04T10:00:00Z", '"score"': "5", '"_loaded_at"': "2026-03-05T00:00:00Z",
        '"channel_note"': "only in this file",
    }  # fmt: skip
    (responses / f"{EXTRA_FILE}.csv").write_text(
        ",".join(reordered)
        + "\n"
        + ",".join(values.get(column, "") for column in reordered)
        + "\n",
        encoding="utf-8",
    )
    tickets = raw / "helpdesk" / "tickets"
    first = json.loads((tickets / "part-00000.jsonl").read_text(encoding="utf-8").splitlines()[0])
    row = {"zz_extra": "only here", **dict(reversed(first.items())), "ticket_id": "UBN-1"}
    (tickets / f"{EXTRA_FILE}.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    invoices = raw / "billing" / "invoices"
    real = pq.read_table(sorted(invoices.glob("*.parquet"))[0]).slice(0, 1)
    real = real.select(list(reversed(real.column_names)))
    real = real.append_column("credit_note", pa.array(["CN-1"], type=pa.string()))
    pq.write_table(real, invoices / f"{EXTRA_FILE}.parquet")


# --- DuckDB, the reference -----------------------------------------------------------------------


def _duckdb_rows(raw_dir: Path, table: RawTable) -> tuple[list[str], list[tuple]]:
    """The table as DuckDB reads it for dbt, with the values staging takes (JSON: ->> '$')."""
    connection = duckdb.connect()
    try:
        connection.execute("set TimeZone = 'UTC'")
        reader = table.reader_sql(raw_dir)
        columns = [c[0] for c in connection.execute(f"select * from {reader} limit 0").description]
        if table.file_format == "jsonl":
            select = ", ".join(
                f'"{c}"' if c == "filename" else f'"{c}" ->> \'$\' as "{c}"' for c in columns
            )
        else:
            select = "*"
        rows = connection.execute(f"select {select} from {reader}").fetchall()
        return columns, [tuple(_plain(value) for value in row) for row in rows]
    finally:
        connection.close()


def _plain(value: Any) -> Any:
    """Timestamps as naive UTC, so DuckDB's zoned values compare with Spark's."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _spark_rows(spark: Any, relation: str) -> tuple[list[str], list[tuple]]:
    """Rows of a Spark relation, timestamps as naive UTC (cast to timestamp_ntz in Spark, so the
    Python process's time zone plays no part)."""
    frame = spark.table(relation)
    select = [
        f"cast(`{field.name}` as timestamp_ntz) as `{field.name}`"
        if field.dataType.typeName() == "timestamp"
        else f"`{field.name}`"
        for field in frame.schema.fields
    ]
    rows = spark.sql(f"select {', '.join(select)} from {relation}").collect()
    return frame.columns, [tuple(row) for row in rows]


# --- the raw tables ------------------------------------------------------------------------------


def test_the_session_has_the_profile_settings(spark: Any, spark_env: Path) -> None:
    settings = spark_settings(PROJECT_DIR)
    conf = spark.sparkContext.getConf()
    assert conf.get("spark.master") == "local[2]"
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
    spark_dir = Path(os.environ["EMPATHY_SPARK_DIR"])
    assert spark.conf.get("spark.sql.warehouse.dir").endswith(f"{spark_dir}/warehouse")
    assert spark.sql("select current_timezone()").collect()[0][0] == "UTC"
    assert not conf.get("spark.jars.packages", "")  # nothing is downloaded at run time
    assert settings["spark.sql.ansi.enabled"] == "false"  # as dbt-spark sets it
    # the metastore and Spark's files are in EMPATHY_SPARK_DIR, not the working directory
    spark.sql("create schema if not exists settings_check")
    assert (spark_dir / "metastore_db").is_dir() and (spark_dir / "derby.log").is_file()
    assert not (Path.cwd() / "metastore_db").exists()
    assert not (Path.cwd() / "spark-warehouse").exists()


def test_every_raw_table_has_the_columns_and_rows_duckdb_reads(
    loaded: tuple[dict[str, int], list[str]], raw_dir: Path, spark: Any
) -> None:
    counts, lines = loaded
    assert set(counts) == set(TABLES)
    connection = duckdb.connect()
    try:
        for name, table in TABLES.items():
            relation = f"raw.{spark_table_name(table)}"
            duck = connection.execute(f"select * from {table.reader_sql(raw_dir)} limit 0")
            assert spark.table(relation).columns == [c[0] for c in duck.description], name
            (expected,) = connection.execute(
                f"select count(*) from {table.reader_sql(raw_dir)}"
            ).fetchone()
            assert expected > 0
            assert counts[name] == spark.table(relation).count() == expected, name
    finally:
        connection.close()
    assert len(lines) == len(TABLES) + 1
    for table, line in zip(TABLES.values(), lines, strict=False):
        assert f"raw.{spark_table_name(table)}" in line
        assert f"{counts[table.qualified_name]:,} rows" in line


@pytest.mark.parametrize("name", sorted(TABLES))
def test_content_is_identical_to_duckdb_nulls_included(
    name: str, loaded: tuple[dict[str, int], list[str]], raw_dir: Path, spark: Any
) -> None:
    table = TABLES[name]
    duck_columns, duck_rows = _duckdb_rows(raw_dir, table)
    spark_columns, spark_rows = _spark_rows(spark, f"raw.{spark_table_name(table)}")
    assert spark_columns == duck_columns
    assert spark_columns[-1] == "filename"
    types = {
        field.name: field.dataType.simpleString()
        for field in spark.table(f"raw.{spark_table_name(table)}").schema.fields
    }
    if table.file_format in ("csv", "jsonl"):
        assert set(types.values()) == {"string"}, types  # no inference: every column as text
    assert Counter(spark_rows) == Counter(duck_rows)


def test_columns_of_some_files_only_are_united_by_name(
    loaded: tuple[dict[str, int], list[str]], spark: Any
) -> None:
    """The files added above: another column order and a column the other files lack."""
    note = spark.sql(
        "select channel_note, count(*) from raw.surveys__responses group by 1"
    ).collect()
    assert dict(note) == {None: dict(note)[None], "only in this file": 1}
    (row,) = spark.sql(
        "select survey_type, score, filename from raw.surveys__responses "
        "where response_id = 'UBN-1'"
    ).collect()
    assert (row[0], row[1]) == ("csat", "5")
    assert row[2].endswith(f"/surveys/responses/{EXTRA_FILE}.csv")
    (ticket,) = spark.sql(
        "select zz_extra from raw.helpdesk__tickets where ticket_id = 'UBN-1'"
    ).collect()
    assert ticket[0] == "only here"
    credit = spark.sql("select count(credit_note) from raw.billing__invoices").collect()[0][0]
    assert credit == 1


def test_csv_keeps_values_as_written_and_empty_fields_null(
    loaded: tuple[dict[str, int], list[str]], spark: Any
) -> None:
    rows = {
        row["response_id"]: row.asDict()
        for row in spark.sql(
            "select * from raw.surveys__responses where response_id like 'EDGE-%'"
        ).collect()
    }
    assert rows["EDGE-null"]["customer_id"] is None and rows["EDGE-null"]["comment"] is None
    assert rows["EDGE-null"]["filename"].endswith("/surveys/responses/part-99998.csv")
    text = rows["EDGE-text"]
    assert text["answer"] == "  padded  "
    assert text["comment"] == (
        'a "quoted" word, a comma\r\nand a second line \\ backslash ✓ ünïcode'
    )
    markers = rows["EDGE-markers"]
    assert (markers["answer"], markers["comment"], markers["_loaded_at"]) == ("\\N", "\\.", "NULL")


def test_json_lines_and_parquet_keep_empty_strings_apart_from_nulls(
    loaded: tuple[dict[str, int], list[str]], spark: Any
) -> None:
    empty = spark.sql(
        "select * from raw.helpdesk__tickets where ticket_id = 'EDGE-empty'"
    ).collect()[0]
    assert (empty["customer_id"], empty["subject"]) == ("", "")
    assert empty["conversation_id"] is None and empty["priority"] is None
    assert empty["channel"] == "  Email \n"
    text = spark.sql("select * from raw.helpdesk__tickets where ticket_id = 'EDGE-text'").collect()
    assert text[0]["subject"] == 'say "hi", then\n\\.'
    assert text[0]["conversation_id"] == "\\N"
    rows = spark.sql("select * from raw.billing__subscriptions").collect()
    assert sum(all(value is None for value in list(row)[:-1]) for row in rows) == 1
    assert sum("" in list(row) for row in rows) == 1


def test_json_values_are_their_text(tmp_path: Path, spark: Any) -> None:
    """What a JSON-lines column holds on Spark, kind by kind (the staging macro's json_text_value
    is the column itself), against DuckDB's `->> '$'`."""
    folder = tmp_path / "zz" / "kinds"
    folder.mkdir(parents=True)
    (folder / "part-00000.jsonl").write_text(
        '{"id": "a", "v": "text \\"quoted\\" \\u00fc\\n"}\n'
        '{"id": "b", "v": ""}\n'
        '{"id": "c", "v": null}\n'
        '{"id": "d"}\n'
        '{"id": "e", "v": 42}\n'
        '{"id": "f", "v": -7.25}\n'
        '{"id": "g", "v": 4.50}\n'
        '{"id": "h", "v": 1e-05}\n'
        '{"id": "i", "v": true}\n'
        '{"id": "j", "v": false}\n'
        '{"id": "k", "v": {"x": [1, "y"]}}\n'
        '{"id": "l", "v": [1, 2]}\n',
        encoding="utf-8",
    )
    table = RawTable(
        "zz", "kinds", "jsonl",
        "read_json('{raw_dir}/zz/{name}/*.jsonl', format = 'newline_delimited', maximum_depth = 1,"
        " sample_size = -1, union_by_name = true, filename = true)",
        ("id", "v"),
    )  # fmt: skip
    plan = plan_table(tmp_path, table, schema="json_kinds")
    execute = session_execute(spark)
    execute("create schema if not exists json_kinds_files")
    execute("create schema if not exists json_kinds")
    for statement in plan.create_statements("l0000000000"):
        execute(statement)
    execute(plan.view_statement("l0000000000"))
    on_spark = dict(execute("select id, v from json_kinds.zz__kinds"))
    assert on_spark == {
        "a": 'text "quoted" ü\n',  # a string: its value, unquoted and unescaped
        "b": "",
        "c": None,  # JSON null
        "d": None,  # key missing
        "e": "42",
        "f": "-7.25",
        "g": "4.50",  # a number: as written in the file
        "h": "1e-05",
        "i": "true",
        "j": "false",
        "k": '{"x": [1, "y"]}',  # an object or array: its JSON text as written
        "l": "[1, 2]",
    }
    connection = duckdb.connect()
    duck = dict(
        connection.execute(
            f"select id ->> '$', v ->> '$' from {table.reader_sql(tmp_path)}"
        ).fetchall()
    )
    connection.close()
    # DuckDB prints numbers, objects and arrays again in its own way; strings, booleans and nulls
    # are the same text
    reprinted = {"g": "4.5", "h": "0.00001", "k": '{"x":[1,"y"]}', "l": "[1,2]"}
    assert duck == {**on_spark, **reprinted}


def test_a_missing_raw_table_fails_before_anything_runs(tmp_path: Path, raw_dir: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(raw_dir, raw, ignore=shutil.ignore_patterns("ticket_events"))
    statements: list[str] = []
    with pytest.raises(RawContractError) as error:
        load_raw(raw, PROJECT_DIR, lambda sql: statements.append(sql) or [], echo=lambda _: None)
    assert "helpdesk.ticket_events: missing table" in str(error.value)
    assert statements == []
    result = subprocess.run(
        [EMPATHY, "load", "--engine", "spark", "--sql"],
        env={**os.environ, "EMPATHY_RAW_DIR": str(raw)},
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "helpdesk.ticket_events" in result.stderr and "Nothing was loaded" in result.stderr


def test_sql_prints_every_statement_for_a_cluster(raw_dir: Path) -> None:
    statements = raw_table_statements(raw_dir, PROJECT_DIR, location="s3a://bucket/raw")
    views = [s for s in statements if s.startswith("create or replace view")]
    assert len(views) == len(TABLES)
    assert all("s3a://bucket/raw/" in s for s in statements if s.startswith("create table"))
    assert "concat('s3a://bucket/raw/surveys/responses/'" in " ".join(views)
    result = subprocess.run(
        [EMPATHY, "load", "--engine", "spark", "--sql"],
        env={**os.environ, "EMPATHY_RAW_DIR": str(raw_dir)},
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("create or replace view `raw`.") == len(TABLES)
    assert "files meet the contract" in result.stderr  # the check is not mixed into the SQL


def test_a_table_that_fails_to_load_is_left_as_it_was(
    tmp_path: Path, raw_dir: Path, spark: Any
) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(raw_dir, raw)
    execute = session_execute(spark)
    first = load_raw(raw, PROJECT_DIR, execute, echo=lambda _: None, schema="raw_failure")
    responses = raw / "surveys" / "responses"
    header = (responses / "part-00000.csv").read_text(encoding="utf-8").splitlines()[0]
    # a record with more fields than the header: DuckDB's reader fails on it, and so must Spark
    (responses / "part-99995.csv").write_text(header + "\n" + "x," * 20 + "x\n", encoding="utf-8")
    with pytest.raises(SparkLoadError) as error:
        load_raw(raw, PROJECT_DIR, execute, echo=lambda _: None, schema="raw_failure")
    assert "surveys.responses" in str(error.value) and "unchanged" in str(error.value)
    after = spark.table("raw_failure.surveys__responses").count()
    assert after == first["surveys.responses"]
    # the loads before it replaced their tables and dropped the earlier external tables
    files_tables = [row[1] for row in execute("show tables in raw_failure_files")]
    assert sum(name.startswith("crm__customers__") for name in files_tables) == 1


# --- the portable macros on Spark, against DuckDB -------------------------------------------------


def _dbt(target: str, spark_env: Path, *args: str) -> Any:
    from dbt.cli.main import dbtRunner

    folder = spark_env / f"dbt_{target}"
    result = dbtRunner().invoke(
        [
            *args,
            "--target", target,
            "--project-dir", str(PROJECT_DIR),
            "--profiles-dir", str(PROJECT_DIR),
            "--target-path", str(folder / "target"),
            "--log-path", str(folder / "logs"),
            "--quiet",
        ]
    )  # fmt: skip
    assert result.success, f"dbt {' '.join(args)} on {target} failed: {result.exception}"
    return result


def _show(target: str, spark_env: Path, sql: str) -> dict[str, Any]:
    result = _dbt(target, spark_env, "show", "--inline", sql, "--limit", "1")
    table = result.result.results[0].agate_table
    return dict(
        zip(
            table.column_names,
            [str(v) if v is not None else None for v in table.rows[0]],
            strict=True,
        )
    )


# a macro call in Jinja (VALUE stands for each input, as a SQL string literal) -> the inputs on
# which DuckDB and Spark must agree
MACRO_CASES = {
    "try_cast(VALUE, 'double')": ["4.5", " 4 ", "1e3", "4.", ".5", "+3", "x", "1,5", ""],
    "try_cast(VALUE, 'integer')": ["42", "+3", "-7", " 4 ", "x", "99999999999"],
    "try_cast(VALUE, 'boolean')": ["true", "TRUE", "t", "yes", "y", "1", "0", "no", "n", "off"],
    "try_cast(VALUE, 'date')": ["2026-03-04", "2026-02-30", "x"],
    "to_utc_timestamp(VALUE)": [
        "2026-03-04T12:00:00+02:00", "2026-03-04 12:00:00", "2026-03-04", "2026-03-04T12:00",
        "2026-03-04T12:00:00.123456Z", "2026-03-04T12:00:00Z", "2026-03-04T12:00:00+0200",
        "2026-03-04T12:00:00 UTC", "2026-3-4", "2026-03-04T12:00:00.5", "2026-03-04 12:00:00-05",
        "2026", "2026-03", "2026-03-04T12", "T12:00", "20260304", "+2026-03-04", "next tuesday",
        "2026-03-04\n",
    ],
    r"regex_full_match(VALUE, '[+-]?[0-9]+(\\.0*)?')": [
        "4", "4.0", "4.00", "-4", "4.5", "4x0", "4\n",
    ],
    r"regex_full_match(VALUE, '\\d{3}\\s\\w+')": ["123 abc", "123abc", "12 ab"],
    "scrub_pii(VALUE)": [
        "mail ana.b@example.co.uk now", "call +44 20 7946 0958 or (555) 010-0199",
        "555.010.0199 and 4155550123456", "order 12345 on 2026-03-04", "no pii here",
    ],
    "pseudonymise(VALUE, 'email')": [" Ana@Example.com", "ana@example.com", "", "   "],
    "pseudonymise(VALUE, 'phone')": ["+1 (555) 010-0199", "15550100199", "no digits"],
    "_trim(VALUE)": ["  a b  ", "\u00a0x\u3000", "\tx\t", "x", " ", "  Email \n"],
}  # fmt: skip


def _macro_query() -> tuple[str, dict[str, str]]:
    """One select of every case, each cast to text; the column names and what each one is."""
    selects, labels = [], {}
    for case, (call, inputs) in enumerate(MACRO_CASES.items()):
        for number, value in enumerate(inputs):
            literal = '"' + "'" + value.replace("'", "''") + "'" + '"'  # a Jinja string
            name = f"c{case}_{number}"
            selects.append(
                f"cast({{{{ {call.replace('VALUE', literal)} }}}} as {{{{ sql_type('varchar') }}}})"
                f" as {name}"
            )
            labels[name] = f"{call} on {value!r}"
    return "select " + ", ".join(selects), labels


def test_portable_macros_mean_the_same_on_spark_and_duckdb(spark: Any, spark_env: Path) -> None:
    sql, labels = _macro_query()
    on_duckdb = _show("build", spark_env, sql)
    on_spark = _show("spark", spark_env, sql)
    differences = [
        f"{label}: DuckDB {on_duckdb[name]!r}, Spark {on_spark[name]!r}"
        for name, label in labels.items()
        if on_duckdb[name] != on_spark[name]
    ]
    assert differences == []


def test_sql_type_and_hash_on_spark(spark: Any, spark_env: Path) -> None:
    row = _show(
        "spark",
        spark_env,
        "select cast(1 as {{ sql_type('varchar') }}) as a, cast('1' as {{ sql_type('integer') }})"
        " as b, cast('2026-03-04 10:00:00' as {{ sql_type('timestamptz') }}) as c,"
        " {{ value_hash(['1', \"'a'\"]) }} = {{ value_hash(['1', \"'a'\"]) }} as d,"
        " {{ value_hash(['1', \"'a'\"]) }} <> {{ value_hash(['2', \"'a'\"]) }} as e",
    )
    assert row == {"a": "1", "b": "1", "c": "2026-03-04 10:00:00", "d": "True", "e": "True"}


# --- staging on Spark ----------------------------------------------------------------------------


def test_base_models_build_on_spark_with_the_rows_they_have_on_duckdb(
    loaded: tuple[dict[str, int], list[str]], spark: Any, spark_env: Path
) -> None:
    """One base model per raw format, on each engine from the same files, compared row by row."""
    selection = " ".join(BASE_MODELS)
    _dbt("build", spark_env, "run", "--select", selection)
    _dbt("spark", spark_env, "run", "--select", selection)
    # dbt-duckdb keeps its connection open in this process: one with the same configuration
    connection = duckdb.connect(os.environ["EMPATHY_BUILD_PATH"])
    try:
        for model in BASE_MODELS:
            cursor = connection.execute(f"select * from staging.{model}")
            duck_columns = [column[0] for column in cursor.description]
            duck_rows = [tuple(_plain(value) for value in row) for row in cursor.fetchall()]
            # on a server engine the folder schemas are <target schema>_<folder>
            spark_schema = f"{os.environ.get('EMPATHY_SPARK_SCHEMA', 'dev')}_staging"
            spark_columns, spark_rows = _spark_rows(spark, f"{spark_schema}.{model}")
            assert spark_columns == duck_columns, model
            assert len(spark_rows) == len(duck_rows), model
            if model in TEXT_KEYED_MODELS:
                assert Counter(spark_rows) == Counter(duck_rows), model
            else:
                # source_row_key is an md5 of the raw values as text, and a Parquet timestamp or
                # double prints differently on each engine: every other column is the same
                key = duck_columns.index("source_row_key")
                assert Counter(_without(spark_rows, key)) == Counter(_without(duck_rows, key))
                assert all(len(row[key]) == len(duck_rows[0][key]) for row in spark_rows[:1])
    finally:
        connection.close()


def _without(rows: list[tuple], index: int) -> list[tuple]:
    return [row[:index] + row[index + 1 :] for row in rows]
