"""Benchmark: generation and `empathy refresh` time and peak memory per scale.

    .venv/bin/python benchmarks/refresh_benchmark.py --scales small medium --repeat 3
    .venv/bin/python benchmarks/refresh_benchmark.py --cadences weekly monthly quarterly

With --cadences, each round also runs `empathy refresh --cadence <c>` for each cadence (the
refresh, the audit, the publish, the review log, the pack and the alerts), interleaved with the
plain refresh so that the figures are measured side by side.

Each run is a fresh process measured side by side in one session; the machine is shared and noisy,
so the report gives medians (and the spread) rather than single timings. Peak memory is the
largest resident set of the command and its children (dbt), from getrusage.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EMPATHY = str(Path(sys.executable).with_name("empathy"))


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one command run in a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is a running maximum: report it only when this run raised it
    return seconds, max(after, before) / 1024


def run_scale(scale: str, repeat: int, workdir: Path, cadences: list[str]) -> dict[str, object]:
    data = workdir / scale
    env = {
        **os.environ,
        "EMPATHY_DATA_DIR": str(data),
        "EMPATHY_PII_KEY": "benchmark",
        "EMPATHY_REPORTS_DIR": str(data / "reports"),
    }
    generation, refresh = [], []
    peak_generate = peak_refresh = 0.0
    for _ in range(repeat):
        seconds, peak = measure(
            [EMPATHY, "generate", "--scale", scale, "--seed", "42", "--out", str(data / "raw")], env
        )
        generation.append(seconds)
        peak_generate = max(peak_generate, peak)
    by_cadence: dict[str, list[float]] = {cadence: [] for cadence in cadences}
    for _ in range(repeat):
        seconds, peak = measure([EMPATHY, "refresh"], env)
        refresh.append(seconds)
        peak_refresh = max(peak_refresh, peak)
        for cadence in cadences:
            seconds, peak = measure([EMPATHY, "refresh", "--cadence", cadence], env)
            by_cadence[cadence].append(seconds)
            peak_refresh = max(peak_refresh, peak)
    truth = json.loads((data / "raw" / "_truth.json").read_text())
    return {
        "scale": scale,
        "rows": truth["total_rows"],
        "customers": truth["customers"],
        "generate_median_s": round(statistics.median(generation), 2),
        "generate_runs_s": [round(s, 2) for s in generation],
        "refresh_median_s": round(statistics.median(refresh), 2),
        "refresh_runs_s": [round(s, 2) for s in refresh],
        **{
            f"refresh_{cadence}_median_s": round(statistics.median(runs), 2)
            for cadence, runs in by_cadence.items()
        },
        **{
            f"refresh_{cadence}_runs_s": [round(s, 2) for s in runs]
            for cadence, runs in by_cadence.items()
        },
        "peak_rss_mb_so_far": round(max(peak_generate, peak_refresh)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", nargs="+", default=["small", "medium"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--cadences",
        nargs="*",
        default=[],
        choices=["weekly", "monthly", "quarterly"],
        help="also time `empathy refresh --cadence <c>` for these cadences",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="empathy-bench-") as tmp:
        for scale in args.scales:
            print(json.dumps(run_scale(scale, args.repeat, Path(tmp), args.cadences)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
