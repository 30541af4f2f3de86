"""Inline SVG charts for review packs, drawn by hand: no chart library, no scripts.

Every chart is one `<svg role="img">` whose first child is a `<title>` (its accessible name).
Elements that carry data have the class `mark`; axes, grid lines and labels do not. A value below
the minimum sample is never drawn as a point or a bar: the chart leaves a gap and puts a grey cross
on the axis whose tooltip says "insufficient".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from empathy.reviews.markup import Markup, element, fragment, number

STATUS_COLOURS = {
    "on_track": "#2f7d32",
    "watch": "#b7791f",
    "breach": "#c62828",
    "insufficient": "#9e9e9e",
}
TONES = {"good": "#2f7d32", "bad": "#c62828"}
INK = "#1f2933"
MUTED = "#7b8794"
GRID = "#e4e7eb"
BAND = "#90b4e0"
LINE = "#1d4f91"
FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif"


@dataclass(frozen=True)
class TrendPoint:
    """One period of a KPI: value and interval, or None when below the minimum sample."""

    label: str
    value: float | None
    low: float | None
    high: float | None
    status: str
    sample_size: int | None
    tooltip: str


@dataclass(frozen=True)
class Threshold:
    name: str
    value: float
    colour: str


@dataclass(frozen=True)
class BarSeries:
    name: str
    colour: str
    values: tuple[float, ...]
    below_zero: bool = False


@dataclass(frozen=True)
class GridCell:
    text: str
    status: str
    tooltip: str


@dataclass(frozen=True)
class FlowItem:
    name: str
    value_text: str
    change_text: str
    status: str
    tooltip: str
    tone: str = ""  # "good" or "bad" for a change outside noise


@dataclass(frozen=True)
class FlowBox:
    title: str
    items: tuple[FlowItem, ...]


class LinearScale:
    """Maps a domain interval onto a pixel range."""

    def __init__(self, domain: tuple[float, float], pixels: tuple[float, float]) -> None:
        low, high = domain
        if not high > low:
            spread = abs(low) * 0.1 or 1.0
            low, high = low - spread, high + spread
        self.low, self.high = low, high
        self.pixels = pixels

    def __call__(self, value: float) -> float:
        start, end = self.pixels
        return start + (value - self.low) / (self.high - self.low) * (end - start)


def nice_ticks(low: float, high: float, count: int = 4, *, outward: bool = False) -> list[float]:
    """Round tick values in [low, high] (`outward`: the first and last at or beyond them), in
    steps of 1, 2, 2.5 or 5 times a power of ten."""
    if not high > low:
        return [low]
    raw = (high - low) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    if outward:
        low = math.floor(low / step + 1e-9) * step
        high = math.ceil(high / step - 1e-9) * step
    first = math.ceil(low / step - 1e-9) * step
    ticks = []
    tick = first
    while tick <= high + step * 1e-9:
        ticks.append(0.0 if abs(tick) < step * 1e-9 else tick)
        tick += step
    return ticks


def svg_chart(title: str, width: float, height: float, kind: str, *children: Markup) -> Markup:
    return element(
        "svg",
        element("title", title),
        *children,
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {number(width)} {number(height)}",
        width=width,
        height=height,
        role="img",
        class_=f"chart chart-{kind}",
        style=FONT,
    )


def svg_text(
    x: float,
    y: float,
    content: str,
    *,
    size: int = 10,
    anchor: str = "start",
    fill: str = MUTED,
    weight: str | None = None,
) -> Markup:
    return element(
        "text",
        content,
        x=x,
        y=y,
        font_size=size,
        text_anchor=anchor,
        fill=fill,
        font_weight=weight,
    )


def gap_cross(x: float, y: float, tooltip: str) -> Markup:
    size = 3.5
    path = (
        f"M{number(x - size)} {number(y - size)}L{number(x + size)} {number(y + size)}"
        f"M{number(x - size)} {number(y + size)}L{number(x + size)} {number(y - size)}"
    )
    return element(
        "path",
        element("title", tooltip),
        d=path,
        stroke=STATUS_COLOURS["insufficient"],
        stroke_width=1.5,
        class_="gap",
    )


def _runs(points: Sequence[TrendPoint]) -> list[list[int]]:
    """Indexes of consecutive points that have a value."""
    runs: list[list[int]] = []
    current: list[int] = []
    for index, point in enumerate(points):
        if point.value is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(index)
    if current:
        runs.append(current)
    return runs


def trend_chart(
    title: str,
    points: Sequence[TrendPoint],
    format_value: Callable[[float], str],
    thresholds: Sequence[Threshold] = (),
    *,
    width: float = 330,
    height: float = 170,
) -> Markup:
    """A line over the sufficient periods, its 95% interval as a band, threshold lines dashed."""
    left, right, top, bottom = 56, 10, 10, 26
    drawn = [p for p in points if p.value is not None]
    domain = [p.value for p in drawn if p.value is not None]
    domain += [v for p in drawn for v in (p.low, p.high) if v is not None and math.isfinite(v)]
    domain += [t.value for t in thresholds]
    if not drawn:
        body = svg_text(
            width / 2, height / 2, "no period above the minimum sample", anchor="middle"
        )
        marks = [
            gap_cross(
                left + (width - left - right) * (i + 0.5) / max(len(points), 1),
                height - bottom,
                p.tooltip,
            )
            for i, p in enumerate(points)
        ]
        return svg_chart(title, width, height, "trend", body, *marks)
    low, high = min(domain), max(domain)
    pad = (high - low) * 0.08 or abs(high) * 0.1 or 1.0
    y = LinearScale((low - pad, high + pad), (height - bottom, top))
    step = (width - left - right) / max(len(points) - 1, 1)

    def x(index: int) -> float:
        return left + index * step if len(points) > 1 else (left + width - right) / 2

    parts: list[Markup] = []
    for tick in nice_ticks(y.low, y.high, 3):
        parts.append(
            element("line", x1=left, x2=width - right, y1=y(tick), y2=y(tick), stroke=GRID)
        )
        parts.append(svg_text(left - 4, y(tick) + 3, format_value(tick), anchor="end", size=9))
    for threshold in thresholds:
        parts.append(
            element(
                "line",
                element("title", f"{threshold.name}: {format_value(threshold.value)}"),
                x1=left,
                x2=width - right,
                y1=y(threshold.value),
                y2=y(threshold.value),
                stroke=threshold.colour,
                stroke_dasharray="4 3",
                stroke_width=1,
            )
        )
    for run in _runs(points):
        with_interval = [i for i in run if points[i].low is not None and points[i].high is not None]
        if len(with_interval) == len(run) and len(run) > 1:
            upper = [f"{number(x(i))} {number(y(points[i].high or 0.0))}" for i in run]
            lower = [f"{number(x(i))} {number(y(points[i].low or 0.0))}" for i in reversed(run)]
            parts.append(
                element(
                    "path",
                    d="M" + "L".join(upper + lower) + "Z",
                    fill=BAND,
                    fill_opacity=0.45,
                    class_="mark band",
                )
            )
        else:
            for i in with_interval:
                parts.append(
                    element(
                        "rect",
                        x=x(i) - 2,
                        y=y(points[i].high or 0.0),
                        width=4,
                        height=max(y(points[i].low or 0.0) - y(points[i].high or 0.0), 1.0),
                        fill=BAND,
                        fill_opacity=0.6,
                        class_="mark band",
                    )
                )
        if len(run) > 1:
            line = "L".join(f"{number(x(i))} {number(y(points[i].value or 0.0))}" for i in run)
            parts.append(
                element(
                    "path",
                    d="M" + line,
                    fill="none",
                    stroke=LINE,
                    stroke_width=1.8,
                    class_="mark line",
                )
            )
    for index, point in enumerate(points):
        if point.value is None:
            parts.append(gap_cross(x(index), height - bottom - 4, point.tooltip))
            continue
        last = index == len(points) - 1
        parts.append(
            element(
                "circle",
                element("title", point.tooltip),
                cx=x(index),
                cy=y(point.value),
                r=4 if last else 2.4,
                fill=STATUS_COLOURS.get(point.status, LINE) if last else LINE,
                class_="mark point",
            )
        )
    parts.append(
        element(
            "line", x1=left, x2=width - right, y1=height - bottom, y2=height - bottom, stroke=MUTED
        )
    )
    for index in sorted({0, len(points) // 2, len(points) - 1}):
        anchor = "start" if index == 0 else "end" if index == len(points) - 1 else "middle"
        parts.append(svg_text(x(index), height - 8, points[index].label, anchor=anchor, size=9))
    return svg_chart(title, width, height, "trend", *parts)


def sparkline(
    title: str, points: Sequence[TrendPoint], *, width: float = 110, height: float = 26
) -> Markup:
    """A small line of the sufficient periods; the latest point coloured by its status."""
    values = [p.value for p in points if p.value is not None]
    if not values:
        return svg_chart(
            title,
            width,
            height,
            "sparkline",
            svg_text(width / 2, height / 2 + 3, "insufficient", anchor="middle", size=9),
        )
    y = LinearScale((min(values), max(values)), (height - 4, 4))
    step = (width - 8) / max(len(points) - 1, 1)
    parts: list[Markup] = []
    for run in _runs(points):
        if len(run) > 1:
            line = "L".join(
                f"{number(4 + i * step)} {number(y(points[i].value or 0.0))}" for i in run
            )
            parts.append(
                element(
                    "path",
                    d="M" + line,
                    fill="none",
                    stroke=LINE,
                    stroke_width=1.3,
                    class_="mark line",
                )
            )
    for index, point in enumerate(points):
        if point.value is None:
            continue
        last = index == len(points) - 1
        parts.append(
            element(
                "circle",
                element("title", point.tooltip),
                cx=4 + index * step,
                cy=y(point.value),
                r=2.8 if last else 1.2,
                fill=STATUS_COLOURS.get(point.status, LINE) if last else LINE,
                class_="mark point",
            )
        )
    return svg_chart(title, width, height, "sparkline", *parts)


def _money_tick(value: float) -> str:
    magnitude = abs(value)
    sign = "-" if value < 0 else ""
    if magnitude >= 1_000_000:
        return f"{sign}${magnitude / 1_000_000:g}M"
    if magnitude >= 1_000:
        return f"{sign}${magnitude / 1_000:g}k"
    return f"{sign}${magnitude:g}"


def diverging_bars(
    title: str,
    categories: Sequence[str],
    series: Sequence[BarSeries],
    format_value: Callable[[float], str],
    *,
    net_label: str = "net change",
    width: float = 1000,
    height: float = 320,
) -> Markup:
    """Stacked bars per category: series above zero stack up, `below_zero` series stack down; a
    dot marks the net of each category."""
    left, right, top, bottom = 64, 12, 34, 28
    ups = [sum(s.values[i] for s in series if not s.below_zero) for i in range(len(categories))]
    downs = [sum(s.values[i] for s in series if s.below_zero) for i in range(len(categories))]
    nets = [up - down for up, down in zip(ups, downs, strict=True)]
    ticks = nice_ticks(-max(downs, default=0.0), max(ups, default=0.0), 5, outward=True)
    y = LinearScale((min([*ticks, 0.0]), max([*ticks, 1.0])), (height - bottom, top))
    band = (width - left - right) / max(len(categories), 1)
    bar = band * 0.6
    parts: list[Markup] = []
    for tick in ticks:
        parts.append(
            element(
                "line",
                x1=left,
                x2=width - right,
                y1=y(tick),
                y2=y(tick),
                stroke=INK if tick == 0 else GRID,
            )
        )
        parts.append(svg_text(left - 4, y(tick) + 3, _money_tick(tick), anchor="end", size=9))
    legend_x = left
    for item in [*series]:
        parts.append(element("rect", x=legend_x, y=8, width=10, height=10, fill=item.colour))
        parts.append(svg_text(legend_x + 14, 17, item.name, size=10, fill=INK))
        legend_x += 24 + 6.5 * len(item.name)
    parts.append(element("circle", cx=legend_x + 5, cy=13, r=3.5, fill=INK))
    parts.append(svg_text(legend_x + 12, 17, net_label, size=10, fill=INK))
    for index, category in enumerate(categories):
        x0 = left + index * band + (band - bar) / 2
        above, below = 0.0, 0.0
        for item in series:
            amount = item.values[index]
            if amount <= 0:
                continue
            if item.below_zero:
                y_top, y_bottom = y(-below), y(-below - amount)
                below += amount
            else:
                y_top, y_bottom = y(above + amount), y(above)
                above += amount
            parts.append(
                element(
                    "rect",
                    element("title", f"{category} {item.name}: {format_value(amount)}"),
                    x=x0,
                    y=y_top,
                    width=bar,
                    height=max(y_bottom - y_top, 0.5),
                    fill=item.colour,
                    class_="mark bar",
                )
            )
        parts.append(
            element(
                "circle",
                element("title", f"{category} {net_label}: {format_value(nets[index])}"),
                cx=x0 + bar / 2,
                cy=y(nets[index]),
                r=3.5,
                fill=INK,
                stroke="#fff",
                class_="mark net",
            )
        )
        if index % 2 == 0 or index == len(categories) - 1:
            parts.append(svg_text(x0 + bar / 2, height - 8, category, anchor="middle", size=9))
    return svg_chart(title, width, height, "bars", *parts)


def horizontal_bars(
    title: str,
    items: Sequence[tuple[str, float, str]],
    *,
    width: float = 640,
    colour: str = STATUS_COLOURS["breach"],
) -> Markup:
    """One bar per (label, amount, text written after the bar)."""
    left, row = 96, 24
    height = row * len(items) + 12
    longest = max((amount for _, amount, _ in items), default=0.0) or 1.0
    scale = LinearScale((0.0, longest), (left, width - 220))
    parts: list[Markup] = []
    for index, (label, amount, note) in enumerate(items):
        y0 = 6 + index * row
        parts.append(svg_text(left - 6, y0 + 14, label, anchor="end", size=11, fill=INK))
        if amount > 0:
            parts.append(
                element(
                    "rect",
                    element("title", f"{label}: {note}"),
                    x=left,
                    y=y0 + 3,
                    width=max(scale(amount) - left, 1.0),
                    height=row - 8,
                    fill=colour,
                    class_="mark bar",
                )
            )
        parts.append(svg_text(scale(amount) + 6, y0 + 14, note, size=10))
    return svg_chart(title, width, height, "hbars", *parts)


def status_grid(
    title: str,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    cells: dict[tuple[str, str], GridCell],
    *,
    row_heading: str = "",
) -> Markup:
    """A grid of cells coloured by status; cells below the minimum sample are grey and empty."""
    left, top, cell_w, cell_h = 78, 34, 50, 18
    width = left + cell_w * len(column_labels) + 4
    height = top + cell_h * len(row_labels) + 4
    fills = {
        "on_track": "#c8e6c9",
        "watch": "#ffe0a3",
        "breach": "#f5b7b1",
        "insufficient": "#eceff1",
    }
    parts: list[Markup] = [svg_text(4, 14, row_heading, size=10, fill=INK, weight="bold")]
    for col, label in enumerate(column_labels):
        parts.append(
            svg_text(left + col * cell_w + cell_w / 2, top - 6, label, anchor="middle", size=9)
        )
    for row, row_label in enumerate(row_labels):
        y0 = top + row * cell_h
        parts.append(svg_text(left - 6, y0 + 13, row_label, anchor="end", size=9, fill=INK))
        for col, column in enumerate(column_labels):
            cell = cells.get((row_label, column))
            if cell is None:
                continue
            x0 = left + col * cell_w
            parts.append(
                element(
                    "rect",
                    element("title", cell.tooltip),
                    x=x0 + 1,
                    y=y0 + 1,
                    width=cell_w - 2,
                    height=cell_h - 2,
                    fill=fills.get(cell.status, "#ffffff"),
                    class_="mark cell" if cell.status != "insufficient" else "cell-insufficient",
                )
            )
            if cell.text:
                parts.append(
                    svg_text(
                        x0 + cell_w / 2, y0 + 12.5, cell.text, anchor="middle", size=9, fill=INK
                    )
                )
    return svg_chart(title, width, height, "grid", *parts)


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _flow_box(box: FlowBox, x0: float, y0: float, box_w: float, columns: int) -> list[Markup]:
    item_h, head_h = 40, 26
    rows = math.ceil(len(box.items) / columns) or 1
    height = head_h + rows * item_h + 8
    parts = [
        element(
            "rect",
            x=x0,
            y=y0,
            width=box_w * columns,
            height=height,
            rx=6,
            fill="#f7f9fb",
            stroke="#cbd2d9",
            class_="mark box",
        ),
        svg_text(x0 + 10, y0 + 18, box.title, size=12, fill=INK, weight="bold"),
    ]
    if not box.items:
        parts.append(svg_text(x0 + 10, y0 + head_h + 18, "no starter KPI in this layer", size=10))
    for index, item in enumerate(box.items):
        ix = x0 + (index % columns) * box_w
        iy = y0 + head_h + (index // columns) * item_h
        parts.append(
            element(
                "circle",
                element("title", item.tooltip),
                cx=ix + 16,
                cy=iy + 8,
                r=5,
                fill=STATUS_COLOURS.get(item.status, MUTED),
                class_="mark status",
            )
        )
        parts.append(
            element(
                "text",
                element("title", item.tooltip),
                _truncate(item.name, 38),
                x=ix + 27,
                y=iy + 12,
                font_size=11,
                fill=INK,
            )
        )
        parts.append(
            element(
                "text",
                element("tspan", item.value_text, fill=INK),
                element("tspan", item.change_text, dx=10, fill=TONES.get(item.tone, MUTED)),
                x=ix + 27,
                y=iy + 27,
                font_size=10,
            )
        )
    return parts


def layer_flow(title: str, chain: Sequence[FlowBox], alongside: FlowBox) -> Markup:
    """Boxes left to right joined by arrows (the chain), and one box under them all."""
    box_w, gap, item_h, head_h = 250, 30, 40, 26
    chain_rows = max((len(box.items) for box in chain), default=1) or 1
    chain_h = head_h + chain_rows * item_h + 8
    width = len(chain) * box_w + (len(chain) - 1) * gap + 2
    columns = max(1, len(chain))
    alongside_rows = math.ceil(len(alongside.items) / columns) or 1
    alongside_y = chain_h + 36
    height = alongside_y + head_h + alongside_rows * item_h + 10
    parts: list[Markup] = []
    for index, box in enumerate(chain):
        x0 = 1 + index * (box_w + gap)
        parts.extend(_flow_box(box, x0, 1, box_w, 1))
        if index < len(chain) - 1:
            ax, ay = x0 + box_w + 4, 1 + chain_h / 2
            parts.append(
                element(
                    "path",
                    d=f"M{number(ax)} {number(ay)}H{number(ax + gap - 12)}"
                    f"M{number(ax + gap - 16)} {number(ay - 5)}L{number(ax + gap - 9)} {number(ay)}"
                    f"L{number(ax + gap - 16)} {number(ay + 5)}",
                    fill="none",
                    stroke=MUTED,
                    stroke_width=2,
                    class_="mark arrow",
                )
            )
    parts.append(
        element(
            "path",
            d=f"M1 {number(chain_h + 18)}H{number(width - 1)}",
            stroke=GRID,
            stroke_dasharray="3 3",
        )
    )
    parts.extend(_flow_box(alongside, 1, alongside_y, (width - 2) / columns, columns))
    return svg_chart(title, width, height, "flow", fragment(*parts))
