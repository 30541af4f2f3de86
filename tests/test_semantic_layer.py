"""The MetricFlow semantic layer (models/semantic) agrees with the governed kpi_scorecard.

Each starter metric is queried with the real `mf query` command against the published serving file
(target `serving` of profiles.yml), at the grain the scorecard publishes, and compared period by
period with the scorecard's whole-population values. A metric whose filter points at another KPI or
grain, or whose formula drifts from the registry's aggregation, fails here.

`mf` reads `<project>/target/semantic_manifest.json`. The test gives it a project folder of its
own (dbt_project.yml and profiles.yml of this checkout) holding the semantic manifest of the
release that was built, so it checks the metrics that were published, whatever the checkout's
`target/` holds.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import PROJECT_DIR, Built

MF = str(Path(sys.executable).with_name("mf"))
TOLERANCE = 1e-9
MIN_PERIODS = {"week": 20, "month": 6, "quarter": 2}

# metric -> kpi_id: the KPIs defined per event, whose observations fall in every grain
EVENT_METRICS = {
    "csat_after_ai_pct": "csat_after_ai_pct",
    "nps": "nps",
    "full_resolution_time_median": "full_resolution_time_median",
    "negative_feedback_share": "negative_feedback_share",
    "engagement_depth": "engagement_depth",
    "explanation_acceptance_rate": "explanation_acceptance_rate",
    "escalation_rate": "escalation_rate",
}
# the KPIs defined per period have one metric per grain
PERIOD_KPIS = ("retention_rate", "churn_rate")
ADVERBS = {"week": "weekly", "month": "monthly", "quarter": "quarterly"}


def metrics_at(grain: str) -> dict[str, str]:
    """The metrics to query by metric_time__<grain>, with the kpi_id each one publishes."""
    period = {f"{kpi_id}_{ADVERBS[grain]}": kpi_id for kpi_id in PERIOD_KPIS}
    return {**EVENT_METRICS, **period}


# every starter metric by month; the weekly and quarterly comparisons cover the rest
CASES = [
    *[("month", metric) for metric in metrics_at("month")],
    *[("week", metric) for metric in metrics_at("week")],
    *[("quarter", f"{kpi_id}_quarterly") for kpi_id in PERIOD_KPIS],
]


@pytest.fixture(scope="module")
def mf_project(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project folder for `mf`: this checkout's project and profile, the release's manifest."""
    project = tmp_path_factory.mktemp("mf_project")
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_DIR / name, project / name)
    (project / "target").mkdir()
    shutil.copy(built.manifest.with_name("semantic_manifest.json"), project / "target")
    return project


def mf_query(
    project: Path, serving_file: Path, metrics: list[str], group_by: str
) -> list[dict[str, str]]:
    """Run `mf query ... --csv` as a user would, against the serving file; return the rows."""
    out = project / f"{group_by}.csv"
    command = [MF, "query", "--metrics", ",".join(metrics), "--group-by", group_by]
    command += ["--order", group_by, "--csv", str(out), "--quiet"]
    result = subprocess.run(
        command,
        cwd=project,
        env={
            **os.environ,
            "DBT_PROJECT_DIR": str(project),
            "DBT_PROFILES_DIR": str(project),
            "DBT_TARGET": "serving",
            "EMPATHY_SERVING_PATH": str(serving_file),
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"mf failed:\n{result.stdout}\n{result.stderr}"
    if not out.exists():  # mf writes no file for an empty result
        return []
    with out.open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def mf_rows(built: Built, mf_project: Path) -> dict[str, list[dict[str, str]]]:
    """One `mf query` per grain with all of that grain's metrics."""
    grains = dict.fromkeys(grain for grain, _ in CASES)
    return {
        grain: mf_query(
            mf_project,
            built.serving_file,
            [metric for case_grain, metric in CASES if case_grain == grain],
            f"metric_time__{grain}",
        )
        for grain in grains
    }


def scorecard_values(serving_file: Path, kpi_id: str, grain: str) -> dict[str, float]:
    with duckdb.connect(str(serving_file), read_only=True) as connection:
        rows = connection.execute(
            "select cast(period_start as varchar), value from kpi_scorecard "
            "where kpi_id = ? and grain = ? and segment_type = 'all' and value is not null",
            [kpi_id, grain],
        ).fetchall()
    return dict(rows)


@pytest.mark.parametrize(("grain", "metric"), CASES)
def test_metric_matches_the_scorecard(
    built: Built, mf_rows: dict[str, list[dict[str, str]]], grain: str, metric: str
) -> None:
    kpi_id = metrics_at(grain)[metric]
    group_by = f"metric_time__{grain}"
    expected = scorecard_values(built.serving_file, kpi_id, grain)
    assert len(expected) >= MIN_PERIODS[grain], f"too few {grain}s of {kpi_id} to compare"
    # MetricFlow prints the period as a timestamp; a metric without a value there is an empty cell
    got = {row[group_by][:10]: float(row[metric]) for row in mf_rows[grain] if row[metric]}
    assert sorted(got) == sorted(expected), f"{metric}: periods differ from kpi_scorecard"
    drifted = {
        period: (got[period], value)
        for period, value in expected.items()
        if abs(got[period] - value) > TOLERANCE
    }
    examples = dict(sorted(drifted.items())[:3])
    assert not drifted, f"{metric}: {len(drifted)} periods differ (mf, kpi_scorecard): {examples}"


ATTRIBUTION_MODELS = ("first_touch", "last_touch", "linear", "position_based", "time_decay")


def test_attribution_metrics_match_the_governed_summary(built: Built, mf_project: Path) -> None:
    metrics = [
        f"{name}_{model}"
        for model in ATTRIBUTION_MODELS
        for name in ("attributed_value", "trust_building_share")
    ]
    rows = mf_query(mf_project, built.serving_file, metrics, "metric_time__month")
    with duckdb.connect(str(built.serving_file), read_only=True) as connection:
        summary = connection.execute(
            """
            select cast(period_start as varchar), model, sum(credit),
                sum(case when dimension_value = 'trust_building' then credit_share else 0 end)
            from fct_attribution_summary
            where grain = 'month' and dimension = 'touch_group'
            group by 1, 2
            """
        ).fetchall()
    expected = {(month, model): (value, share) for month, model, value, share in summary}
    assert len(rows) >= 12 and len(expected) == len(rows) * len(ATTRIBUTION_MODELS)
    for row in rows:
        month = row["metric_time__month"][:10]
        for model in ATTRIBUTION_MODELS:
            value, share = expected[(month, model)]
            assert float(row[f"attributed_value_{model}"]) == pytest.approx(value, rel=1e-9)
            assert float(row[f"trust_building_share_{model}"]) == pytest.approx(share, abs=1e-9)
