"""The week's top negative feedback themes, with scrubbed example comments."""

from __future__ import annotations

from empathy.reviews.charts import horizontal_bars
from empathy.reviews.components import value_cell
from empathy.reviews.context import PackContext, Section
from empathy.reviews.data import read_negative_theme_counts
from empathy.reviews.markup import element, fragment
from empathy.reviews.page import empty, figure, note

TOP_THEMES = 5
EXAMPLES = 3


def negative_themes(ctx: PackContext) -> Section:
    """Themes ranked by comments negative about them; the governed share is
    `theme_negative_share_<theme>` from the scorecard (insufficient below the minimum sample)."""
    counts = [
        found
        for found in read_negative_theme_counts(
            ctx.connection, ctx.period_start, ctx.period_end, examples=EXAMPLES
        )
        if found.negative_mentions > 0
    ][:TOP_THEMES]
    title = "Top negative feedback themes"
    if not counts:
        return Section(
            key="themes",
            title=title,
            body=empty(f"No comment was negative about a theme in {ctx.label}."),
        )
    shares = {row.kpi_id: row for row in ctx.population_rows}
    chart = horizontal_bars(
        f"Comments negative about each theme, {ctx.label}",
        [
            (
                found.theme,
                float(found.negative_mentions),
                f"{found.negative_mentions} of {found.mentions} comments on the theme",
            )
            for found in counts
        ],
    )
    blocks = [
        note(
            "Counts are comments answered this period that the theme coder found negative "
            "about the theme, out of the comments that mention it. The negative share is the "
            "governed KPI theme_negative_share_<theme>; comments are PII-scrubbed before they "
            "reach the warehouse."
        ),
        figure(chart, "Comments negative about each theme"),
    ]
    shown_rows = []
    for found in counts:
        share = shares.get(f"theme_negative_share_{found.theme}")
        share_text = value_cell(share) if share else element("span", "not in the scorecard")
        if share:
            shown_rows.append(share)
        examples = [element("blockquote", comment) for comment in found.examples]
        blocks.append(
            element(
                "section",
                element("h3", found.theme),
                element(
                    "p",
                    f"{found.negative_mentions} negative of {found.mentions} comments "
                    "mentioning the theme · negative share: ",
                    share_text,
                ),
                *(examples or [empty("No comment text to quote.")]),
                class_="owner",
            )
        )
    return Section(
        key="themes", title=title, body=fragment(*blocks), charts=1, rows=tuple(shown_rows)
    )
