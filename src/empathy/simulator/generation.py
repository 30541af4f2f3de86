"""``generate``: the simulator's public entry point (called by ``empathy generate``).

Writes ``out_dir/<system>/<table>/part-NNNNN.<ext>`` for every raw table and
``out_dir/_truth.json``. Customer-level tables get one part per block of customers; the tables
that do not depend on customers (ads, experiment definitions) are written once as part-00000.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np

from . import ads, mess
from .block import generate_block
from .experiments import definition_frames
from .frames import Frame, frame_len
from .render import empty_frame, event_times, to_arrow
from .scales import resolve_scale
from .schema import SYSTEMS, TABLES, TableSpec
from .seeding import Streams
from .timeline import Window
from .truth import TruthBuilder
from .writer import PartWriter, clear_previous, write_truth

DEFAULT_END = date(2026, 11, 1)
DEFAULT_MONTHS = 14


class _Run:
    """Renders, messes up and writes parts, keeping counts for the summary and truth file."""

    def __init__(self, seed: int, window: Window, writer: PartWriter) -> None:
        self.seed = seed
        self.window = window
        self.writer = writer
        self.rows = {spec.key: 0 for spec in TABLES}
        self.mess = {spec.key: {k: 0 for k in mess.MESS_RATES} for spec in TABLES}

    def write(self, spec: TableSpec, frame: Frame, block: int) -> int:
        if not frame or frame_len(frame) == 0:
            frame = empty_frame(spec)
        rng = Streams(self.seed, block).rng(f"mess.{spec.key}")
        loaded, late = mess.loaded_at(rng, event_times(spec, frame), self.window.end_us)
        table = to_arrow(spec, frame, block, loaded)
        table, counts = mess.apply(spec, table, rng)
        self.writer.write(spec, block, table)
        self.rows[spec.key] += table.num_rows
        counts["late_arriving"] = late
        for k, v in counts.items():
            self.mess[spec.key][k] += v
        return table.num_rows


def generate(
    scale: str,
    seed: int,
    out_dir: Path,
    *,
    end: date = DEFAULT_END,
    months: int = DEFAULT_MONTHS,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Generate the demo raw data and its truth file; return a summary."""
    sc = resolve_scale(scale)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    seed = int(seed)
    window = Window.ending(end, months)
    say = progress or (lambda _line: None)
    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    clear_previous(out, SYSTEMS)

    writer = PartWriter(out)
    run = _Run(seed, window, writer)
    truth = TruthBuilder()
    specs = {spec.key: spec for spec in TABLES}
    try:
        say(
            f"generating scale={sc.name} seed={seed} window={window.start}..{window.end} "
            f"customers={sc.customers:,} blocks={sc.blocks}"
        )
        experiments, variants = definition_frames(window.end_us)
        run.write(specs["experiments.experiments"], experiments, 0)
        run.write(specs["experiments.variants"], variants, 0)
        ad_rows = ads.ad_performance(
            Streams(seed, 0).rng("ads"), window, sc.ad_campaigns, sc.customers
        )
        run.write(specs["ads.ad_performance"], ad_rows, 0)
        for block in range(sc.blocks):
            ctx, frames = generate_block(seed, block, sc, window)
            truth.add_block(ctx, frames)
            written = 0
            for spec in TABLES:
                if spec.per_block:
                    written += run.write(spec, frames.pop(spec.key, {}), block)
            say(f"block {block + 1}/{sc.blocks}: {ctx.n:,} customers, {written:,} rows")
            del ctx, frames
    finally:
        writer.close()

    meta = {
        "generator": "empathy.simulator",
        "scale": sc.name,
        "seed": seed,
        "window": {
            "start": window.start.isoformat(),
            "end": window.end.isoformat(),
            "end_exclusive": True,
            "months": window.months,
            "export_at": f"{window.end.isoformat()}T00:00:00Z",
        },
        "customers": sc.customers,
        "blocks": sc.blocks,
    }
    truth_doc = truth.build(meta, window.month_starts(), dict(run.rows), run.mess)
    write_truth(out, truth_doc)
    for key, n in run.rows.items():
        say(f"{specs[key].path}: {n:,} rows")
    total = int(sum(run.rows.values()))
    seconds = round(time.perf_counter() - started, 2)
    say(f"total: {total:,} rows in {seconds:.1f} s")
    return {
        "scale": sc.name,
        "seed": seed,
        "window": {
            "start": window.start.isoformat(),
            "end": window.end.isoformat(),
            "months": window.months,
        },
        "rows": dict(run.rows),
        "total_rows": total,
        "seconds": seconds,
        "out_dir": str(out),
    }
