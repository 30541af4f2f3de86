"""Negation scope: which cues of a clause are negated.

A negator ("not", "no", "never", "nothing", "nobody", "without", ...; contractions are already
spelled out by the tokeniser) negates a cue that starts at most ``window`` words after it, unless a
scope-ending word ("and", "so", "because", "which", ...) comes in between. Clause boundaries
(punctuation, "but") end the scope too, because cues are only looked for inside one clause.

Examples: "not clear" and "no idea" read negative for clarity ("no idea" is itself a lexicon
phrase, and a negator inside a matched phrase is used up by it); "wasn't slow" reads positive for
speed; "didn't have to repeat myself" negates "repeat myself" three words away. A cue directly
followed by "nothing" or "none" ("explained nothing") is negated as well.

Some pairs look like negation but are not: "not only", "not just", "no doubt", "no wonder",
"nothing but", "no matter". A negator shortly after "wish" is counterfactual and is ignored: "I
wish I didn't have to log in twice" complains about effort.
"""

from __future__ import annotations

from collections.abc import Sequence

from empathy.themes.lexicon import Match

WINDOW = 4
NEGATORS = frozenset(
    {
        "not",
        "no",
        "never",
        "nothing",
        "nobody",
        "none",
        "neither",
        "nor",
        "without",
        "hardly",
        "barely",
        "nowhere",
        "zero",
    }
)
WISH = "wish"
WISH_REACH = 3
AFTER_NEGATORS = frozenset({"nothing", "none"})
SCOPE_ENDS = frozenset(
    {"and", "so", "because", "which", "while", "when", "then", "since", "if", "who", "whose"}
)
PSEUDO_NEGATIONS = frozenset(
    {
        ("not", "only"),
        ("not", "just"),
        ("no", "doubt"),
        ("no", "wonder"),
        ("nothing", "but"),
        ("no", "matter"),
    }
)


def negator_positions(tokens: Sequence[str], covered: set[int]) -> set[int]:
    """Positions of negators that are not part of a matched phrase nor a pseudo-negation."""
    found: set[int] = set()
    for i, token in enumerate(tokens):
        if token not in NEGATORS or i in covered:
            continue
        if i + 1 < len(tokens) and (token, tokens[i + 1]) in PSEUDO_NEGATIONS:
            continue
        if WISH in tokens[max(i - WISH_REACH, 0) : i]:
            continue
        found.add(i)
    return found


def negated(tokens: Sequence[str], matches: Sequence[Match], window: int = WINDOW) -> list[bool]:
    """For each match, whether it is in the scope of a negator of the same clause."""
    covered = {i for m in matches for i in range(m.start, m.end)}
    negators = negator_positions(tokens, covered)
    result: list[bool] = []
    for match in matches:
        is_negated = False
        for i in range(match.start - 1, max(match.start - window, 0) - 1, -1):
            if tokens[i] in SCOPE_ENDS:
                break
            if i in negators:
                is_negated = True
                break
        if not is_negated and match.end < len(tokens) and tokens[match.end] in AFTER_NEGATORS:
            is_negated = match.end in negators
        result.append(is_negated)
    return result
