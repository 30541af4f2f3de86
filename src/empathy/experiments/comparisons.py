"""Each treatment arm against its control, per metric and read window, with Holm across metrics.

Input: the per-arm summaries of ``int_experiment_arms_summarised`` (one row per experiment x
variant x metric x read window: units, value, variance, whether the arm has the minimum sample)
and the allocations of ``int_experiment_allocations`` (units and configured weight per variant).
Output: the same rows with the comparison columns added (None on control rows and where a
comparison cannot be made). The statistics themselves are in ``empathy.experiments.stats``.

Rules:
- a rate is compared with the two-proportion z-test, a mean with the Welch t-test;
- the lift is always computed when both arms have units; the interval and p-value only when both
  arms have the minimum sample (``has_min_sample``) and the difference has a spread;
- Holm's family is the experiment's metrics for one variant and read window that have a p-value;
- the sample-ratio test counts every analysed unit of the experiment against the configured weights.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from empathy.experiments.stats import (
    Comparison,
    SampleRatioTest,
    holm_adjust,
    sample_ratio_test,
    two_proportion_z_test,
    welch_t_test,
)

RATE = "rate"
MEAN = "mean"

# The columns compare_arms adds to every row, in order.
COMPARISON_COLUMNS: tuple[str, ...] = (
    "control_units",
    "control_value",
    "lift_abs",
    "lift_rel",
    "standard_error",
    "test_statistic",
    "degrees_of_freedom",
    "p_value",
    "ci_low",
    "ci_high",
    "p_value_adjusted",
    "srm_statistic",
    "srm_p_value",
)


@dataclass(frozen=True)
class ArmSummary:
    """One arm of one metric in one read window (the key fields of an input row)."""

    experiment_id: str
    variant: str
    is_control: bool
    metric: str
    metric_kind: str
    weeks_after_exposure: int
    units: float
    value: float | None
    variance: float | None
    has_min_sample: bool

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> ArmSummary:
        return cls(
            experiment_id=row["experiment_id"],
            variant=row["variant"],
            is_control=bool(row["is_control"]),
            metric=row["metric"],
            metric_kind=row["metric_kind"],
            weeks_after_exposure=int(row["weeks_after_exposure"]),
            units=float(row["units"] or 0),
            value=row["value"],
            variance=row["variance"],
            has_min_sample=bool(row["has_min_sample"]),
        )

    @property
    def comparison_key(self) -> tuple[str, str, int]:
        return (self.experiment_id, self.metric, self.weeks_after_exposure)


def compare(control: ArmSummary, treatment: ArmSummary) -> Comparison | None:
    """The comparison of ``treatment`` with ``control``; None when an arm has no units. Below the
    minimum sample (or with fewer than two units for a mean) only the lift is given."""
    if treatment.metric_kind not in (RATE, MEAN):
        raise ValueError(f"unknown metric kind {treatment.metric_kind!r} for {treatment.metric}")
    if control.value is None or treatment.value is None:
        return None
    if control.units <= 0 or treatment.units <= 0:
        return None
    if not (control.has_min_sample and treatment.has_min_sample):
        return _lift_only(control.value, treatment.value)
    if treatment.metric_kind == RATE:
        return two_proportion_z_test(control.value, control.units, treatment.value, treatment.units)
    if control.units < 2 or treatment.units < 2:
        return _lift_only(control.value, treatment.value)
    return welch_t_test(
        control.value,
        control.variance or 0.0,
        control.units,
        treatment.value,
        treatment.variance or 0.0,
        treatment.units,
    )


def _lift_only(control_value: float, treatment_value: float) -> Comparison:
    lift = treatment_value - control_value
    relative = lift / control_value if control_value != 0 else None
    return Comparison(lift, relative, None, None, None, None, None, None)


def srm_by_experiment(allocations: Iterable[Mapping[str, Any]]) -> dict[str, SampleRatioTest]:
    """The sample-ratio test per experiment from rows with experiment_id, units and
    configured_weight; experiments without units or without a positive weight per variant are
    left out (no test)."""
    grouped: dict[str, list[tuple[float, float | None]]] = defaultdict(list)
    for row in allocations:
        grouped[row["experiment_id"]].append((float(row["units"] or 0), row["configured_weight"]))
    tests: dict[str, SampleRatioTest] = {}
    for experiment_id, pairs in grouped.items():
        counts = [count for count, _ in pairs]
        weights = [weight for _, weight in pairs]
        if len(pairs) < 2 or sum(counts) <= 0:
            continue
        if any(weight is None or weight <= 0 for weight in weights):
            continue
        tests[experiment_id] = sample_ratio_test(counts, [float(w) for w in weights if w])
    return tests


def compare_arms(
    rows: Sequence[Mapping[str, Any]], allocations: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Every input row with the ``COMPARISON_COLUMNS`` added, in the input order."""
    arms = [ArmSummary.from_row(row) for row in rows]
    controls: dict[tuple[str, str, int], ArmSummary] = {}
    for arm in arms:
        if arm.is_control:
            if arm.comparison_key in controls:
                raise ValueError(f"two control arms for {arm.comparison_key}")
            controls[arm.comparison_key] = arm
    srm = srm_by_experiment(allocations)

    comparisons: list[Comparison | None] = []
    for arm in arms:
        control = controls.get(arm.comparison_key)
        comparisons.append(None if arm.is_control or control is None else compare(control, arm))

    # Holm across the metrics of one experiment x variant x read window
    families: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    for index, arm in enumerate(arms):
        families[(arm.experiment_id, arm.variant, arm.weeks_after_exposure)].append(index)
    adjusted: list[float | None] = [None] * len(arms)
    for members in families.values():
        p_values = [_p_value(comparisons[i]) for i in members]
        for index, p in zip(members, holm_adjust(p_values), strict=True):
            adjusted[index] = p

    out: list[dict[str, Any]] = []
    for index, (row, arm) in enumerate(zip(rows, arms, strict=True)):
        control = controls.get(arm.comparison_key)
        result = comparisons[index]
        test = srm.get(arm.experiment_id)
        out.append(
            {
                **row,
                "control_units": control.units if control else None,
                "control_value": control.value if control else None,
                "lift_abs": result.lift_abs if result else None,
                "lift_rel": result.lift_rel if result else None,
                "standard_error": result.standard_error if result else None,
                "test_statistic": result.statistic if result else None,
                "degrees_of_freedom": result.degrees_of_freedom if result else None,
                "p_value": result.p_value if result else None,
                "ci_low": result.ci_low if result else None,
                "ci_high": result.ci_high if result else None,
                "p_value_adjusted": adjusted[index],
                "srm_statistic": test.statistic if test else None,
                "srm_p_value": test.p_value if test else None,
            }
        )
    return out


def _p_value(comparison: Comparison | None) -> float | None:
    return comparison.p_value if comparison else None
