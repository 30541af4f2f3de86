"""The KPI hierarchy from experience to revenue: each layer's starter KPIs, in the order the
layers lead to one another, with governance alongside."""

from __future__ import annotations

from empathy.reviews.charts import FlowBox, FlowItem, layer_flow
from empathy.reviews.components import change_text, point_tooltip
from empathy.reviews.context import PackContext, Section
from empathy.reviews.data import ScoreRow
from empathy.reviews.markup import fragment
from empathy.reviews.page import figure, note
from empathy.reviews.units import INSUFFICIENT, format_value

CHAIN = ("experience", "engagement", "operational", "commercial")
ALONGSIDE = "governance"


def _item(name: str, row: ScoreRow | None, label: str) -> FlowItem:
    if row is None:
        return FlowItem(name, "no value", "", "insufficient", f"{name}: no value for {label}")
    value = format_value(row.value, row.unit) if row.is_sufficient else INSUFFICIENT
    tone = ("good" if row.change_is_good else "bad") if row.change_is_significant else ""
    return FlowItem(
        name,
        value,
        change_text(row),
        row.status,
        f"{name} ({row.kpi_id}): " + point_tooltip(row, label) + f"; {change_text(row)}",
        tone,
    )


def kpi_hierarchy(ctx: PackContext) -> Section:
    rows = {row.kpi_id: row for row in ctx.population_rows}
    starters = sorted((d for d in ctx.definitions.values() if d.is_starter), key=lambda d: d.name)
    shown: list[ScoreRow] = []

    def box(layer: str) -> FlowBox:
        items = []
        for definition in (d for d in starters if d.layer == layer):
            row = rows.get(definition.kpi_id)
            if row:
                shown.append(row)
            items.append(_item(definition.name, row, ctx.label))
        return FlowBox(layer, tuple(items))

    chain = [box(layer) for layer in CHAIN]
    alongside = box(ALONGSIDE)
    chart = layer_flow(
        f"KPI hierarchy for {ctx.label}: experience to engagement to operational to commercial, "
        "governance alongside",
        chain,
        FlowBox(f"{ALONGSIDE} (alongside every layer)", alongside.items),
    )
    intro = note(
        "Starter KPIs per layer for the whole population. Dot: status. Change on the previous "
        f"{ctx.grain}; ▲/▼ marks a change outside noise, '(noise)' one that is not."
    )
    return Section(
        key="hierarchy",
        title="KPI hierarchy: from experience to revenue",
        body=fragment(intro, figure(chart)),
        charts=1,
        rows=tuple(shown),
    )
