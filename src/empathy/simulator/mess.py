"""Realistic mess, applied to rendered rows after the clean rows (and truth) are computed.

Rates (``MESS_RATES``, also written to ``_truth.json``) follow spec/raw_tables.md "Mess":

- exact duplicates ~0.5%: a row re-emitted identically (all columns, incl. ``_loaded_at``) right
  after the original, in the same part;
- out-of-range values ~0.3%: one numeric column of the row gets an impossible value of the same
  type (csat 7, nps 11, effort 8, scroll depth 140, negative seconds/amounts, confidence 1.7,
  relevance 0 ...);
- missing ids ~0.2%: the primary key is null (Parquet) or null/empty string (CSV/JSONL);
- unknown enum values ~0.2%: one enum column gets a value outside its set (``carrier_pigeon``);
- mixed case and stray whitespace on ~3% of the enum and e-mail values (each column
  independently; valid after ``lower(trim())``);
- timestamps with offsets ~5% of CSV/JSONL timestamps: same instant, non-zero ``+hh:mm`` offset;
- late-arriving rows ~1%: ``_loaded_at`` 3-20 days after the event time.

Non-late ``_loaded_at`` is 5 minutes to a few hours after the event and never after the end of the
window + 1 day. The configuration tables ``experiments/experiments`` and ``experiments/variants``
are left clean: they define the experiments, and a broken definition would break every read-out.
Types never change: Parquet schemas stay fixed and out-of-range numbers stay numbers.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .schema import TableSpec
from .timeline import DAY, HOUR, MINUTE, NULL_TS, SECOND

MESS_RATES: dict[str, float] = {
    "exact_duplicates": 0.005,
    "out_of_range": 0.003,
    "missing_ids": 0.002,
    "unknown_enums": 0.002,
    "case_whitespace": 0.03,
    "timestamp_offsets": 0.05,
    "late_arriving": 0.01,
}

UNKNOWN_ENUMS: dict[str, str] = {
    "channel": "carrier_pigeon",
    "source_channel": "carrier_pigeon",
    "acquisition_channel": "carrier_pigeon",
    "survey_type": "ces_v2",
    "segment": "government",
    "status": "archived",
    "event_type": "page_print",
    "device": "smart_fridge",
    "intent": "small_talk",
}
DEFAULT_UNKNOWN = "legacy_unmapped"
OFFSET_MINUTES = np.array([120, -300, 330, -480, 540, 60, -180, 600])
_OFFSET_SUFFIXES = [
    f"{'+' if m >= 0 else '-'}{abs(m) // 60:02d}:{abs(m) % 60:02d}" for m in OFFSET_MINUTES
]


def loaded_at(
    rng: np.random.Generator, event_us: np.ndarray, export_us: int
) -> tuple[np.ndarray, int]:
    """``_loaded_at`` per row and the number of late-arriving rows."""
    n = len(event_us)
    event = np.where(event_us == NULL_TS, export_us, event_us)
    ceiling = export_us + DAY
    delay = np.minimum(5 * MINUTE + rng.exponential(2 * HOUR, n).astype(np.int64), 12 * HOUR)
    out = np.minimum(event + delay, np.maximum(ceiling, event + 5 * MINUTE))
    room_days = (ceiling - event) / DAY
    late = (rng.random(n) < MESS_RATES["late_arriving"]) & (room_days >= 3.0)
    if late.any():
        top = np.minimum(20.0, room_days[late])
        days = 3.0 + rng.random(int(late.sum())) * (top - 3.0)
        out[late] = event[late] + (days * DAY).astype(np.int64)
    return out, int(late.sum())


def _mask(rng: np.random.Generator, n: int, rate: float) -> np.ndarray:
    return rng.random(n) < rate


def _replace(column: pa.Array, rows: np.ndarray, values: pa.Array) -> pa.Array:
    """Column with ``rows`` (sorted positions) replaced by ``values`` in order."""
    if len(rows) == 0:
        return column
    mask = np.zeros(len(column), dtype=bool)
    mask[rows] = True
    return pc.replace_with_mask(column, pa.array(mask), values.cast(column.type))


def _bad_numbers(
    rng: np.random.Generator,
    table: pa.Table,
    name: str,
    rows: np.ndarray,
    bad: tuple[float | str, ...],
) -> pa.Array:
    column = table.column(name).combine_chunks()
    current = column.take(pa.array(rows)).to_numpy(zero_copy_only=False).astype(float)
    if bad == ("negate",):
        values = -np.abs(current) - np.where(np.abs(current) < 0.01, 1.0, 0.0)
    elif bad == ("score",):
        kinds = table.column("survey_type").take(pa.array(rows))
        is_nps = pc.equal(kinds, "nps").to_numpy(zero_copy_only=False)
        is_effort = pc.equal(kinds, "effort").to_numpy(zero_copy_only=False)
        values = np.where(is_nps, 11.0, np.where(is_effort, 8.0, 7.0))
        values = np.where(rng.random(len(rows)) < 0.2, -1.0, values)
    else:
        values = np.asarray(bad, dtype=float)[rng.integers(len(bad), size=len(rows))]
    if pa.types.is_integer(column.type):
        return pa.array(values.astype(np.int64))
    return pa.array(np.round(values, 2))


def _pick_cells(
    rng: np.random.Generator, table: pa.Table, names: list[str], rate: float
) -> dict[str, np.ndarray]:
    """About ``rate`` of all rows, each with one of ``names`` whose value is not null there.

    Rows are drawn among those with at least one non-null candidate, at a rate scaled up so the
    share of all rows stays ``rate`` (a survey with no score can still get an unknown type).
    """
    n = table.num_rows
    valid = np.column_stack(
        [table.column(name).is_valid().to_numpy(zero_copy_only=False) for name in names]
    )
    eligible = valid.any(axis=1)
    share = min(1.0, rate * n / max(int(eligible.sum()), 1))
    rows = np.flatnonzero(eligible & (rng.random(n) < share))
    pick = np.argmax(valid[rows] * rng.random((len(rows), len(names))), axis=1)
    return {name: rows[pick == k] for k, name in enumerate(names)}


def _case_variants(rng: np.random.Generator, values: pa.Array) -> pa.Array:
    variants = [
        pc.utf8_upper(values),
        pc.utf8_capitalize(values),
        pc.binary_join_element_wise(" ", values, ""),
        pc.binary_join_element_wise(values, "  ", ""),
        pc.binary_join_element_wise(" ", pc.utf8_upper(values), " ", ""),
    ]
    pick = pa.array(rng.integers(len(variants), size=len(values)).astype(np.int8))
    return pc.choose(pick, *variants)


def iso_strings(rng: np.random.Generator | None, column: pa.Array) -> tuple[pa.Array, int]:
    """ISO-8601 strings for a UTC timestamp column; with ``rng``, ~5% carry an offset."""
    micros = pc.cast(column, pa.int64()).to_numpy(zero_copy_only=False)
    valid = column.is_valid().to_numpy(zero_copy_only=False)
    micros = np.where(valid, micros, 0).astype(np.int64)
    n = len(micros)
    code = np.full(n, -1)
    if rng is not None:
        offset_rows = valid & _mask(rng, n, MESS_RATES["timestamp_offsets"])
        code[offset_rows] = rng.integers(len(OFFSET_MINUTES), size=int(offset_rows.sum()))
    shift = np.where(code >= 0, OFFSET_MINUTES[np.maximum(code, 0)] * MINUTE, 0)
    local = pa.array((micros + shift) // SECOND, type=pa.int64()).cast(pa.timestamp("s"))
    text = pc.utf8_replace_slice(pc.cast(local, pa.string()), 10, 11, "T")
    suffix = pa.array(["Z", *_OFFSET_SUFFIXES]).take(pa.array(code + 1))
    out = pc.binary_join_element_wise(text, suffix, "")
    return pc.if_else(pa.array(valid), out, pa.nulls(n, pa.string())), int((code >= 0).sum())


def stringify_temporal(
    spec: TableSpec, table: pa.Table, rng: np.random.Generator | None
) -> tuple[pa.Table, int]:
    """Temporal columns as strings for CSV/JSONL (timestamps ISO-8601, dates YYYY-MM-DD)."""
    offsets = 0
    for i, col in enumerate(spec.cols):
        if col.kind == "ts":
            text, k = iso_strings(rng, table.column(i).combine_chunks())
            offsets += k
            table = table.set_column(i, col.name, text)
        elif col.kind == "date":
            table = table.set_column(i, col.name, pc.cast(table.column(i), pa.string()))
    return table, offsets


def apply(spec: TableSpec, table: pa.Table, rng: np.random.Generator) -> tuple[pa.Table, dict]:
    """Messy copy of a clean rendered table and the number of rows touched per mess kind."""
    n = table.num_rows
    counts = {k: 0 for k in MESS_RATES if k != "late_arriving"}
    if not spec.messy or n == 0:
        if spec.fmt != "parquet":
            table, _ = stringify_temporal(spec, table, None)
        return table, counts

    numeric = [c for c in spec.cols if c.bad_values]
    if numeric:
        cells = _pick_cells(rng, table, [c.name for c in numeric], MESS_RATES["out_of_range"])
        for name, chosen in cells.items():
            values = _bad_numbers(rng, table, name, chosen, spec.col(name).bad_values)
            i = table.schema.get_field_index(name)
            table = table.set_column(
                i, name, _replace(table.column(i).combine_chunks(), chosen, values)
            )
            counts["out_of_range"] += len(chosen)

    enums = [c.name for c in spec.cols if c.kind == "enum"]
    if enums:
        for name, chosen in _pick_cells(rng, table, enums, MESS_RATES["unknown_enums"]).items():
            token = UNKNOWN_ENUMS.get(name, DEFAULT_UNKNOWN)
            i = table.schema.get_field_index(name)
            table = table.set_column(
                i,
                name,
                _replace(table.column(i).combine_chunks(), chosen, pa.array([token] * len(chosen))),
            )
            counts["unknown_enums"] += len(chosen)

    key = next(c for c in spec.pk if spec.col(c).kind in ("id", "text"))
    rows = np.flatnonzero(_mask(rng, n, MESS_RATES["missing_ids"]))
    if len(rows):
        i = table.schema.get_field_index(key)
        empty = "" if spec.fmt != "parquet" else None
        values = pa.array([empty if k % 2 else None for k in range(len(rows))], type=pa.string())
        table = table.set_column(i, key, _replace(table.column(i).combine_chunks(), rows, values))
        counts["missing_ids"] = len(rows)

    for col in spec.cols:
        if col.kind != "enum" and not col.email:
            continue
        i = table.schema.get_field_index(col.name)
        column = table.column(i).combine_chunks()
        valid = column.is_valid().to_numpy(zero_copy_only=False)
        rows = np.flatnonzero(valid & _mask(rng, n, MESS_RATES["case_whitespace"]))
        if len(rows):
            varied = _case_variants(rng, column.take(pa.array(rows)))
            table = table.set_column(i, col.name, _replace(column, rows, varied))
            counts["case_whitespace"] += len(rows)

    if spec.fmt != "parquet":
        table, counts["timestamp_offsets"] = stringify_temporal(spec, table, rng)

    dup = np.flatnonzero(_mask(rng, n, MESS_RATES["exact_duplicates"]))
    if len(dup):
        table = table.take(pa.array(np.sort(np.concatenate([np.arange(n), dup]))))
        counts["exact_duplicates"] = len(dup)
    return table, counts
