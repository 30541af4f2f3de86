"""Writing parts and the truth file, byte-for-byte reproducibly.

- Parquet: pyarrow, zstd, fixed writer settings; the file holds no wall-clock time.
- CSV: pyarrow's writer, header row, comma, RFC-4180 quoting (every string quoted, so stray
  whitespace survives), nulls as empty fields, booleans ``true``/``false``.
- JSONL: DuckDB's JSON ``COPY`` on one thread (rows keep their order), one object per line,
  native booleans and numbers, nulls as ``null``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .schema import EXTENSIONS, TableSpec

TRUTH_FILE = "_truth.json"


def clear_previous(out_dir: Path, systems: tuple[str, ...]) -> None:
    """Remove the folders of a previous generation (only the systems written here)."""
    for system in systems:
        target = out_dir / system
        if target.is_dir():
            shutil.rmtree(target)
    (out_dir / TRUTH_FILE).unlink(missing_ok=True)


def part_path(out_dir: Path, spec: TableSpec, block: int) -> Path:
    return out_dir / spec.system / spec.name / f"part-{block:05d}.{EXTENSIONS[spec.fmt]}"


class PartWriter:
    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._con = duckdb.connect()
        self._con.execute("set threads = 1")
        self._con.execute("set preserve_insertion_order = true")

    def write(self, spec: TableSpec, block: int, table: pa.Table) -> Path:
        path = part_path(self.out_dir, spec, block)
        path.parent.mkdir(parents=True, exist_ok=True)
        if spec.fmt == "parquet":
            pq.write_table(
                table,
                path,
                compression="zstd",
                compression_level=3,
                use_dictionary=True,
                write_statistics=True,
            )
        elif spec.fmt == "csv":
            pacsv.write_csv(
                table,
                path,
                pacsv.WriteOptions(include_header=True, delimiter=",", quoting_style="needed"),
            )
        elif spec.fmt == "jsonl":
            self._con.register("part_rows", table)
            try:
                target = str(path).replace("'", "''")
                self._con.execute(f"copy part_rows to '{target}' (format json)")
            finally:
                self._con.unregister("part_rows")
        else:
            raise ValueError(f"unknown format {spec.fmt!r}")
        return path

    def close(self) -> None:
        self._con.close()


def write_truth(out_dir: Path, truth: dict) -> Path:
    path = out_dir / TRUTH_FILE
    path.write_text(json.dumps(truth, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return path
