"""Column frames: the in-memory form of a table between generation and rendering.

A frame is a plain ``dict`` of equally long columns (numpy arrays or Arrow arrays). Generators
build one frame per month or per family and concatenate them per block; nothing here knows about
any particular table.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

Frame = dict[str, Any]


def frame_len(frame: Frame) -> int:
    for value in frame.values():
        return len(value)
    return 0


def concat(frames: list[Frame]) -> Frame:
    """Concatenate frames with identical column sets (empty list -> empty frame)."""
    frames = [f for f in frames if f]
    if not frames:
        return {}
    if len(frames) == 1:
        return dict(frames[0])
    out: Frame = {}
    for name in frames[0]:
        parts = [f[name] for f in frames]
        if isinstance(parts[0], pa.Array | pa.ChunkedArray):
            out[name] = pa.concat_arrays(
                [p.combine_chunks() if isinstance(p, pa.ChunkedArray) else p for p in parts]
            )
        else:
            out[name] = np.concatenate(parts)
    return out


class Collector:
    """Accumulates frames per table key over the months of one block."""

    def __init__(self) -> None:
        self._parts: dict[str, list[Frame]] = {}

    def add(self, key: str, frame: Frame) -> None:
        if frame and frame_len(frame) > 0:
            self._parts.setdefault(key, []).append(frame)

    def get(self, key: str) -> Frame:
        return concat(self._parts.get(key, []))

    def pop(self, key: str) -> Frame:
        return concat(self._parts.pop(key, []))

    def table_keys(self) -> list[str]:
        return list(self._parts)
