"""Hand-written raw rows, one or more per quarantine reason, added to the demo data before a build.

Each case is a raw `surveys.responses` row (CSV, all text) and the reason staging must give it.
`None` means the row must pass into staging. The comment column carries a marker so a test can find
the row again in dq_quarantine (comments are free text: scrubbed, not hashed).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

SURVEY_COLUMNS = [
    "response_id", "customer_id", "survey_type", "touchpoint_type", "touchpoint_id", "sent_at",
    "answered_at", "score", "answer", "comment", "_loaded_at",
]  # fmt: skip


def _response(marker: str, **changes: str) -> dict[str, str]:
    row = {
        "response_id": f"QFIX-{marker}",
        "customer_id": "QFIX-CUSTOMER",
        "survey_type": "csat",
        "touchpoint_type": "ticket",
        "touchpoint_id": "QFIX-TICKET",
        "sent_at": "2026-03-04T10:00:00Z",
        "answered_at": "2026-03-04T11:00:00Z",
        "score": "4",
        "answer": "",
        "comment": f"fixture {marker}",
        "_loaded_at": "2026-03-05T00:00:00Z",
    }
    row.update(changes)
    return row


# (raw row, expected quarantine reason or None when the row is valid)
CASES: list[tuple[dict[str, str], str | None]] = [
    (_response("dup"), None),
    (_response("dup"), "duplicate"),
    (_response("noid", response_id=""), "missing_id"),
    (_response("noid-blank", response_id="   "), "missing_id"),
    (_response("unparse", sent_at="next tuesday"), "unparseable_value"),
    (_response("unparse-score", score="four"), "unparseable_value"),
    (_response("missing", survey_type=""), "missing_value"),
    (_response("enum", survey_type="ces_v2"), "unknown_enum"),
    (_response("range", survey_type="nps", score="11"), "out_of_range"),
    (_response("super", score="2", _loaded_at="2026-03-05T00:00:00Z"), "superseded"),
    (_response("super", score="5", _loaded_at="2026-03-09T00:00:00Z"), None),
    # normalised, not quarantined: mixed case and whitespace, a timestamp with an offset
    (_response("messy", survey_type="  CSAT ", sent_at="2026-03-04T12:00:00+02:00"), None),
]

EXPECTED_REASONS = {reason for _, reason in CASES if reason}

# A help-desk ticket (JSON lines) whose created_at carries an offset: staged as 08:15 UTC.
TICKET = {
    "ticket_id": "QFIX-TICKET",
    "customer_id": "QFIX-CUSTOMER",
    "requester_email": "fixture.person@example.org",
    "created_at": "2026-03-04T10:15:00+02:00",
    "channel": "Email",
    "priority": "normal",
    "intent": "billing",
    "subject": "Call me on +44 20 7946 0958 or write to fixture.person@example.org",
    "conversation_id": None,
    "_loaded_at": "2026-03-04T09:00:00Z",
}


def add_fixture_rows(raw_dir: Path) -> None:
    """Write the cases as an extra part of surveys.responses and helpdesk.tickets."""
    with (raw_dir / "surveys" / "responses" / "part-99999.csv").open(
        "w", newline="", encoding="utf-8"
    ) as handle:
        writer = csv.DictWriter(handle, fieldnames=SURVEY_COLUMNS)
        writer.writeheader()
        for row, _ in CASES:
            writer.writerow(row)
    (raw_dir / "helpdesk" / "tickets" / "part-99999.jsonl").write_text(
        json.dumps(TICKET) + "\n", encoding="utf-8"
    )
