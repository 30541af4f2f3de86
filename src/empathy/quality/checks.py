"""An expectation as the gates use it: the GX expectation, the warehouse table and column it is
about, what it expects in words, and how its failure is measured (counts and aggregates computed
from the validated frame, never row values)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import great_expectations.expectations as gxe
import pandas as pd
from great_expectations.expectations.row_conditions import Column, Condition

# Slack on range and ordering bounds for floating-point rounding (a Wilson bound at p = 1 is
# 1.0000000000000002; an interval end can sit 2e-16 on the wrong side of its value).
FLOAT_TOLERANCE = 1e-9

Detail = Callable[[pd.DataFrame], str]


@dataclass(frozen=True)
class Scope:
    """The rows an expectation applies to: ``column`` equal to one of ``values`` (and ``not_null``
    set, if named). The same scope becomes the GX row condition and the pandas mask."""

    column: str
    values: tuple[Any, ...]
    label: str
    not_null: str | None = None

    def condition(self) -> Condition:
        column = Column(self.column)
        condition = column == self.values[0] if len(self.values) == 1 else column.is_in(self.values)
        if self.not_null:
            condition = condition & Column(self.not_null).is_not_null()
        return condition

    def mask(self, frame: pd.DataFrame) -> pd.Series:
        mask = frame[self.column].isin(self.values)
        if self.not_null:
            mask &= frame[self.not_null].notna()
        return mask


@dataclass(frozen=True)
class Check:
    """One expectation of a suite: the warehouse ``table`` (and ``column``) its failure is reported
    against, ``expected`` in words, and ``detail`` to measure a failure on the scoped frame."""

    expectation: gxe.Expectation
    table: str
    column: str | None
    expected: str
    noun: str | None = "rows"  # what one validated row is; None: the detail says it all
    scope: Scope | None = None
    detail: Detail | None = None

    def scoped(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame if self.scope is None else frame.loc[self.scope.mask(frame)]

    def observed(self, frame: pd.DataFrame, result: dict[str, Any]) -> str:
        """How far the data is from the expectation, from GX's counts plus this check's detail."""
        unexpected = result.get("unexpected_count")
        if self.noun is None:
            text = ""
        elif unexpected is None:
            text = f"observed value {result.get('observed_value')}"
        else:
            total = int(result.get("element_count") or 0)
            share = 100.0 * unexpected / total if total else 0.0
            text = f"{int(unexpected):,} of {total:,} {self.noun} ({share:.3g}%)"
        if self.detail is not None:
            text = f"{text} {self.detail(self.scoped(frame))}"
        return text.strip()


def number(value: float) -> str:
    if math.isinf(value):
        return "+inf" if value > 0 else "-inf"
    return f"{value:,.6g}"


def closed_range(low: float, high: float) -> str:
    left = "(-inf" if math.isinf(low) else f"[{number(low)}"
    right = "+inf)" if math.isinf(high) else f"{number(high)}]"
    return f"{left}, {right}"


def examples(labels: Sequence[str], limit: int = 5) -> str:
    """A few identifying labels (KPI ids, periods, table names: never row values of people)."""
    distinct = list(dict.fromkeys(labels))
    shown = ", ".join(distinct[:limit])
    more = f" and {len(distinct) - limit:,} more" if len(distinct) > limit else ""
    return f"{shown}{more}"


def outside_range(column: str, low: float, high: float, name: str | None) -> Detail:
    """'outside [low, high]; max observed x (name)' for the side(s) that were crossed."""

    def describe(frame: pd.DataFrame) -> str:
        values = frame[column]
        parts = [f"outside {closed_range(low, high)}"]
        for crossed, pick, word in (
            (values < low - FLOAT_TOLERANCE, values.idxmin, "min"),
            (values > high + FLOAT_TOLERANCE, values.idxmax, "max"),
        ):
            if crossed.any():
                worst = pick()
                who = f" ({frame.at[worst, name]})" if name else ""
                parts.append(f"{word} observed {number(float(values[worst]))}{who}")
        return "; ".join(parts)

    return describe


def between(
    table: str,
    column: str,
    low: float,
    high: float,
    *,
    description: str,
    expected: str | None = None,
    noun: str = "rows",
    scope: Scope | None = None,
    name: str | None = None,
    report_column: str | None = None,
    detail: Detail | None = None,
) -> Check:
    """``column`` within [low, high] (either end may be infinite) with FLOAT_TOLERANCE of slack.
    ``name`` is the column that identifies the worst row in the failure (a KPI id, a table name);
    ``report_column`` the warehouse column to name when ``column`` is derived; ``detail`` replaces
    the default 'outside [low, high]; max observed ...'."""
    scope_text = f" for {scope.label}" if scope else ""
    return Check(
        expectation=gxe.ExpectColumnValuesToBeBetween(
            column=column,
            min_value=None if math.isinf(low) else low - FLOAT_TOLERANCE,
            max_value=None if math.isinf(high) else high + FLOAT_TOLERANCE,
            row_condition=scope.condition() if scope else None,
            description=description,
        ),
        table=table,
        column=report_column or column,
        expected=expected or f"{column} within {closed_range(low, high)}{scope_text}",
        noun=noun,
        scope=scope,
        detail=detail or outside_range(column, low, high, name),
    )
