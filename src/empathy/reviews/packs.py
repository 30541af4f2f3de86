"""Weekly, monthly and quarterly review packs: which sections each shows, and writing them.

All three are built from the same pieces (`empathy.reviews.sections`) over the same governed
tables; the monthly and quarterly packs add experiment read-outs and attribution. To add a section
to a cadence, write a builder `(PackContext) -> Section` and append it to that cadence's list in
`PACK_SECTIONS`. A section may bring CSV extracts of its own (`Section.extracts`): they are written
beside `kpis.csv` and listed in the pack's header.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from empathy.reviews import data
from empathy.reviews.context import PackContext, Section
from empathy.reviews.extract import csv_text
from empathy.reviews.markup import Markup, element, fragment
from empathy.reviews.page import document
from empathy.reviews.periods import check_period_start, grain_of, period_end, period_label
from empathy.reviews.readout_extracts import ATTRIBUTION_FILE, EXPERIMENTS_FILE
from empathy.reviews.sections import (
    attention,
    attribution,
    changes,
    experiments,
    feedback,
    hierarchy,
    restatements,
    trends,
)

SectionBuilder = Callable[[PackContext], Section]

PACK_SECTIONS: dict[str, list[SectionBuilder]] = {
    "weekly": [
        changes.period_changes,
        attention.breaches_by_owner,
        attention.watches_by_owner,
        attention.diagnostics,
        feedback.negative_themes,
        restatements.restatements,
    ],
    "monthly": [
        trends.starter_trends,
        changes.significant_changes,
        trends.cohort_retention,
        trends.mrr_movements,
        attention.breaches_by_owner,
        attention.watches_by_owner,
        attention.diagnostics,
        experiments.experiment_readouts,
        attribution.attribution,
        restatements.restatements,
    ],
    "quarterly": [
        changes.period_changes,
        hierarchy.kpi_hierarchy,
        attention.decisions_to_take,
        experiments.experiment_readouts,
        attribution.attribution,
        restatements.restatements,
    ],
}
PACK_TITLES = {
    "weekly": "Weekly operational review",
    "monthly": "Monthly business review",
    "quarterly": "Quarterly leadership review",
}
HTML_FILE = "review.html"
CSV_FILE = "kpis.csv"
SECTION_EXTRACTS = (EXPERIMENTS_FILE, ATTRIBUTION_FILE)
SECTION_SOURCES = {
    "experiments": "experiments from experiment_scorecard (exposure dates from "
    "int_experiment_units)",
    "attribution": "attribution from fct_attribution_summary",
}


@dataclass(frozen=True)
class ReviewPack:
    directory: Path
    html_path: Path
    csv_path: Path
    period_label: str
    charts: int
    breaches: int
    diagnostics: int
    restatements: int
    extract_paths: tuple[Path, ...] = ()


def _load_context(
    connection: duckdb.DuckDBPyConnection,
    cadence: str,
    period_start: date,
    review_id: str,
    min_sample_size: int | None,
) -> PackContext:
    grain = grain_of(cadence)
    definitions = data.read_definitions(connection)
    period_rows = [
        row
        for row in data.read_scores(connection, grain, [period_start])
        if row.kpi_id not in definitions or definitions[row.kpi_id].is_reviewed(cadence)
    ]
    if not period_rows:
        raise ValueError(
            f"the warehouse has no {grain} scorecard rows for {period_label(cadence, period_start)}"
        )
    return PackContext(
        connection=connection,
        cadence=cadence,
        grain=grain,
        period_start=period_start,
        period_end=period_end(grain, period_start),
        label=period_label(cadence, period_start),
        review_id=review_id,
        release=data.read_release(connection),
        definitions=definitions,
        min_sample_size=min_sample_size or data.read_min_sample_size(connection),
        period_rows=period_rows,
        diagnostics=data.read_diagnostics(connection, grain, period_start),
        restatements=data.read_restatements(connection, cadence, review_id),
    )


def _day(day: date, *, weekday: bool = False) -> str:
    return f"{day:%a} " * weekday + f"{day.day} {day:%b}"


def _period_words(ctx: PackContext) -> str:
    last = ctx.period_end - timedelta(days=1)
    if ctx.grain == "week":
        first, final = _day(ctx.period_start, weekday=True), _day(last, weekday=True)
        return f"{first} to {final} {last.year} (UTC)"
    if ctx.grain == "month":
        return f"{ctx.period_start:%B %Y} (UTC)"
    return f"{_day(ctx.period_start)} to {_day(last)} {last.year} (UTC)"


def _versions_text(ctx: PackContext, rows: list[data.ScoreRow]) -> str:
    used: dict[str, int] = {row.kpi_id: row.definition_version for row in rows}
    counts = Counter(used.values())
    text = "; ".join(
        f"version {version} for {count} KPI(s)" for version, count in sorted(counts.items())
    )
    moved = sorted(
        kpi
        for kpi, version in used.items()
        if kpi in ctx.definitions and ctx.definitions[kpi].definition_version != version
    )
    if moved:
        text += f" (the registry has a newer version for: {', '.join(moved)})"
    return text or "no KPI rows"


def _headline(ctx: PackContext) -> tuple[Markup, dict[str, int]]:
    breaches = [r for r in ctx.period_rows if r.status == "breach"]
    watches = [r for r in ctx.period_rows if r.status == "watch"]
    counts = {
        "breaches": len(breaches),
        "watches": len(watches),
        "significant changes": sum(r.change_is_significant for r in ctx.population_rows),
        "diagnostics": len(ctx.diagnostics),
        "restatements": len(ctx.restatements.rows),
    }
    details = {
        "breaches": f"{sum(r.is_population for r in breaches)} population, "
        f"{sum(not r.is_population for r in breaches)} segments",
        "watches": f"{sum(r.is_population for r in watches)} population, "
        f"{sum(not r.is_population for r in watches)} segments",
        "significant changes": f"of {len(ctx.population_rows)} KPIs, population",
        "diagnostics": "rule firings",
        "restatements": "since the previous review",
    }
    items = [
        element(
            "li",
            element("strong", str(count)),
            name,
            element("br"),
            element("span", details[name], class_="note"),
        )
        for name, count in counts.items()
    ]
    return element("ul", *items, class_="headline", aria_label="Headline"), counts


def _rules(ctx: PackContext) -> Markup:
    minimum = ctx.min_sample_size if ctx.min_sample_size is not None else "the minimum"
    return element(
        "p",
        element("strong", "Statistical rules: "),
        (
            "every value carries its sample size n; intervals are 95% (Wilson for proportions, "
            "from the standard error for NPS and means, order statistics for medians); a value "
            f"with n below the minimum sample of {minimum} shows as insufficient, never as a "
            "number; a change is called only when it is outside noise (|z| > 1.96), otherwise it "
            "reads 'within noise'."
        ),
        class_="rules",
    )


def _extracts(sections: list[Section]) -> Markup:
    items = [element("a", CSV_FILE, href=CSV_FILE), " (KPI rows)"]
    for extract in (e for section in sections for e in section.extracts):
        items += ["; ", element("a", extract.file_name, href=extract.file_name)]
        items.append(f" ({extract.description})")
    return fragment(*items)


def _sources(sections: list[Section]) -> str:
    found = [SECTION_SOURCES[s.key] for s in sections if s.key in SECTION_SOURCES]
    return "".join(f"; {source}" for source in found)


def _page(ctx: PackContext, sections: list[Section], generated_at: datetime) -> str:
    title = f"{PACK_TITLES[ctx.cadence]} {ctx.label}"
    built = f"{ctx.release.built_at:%Y-%m-%d %H:%M} UTC" if ctx.release.built_at else "unknown"
    meta = element(
        "dl",
        element("dt", "Review"),
        element("dd", ctx.review_id),
        element("dt", "Release"),
        element("dd", ctx.release.release_id),
        element("dt", "Built"),
        element("dd", built),
        element("dt", "Definitions"),
        element("dd", _versions_text(ctx, ctx.period_rows)),
        element("dt", "Generated"),
        element("dd", f"{generated_at:%Y-%m-%d %H:%M} UTC"),
        element("dt", "Extracts"),
        element("dd", _extracts(sections)),
        class_="meta",
    )
    headline, _ = _headline(ctx)
    contents = element(
        "nav",
        element("h2", "Contents"),
        element(
            "ol",
            *(
                element("li", element("a", section.title, href=f"#{section.key}"))
                for section in sections
            ),
        ),
        aria_label="Contents",
    )
    body = [
        element("section", element("h2", section.title), section.body, id=section.key)
        for section in sections
    ]
    footer = element(
        "footer",
        element(
            "p",
            (
                "Read from the governed tables of the release (kpi_scorecard, kpi_definitions, "
                "kpi_diagnostics, kpi_review_log; comments from fct_comment_themes, MRR from "
                f"fct_mrr_movements{_sources(sections)}). The KPI rows of this pack: "
            ),
            element("a", CSV_FILE, href=CSV_FILE),
            ".",
        ),
    )
    header = element(
        "header",
        element("h1", title),
        element("p", _period_words(ctx), class_="subtitle"),
        meta,
        headline,
        _rules(ctx),
    )
    return document(title, fragment(header, contents, *body, footer))


def _write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)  # mkstemp creates 0600; packs are meant to be shared
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_review_pack(
    warehouse_file: Path,
    cadence: str,
    period_start: date,
    reports_root: Path,
    *,
    review_id: str,
    echo: Callable[[str], None] = print,
    min_sample_size: int | None = None,
) -> ReviewPack:
    """Write `reports_root/<cadence>/<label>/review.html` and `kpis.csv` (and the sections'
    extracts, e.g. `experiments.csv`, `attribution.csv`) for the closed period starting at
    `period_start`, reading the published warehouse file read-only.

    `min_sample_size` names the minimum sample in the rules line; by default it is read from
    the release (the smallest sample the scorecard judged sufficient).
    """
    started = time.perf_counter()
    grain = grain_of(cadence)
    check_period_start(grain, period_start)
    connection = duckdb.connect(str(warehouse_file), read_only=True)
    try:
        ctx = _load_context(connection, cadence, period_start, review_id, min_sample_size)
        sections = [build(ctx) for build in PACK_SECTIONS[cadence]]
        html_text = _page(ctx, sections, datetime.now(UTC))
    finally:
        connection.close()
    rows = [
        row
        for section in sections
        for row in section.rows
        if row.period_start == period_start and row.grain == grain
    ]
    directory = Path(reports_root) / cadence / ctx.label
    directory.mkdir(parents=True, exist_ok=True)
    extracts = [extract for section in sections for extract in section.extracts]
    pack = ReviewPack(
        directory=directory,
        html_path=directory / HTML_FILE,
        csv_path=directory / CSV_FILE,
        period_label=ctx.label,
        charts=sum(section.charts for section in sections),
        breaches=sum(row.status == "breach" for row in ctx.period_rows),
        diagnostics=len(ctx.diagnostics),
        restatements=len(ctx.restatements.rows),
        extract_paths=tuple(directory / extract.file_name for extract in extracts),
    )
    _write_atomically(pack.csv_path, csv_text(rows))
    for extract in extracts:
        _write_atomically(directory / extract.file_name, extract.text)
    for stale in set(SECTION_EXTRACTS) - {extract.file_name for extract in extracts}:
        (directory / stale).unlink(missing_ok=True)  # from an earlier write of the period
    _write_atomically(pack.html_path, html_text)
    echo(
        f"  {cadence} review {ctx.label}: {pack.charts} charts, {pack.breaches} breaches, "
        f"{pack.diagnostics} diagnostics, {pack.restatements} restatements "
        f"-> {pack.html_path} ({time.perf_counter() - started:.1f} s)"
    )
    return pack
