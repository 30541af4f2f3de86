"""Small multiples of attribution credit: one panel per model, one bar per touch group or channel
(its share of the period's conversion value), and in every panel but the reference one a tick
where the reference (last touch) puts the same value, so a shift of credit reads at a glance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from empathy.reviews.charts import GRID, INK, MUTED, LinearScale, svg_chart, svg_text
from empathy.reviews.markup import Markup, element, fragment
from empathy.reviews.units import NO_VALUE, format_value

MORE = "#2b6cb0"
LESS = "#dd6b20"
SAME = "#7b8794"


@dataclass(frozen=True)
class CreditPanel:
    """One model: per category, the share of the conversion value it credits (None: no row)."""

    name: str
    shares: tuple[float | None, ...]
    tooltips: tuple[str, ...]


def _bar_colour(share: float, reference: float | None) -> str:
    if reference is None or abs(share - reference) < 5e-4:
        return SAME
    return MORE if share > reference else LESS


def credit_multiples(
    title: str,
    categories: Sequence[str],
    reference: CreditPanel,
    panels: Sequence[CreditPanel],
    *,
    width: float = 1040,
) -> Markup:
    """The reference panel first (grey bars), then one panel per model: bars blue where the model
    credits more than the reference, orange where less, with a black tick at the reference."""
    label_w, gap, top, row_h = 118, 12, 34, 20
    every = [reference, *panels]
    panel_w = (width - label_w - gap * len(every)) / len(every)
    height = top + row_h * max(len(categories), 1) + 22
    longest = max(
        (share for panel in every for share in panel.shares if share is not None), default=0.0
    )
    parts: list[Markup] = []
    for row, category in enumerate(categories):
        y0 = top + row * row_h
        parts.append(svg_text(label_w - 6, y0 + 14, category, anchor="end", size=10, fill=INK))
    for index, panel in enumerate(every):
        x0 = label_w + gap / 2 + index * (panel_w + gap)
        scale = LinearScale((0.0, max(longest, 0.01)), (x0, x0 + panel_w - 40))
        parts.append(svg_text(x0, 14, panel.name, size=11, fill=INK, weight="bold"))
        parts.append(
            svg_text(x0, 27, "reference" if panel is reference else "vs last touch (tick)", size=9)
        )
        parts.append(
            element("line", x1=x0, x2=x0, y1=top - 2, y2=height - 20, stroke=GRID, stroke_width=1)
        )
        for row, share in enumerate(panel.shares):
            y0 = top + row * row_h
            marker = reference.shares[row]
            if share is None:
                parts.append(svg_text(x0 + 3, y0 + 14, NO_VALUE, size=9))
                continue
            colour = MUTED if panel is reference else _bar_colour(share, marker)
            if share > 0:
                parts.append(
                    element(
                        "rect",
                        element("title", panel.tooltips[row]),
                        x=x0,
                        y=y0 + 4,
                        width=max(scale(share) - x0, 0.8),
                        height=row_h - 8,
                        fill=colour,
                        class_="mark bar",
                    )
                )
            ticked = panel is not reference and marker is not None
            text_x = max(scale(share), scale(marker) if ticked and marker is not None else 0.0)
            parts.append(svg_text(text_x + 4, y0 + 14, format_value(share, "ratio"), size=9))
            if ticked and marker is not None:
                parts.append(
                    element(
                        "line",
                        x1=scale(marker),
                        x2=scale(marker),
                        y1=y0 + 2,
                        y2=y0 + row_h - 2,
                        stroke=INK,
                        stroke_width=2,
                        class_="reference",
                    )
                )
    legend_y = height - 6
    parts.append(
        fragment(
            element("rect", x=label_w, y=legend_y - 8, width=9, height=9, fill=MORE),
            svg_text(label_w + 13, legend_y, "more than last touch", size=9, fill=INK),
            element("rect", x=label_w + 130, y=legend_y - 8, width=9, height=9, fill=LESS),
            svg_text(label_w + 143, legend_y, "less than last touch", size=9, fill=INK),
            element(
                "line",
                x1=label_w + 262,
                x2=label_w + 262,
                y1=legend_y - 9,
                y2=legend_y + 1,
                stroke=INK,
                stroke_width=2,
            ),
            svg_text(label_w + 268, legend_y, "share under last touch", size=9, fill=INK),
        )
    )
    return svg_chart(title, width, height, "multiples", *parts)
