"""CSV extracts of the experiment read-outs and the attribution of a pack, written beside
`kpis.csv`. They follow its rule: a comparison below the minimum sample is not written (values,
lift, interval and p-values empty, `metric_outcome` says `insufficient_sample`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from empathy.reviews.attribution_reads import Credit
from empathy.reviews.experiment_reads import ArmRead

EXPERIMENTS_FILE = "experiments.csv"
ATTRIBUTION_FILE = "attribution.csv"

EXPERIMENT_COLUMNS = (
    "experiment_id",
    "variant",
    "metric",
    "metric_role",
    "metric_family",
    "metric_kind",
    "direction",
    "weeks_after_exposure",
    "is_decision_read",
    "decision",
    "decision_reason",
    "control_units",
    "units",
    "control_value",
    "value",
    "lift_abs",
    "lift_rel",
    "ci_low",
    "ci_high",
    "p_value",
    "p_value_adjusted",
    "metric_outcome",
    "has_min_sample",
    "is_guardrail",
    "is_guardrail_breached",
    "srm_p_value",
    "is_sample_ratio_mismatch",
)
# written only when both arms reach the minimum sample
_GUARDED = {
    "control_value",
    "value",
    "lift_abs",
    "lift_rel",
    "ci_low",
    "ci_high",
    "p_value",
    "p_value_adjusted",
}
ATTRIBUTION_COLUMNS = (
    "grain",
    "period_start",
    "dimension",
    "dimension_value",
    "model",
    "conversions",
    "touches",
    "credit",
    "period_value",
    "credit_share",
    "last_touch_credit",
    "last_touch_credit_share",
    "credit_vs_last_touch",
    "credit_share_vs_last_touch",
    "credit_ratio_to_last_touch",
)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def experiments_csv(rows: Iterable[ArmRead]) -> str:
    """The variants' rows (control arms are in the control_* columns), every read window."""
    return _csv(
        EXPERIMENT_COLUMNS,
        (
            [
                None if column in _GUARDED and not row.has_min_sample else getattr(row, column)
                for column in EXPERIMENT_COLUMNS
            ]
            for row in rows
            if not row.is_control
        ),
    )


def attribution_csv(rows: Iterable[Credit]) -> str:
    return _csv(
        ATTRIBUTION_COLUMNS,
        ([getattr(row, column) for column in ATTRIBUTION_COLUMNS] for row in rows),
    )
