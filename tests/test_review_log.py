"""kpi_review_log end to end: a weekly review logs what it published; late data restates a
published value, the restatement appears with its delta in the log and in the next pack."""

from __future__ import annotations

import csv
import itertools
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from conftest import Built, Workspace

pytestmark = pytest.mark.slow


def _add_late_csat_answers(raw_dir: Path, week: date, count: int = 40) -> int:
    """Late-arriving CSAT answers for a week that was already reviewed, all scoring 1."""
    folder = raw_dir / "surveys" / "responses"
    late = []
    for part in sorted(folder.glob("part-*.csv")):
        with part.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames
            for row in reader:
                answered = row["answered_at"][:10]
                if row["survey_type"] == "csat" and row["score"] and answered:
                    day = date.fromisoformat(answered)
                    if week + timedelta(days=1) <= day <= week + timedelta(days=5):
                        late.append(row)
    assert columns and late
    with (folder / "part-77777.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, quoting=csv.QUOTE_ALL)
        writer.writeheader()
        for number, row in zip(range(count), itertools.cycle(late), strict=False):
            writer.writerow({**row, "response_id": f"SRLATE{number:06d}", "score": "1"})
    return count


def test_the_review_logs_what_it_published(built: Built) -> None:
    connection = duckdb.connect(str(built.serving_file), read_only=True)
    (reviews, period, values, kpis, versions, segments) = connection.execute(
        "select count(distinct review_id), max(review_period_start), count(*), "
        "count(distinct kpi_id), count(distinct definition_version), count(distinct segment_type) "
        "from kpi_review_log where entry_type = 'published' and cadence = 'weekly'"
    ).fetchone()
    scorecard = connection.execute(
        "select count(*) from kpi_scorecard where grain = 'week' and period_start = ?", [period]
    ).fetchone()[0]
    connection.close()
    assert reviews == 1 and period.isoweekday() == 1
    assert values == scorecard > 0 and kpis > 50 and segments > 5 and versions >= 1


def test_late_data_restates_a_published_value_and_the_next_pack_shows_it(
    built: Built, tmp_path: Path
) -> None:
    workspace = Workspace(tmp_path / "data")
    shutil.copytree(built.workspace.data_dir, workspace.data_dir)
    connection = duckdb.connect(str(workspace.serving_file), read_only=True)
    week, before = connection.execute(
        "select review_period_start, value from kpi_review_log where entry_type = 'published' "
        "and kpi_id = 'csat_pct' and segment_type = 'all'"
    ).fetchone()
    connection.close()
    _add_late_csat_answers(workspace.raw_dir, week)

    result = workspace.run("refresh", "--cadence", "weekly", "--as-of", str(week + timedelta(7)))

    assert result.returncode == 0, result.stdout + result.stderr
    connection = duckdb.connect(str(workspace.serving_file), read_only=True)
    restated = connection.execute(
        "select value, previous_value, delta, definition_version from kpi_review_log "
        "where entry_type = 'restated' and kpi_id = 'csat_pct' and grain = 'week' "
        "and period_start = ? and segment_type = 'all'",
        [week],
    ).fetchall()
    published = connection.execute(
        "select count(distinct review_id) from kpi_review_log where cadence = 'weekly'"
    ).fetchone()[0]
    connection.close()
    assert len(restated) == 1
    value, previous, delta, version = restated[0]
    assert previous == pytest.approx(before) and value < before
    assert delta == pytest.approx(value - before) and version >= 1
    assert published == 2  # the first review is kept; the log only grows
    shown = re.search(r"(\d+) restatements shown", result.stdout)
    assert shown and int(shown.group(1)) >= 1, result.stdout
    pack = next((tmp_path / "reports" / "weekly").glob("*/review.html")).read_text()
    assert "CSAT (top-2-box)" in pack


def test_a_review_with_no_closed_period_is_refused(built: Built) -> None:
    from empathy.cadences import NoClosedPeriodError, reviewed_period

    period, published = reviewed_period(built.serving_file, _weekly_review_id(built))
    assert period.isoweekday() == 1 and published > 0
    with pytest.raises(NoClosedPeriodError, match="no closed period"):
        reviewed_period(built.serving_file, "weekly-before-the-data")


def test_a_failed_review_after_the_publish_says_so(built: Built, tmp_path: Path) -> None:
    from dataclasses import replace

    from empathy.cadences import ReviewFailedError
    from empathy.refresh import Build, review_published

    blocked = tmp_path / "reports-is-a-file"
    blocked.write_text("not a folder")
    settings = replace(built.workspace.settings, data_dir=tmp_path / "data", reports_dir=blocked)
    settings.serving_dir.mkdir(parents=True)
    shutil.copyfile(built.serving_file, settings.serving_file)
    release = _weekly_review_id(built).removeprefix("weekly-")
    build = Build(settings, release, tmp_path / "gone", "weekly", None, {})
    lines: list[str] = []
    with pytest.raises(ReviewFailedError, match=f"release {release} is published, but its weekly"):
        review_published(settings, build, lines.append)
    assert any(line.startswith("  alerts:") for line in lines)  # alerts went out first


def test_the_cli_exits_3_when_the_review_fails_after_the_publish(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from empathy import cli, refresh
    from empathy.cadences import ReviewFailedError

    def published_then_failed(*args: object, **kwargs: object) -> None:
        raise ReviewFailedError("release r1 is published, but its weekly review failed: disk full")

    monkeypatch.setattr(refresh, "refresh", published_then_failed)
    assert cli.main(["refresh", "--cadence", "weekly"]) == 3


def _weekly_review_id(built: Built) -> str:
    connection = duckdb.connect(str(built.serving_file), read_only=True)
    (review_id,) = connection.execute(
        "select max(review_id) from kpi_review_log where cadence = 'weekly'"
    ).fetchone()
    connection.close()
    return review_id
