"""Benchmark: generation and `empathy refresh` time and peak memory per scale.

    .venv/bin/python benchmarks/refresh_benchmark.py --scales small medium --repeat 3

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


def run_scale(scale: str, repeat: int, workdir: Path) -> dict[str, object]:
    data = workdir / scale
    env = {**os.environ, "EMPATHY_DATA_DIR": str(data), "EMPATHY_PII_KEY": "benchmark"}
    generation, refresh = [], []
    peak_generate = peak_refresh = 0.0
    for _ in range(repeat):
        seconds, peak = measure(
            [EMPATHY, "generate", "--scale", scale, "--seed", "42", "--out", str(data / "raw")], env
        )
        generation.append(seconds)
        peak_generate = max(peak_generate, peak)
    for _ in range(repeat):
        seconds, peak = measure([EMPATHY, "refresh"], env)
        refresh.append(seconds)
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
        "peak_rss_mb_so_far": round(max(peak_generate, peak_refresh)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", nargs="+", default=["small", "medium"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="empathy-bench-") as tmp:
        for scale in args.scales:
            print(json.dumps(run_scale(scale, args.repeat, Path(tmp))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
