"""The Dagster code location: definitions load, the asset graph follows the dbt folders, the
cadences are scheduled and running, one writer at a time, and a weekly run works in-process."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def defs():  # type: ignore[no-untyped-def]
    from empathy_orchestration.definitions import defs

    return defs


def test_groups_follow_the_dbt_folders() -> None:
    from empathy_orchestration.dbt_models import group_for

    assert group_for(["empathy", "marts", "kpi", "kpi_scorecard"], "model") == "marts_kpi"
    assert (
        group_for(["empathy", "staging", "helpdesk", "stg_tickets"], "model") == "staging_helpdesk"
    )
    assert group_for(["empathy", "staging", "_audit", "dq_source_row_counts"], "model") == (
        "staging_audit"
    )
    assert group_for(["empathy", "reference", "kpi_registry"], "seed") == "seeds"


def test_asset_graph_has_every_model_grouped_with_checks(defs) -> None:  # type: ignore[no-untyped-def]
    import json

    from empathy_orchestration.dbt_models import dbt_project

    manifest = json.loads(dbt_project.manifest_path.read_text())
    models = [node for node in manifest["nodes"].values() if node["resource_type"] == "model"]
    graph = defs.resolve_asset_graph()
    groups = {key.path[-1]: graph.get(key).group_name for key in graph.get_all_asset_keys()}
    for model in models:
        assert groups[model["name"]] == "_".join(f.strip("_") for f in model["fqn"][1:-1][:2])
    assert groups["kpi_scorecard"] == "marts_kpi"
    assert groups["serving_warehouse"] == groups["review_pack"] == "release"
    checks = {(key.asset_key.path[-1], key.name) for key in graph.asset_check_keys}
    assert ("kpi_scorecard", "great_expectations") in checks
    assert any(name.startswith("unique_combination_kpi_scorecard") for _, name in checks)
    from empathy_orchestration.releases import GATED_TABLES, quality_gates

    gate_specs = list(quality_gates.check_specs)
    assert {spec.asset_key.path[-1] for spec in gate_specs} == set(GATED_TABLES)
    assert all(spec.blocking for spec in gate_specs)  # a failed gate stops the publish
    assert set(GATED_TABLES) <= set(groups)  # every gated table is a dbt asset of the graph
    dbt_tests = [n for n in manifest["nodes"].values() if n["resource_type"] == "test"]
    assert len(checks) >= len(dbt_tests) * 0.9  # dbt tests attached to one model become checks


def test_three_cadences_are_scheduled_running_in_utc(defs) -> None:  # type: ignore[no-untyped-def]
    import dagster as dg

    schedules = {schedule.name: schedule for schedule in defs.schedules}
    expected = {
        "weekly_review_schedule": "0 5 * * 1",
        "monthly_review_schedule": "0 6 1 * *",
        "quarterly_review_schedule": "0 7 1 1,4,7,10 *",
    }
    assert {name: s.cron_schedule for name, s in schedules.items()} == expected
    for schedule in schedules.values():
        assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
        assert schedule.execution_timezone == "UTC"
        job = defs.resolve_job_def(schedule.job_name)
        assert job.tags.get("empathy/warehouse") == "writer"
        assert job.executor_def.name == "in_process"


def test_a_scheduled_run_reviews_the_period_before_its_day() -> None:
    from empathy_orchestration.schedules import review_run_config

    config = review_run_config("weekly", datetime(2026, 11, 2, 5, tzinfo=UTC))
    assert config == {
        "resources": {"warehouse": {"config": {"cadence": "weekly", "as_of": "2026-11-02"}}}
    }


def test_publish_refuses_a_build_whose_gates_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dagster as dg

    from empathy.quality import ExpectationFailure, QualityReport
    from empathy.refresh import Build
    from empathy.settings import load_settings
    from empathy_orchestration.releases import serving_warehouse
    from empathy_orchestration.warehouse import WarehouseWriter

    monkeypatch.setenv("EMPATHY_DATA_DIR", str(tmp_path / "data"))
    settings = load_settings()
    build = Build(settings, "r1", tmp_path / "build", None, None, {})
    failure = ExpectationFailure("s", "kpi_scorecard", "value", "between", "[0, 1]", "1 row")
    report = QualityReport(suites=["s"], evaluated=1, failures=[failure])
    # the state an in-process run would hold after its gates failed
    monkeypatch.setattr(WarehouseWriter, "build", property(lambda self: build))
    monkeypatch.setattr(WarehouseWriter, "quality", property(lambda self: report))
    monkeypatch.setattr(WarehouseWriter, "settings", property(lambda self: settings))
    writer = WarehouseWriter()
    monkeypatch.setattr(WarehouseWriter, "complete_build", property(lambda self: False))
    with pytest.raises(dg.Failure, match="only part of the dbt project"):
        serving_warehouse(dg.build_asset_context(), writer)
    monkeypatch.setattr(WarehouseWriter, "complete_build", property(lambda self: True))
    with pytest.raises(dg.Failure, match="nothing is published"):
        serving_warehouse(dg.build_asset_context(), writer)
    assert not settings.serving_file.exists()


def test_writing_runs_queue_one_at_a_time() -> None:
    from empathy_orchestration.warehouse import WRITER_TAG

    instance = yaml.safe_load((PROJECT_DIR / "orchestration/dagster_home/dagster.yaml").read_text())
    ((key, value),) = WRITER_TAG.items()
    assert instance["concurrency"]["runs"]["max_concurrent_runs"] == 1
    limits = instance["concurrency"]["runs"]["tag_concurrency_limits"]
    assert {"key": key, "value": value, "limit": 1} in limits


def test_a_run_cannot_write_while_a_refresh_holds_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dagster as dg

    from empathy.releases import RefreshInProgressError, refresh_lock
    from empathy.settings import load_settings
    from empathy_orchestration.warehouse import WarehouseWriter

    monkeypatch.setenv("EMPATHY_DATA_DIR", str(tmp_path / "data"))
    with refresh_lock(load_settings()), pytest.raises(RefreshInProgressError):
        WarehouseWriter(lock_wait_seconds=0).setup_for_execution(dg.build_init_resource_context())


def test_a_run_queues_behind_a_refresh_then_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time

    import dagster as dg

    from empathy.releases import refresh_lock
    from empathy.settings import load_settings
    from empathy_orchestration.warehouse import WarehouseWriter

    monkeypatch.setenv("EMPATHY_DATA_DIR", str(tmp_path / "data"))
    held = threading.Event()

    def refresh_for_a_moment() -> None:
        with refresh_lock(load_settings()):
            held.set()
            time.sleep(1.5)

    refresh = threading.Thread(target=refresh_for_a_moment)
    refresh.start()
    held.wait()
    started = time.monotonic()
    writer = WarehouseWriter(lock_wait_seconds=30)
    writer.setup_for_execution(dg.build_init_resource_context())
    waited = time.monotonic() - started
    writer.teardown_after_execution(dg.build_init_resource_context())
    refresh.join()
    assert 0.5 < waited < 10


@pytest.mark.slow
def test_weekly_run_materialises_in_process(
    small_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    import dagster as dg
    import duckdb

    from empathy_orchestration.dbt_models import dbt_resource, empathy_dbt_models
    from empathy_orchestration.releases import quality_gates, review_pack, serving_warehouse
    from empathy_orchestration.warehouse import WarehouseWriter

    data = tmp_path / "data"
    shutil.copytree(small_raw, data / "raw")
    monkeypatch.setenv("EMPATHY_DATA_DIR", str(data))
    monkeypatch.setenv("EMPATHY_RAW_DIR", str(data / "raw"))
    monkeypatch.setenv("EMPATHY_REPORTS_DIR", str(tmp_path / "reports"))
    monkeypatch.setenv("EMPATHY_PII_KEY", "test-key")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    (tmp_path / "dagster_home").mkdir()

    result = dg.materialize(
        [empathy_dbt_models, serving_warehouse, review_pack, quality_gates],
        resources={"dbt": dbt_resource(), "warehouse": WarehouseWriter()},
        run_config={"resources": {"warehouse": {"config": {"cadence": "weekly"}}}},
        raise_on_error=False,
    )
    assert result.success
    checks = result.get_asset_check_evaluations()
    failed = [c for c in checks if not c.passed and c.severity == dg.AssetCheckSeverity.ERROR]
    assert checks and not failed
    gates = [check for check in checks if check.check_name == "great_expectations"]
    assert {check.asset_key.path[-1] for check in gates} >= {"kpi_scorecard", "kpi_definitions"}
    assert all(check.passed for check in gates)
    materialised = {event.asset_key.path[-1] for event in result.get_asset_materialization_events()}
    assert {"kpi_scorecard", "serving_warehouse", "review_pack"} <= materialised

    connection = duckdb.connect(str(data / "serving/warehouse.duckdb"), read_only=True)
    period, logged = connection.execute(
        "select max(review_period_start), count(*) from kpi_review_log "
        "where cadence = 'weekly' and entry_type = 'published'"
    ).fetchone()
    connection.close()
    assert logged > 0
    label = f"{period.isocalendar().year}-W{period.isocalendar().week:02d}"
    assert (tmp_path / "reports" / "weekly" / label / "review.html").exists()
    assert (data / "alerts" / "outbox.jsonl").exists()
