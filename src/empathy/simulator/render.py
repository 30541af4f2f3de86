"""Rendering: turn a generated frame into an Arrow table with the raw layout's types.

Ids become prefixed strings, enum codes become their lowercase labels, microsecond integers become
``timestamp[us, tz=UTC]`` (whole seconds) and dates ``date32``. CSV/JSONL string forms of the
temporal columns are produced later by the mess step, which also decides which timestamps carry a
UTC offset.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .frames import Frame, frame_len
from .schema import NULL_INT, Col, TableSpec
from .timeline import DAY, NULL_TS, SECOND

TS_TYPE = pa.timestamp("us", tz="UTC")


def _digits(index: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(
        pc.cast(pa.array(index, type=pa.int64()), pa.string()), width=width, padding="0"
    )


def customer_ids(index: np.ndarray) -> pa.Array:
    """``C`` + 7-digit global customer index; negative index -> null."""
    index = np.asarray(index, dtype=np.int64)
    out = pc.binary_join_element_wise("C", _digits(np.maximum(index, 0), 7), "")
    return _with_nulls(out, index < 0)


def block_ids(prefix: str | pa.Array, block: int, index: np.ndarray) -> pa.Array:
    """``<prefix><block:03d><seq:07d>``; ``prefix`` may be one string or one per row."""
    index = np.asarray(index, dtype=np.int64)
    head = (
        pc.binary_join_element_wise(prefix, f"{block:03d}", "")
        if isinstance(prefix, pa.Array)
        else f"{prefix}{block:03d}"
    )
    out = pc.binary_join_element_wise(head, _digits(np.maximum(index, 0), 7), "")
    return _with_nulls(out, index < 0)


def _with_nulls(array: pa.Array, null_mask: np.ndarray) -> pa.Array:
    if not null_mask.any():
        return array
    return pc.if_else(pa.array(null_mask), pa.nulls(len(array), array.type), array)


def enum_labels(cats: tuple[str, ...], codes: np.ndarray) -> pa.Array:
    codes = np.asarray(codes)
    idx = pa.array(codes.astype(np.int32), mask=codes < 0)
    return pa.array(cats, type=pa.string()).take(idx)


def timestamps(values: np.ndarray) -> pa.Array:
    values = np.asarray(values, dtype=np.int64)
    null = values == NULL_TS
    seconds = np.where(null, 0, values - values % SECOND)
    return pa.array(seconds, type=pa.int64(), mask=null).cast(TS_TYPE)


def dates(values: np.ndarray) -> pa.Array:
    values = np.asarray(values, dtype=np.int64)
    null = values == NULL_TS
    days = np.where(null, 0, values // DAY).astype(np.int32)
    return pa.array(days, type=pa.int32(), mask=null).cast(pa.date32())


def _column(col: Col, value: object, block: int) -> pa.Array:
    if isinstance(value, pa.ChunkedArray):
        value = value.combine_chunks()
    if isinstance(value, pa.Array):
        return value
    arr = np.asarray(value)
    if col.kind == "id":
        return customer_ids(arr) if col.prefix == "C" else block_ids(col.prefix, block, arr)
    if col.kind == "enum":
        return enum_labels(col.cats, arr)
    if col.kind == "ts":
        return timestamps(arr)
    if col.kind == "date":
        return dates(arr)
    if col.kind == "int":
        return pa.array(arr.astype(np.int64), type=pa.int64(), mask=arr == NULL_INT)
    if col.kind == "float":
        return pa.array(arr.astype(np.float64), type=pa.float64(), mask=np.isnan(arr))
    if col.kind == "bool":
        if arr.dtype == bool:
            return pa.array(arr, type=pa.bool_())
        return pa.array(arr > 0, type=pa.bool_(), mask=arr < 0)
    if col.kind == "text":
        return pa.array(arr, type=pa.string())
    raise ValueError(f"unknown column kind {col.kind!r} for {col.name}")


def to_arrow(spec: TableSpec, frame: Frame, block: int, loaded_at: np.ndarray) -> pa.Table:
    """Arrow table in the documented column order; ``loaded_at`` fills ``_loaded_at``."""
    n = frame_len(frame)
    arrays = []
    for col in spec.cols:
        if col.name == "_loaded_at":
            arrays.append(timestamps(loaded_at))
            continue
        if col.name not in frame:
            raise KeyError(f"{spec.key}: generator did not produce column {col.name}")
        array = _column(col, frame[col.name], block)
        if len(array) != n:
            raise ValueError(f"{spec.key}.{col.name}: {len(array)} values, expected {n}")
        arrays.append(array)
    return pa.Table.from_arrays(arrays, names=spec.column_names)


def event_times(spec: TableSpec, frame: Frame) -> np.ndarray:
    """The timestamp each row's ``_loaded_at`` follows (fallback column where null)."""
    values = np.asarray(frame[spec.event_col], dtype=np.int64).copy()
    if spec.fallback_event_col:
        missing = values == NULL_TS
        values[missing] = np.asarray(frame[spec.fallback_event_col], dtype=np.int64)[missing]
    return values


def empty_frame(spec: TableSpec) -> Frame:
    """A zero-row frame with every column of ``spec`` (so empty parts keep the schema)."""
    frame: Frame = {}
    for col in spec.cols:
        if col.kind == "text":
            frame[col.name] = pa.array([], type=pa.string())
        elif col.kind == "float":
            frame[col.name] = np.zeros(0, dtype=np.float64)
        elif col.kind == "bool":
            frame[col.name] = np.zeros(0, dtype=bool)
        else:
            frame[col.name] = np.zeros(0, dtype=np.int64)
    frame[spec.event_col] = np.zeros(0, dtype=np.int64)
    return frame
