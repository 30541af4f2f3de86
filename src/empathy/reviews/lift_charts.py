"""Inline SVG charts of experiment lifts: a forest plot of a variant's metrics, and the lift of one
metric across the read windows. Drawn like the other pack charts (see `charts`): data marks carry
the class `mark`; a lift below the minimum sample is never drawn, a grey cross on the zero line
says why in its tooltip."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from empathy.reviews.charts import (
    GRID,
    INK,
    LINE,
    MUTED,
    TONES,
    LinearScale,
    gap_cross,
    nice_ticks,
    svg_chart,
    svg_text,
)
from empathy.reviews.markup import Markup, element, number


@dataclass(frozen=True)
class LiftRow:
    """One metric of a forest plot. `lift` None: not drawn (below the minimum sample, or not
    testable); `tone` is "good", "bad" or "" (no significant change)."""

    label: str
    note: str
    lift: float | None
    low: float | None
    high: float | None
    tone: str
    text: str
    tooltip: str
    strong: bool = False


def _colour(tone: str) -> str:
    return TONES.get(tone, LINE)


def _interval(
    x_low: float, x_high: float, y: float, colour: str, tooltip: str, *, vertical: bool = False
) -> Markup:
    """An interval with end caps, horizontal (x_low..x_high at y) or vertical."""
    cap = 4.0
    if vertical:
        x, y_low, y_high = y, x_low, x_high
        d = (
            f"M{number(x)} {number(y_low)}V{number(y_high)}"
            f"M{number(x - cap)} {number(y_low)}H{number(x + cap)}"
            f"M{number(x - cap)} {number(y_high)}H{number(x + cap)}"
        )
    else:
        d = (
            f"M{number(x_low)} {number(y)}H{number(x_high)}"
            f"M{number(x_low)} {number(y - cap)}V{number(y + cap)}"
            f"M{number(x_high)} {number(y - cap)}V{number(y + cap)}"
        )
    return element(
        "path",
        element("title", tooltip),
        d=d,
        stroke=colour,
        stroke_width=1.8,
        fill="none",
        class_="mark interval",
    )


def _point(x: float, y: float, colour: str, tooltip: str, *, strong: bool) -> Markup:
    if strong:  # the primary metric: a diamond
        size = 5.5
        return element(
            "path",
            element("title", tooltip),
            d=f"M{number(x)} {number(y - size)}L{number(x + size)} {number(y)}"
            f"L{number(x)} {number(y + size)}L{number(x - size)} {number(y)}Z",
            fill=colour,
            class_="mark point",
        )
    return element(
        "circle", element("title", tooltip), cx=x, cy=y, r=4, fill=colour, class_="mark point"
    )


def forest_plot(title: str, rows: Sequence[LiftRow], *, width: float = 820) -> Markup:
    """One row per metric: the lift against control with its 95% interval. Metrics differ in
    unit, so each row has its own scale, symmetric around the shared zero line: what reads
    across rows is which side of zero an interval lies on and whether it crosses zero."""
    left, right, top, row_h = 250, 240, 24, 30
    height = top + row_h * max(len(rows), 1) + 8
    zero = left + (width - left - right) / 2
    half_width = (width - left - right) / 2 - 6
    parts: list[Markup] = [
        svg_text(zero, 12, "no change", anchor="middle", size=9),
        svg_text(left, 12, "◀ lower than control", size=9),
        svg_text(width - right, 12, "higher than control ▶", anchor="end", size=9),
    ]
    for index, row in enumerate(rows):
        y = top + index * row_h + row_h / 2
        if index % 2 == 0:
            parts.append(
                element("rect", x=0, y=y - row_h / 2, width=width, height=row_h, fill="#f7f9fb")
            )
        parts.append(
            svg_text(
                left - 8,
                y - 1,
                _truncate(row.label, 38),
                anchor="end",
                size=11,
                fill=INK,
                weight="bold" if row.strong else None,
            )
        )
        parts.append(
            svg_text(left - 8, y + 10, row.note, anchor="end", size=9, fill=_note_colour(row))
        )
        parts.append(svg_text(width - right + 10, y + 4, row.text, size=10, fill=INK))
        if row.lift is None:
            parts.append(gap_cross(zero, y, row.tooltip))
            continue
        bounds = [abs(v) for v in (row.lift, row.low, row.high) if v is not None]
        reach = max(bounds) * 1.1 or 1.0

        def x(value: float, reach: float = reach) -> float:
            return zero + value / reach * half_width

        colour = _colour(row.tone)
        if row.low is not None and row.high is not None:
            parts.append(_interval(x(row.low), x(row.high), y, colour, row.tooltip))
        parts.append(_point(x(row.lift), y, colour, row.tooltip, strong=row.strong))
    parts.append(
        element(
            "line",
            x1=zero,
            x2=zero,
            y1=top - 4,
            y2=height - 6,
            stroke=INK,
            stroke_dasharray="3 3",
        )
    )
    return svg_chart(title, width, height, "forest", *parts)


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _note_colour(row: LiftRow) -> str:
    return TONES["bad"] if "breached" in row.note else MUTED


@dataclass(frozen=True)
class WindowPoint:
    """The lift of one read window; `lift` None: not drawn (the reason is in `tooltip`)."""

    label: str
    lift: float | None
    low: float | None
    high: float | None
    tone: str
    tooltip: str


def lift_by_window(
    title: str,
    points: Sequence[WindowPoint],
    format_change: Callable[[float], str],
    *,
    width: float = 360,
    height: float = 180,
) -> Markup:
    """The lift of one metric per read window (1, 2, 4, 8 weeks after exposure), each with its
    95% interval, against a zero line."""
    left, right, top, bottom = 64, 12, 12, 28
    domain = [0.0]
    domain += [v for p in points for v in (p.lift, p.low, p.high) if v is not None]
    low, high = min(domain), max(domain)
    pad = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
    y = LinearScale((low - pad, high + pad), (height - bottom, top))
    band = (width - left - right) / max(len(points), 1)
    parts: list[Markup] = []
    for tick in nice_ticks(y.low, y.high, 4):
        parts.append(
            element("line", x1=left, x2=width - right, y1=y(tick), y2=y(tick), stroke=GRID)
        )
        parts.append(svg_text(left - 4, y(tick) + 3, format_change(tick), anchor="end", size=9))
    parts.append(
        element(
            "line",
            x1=left,
            x2=width - right,
            y1=y(0.0),
            y2=y(0.0),
            stroke=INK,
            stroke_dasharray="3 3",
        )
    )
    for index, point in enumerate(points):
        x = left + band * (index + 0.5)
        parts.append(svg_text(x, height - 10, point.label, anchor="middle", size=9))
        if point.lift is None:
            parts.append(gap_cross(x, y(0.0), point.tooltip))
            continue
        colour = _colour(point.tone)
        if point.low is not None and point.high is not None:
            parts.append(
                _interval(y(point.low), y(point.high), x, colour, point.tooltip, vertical=True)
            )
        parts.append(_point(x, y(point.lift), colour, point.tooltip, strong=False))
    return svg_chart(title, width, height, "windows", *parts)
