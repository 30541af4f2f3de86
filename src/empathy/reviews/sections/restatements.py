"""Published values that later data changed: each restatement with its delta, never silent."""

from __future__ import annotations

from empathy.reviews.components import insufficient
from empathy.reviews.context import PackContext, Section
from empathy.reviews.data import Restatement
from empathy.reviews.markup import Markup, element, fragment
from empathy.reviews.page import Column, empty, note, table
from empathy.reviews.periods import grain_label
from empathy.reviews.units import NO_VALUE, format_change, format_count, format_value

COLUMNS = (
    Column("KPI"),
    Column("Period"),
    Column("Segment"),
    Column("Published", numeric=True),
    Column("Restated", numeric=True),
    Column("Delta", numeric=True),
    Column("n", numeric=True),
    Column("Status"),
    Column("Logged"),
    Column("Release"),
)


def _is_sufficient(sample_size: int | None, minimum: int | None) -> bool:
    return sample_size is not None and (minimum is None or sample_size >= minimum)


def _row(ctx: PackContext, entry: Restatement) -> tuple[Markup | str, ...]:
    definition = ctx.definitions.get(entry.kpi_id)
    unit = definition.unit if definition else ""
    name = definition.name if definition else entry.kpi_id
    restated_ok = _is_sufficient(entry.sample_size, ctx.min_sample_size)
    published_ok = entry.previous_sample_size is None or _is_sufficient(
        entry.previous_sample_size, ctx.min_sample_size
    )
    published = (
        fragment(format_value(entry.previous_value, unit))
        if published_ok
        else insufficient(entry.previous_sample_size)
    )
    restated = (
        fragment(format_value(entry.value, unit))
        if restated_ok
        else insufficient(entry.sample_size)
    )
    delta = format_change(entry.delta, unit) if restated_ok and published_ok else NO_VALUE
    return (
        fragment(name, element("span", entry.kpi_id, class_="kpi-id")),
        f"{grain_label(entry.grain, entry.period_start)} ({entry.grain})",
        entry.segment,
        published,
        restated,
        element("strong", delta),
        format_count(entry.sample_size),
        entry.status,
        entry.logged_at.strftime("%Y-%m-%d %H:%M UTC"),
        entry.release_id,
    )


def restatements(ctx: PackContext) -> Section:
    log = ctx.restatements
    title = "Restatements"
    if not log.log_exists:
        return Section(
            key="restatements",
            title=title,
            body=empty(
                "No restatements: the review log is empty (this release has no kpi_review_log)."
            ),
        )
    since = (
        f"since the previous {ctx.cadence} review (logged "
        f"{log.previous_review_at:%Y-%m-%d %H:%M} UTC)"
        if log.previous_review_at
        else f"ever (no earlier {ctx.cadence} review is logged)"
    )
    if not log.rows:
        return Section(key="restatements", title=title, body=empty(f"No restatements {since}."))
    population = [entry for entry in log.rows if entry.segment == "population"]
    segments = [entry for entry in log.rows if entry.segment != "population"]
    parts = [
        note(
            f"{len(log.rows)} published value(s) changed by later data {since}: "
            f"{len(population)} for the whole population, {len(segments)} in segments. "
            "Delta = restated - published."
        )
    ]
    if population:
        parts.append(table(COLUMNS, [_row(ctx, entry) for entry in population]))
    if segments:
        parts.append(
            element(
                "details",
                element("summary", f"{len(segments)} restatement(s) in segments"),
                table(COLUMNS, [_row(ctx, entry) for entry in segments]),
                open=not population,
            )
        )
    return Section(key="restatements", title=title, body=fragment(*parts))
