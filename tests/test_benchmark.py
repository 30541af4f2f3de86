"""The pure parts of benchmarks/refresh_benchmark.py: the process-tree memory sampler, the
statistics, the markdown table, the raw scan and the BI queries. No timing assertions: the machine
is shared and noisy."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import duckdb
import pytest

from empathy.raw_contract import load_contract

PROJECT_DIR = Path(__file__).resolve().parents[1]


def _load_benchmark() -> ModuleType:
    path = PROJECT_DIR / "benchmarks" / "refresh_benchmark.py"
    spec = importlib.util.spec_from_file_location("refresh_benchmark", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


bench = _load_benchmark()

MB = 1 << 20
# A child that holds 200 MB and starts a grandchild that holds 100 MB; both stay until the child's
# stdin closes. Written bytes (not calloc'd zeros), so the pages are resident.
GRANDCHILD = "import sys; block = b'g' * (100 << 20); print('ready', flush=True); sys.stdin.read()"
CHILD = f"""
import subprocess, sys
block = b'c' * (200 << 20)
grandchild = subprocess.Popen(
    [sys.executable, "-c", {GRANDCHILD!r}], stdin=subprocess.PIPE, stdout=subprocess.PIPE
)
grandchild.stdout.readline()
print("ready", flush=True)
sys.stdin.read()
grandchild.stdin.close()
grandchild.wait()
"""


def test_sampler_sums_the_whole_process_tree() -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        with bench.TreeMemorySampler(child.pid, interval=0.05) as sampler:
            assert child.stdout and child.stdout.readline().strip() == "ready"
            seen = sampler.samples
            deadline = time.monotonic() + 30
            while sampler.samples < seen + 3 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert sampler.samples >= seen + 3, "the sampler stopped sampling"
            assert child.stdin
            child.stdin.close()
            child.wait(timeout=30)
    finally:
        child.kill()
    peak = sampler.peak
    # the tree holds 300 MB of blocks plus two interpreters; its largest process holds 200 MB
    assert peak.tree_mb >= 290, peak
    assert 195 <= peak.single_mb < 280, peak
    assert peak.tree_mb - peak.single_mb >= 95, peak


def test_process_tree_lists_descendants_only() -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout and child.stdout.readline().strip() == "ready"
        tree = bench.process_tree(child.pid)
        assert tree[0] == child.pid
        assert len(tree) == 2  # the child and its grandchild
        assert os.getpid() not in tree
    finally:
        child.kill()
        child.wait()


def test_percentile_interpolates_between_order_statistics() -> None:
    values = [float(v) for v in range(20, 0, -1)]  # 20 .. 1, unsorted on purpose
    assert bench.percentile(values, 95) == pytest.approx(19.05)
    assert bench.percentile(values, 50) == pytest.approx(10.5)
    assert bench.percentile(values, 0) == 1.0
    assert bench.percentile(values, 100) == 20.0
    assert bench.percentile([7.0], 95) == 7.0
    assert bench.percentile([1.0, 2.0, 3.0, 10.0], 50) == bench.median([1.0, 2.0, 3.0, 10.0])
    with pytest.raises(ValueError):
        bench.percentile([], 50)


def test_median_of_odd_and_even_counts() -> None:
    assert bench.median([3.0, 1.0, 2.0]) == 2.0
    assert bench.median([4.0, 1.0, 3.0, 2.0]) == 2.5


def _result(scale: str, rows: int) -> dict[str, object]:
    queries = {name: {"p50_ms": 4.0, "p95_ms": 12.0, "rows": 10} for name in bench.BI_QUERIES}
    queries["combinations_fired"] = {"p50_ms": 20.0, "p95_ms": 61.4, "rows": 3}
    return {
        "scale": scale,
        "repeat": 3,
        "raw_rows": rows,
        "generate": {"s": 2.24, "peak_mb": 300, "raw_mb": 20, "reused": False},
        "scan": {"median_s": 0.82, "runs_s": [0.8, 0.82, 0.9]},
        "refresh": {"median_s": 74.6, "runs_s": [70.0, 74.6, 80.1], "ratio_to_scan": 91.0},
        "weekly": {"median_s": 78.2, "runs_s": [77.0, 78.2, 79.0], "ratio_to_scan": 95.4},
        "peak_tree_mb": 2560,
        "slowest_dbt_nodes": [
            {"node": "int_customer_lifecycle_stages", "resource_type": "model", "seconds": 12.34},
            {"node": "kpi_scorecard", "resource_type": "model", "seconds": 5.0},
        ],
        "bi": {"worst_query": "combinations_fired", "worst_p95_ms": 61.4, "queries": queries},
    }


def test_markdown_renders_one_row_per_scale_and_the_slowest_nodes() -> None:
    results = [_result("small", 194_143), {**_result("medium", 1_021_203), "generate": None}]
    text = bench.render_markdown(results)
    rows = [
        line
        for line in text.splitlines()
        if line.startswith("| small") or line.startswith("| medium")
    ]
    assert rows[0] == (
        "| small | 194,143 | 2.2 s | 0.8 s | 75 s | 91x | 78 s | 95x | 2.5 GB | 61 ms |"
    )
    assert rows[1].startswith("| medium | 1,021,203 | (not generated) | 0.8 s |")
    header = text.splitlines()[0]
    assert header.count("|") == rows[0].count("|")
    assert "1. `int_customer_lifecycle_stages` (model) 12.3 s" in text
    assert "2. `kpi_scorecard` (model) 5.0 s" in text
    assert "Slowest dbt nodes of the last refresh (medium)" in text
    assert "| `combinations_fired` | 20 / 61 ms | 20 / 61 ms |" in text


def test_markdown_renders_from_a_json_round_trip(tmp_path: Path) -> None:
    results = [_result("small", 194_143)]
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results))
    assert bench.render_markdown(json.loads(path.read_text())) == bench.render_markdown(results)


def test_slowest_nodes_from_run_results(tmp_path: Path) -> None:
    run_results = tmp_path / "run_results.json"
    run_results.write_text(
        json.dumps(
            {
                "elapsed_time": 60.0,
                "results": [
                    {"unique_id": f"model.empathy.m{i}", "execution_time": float(i)}
                    for i in range(12)
                ]
                + [{"unique_id": "test.empathy.not_null_x_id.ab12", "execution_time": 30.0}],
            }
        )
    )
    nodes = bench.slowest_nodes(run_results)
    assert len(nodes) == 10
    assert nodes[0] == {"node": "not_null_x_id.ab12", "resource_type": "test", "seconds": 30.0}
    assert [node["node"] for node in nodes[1:3]] == ["m11", "m10"]
    assert bench.dbt_summary(run_results) == {"nodes": 13, "elapsed_s": 60.0}


def test_scan_reads_every_column_of_every_contract_table(small_raw: Path, tmp_path: Path) -> None:
    scan = bench.scan_raw(small_raw, dict(os.environ), tmp_path / "scan")
    tables = load_contract(PROJECT_DIR)
    assert set(scan.tables) == {table.qualified_name for table in tables}
    connection = duckdb.connect()
    for table in tables:
        reader = table.reader_sql(small_raw)
        columns = len(connection.execute(f"describe select * from {reader}").fetchall())
        rows = connection.execute(f"select count(*) from {reader}").fetchone()[0]
        assert scan.tables[table.qualified_name]["columns"] == columns, table.qualified_name
        assert scan.tables[table.qualified_name]["rows"] == rows, table.qualified_name
    truth = json.loads((small_raw / "_truth.json").read_text())
    assert scan.rows == truth["total_rows"]
    assert scan.run.memory.samples >= 1


def test_readme_shows_the_benchmark_queries_text_for_text() -> None:
    readme = (PROJECT_DIR / "README.md").read_text()
    for name in bench.README_QUERIES:
        assert f"```sql\n{bench.BI_QUERIES[name]}```" in readme, name


@pytest.fixture
def serving_file(tmp_path: Path) -> Path:
    """A tiny stand-in for the serving file: the columns the BI queries read."""
    path = tmp_path / "warehouse.duckdb"
    connection = duckdb.connect(str(path))
    connection.execute(
        """
        create table kpi_definitions as
        select 'csat_pct' as kpi_id, 80.0 as breach_threshold, 'call the owner' as playbook;
        create table kpi_scorecard as
        select kpi_id, grain, period_start, segment_type, segment_value,
            'CSAT' as kpi_name, 'cx' as owner, 75.0 as value, 70.0 as ci_low, 80.0 as ci_high,
            100 as sample_size, 'breach' as status, period_start < date '2026-11-01'
                as is_closed_period
        from (values ('csat_pct'), ('csat_after_ai_pct')) as kpis (kpi_id),
            (values ('week'), ('month')) as grains (grain),
            (values ('all', 'all'), ('audience', 'enterprise'), ('audience', 'smb'))
                as segments (segment_type, segment_value),
            range(date '2025-01-01', date '2026-12-01', interval 1 month) as months (period_start);
        create table kpi_diagnostics as
        select 'month' as grain, date '2026-10-01' as period_start, 'all' as segment_type,
            'all' as segment_value, 'engagement_up_csat_down' as rule_name, 'high' as severity,
            '{}' as evidence, true as is_closed_period;
        """
    )
    connection.close()
    return path


def test_bi_queries_run_read_only_through_sqlalchemy(serving_file: Path) -> None:
    # Another process holds the file open read-only: a read-write connection would fail on the
    # lock, so the queries only run if the benchmark connects read-only, as BI tools must.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
            "print('open', flush=True); sys.stdin.read()",
            str(serving_file),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout and holder.stdout.readline().strip() == "open"
        bi = bench.time_bi_queries(serving_file, runs=3)
    finally:
        holder.kill()
        holder.wait()
    assert set(bi["queries"]) == set(bench.BI_QUERIES)
    queries = bi["queries"]
    assert queries["csat_after_ai_enterprise_by_week"]["rows"] == 23  # 2025-01 .. 2026-11
    assert queries["breached_last_month_by_owner"]["rows"] == 1  # October 2026, segment all
    assert queries["combinations_fired"]["rows"] == 1
    # 13 months (2025-10 .. 2026-10) for each of the three segments
    assert queries["csat_every_segment_13_months"]["rows"] == 13 * 3
    for figures in queries.values():
        assert 0 < figures["p50_ms"] <= figures["p95_ms"]
    assert bi["worst_p95_ms"] == max(figures["p95_ms"] for figures in queries.values())


def test_workdir_with_other_content_is_refused(tmp_path: Path) -> None:
    # each scale's folder in the working folder is cleared: never claim a folder of other data
    data = tmp_path / "data"
    (data / "releases").mkdir(parents=True)
    with pytest.raises(SystemExit):
        bench.claim_workdir(data)
    fresh = tmp_path / "fresh"
    bench.claim_workdir(fresh)
    (fresh / "small").mkdir()
    bench.claim_workdir(fresh)  # marked as the benchmark's: reused
    assert (fresh / bench.WORKDIR_MARKER).exists()


def test_page_cache_warm_up_reads_every_raw_file(small_raw: Path) -> None:
    sizes = sum(path.stat().st_size for path in small_raw.rglob("*") if path.is_file())
    assert sizes > 0
    assert bench.warm_page_cache(small_raw) == sizes
