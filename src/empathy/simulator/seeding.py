"""Deterministic random streams: one generator per (seed, block, stream name[, month]).

Streams are keyed by a CRC32 of their name (stable across runs and Python versions, unlike
``hash()``), so adding a new stream never shifts the numbers of an existing one. No global random
state and no wall-clock time is ever used.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream_key(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """Factory of independent ``numpy.random.Generator`` objects for one block."""

    def __init__(self, seed: int, block: int) -> None:
        if seed < 0:
            raise ValueError(f"seed must be >= 0, got {seed}")
        self.seed = seed
        self.block = block

    def rng(self, name: str, *extra: int) -> np.random.Generator:
        entropy = [self.seed, self.block, stream_key(name), *extra]
        return np.random.default_rng(np.random.SeedSequence(entropy))
