"""How one KPI value is shown, the same way in every section: below the minimum sample the
word "insufficient" (with the sample size) instead of a number; changes called only when they
are outside noise."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from empathy.reviews.charts import STATUS_COLOURS, Threshold, TrendPoint, sparkline
from empathy.reviews.data import ScoreRow
from empathy.reviews.markup import Markup, element, fragment
from empathy.reviews.units import (
    INSUFFICIENT,
    NO_VALUE,
    format_change,
    format_count,
    format_interval,
    format_value,
)


def insufficient(sample_size: int | None) -> Markup:
    return element(
        "span", f"{INSUFFICIENT} (n = {format_count(sample_size)})", class_="insufficient"
    )


def value_cell(row: ScoreRow) -> Markup:
    if not row.is_sufficient:
        return insufficient(row.sample_size)
    return fragment(format_value(row.value, row.unit))


def interval_cell(row: ScoreRow) -> Markup:
    if not row.is_sufficient:
        return fragment(NO_VALUE)
    return fragment(format_interval(row.ci_low, row.ci_high, row.unit))


def previous_cell(row: ScoreRow) -> Markup:
    if row.previous_value is None:
        return fragment(NO_VALUE)
    if not row.previous_is_sufficient:
        return element("span", INSUFFICIENT, class_="insufficient")
    return fragment(format_value(row.previous_value, row.unit))


def change_text(row: ScoreRow) -> str:
    """Plain text for diagrams: the change, and whether it is outside noise."""
    if not row.change_is_comparable:
        return f"change: {NO_VALUE}"
    marker = ("▲ " if (row.change or 0) > 0 else "▼ ") if row.change_is_significant else ""
    suffix = "" if row.change_is_significant else " (noise)"
    return f"{marker}{format_change(row.change, row.unit)}{suffix}"


def change_cell(row: ScoreRow) -> Markup:
    if not row.change_is_comparable:
        reason = "no previous period" if row.previous_value is None else "a sample below minimum"
        return element("span", NO_VALUE, title=f"not compared: {reason}", class_="noise")
    text = format_change(row.change, row.unit)
    if row.change_is_significant:
        arrow = "▲" if (row.change or 0) > 0 else "▼"
        verdict = "better" if row.change_is_good else "worse"
        return element(
            "span",
            f"{arrow} {text}",
            element("span", verdict, class_="sub"),
            class_=f"significant {'good' if row.change_is_good else 'bad'}",
        )
    return element("span", text, element("span", "within noise", class_="sub"), class_="noise")


def value_with_interval(row: ScoreRow) -> Markup:
    """The value with its 95% interval on a second, smaller line."""
    if not row.is_sufficient:
        return insufficient(row.sample_size)
    interval = format_interval(row.ci_low, row.ci_high, row.unit)
    return fragment(format_value(row.value, row.unit), element("span", interval, class_="sub"))


def kpi_cell(name: str, kpi_id: str, detail: str | None = None) -> Markup:
    label = f"{kpi_id} · {detail}" if detail else kpi_id
    return fragment(name, element("span", label, class_="kpi-id"))


def point_tooltip(row: ScoreRow, label: str) -> str:
    if not row.is_sufficient:
        return f"{label}: {INSUFFICIENT} (n = {format_count(row.sample_size)})"
    interval = format_interval(row.ci_low, row.ci_high, row.unit)
    return (
        f"{label}: {format_value(row.value, row.unit)} (95% interval {interval}, "
        f"n = {format_count(row.sample_size)}, {row.status.replace('_', ' ')})"
    )


def trend_points(rows: Sequence[ScoreRow | None], labels: Sequence[str]) -> list[TrendPoint]:
    points = []
    for row, label in zip(rows, labels, strict=True):
        if row is None:
            points.append(
                TrendPoint(label, None, None, None, "insufficient", None, f"{label}: no value")
            )
        elif not row.is_sufficient:
            points.append(
                TrendPoint(
                    label,
                    None,
                    None,
                    None,
                    "insufficient",
                    row.sample_size,
                    point_tooltip(row, label),
                )
            )
        else:
            points.append(
                TrendPoint(
                    label,
                    row.value,
                    row.ci_low,
                    row.ci_high,
                    row.status,
                    row.sample_size,
                    point_tooltip(row, label),
                )
            )
    return points


def thresholds(row: ScoreRow) -> list[Threshold]:
    found = []
    if row.warn_threshold is not None:
        found.append(Threshold("watch threshold", row.warn_threshold, STATUS_COLOURS["watch"]))
    if row.breach_threshold is not None:
        found.append(Threshold("breach threshold", row.breach_threshold, STATUS_COLOURS["breach"]))
    return found


def value_formatter(unit: str) -> Callable[[float], str]:
    return lambda value: format_value(value, unit)


def trend_sparkline(name: str, rows: Sequence[ScoreRow | None], labels: Sequence[str]) -> Markup:
    return sparkline(
        f"{name}: last {len(labels)} periods, {labels[0]} to {labels[-1]}",
        trend_points(rows, labels),
    )
