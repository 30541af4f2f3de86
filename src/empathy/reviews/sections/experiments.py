"""Experiment read-outs: for each experiment running or concluding in the period (the rule is in
`empathy.reviews.experiment_reads`), each variant's decision with its reason, the sample-ratio
check, the metrics of the decision read against control (guardrails marked), a forest plot of
their lifts, and the primary metric's lift 1, 2, 4 and 8 weeks after exposure.

The statistical rule of the KPIs holds: a comparison whose arms do not both reach the minimum
sample shows no value, lift, interval or p-value, only "insufficient" with the sample sizes."""

from __future__ import annotations

from collections.abc import Sequence

from empathy.reviews.context import Extract, PackContext, Section
from empathy.reviews.data import KpiDefinition
from empathy.reviews.experiment_reads import (
    ArmRead,
    ExperimentReads,
    ExperimentRun,
    read_experiments,
)
from empathy.reviews.lift_charts import LiftRow, WindowPoint, forest_plot, lift_by_window
from empathy.reviews.markup import Markup, element, fragment
from empathy.reviews.page import Column, empty, figure, note, table
from empathy.reviews.readout_extracts import EXPERIMENTS_FILE, experiments_csv
from empathy.reviews.units import (
    INSUFFICIENT,
    NO_VALUE,
    format_change,
    format_count,
    format_value,
)

KEY = "experiments"
TITLE = "Experiment read-outs"
ROLE_ORDER = {"primary": 0, "guardrail": 1, "secondary": 2}
DECISIONS = {
    "ship": "ship",
    "do_not_ship": "do not ship",
    "trade_off": "trade-off",
    "inconclusive": "inconclusive",
}
OUTCOMES = {
    "better": ("better", "significant good"),
    "worse": ("worse", "significant bad"),
    "no_change": ("no significant change", "noise"),
    "not_testable": ("not testable (no spread)", "noise"),
    "insufficient_sample": (INSUFFICIENT, "insufficient"),
}
METRIC_COLUMNS = (
    Column("Metric"),
    Column("Role"),
    Column("Control", True),
    Column("Variant", True),
    Column("Lift", True),
    Column("95% interval", True),
    Column("Holm p", True),
    Column("Outcome"),
)
WINDOW_COLUMNS = (
    Column("Read"),
    Column("Control", True),
    Column("Variant", True),
    Column("Lift", True),
    Column("95% interval", True),
    Column("Holm p", True),
    Column("Outcome"),
    Column("Decision in this read"),
)


def metric_unit(row: ArmRead, definitions: dict[str, KpiDefinition]) -> str:
    """How the metric's values are written: rates as percentages, means in their KPI's unit
    (NPS points, minutes), revenue in USD."""
    if row.metric_kind == "rate":
        return "ratio"
    if row.kpi_id and row.kpi_id in definitions:
        return definitions[row.kpi_id].unit
    return "usd" if "revenue" in row.metric else ""


def metric_name(metric: str, definitions: dict[str, KpiDefinition]) -> str:
    found = definitions.get(metric)
    return found.name if found else metric.replace("_", " ").capitalize()


def format_p(p: float | None) -> str:
    if p is None:
        return NO_VALUE
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _role(row: ArmRead) -> str:
    if row.is_guardrail_breached:
        return "guardrail breached"
    return row.metric_role


def _comparable(row: ArmRead) -> bool:
    return row.has_min_sample and row.metric_outcome != "insufficient_sample"


def _lift(row: ArmRead, unit: str) -> str:
    return format_change(row.lift_abs, unit)


def _interval(row: ArmRead, unit: str) -> str:
    if row.ci_low is None or row.ci_high is None:
        return "no interval"
    if unit == "minutes" and max(abs(row.ci_low), abs(row.ci_high)) >= 120:
        # both bounds in hours, as format_change writes the larger one
        low, high = (f"{bound / 60:+,.1f}" for bound in (row.ci_low, row.ci_high))
        return f"{low} h to {high} h"
    return f"{format_change(row.ci_low, unit)} to {format_change(row.ci_high, unit)}"


def _sizes(row: ArmRead, control: ArmRead | None) -> str:
    control_n = control.units if control else row.control_units
    return f"n = {format_count(control_n)} / {format_count(row.units)}"


def _arm(value: float | None, units: int | None, unit: str, shown: bool) -> Markup:
    if not shown:
        return element("span", f"{INSUFFICIENT} (n = {format_count(units)})", class_="insufficient")
    return fragment(
        format_value(value, unit), element("span", f"n = {format_count(units)}", class_="sub")
    )


def _arms(row: ArmRead, control: ArmRead | None, unit: str) -> tuple[Markup, Markup]:
    """The two arms' values. The scorecard's guard holds for the pair; the control row says
    whether the control arm alone reaches the minimum, so a short pair with a sufficient control
    means the variant is short, and with a short control the variant is not compared."""
    control_ok = control.has_min_sample if control else row.has_min_sample
    control_units = control.units if control else row.control_units
    control_cell = _arm(row.control_value, control_units, unit, control_ok)
    if row.has_min_sample or control_ok:
        return control_cell, _arm(row.value, row.units, unit, row.has_min_sample)
    not_compared = element(
        "span", f"not compared (n = {format_count(row.units)})", class_="insufficient"
    )
    return control_cell, not_compared


def _outcome(row: ArmRead, control: ArmRead | None) -> Markup:
    text, css = OUTCOMES.get(row.metric_outcome, (row.metric_outcome.replace("_", " "), "noise"))
    if row.metric_outcome == "insufficient_sample" or not row.has_min_sample:
        return element("span", f"{INSUFFICIENT} ({_sizes(row, control)})", class_="insufficient")
    return element("span", text, class_=css)


def _tone(row: ArmRead) -> str:
    return {"better": "good", "worse": "bad"}.get(row.metric_outcome, "")


def _ordered(rows: Sequence[ArmRead]) -> list[ArmRead]:
    return sorted(rows, key=lambda r: (ROLE_ORDER.get(r.metric_role, 3), r.metric_family, r.metric))


def _metric_rows(
    reads: Sequence[ArmRead], controls: dict[tuple[str, int], ArmRead], ctx: PackContext
) -> list[tuple[Markup | str, ...]]:
    rows = []
    for row in reads:
        unit = metric_unit(row, ctx.definitions)
        control = controls.get((row.metric, row.weeks_after_exposure))
        control_cell, variant_cell = _arms(row, control, unit)
        comparable = _comparable(row)
        role = _role(row)
        lift = fragment(
            _lift(row, unit),
            element("span", f"{row.lift_rel:+.1%} relative", class_="sub")
            if row.lift_rel is not None
            else None,
        )
        rows.append(
            (
                fragment(
                    element("strong", metric_name(row.metric, ctx.definitions))
                    if row.is_primary
                    else metric_name(row.metric, ctx.definitions),
                    element(
                        "span",
                        f"{row.metric} · {row.metric_family.replace('_', '-')}",
                        class_="kpi-id",
                    ),
                ),
                element("span", role, class_="bad significant")
                if row.is_guardrail_breached
                else fragment(role),
                control_cell,
                variant_cell,
                lift if comparable else fragment(NO_VALUE),
                fragment(_interval(row, unit) if comparable else NO_VALUE),
                fragment(
                    format_p(row.p_value_adjusted) if comparable else NO_VALUE,
                    element("span", f"raw {format_p(row.p_value)}", class_="sub")
                    if comparable
                    else None,
                ),
                _outcome(row, control),
            )
        )
    return rows


def _forest(
    reads: Sequence[ArmRead],
    controls: dict[tuple[str, int], ArmRead],
    ctx: PackContext,
    title: str,
) -> Markup:
    lift_rows = []
    for row in reads:
        unit = metric_unit(row, ctx.definitions)
        name = metric_name(row.metric, ctx.definitions)
        control = controls.get((row.metric, row.weeks_after_exposure))
        if not _comparable(row) or row.lift_abs is None:
            reason = (
                f"{INSUFFICIENT} ({_sizes(row, control)})" if not _comparable(row) else "no lift"
            )
            lift_rows.append(
                LiftRow(
                    name,
                    _role(row),
                    None,
                    None,
                    None,
                    "",
                    reason,
                    f"{name}: {reason}",
                    row.is_primary,
                )
            )
            continue
        text = f"{_lift(row, unit)} ({_interval(row, unit)})"
        tooltip = (
            f"{name}: lift {text}, Holm-adjusted p {format_p(row.p_value_adjusted)}, "
            f"{OUTCOMES.get(row.metric_outcome, (row.metric_outcome, ''))[0]}"
        )
        lift_rows.append(
            LiftRow(
                name,
                _role(row),
                row.lift_abs,
                row.ci_low,
                row.ci_high,
                _tone(row),
                text,
                tooltip,
                row.is_primary,
            )
        )
    return forest_plot(title, lift_rows)


def _long_term(
    rows: Sequence[ArmRead],
    controls: dict[tuple[str, int], ArmRead],
    windows: Sequence[int],
    ctx: PackContext,
    title: str,
) -> tuple[Markup, int]:
    """The primary metric in every read window: a chart and its table."""
    primary = {row.weeks_after_exposure: row for row in rows if row.is_primary}
    if not primary:
        return empty("The experiment has no primary metric: no long-term read."), 0
    first = next(iter(primary.values()))
    unit = metric_unit(first, ctx.definitions)
    name = metric_name(first.metric, ctx.definitions)
    points, table_rows = [], []
    for weeks in windows:
        label = f"{weeks} wk"
        row = primary.get(weeks)
        if row is None:
            reason = f"not read yet: no unit has had {_weeks(weeks)} since exposure"
            points.append(WindowPoint(label, None, None, None, "", f"{label}: {reason}"))
            table_rows.append(
                (
                    _weeks(weeks),
                    element("span", reason, class_="note"),
                    *([NO_VALUE] * 5),
                    NO_VALUE,
                )
            )
            continue
        control = controls.get((row.metric, weeks))
        control_cell, variant_cell = _arms(row, control, unit)
        comparable = _comparable(row) and row.lift_abs is not None
        if comparable:
            text = f"{_lift(row, unit)} ({_interval(row, unit)})"
            points.append(
                WindowPoint(
                    label,
                    row.lift_abs,
                    row.ci_low,
                    row.ci_high,
                    _tone(row),
                    f"{name}, {weeks} weeks after exposure: lift {text}",
                )
            )
        else:
            points.append(
                WindowPoint(
                    label,
                    None,
                    None,
                    None,
                    "",
                    f"{name}, {weeks} weeks after exposure: {INSUFFICIENT} "
                    f"({_sizes(row, control)})",
                )
            )
        decision = DECISIONS.get(row.decision or "", NO_VALUE)
        read = _weeks(weeks) + (" (decision read)" if row.is_decision_read else "")
        table_rows.append(
            (
                read,
                control_cell,
                variant_cell,
                _lift(row, unit) if comparable else NO_VALUE,
                _interval(row, unit) if comparable else NO_VALUE,
                format_p(row.p_value_adjusted) if comparable else NO_VALUE,
                _outcome(row, control),
                decision,
            )
        )
    chart = lift_by_window(title, points, lambda value: format_change(value, unit))
    body = fragment(
        element("h4", f"Long-term read: {name} by weeks after exposure"),
        figure(chart, f"Lift of {name} against control per read window, with 95% interval"),
        table(WINDOW_COLUMNS, table_rows),
    )
    return body, 1


def _weeks(weeks: int) -> str:
    return f"{weeks} week" + ("s" if weeks != 1 else "")


def _decision_line(row: ArmRead | None, variant: str) -> Markup:
    if row is None or row.decision is None:
        return element(
            "p",
            element("strong", f"{variant}: "),
            "no decision read yet (no unit has had the decision read's weeks since exposure).",
            class_="decision",
        )
    return element(
        "p",
        element("strong", f"{variant} vs control: "),
        element(
            "span",
            DECISIONS.get(row.decision, row.decision),
            class_=f"badge decision-{row.decision}",
        ),
        f" at the {row.weeks_after_exposure}-week read: {row.decision_reason or 'no reason'}.",
        class_="decision",
    )


def _srm_line(rows: Sequence[ArmRead]) -> Markup:
    found = next((row for row in rows if row.srm_p_value is not None), None)
    if found is None:
        return note("Sample ratio: not tested.")
    if any(row.is_sample_ratio_mismatch for row in rows):
        return element(
            "p",
            element("strong", "Sample-ratio mismatch: "),
            f"the split of units differs from the configured weights (chi-square p "
            f"{format_p(found.srm_p_value)}). The assignment is broken, so no read of this "
            "experiment is trusted and its decisions are inconclusive.",
            class_="bad srm",
        )
    return note(
        f"Sample ratio: chi-square p {format_p(found.srm_p_value)} against the configured "
        "weights, no mismatch."
    )


def _variant_block(
    run: ExperimentRun,
    variant: str,
    rows: Sequence[ArmRead],
    windows: Sequence[int],
    ctx: PackContext,
) -> tuple[list[Markup], int]:
    controls = {(r.metric, r.weeks_after_exposure): r for r in rows if r.is_control}
    mine = [r for r in rows if r.variant == variant]
    decision_reads = _ordered([r for r in mine if r.is_decision_read])
    blocks: list[Markup] = [_decision_line(decision_reads[0] if decision_reads else None, variant)]
    charts = 0
    if decision_reads:
        weeks = decision_reads[0].weeks_after_exposure
        units = max(decision_reads, key=lambda r: r.assigned_units)
        control_units = max(
            (c.assigned_units for (_, w), c in controls.items() if w == weeks), default=None
        )
        blocks.append(
            note(
                f"Decision read: {weeks} weeks after exposure, customers whose window has "
                f"closed: {format_count(control_units)} control, "
                f"{format_count(units.assigned_units)} {variant}. n under each value: the "
                "metric's observations."
            )
        )
        blocks.append(table(METRIC_COLUMNS, _metric_rows(decision_reads, controls, ctx)))
        blocks.append(
            figure(
                _forest(
                    decision_reads,
                    controls,
                    ctx,
                    f"{run.name}, {variant} vs control: lift of each metric at {weeks} weeks "
                    "with 95% interval",
                ),
                "Lift against control with its 95% interval; each metric on its own scale "
                "around the dashed zero line. Diamond: primary metric; green better, red worse, "
                "blue no significant change; grey cross: below the minimum sample.",
            )
        )
        charts += 1
    long_term, drawn = _long_term(
        mine,
        controls,
        windows,
        ctx,
        f"{run.name}, {variant} vs control: primary metric lift 1 to 8 weeks after exposure",
    )
    blocks.append(long_term)
    return blocks, charts + drawn


def _experiment(run: ExperimentRun, reads: ExperimentReads, ctx: PackContext) -> tuple[Markup, int]:
    rows = reads.rows_of(run.experiment_id)
    variants = sorted({row.variant for row in rows if not row.is_control})
    header = [
        element("h3", run.name, element("span", run.experiment_id, class_="kpi-id")),
        element("p", element("em", run.hypothesis)) if run.hypothesis else None,
        note(
            f"Exposure {run.first_exposure:%d %b %Y} to {run.last_exposure:%d %b %Y} UTC, "
            f"{format_count(run.units)} units analysed; platform status "
            f"{run.status or 'unknown'}. In {ctx.label}: "
            f"{run.phase_in(ctx.period_start, ctx.period_end)}."
        ),
        _srm_line(rows),
    ]
    if not variants:
        return element(
            "section",
            *header,
            empty("The scorecard has no variant rows."),
            class_="owner experiment",
        ), 0
    blocks: list[Markup] = []
    charts = 0
    for variant in variants:
        found, drawn = _variant_block(run, variant, rows, reads.windows, ctx)
        blocks.extend(found)
        charts += drawn
    return element("section", *header, *blocks, class_="owner experiment"), charts


def experiment_readouts(ctx: PackContext) -> Section:
    reads = read_experiments(ctx.connection, ctx.period_start, ctx.period_end)
    if not reads.available:
        return Section(
            key=KEY,
            title=TITLE,
            body=empty(
                "This release has no experiment tables (experiment_scorecard, "
                "int_experiment_units): no read-outs."
            ),
        )
    extract = Extract(
        EXPERIMENTS_FILE,
        experiments_csv(reads.rows),
        "experiment rows of the read-outs, every read window",
    )
    if not reads.runs:
        return Section(
            key=KEY,
            title=TITLE,
            body=empty(
                f"No experiment was running or concluding in {ctx.label}: none assigned units "
                "in the period or still had exposure cohorts being read."
            ),
            extracts=(extract,),
        )
    intro = note(
        f"Experiments that assigned units in {ctx.label} or whose exposure cohorts were still "
        "being read (within the longest read window, 8 weeks, after the last exposure), from "
        "experiment_scorecard. Lift: variant minus control, with its 95% interval (normal for "
        "rates, Welch t for means). Holm p: adjusted across the experiment's metrics; a lift "
        "counts only when it is below 0.05 and both arms reach the minimum sample, otherwise "
        "the arms read 'insufficient' and no lift is shown. The decision is the scorecard's "
        "at the decision read; the long-term read shows whether the effect builds up or fades."
    )
    blocks, charts = [], 0
    for run in reads.runs:
        block, drawn = _experiment(run, reads, ctx)
        blocks.append(block)
        charts += drawn
    return Section(
        key=KEY,
        title=TITLE,
        body=fragment(intro, *blocks),
        charts=charts,
        extracts=(extract,),
    )
