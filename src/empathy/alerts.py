"""Route a review's breaches and fired diagnostics to their owners.

Every alert is appended to an outbox (``data/alerts/outbox.jsonl``, one JSON object per line),
which is the record of what was raised. When ``EMPATHY_ALERT_WEBHOOK_URL`` names a webhook, each
alert not yet delivered is also POSTed there as JSON, retried with exponential back-off on
connection errors, timeouts and 5xx/429 answers; every outcome is appended to ``deliveries.jsonl``.
An alert already in the outbox (same period, KPI or rule, segment and owner) is not raised twice,
and one already delivered is not posted twice, so re-running a review notifies nobody again but
does retry what the webhook missed. When one alert exhausts its attempts the webhook is taken to be
down: the remaining alerts are logged as not attempted (and retried by the next run) instead of
holding the refresh lock through every timeout.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

WEBHOOK_VARIABLE = "EMPATHY_ALERT_WEBHOOK_URL"
ATTEMPTS_VARIABLE = "EMPATHY_ALERT_WEBHOOK_ATTEMPTS"
OUTBOX = "outbox.jsonl"
DELIVERIES = "deliveries.jsonl"
Echo = Callable[[str], None]


@dataclass(frozen=True)
class Alert:
    alert_id: str
    kind: str  # kpi_breach or diagnostic
    owner: str
    cadence: str
    grain: str
    period_start: str
    subject: str  # the KPI or the diagnostic rule
    segment_type: str
    segment_value: str
    severity: str
    message: str
    playbook: str
    review_id: str
    details: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class WebhookPolicy:
    url: str
    attempts: int = 4
    first_delay_seconds: float = 0.5
    timeout_seconds: float = 10.0

    @classmethod
    def from_environment(cls) -> WebhookPolicy | None:
        url = os.environ.get(WEBHOOK_VARIABLE, "").strip()
        if not url:
            return None
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"{WEBHOOK_VARIABLE} must be an http(s) URL; got {url!r}")
        text = os.environ.get(ATTEMPTS_VARIABLE, str(cls.attempts)).strip()
        if not text.isdigit() or int(text) < 1:
            raise ValueError(
                f"{ATTEMPTS_VARIABLE} must be a whole number of at least 1; got {text!r}"
            )
        return cls(url=url, attempts=int(text))


@dataclass
class AlertOutcome:
    raised: int = 0
    already_raised: int = 0
    delivered: int = 0
    undelivered: list[str] = field(default_factory=list)


def collect_alerts(
    warehouse_file: Path, cadence: str, grain: str, period_start: date, review_id: str
) -> list[Alert]:
    """The breaches (status breach, sufficient sample) and fired diagnostics of a closed period."""
    connection = duckdb.connect(str(warehouse_file), read_only=True)
    try:
        breaches = connection.execute(
            """
            select
                scorecard.kpi_id, scorecard.kpi_name, scorecard.owner, scorecard.segment_type,
                scorecard.segment_value, scorecard.value, scorecard.ci_low, scorecard.ci_high,
                scorecard.sample_size, scorecard.breach_threshold, scorecard.direction,
                scorecard.unit, scorecard.definition_version, definitions.playbook
            from main.kpi_scorecard as scorecard
            inner join main.kpi_definitions as definitions
                on scorecard.kpi_id = definitions.kpi_id
            where scorecard.grain = ? and scorecard.period_start = ?
                and scorecard.status = 'breach'
            order by scorecard.owner, scorecard.kpi_id, scorecard.segment_type,
                scorecard.segment_value
            """,
            [grain, period_start],
        ).fetchall()
        diagnostics = connection.execute(
            """
            select rule_id, rule_name, owners, segment_type, segment_value, severity, message,
                playbook, evidence
            from main.kpi_diagnostics
            where grain = ? and period_start = ?
            order by rule_id, segment_type, segment_value
            """,
            [grain, period_start],
        ).fetchall()
    finally:
        connection.close()

    period = period_start.isoformat()
    alerts = []
    for row in breaches:
        (kpi_id, name, owner, segment_type, segment_value, value, ci_low, ci_high, n) = row[:9]
        (threshold, direction, unit, version, playbook) = row[9:]
        where = "" if segment_type == "all" else f" for {segment_type} = {segment_value}"
        alerts.append(
            Alert(
                alert_id=_alert_id(
                    grain, period, "kpi_breach", kpi_id, segment_type, segment_value
                ),
                kind="kpi_breach",
                owner=owner,
                cadence=cadence,
                grain=grain,
                period_start=period,
                subject=kpi_id,
                segment_type=segment_type,
                segment_value=segment_value,
                severity="breach",
                message=(
                    f"{name} is {value:.4g} {unit}{where} in the {grain} of {period}, past its "
                    f"breach threshold {threshold:.4g} ({direction.replace('_', ' ')}; 95% "
                    f"interval {_number(ci_low)} to {_number(ci_high)}, n = {n})."
                ),
                playbook=playbook,
                review_id=review_id,
                details={
                    "value": value,
                    "ci_low": ci_low,
                    "ci_high": ci_high,
                    "sample_size": n,
                    "breach_threshold": threshold,
                    "definition_version": version,
                },
            )
        )
    for (
        rule_id,
        rule_name,
        owners,
        segment_type,
        segment_value,
        severity,
        message,
        playbook,
        ev,
    ) in diagnostics:
        for owner in _owners(owners):
            alerts.append(
                Alert(
                    alert_id=_alert_id(
                        grain, period, f"diagnostic:{owner}", rule_id, segment_type, segment_value
                    ),
                    kind="diagnostic",
                    owner=owner,
                    cadence=cadence,
                    grain=grain,
                    period_start=period,
                    subject=rule_id,
                    segment_type=segment_type,
                    segment_value=segment_value,
                    severity=severity,
                    message=f"{rule_name}: {message}",
                    playbook=playbook,
                    review_id=review_id,
                    details={"evidence": ev},
                )
            )
    return alerts


def route_alerts(
    alerts: Iterable[Alert],
    alerts_dir: Path,
    echo: Echo = print,
    webhook: WebhookPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> AlertOutcome:
    """Append new alerts to the outbox, then post the undelivered ones to the webhook."""
    alerts_dir.mkdir(parents=True, exist_ok=True)
    outbox = alerts_dir / OUTBOX
    raised = {line["alert_id"] for line in _read_lines(outbox)}
    outcome = AlertOutcome()
    current: dict[str, Alert] = {}
    new = []
    for alert in alerts:
        if alert.alert_id in current:
            continue
        current[alert.alert_id] = alert
        if alert.alert_id in raised:
            outcome.already_raised += 1
        else:
            new.append(alert)
    raised_at = datetime.now(UTC).isoformat(timespec="seconds")
    with outbox.open("a", encoding="utf-8") as handle:
        for alert in new:
            handle.write(json.dumps({"raised_at": raised_at, **asdict(alert)}, default=str) + "\n")
    outcome.raised = len(new)
    if webhook is None:
        return outcome
    deliveries = alerts_dir / DELIVERIES
    delivered = {line["alert_id"] for line in _read_lines(deliveries) if line.get("delivered")}
    pending = [alert for alert_id, alert in current.items() if alert_id not in delivered]
    webhook_down: str | None = None
    with deliveries.open("a", encoding="utf-8") as log:
        for alert in pending:
            if webhook_down:
                ok, attempts, error = False, 0, f"not attempted: webhook down ({webhook_down})"
            else:
                ok, attempts, error = _post(alert, webhook, sleep)
                if not ok and attempts == webhook.attempts:
                    webhook_down = error
            record = {
                "alert_id": alert.alert_id,
                "at": datetime.now(UTC).isoformat(timespec="seconds"),
                "delivered": ok,
                "attempts": attempts,
                "error": error,
            }
            log.write(json.dumps(record) + "\n")
            if ok:
                outcome.delivered += 1
            else:
                outcome.undelivered.append(alert.alert_id)
    if outcome.undelivered:
        echo(
            f"  warning: {len(outcome.undelivered)} alert(s) not delivered to the webhook "
            f"({webhook_down or 'refused'}); they stay in the outbox and the next run retries them"
        )
    return outcome


def _post(
    alert: Alert, webhook: WebhookPolicy, sleep: Callable[[float], None]
) -> tuple[bool, int, str | None]:
    body = json.dumps(asdict(alert), default=str).encode("utf-8")
    error: str | None = None
    for attempt in range(1, webhook.attempts + 1):
        request = urllib.request.Request(
            webhook.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Idempotency-Key": alert.alert_id},
        )
        try:
            with urllib.request.urlopen(request, timeout=webhook.timeout_seconds) as response:
                if 200 <= response.status < 300:
                    return True, attempt, None
                error = f"HTTP {response.status}"
        except urllib.error.HTTPError as failure:
            error = f"HTTP {failure.code}"
            if failure.code < 500 and failure.code != 429:
                return False, attempt, error  # the webhook refused it; retrying will not help
        except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException) as failure:
            error = str(getattr(failure, "reason", failure))
        if attempt < webhook.attempts:
            sleep(webhook.first_delay_seconds * 2 ** (attempt - 1))
    return False, webhook.attempts, error


def _read_lines(path: Path) -> list[dict[str, object]]:
    """The JSON lines of an outbox or delivery log; a torn line (a killed write) is skipped."""
    if not path.exists():
        return []
    lines = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(entry, dict) and "alert_id" in entry:
                lines.append(entry)
    return lines


def _alert_id(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:16]


def _owners(owners: str | None) -> list[str]:
    if not owners:
        return ["unassigned"]
    return sorted({owner.strip() for owner in owners.replace(";", ",").split(",") if owner.strip()})


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4g}"
