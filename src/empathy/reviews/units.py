"""How KPI values, intervals and changes are written, by the unit the registry gives them."""

from __future__ import annotations

import math

INSUFFICIENT = "insufficient"
NO_VALUE = "\N{EN DASH}"

# unit -> (scale applied before writing, decimals, prefix, suffix)
_VALUE_FORMATS: dict[str, tuple[float, int, str, str]] = {
    "ratio": (100.0, 1, "", "%"),
    "percent": (1.0, 1, "", "%"),
    "nps": (1.0, 1, "", ""),
    "seconds": (1.0, 0, "", " s"),
    "days": (1.0, 1, "", " d"),
    "usd": (1.0, 0, "$", ""),
    "usd_per_day": (1.0, 0, "$", "/day"),
    "score_1_5": (1.0, 2, "", ""),
    "score_1_7": (1.0, 2, "", ""),
    "score_1_10": (1.0, 2, "", ""),
    "pages": (1.0, 2, "", ""),
    "contacts_per_customer": (1.0, 2, "", ""),
}
# unit -> how a difference is written when it differs from the value's own suffix
_CHANGE_SUFFIX = {"ratio": " pp", "nps": " pts"}


def _is_number(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _minutes(value: float, signed: bool) -> str:
    hours = abs(value) >= 120
    shown = round(value / 60 if hours else value, 1)
    sign = "+" if signed and shown > 0 else "-" if shown < 0 else ""
    return f"{sign}{abs(shown):,.1f} {'h' if hours else 'min'}"


def format_value(value: float | None, unit: str) -> str:
    """A value in its unit: `72.0%`, `46.7`, `21.2 h`, `$55,589`."""
    if not _is_number(value):
        return NO_VALUE
    assert value is not None
    if unit == "minutes":
        return _minutes(value, signed=False)
    scale, decimals, prefix, suffix = _VALUE_FORMATS.get(unit, (1.0, 2, "", ""))
    scaled = round(value * scale, decimals)
    sign = "-" if scaled < 0 else ""  # after rounding, so that -1e-17 reads 0.0, not -0.0
    return f"{sign}{prefix}{abs(scaled):,.{decimals}f}{suffix}"


def format_change(change: float | None, unit: str) -> str:
    """A difference between two values: `+3.9 pp` for ratios, `-2.2 pts` for NPS."""
    if not _is_number(change):
        return NO_VALUE
    assert change is not None
    if unit == "minutes":
        return _minutes(change, signed=True)
    scale, decimals, prefix, suffix = _VALUE_FORMATS.get(unit, (1.0, 2, "", ""))
    scaled = round(change * scale, decimals)
    sign = "+" if scaled > 0 else "-" if scaled < 0 else "±"
    suffix = _CHANGE_SUFFIX.get(unit, suffix)
    return f"{sign}{prefix}{abs(scaled):,.{decimals}f}{suffix}"


def format_interval(low: float | None, high: float | None, unit: str) -> str:
    if not (_is_number(low) and _is_number(high)):
        return "no interval"
    return f"{format_value(low, unit)} to {format_value(high, unit)}"


def format_count(count: int | None) -> str:
    return NO_VALUE if count is None else f"{count:,}"


def format_money(amount: float) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.0f}"
