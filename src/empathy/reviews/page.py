"""The page around a review pack: document skeleton, inline CSS, and the small pieces of HTML
every section uses (tables, status badges, notes). Self-contained: no scripts, fonts, images or
links to other sites, so the file reads the same offline and in a mail attachment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from empathy.reviews.markup import Child, Markup, element, fragment

CSS = """
:root { --ink: #1f2933; --muted: #52606d; --line: #d9dee3; --soft: #f5f7fa;
  --on-track: #2f7d32; --watch: #b7791f; --breach: #c62828; --insufficient: #7b8794; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 8px; padding-top: 8px; border-top: 2px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 6px; }
p, ul { margin: 6px 0; }
.subtitle { color: var(--muted); margin: 0 0 12px; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 10px 0;
  font-size: 13px; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; }
.headline { display: flex; flex-wrap: wrap; gap: 10px; margin: 16px 0 8px; padding: 0;
  list-style: none; }
.headline li { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px;
  min-width: 130px; background: var(--soft); }
.headline strong { display: block; font-size: 24px; }
.rules { font-size: 13px; color: var(--muted); border-left: 3px solid var(--line);
  padding: 4px 10px; }
nav ol { columns: 2; font-size: 13px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; font-size: 13px; }
caption { text-align: left; color: var(--muted); padding: 4px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left;
  vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.kpi-id, .sub { display: block; color: var(--muted); font-size: 11px; font-weight: 400; }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px;
  color: #fff; white-space: nowrap; }
.status-on_track { background: var(--on-track); }
.status-watch { background: var(--watch); }
.status-breach { background: var(--breach); }
.status-insufficient { background: var(--insufficient); }
.insufficient { color: var(--insufficient); font-style: italic; }
.significant { font-weight: 700; }
.good { color: var(--on-track); }
.bad { color: var(--breach); }
.noise { color: var(--muted); }
.note { color: var(--muted); font-size: 13px; }
.empty { color: var(--muted); font-style: italic; }
.owner { border: 1px solid var(--line); border-radius: 8px; padding: 4px 14px 8px;
  margin: 12px 0; }
.playbook { background: #fffbea; border-left: 3px solid var(--watch); padding: 4px 10px;
  margin: 6px 0; }
.evidence { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
blockquote { margin: 4px 0 4px 12px; padding: 2px 10px; border-left: 3px solid var(--line);
  color: var(--ink); }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(330px, 1fr));
  gap: 14px; }
figure { margin: 8px 0; }
figcaption { font-size: 12px; color: var(--muted); }
svg.chart { max-width: 100%; height: auto; }
.scroll { overflow-x: auto; }
details > summary { cursor: pointer; color: var(--muted); margin: 6px 0; }
h4 { font-size: 14px; margin: 14px 0 4px; }
.decision { font-size: 15px; margin: 12px 0 4px; }
.decision-ship { background: var(--on-track); }
.decision-do_not_ship { background: var(--breach); }
.decision-trade_off { background: var(--watch); }
.decision-inconclusive { background: var(--insufficient); }
.srm { border-left: 3px solid var(--breach); padding: 2px 10px; }
.finding { background: var(--soft); border-left: 3px solid #2b6cb0; padding: 6px 12px; }
footer { margin-top: 40px; font-size: 12px; color: var(--muted); }
@media print { h2 { break-before: auto; } .owner, figure, tr { break-inside: avoid; } }
"""


@dataclass(frozen=True)
class Column:
    heading: str
    numeric: bool = False


def table(
    columns: Sequence[Column], rows: Sequence[Sequence[Child]], *, caption: str | None = None
) -> Markup:
    head = element(
        "tr",
        *(
            element("th", column.heading, scope="col", class_="num" if column.numeric else None)
            for column in columns
        ),
    )
    body = [
        element(
            "tr",
            *(
                element("td", cell, class_="num" if column.numeric else None)
                for column, cell in zip(columns, row, strict=True)
            ),
        )
        for row in rows
    ]
    return element(
        "div",
        element(
            "table",
            element("caption", caption) if caption else None,
            element("thead", head),
            element("tbody", *body),
        ),
        class_="scroll",
    )


def status_badge(status: str) -> Markup:
    return element("span", status.replace("_", " "), class_=f"badge status-{status}")


def note(*children: Child) -> Markup:
    return element("p", *children, class_="note")


def empty(text: str) -> Markup:
    return element("p", text, class_="empty")


def figure(chart: Markup, caption: str | None = None) -> Markup:
    return element("figure", chart, element("figcaption", caption) if caption else None)


def document(title: str, *body: Child) -> Markup:
    head = element(
        "head",
        element("meta", charset="utf-8"),
        element("meta", name="viewport", content="width=device-width, initial-scale=1"),
        element("title", title),
        element("style", Markup(CSS)),
    )
    return Markup(
        "<!DOCTYPE html>\n"
        + element("html", head, element("body", element("main", fragment(*body))), lang="en")
        + "\n"
    )
