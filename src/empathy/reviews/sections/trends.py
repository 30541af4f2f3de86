"""Monthly pictures: 13-month trends of the starter KPIs, cohort retention, MRR movements."""

from __future__ import annotations

import math

from empathy.reviews.charts import BarSeries, GridCell, diverging_bars, status_grid, trend_chart
from empathy.reviews.components import (
    change_text,
    point_tooltip,
    thresholds,
    trend_points,
    value_formatter,
)
from empathy.reviews.context import PackContext, Section
from empathy.reviews.data import LAYERS, ScoreRow, read_mrr_movements, read_scores
from empathy.reviews.markup import element, fragment
from empathy.reviews.page import Column, empty, figure, note, table
from empathy.reviews.units import INSUFFICIENT, format_interval, format_money, format_value

TREND_PERIODS = 13
COHORT_KPI = "retention_rate"
COHORT_SEGMENT = "signup_cohort"
MRR_SERIES = (  # name, colour, field, below zero
    ("new", "#2b6cb0", "new", False),
    ("expansion", "#38a169", "expansion", False),
    ("reactivation", "#805ad5", "reactivation", False),
    ("contraction", "#dd6b20", "contraction", True),
    ("churn", "#c53030", "churn", True),
)


def _latest_caption(row: ScoreRow | None) -> str:
    if row is None:
        return "no value this period"
    if not row.is_sufficient:
        return f"this period: {INSUFFICIENT} (n = {row.sample_size})"
    interval = format_interval(row.ci_low, row.ci_high, row.unit)
    return (
        f"this period: {format_value(row.value, row.unit)} ({interval}, n = {row.sample_size}), "
        f"{row.status.replace('_', ' ')}; {change_text(row)}"
    )


def starter_trends(ctx: PackContext) -> Section:
    """One line chart per starter KPI over the last 13 periods, with its 95% interval band."""
    starters = sorted(
        (d for d in ctx.definitions.values() if d.is_starter),
        key=lambda d: (LAYERS.index(d.layer) if d.layer in LAYERS else len(LAYERS), d.name),
    )
    history = ctx.population_history(TREND_PERIODS)
    periods = ctx.trailing(TREND_PERIODS)
    labels = [ctx.period_name(start) for start in periods]
    figures, shown = [], []
    for definition in starters:
        rows = history.get(definition.kpi_id, [None] * TREND_PERIODS)
        current = rows[-1]
        reference = current or next((row for row in reversed(rows) if row), None)
        chart = trend_chart(
            f"{definition.name}: {labels[0]} to {labels[-1]}, value with 95% interval",
            trend_points(rows, labels),
            value_formatter(definition.unit),
            thresholds(reference) if reference else (),
        )
        caption = fragment(
            element("strong", definition.name),
            f" ({definition.layer}) · ",
            _latest_caption(current),
        )
        figures.append(element("figure", chart, element("figcaption", caption)))
        if current:
            shown.append(current)
    if not figures:
        return Section(
            key="trends",
            title="Starter KPI trends",
            body=empty("The registry marks no KPI as a starter."),
        )
    intro = note(
        f"The last {TREND_PERIODS} {ctx.grain}s for the whole population. Band: 95% interval. "
        "Dashed lines: watch (amber) and breach (red) thresholds. A grey cross marks a period "
        "below the minimum sample (no value drawn). The last point is coloured by status."
    )
    return Section(
        key="trends",
        title=f"Starter KPI trends ({TREND_PERIODS} {ctx.grain}s)",
        body=fragment(intro, element("div", *figures, class_="charts")),
        charts=len(figures),
        rows=tuple(shown),
    )


def cohort_retention(ctx: PackContext) -> Section:
    """Logo retention by signup cohort over the last 13 months, as a grid coloured by status."""
    periods = ctx.trailing(TREND_PERIODS)
    rows = read_scores(
        ctx.connection, ctx.grain, periods, kpi_ids=[COHORT_KPI], segment_type=COHORT_SEGMENT
    )
    title = "Cohort retention"
    by_cohort: dict[str, list[ScoreRow]] = {}
    for row in rows:
        by_cohort.setdefault(row.segment_value, []).append(row)
    drawn = sorted(c for c, found in by_cohort.items() if any(r.is_sufficient for r in found))
    hidden = sorted(set(by_cohort) - set(drawn))
    if not drawn:
        return Section(
            key="cohorts",
            title=title,
            body=empty(
                f"No signup cohort reached the minimum sample for {COHORT_KPI} in the last "
                f"{TREND_PERIODS} {ctx.grain}s."
            ),
        )
    labels = {start: ctx.period_name(start) for start in periods}
    cells = {}
    for cohort in drawn:
        for row in by_cohort[cohort]:
            label = labels[row.period_start]
            text = format_value(row.value, row.unit) if row.is_sufficient else ""
            cells[(cohort, label)] = GridCell(
                text, row.status, point_tooltip(row, f"cohort {cohort}, {label}")
            )
    grid = status_grid(
        f"{COHORT_KPI} by signup cohort, {labels[periods[0]]} to {labels[periods[-1]]}",
        drawn,
        [labels[start] for start in periods],
        cells,
        row_heading="signup cohort",
    )
    notes = [
        note(
            "Logo retention rate (governed KPI retention_rate) of each signup cohort per "
            "month. Cell colour is the KPI status: green on track, amber watch, red breach; "
            "grey cells are below the minimum sample and carry no number."
        )
    ]
    if not any(row.period_start == ctx.period_start for row in rows):
        notes.append(
            note(
                f"{COHORT_KPI} has no value for {ctx.label} in this release yet: its column "
                "is empty."
            )
        )
    if hidden:
        notes.append(
            note(
                f"{len(hidden)} cohort(s) with no month above the minimum sample are "
                f"not drawn: {', '.join(hidden)}."
            )
        )
    shown = tuple(
        r for r in rows if r.segment_value in drawn and r.period_start == ctx.period_start
    )
    return Section(
        key="cohorts",
        title=title,
        body=fragment(*notes, element("div", figure(grid), class_="scroll")),
        charts=1,
        rows=shown,
    )


def mrr_movements(ctx: PackContext) -> Section:
    """The MRR bridge per month for the last 13 months: bars and the numbers behind them."""
    months = ctx.trailing(TREND_PERIODS)
    found = read_mrr_movements(ctx.connection, months)
    title = f"MRR movements ({TREND_PERIODS} months)"
    if not found:
        return Section(
            key="mrr", title=title, body=empty("No MRR movements in the last 13 months.")
        )
    labels = [ctx.period_name(month.month_start) for month in found]
    series = [
        BarSeries(name, colour, tuple(getattr(month, field) for month in found), below)
        for name, colour, field, below in MRR_SERIES
    ]
    chart = diverging_bars(
        f"MRR movements per month, {labels[0]} to {labels[-1]}", labels, series, format_money
    )
    rows = []
    for label, month in zip(labels, found, strict=True):
        bridge = (
            month.start_mrr
            + month.new
            + month.expansion
            + month.reactivation
            - month.contraction
            - month.churn
        )
        holds = math.isclose(bridge, month.end_mrr, abs_tol=0.01 * max(1, len(found)))
        rows.append(
            (
                label,
                format_money(month.start_mrr),
                format_money(month.new),
                format_money(month.expansion),
                format_money(month.reactivation),
                format_money(-month.contraction),
                format_money(-month.churn),
                format_money(month.end_mrr),
                "holds" if holds else "does not hold",
            )
        )
    columns = (
        Column("Month"),
        Column("Start", True),
        Column("New", True),
        Column("Expansion", True),
        Column("Reactivation", True),
        Column("Contraction", True),
        Column("Churn", True),
        Column("End", True),
        Column("Bridge"),
    )
    intro = note(
        "Sum of fct_mrr_movements per month. Bars above zero add MRR, below zero remove "
        "it; the dot is the net change. Bridge: start + new + expansion + reactivation "
        "- contraction - churn = end."
    )
    return Section(
        key="mrr",
        title=title,
        charts=1,
        body=fragment(
            intro,
            element("div", figure(chart), class_="scroll"),
            element(
                "details", element("summary", "The numbers behind the bars"), table(columns, rows)
            ),
        ),
    )
