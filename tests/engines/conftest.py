"""Fixtures of the engine tests (`pytest -m engines`, `make test-engines`): one throw-away
PostgreSQL server and one local Spark per session, and the small demo data with edge-case rows
added."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from quarantine_cases import TICKET, add_fixture_rows

EDGE_FILE = "part-99998"
# surveys.responses rows written by hand, to check the CSV values arrive exactly (the comment of
# EDGE-text holds quotes, a comma, a line break, a backslash and non-ASCII text).
SURVEY_EDGE_CSV = (
    "response_id,customer_id,survey_type,touchpoint_type,touchpoint_id,sent_at,answered_at,"
    "score,answer,comment,_loaded_at\n"
    "EDGE-null,,csat,,,,,,,,\n"
    'EDGE-text,C-EDGE,csat,ticket,T-EDGE,2026-03-04T10:00:00Z,,4,"  padded  ",'
    '"a ""quoted"" word, a comma\r\nand a second line \\ backslash ✓ ünïcode",'
    "2026-03-05T00:00:00Z\n"
    'EDGE-markers,C-EDGE,csat,ticket,T-EDGE,,,,\\N,"\\.",NULL\n'
)
# helpdesk.tickets lines: an empty string beside a null, and text that needs quoting in CSV
TICKET_EDGE_ROWS = [
    {**TICKET, "ticket_id": "EDGE-empty", "customer_id": "", "subject": "", "priority": None,
     "conversation_id": None, "channel": "  Email \n"},
    {**TICKET, "ticket_id": "EDGE-text", "subject": 'say "hi", then\n\\.',
     "conversation_id": "\\N"},
]  # fmt: skip


@pytest.fixture(scope="session")
def postgres_dsn() -> Iterator[str]:
    """A throw-away PostgreSQL server for the whole session (stopped and removed at the end)."""
    from postgres_server import postgres_server

    with postgres_server() as dsn:
        yield dsn


@pytest.fixture(scope="session")
def spark_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One local Spark for the whole session (about 15 s to start), built from the profile target
    spark, with its metastore and warehouse in a temporary EMPATHY_SPARK_DIR. dbt run in this
    process (dbtRunner, --target spark) reuses it: dbt-spark's session method asks for the
    process's SparkSession. Needs the spark extra (tests using it importorskip pyspark)."""
    from empathy.engines.spark_loader import local_session

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EMPATHY_SPARK_DIR", str(tmp_path_factory.mktemp("spark_dir")))
        session = local_session(Path(__file__).resolve().parents[2])
        session.sparkContext.setLogLevel("ERROR")
        yield session
        session.stop()


@pytest.fixture(scope="session")
def engine_raw(tmp_path_factory: pytest.TempPathFactory, small_raw: Path) -> Path:
    """The small demo data, the quarantine fixture rows and the edge-case rows above."""
    raw = tmp_path_factory.mktemp("engine_raw") / "raw"
    shutil.copytree(small_raw, raw)
    add_fixture_rows(raw)
    (raw / "surveys" / "responses" / f"{EDGE_FILE}.csv").write_text(
        SURVEY_EDGE_CSV, encoding="utf-8"
    )
    (raw / "helpdesk" / "tickets" / f"{EDGE_FILE}.jsonl").write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in TICKET_EDGE_ROWS),
        encoding="utf-8",
    )
    _add_parquet_edge_rows(raw / "billing" / "subscriptions")
    return raw


def _add_parquet_edge_rows(folder: Path) -> None:
    """Two rows in the schema of the table's first file: every value NULL, and every string
    empty (the other values copied from a real row)."""
    real = pq.read_table(sorted(folder.glob("*.parquet"))[0]).slice(0, 1)
    columns = {}
    for name, column in zip(real.column_names, real.columns, strict=True):
        second = "" if pa.types.is_string(column.type) else column[0].as_py()
        columns[name] = pa.array([None, second], type=column.type)
    pq.write_table(pa.table(columns), folder / f"{EDGE_FILE}.parquet")
