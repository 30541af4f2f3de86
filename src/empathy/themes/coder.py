"""Coding a comment into themes with polarities and an overall sentiment.

How a comment is read:

1. It is cut into weighted clauses (``empathy.themes.tokens``): after "but" a clause counts
   double, after "although" half.
2. In each clause the lexicon's cues are found (``Lexicon.find``) and each is checked for negation
   (``empathy.themes.negation``); a negated cue flips its polarity ("wasn't slow" is speed
   positive). A negated neutral theme cue reads negative ("no response" for speed).
3. Within the clause, a neutral theme cue ("response time", "tone") takes the sign of the clause's
   general sentiment words ("response time was terrible"); a hedge ("ok", "fine", "mostly",
   "enough") turns praise in its clause into neutral ("mostly correct" is accuracy neutral), but
   leaves criticism alone ("a bit slow" stays negative).
4. Per theme, the signed clause weights are added up: the sign of the sum is the theme's polarity,
   zero is neutral. So in "wasn't clear at first but the second email cleared it up" the later,
   double-weighted clause wins, and "fast but wrong" keeps speed positive and accuracy negative.
5. The overall sentiment is the sign of the weighted sum of every polar cue (theme cues and
   general words; a neutral cue's borrowed sign is not counted twice).

Intensifiers ("very", "really", "so") are ignored. Sarcasm is not detected.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from empathy.themes.lexicon import GENERAL, NOT_A_CUE, THEMES, Entry, Lexicon, load_lexicon
from empathy.themes.negation import WINDOW, negated
from empathy.themes.tokens import Clause, clauses

CODER_VERSION = "1.0.0"
NEGATIVE, NEUTRAL, POSITIVE = "negative", "neutral", "positive"
_SIGN = {NEGATIVE: -1, NEUTRAL: 0, POSITIVE: 1}


def _label(score: float) -> str:
    if score > 0:
        return POSITIVE
    if score < 0:
        return NEGATIVE
    return NEUTRAL


@dataclass(frozen=True)
class CodedComment:
    """The coding of one comment: theme -> polarity (only coded themes), and overall sentiment."""

    themes: dict[str, str]
    sentiment: str
    coder_version: str
    lexicon_version: str


@dataclass(frozen=True)
class Cue:
    """A lexicon cue as found in a comment (for explaining a coding)."""

    phrase: str
    theme: str
    polarity: str
    negated: bool
    clause: int


@dataclass
class _ClauseReading:
    theme_signs: dict[str, list[int]] = field(default_factory=dict)
    sentiment: int = 0


class ThemeCoder:
    """Codes comments with one lexicon; deterministic and safe to reuse."""

    def __init__(self, lexicon: Lexicon | None = None, negation_window: int = WINDOW) -> None:
        self.lexicon = lexicon if lexicon is not None else load_lexicon()
        self.negation_window = negation_window

    def _found(self, clause: Clause) -> list[tuple[Entry, bool]]:
        """The lexicon cues of a clause, each with whether it is negated."""
        matches = self.lexicon.find(clause.tokens)
        flags = negated(clause.tokens, matches, self.negation_window)
        return [(m.entry, is_negated) for m, is_negated in zip(matches, flags, strict=True)]

    def cues(self, text: str | None) -> list[Cue]:
        """The cues found in ``text``, with their negation, clause by clause."""
        return [
            Cue(entry.phrase, entry.theme, entry.polarity, is_negated, number)
            for number, clause in enumerate(clauses(text or ""))
            for entry, is_negated in self._found(clause)
        ]

    def _read(self, clause: Clause) -> _ClauseReading:
        general = 0
        hedged = False
        # (theme, sign); None = a neutral cue that borrows the clause's sentiment.
        theme_cues: list[tuple[str, int | None]] = []
        for entry, is_negated in self._found(clause):
            sign = _SIGN[entry.polarity]
            if entry.theme == NOT_A_CUE:
                continue
            if entry.theme == GENERAL:
                if sign == 0 and is_negated:
                    general -= 1  # "not ok", "not enough"
                elif sign == 0:
                    hedged = True
                else:
                    general += -sign if is_negated else sign
            elif sign == 0:
                theme_cues.append((entry.theme, -1 if is_negated else None))
            else:
                theme_cues.append((entry.theme, -sign if is_negated else sign))
        reading = _ClauseReading(sentiment=general)
        clause_sign = (general > 0) - (general < 0)
        for theme, cue_sign in theme_cues:
            sign = clause_sign if cue_sign is None else cue_sign
            if hedged and sign > 0:
                sign = 0
            reading.theme_signs.setdefault(theme, []).append(sign)
            if cue_sign is not None:
                reading.sentiment += sign
        return reading

    def code(self, text: str | None) -> CodedComment:
        """The themes and sentiment of one comment; None or blank text codes to nothing."""
        scores: dict[str, float] = {}
        sentiment = 0.0
        for clause in clauses(text or ""):
            reading = self._read(clause)
            sentiment += clause.weight * reading.sentiment
            for theme, signs in reading.theme_signs.items():
                scores[theme] = scores.get(theme, 0.0) + clause.weight * sum(signs)
        themes = {theme: _label(scores[theme]) for theme in THEMES if theme in scores}
        return CodedComment(themes, _label(sentiment), CODER_VERSION, self.lexicon.version)

    def code_many(self, texts: Iterable[str | None]) -> list[CodedComment]:
        """Codes in input order; a repeated text is read once (each result has its own dict)."""
        done: dict[str | None, CodedComment] = {}
        result: list[CodedComment] = []
        for text in texts:
            coded = done.get(text)
            if coded is None:
                coded = done[text] = self.code(text)
            result.append(
                CodedComment(
                    dict(coded.themes), coded.sentiment, CODER_VERSION, coded.lexicon_version
                )
            )
        return result


@lru_cache(maxsize=8)
def _coder(lexicon_path: Path | None) -> ThemeCoder:
    return ThemeCoder(load_lexicon(lexicon_path))


def code_comment(text: str | None, lexicon_path: Path | str | None = None) -> CodedComment:
    """Code one comment with the lexicon at ``lexicon_path`` (default: the dbt seed)."""
    return _coder(Path(lexicon_path) if lexicon_path else None).code(text)


def code_comments(
    texts: Iterable[str | None], lexicon_path: Path | str | None = None
) -> list[CodedComment]:
    """Code many comments, in order, with the lexicon at ``lexicon_path``."""
    return _coder(Path(lexicon_path) if lexicon_path else None).code_many(texts)
