"""Tests of the source-data simulator (small scale only; a few seconds per generation).

The expected column lists are copied from the raw layout (spec/raw_tables.md), independently of
``empathy.simulator.schema``, so a drift in the simulator's schema fails here.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from empathy.simulator import generate, mess

SEED = 11

EXPECTED_COLUMNS: dict[str, tuple[str, list[str]]] = {
    "crm/customers": (
        "csv",
        [
            "customer_id",
            "email",
            "full_name",
            "phone",
            "segment",
            "value_tier",
            "lifecycle_stage",
            "region",
            "signup_at",
            "acquisition_channel",
            "onboarding_journey",
            "_loaded_at",
        ],
    ),
    "crm/leads": (
        "csv",
        [
            "lead_id",
            "customer_id",
            "email",
            "created_at",
            "source_channel",
            "status",
            "converted_at",
            "_loaded_at",
        ],
    ),
    "crm/opportunities": (
        "csv",
        [
            "opportunity_id",
            "lead_id",
            "customer_id",
            "created_at",
            "stage",
            "closed_at",
            "amount",
            "_loaded_at",
        ],
    ),
    "crm/quote_requests": (
        "csv",
        [
            "quote_request_id",
            "customer_id",
            "requested_at",
            "outcome",
            "opportunity_id",
            "_loaded_at",
        ],
    ),
    "billing/subscriptions": (
        "parquet",
        [
            "subscription_id",
            "customer_id",
            "plan",
            "status",
            "started_at",
            "cancelled_at",
            "current_period_end",
            "mrr",
            "_loaded_at",
        ],
    ),
    "billing/invoices": (
        "parquet",
        [
            "invoice_id",
            "subscription_id",
            "customer_id",
            "period_start",
            "period_end",
            "amount",
            "currency",
            "status",
            "issued_at",
            "_loaded_at",
        ],
    ),
    "web_analytics/sessions": (
        "parquet",
        [
            "session_id",
            "customer_id",
            "anonymous_id",
            "started_at",
            "device",
            "channel",
            "utm_campaign",
            "landing_page",
            "pageviews",
            "scroll_depth_pct",
            "engaged_seconds",
            "is_bounce",
            "_loaded_at",
        ],
    ),
    "web_analytics/events": (
        "parquet",
        ["event_id", "session_id", "event_at", "event_type", "page", "_loaded_at"],
    ),
    "ads/ad_performance": (
        "csv",
        [
            "report_date",
            "campaign_id",
            "channel",
            "ad_relevance_score",
            "impressions",
            "clicks",
            "spend",
            "_loaded_at",
        ],
    ),
    "email/sends": (
        "jsonl",
        [
            "send_id",
            "customer_id",
            "recipient_email",
            "campaign_id",
            "journey",
            "is_ai_personalised",
            "has_reason_line",
            "sent_at",
            "_loaded_at",
        ],
    ),
    "email/events": ("jsonl", ["event_id", "send_id", "event_type", "event_at", "_loaded_at"]),
    "chat/conversations": (
        "jsonl",
        [
            "conversation_id",
            "customer_id",
            "started_at",
            "ended_at",
            "channel",
            "intent",
            "journey_type",
            "ai_turns",
            "human_turns",
            "handed_off",
            "handoff_at",
            "customer_repeated",
            "resolved",
            "_loaded_at",
        ],
    ),
    "chat/messages": (
        "jsonl",
        ["message_id", "conversation_id", "sent_at", "sender_type", "body", "_loaded_at"],
    ),
    "helpdesk/tickets": (
        "jsonl",
        [
            "ticket_id",
            "customer_id",
            "requester_email",
            "created_at",
            "channel",
            "priority",
            "intent",
            "subject",
            "conversation_id",
            "_loaded_at",
        ],
    ),
    "helpdesk/ticket_events": (
        "jsonl",
        [
            "event_id",
            "ticket_id",
            "event_at",
            "event_type",
            "actor_type",
            "is_public",
            "status",
            "group_name",
            "priority",
            "body",
            "_loaded_at",
        ],
    ),
    "surveys/responses": (
        "csv",
        [
            "response_id",
            "customer_id",
            "survey_type",
            "touchpoint_type",
            "touchpoint_id",
            "sent_at",
            "answered_at",
            "score",
            "answer",
            "comment",
            "_loaded_at",
        ],
    ),
    "ai_outputs/outputs": (
        "parquet",
        [
            "output_id",
            "customer_id",
            "touchpoint_type",
            "touchpoint_id",
            "output_type",
            "model_version",
            "created_at",
            "rationale_text",
            "policy_reference",
            "confidence",
            "explanation_shown",
            "explanation_opened",
            "accepted",
            "overridden_by_human",
            "human_reviewed",
            "trace_id",
            "prompt_version",
            "logged_by",
            "_loaded_at",
        ],
    ),
    "qa_reviews/reviews": (
        "csv",
        [
            "review_id",
            "output_id",
            "reviewer_id",
            "reviewed_at",
            "result",
            "issue_category",
            "_loaded_at",
        ],
    ),
    "product/usage_events": (
        "parquet",
        [
            "event_id",
            "customer_id",
            "event_at",
            "event_type",
            "feature",
            "step_number",
            "_loaded_at",
        ],
    ),
    "experiments/experiments": (
        "csv",
        [
            "experiment_id",
            "name",
            "hypothesis",
            "unit_type",
            "primary_metric",
            "guardrail_metrics",
            "started_at",
            "ended_at",
            "status",
            "_loaded_at",
        ],
    ),
    "experiments/variants": (
        "csv",
        ["experiment_id", "variant", "is_control", "weight", "_loaded_at"],
    ),
    "experiments/assignments": (
        "parquet",
        ["assignment_id", "experiment_id", "unit_id", "variant", "assigned_at", "_loaded_at"],
    ),
    "touchpoints/touches": (
        "parquet",
        [
            "touch_id",
            "customer_id",
            "touched_at",
            "channel",
            "campaign",
            "touch_type",
            "is_ai_touchpoint",
            "_loaded_at",
        ],
    ),
    "touchpoints/conversions": (
        "parquet",
        ["conversion_id", "customer_id", "converted_at", "conversion_type", "value", "_loaded_at"],
    ),
}
WRITTEN_ONCE = {"ads/ad_performance", "experiments/experiments", "experiments/variants"}
ISO_TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")


def _reader(root: Path, table: str) -> str:
    fmt, columns = EXPECTED_COLUMNS[table]
    if fmt == "parquet":
        return f"read_parquet('{root}/{table}/*.parquet')"
    if fmt == "csv":
        return f"read_csv('{root}/{table}/*.csv', all_varchar=true)"
    spec = ", ".join(f"'{c}': 'VARCHAR'" for c in columns)
    return f"read_json('{root}/{table}/*.jsonl', format='newline_delimited', columns={{{spec}}})"


def _connect(root: Path) -> duckdb.DuckDBPyConnection:
    """In-memory DuckDB with one view per raw table, named system__table."""
    con = duckdb.connect()
    for table in EXPECTED_COLUMNS:
        con.execute(
            f"create view {table.replace('/', '__')} as select * from {_reader(root, table)}"
        )
    return con


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("raw_a")
    summary = generate("small", SEED, out)
    return out, summary


@pytest.fixture(scope="session")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The same generation with every mess rate set to zero (clean rows only)."""
    out = tmp_path_factory.mktemp("raw_clean")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(mess, "MESS_RATES", {k: 0.0 for k in mess.MESS_RATES})
        generate("small", SEED, out)
    yield out


@pytest.fixture(scope="session")
def con(generated: tuple[Path, dict]) -> duckdb.DuckDBPyConnection:
    return _connect(generated[0])


@pytest.fixture(scope="session")
def clean_con(clean: Path) -> duckdb.DuckDBPyConnection:
    return _connect(clean)


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row


# -- determinism --------------------------------------------------------------------------------


def test_same_seed_gives_byte_identical_files(generated: tuple[Path, dict], tmp_path: Path) -> None:
    again = tmp_path / "raw_b"
    generate("small", SEED, again)
    first, second = _hashes(generated[0]), _hashes(again)
    assert len(first) > 60
    assert first == second


def test_different_seed_gives_different_files(generated: tuple[Path, dict], tmp_path: Path) -> None:
    other = tmp_path / "raw_c"
    generate("small", SEED + 1, other)
    first, second = _hashes(generated[0]), _hashes(other)
    assert first.keys() == second.keys()
    differing = {k for k in first if first[k] != second[k]}
    assert "crm/customers/part-00000.csv" in differing
    assert "_truth.json" in differing
    assert len(differing) >= len(first) - 3


# -- layout -------------------------------------------------------------------------------------


@pytest.mark.parametrize("table", sorted(EXPECTED_COLUMNS))
def test_table_has_documented_columns_and_rows(
    con: duckdb.DuckDBPyConnection, generated: tuple[Path, dict], table: str
) -> None:
    view = table.replace("/", "__")
    names = [r[0] for r in con.execute(f"describe {view}").fetchall()]
    assert names == EXPECTED_COLUMNS[table][1]
    assert _one(con, f"select count(*) from {view}")[0] > 0
    parts = sorted(p.name for p in (generated[0] / table).iterdir())
    ext = EXPECTED_COLUMNS[table][0]
    expected = 1 if table in WRITTEN_ONCE else 3
    assert parts == [f"part-{k:05d}.{ext}" for k in range(expected)]


def test_summary_and_scale(generated: tuple[Path, dict]) -> None:
    summary = generated[1]
    assert summary["scale"] == "small" and summary["seed"] == SEED
    assert summary["window"] == {"start": "2025-09-01", "end": "2026-11-01", "months": 14}
    assert set(summary["rows"]) == {t.replace("/", ".") for t in EXPECTED_COLUMNS}
    assert summary["total_rows"] == sum(summary["rows"].values())
    assert 100_000 <= summary["total_rows"] <= 200_000
    assert summary["seconds"] < 20


def test_parquet_types(generated: tuple[Path, dict]) -> None:
    root = generated[0]
    sessions = pq.read_schema(root / "web_analytics/sessions/part-00000.parquet")
    assert sessions.field("started_at").type == pa.timestamp("us", tz="UTC")
    assert sessions.field("_loaded_at").type == pa.timestamp("us", tz="UTC")
    assert sessions.field("session_id").type == pa.string()
    assert pa.types.is_integer(sessions.field("engaged_seconds").type)
    assert sessions.field("is_bounce").type == pa.bool_()
    invoices = pq.read_schema(root / "billing/invoices/part-00000.parquet")
    assert invoices.field("period_start").type == pa.date32()
    assert invoices.field("amount").type == pa.float64()
    outputs = pq.read_schema(root / "ai_outputs/outputs/part-00000.parquet")
    assert outputs.field("confidence").type == pa.float64()
    assert outputs.field("accepted").type == pa.bool_()
    for part in sorted((root / "billing/invoices").iterdir()):
        assert pq.read_schema(part) == invoices  # mess never changes a Parquet schema


def test_csv_and_json_timestamps_are_iso_8601(con: duckdb.DuckDBPyConnection) -> None:
    for view, col in (
        ("surveys__responses", "sent_at"),
        ("helpdesk__tickets", "created_at"),
        ("crm__customers", "_loaded_at"),
    ):
        values = [
            r[0]
            for r in con.execute(f"select {col} from {view} where {col} is not null").fetchall()
        ]
        assert values and all(ISO_TS.match(v) for v in values), view
    offsets = _one(con, "select avg((sent_at not like '%Z')::int) from surveys__responses")[0]
    assert 0.02 < offsets < 0.09


def test_rerun_replaces_previous_generation(tmp_path: Path) -> None:
    out = tmp_path / "raw"
    stale = out / "crm" / "customers" / "part-00099.csv"
    stale.parent.mkdir(parents=True)
    stale.write_text("customer_id\nC9999999\n")
    keep = out / "notes" / "keep.txt"
    keep.parent.mkdir()
    keep.write_text("not ours")
    generate("small", SEED, out, months=3)
    assert not stale.exists()
    assert keep.exists()
    truth = json.loads((out / "_truth.json").read_text())
    assert truth["window"]["months"] == 3


def test_bad_scale_raises() -> None:
    with pytest.raises(ValueError, match="unknown scale 'huge'"):
        generate("huge", SEED, Path("/nonexistent/never-written"))


# -- coherence (clean rows) -------------------------------------------------------------------

ORPHANS = {
    "ticket_events -> tickets": (
        "helpdesk__ticket_events",
        "ticket_id",
        "helpdesk__tickets",
        "ticket_id",
    ),
    "messages -> conversations": (
        "chat__messages",
        "conversation_id",
        "chat__conversations",
        "conversation_id",
    ),
    "tickets -> conversations": (
        "helpdesk__tickets",
        "conversation_id",
        "chat__conversations",
        "conversation_id",
    ),
    "email events -> sends": ("email__events", "send_id", "email__sends", "send_id"),
    "web events -> sessions": (
        "web_analytics__events",
        "session_id",
        "web_analytics__sessions",
        "session_id",
    ),
    "invoices -> subscriptions": (
        "billing__invoices",
        "subscription_id",
        "billing__subscriptions",
        "subscription_id",
    ),
    "opportunities -> leads": ("crm__opportunities", "lead_id", "crm__leads", "lead_id"),
    "quotes -> opportunities": (
        "crm__quote_requests",
        "opportunity_id",
        "crm__opportunities",
        "opportunity_id",
    ),
    "qa reviews -> outputs": (
        "qa_reviews__reviews",
        "output_id",
        "ai_outputs__outputs",
        "output_id",
    ),
    "assignments -> experiments": (
        "experiments__assignments",
        "experiment_id",
        "experiments__experiments",
        "experiment_id",
    ),
    "assignments -> customers": (
        "experiments__assignments",
        "unit_id",
        "crm__customers",
        "customer_id",
    ),
    "sessions -> customers": (
        "web_analytics__sessions",
        "customer_id",
        "crm__customers",
        "customer_id",
    ),
    "surveys -> customers": ("surveys__responses", "customer_id", "crm__customers", "customer_id"),
    "tickets -> customers": ("helpdesk__tickets", "customer_id", "crm__customers", "customer_id"),
    "touches -> customers": (
        "touchpoints__touches",
        "customer_id",
        "crm__customers",
        "customer_id",
    ),
    "invoices -> customers": ("billing__invoices", "customer_id", "crm__customers", "customer_id"),
}


@pytest.mark.parametrize("name", sorted(ORPHANS))
def test_clean_references_resolve(clean_con: duckdb.DuckDBPyConnection, name: str) -> None:
    child, fk, parent, pk = ORPHANS[name]
    orphans, total = _one(
        clean_con,
        f"""
        select count(*) filter (where p.{pk} is null), count(*)
        from {child} c left join (select distinct {pk} from {parent}) p on c.{fk} = p.{pk}
        where c.{fk} is not null""",
    )
    assert total > 0
    assert orphans == 0


TOUCHPOINT_JOIN = """
    select count(*) filter (where coalesce(cv.conversation_id, tk.ticket_id, se.send_id,
                                           {last}) is null) as orphans, count(*) as total
    from {table} s
    left join chat__conversations cv
      on lower(trim(s.touchpoint_type)) = 'chat' and cv.conversation_id = s.touchpoint_id
    left join helpdesk__tickets tk
      on lower(trim(s.touchpoint_type)) = 'ticket' and tk.ticket_id = s.touchpoint_id
    left join email__sends se
      on lower(trim(s.touchpoint_type)) = 'email' and se.send_id = s.touchpoint_id
    {extra}
"""


def _touchpoint_orphans(con: duckdb.DuckDBPyConnection, table: str) -> tuple[int, int]:
    if table == "surveys__responses":
        extra = (
            "left join ai_outputs__outputs ao on lower(trim(s.touchpoint_type)) = "
            "'ai_output' and ao.output_id = s.touchpoint_id"
        )
        last = "ao.output_id"
    else:
        extra = (
            "left join web_analytics__sessions ws on lower(trim(s.touchpoint_type)) = "
            "'web' and ws.session_id = s.touchpoint_id"
        )
        last = "ws.session_id"
    return _one(con, TOUCHPOINT_JOIN.format(table=table, extra=extra, last=last))


def test_touchpoint_ids_exist(
    con: duckdb.DuckDBPyConnection, clean_con: duckdb.DuckDBPyConnection
) -> None:
    for table in ("surveys__responses", "ai_outputs__outputs"):
        orphans, total = _touchpoint_orphans(clean_con, table)
        assert total > 1000 and orphans == 0, table
        orphans, total = _touchpoint_orphans(con, table)  # with mess: still > 99%
        assert orphans / total < 0.01, table


CAUSAL = {
    "ticket event before ticket creation": """
        select count(*) from helpdesk__ticket_events e join helpdesk__tickets t using (ticket_id)
        where e.event_at::timestamptz < t.created_at::timestamptz""",
    "answer before survey sent": """
        select count(*) from surveys__responses
        where answered_at::timestamptz < sent_at::timestamptz""",
    "e-mail event before send": """
        select count(*) from email__events e join email__sends s using (send_id)
        where e.event_at::timestamptz < s.sent_at::timestamptz""",
    "web event before session start": """
        select count(*) from web_analytics__events e join web_analytics__sessions s
        using (session_id) where e.event_at < s.started_at""",
    "message outside its conversation": """
        select count(*) from chat__messages m join chat__conversations c using (conversation_id)
        where m.sent_at::timestamptz < c.started_at::timestamptz
           or m.sent_at::timestamptz > c.ended_at::timestamptz""",
    "handoff ticket before the handoff": """
        select count(*) from helpdesk__tickets t join chat__conversations c
        using (conversation_id) where t.created_at::timestamptz < c.handoff_at::timestamptz""",
    "invoice outside its subscription": """
        select count(*) from billing__invoices i join billing__subscriptions s
        using (subscription_id) where i.issued_at < s.started_at
           or i.issued_at >= coalesce(s.cancelled_at, 'infinity'::timestamptz)""",
    "qa review before the output": """
        select count(*) from qa_reviews__reviews r join ai_outputs__outputs o using (output_id)
        where r.reviewed_at::timestamptz < o.created_at""",
    "solve before the first public reply": """
        with f as (
            select ticket_id,
                   min(event_at::timestamptz) filter (
                       where event_type = 'comment' and is_public = 'true'
                         and actor_type in ('ai_agent', 'human_agent')) as first_reply,
                   min(event_at::timestamptz) filter (where status = 'solved') as first_solve
            from helpdesk__ticket_events group by 1)
        select count(*) from f where first_solve < first_reply""",
    "activity after the final cancellation": """
        with churn as (
            select customer_id, max(coalesce(cancelled_at, 'infinity'::timestamptz)) as at
            from billing__subscriptions group by 1),
        acts as (
            select customer_id, started_at as t from web_analytics__sessions union all
            select customer_id, event_at from product__usage_events union all
            select customer_id, started_at::timestamptz from chat__conversations union all
            select customer_id, created_at::timestamptz from helpdesk__tickets union all
            select customer_id, answered_at::timestamptz from surveys__responses union all
            select customer_id, converted_at from touchpoints__conversions)
        select count(*) from acts join churn using (customer_id) where acts.t >= churn.at""",
}


@pytest.mark.parametrize("name", sorted(CAUSAL))
def test_clean_rows_are_causally_ordered(clean_con: duckdb.DuckDBPyConnection, name: str) -> None:
    assert _one(clean_con, CAUSAL[name])[0] == 0


def test_ticket_lifecycles(clean_con: duckdb.DuckDBPyConnection) -> None:
    solves, never, twice, thrice, escalated = _one(
        clean_con,
        """
        with t as (
            select ticket_id,
                   count(*) filter (where status = 'solved') as solves,
                   count(*) filter (where event_type = 'group_change') as groups
            from helpdesk__ticket_events group by 1)
        select count(*), count(*) filter (where solves = 0), count(*) filter (where solves >= 2),
               count(*) filter (where solves >= 3), count(*) filter (where groups > 0) from t""",
    )
    assert 0.02 < never / solves < 0.15
    assert 0.05 < twice / solves < 0.3
    assert thrice > 0
    assert 0.05 < escalated / solves < 0.3


PII_PATTERN = r"[a-z]+\.[a-z]+[0-9]+@example\.com|\+1-[0-9]{3}-555-01[0-9]{2}"


def test_pii_present_for_the_warehouse_to_scrub(clean_con: duckdb.DuckDBPyConnection) -> None:
    for view, col in (
        ("chat__messages", "body"),
        ("surveys__responses", "comment"),
        ("helpdesk__tickets", "subject"),
    ):
        hits = _one(
            clean_con,
            f"""
            select count(*) from {view} where regexp_matches({col}, '{PII_PATTERN}')""",
        )[0]
        assert hits > 0, view


# -- truth --------------------------------------------------------------------------------------


def test_truth_lists_planted_effects(generated: tuple[Path, dict]) -> None:
    out, summary = generated
    truth = json.loads((out / "_truth.json").read_text())
    assert truth["scale"] == "small" and truth["seed"] == SEED
    assert truth["row_counts"] == summary["rows"]
    assert set(truth["mess"]["rates"]) == set(mess.MESS_RATES)
    effects = {e["id"][0]: e for e in truth["effects"]}
    assert sorted(effects) == ["a", "b", "c", "d", "e", "f"]
    for effect in effects.values():
        assert {"id", "description", "period", "segment", "metrics", "planted", "realised"} <= set(
            effect
        )
    assert effects["a"]["planted"]["conversion_lift_abs"] == 0.06
    assert effects["a"]["planted"]["csat_top2_lift_abs"] == -0.12
    assert effects["b"]["planted"]["acceptance_lift_abs"] == 0.10
    assert effects["c"]["planted"]["actual_control_share"] == 0.56
    assert effects["d"]["segment"] == {"type": "audience", "value": "smb"}
    assert effects["e"]["planted"]["resolution_time_factor"] == 0.55
    assert effects["f"]["planted"]["churn_hazard_factor"] == 0.5

    a, b, c = (effects[k]["realised"] for k in "abc")
    assert a["lift_conversion_28d"] > 0.02
    assert a["lift_csat_top2_28d"] < -0.04
    assert b["lift_acceptance"] > 0.04
    assert c["control_share"] > 0.52 and c["srm_chi_square_p"] < 0.001
    d, e, f = (effects[k]["realised"] for k in "def")
    assert (
        d["smb_median_engaged_seconds_in_period"] > d["smb_median_engaged_seconds_2_months_around"]
    )
    assert d["smb_csat_top2_in_period"] < d["smb_csat_top2_2_months_around"]
    assert (
        e["median_full_resolution_hours_in_period"]
        < e["median_full_resolution_hours_4_weeks_around"]
    )
    assert e["reopen_rate_in_period"] > e["reopen_rate_4_weeks_around"] + 0.05
    assert f["ai_guided"]["monthly_churn_hazard"] < f["classic"]["monthly_churn_hazard"]


def test_truth_realised_experiments_match_files(
    clean_con: duckdb.DuckDBPyConnection, clean: Path
) -> None:
    truth = json.loads((clean / "_truth.json").read_text())
    realised = {e["id"][0]: e["realised"] for e in truth["effects"]}
    units = dict(
        clean_con.execute("""
        select variant, count(*) from experiments__assignments
        where experiment_id = 'exp_chat_greeting' group by 1""").fetchall()
    )
    assert units == {
        "control": realised["c"]["control"]["units"],
        "treatment": realised["c"]["treatment"]["units"],
    }


# -- mess ---------------------------------------------------------------------------------------


def test_mess_is_present_at_documented_rates(con: duckdb.DuckDBPyConnection) -> None:
    total, distinct = _one(
        con,
        """
        select (select count(*) from surveys__responses),
               (select count(*) from (select distinct * from surveys__responses))""",
    )
    assert 0.002 < (total - distinct) / total < 0.01
    out_of_range = _one(
        con,
        """
        select count(*) from surveys__responses
        where (lower(trim(survey_type)) = 'csat' and score::int not between 1 and 5)
           or (lower(trim(survey_type)) = 'nps' and score::int not between 0 and 10)""",
    )[0]
    assert out_of_range > 0
    assert (
        _one(
            con,
            "select count(*) from web_analytics__sessions "
            "where scroll_depth_pct > 100 or engaged_seconds < 0",
        )[0]
        > 0
    )
    assert _one(con, "select count(*) from ai_outputs__outputs where confidence > 1")[0] > 0
    assert _one(con, "select count(*) from web_analytics__sessions where session_id is null")[0] > 0
    assert (
        _one(
            con, "select count(*) from helpdesk__tickets where ticket_id is null or ticket_id = ''"
        )[0]
        > 0
    )
    assert (
        _one(con, "select count(*) from web_analytics__sessions where channel = 'carrier_pigeon'")[
            0
        ]
        > 0
    )
    share, valid = _one(
        con,
        """
        select avg((segment <> lower(trim(segment)))::int),
               bool_and(lower(trim(segment)) in ('consumer', 'smb', 'mid_market', 'enterprise',
                                                 'government'))
        from crm__customers""",
    )
    assert 0.01 < share < 0.06 and valid
    late = _one(
        con,
        """
        select avg((_loaded_at - started_at > interval 3 days)::int)
        from web_analytics__sessions""",
    )[0]
    assert 0.004 < late < 0.02
    assert (
        _one(
            con,
            """
        select count(*) from web_analytics__sessions
        where _loaded_at > timestamptz '2026-11-02 00:00:00+00'""",
        )[0]
        == 0
    )


def test_clean_generation_has_no_mess(clean_con: duckdb.DuckDBPyConnection) -> None:
    total, distinct = _one(
        clean_con,
        """
        select (select count(*) from surveys__responses),
               (select count(*) from (select distinct * from surveys__responses))""",
    )
    assert total == distinct
    assert (
        _one(
            clean_con, "select count(*) from crm__customers where segment <> lower(trim(segment))"
        )[0]
        == 0
    )
