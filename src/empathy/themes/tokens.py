"""Turning a comment into lower-case word tokens, grouped into clauses.

The coder and the lexicon loader share this module, so a phrase in the lexicon and a comment are
normalised the same way:

- lower case; typographic apostrophes become ``'``; the ``[email]`` / ``[phone]`` placeholders left
  by pseudonymisation are dropped;
- negative contractions are spelled out (``wasn't`` -> ``was not``, ``can't`` -> ``can not``,
  ``didnt`` -> ``did not``), other contractions lose their ending (``I'm`` -> ``i``);
- hyphens separate words (``copy-pasted`` -> ``copy pasted``); numbers, written in digits or as
  words from two upwards, become ``#`` so that ``took 3 days`` and ``took three days`` read alike;
- the comment is cut into clauses at sentence punctuation, commas, dashes and contrast words.

A clause carries a weight for how much it counts towards the comment's overall reading: the clause
after ``but``, ``however``, ``yet``, ``until`` or ``except`` usually carries the point (weight 2),
the clause after ``although``, ``even though``, ``even if`` or ``despite`` is conceded (weight
0.5), and any other clause counts 1 (including one after a mid-sentence ``though``: "accurate,
though hard to follow" is balanced).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMBER = "#"

_PLACEHOLDER = re.compile(r"\[(?:email|phone)\]")
_DASH = re.compile(r"\s[-\u2013\u2014]+\s|[\u2013\u2014]")
_IRREGULAR_NOT = {"won't": "will not", "can't": "can not", "shan't": "shall not", "ain't": "is not"}
_IRREGULAR_NOT_RE = re.compile(r"\b(?:" + "|".join(_IRREGULAR_NOT) + r")\b")
_NOT_SUFFIX = re.compile(r"\b([a-z]+)n't\b")
_OTHER_SUFFIX = re.compile(r"'(?:s|m|re|ve|d|ll)\b")
_TOKEN = re.compile(r"[a-z]+|\d+(?:[.,]\d+)*|#|[.!?;:,]")

# Negative contractions typed without the apostrophe ("didnt"). "wont" and "cant" are also words,
# but in support comments they almost always mean "will not" and "can not".
_BARE_NOT = {
    "dont": ("do", "not"),
    "doesnt": ("does", "not"),
    "didnt": ("did", "not"),
    "isnt": ("is", "not"),
    "wasnt": ("was", "not"),
    "werent": ("were", "not"),
    "arent": ("are", "not"),
    "cant": ("can", "not"),
    "cannot": ("can", "not"),
    "couldnt": ("could", "not"),
    "wouldnt": ("would", "not"),
    "shouldnt": ("should", "not"),
    "havent": ("have", "not"),
    "hasnt": ("has", "not"),
    "hadnt": ("had", "not"),
    "wont": ("will", "not"),
}
_NUMBER_WORDS = frozenset(
    {
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "fifteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "sixty",
        "hundred",
        "couple",
        "several",
    }
)
_PUNCTUATION = frozenset(".!?;:,")
# Contrast words open a new clause; the value is the weight of the clause they open.
CONTRAST_WEIGHTS: dict[str, float] = {
    "but": 2.0,
    "however": 2.0,
    "yet": 2.0,
    "until": 2.0,
    "except": 2.0,
    "although": 0.5,
    "though": 1.0,
    "despite": 0.5,
    "whereas": 1.0,
}
# Two-word contrast openers, checked before the single words ("even though", "even if").
_CONTRAST_PAIRS: dict[tuple[str, str], float] = {("even", "though"): 0.5, ("even", "if"): 0.5}


@dataclass(frozen=True)
class Clause:
    """A run of word tokens between clause boundaries, with its weight in the comment."""

    tokens: tuple[str, ...]
    weight: float


def normalise(text: str) -> str:
    """Lower-cased text with placeholders removed and contractions spelled out."""
    lowered = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    lowered = _PLACEHOLDER.sub(" ", lowered)
    lowered = _DASH.sub(" , ", lowered)
    lowered = _IRREGULAR_NOT_RE.sub(lambda m: _IRREGULAR_NOT[m.group(0)], lowered)
    lowered = _NOT_SUFFIX.sub(r"\1 not", lowered)
    return _OTHER_SUFFIX.sub("", lowered)


def _word_tokens(raw: str) -> list[str]:
    """Tokens of one normalised string: words, ``#`` for numbers, and punctuation marks."""
    tokens: list[str] = []
    for token in _TOKEN.findall(raw):
        if token[0].isdigit() or token == NUMBER or token in _NUMBER_WORDS:
            if not tokens or tokens[-1] != NUMBER:
                tokens.append(NUMBER)
        elif token in _BARE_NOT:
            tokens.extend(_BARE_NOT[token])
        else:
            tokens.append(token)
    return tokens


def tokenise(text: str) -> list[str]:
    """Word tokens of a text, punctuation removed (used for lexicon phrases)."""
    return [t for t in _word_tokens(normalise(text)) if t not in _PUNCTUATION]


def clauses(text: str) -> list[Clause]:
    """The comment as weighted clauses; empty clauses are dropped."""
    tokens = _word_tokens(normalise(text))
    result: list[Clause] = []
    current: list[str] = []
    weight = 1.0
    i = 0
    while i < len(tokens):
        token, step = tokens[i], 1
        opens = CONTRAST_WEIGHTS.get(token)
        if i + 1 < len(tokens) and (token, tokens[i + 1]) in _CONTRAST_PAIRS:
            opens, step = _CONTRAST_PAIRS[(token, tokens[i + 1])], 2
        if opens is None and token not in _PUNCTUATION:
            current.append(token)
        else:
            if current:
                result.append(Clause(tuple(current), weight))
            current = []
            weight = 1.0 if opens is None else opens
        i += step
    if current:
        result.append(Clause(tuple(current), weight))
    return result
