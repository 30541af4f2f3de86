"""Publication, kept releases, rollback and the one-writer lock (empathy.releases)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from empathy import releases
from empathy.settings import WAREHOUSE_FILE, Settings


def settings_in(tmp_path: Path) -> Settings:
    return Settings(project_dir=tmp_path, data_dir=tmp_path / "data", raw_dir=tmp_path / "raw")


def build(settings: Settings, release_id: str) -> Path:
    build_dir = releases.prepare_build_dir(settings, release_id)
    with duckdb.connect(str(build_dir / WAREHOUSE_FILE)) as connection:
        connection.execute("create table warehouse_release as select ? as release_id", [release_id])
    releases.seal(build_dir / WAREHOUSE_FILE)
    return build_dir


def test_publish_serves_the_new_release_and_keeps_the_last_three(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    for number in range(5):
        release_id = f"2026010{number}T000000Z"
        releases.publish(settings, build(settings, release_id), release_id, {"raw_rows": number})
        assert releases.serving_release_id(settings) == release_id
    kept = [r.release_id for r in releases.list_releases(settings)]
    assert kept == ["20260104T000000Z", "20260103T000000Z", "20260102T000000Z"]
    assert not (settings.serving_dir / f".{WAREHOUSE_FILE}.incoming").exists()


def test_rollback_serves_the_previous_release(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    for release_id in ("20260101T000000Z", "20260102T000000Z"):
        releases.publish(settings, build(settings, release_id), release_id, {})
    assert releases.rollback(settings).release_id == "20260101T000000Z"
    assert releases.serving_release_id(settings) == "20260101T000000Z"
    assert releases.rollback(settings, "20260102T000000Z").release_id == "20260102T000000Z"
    with pytest.raises(ValueError, match="No release nope"):
        releases.rollback(settings, "nope")


def test_stale_build_folders_are_removed_by_the_next_build(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    stale = settings.build_root / "20250101T000000Z"
    stale.mkdir(parents=True)
    (stale / WAREHOUSE_FILE).write_bytes(b"half-written")
    build(settings, "20260101T000000Z")
    assert not stale.exists()


def test_the_build_in_progress_is_linked_at_one_path_until_it_is_published(
    tmp_path: Path,
) -> None:
    # dbt's profile points at data/build/current, so it is the same for every refresh
    settings = settings_in(tmp_path)
    build_dir = build(settings, "20260101T000000Z")
    assert settings.current_build_dir.resolve() == build_dir.resolve()
    assert (settings.current_build_dir / WAREHOUSE_FILE).is_file()
    releases.publish(settings, build_dir, "20260101T000000Z", {})
    assert not settings.current_build_dir.is_symlink()
    second = build(settings, "20260102T000000Z")
    assert settings.current_build_dir.resolve() == second.resolve()


def test_the_next_build_starts_from_the_parsed_project_of_the_served_release(
    tmp_path: Path,
) -> None:
    settings = settings_in(tmp_path)
    first = build(settings, "20260101T000000Z")
    assert not releases.reuse_parsed_project(settings, first / "target")  # nothing served yet
    (first / "target").mkdir()
    (first / "target" / releases.PARSED_PROJECT).write_bytes(b"parsed by dbt")
    releases.publish(settings, first, "20260101T000000Z", {})
    second = build(settings, "20260102T000000Z")
    assert releases.reuse_parsed_project(settings, second / "target")
    assert (second / "target" / releases.PARSED_PROJECT).read_bytes() == b"parsed by dbt"


def test_only_one_refresh_at_a_time(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    with (
        releases.refresh_lock(settings),
        pytest.raises(releases.RefreshInProgressError, match="Another refresh"),
        releases.refresh_lock(settings),
    ):
        pass
    with releases.refresh_lock(settings):
        pass


def test_history_tables_are_carried_into_the_next_build(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    build_dir = build(settings, "20260101T000000Z")
    with duckdb.connect(str(build_dir / WAREHOUSE_FILE)) as connection:
        connection.execute("create schema snapshots")
        connection.execute(
            "create table snapshots.kpi_definitions_history as select 'csat_pct' as kpi_id"
        )
    releases.publish(settings, build_dir, "20260101T000000Z", {})

    next_build = releases.prepare_build_dir(settings, "20260102T000000Z") / WAREHOUSE_FILE
    assert releases.carry_forward_state(settings, next_build) == [
        "snapshots.kpi_definitions_history"
    ]
    with duckdb.connect(str(next_build), read_only=True) as connection:
        rows = connection.execute("select kpi_id from snapshots.kpi_definitions_history").fetchall()
    assert rows == [("csat_pct",)]


def test_an_unreadable_served_file_stops_the_carry(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    settings.serving_dir.mkdir(parents=True)
    settings.serving_file.write_bytes(b"not a database")
    next_build = releases.prepare_build_dir(settings, "20260102T000000Z") / WAREHOUSE_FILE
    with pytest.raises(releases.ServedReleaseUnreadableError, match="cannot read the served"):
        releases.carry_forward_state(settings, next_build)
