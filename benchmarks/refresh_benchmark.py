"""Benchmark: what a refresh costs next to the physical floor, and how fast BI reads the result.

    .venv/bin/python benchmarks/refresh_benchmark.py --scales small medium --repeat 3 --markdown
    .venv/bin/python benchmarks/refresh_benchmark.py --scales small --repeat 1 --raw-from /work/ref
    .venv/bin/python benchmarks/refresh_benchmark.py --render results.json   # markdown only

Per scale, the raw data is generated once (`empathy generate --scale S --seed 42`, timed once),
then each of --repeat rounds measures, one after the other so that machine noise hits all alike:

1. **scan**, the physical floor: one DuckDB scan of every raw file with every column decoded
   (``benchmarks/raw_scan.py``: ``select count(*), count(hash(columns(*))) from <reader>`` for
   each table, with the exact readers of the raw contract), in a fresh process under the same
   DuckDB memory cap as the refresh;
2. **refresh**: ``empathy refresh`` (check, build, audit, publish);
3. **weekly**: ``empathy refresh --cadence weekly`` (the same plus the weekly review pack).

Every measurement is the wall time of a fresh process. Every raw file is read once before round 1,
so the page cache is warm for all three and the comparison is of work done, not of disk speed.
The machines are shared: at large, where one round is all there is time for, the scan alone
varied from 10 s to 26 s across runs of the same day, so compare ratios of one run only.

Peak memory is the largest sum of resident set sizes over the whole process tree (the command,
dbt, and every child), sampled from /proc every 0.1 s by :class:`TreeMemorySampler`. getrusage's
``ru_maxrss`` only gives the largest single process, which is why an earlier version of this script
under-reported. Summed RSS counts a page shared by two processes twice, so it is an upper bound of
what the tree holds; a peak shorter than the sampling interval can be missed.

After the rounds: the ten slowest dbt nodes of the last ``empathy refresh`` (its release's
``target/run_results.json``), and **BI speed**: the serving file opened read-only through
duckdb-engine (SQLAlchemy), the way BI tools connect, and each query of :data:`BI_QUERIES` timed
20 times (interleaved; the first, cold run included), reported as p50 and p95 in milliseconds
against a target of p95 under 50 ms at the large scale.

Progress goes to stderr as each measurement finishes; one JSON document per scale goes to stdout
(or all of them to --json FILE); --markdown prints the README's figures table at the end.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[1]
EMPATHY = str(Path(sys.executable).with_name("empathy"))
RAW_SCAN = Path(__file__).with_name("raw_scan.py")
SCALES = ("small", "medium", "large")
SEED = 42
BI_RUNS = 20
BI_TARGET_P95_MS = 50.0
SLOWEST_NODES = 10
SAMPLE_SECONDS = 0.1
WORKDIR_MARKER = ".empathy-benchmark"
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
_MB = 1 << 20
_CHUNK_BYTES = 8 * _MB

# The BI queries, written once. The first three are the README's ("The KPIs"), text for text; a
# test checks that README.md still shows exactly these.
BI_QUERIES: dict[str, str] = {
    "csat_after_ai_enterprise_by_week": """\
select period_start, value, ci_low, ci_high, sample_size, status
from kpi_scorecard
where kpi_id = 'csat_after_ai_pct'
    and grain = 'week'
    and segment_type = 'audience' and segment_value = 'enterprise'
order by period_start;
""",
    "breached_last_month_by_owner": """\
select scorecard.owner, scorecard.kpi_name, scorecard.value, definitions.breach_threshold,
    definitions.playbook
from kpi_scorecard as scorecard
inner join kpi_definitions as definitions on scorecard.kpi_id = definitions.kpi_id
where scorecard.grain = 'month' and scorecard.segment_type = 'all' and scorecard.status = 'breach'
    and scorecard.period_start = (
        select max(period_start) from kpi_scorecard where grain = 'month' and is_closed_period
    )
order by scorecard.owner;
""",
    "combinations_fired": """\
select grain, period_start, segment_type, segment_value, rule_name, severity, evidence
from kpi_diagnostics
where is_closed_period
order by period_start desc, severity;
""",
    "csat_every_segment_13_months": """\
with latest_month as (
    select max(period_start) as period_start
    from kpi_scorecard
    where grain = 'month' and is_closed_period
)
select scorecard.segment_type, scorecard.segment_value, scorecard.period_start, scorecard.value,
    scorecard.ci_low, scorecard.ci_high, scorecard.status
from kpi_scorecard as scorecard
cross join latest_month
where scorecard.kpi_id = 'csat_pct'
    and scorecard.grain = 'month'
    and scorecard.period_start > latest_month.period_start - interval 13 month
    and scorecard.period_start <= latest_month.period_start
order by scorecard.segment_type, scorecard.segment_value, scorecard.period_start;
""",
}
README_QUERIES = (
    "csat_after_ai_enterprise_by_week",
    "breached_last_month_by_owner",
    "combinations_fired",
)


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- statistics ----------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), interpolating linearly between order statistics (as numpy)."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    below, above = math.floor(position), math.ceil(position)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


# --- memory of a process tree --------------------------------------------------------------------


def _parent_pids() -> dict[int, int]:
    """pid -> parent pid of every process visible in /proc."""
    parents = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:  # exited since the listing
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after it
        parents[int(entry.name)] = int(stat.rsplit(b")", 1)[1].split()[1])
    return parents


def process_tree(root: int) -> list[int]:
    """The root process and all its descendants that are alive now."""
    children: dict[int, list[int]] = {}
    for pid, parent in _parent_pids().items():
        children.setdefault(parent, []).append(pid)
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, []))
    return tree


def resident_bytes(pid: int) -> int:
    """Resident set size of one process (0 once it has exited)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * _PAGE_BYTES
    except (OSError, IndexError, ValueError):
        return 0


@dataclass(frozen=True)
class MemoryPeak:
    tree_mb: float  # the largest sum of RSS over the tree at one sample
    single_mb: float  # the largest RSS of any one process of the tree (what ru_maxrss sees)
    samples: int


class TreeMemorySampler:
    """Samples the summed RSS of a process tree from /proc in a background thread.

    ``with TreeMemorySampler(pid) as sampler: ...`` then ``sampler.peak``.
    """

    def __init__(self, root_pid: int, interval: float = SAMPLE_SECONDS) -> None:
        self.root_pid = root_pid
        self.interval = interval
        self.samples = 0
        self._tree_peak = 0
        self._single_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tree-memory", daemon=True)

    def sample(self) -> None:
        sizes = [resident_bytes(pid) for pid in process_tree(self.root_pid)]
        self._tree_peak = max(self._tree_peak, sum(sizes))
        self._single_peak = max(self._single_peak, *sizes)
        self.samples += 1

    def _run(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(self.interval):
                return

    @property
    def peak(self) -> MemoryPeak:
        return MemoryPeak(self._tree_peak / _MB, self._single_peak / _MB, self.samples)

    def __enter__(self) -> TreeMemorySampler:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()


# --- timed runs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    seconds: float
    memory: MemoryPeak


def timed_run(command: list[str], env: dict[str, str], log: Path) -> Run:
    """Wall time and process-tree peak memory of one command; its output goes to ``log``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, env=env, cwd=PROJECT_DIR, stdout=output, stderr=subprocess.STDOUT
        )
        with TreeMemorySampler(process.pid) as sampler:
            returncode = process.wait()
        seconds = time.perf_counter() - started
    if returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise RuntimeError(f"{' '.join(command)} exited with {returncode} (log: {log}):\n{tail}")
    return Run(seconds, sampler.peak)


@dataclass(frozen=True)
class Scan:
    run: Run
    tables: dict[str, dict[str, float]]  # "<system>.<table>" -> rows, columns, seconds

    @property
    def rows(self) -> int:
        return int(sum(table["rows"] for table in self.tables.values()))


def scan_raw(raw_dir: Path, env: dict[str, str], work: Path) -> Scan:
    """Scan every raw table of the contract, every column decoded, in a fresh process."""
    from empathy.raw_contract import load_contract

    readers = {
        table.qualified_name: table.reader_sql(raw_dir) for table in load_contract(PROJECT_DIR)
    }
    request, result = work / "scan_request.json", work / "scan_result.json"
    work.mkdir(parents=True, exist_ok=True)
    memory_limit = env.get("EMPATHY_DUCKDB_MEMORY_LIMIT", "4GB")
    request.write_text(json.dumps({"memory_limit": memory_limit, "readers": readers}))
    result.unlink(missing_ok=True)
    run = timed_run(
        [sys.executable, str(RAW_SCAN), str(request), str(result)], env, work / "scan.log"
    )
    return Scan(run, json.loads(result.read_text()))


# --- dbt nodes and BI speed ----------------------------------------------------------------------


def warm_page_cache(raw_dir: Path) -> int:
    """Read every raw file once, so that round 1's scan does not read from disk while the
    refreshes after it read from the page cache. Returns the bytes read."""
    total = 0
    for path in sorted(raw_dir.rglob("*")):
        if path.is_file():
            with path.open("rb") as handle:
                while chunk := handle.read(_CHUNK_BYTES):
                    total += len(chunk)
    return total


def latest_release(data_dir: Path) -> Path:
    releases = sorted(p for p in (data_dir / "releases").iterdir() if p.is_dir())
    if not releases:
        raise FileNotFoundError(f"no release under {data_dir / 'releases'}")
    return releases[-1]


def slowest_nodes(run_results: Path, count: int = SLOWEST_NODES) -> list[dict[str, Any]]:
    """The ``count`` dbt nodes with the longest execution time, slowest first."""
    results = json.loads(run_results.read_text())["results"]
    ordered = sorted(results, key=lambda result: result["execution_time"], reverse=True)
    nodes = []
    for result in ordered[:count]:
        resource_type, _project, name = result["unique_id"].split(".", 2)
        nodes.append(
            {
                "node": name,
                "resource_type": resource_type,
                "seconds": round(result["execution_time"], 2),
            }
        )
    return nodes


def dbt_summary(run_results: Path) -> dict[str, Any]:
    document = json.loads(run_results.read_text())
    return {"nodes": len(document["results"]), "elapsed_s": round(document["elapsed_time"], 1)}


def time_bi_queries(
    serving_file: Path, runs: int = BI_RUNS, queries: dict[str, str] = BI_QUERIES
) -> dict[str, Any]:
    """p50 and p95 (ms) of each query over ``runs`` runs on one read-only SQLAlchemy connection.

    Runs are interleaved across queries; each includes fetching every row. The first run of each
    query, on a cold connection, is counted like the others (a dashboard opening pays it too).
    """
    from sqlalchemy import create_engine, text

    engine = create_engine(f"duckdb:///{serving_file}", connect_args={"read_only": True})
    timings: dict[str, list[float]] = {name: [] for name in queries}
    rows: dict[str, int] = {}
    try:
        started = time.perf_counter()
        with engine.connect() as connection:
            connect_ms = (time.perf_counter() - started) * 1000
            for _ in range(runs):
                for name, sql in queries.items():
                    started = time.perf_counter()
                    rows[name] = len(connection.execute(text(sql)).fetchall())
                    timings[name].append((time.perf_counter() - started) * 1000)
    finally:
        engine.dispose()
    by_query = {
        name: {
            "p50_ms": round(percentile(values, 50), 1),
            "p95_ms": round(percentile(values, 95), 1),
            "rows": rows[name],
        }
        for name, values in timings.items()
    }
    worst = max(by_query, key=lambda name: by_query[name]["p95_ms"])
    return {
        "runs": runs,
        "connect_ms": round(connect_ms, 1),
        "target_p95_ms": BI_TARGET_P95_MS,
        "worst_query": worst,
        "worst_p95_ms": by_query[worst]["p95_ms"],
        "queries": by_query,
    }


# --- one scale -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Workspace:
    scale: str
    data_dir: Path  # EMPATHY_DATA_DIR: build files, releases, serving file
    raw_dir: Path

    @property
    def serving_file(self) -> Path:
        return self.data_dir / "serving" / "warehouse.duckdb"

    @property
    def logs(self) -> Path:
        return self.data_dir / "benchmark-logs"

    def env(self, memory_limit: str) -> dict[str, str]:
        env = {
            **os.environ,
            "EMPATHY_PROJECT_DIR": str(PROJECT_DIR),
            "EMPATHY_DATA_DIR": str(self.data_dir),
            "EMPATHY_RAW_DIR": str(self.raw_dir),
            "EMPATHY_REPORTS_DIR": str(self.data_dir / "reports"),
            "EMPATHY_PII_KEY": "benchmark",
            "EMPATHY_DUCKDB_MEMORY_LIMIT": memory_limit,
        }
        # a benchmark never posts alerts, and always builds its own private target
        for variable in ("EMPATHY_ALERT_WEBHOOK_URL", "DBT_TARGET", "EMPATHY_SERVING_PATH"):
            env.pop(variable, None)
        return env


def _raw_matches(raw_dir: Path, scale: str) -> bool:
    truth = raw_dir / "_truth.json"
    if not truth.is_file():
        return False
    document = json.loads(truth.read_text())
    return document.get("scale") == scale and document.get("seed") == SEED


def prepare(
    scale: str, workdir: Path, raw_from: Path | None, keep: bool, memory_limit: str
) -> tuple[Workspace, dict[str, Any] | None]:
    """A clean data folder for the scale, and its raw data: taken from --raw-from, reused from a
    kept earlier run, or generated (timed once). Returns the generation figures, if any."""
    data_dir = workdir / scale
    raw_dir = raw_from / scale / "raw" if raw_from else data_dir / "raw"
    if raw_from and data_dir in raw_dir.parents:
        raise ValueError(f"--raw-from {raw_from} lies inside the working folder {workdir}")
    timing_file = data_dir / "generate.json"
    # every run of a scale starts without releases, so none carries an earlier run's history
    if data_dir.exists():
        for child in data_dir.iterdir():
            if child in (raw_dir, timing_file):
                continue
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
    workspace = Workspace(scale, data_dir, raw_dir)
    if raw_from:
        if not _raw_matches(raw_dir, scale):
            raise FileNotFoundError(f"{raw_dir}: no {scale} data with seed {SEED} (_truth.json)")
        progress(f"{scale}: raw data from {raw_dir} (not generated)")
        return workspace, None
    if keep and _raw_matches(raw_dir, scale) and timing_file.is_file():
        generation = {**json.loads(timing_file.read_text()), "reused": True}
        progress(f"{scale}: reusing the raw data in {raw_dir} (generated in {generation['s']} s)")
        return workspace, generation
    shutil.rmtree(raw_dir, ignore_errors=True)
    command = [EMPATHY, "generate", "--scale", scale, "--seed", str(SEED), "--out", str(raw_dir)]
    run = timed_run(command, workspace.env(memory_limit), workspace.logs / "generate.log")
    size_mb = sum(p.stat().st_size for p in raw_dir.rglob("*") if p.is_file()) / _MB
    generation = {
        "s": round(run.seconds, 2),
        "peak_mb": round(run.memory.tree_mb),
        "raw_mb": round(size_mb),
    }
    data_dir.mkdir(parents=True, exist_ok=True)
    timing_file.write_text(json.dumps(generation) + "\n")
    progress(f"{scale}: generate {run.seconds:.1f} s, {size_mb:.0f} MB, peak {_gb(run.memory)}")
    return workspace, {**generation, "reused": False}


def _gb(memory: MemoryPeak) -> str:
    return f"{memory.tree_mb / 1024:.2f} GB (largest process {memory.single_mb / 1024:.2f} GB)"


def _series(runs: list[Run]) -> dict[str, Any]:
    seconds = [run.seconds for run in runs]
    return {
        "median_s": round(median(seconds), 2),
        "runs_s": [round(s, 2) for s in seconds],
        "peak_tree_mb": round(max(run.memory.tree_mb for run in runs)),
        "peak_single_process_mb": round(max(run.memory.single_mb for run in runs)),
    }


def run_scale(
    scale: str, repeat: int, workdir: Path, raw_from: Path | None, keep: bool, memory_limit: str
) -> dict[str, Any]:
    workspace, generation = prepare(scale, workdir, raw_from, keep, memory_limit)
    env = workspace.env(memory_limit)
    truth = json.loads((workspace.raw_dir / "_truth.json").read_text())
    runs: dict[str, list[Run]] = {"scan": [], "refresh": [], "weekly": []}
    commands = {
        "refresh": [EMPATHY, "refresh"],
        "weekly": [EMPATHY, "refresh", "--cadence", "weekly"],
    }
    started = time.perf_counter()
    warmed = warm_page_cache(workspace.raw_dir)
    progress(
        f"{scale}: read {warmed / _MB:,.0f} MB of raw files once in "
        f"{time.perf_counter() - started:.1f} s (page cache warm for every measurement)"
    )
    scan = None
    last_refresh_release = None
    for round_number in range(1, repeat + 1):
        label = f"{scale} round {round_number}/{repeat}"
        scan = scan_raw(workspace.raw_dir, env, workspace.logs / f"scan-{round_number}")
        runs["scan"].append(scan.run)
        progress(
            f"{label}: scan {scan.run.seconds:.1f} s ({scan.rows:,} rows), "
            f"peak {_gb(scan.run.memory)}"
        )
        for measure, command in commands.items():
            run = timed_run(command, env, workspace.logs / f"{measure}-{round_number}.log")
            runs[measure].append(run)
            progress(f"{label}: {measure} {run.seconds:.1f} s, peak {_gb(run.memory)}")
            if measure == "refresh":
                last_refresh_release = latest_release(workspace.data_dir)
    assert scan is not None and last_refresh_release is not None
    run_results = last_refresh_release / "target" / "run_results.json"
    bi = time_bi_queries(workspace.serving_file)
    progress(
        f"{scale}: BI p95 {bi['worst_p95_ms']} ms at worst ({bi['worst_query']}), "
        f"target {BI_TARGET_P95_MS:.0f} ms"
    )
    scan_median = median([run.seconds for run in runs["scan"]])
    series = {measure: _series(measure_runs) for measure, measure_runs in runs.items()}
    for measure in ("refresh", "weekly"):
        series[measure]["ratio_to_scan"] = round(series[measure]["median_s"] / scan_median, 1)
    return {
        "scale": scale,
        "seed": SEED,
        "repeat": repeat,
        "raw_rows": truth["total_rows"],
        "raw_dir": str(workspace.raw_dir),
        "memory_limit": memory_limit,
        "generate": generation,
        **series,
        "scan_tables": scan.tables,
        "scan_rows": scan.rows,
        "peak_tree_mb": max(series[m]["peak_tree_mb"] for m in ("refresh", "weekly")),
        "dbt": {"release": last_refresh_release.name, **dbt_summary(run_results)},
        "slowest_dbt_nodes": slowest_nodes(run_results),
        "bi": bi,
    }


# --- report --------------------------------------------------------------------------------------


def _seconds(value: float) -> str:
    return f"{value:.1f} s" if value < 10 else f"{value:.0f} s"


def _ratio(value: float) -> str:
    return f"{value:.1f}x" if value < 10 else f"{value:.0f}x"


def render_markdown(results: list[dict[str, Any]]) -> str:
    """The README's figures table (one row per scale), then the slowest dbt nodes and BI speed."""
    lines = [
        "| scale | raw rows | `empathy generate` | scan (floor) | `empathy refresh` "
        "| refresh / scan | `refresh --cadence weekly` | weekly / scan | peak memory | BI p95 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        generation = result.get("generate")
        bi = result["bi"]
        lines.append(
            "| "
            + " | ".join(
                [
                    result["scale"],
                    f"{result['raw_rows']:,}",
                    _seconds(generation["s"]) if generation else "(not generated)",
                    _seconds(result["scan"]["median_s"]),
                    _seconds(result["refresh"]["median_s"]),
                    _ratio(result["refresh"]["ratio_to_scan"]),
                    _seconds(result["weekly"]["median_s"]),
                    _ratio(result["weekly"]["ratio_to_scan"]),
                    f"{result['peak_tree_mb'] / 1024:.1f} GB",
                    f"{bi['worst_p95_ms']:.0f} ms",
                ]
            )
            + " |"
        )
    repeats = sorted({result["repeat"] for result in results})
    lines += [
        "",
        f"Medians of {'/'.join(map(str, repeats))} interleaved round(s), seed {SEED}; peak memory "
        "is the whole process tree (summed RSS); BI p95 is the slowest of "
        f"{len(BI_QUERIES)} queries, {BI_RUNS} runs each, target under "
        f"{BI_TARGET_P95_MS:.0f} ms at large.",
    ]
    for result in results:
        lines += ["", f"Slowest dbt nodes of the last refresh ({result['scale']}):", ""]
        lines += [
            f"{rank}. `{node['node']}` ({node['resource_type']}) {node['seconds']:.1f} s"
            for rank, node in enumerate(result["slowest_dbt_nodes"], start=1)
        ]
    lines += ["", "| BI query (p50 / p95) | " + " | ".join(r["scale"] for r in results) + " |"]
    lines.append("|---|" + "---|" * len(results))
    for name in BI_QUERIES:
        cells = [
            "{p50_ms:.0f} / {p95_ms:.0f} ms".format(**r["bi"]["queries"][name])
            if name in r["bi"]["queries"]
            else ""
            for r in results
        ]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


# --- command line --------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", nargs="+", choices=SCALES, default=["small", "medium"])
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--workdir", type=Path, help="working folder (default: a temp folder)")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the working folder, and reuse the data generated there by an earlier run",
    )
    parser.add_argument(
        "--raw-from",
        type=Path,
        help="take the raw data from DIR/<scale>/raw (seed 42) instead of generating it",
    )
    parser.add_argument(
        "--memory-limit",
        default=os.environ.get("EMPATHY_DUCKDB_MEMORY_LIMIT", "4GB"),
        help="DuckDB memory cap of the scan and the refresh (default: as the profile, 4GB)",
    )
    parser.add_argument("--json", type=Path, help="write the results to FILE (default: stdout)")
    parser.add_argument("--markdown", action="store_true", help="print the figures table")
    parser.add_argument(
        "--render", type=Path, metavar="JSON", help="print the markdown of an earlier --json file"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def claim_workdir(workdir: Path) -> None:
    """Mark the folder as a benchmark's; refuse one that holds anything else, since each scale's
    folder in it is cleared before it is measured (``--workdir data`` must not wipe releases)."""
    marker = workdir / WORKDIR_MARKER
    if workdir.is_dir() and any(workdir.iterdir()) and not marker.exists():
        raise SystemExit(f"{workdir} is not empty and not a benchmark working folder ({marker})")
    workdir.mkdir(parents=True, exist_ok=True)
    marker.touch()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.render:
        print(render_markdown(json.loads(args.render.read_text())), end="")
        return 0
    workdir = (args.workdir or Path(tempfile.mkdtemp(prefix="empathy-bench-"))).resolve()
    claim_workdir(workdir)
    raw_from = args.raw_from.resolve() if args.raw_from else None
    results = []
    try:
        for scale in args.scales:
            result = run_scale(scale, args.repeat, workdir, raw_from, args.keep, args.memory_limit)
            results.append(result)
            if not args.json:
                print(json.dumps(result), flush=True)
            if not args.keep:
                shutil.rmtree(workdir / scale, ignore_errors=True)
    finally:
        if args.keep:
            progress(f"working folder kept: {workdir}")
        elif not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
        progress(f"results written to {args.json}")
    if args.markdown:
        print(render_markdown(results), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
