"""Period-over-period changes of every KPI for the whole population, with a sparkline each."""

from __future__ import annotations

from empathy.reviews.components import (
    change_cell,
    kpi_cell,
    previous_cell,
    trend_sparkline,
    value_cell,
    value_with_interval,
)
from empathy.reviews.context import PackContext, Section
from empathy.reviews.data import LAYERS, ScoreRow
from empathy.reviews.markup import Markup, element, fragment
from empathy.reviews.page import Column, empty, note, status_badge, table
from empathy.reviews.units import format_count

CHANGE_NAMES = {
    "week": "Week-over-week",
    "month": "Month-over-month",
    "quarter": "Quarter-over-quarter",
}
SPARKLINE_PERIODS = {"week": 13, "month": 13, "quarter": 8}
COLUMNS = (
    Column("KPI · layer"),
    Column("Value and 95% interval", numeric=True),
    Column("n", numeric=True),
    Column("Previous", numeric=True),
    Column("Change", numeric=True),
    Column("Status"),
    Column("Trend"),
    Column("Owner"),
)


def _order(row: ScoreRow) -> tuple[int, float, int, str]:
    layer = LAYERS.index(row.layer) if row.layer in LAYERS else len(LAYERS)
    significance = -abs(row.change_z or 0.0) if row.change_is_significant else 0.0
    return (0 if row.change_is_significant else 1, significance, layer, row.name)


def _table(ctx: PackContext, rows: list[ScoreRow]) -> tuple[Markup, int]:
    count = SPARKLINE_PERIODS[ctx.grain]
    history = ctx.population_history(count)
    labels = [ctx.period_name(start) for start in ctx.trailing(count)]
    body = [
        (
            kpi_cell(row.name, row.kpi_id, row.layer),
            value_with_interval(row),
            format_count(row.sample_size),
            previous_cell(row),
            change_cell(row),
            status_badge(row.status),
            trend_sparkline(row.name, history.get(row.kpi_id, [None] * count), labels),
            row.owner,
        )
        for row in rows
    ]
    return table(COLUMNS, body), len(rows)


def missing_note(ctx: PackContext) -> Markup | None:
    """Names the KPIs reviewed at this cadence that have no value for the period yet."""
    present = {row.kpi_id for row in ctx.population_rows}
    missing = sorted(
        kpi_id
        for kpi_id, definition in ctx.definitions.items()
        if definition.is_reviewed(ctx.cadence) and kpi_id not in present
    )
    if not missing:
        return None
    return note(
        f"{len(missing)} KPI(s) have no value for {ctx.label} in this release (their source "
        f"has not closed the period yet): {', '.join(missing)}."
    )


def period_changes(ctx: PackContext) -> Section:
    """Every KPI's change on the previous period; significant changes first, then by layer."""
    rows = sorted(ctx.population_rows, key=_order)
    sufficient = [row for row in rows if row.is_sufficient]
    short = [row for row in rows if not row.is_sufficient]
    significant = sum(row.change_is_significant for row in rows)
    name = CHANGE_NAMES[ctx.grain]
    count = SPARKLINE_PERIODS[ctx.grain]
    parts = [
        note(
            f"{significant} of {len(rows)} KPIs changed by more than noise since the "
            f"previous {ctx.grain}. Trend: the last {count} {ctx.grain}s; the last point is "
            "coloured by status, gaps are periods below the minimum sample."
        ),
        missing_note(ctx),
    ]
    charts = 0
    if sufficient:
        rendered, charts = _table(ctx, sufficient)
        parts.append(rendered)
    else:
        parts.append(empty(f"No KPI reached the minimum sample this {ctx.grain}."))
    if short:
        short_table = table(
            (Column("KPI · layer"), Column("Value"), Column("Owner")),
            [(kpi_cell(r.name, r.kpi_id, r.layer), value_cell(r), r.owner) for r in short],
        )
        parts.append(
            element(
                "details",
                element(
                    "summary",
                    f"{len(short)} KPIs below the minimum sample this {ctx.grain} "
                    "(shown as insufficient, no value)",
                ),
                short_table,
            )
        )
    return Section(
        key="changes",
        title=f"{name} changes",
        body=fragment(*parts),
        charts=charts,
        rows=tuple(rows),
    )


def significant_changes(ctx: PackContext) -> Section:
    """Only the KPIs whose change on the previous period is outside noise."""
    rows = sorted((r for r in ctx.population_rows if r.change_is_significant), key=_order)
    name = CHANGE_NAMES[ctx.grain]
    if not rows:
        body = empty(f"No KPI changed by more than noise since the previous {ctx.grain}.")
        return Section(key="changes", title=f"{name} changes outside noise", body=body)
    rendered, charts = _table(ctx, rows)
    return Section(
        key="changes",
        title=f"{name} changes outside noise",
        body=fragment(rendered, missing_note(ctx)),
        charts=charts,
        rows=tuple(rows),
    )
