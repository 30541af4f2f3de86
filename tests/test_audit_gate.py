"""A failing dbt test stops the publish: a staging model that loses rows breaks conservation."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb

from conftest import PROJECT_DIR, Workspace


def project_copy(destination: Path) -> Path:
    shutil.copytree(
        PROJECT_DIR,
        destination,
        ignore=shutil.ignore_patterns(".venv", "data", "target", "logs", ".git", "*cache*"),
    )
    return destination


def test_row_loss_in_staging_fails_the_audit_and_publishes_nothing(
    workspace: Workspace, tmp_path: Path
) -> None:
    project = project_copy(tmp_path / "project")
    model = project / "models" / "staging" / "crm" / "stg_crm__leads.sql"
    # a careless filter: drops one lead without quarantining it
    model.write_text(
        model.read_text().replace(
            "where quarantine_reason is null",
            "where quarantine_reason is null\n        and lead_id <> (select min(lead_id) from "
            + "{{ ref('base_crm__leads') }})",
        )
    )
    workspace.serving_file.parent.mkdir(parents=True)
    with duckdb.connect(str(workspace.serving_file)) as served:
        served.execute("create table warehouse_release as select 'the served one' as release_id")
    before = hashlib.sha256(workspace.serving_file.read_bytes()).digest()

    result = workspace.run_in(project, "refresh")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Audit failed" in result.stderr
    assert "row_conservation" in result.stderr
    assert "unchanged" in result.stderr
    assert hashlib.sha256(workspace.serving_file.read_bytes()).digest() == before
    assert not workspace.settings.releases_dir.exists()


def test_a_kpi_value_out_of_range_fails_the_quality_gates_and_publishes_nothing(
    workspace: Workspace, tmp_path: Path
) -> None:
    project = project_copy(tmp_path / "project")
    model = project / "models" / "marts" / "kpi" / "kpi_scorecard.sql"
    # a formula slip: CSAT top-2-box (a share, 0-1) published as a percentage for one month
    model.write_text(
        model.read_text().replace(
            "select * from final",
            "select * replace (\n"
            "    case when kpi_id = 'csat_pct' and grain = 'month' and segment_type = 'all'\n"
            "        and period_start = date '2026-03-01'\n"
            "        then value * 100 else value end as value\n"
            ")\nfrom final",
        )
    )
    workspace.serving_file.parent.mkdir(parents=True)
    with duckdb.connect(str(workspace.serving_file)) as served:
        served.execute("create table warehouse_release as select 'the served one' as release_id")
    before = hashlib.sha256(workspace.serving_file.read_bytes()).digest()

    result = workspace.run_in(project, "refresh")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "quality gates" in result.stderr and "unchanged" in result.stderr
    failed = [line for line in result.stderr.splitlines() if "kpi_scorecard" in line]
    assert any("value" in line and "1 of" in line for line in failed), result.stderr
    assert hashlib.sha256(workspace.serving_file.read_bytes()).digest() == before
    assert not workspace.settings.releases_dir.exists()
    # the report and the Data Docs stay beside the failed build for the reader
    (build_dir,) = [p for p in workspace.settings.build_root.iterdir() if not p.is_symlink()]
    assert workspace.settings.current_build_dir.resolve() == build_dir.resolve()
    assert (build_dir / "quality_report.json").exists()
    assert (build_dir / "data_docs" / "index.html").exists()
