"""Every quarantine reason, exercised by a hand-written raw row (tests/quarantine_cases.py)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from conftest import Built
from quarantine_cases import CASES, EXPECTED_REASONS


def quarantined_fixtures(built: Built) -> list[tuple[str, str, dict[str, object]]]:
    with duckdb.connect(str(built.serving_file), read_only=True) as connection:
        rows = connection.execute(
            "select quarantine_reason, quarantine_detail, row_data from dq_quarantine "
            "where source_table = 'surveys.responses' and row_data like '%fixture %'"
        ).fetchall()
    return [(reason, detail, json.loads(data)) for reason, detail, data in rows]


def test_every_reason_code_of_the_seed_is_exercised() -> None:
    seed = Path(__file__).parents[1] / "seeds" / "reference" / "quarantine_reasons.csv"
    codes = {line.split(",")[0] for line in seed.read_text().splitlines()[1:]}
    assert codes == EXPECTED_REASONS


def test_each_invalid_fixture_row_is_quarantined_with_its_reason(built: Built) -> None:
    found = sorted((data["comment"], reason) for reason, _, data in quarantined_fixtures(built))
    expected = sorted((row["comment"], reason) for row, reason in CASES if reason is not None)
    assert found == expected


def test_quarantine_detail_names_the_column(built: Built) -> None:
    details = {data["comment"]: detail for _, detail, data in quarantined_fixtures(built)}
    assert "sent_at" in details["fixture unparse"]
    assert "next tuesday" in details["fixture unparse"]
    assert "survey_type" in details["fixture enum"] and "ces_v2" in details["fixture enum"]
    assert "score" in details["fixture range"]
    assert "response_id" in details["fixture noid"]


def test_quarantined_rows_name_their_file(built: Built) -> None:
    with duckdb.connect(str(built.serving_file), read_only=True) as connection:
        files = connection.execute(
            "select distinct source_file from dq_quarantine where row_data like '%fixture %'"
        ).fetchall()
    assert [path for (path,) in files] == [
        str(built.workspace.raw_dir / "surveys" / "responses" / "part-99999.csv")
    ]


def test_exact_copies_are_numbered_after_the_row_they_copy(built: Built) -> None:
    # Two identical raw rows in one file: one key stem, the kept row number 1, its copy number 2.
    with duckdb.connect(str(built.serving_file), read_only=True) as connection:
        rows = connection.execute(
            "select source_row_key, quarantine_reason from staging.base_surveys__responses "
            "where response_id = 'QFIX-dup' order by source_row_key"
        ).fetchall()
    assert len(rows) == 2
    (first_key, first_reason), (second_key, second_reason) = rows
    assert first_key.split("-")[0] == second_key.split("-")[0]
    assert (first_key.split("-")[1], first_reason) == ("1", None)
    assert (second_key.split("-")[1], second_reason) == ("2", "duplicate")


def test_every_raw_row_has_one_key(built: Built) -> None:
    # Each base model holds every raw row once, under a key no other row of the table has.
    with duckdb.connect(str(built.serving_file), read_only=True) as connection:
        counts = dict(connection.execute("select * from staging.dq_source_row_counts").fetchall())
        for source_table, raw_rows in counts.items():
            system, table = source_table.split(".")
            rows, keys = connection.execute(
                "select count(*), count(distinct source_row_key) "
                f"from staging.base_{system}__{table}"
            ).fetchone()
            assert (rows, keys) == (raw_rows, raw_rows), source_table
