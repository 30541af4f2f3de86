"""Raw tables on Spark, over the raw files themselves, before dbt builds there.

On DuckDB, staging reads the raw files itself (the sources' ``external_location``). On Spark the
sources name ``raw.<system>__<table>``; this step creates them, one view per raw table of the
contract, over external tables on the files (schema ``raw_files``). Nothing is copied: Spark reads
the files when staging does. Each view has what DuckDB's reader gives staging:

- every column of the file set, in DuckDB's order (``union_by_name``: a column missing from some
  files is NULL in their rows), plus ``filename``, the file's path as DuckDB spells it (the raw
  folder as given, then ``/<system>/<table>/<file>``);
- CSV (header, ``"`` as quote and escape, line breaks inside quotes): every column a string, as
  written; an empty field is NULL (quoted or not, as in DuckDB). Files are grouped by their header
  line, one external table per group (Spark maps CSV columns by position), united by the view;
- JSON lines: every column a string holding the value's text, which is what staging's
  ``json_text_value`` takes out on DuckDB (``column ->> '$'``): a string's own text without quotes
  or escapes, ``true``/``false``, NULL for JSON null or a missing key, and a number, object or
  array as written in the file. There DuckDB differs: it prints numbers, objects and arrays again
  (``4.50`` as ``4.5``, ``1e-05`` as ``0.00001``, ``[1, 2]`` as ``[1,2]``). Typed values are equal
  either way;
- Parquet: the stored types (``mergeSchema``: the union of the files' columns); time-zoned
  timestamps read as Spark ``timestamp`` in the session time zone (UTC).

The plan (which tables, columns and files) is made here from the files, which the raw contract's
pre-flight reads anyway: the CSV header of each file, and DuckDB's reading of the JSON-lines keys,
so the columns are DuckDB's by construction. What runs on Spark is plain SQL (``CREATE TABLE ...
USING csv|json|parquet``, ``CREATE OR REPLACE VIEW``), so the same statements create the tables
through dbt-spark's session method locally or a Thrift server on a cluster (``--sql`` prints them;
``--location`` gives the raw folder as the cluster sees it).

Replacing a raw table: its new external tables are created under fresh names, its rows counted
through them (which also parses every file: a malformed CSV row fails here, as it fails DuckDB's
reader), then the view is switched in one statement and the old external tables dropped. A table
that fails to load keeps its previous view and tables.
"""

from __future__ import annotations

import contextlib
import csv
import glob
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from empathy.raw_contract import RawTable, load_contract, require_files

RAW_SCHEMA = "raw"  # the views the sources name; their external tables are in <schema>_files
PROFILE_NAME = "empathy"
SPARK_TARGET = "spark"
# Options of DuckDB's read_csv in the sources YAML (header, delim ',', quote and escape '"'),
# multiLine for line breaks inside quoted values, FAILFAST so a malformed record is an error.
_CSV_OPTIONS = {
    "header": "true",
    "sep": ",",
    "quote": '"',
    "escape": '"',
    "multiLine": "true",
    "encoding": "UTF-8",
    "mode": "FAILFAST",
}
# No encoding option for JSON: with one, Spark re-prints numbers (4.50 as 4.5, 1e-05 as 1.0E-5);
# without, a number is its text as written (the files are UTF-8: the contract checks it).
_JSON_OPTIONS = {"mode": "FAILFAST"}
_PARQUET_OPTIONS = {"mergeSchema": "true"}
# characters a Hadoop glob (pathGlobFilter) gives a meaning to
_GLOB_SPECIAL = re.compile(r"([\\{}\[\]*?,^])")
Execute = Callable[[str], list[tuple[Any, ...]]]


class SparkLoadError(RuntimeError):
    """Spark could not create or read a raw table (it is left as it was)."""


def spark_table_name(table: RawTable) -> str:
    """The name of a raw table in Spark's ``raw`` schema: ``<system>__<table>``."""
    return f"{table.system}__{table.name}"


@dataclass(frozen=True)
class FileGroup:
    """Files of one raw table that one external table reads (for CSV: the same header)."""

    files: tuple[Path, ...]
    columns: tuple[str, ...]  # the group's own columns, in the files' order (CSV only)


@dataclass(frozen=True)
class TablePlan:
    """How one raw table is made on Spark."""

    table: RawTable
    folder: str  # the folder of the files as Spark reads it
    filename_prefix: str  # what DuckDB's filename column has before the file's name
    columns: tuple[str, ...]  # the view's columns (without filename); empty: inferred (Parquet)
    groups: tuple[FileGroup, ...]
    schema: str = RAW_SCHEMA

    @property
    def files_schema(self) -> str:
        return files_schema(self.schema)

    @property
    def view(self) -> str:
        return f"{_identifier(self.schema)}.{_identifier(spark_table_name(self.table))}"

    def files_table(self, index: int, token: str) -> str:
        name = f"{spark_table_name(self.table)}__{token}_{index}"
        return f"{_identifier(self.files_schema)}.{_identifier(name)}"

    def create_statements(self, token: str) -> list[str]:
        """Create the external tables of this load (names ending in the load's token)."""
        statements = []
        for index, group in enumerate(self.groups):
            options = {"path": self.folder, "pathGlobFilter": self._glob_filter(group)}
            if self.table.file_format == "csv":
                schema = f" ({_string_columns(group.columns)})"
                options |= _CSV_OPTIONS
            elif self.table.file_format == "jsonl":
                schema = f" ({_string_columns(self.columns)})"
                options |= _JSON_OPTIONS
            else:
                schema = ""
                options |= _PARQUET_OPTIONS
            using = {"csv": "csv", "jsonl": "json", "parquet": "parquet"}[self.table.file_format]
            settings = ", ".join(f"{key} {_literal(value)}" for key, value in options.items())
            statements.append(
                f"create table {self.files_table(index, token)}{schema} using {using} "
                f"options ({settings})"
            )
        return statements

    def select_statement(self, token: str) -> str:
        """The view's query: every group's rows, columns by name, NULL where a group lacks one."""
        filename = (
            f"concat({_literal(self.filename_prefix)}, "
            "url_decode(replace(_metadata.file_name, '+', '%2B')))"
        )
        branches = []
        for index, group in enumerate(self.groups):
            if self.columns and self.table.file_format == "csv":
                present = set(group.columns)
                columns = [
                    _identifier(column)
                    if column in present
                    else f"cast(null as string) as {_identifier(column)}"
                    for column in self.columns
                ]
            elif self.columns:
                columns = [_identifier(column) for column in self.columns]
            else:
                columns = ["*"]
            branches.append(
                f"select {', '.join(columns)}, {filename} as filename "
                f"from {self.files_table(index, token)}"
            )
        return "\nunion all\n".join(branches)

    def view_statement(self, token: str) -> str:
        return f"create or replace view {self.view} as\n{self.select_statement(token)}"

    def _glob_filter(self, group: FileGroup) -> str:
        if len(self.groups) == 1:
            return Path(self.table.file_glob(Path("."))).name  # the contract's pattern: *.csv
        names = [_GLOB_SPECIAL.sub(r"\\\1", path.name) for path in group.files]
        return "{" + ",".join(names) + "}"


def files_schema(schema: str) -> str:
    """Where the external tables of the views in ``schema`` are."""
    return f"{schema}_files"


def plan_raw_tables(
    raw_dir: Path, project_dir: Path, location: str | None = None, schema: str = RAW_SCHEMA
) -> list[TablePlan]:
    """The plan of every raw table of the contract. Raises RawContractError, before anything is
    created, when a table has no file (DuckDB's reader fails on such a table too)."""
    tables = load_contract(project_dir)
    require_files(raw_dir, tables)
    return [plan_table(raw_dir, table, location, schema) for table in tables]


def plan_table(
    raw_dir: Path, table: RawTable, location: str | None = None, schema: str = RAW_SCHEMA
) -> TablePlan:
    """The plan of one raw table (it must have a file)."""
    pattern = table.file_glob(raw_dir)
    files = tuple(sorted(Path(path) for path in glob.glob(pattern)))
    local_folder = pattern.rsplit("/", 1)[0]
    if location:
        relative = Path(local_folder).relative_to(raw_dir).as_posix()
        folder = f"{location.rstrip('/')}/{relative}"
    else:
        folder = Path(local_folder).absolute().as_posix()
    # DuckDB's filename: the raw folder as given; on a cluster, as the cluster names it
    prefix = (folder if location else local_folder) + "/"
    if table.file_format == "parquet":
        return TablePlan(table, folder, prefix, (), (FileGroup(files, ()),), schema)
    # the columns as DuckDB's reader (the one staging uses on DuckDB) finds them, in its order
    connection = duckdb.connect()
    try:
        cursor = connection.execute(f"select * from {table.reader_sql(raw_dir)} limit 0")
        columns = tuple(column[0] for column in cursor.description if column[0] != "filename")
    finally:
        connection.close()
    if table.file_format == "jsonl":
        groups = (FileGroup(files, columns),)
    else:
        by_header: dict[tuple[str, ...], list[Path]] = {}
        for path in files:
            by_header.setdefault(_csv_header(path), []).append(path)
        groups = tuple(FileGroup(tuple(paths), header) for header, paths in by_header.items())
    return TablePlan(table, folder, prefix, columns, groups, schema)


def _csv_header(path: Path) -> tuple[str, ...]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return tuple(next(csv.reader(handle, delimiter=",", quotechar='"', doublequote=True), []))


def load_raw(
    raw_dir: Path,
    project_dir: Path,
    execute: Execute,
    echo: Callable[[str], None] = print,
    location: str | None = None,
    schema: str = RAW_SCHEMA,
) -> dict[str, int]:
    """Create or replace every raw table on Spark through ``execute`` (one SQL statement, its
    rows); returns the rows per table (keyed ``<system>.<table>``, as dq_row_conservation)."""
    plans = plan_raw_tables(raw_dir, project_dir, location, schema)
    started = time.perf_counter()
    token = new_token()
    for name in (schema, files_schema(schema)):
        _run(execute, f"create schema if not exists {_identifier(name)}", "Spark")
    existing = [
        str(row[1])  # (namespace, tableName, isTemporary)
        for row in _run(execute, f"show tables in {_identifier(files_schema(schema))}", "Spark")
    ]
    counts = {}
    for plan in plans:
        table_started = time.perf_counter()
        counts[plan.table.qualified_name] = _load_table(execute, plan, token, existing)
        echo(
            f"  {schema}.{spark_table_name(plan.table):<40} "
            f"{counts[plan.table.qualified_name]:>10,} rows  "
            f"{time.perf_counter() - table_started:6.2f} s"
        )
    echo(
        f"  {len(counts)} tables, {sum(counts.values()):,} rows in files under schema "
        f"{schema} in {time.perf_counter() - started:.1f} s"
    )
    return counts


def raw_table_statements(
    raw_dir: Path, project_dir: Path, location: str | None = None, schema: str = RAW_SCHEMA
) -> list[str]:
    """Every statement of a load, for another client (beeline, a notebook) on a cluster: the
    schemas, each table's external tables and view, and the removal of earlier loads' tables is
    left to ``DROP TABLE`` by hand (their names end in an older token)."""
    plans = plan_raw_tables(raw_dir, project_dir, location, schema)
    token = new_token()
    statements = [
        f"create schema if not exists {_identifier(s)}" for s in (schema, files_schema(schema))
    ]
    for plan in plans:
        statements += [*plan.create_statements(token), plan.view_statement(token)]
    return statements


def new_token() -> str:
    """Names this load's external tables apart from the ones the views use now."""
    return "l" + uuid.uuid4().hex[:10]


def _load_table(execute: Execute, plan: TablePlan, token: str, existing: list[str]) -> int:
    source = f"{plan.table.qualified_name} ({plan.folder})"
    created = []
    try:
        for index, statement in enumerate(plan.create_statements(token)):
            _run(execute, statement, source)
            created.append(plan.files_table(index, token))
        # reads every file once: a file Spark cannot parse fails here, not in the build
        rows = _run(execute, f"select count(*) from (\n{plan.select_statement(token)}\n)", source)
        _run(execute, plan.view_statement(token), source)
    except SparkLoadError as error:
        for name in created:
            _run_quietly(execute, f"drop table if exists {name}")
        raise SparkLoadError(
            f"{error} ({plan.schema}.{spark_table_name(plan.table)} is unchanged)"
        ) from error
    _drop_earlier_files_tables(execute, plan, existing)
    return int(rows[0][0])


def _drop_earlier_files_tables(execute: Execute, plan: TablePlan, existing: list[str]) -> None:
    """Drop the external tables earlier loads made for this raw table (the view no longer
    reads them)."""
    prefix = f"{spark_table_name(plan.table)}__".lower()
    for name in existing:
        rest = name.lower()[len(prefix) :] if name.lower().startswith(prefix) else ""
        # another raw table's name may start with this one's: the token part must follow
        if re.fullmatch(r"l[0-9a-f]{10}_[0-9]+", rest):
            _run_quietly(
                execute,
                f"drop table if exists {_identifier(plan.files_schema)}.{_identifier(name)}",
            )


def _run(execute: Execute, statement: str, source: str) -> list[tuple[Any, ...]]:
    try:
        return execute(statement)
    except Exception as error:  # the session raises Py4J/pyspark errors, Thrift others
        raise SparkLoadError(f"{source}: {_first_line(error)}") from error


def _run_quietly(execute: Execute, statement: str) -> None:
    # clean-up only: what is left, the next load drops
    with contextlib.suppress(Exception):
        execute(statement)


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _identifier(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _literal(value: str) -> str:
    """A Spark SQL string literal (backslash escapes, Spark's default parser setting)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _string_columns(columns: Iterable[str]) -> str:
    return ", ".join(f"{_identifier(column)} string" for column in columns)


# --- a local Spark, as dbt's session method makes it ------------------------------------------


def spark_settings(project_dir: Path, target: str = SPARK_TARGET) -> dict[str, str]:
    """The Spark settings of a profile target (its ``server_side_parameters``, rendered as dbt
    renders them), plus what dbt-spark adds (ANSI mode off). The profile is the only place they
    are written: a session built with them is the one dbt's session method builds, and reuses."""
    import jinja2
    import yaml

    profiles_dir = Path(os.environ.get("DBT_PROFILES_DIR", project_dir))
    document = yaml.safe_load((profiles_dir / "profiles.yml").read_text(encoding="utf-8"))
    outputs = document[PROFILE_NAME]["outputs"]
    if target not in outputs:
        raise ValueError(f"profiles.yml has no target {target!r} (profile {PROFILE_NAME})")
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)

    def env_var(name: str, default: str | None = None) -> str:
        if name in os.environ:
            return os.environ[name]
        if default is None:
            raise ValueError(f"profiles.yml: the environment variable {name} is not set")
        return default

    settings = {
        str(key): environment.from_string(str(value)).render(env_var=env_var)
        for key, value in (outputs[target].get("server_side_parameters") or {}).items()
    }
    settings["spark.sql.ansi.enabled"] = "false"
    return settings


def local_session(project_dir: Path, target: str = SPARK_TARGET) -> Any:
    """The process's SparkSession with the profile target's settings (started if need be)."""
    from pyspark.sql import SparkSession

    settings = spark_settings(project_dir, target)
    spark_dir = settings.get("spark.sql.warehouse.dir")
    if spark_dir:
        Path(spark_dir).parent.mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def session_execute(session: Any) -> Execute:
    """``execute`` for load_raw over a SparkSession."""

    def execute(statement: str) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in session.sql(statement).collect()]

    return execute
