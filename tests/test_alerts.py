"""Alert routing: the outbox, de-duplication, and webhook delivery with retries (local server)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from empathy.alerts import Alert, WebhookPolicy, collect_alerts, route_alerts


def _alert(subject: str = "csat_pct", owner: str = "cx_research") -> Alert:
    return Alert(
        alert_id=f"id-{subject}-{owner}",
        kind="kpi_breach",
        owner=owner,
        cadence="weekly",
        grain="week",
        period_start="2026-10-19",
        subject=subject,
        segment_type="all",
        segment_value="all",
        severity="breach",
        message=f"{subject} breached",
        playbook="do the thing",
        review_id="weekly-r1",
    )


class _Webhook:
    """A local HTTP server that fails the first `failures` requests with `status`."""

    def __init__(self, failures: int, status: int = 503) -> None:
        self.failures = failures
        self.status = status
        self.received: list[dict[str, object]] = []
        self.requests = 0
        webhook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                body = json.loads(self.rfile.read(length))
                webhook.requests += 1
                if webhook.requests <= webhook.failures:
                    self.send_response(webhook.status)
                    self.end_headers()
                    return
                webhook.received.append(body)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hooks/kpi"

    def __enter__(self) -> _Webhook:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _no_sleep(seconds: float) -> None:
    pass


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_alerts_go_to_the_outbox_once(tmp_path: Path) -> None:
    first = route_alerts([_alert("a"), _alert("b")], tmp_path, echo=lambda _: None)
    again = route_alerts([_alert("a"), _alert("c")], tmp_path, echo=lambda _: None)
    assert (first.raised, again.raised, again.already_raised) == (2, 1, 1)
    lines = _lines(tmp_path / "outbox.jsonl")
    assert [line["subject"] for line in lines] == ["a", "b", "c"]
    assert lines[0]["owner"] == "cx_research" and lines[0]["playbook"] == "do the thing"
    assert not (tmp_path / "deliveries.jsonl").exists()


def test_webhook_receives_every_alert(tmp_path: Path) -> None:
    with _Webhook(failures=0) as hook:
        outcome = route_alerts(
            [_alert("a"), _alert("b")], tmp_path, webhook=WebhookPolicy(hook.url), sleep=_no_sleep
        )
    assert outcome.delivered == 2 and not outcome.undelivered
    assert [body["subject"] for body in hook.received] == ["a", "b"]
    assert all(line["delivered"] for line in _lines(tmp_path / "deliveries.jsonl"))


def test_webhook_is_retried_until_it_answers(tmp_path: Path) -> None:
    delays: list[float] = []
    with _Webhook(failures=2, status=503) as hook:
        outcome = route_alerts(
            [_alert("a")],
            tmp_path,
            webhook=WebhookPolicy(hook.url, attempts=4),
            sleep=delays.append,
        )
    assert outcome.delivered == 1
    assert hook.requests == 3 and len(hook.received) == 1
    assert delays == [0.5, 1.0]  # exponential back-off between attempts
    (delivery,) = _lines(tmp_path / "deliveries.jsonl")
    assert delivery["attempts"] == 3 and delivery["delivered"] is True


def test_a_failing_webhook_leaves_the_alert_undelivered_and_logged(tmp_path: Path) -> None:
    messages: list[str] = []
    with _Webhook(failures=100, status=500) as hook:
        outcome = route_alerts(
            [_alert("a")],
            tmp_path,
            echo=messages.append,
            webhook=WebhookPolicy(hook.url, attempts=3),
            sleep=_no_sleep,
        )
    assert outcome.delivered == 0 and outcome.undelivered == ["id-a-cx_research"]
    assert hook.requests == 3
    (delivery,) = _lines(tmp_path / "deliveries.jsonl")
    assert delivery == {**delivery, "delivered": False, "attempts": 3, "error": "HTTP 500"}
    assert any("1 alert(s) not delivered" in message for message in messages)
    # the outbox still holds the alert: nothing is lost when the webhook is down
    assert [line["subject"] for line in _lines(tmp_path / "outbox.jsonl")] == ["a"]


def test_alerts_the_webhook_missed_are_posted_by_the_next_run(tmp_path: Path) -> None:
    alerts = [_alert("a"), _alert("b"), _alert("c")]
    with _Webhook(failures=100, status=503) as down:
        first = route_alerts(
            alerts,
            tmp_path,
            echo=lambda _: None,
            webhook=WebhookPolicy(down.url, attempts=2),
            sleep=_no_sleep,
        )
    # the first alert exhausted its attempts: the webhook is down, the others are not tried
    assert down.requests == 2 and first.undelivered == [a.alert_id for a in alerts]
    skipped = [line for line in _lines(tmp_path / "deliveries.jsonl") if line["attempts"] == 0]
    assert len(skipped) == 2 and all("not attempted" in line["error"] for line in skipped)
    with _Webhook(failures=0) as up:
        second = route_alerts(alerts, tmp_path, webhook=WebhookPolicy(up.url), sleep=_no_sleep)
        third = route_alerts(alerts, tmp_path, webhook=WebhookPolicy(up.url), sleep=_no_sleep)
    assert (second.raised, second.already_raised, second.delivered) == (0, 3, 3)
    assert third.delivered == 0 and not third.undelivered  # delivered once, never twice
    assert [body["subject"] for body in up.received] == ["a", "b", "c"]
    assert len(_lines(tmp_path / "outbox.jsonl")) == 3


def test_a_torn_outbox_line_does_not_stop_the_next_review(tmp_path: Path) -> None:
    route_alerts([_alert("a")], tmp_path, echo=lambda _: None)
    with (tmp_path / "outbox.jsonl").open("a") as outbox:
        outbox.write('{"alert_id": "half-writ')  # a write killed part-way
    outcome = route_alerts([_alert("a"), _alert("b")], tmp_path, echo=lambda _: None)
    assert (outcome.raised, outcome.already_raised) == (1, 1)


def test_a_refused_alert_is_not_retried(tmp_path: Path) -> None:
    with _Webhook(failures=100, status=400) as hook:
        outcome = route_alerts(
            [_alert("a")], tmp_path, webhook=WebhookPolicy(hook.url, attempts=4), sleep=_no_sleep
        )
    assert outcome.undelivered and hook.requests == 1


def test_an_unreachable_webhook_is_retried(tmp_path: Path) -> None:
    with _Webhook(failures=0) as hook:
        url = hook.url
    # the server is shut: connections are refused
    outcome = route_alerts(
        [_alert("a")],
        tmp_path,
        echo=lambda _: None,
        webhook=WebhookPolicy(url, attempts=2),
        sleep=_no_sleep,
    )
    (delivery,) = _lines(tmp_path / "deliveries.jsonl")
    assert outcome.undelivered and delivery["attempts"] == 2 and delivery["error"]


def test_webhook_policy_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EMPATHY_ALERT_WEBHOOK_URL", raising=False)
    assert WebhookPolicy.from_environment() is None
    monkeypatch.setenv("EMPATHY_ALERT_WEBHOOK_URL", "http://127.0.0.1:9/x")
    monkeypatch.setenv("EMPATHY_ALERT_WEBHOOK_ATTEMPTS", "2")
    assert WebhookPolicy.from_environment() == WebhookPolicy("http://127.0.0.1:9/x", attempts=2)
    monkeypatch.setenv("EMPATHY_ALERT_WEBHOOK_ATTEMPTS", "many")
    with pytest.raises(ValueError, match="EMPATHY_ALERT_WEBHOOK_ATTEMPTS must be a whole number"):
        WebhookPolicy.from_environment()
    monkeypatch.setenv("EMPATHY_ALERT_WEBHOOK_URL", "hooks.example/kpi")
    with pytest.raises(ValueError, match="must be an http"):
        WebhookPolicy.from_environment()


@pytest.fixture
def served_copy(built, tmp_path: Path) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    import shutil

    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(built.serving_file, copy)
    yield copy


@pytest.mark.slow
@pytest.mark.parametrize("cadence, grain", [("weekly", "week"), ("monthly", "month")])
def test_breaches_and_diagnostics_of_the_period_become_alerts(
    served_copy: Path, cadence: str, grain: str
) -> None:
    import duckdb

    connection = duckdb.connect(str(served_copy), read_only=True)
    # the period of this grain with the most breaches and fired rules
    period, breaches, owners = connection.execute(
        """
        select scorecard.period_start, count(*), count(distinct scorecard.owner)
        from kpi_scorecard as scorecard
        where scorecard.grain = ? and scorecard.status = 'breach'
        group by 1
        order by (select count(*) from kpi_diagnostics as fired
            where fired.grain = ? and fired.period_start = scorecard.period_start) desc, 2 desc
        limit 1
        """,
        [grain, grain],
    ).fetchone()
    fired = connection.execute(
        "select owners from kpi_diagnostics where grain = ? and period_start = ?", [grain, period]
    ).fetchall()
    connection.close()
    alerts = collect_alerts(served_copy, cadence, grain, period, f"{cadence}-test")
    kinds = [alert.kind for alert in alerts]
    assert kinds.count("kpi_breach") == breaches > 0
    # one alert per fired rule and owner
    assert kinds.count("diagnostic") == sum(len(owners.split(", ")) for (owners,) in fired)
    if grain == "month":
        assert fired, "the demo data fires diagnostics at month grain"
    assert len({alert.owner for alert in alerts if alert.kind == "kpi_breach"}) == owners
    assert len({alert.alert_id for alert in alerts}) == len(alerts)
    assert all(alert.playbook and alert.message for alert in alerts)
    assert collect_alerts(served_copy, cadence, grain, date(2000, 1, 3), "none") == []
