"""The same raw files give the same published tables on every engine (issue 10, parity).

The DuckDB release of the session (`built`: the small demo data and the quarantine fixtures,
refreshed end to end) is the reference. The same raw folder is refreshed on a throw-away PostgreSQL
server with `empathy refresh --engine postgres`, and each public table below is compared row by
row: same row count, text/dates/booleans/integers equal, floats equal to 1e-9 (relative) or 1e-12
(absolute), nulls in the same places.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

pytestmark = pytest.mark.engines
psycopg2 = pytest.importorskip("psycopg2")

# The tables the issue names, and the columns that differ by construction between two builds.
COMPARED_TABLES = (
    "kpi_scorecard",
    "kpi_diagnostics",
    "experiment_scorecard",
    "attribution_credits",
    "dq_row_conservation",
)
BUILD_COLUMNS = {"release_id", "built_at", "published_at", "logged_at"}
RELATIVE, ABSOLUTE = 1e-9, 1e-12


@pytest.fixture(scope="module")
def postgres_release(built, postgres_dsn: str, tmp_path_factory) -> subprocess.CompletedProcess:
    """`empathy refresh --engine postgres` of the raw folder `built` was made from."""
    workspace = built.workspace
    data_dir = tmp_path_factory.mktemp("parity") / "data"
    # the DuckDB release's raw folder and key; a data folder of its own
    env = {
        **workspace.env(),
        "EMPATHY_DATA_DIR": str(data_dir),
        "EMPATHY_PG_SERVING_SCHEMA": "parity",
    }
    command = [str(Path(sys.executable).parent / "empathy"), "refresh", "--engine", "postgres"]
    result = subprocess.run(
        [*command, "--dsn", postgres_dsn], env=env, capture_output=True, text=True, timeout=1800
    )
    return result


def _normalised(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.drop(columns=[c for c in frame.columns if c in BUILD_COLUMNS])
    for column in frame.columns:
        values = frame[column]
        if values.map(lambda v: hasattr(v, "isoformat")).any():
            frame[column] = pd.to_datetime(values)
        elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            frame[column] = values.astype("float64")
    return frame


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    exact = [c for c in frame.columns if frame[c].dtype != "float64"]
    floats = [c for c in frame.columns if frame[c].dtype == "float64"]
    keyed = frame.assign(**{f"__{c}": frame[c].round(6) for c in floats})
    by = exact + [f"__{c}" for c in floats]
    ordered = keyed.astype({c: "string" for c in exact}).sort_values(by, na_position="first")
    return frame.loc[ordered.index].reset_index(drop=True)


def read_duckdb(path: Path, table: str) -> pd.DataFrame:
    connection = duckdb.connect(str(path), read_only=True)
    try:
        return connection.sql(f"select * from main.{table}").df()
    finally:
        connection.close()


def read_postgres(dsn: str, schema: str, table: str) -> pd.DataFrame:
    from empathy.engines.postgres_refresh import query_frame

    connection = psycopg2.connect(dsn)
    try:
        return query_frame(connection)(f'select * from "{schema}"."{table}"')
    finally:
        connection.close()


def differences(reference: pd.DataFrame, other: pd.DataFrame, limit: int = 10) -> list[str]:
    """What differs between two versions of a table, in words (empty: equal)."""
    reference, other = _normalised(reference), _normalised(other)
    if sorted(reference.columns) != sorted(other.columns):
        return [f"columns differ: {sorted(set(reference.columns) ^ set(other.columns))}"]
    if len(reference) != len(other):
        return [f"{len(reference)} rows against {len(other)}"]
    other = other[list(reference.columns)]
    reference, other = _sorted(reference), _sorted(other)
    found = []
    for column in reference.columns:
        for row, (a, b) in enumerate(zip(reference[column], other[column], strict=True)):
            a_null, b_null = pd.isna(a), pd.isna(b)
            if a_null or b_null:
                same = a_null and b_null
            elif isinstance(a, float):
                same = math.isclose(a, float(b), rel_tol=RELATIVE, abs_tol=ABSOLUTE)
            else:
                same = a == b
            if not same:
                found.append(f"{column} row {row}: {a!r} != {b!r}")
                if len(found) >= limit:
                    return found
    return found


@pytest.mark.xfail(
    reason="issue 10 is open: the two dbt Python models (theme coding, experiment statistics) "
    "do not run on PostgreSQL yet, so the refresh stops at the audit",
    strict=False,
)
@pytest.mark.parametrize("table", COMPARED_TABLES)
def test_postgres_publishes_what_duckdb_publishes(
    table: str, built, postgres_dsn: str, postgres_release: subprocess.CompletedProcess
) -> None:
    refreshed = postgres_release
    assert refreshed.returncode == 0, refreshed.stdout[-6000:] + refreshed.stderr[-3000:]
    reference = read_duckdb(built.serving_file, table)
    assert len(reference) > 0, f"{table} is empty on DuckDB: nothing would be compared"
    found = differences(reference, read_postgres(postgres_dsn, "parity", table))
    assert not found, f"{table} differs on PostgreSQL:\n" + "\n".join(found)


def test_the_comparison_sees_a_changed_value(built) -> None:
    """The comparison fails when one float moves past the tolerance, or a row goes missing."""
    reference = read_duckdb(built.serving_file, "kpi_scorecard")
    changed = reference.copy()
    column = changed.columns[changed.dtypes == "float64"][0]
    row = changed[column].first_valid_index()
    changed.loc[row, column] = changed.loc[row, column] * (1 + 1e-6) + 1e-6
    assert differences(reference, changed)
    assert differences(reference, reference.iloc[1:])
    assert not differences(reference, reference.sample(frac=1, random_state=1))
