"""Attribution of the period's conversions: credit by touch group and by channel under the five
models, each compared with last touch, read from the governed `fct_attribution_summary`, and one
sentence, computed from it, on what trust-building touches earn under the multi-touch models."""

from __future__ import annotations

from empathy.reviews.attribution_reads import (
    MODEL_NAMES,
    MODELS,
    MULTI_TOUCH,
    TRUST_BUILDING,
    Attribution,
    Credit,
    CreditTable,
    read_attribution,
)
from empathy.reviews.context import Extract, PackContext, Section
from empathy.reviews.credit_charts import CreditPanel, credit_multiples
from empathy.reviews.markup import Markup, element, fragment
from empathy.reviews.page import Column, empty, figure, note, table
from empathy.reviews.readout_extracts import ATTRIBUTION_FILE, attribution_csv
from empathy.reviews.units import NO_VALUE, format_change, format_money, format_value

KEY = "attribution"
TITLE = "Attribution: credit by model, compared with last touch"
DIMENSION_NAMES = {"touch_group": "touch group", "channel": "channel"}
REFERENCE = "last_touch"


def _share(value: float | None) -> str:
    return format_value(value, "ratio")


def _money(value: float | None) -> str:
    return NO_VALUE if value is None else format_money(value)


def _earns(found: Credit | None) -> str:
    """`$132,487 (19.4%)`."""
    if found is None or found.credit is None:
        return f"{format_money(0)} (0.0%)"
    return f"{format_money(found.credit)} ({_share(found.credit_share)})"


def _versus(found: Credit | None, base: float) -> str:
    if found is None or found.credit is None:
        return "nothing"
    if base <= 0:
        return f"{_earns(found)}, {format_money(found.credit)} more"
    ratio = found.credit / base
    return f"{_earns(found)}, {ratio:.2f} times the last-touch credit"


def _verdict(amounts: list[tuple[str, float]], base: float) -> str:
    """`more under every multi-touch model`, or which models give more, less or the same."""
    sides: dict[str, list[str]] = {"more": [], "less": [], "the same": []}
    for model, amount in amounts:
        side = "more" if amount > base + 0.005 else "less" if amount < base - 0.005 else "the same"
        sides[side].append(MODEL_NAMES[model].lower())
    for side, models in sides.items():
        if len(models) == len(amounts):
            return f"{side} under every multi-touch model"
    return ", ".join(
        f"{side} under {' and '.join(models)}" for side, models in sides.items() if models
    )


def trust_building_sentence(attribution: Attribution, label: str) -> str:
    """What trust-building touches earn under each multi-touch model against last touch."""
    groups = attribution.tables.get("touch_group")
    cells = {model: groups.get(TRUST_BUILDING, model) if groups else None for model in MODELS}
    credits = [c.credit for c in cells.values() if c is not None and c.credit is not None]
    if not credits or not any(credits):
        return (
            f"Trust-building touches earned no credit in {label}: no conversion had one in "
            "its look-back window."
        )
    last = cells[REFERENCE]
    base = last.credit if last is not None and last.credit is not None else 0.0
    multi = [cells[model] for model in MULTI_TOUCH]
    verdict = _verdict(
        [
            (model, (found.credit or 0.0) if found else 0.0)
            for model, found in zip(MULTI_TOUCH, multi, strict=True)
        ],
        base,
    )
    base_text = (
        f"{_earns(last)} of the {_money(last.period_value if last else None)} conversion value"
        if base > 0
        else "nothing"
    )
    details = "; ".join(
        f"{MODEL_NAMES[model].lower()} {_versus(found, base)}"
        for model, found in zip(MULTI_TOUCH, multi, strict=True)
    )
    return (
        f"In {label}, trust-building touches earn {base_text} under last touch, and {verdict}: "
        f"{details}. First touch gives them {_earns(cells['first_touch'])}."
    )


def _panel(table_: CreditTable, model: str) -> CreditPanel:
    shares, tooltips = [], []
    for value in table_.values:
        found = table_.get(value, model)
        shares.append(found.credit_share if found else None)
        if found is None:
            tooltips.append(f"{MODEL_NAMES[model]} · {value}: no row")
            continue
        versus = (
            ""
            if model == REFERENCE
            else f"; last touch {_money(found.last_touch_credit)} "
            f"({_share(found.last_touch_credit_share)}), "
            f"{format_change(found.credit_share_vs_last_touch, 'ratio')}"
        )
        tooltips.append(f"{MODEL_NAMES[model]} · {value}: {_earns(found)}{versus}")
    return CreditPanel(MODEL_NAMES[model], tuple(shares), tuple(tooltips))


def _chart(table_: CreditTable, label: str) -> Markup:
    dimension = DIMENSION_NAMES[table_.dimension]
    return credit_multiples(
        f"Share of the conversion value by {dimension} under each model, {label}",
        table_.values,
        _panel(table_, REFERENCE),
        [_panel(table_, model) for model in MODELS if model != REFERENCE],
    )


def _cell(found: Credit | None, model: str) -> Markup:
    if found is None:
        return fragment(NO_VALUE)
    if model == REFERENCE:
        return fragment(
            _money(found.credit), element("span", _share(found.credit_share), class_="sub")
        )
    change = format_change(found.credit_share_vs_last_touch, "ratio")
    return fragment(
        _money(found.credit),
        element("span", f"{_share(found.credit_share)} · {change}", class_="sub"),
    )


def _table(table_: CreditTable) -> Markup:
    columns = [Column(DIMENSION_NAMES[table_.dimension].capitalize())]
    columns += [Column(MODEL_NAMES[model], True) for model in MODELS]
    rows = [
        (value, *(_cell(table_.get(value, model), model) for model in MODELS))
        for value in table_.values
    ]
    return table(
        columns,
        rows,
        caption="Credit in USD; below it the share of the conversion value and, for the other "
        "models, the difference in share from last touch (pp).",
    )


def attribution(ctx: PackContext) -> Section:
    found = read_attribution(ctx.connection, ctx.grain, ctx.period_start)
    if not found.available:
        return Section(
            key=KEY,
            title=TITLE,
            body=empty("This release has no fct_attribution_summary: no attribution."),
        )
    extract = Extract(
        ATTRIBUTION_FILE,
        attribution_csv(found.rows),
        "attribution credit by touch group and channel under each model",
    )
    if not found.has_conversions:
        return Section(
            key=KEY,
            title=TITLE,
            body=empty(f"No conversions in {ctx.label}: nothing to attribute."),
            extracts=(extract,),
        )
    intro = note(
        f"Conversions of {ctx.label} (by the conversion's instant, UTC), "
        f"{_money(found.period_value)} of conversion value, credited to the touches in each "
        "conversion's look-back window under first touch, last touch, linear, position-based "
        "(40/20/40) and time decay, from fct_attribution_summary. 'unattributed' is the value "
        "of conversions without a touch in their window."
    )
    blocks: list[Markup] = [
        intro,
        element("p", trust_building_sentence(found, ctx.label), class_="finding"),
    ]
    charts = 0
    for dimension in ("touch_group", "channel"):
        table_ = found.tables[dimension]
        if not table_.values:
            continue
        blocks.append(element("h3", f"By {DIMENSION_NAMES[dimension]}"))
        blocks.append(element("div", figure(_chart(table_, ctx.label)), class_="scroll"))
        blocks.append(_table(table_))
        charts += 1
    return Section(key=KEY, title=TITLE, body=fragment(*blocks), charts=charts, extracts=(extract,))
