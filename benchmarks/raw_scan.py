"""The physical floor of a refresh: one DuckDB scan of every raw file, every column decoded.

    python benchmarks/raw_scan.py REQUEST.json RESULT.json

REQUEST.json is ``{"memory_limit": "4GB", "readers": {"<system>.<table>": "<table function>"}}``,
written by ``refresh_benchmark.scan_raw`` from the raw contract (the exact ``read_csv`` /
``read_json`` / ``read_parquet`` calls staging reads with). For each table this runs

    select count(*), count(hash(columns(*))) from <reader>

``columns(*)`` expands to one ``count(hash(<column>))`` per column, so DuckDB must read and decode
every column of every row (a bare ``count(*)`` lets Parquet answer from its metadata and CSV and
JSON skip value conversion). ``hash`` is cheap next to decoding, and ``count`` of it keeps the
result to one number per column. RESULT.json gets rows, columns read and seconds per table.

It runs as a fresh process of its own, importing nothing but DuckDB, so its wall time is
comparable with an ``empathy refresh`` process: start-up, reading, and nothing else.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb

SCAN_SQL = "select count(*), count(hash(columns(*))) from {reader}"


def scan(readers: dict[str, str], memory_limit: str) -> dict[str, dict[str, float]]:
    """Rows, columns read and seconds of each table's scan, in the order given."""
    connection = duckdb.connect(
        config={"memory_limit": memory_limit, "autoinstall_known_extensions": False}
    )
    # as staging reads them (TimeZone matters to timestamps with offsets)
    connection.execute("set TimeZone = 'UTC'")
    results: dict[str, dict[str, float]] = {}
    try:
        for table, reader in readers.items():
            started = time.perf_counter()
            row = connection.execute(SCAN_SQL.format(reader=reader)).fetchone()
            assert row is not None
            results[table] = {
                "rows": row[0],
                "columns": len(row) - 1,
                "seconds": round(time.perf_counter() - started, 3),
            }
    finally:
        connection.close()
    return results


def main(argv: list[str]) -> int:
    request_path, result_path = (Path(arg) for arg in argv)
    request = json.loads(request_path.read_text())
    results = scan(request["readers"], request["memory_limit"])
    result_path.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
