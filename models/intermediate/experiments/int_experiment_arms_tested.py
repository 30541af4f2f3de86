"""One row per experiment x variant x metric x read window: the arm's summary with its comparison
against the control arm of the same metric and window.

The statistics are ``empathy.experiments`` (plain Python, no SciPy): the lift and its 95% interval,
the p-value of the two-proportion z-test (rates) or the Welch t-test (means), Holm's adjustment
across the experiment's metrics of the same variant and window, and the chi-square
sample-ratio-mismatch test of the experiment's split against its configured weights. Control rows
and arms below the minimum sample keep null statistics. Runs in-process in DuckDB.
"""

from typing import Any

import pyarrow as pa

from empathy.experiments.comparisons import COMPARISON_COLUMNS, compare_arms

# The statistics the model adds; every other column is the summary's, passed through.
ADDED_TYPES: dict[str, pa.DataType] = {
    "control_units": pa.int64(),
    **{name: pa.float64() for name in COMPARISON_COLUMNS if name != "control_units"},
}


def model(dbt: Any, session: Any) -> pa.Table:
    summaries = (
        dbt.ref("int_experiment_arms_summarised")
        .order("experiment_id, variant, metric, weeks_after_exposure")
        .to_arrow_table()
    )
    allocations = dbt.ref("int_experiment_allocations").to_arrow_table().to_pylist()
    rows = compare_arms(summaries.to_pylist(), allocations)

    columns: dict[str, pa.Array] = {name: summaries.column(name) for name in summaries.column_names}
    for name, data_type in ADDED_TYPES.items():
        values = [row[name] for row in rows]
        if data_type == pa.int64():
            values = [None if v is None else int(v) for v in values]
        columns[name] = pa.array(values, type=data_type)
    return pa.table(columns)
