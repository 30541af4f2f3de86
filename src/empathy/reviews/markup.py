"""Building HTML and SVG with every value escaped.

`element` writes one tag; text children and attribute values are escaped unless they are already
`Markup` (the output of `element`, `fragment` or `escape`). Review packs put user text (survey
comments) on the page, so nothing reaches the page without passing through here.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable
from typing import Union

# HTML elements that never have children or an end tag.
VOID_ELEMENTS = frozenset({"meta", "br", "hr", "img", "input", "link", "col", "wbr"})

Child = Union["Markup", str, int, float, None, Iterable["Child"]]


class Markup(str):
    """A fragment of HTML or SVG that is already escaped."""

    __slots__ = ()


def escape(value: object) -> Markup:
    if isinstance(value, Markup):
        return value
    return Markup(html.escape(str(value), quote=True))


def number(value: float) -> str:
    """A coordinate or size for SVG: finite, at most two decimals."""
    if not math.isfinite(value):
        raise ValueError(f"cannot draw a non-finite number: {value!r}")
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _attribute_name(name: str) -> str:
    # class_ -> class, stroke_width -> stroke-width, aria_label -> aria-label
    return name.rstrip("_").replace("_", "-")


def _attribute_value(value: object) -> str:
    if isinstance(value, float):
        return number(value)
    return str(value)


def fragment(*children: Child) -> Markup:
    parts: list[str] = []
    for child in children:
        if child is None:
            continue
        if isinstance(child, str):
            parts.append(escape(child))
        elif isinstance(child, bool):
            raise TypeError("a boolean is not page content")
        elif isinstance(child, float):
            parts.append(number(child))
        elif isinstance(child, int):
            parts.append(str(child))
        else:
            parts.append(fragment(*child))
    return Markup("".join(parts))


def element(tag: str, *children: Child, **attributes: object) -> Markup:
    """`<tag attr="...">children</tag>`; attributes that are None or False are left out."""
    rendered = []
    for name, value in attributes.items():
        if value is None or value is False:
            continue
        if value is True:
            rendered.append(f" {_attribute_name(name)}")
        else:
            rendered.append(f' {_attribute_name(name)}="{escape(_attribute_value(value))}"')
    opening = f"<{tag}{''.join(rendered)}>"
    if tag in VOID_ELEMENTS:
        if children:
            raise ValueError(f"<{tag}> cannot have children")
        return Markup(opening)
    return Markup(f"{opening}{fragment(*children)}</{tag}>")
