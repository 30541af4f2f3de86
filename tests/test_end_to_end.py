"""`empathy refresh` on the small demo data: what a user and a BI tool get."""

from __future__ import annotations

import duckdb

from conftest import Built
from quarantine_cases import CASES

PUBLIC_TABLES = {"dq_row_conservation", "dq_quarantine", "warehouse_release", "kpi_review_log"}


def connect(built: Built) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(built.serving_file), read_only=True)


def test_refresh_reports_each_step(built: Built) -> None:
    steps = ("[1/5] Checking raw files", "[2/5] Building", "[3/5] Audit", "[4/5] Publishing")
    for step in (*steps, "[5/5] Weekly review"):
        assert step in built.output
    assert "published" in built.output
    assert "quality gates:" in built.output and "expectations in 6 suites passed" in built.output


def test_serving_file_holds_public_tables_and_one_staging_model_per_raw_table(built: Built) -> None:
    with connect(built) as connection:
        tables = {
            (schema, name)
            for schema, name in connection.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }
    assert {("main", name) for name in PUBLIC_TABLES} <= tables
    staging = {name for schema, name in tables if schema == "staging" and name.startswith("stg_")}
    assert len(staging) == 24


def test_row_conservation_covers_every_raw_table_and_balances(built: Built) -> None:
    with connect(built) as connection:
        rows = connection.execute(
            "select source_table, raw_rows, valid_rows, quarantined_rows from dq_row_conservation"
        ).fetchall()
    assert len(rows) == 24
    for source_table, raw_rows, valid_rows, quarantined_rows in rows:
        assert raw_rows == valid_rows + quarantined_rows, source_table
        assert raw_rows > 0, source_table


def test_raw_rows_match_an_independent_count_of_the_files(built: Built) -> None:
    raw = built.workspace.raw_dir
    with duckdb.connect() as counter:
        expected = {
            "surveys.responses": counter.execute(
                f"select count(*) from read_csv('{raw}/surveys/responses/*.csv', all_varchar=true)"
            ).fetchone()[0],
            "billing.invoices": counter.execute(
                f"select count(*) from read_parquet('{raw}/billing/invoices/*.parquet')"
            ).fetchone()[0],
            "helpdesk.ticket_events": counter.execute(
                f"select count(*) from read_json('{raw}/helpdesk/ticket_events/*.jsonl', "
                "format='newline_delimited')"
            ).fetchone()[0],
        }
    with connect(built) as connection:
        actual = dict(
            connection.execute("select source_table, raw_rows from dq_row_conservation").fetchall()
        )
    for table, count in expected.items():
        assert actual[table] == count, table


def test_demo_data_mess_lands_in_quarantine_with_reasons(built: Built) -> None:
    with connect(built) as connection:
        reasons = dict(
            connection.execute(
                "select quarantine_reason, count(*) from dq_quarantine group by 1"
            ).fetchall()
        )
        total_raw, total_quarantined = connection.execute(
            "select sum(raw_rows), sum(quarantined_rows) from dq_row_conservation"
        ).fetchone()
    # the simulator plants duplicates, missing ids, unknown enums and out-of-range values
    for reason in ("duplicate", "missing_id", "unknown_enum", "out_of_range"):
        assert reasons.get(reason, 0) > 0, reason
    # ... at low rates: quarantine stays a small share of the data
    assert 0 < total_quarantined / total_raw < 0.05


def test_valid_fixture_rows_are_staged_normalised_and_in_utc(built: Built) -> None:
    valid = sum(1 for _, reason in CASES if reason is None)
    with connect(built) as connection:
        staged = connection.execute(
            "select response_id, survey_type, score, sent_at from staging.stg_surveys__responses "
            "where response_id like 'QFIX-%' order by response_id"
        ).fetchall()
        ticket = connection.execute(
            "select created_at, channel from staging.stg_helpdesk__tickets "
            "where ticket_id = 'QFIX-TICKET'"
        ).fetchone()
    assert len(staged) == valid
    by_id = {row[0]: row for row in staged}
    assert by_id["QFIX-messy"][1] == "csat"
    assert by_id["QFIX-messy"][3].isoformat() == "2026-03-04T10:00:00"
    assert by_id["QFIX-super"][2] == 5  # the later-loaded version wins
    assert ticket[0].isoformat() == "2026-03-04T08:15:00"
    assert ticket[1] == "email"


def test_serving_file_is_stamped_with_its_release(built: Built) -> None:
    (release,) = sorted(built.workspace.settings.releases_dir.iterdir())
    with connect(built) as connection:
        (release_id,) = connection.execute("select release_id from warehouse_release").fetchone()
    assert release_id == release.name


def test_release_keeps_an_info_level_dbt_log(built: Built) -> None:
    """One line per node, not dbt's debug log of every statement (about 15% of its node time)."""
    (release,) = sorted(built.workspace.settings.releases_dir.iterdir())
    log = (release / "logs" / "dbt.log").read_text()
    assert "OK created sql table model main.kpi_scorecard" in log
    assert "[debug]" not in log
