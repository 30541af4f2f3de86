"""Qualitative themes: codes free-text customer comments offline with a versioned lexicon.

``code_comment(text)`` returns a ``CodedComment``: the themes the comment is about (clarity, tone,
speed, trust, accuracy, effort), each with a polarity, and one overall sentiment, stamped with
``CODER_VERSION`` and the lexicon version. The lexicon is the dbt seed
``seeds/reference/theme_lexicon.csv``, so the warehouse and the coder share one definition.

Modules: ``tokens`` (normalising and clause splitting), ``lexicon`` (loading and validating the
lexicon, finding cues), ``negation`` (negation scope), ``coder`` (reading a comment),
``evaluate`` (precision / recall on a labelled sample).
"""

from __future__ import annotations

from empathy.themes.coder import (
    CODER_VERSION,
    CodedComment,
    ThemeCoder,
    code_comment,
    code_comments,
)
from empathy.themes.lexicon import (
    DEFAULT_LEXICON_PATH,
    THEMES,
    Lexicon,
    LexiconError,
    lexicon_version,
    load_lexicon,
)


def __getattr__(name: str) -> str:
    # LEXICON_VERSION is read from the lexicon file when first asked for, not at import.
    if name == "LEXICON_VERSION":
        return lexicon_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CODER_VERSION",
    "DEFAULT_LEXICON_PATH",
    "LEXICON_VERSION",
    "THEMES",
    "CodedComment",
    "Lexicon",
    "LexiconError",
    "ThemeCoder",
    "code_comment",
    "code_comments",
    "lexicon_version",
    "load_lexicon",
]
