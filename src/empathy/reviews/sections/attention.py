"""What needs someone's attention: breaches and watches routed to their owners with the
registry's playbook, fired diagnostics, and (quarterly) the decisions both lead to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from empathy.reviews.components import change_cell, interval_cell, kpi_cell, value_cell
from empathy.reviews.context import PackContext, Section
from empathy.reviews.data import Diagnostic, ScoreRow
from empathy.reviews.markup import Markup, element, fragment
from empathy.reviews.page import Column, empty, note, table
from empathy.reviews.periods import grain_label
from empathy.reviews.units import format_count, format_value

ROW_COLUMNS = (
    Column("Segment"),
    Column("Value", numeric=True),
    Column("95% interval", numeric=True),
    Column("n", numeric=True),
    Column("Watch threshold", numeric=True),
    Column("Breach threshold", numeric=True),
    Column("Change", numeric=True),
)
PLURALS = {"breach": "breaches", "watch": "watches"}


def counted(count: int, status: str) -> str:
    return f"{count} {status if count == 1 else PLURALS.get(status, status)}"


def _segment_order(row: ScoreRow) -> tuple[int, str, str]:
    return (0 if row.is_population else 1, row.segment_type, row.segment_value)


def _group(rows: Sequence[ScoreRow]) -> dict[str, dict[str, list[ScoreRow]]]:
    """owner -> kpi_id -> rows, owners with the most population rows first."""
    by_owner: dict[str, dict[str, list[ScoreRow]]] = {}
    for row in sorted(rows, key=lambda r: (r.name, *_segment_order(r))):
        by_owner.setdefault(row.owner, {}).setdefault(row.kpi_id, []).append(row)

    def weight(owner: str) -> tuple[int, int, str]:
        kpis = by_owner[owner].values()
        population = sum(row.is_population for found in kpis for row in found)
        return (-population, -sum(len(found) for found in kpis), owner)

    return {owner: by_owner[owner] for owner in sorted(by_owner, key=weight)}


def _playbook(text: str) -> Markup:
    if not text:
        return element("p", "No playbook in the registry for this KPI.", class_="playbook bad")
    return element("p", element("strong", "Playbook: "), text, class_="playbook")


def _status_section(ctx: PackContext, status: str, key: str, title: str) -> Section:
    rows = [row for row in ctx.period_rows if row.status == status]
    if not rows:
        return Section(
            key=key, title=title, body=empty(f"No KPI is at status {status} this {ctx.grain}.")
        )
    blocks = []
    for owner, kpis in _group(rows).items():
        count = sum(len(found) for found in kpis.values())
        parts: list[Markup] = [element("h3", f"{owner} ({counted(count, status)})")]
        for kpi_id, found in kpis.items():
            first = found[0]
            body = [
                (
                    row.segment,
                    value_cell(row),
                    interval_cell(row),
                    format_count(row.sample_size),
                    format_value(row.warn_threshold, row.unit),
                    format_value(row.breach_threshold, row.unit),
                    change_cell(row),
                )
                for row in found
            ]
            direction = first.direction.replace("_", " ")
            parts.append(element("h4", kpi_cell(first.name, kpi_id, direction)))
            parts.append(_playbook(ctx.playbook(kpi_id)))
            parts.append(table(ROW_COLUMNS, body))
        blocks.append(element("section", *parts, class_="owner"))
    population = sum(row.is_population for row in rows)
    summary = note(
        f"{counted(len(rows), status)}: {population} for the whole population, "
        f"{len(rows) - population} in segments; grouped by owner, each KPI with its playbook."
    )
    return Section(key=key, title=title, body=fragment(summary, *blocks), rows=tuple(rows))


def breaches_by_owner(ctx: PackContext) -> Section:
    return _status_section(ctx, "breach", "breaches", "Breaches by owner")


def watches_by_owner(ctx: PackContext) -> Section:
    return _status_section(ctx, "watch", "watches", "Watches by owner")


def _diagnostic_groups(diagnostics: Sequence[Diagnostic]) -> dict[tuple, list[Diagnostic]]:
    groups: dict[tuple, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        key = (diagnostic.rule_id, diagnostic.grain, diagnostic.period_start)
        groups.setdefault(key, []).append(diagnostic)
    return groups


def _evidence(text: str) -> Markup:
    return element(
        "ul",
        *(
            element("li", part.strip(), class_="evidence")
            for part in text.split(";")
            if part.strip()
        ),
    )


def diagnostics(ctx: PackContext) -> Section:
    """Rules that read KPIs together and fired for the period (or a finer period inside it)."""
    if not ctx.diagnostics:
        return Section(
            key="diagnostics",
            title="Diagnostics",
            body=empty(f"No diagnostic rule fired for {ctx.label}."),
        )
    blocks = []
    for (_, grain, start), fired in _diagnostic_groups(ctx.diagnostics).items():
        first = fired[0]
        rows = [(d.segment, d.severity, _evidence(d.evidence)) for d in fired]
        blocks.append(
            element(
                "section",
                element(
                    "h3",
                    f"{first.rule_name} ",
                    element("span", first.severity, class_="badge status-watch"),
                ),
                element(
                    "p",
                    f"{grain_label(grain, start)} ({grain}) · owners: {first.owners} · "
                    f"fired in {len(fired)} segment(s)",
                    class_="note",
                ),
                element("p", first.message),
                _playbook(first.playbook),
                table((Column("Segment"), Column("Severity"), Column("Evidence")), rows),
                class_="owner",
            )
        )
    intro = note(
        f"{len(ctx.diagnostics)} firing(s) of {len(blocks)} rule(s). A rule fires only "
        "when every change in it is outside noise."
    )
    return Section(key="diagnostics", title="Diagnostics", body=fragment(intro, *blocks))


@dataclass(frozen=True)
class Decision:
    title: str
    owner: str
    why: Markup
    playbook: str
    segments: tuple[str, ...]
    rank: int


def _breach_decisions(ctx: PackContext) -> list[Decision]:
    decisions = []
    for owner, kpis in _group([r for r in ctx.period_rows if r.status == "breach"]).items():
        for kpi_id, rows in kpis.items():
            population = next((row for row in rows if row.is_population), None)
            shown = population or rows[0]
            why = fragment(
                f"{shown.segment}: ",
                value_cell(shown),
                " against a breach threshold of ",
                format_value(shown.breach_threshold, shown.unit),
                f" (n = {format_count(shown.sample_size)}).",
            )
            decisions.append(
                Decision(
                    title=f"{shown.name} is in breach" + ("" if population else " in segments"),
                    owner=owner,
                    why=why,
                    playbook=ctx.playbook(kpi_id),
                    segments=tuple(row.segment for row in rows if not row.is_population),
                    rank=0 if population else 2,
                )
            )
    return decisions


def _diagnostic_decisions(ctx: PackContext) -> list[Decision]:
    decisions = []
    for (_, grain, start), fired in _diagnostic_groups(ctx.diagnostics).items():
        first = fired[0]
        why = fragment(
            f"{first.message} Fired for {grain_label(grain, start)} ({grain}).",
            _evidence(first.evidence),
        )
        decisions.append(
            Decision(
                title=f"Diagnostic: {first.rule_name}",
                owner=first.owners,
                why=why,
                playbook=first.playbook,
                segments=tuple(d.segment for d in fired),
                rank=1,
            )
        )
    return decisions


def decisions_to_take(ctx: PackContext) -> Section:
    """One decision per breached KPI and per fired rule, each with its owner and playbook."""
    found = sorted(
        _breach_decisions(ctx) + _diagnostic_decisions(ctx),
        key=lambda d: (d.rank, d.owner, d.title),
    )
    breach_rows = tuple(r for r in ctx.period_rows if r.status == "breach")
    if not found:
        return Section(
            key="decisions",
            title="Decisions to take",
            body=empty(f"No breach and no fired diagnostic in {ctx.label}."),
        )
    items = []
    for decision in found:
        segments = (
            element(
                "p",
                f"Segments ({len(decision.segments)}): ",
                ", ".join(decision.segments),
                class_="note",
            )
            if decision.segments
            else None
        )
        items.append(
            element(
                "li",
                element("h3", decision.title),
                element("p", element("strong", "Owner: "), decision.owner),
                element("div", element("strong", "Why: "), decision.why),
                _playbook(decision.playbook),
                segments,
                class_="owner",
            )
        )
    intro = note(
        "Derived from the breaches and the fired diagnostics of the period; what to do is the "
        "registry's playbook for the KPI or the rule. Breaches of the whole population first, "
        "then diagnostics, then breaches found only in segments."
    )
    return Section(
        key="decisions",
        title="Decisions to take",
        body=fragment(intro, element("ol", *items)),
        rows=breach_rows,
    )
