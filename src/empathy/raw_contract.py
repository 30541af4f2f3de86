"""Pre-flight check of the raw files against the raw contract, before anything is built.

The contract is the sources YAML, ``models/staging/<system>/_<system>__sources.yml``: where each
table's files are (``external_location``), their format and their documented columns. This module
reads that YAML (it is the only definition) and checks every file the build would read:

- the table has at least one file where the contract says;
- the file is in the format its name says (Parquet magic bytes; UTF-8 text for CSV and JSON lines);
- it is not empty and has at least one data row;
- every documented column is present (a renamed column is reported with its likely new name).

Each file is read once as bytes for the encoding and by DuckDB for its columns and first row, with
the reader and options staging uses (a JSON-lines file: its first 20,480 lines, and all of it only
when a documented column is not among them). Rows are not counted here: the build counts them
straight from the files (``dq_source_row_counts``), and counting a JSON-lines file here would cost
two more full reads of it. Problems name the file and what is wrong. Row-level problems (bad values,
duplicates) are not errors here: staging quarantines those rows with a reason.
"""

from __future__ import annotations

import codecs
import glob
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import yaml

_FIRST_QUOTED = re.compile(r"'([^']*)'")
_EXTENSIONS = {"csv": ".csv", "jsonl": ".jsonl", "parquet": ".parquet"}
_PARQUET_MAGIC = b"PAR1"
_CHUNK = 1 << 20
# Staging reads JSON lines with sample_size = -1 (every line, for every key); the check first reads
# a sample, and the whole file only when a documented column is not in the sample.
_SAMPLE_ALL = re.compile(r"sample_size\s*=\s*-1")
_SAMPLE_ROWS = 20480


@dataclass(frozen=True)
class RawTable:
    """One raw table as the contract documents it."""

    system: str
    name: str
    file_format: str
    location_template: str
    columns: tuple[str, ...]

    @property
    def qualified_name(self) -> str:
        return f"{self.system}.{self.name}"

    def reader_sql(self, raw_dir: Path) -> str:
        """The table function dbt reads the table with (all files)."""
        return self.location_template.format_map(
            {"raw_dir": raw_dir.as_posix(), "name": self.name, "identifier": self.name}
        )

    def file_glob(self, raw_dir: Path) -> str:
        match = _FIRST_QUOTED.search(self.reader_sql(raw_dir))
        if not match:
            raise ValueError(f"{self.qualified_name}: external_location has no quoted path")
        return match.group(1)

    def reader_sql_for_file(self, raw_dir: Path, path: Path) -> str:
        """The same reader and options, on one file."""
        return self.reader_sql(raw_dir).replace(
            f"'{self.file_glob(raw_dir)}'", "'" + path.as_posix().replace("'", "''") + "'", 1
        )


@dataclass
class TableReport:
    table: RawTable
    files: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class RawContractError(RuntimeError):
    """The raw files do not meet the contract; the message lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"The raw files do not meet the raw contract:\n{lines}")


def load_contract(project_dir: Path) -> list[RawTable]:
    """Every raw table documented in the project's sources YAML, in file order."""
    tables: list[RawTable] = []
    for path in sorted((project_dir / "models" / "staging").glob("*/_*__sources.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for source in document.get("sources", []):
            source_meta = _meta(source)
            for table in source.get("tables", []):
                meta = {**source_meta, **_meta(table)}
                try:
                    tables.append(
                        RawTable(
                            system=source["name"],
                            name=table["name"],
                            file_format=meta["format"],
                            location_template=meta["external_location"],
                            columns=tuple(column["name"] for column in table.get("columns", [])),
                        )
                    )
                except KeyError as missing:
                    raise ValueError(
                        f"{path}: table {source['name']}.{table['name']} "
                        f"lacks {missing} in its meta"
                    ) from None
    if not tables:
        raise ValueError(f"No sources YAML found under {project_dir / 'models' / 'staging'}")
    return tables


def _meta(node: dict[str, Any]) -> dict[str, Any]:
    return {**(node.get("meta") or {}), **((node.get("config") or {}).get("meta") or {})}


def check_raw_files(
    raw_dir: Path,
    tables: list[RawTable],
    progress: Callable[[str], None] | None = None,
) -> list[TableReport]:
    """Check every table's files; raise RawContractError listing all problems found."""
    if not raw_dir.is_dir():
        raise RawContractError(
            [
                f"{raw_dir}: the raw folder does not exist (run `empathy generate` or set "
                "EMPATHY_RAW_DIR to your exports)"
            ]
        )
    reports = []
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    try:
        for table in tables:
            report = _check_table(connection, raw_dir, table)
            reports.append(report)
            if progress:
                status = "ok" if not report.errors else f"{len(report.errors)} problem(s)"
                progress(f"  {table.qualified_name:<32} {len(report.files):>3} file(s)  {status}")
    finally:
        connection.close()
    problems = [error for report in reports for error in report.errors]
    if problems:
        raise RawContractError(problems)
    return reports


def _check_table(
    connection: duckdb.DuckDBPyConnection, raw_dir: Path, table: RawTable
) -> TableReport:
    report = TableReport(table)
    pattern = table.file_glob(raw_dir)
    report.files = sorted(Path(path) for path in glob.glob(pattern))
    if not report.files:
        folder = Path(pattern).parent
        others = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        hint = (
            f"; the folder holds {', '.join(others[:5])}"
            if others
            else "; the folder does not exist"
            if not folder.is_dir()
            else "; the folder is empty"
        )
        report.errors.append(
            f"{table.qualified_name}: missing table: no file matches {pattern}{hint}"
        )
        return report
    for path in report.files:
        error = _check_file(connection, raw_dir, table, path, report)
        if error:
            report.errors.append(f"{path}: {error}")
    return report


def require_files(raw_dir: Path, tables: list[RawTable]) -> None:
    """Raise RawContractError naming every table without a file (the loaders check this before
    they change anything; DuckDB's reader fails on such a table too)."""
    missing = [
        f"{table.qualified_name}: missing table: no file matches {table.file_glob(raw_dir)}"
        for table in tables
        if not glob.glob(table.file_glob(raw_dir))
    ]
    if missing:
        raise RawContractError(missing)


def _check_file(
    connection: duckdb.DuckDBPyConnection,
    raw_dir: Path,
    table: RawTable,
    path: Path,
    report: TableReport,
) -> str | None:
    size = path.stat().st_size
    if size == 0:
        return "empty file (0 bytes)"
    format_error = _format_error(path, table.file_format, size)
    if format_error:
        return format_error
    reader = table.reader_sql_for_file(raw_dir, path)
    sampled = _SAMPLE_ALL.sub(f"sample_size = {_SAMPLE_ROWS}", reader)
    try:
        columns, has_rows = _columns_and_first_row(connection, sampled)
        if sampled != reader and any(column not in columns for column in table.columns):
            # a column the sample did not meet may still be further down: read the whole file
            columns, has_rows = _columns_and_first_row(connection, reader)
    except duckdb.Error as error:
        first_line = str(error).strip().splitlines()[0]
        return f"cannot be read as {table.file_format.upper()}: {first_line}"
    missing = [column for column in table.columns if column not in columns]
    if missing:
        unexpected = [c for c in columns if c not in table.columns and c != "filename"]
        hint = ""
        if unexpected:
            hint = f"; columns not in the contract: {', '.join(unexpected)}"
            if len(missing) == 1 and len(unexpected) == 1:
                hint += f" (was {missing[0]} renamed to {unexpected[0]}?)"
        return f"missing column(s) {', '.join(missing)} of {table.qualified_name}{hint}"
    extra = [c for c in columns if c not in table.columns and c != "filename"]
    if extra:
        report.warnings.append(
            f"{path}: columns not in the contract are ignored: {', '.join(extra)}"
        )
    if not has_rows:
        return "no data rows (the file has no records)"
    return None


def _columns_and_first_row(
    connection: duckdb.DuckDBPyConnection, reader: str
) -> tuple[list[str], bool]:
    """The columns the reader finds and whether it has a row, in one statement."""
    cursor = connection.execute(f"select * from {reader} limit 1")
    return [column[0] for column in cursor.description], cursor.fetchone() is not None


def _format_error(path: Path, file_format: str, size: int) -> str | None:
    expected_extension = _EXTENSIONS[file_format]
    if path.suffix != expected_extension:
        return f"expected a {expected_extension} file for format {file_format}"
    if file_format == "parquet":
        with path.open("rb") as handle:
            head = handle.read(4)
            handle.seek(max(size - 4, 0))
            tail = handle.read(4)
        if head != _PARQUET_MAGIC or tail != _PARQUET_MAGIC:
            return "not a Parquet file (the PAR1 magic bytes are missing)"
        return None
    return _encoding_error(path)


def _encoding_error(path: Path) -> str | None:
    """The first place a text file is not valid UTF-8, or None."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    line = 1
    for chunk in _chunks(path):
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as error:
            position = offset + error.start
            line += chunk[: error.start].count(b"\n")
            return (
                f"unreadable encoding: not valid UTF-8 at byte {position} (line {line}); "
                "re-export the file as UTF-8"
            )
        if "\x00" in text:
            return "unreadable encoding: the file contains NUL bytes (binary, or UTF-16?)"
        offset += len(chunk)
        line += chunk.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return f"unreadable encoding: the file ends inside a UTF-8 character (byte {offset})"
    return None


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk
