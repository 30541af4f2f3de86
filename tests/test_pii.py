"""No raw personal data reaches any model: checked on every text column of every table built."""

from __future__ import annotations

import re

import duckdb
import pytest

from conftest import Built

# Deliberately broader than the scrubber in macros/pii/scrub_pii.sql, so this is a second opinion.
EMAIL = re.compile(r"[^\s@\"'<>(),;]+@[^\s@\"'<>(),;]+\.[a-z]{2,}", re.IGNORECASE)
# international (+country code, groups separated by spaces or dashes) or North-American style;
# decimals such as "+0.1201 (0.1217" in KPI evidence are not phone numbers
PHONE = re.compile(
    r"\+\d{1,3}[\s-]?\(?\d{2,4}\)?[\s-]\d{2,4}(?:[\s-]\d{2,4})*"
    r"|\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b"
)
HEX_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def text_columns(connection: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    return connection.execute(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where data_type = 'VARCHAR' and table_schema <> 'information_schema' "
        "order by 1, 2, 3"
    ).fetchall()


@pytest.fixture(scope="module")
def raw_personal_values(built: Built) -> set[str]:
    """Every email, name and phone number in the raw files, as written."""
    raw = built.workspace.raw_dir
    queries = [
        f"select email, full_name, phone from read_csv('{raw}/crm/customers/*.csv', "
        "all_varchar=true)",
        f"select email from read_csv('{raw}/crm/leads/*.csv', all_varchar=true)",
        f"select recipient_email from read_json('{raw}/email/sends/*.jsonl', "
        "format='newline_delimited', maximum_depth=1)",
        f"select requester_email from read_json('{raw}/helpdesk/tickets/*.jsonl', "
        "format='newline_delimited', maximum_depth=1)",
    ]
    values: set[str] = set()
    with duckdb.connect() as connection:
        for query in queries:
            for row in connection.execute(query).fetchall():
                values.update(str(v).strip('" ') for v in row if v and len(str(v).strip()) > 5)
    return values


def test_no_email_or_phone_pattern_in_any_column_of_any_model(built: Built) -> None:
    offenders = []
    with duckdb.connect(str(built.serving_file), read_only=True) as connection:
        for schema, table, column in text_columns(connection):
            values = connection.execute(
                f'select distinct "{column}" from "{schema}"."{table}" where "{column}" is not null'
            ).fetchall()
            for (value,) in values:
                if HEX_DIGEST.match(value):
                    continue
                if EMAIL.search(value) or PHONE.search(value):
                    offenders.append(f"{schema}.{table}.{column}: {value[:80]}")
    assert not offenders, "\n".join(offenders[:20])


def test_no_raw_email_name_or_phone_appears_anywhere(
    built: Built, raw_personal_values: set[str]
) -> None:
    assert len(raw_personal_values) > 1000
    offenders = []
    with duckdb.connect(str(built.serving_file), read_only=True) as connection:
        for schema, table, column in text_columns(connection):
            values = {
                value
                for (value,) in connection.execute(
                    f'select distinct lower(trim("{column}")) from "{schema}"."{table}"'
                ).fetchall()
                if value
            }
            leaked = values & {v.lower() for v in raw_personal_values}
            if leaked:
                offenders.append(f"{schema}.{table}.{column}: {sorted(leaked)[:3]}")
    assert not offenders, "\n".join(offenders)


def test_free_text_pii_is_scrubbed_not_dropped(built: Built) -> None:
    with duckdb.connect(str(built.serving_file), read_only=True) as connection:
        (subject,) = connection.execute(
            "select subject from staging.stg_helpdesk__tickets where ticket_id = 'QFIX-TICKET'"
        ).fetchone()
    assert subject == "Call me on [phone] or write to [email]"


def test_the_same_person_gets_the_same_pseudonym_across_systems(built: Built) -> None:
    with duckdb.connect(str(built.serving_file), read_only=True) as connection:
        (shared,) = connection.execute(
            "select count(*) from staging.stg_crm__customers as customers "
            "inner join staging.stg_email__sends as sends "
            "on customers.customer_id = sends.customer_id "
            "and customers.email_hash = sends.recipient_email_hash"
        ).fetchone()
    assert shared > 0
