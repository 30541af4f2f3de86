"""Bad raw files stop `empathy refresh` with an error naming the file, and publish nothing."""

from __future__ import annotations

import csv
import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Workspace

SERVED = b"the release that was being served"


def _first_part(raw: Path, system: str, table: str) -> Path:
    return sorted((raw / system / table).iterdir())[0]


def _drop_table(raw: Path) -> Path:
    folder = raw / "ads" / "ad_performance"
    shutil.rmtree(folder)
    return folder


def _drop_column(raw: Path) -> Path:
    path = _first_part(raw, "crm", "customers")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    columns = [column for column in rows[0] if column != "region"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _rename_column(raw: Path) -> Path:
    path = _first_part(raw, "crm", "customers")
    text = path.read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    path.write_text(header.replace("segment", "audience") + "\n" + rest, encoding="utf-8")
    return path


def _csv_named_parquet(raw: Path) -> Path:
    path = _first_part(raw, "billing", "invoices")
    path.write_text("invoice_id,amount\nI1,10\n", encoding="utf-8")
    return path


def _csv_named_jsonl(raw: Path) -> Path:
    path = _first_part(raw, "chat", "conversations")
    path.write_text("conversation_id,customer_id\nV1,C1\n", encoding="utf-8")
    return path


def _empty_file(raw: Path) -> Path:
    path = _first_part(raw, "surveys", "responses")
    path.write_bytes(b"")
    return path


def _header_only(raw: Path) -> Path:
    path = _first_part(raw, "qa_reviews", "reviews")
    header = path.read_text(encoding="utf-8").split("\n", 1)[0]
    path.write_text(header + "\n", encoding="utf-8")
    return path


def _latin1(raw: Path) -> Path:
    path = _first_part(raw, "crm", "leads")
    data = path.read_bytes()
    path.write_bytes(data + "L-LATIN,C1,jos\u00e9@example.com\n".encode("latin-1"))
    return path


CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "missing table": (_drop_table, "missing table"),
    "missing column": (_drop_column, "missing column(s) region"),
    "renamed column": (_rename_column, "was segment renamed to audience?"),
    "parquet that is not parquet": (_csv_named_parquet, "not a Parquet file"),
    "jsonl that is not json": (_csv_named_jsonl, "cannot be read as JSONL"),
    "empty file": (_empty_file, "empty file"),
    "header but no rows": (_header_only, "no data rows"),
    "unreadable encoding": (_latin1, "not valid UTF-8"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_file_stops_refresh_naming_the_file(workspace: Workspace, case: str) -> None:
    damage, expected = CASES[case]
    workspace.serving_file.parent.mkdir(parents=True)
    workspace.serving_file.write_bytes(SERVED)
    digest = hashlib.sha256(SERVED).hexdigest()
    damaged = damage(workspace.raw_dir)

    result = workspace.run("refresh")

    assert result.returncode == 2, result.stdout + result.stderr
    assert str(damaged) in result.stderr
    assert expected in result.stderr
    assert "Nothing was published" in result.stderr
    assert hashlib.sha256(workspace.serving_file.read_bytes()).hexdigest() == digest
    assert not workspace.settings.releases_dir.exists()


def test_missing_raw_folder_is_reported(workspace: Workspace) -> None:
    shutil.rmtree(workspace.raw_dir)
    result = workspace.run("refresh")
    assert result.returncode == 2
    assert str(workspace.raw_dir) in result.stderr
    assert "does not exist" in result.stderr
