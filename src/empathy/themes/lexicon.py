"""The theme lexicon: loaded from the dbt seed ``seeds/reference/theme_lexicon.csv`` and validated.

Each row is one cue: ``lexicon_version, theme, phrase, polarity, match``.

- ``theme`` is one of the six themes, or ``general`` for words that carry sentiment but no theme
  ("great", "useless", "thanks"). ``general`` rows with polarity ``neutral`` are hedges ("ok",
  "fine", "mostly"): they turn praise in their clause into a neutral reading. ``none`` rows
  (polarity ``neutral``) are phrases that contain a cue but are not one ("to be honest", "thanks
  for your patience"): they are matched so that the shorter cue inside them is not.
- ``polarity`` is what the cue says when it is not negated. A ``neutral`` theme cue ("response
  time", "tone") only says which theme is talked about; its polarity comes from the sentiment
  words in the same clause.
- ``match`` is ``word`` (every word must be equal) or ``prefix`` (the last word of the phrase is a
  prefix: ``confus`` matches "confused" and "confusing"; earlier words must be equal).

Phrases are normalised like comments (``empathy.themes.tokens``), so ``can't fault`` in the CSV
matches "cant fault" and "can not fault" in a comment, and ``#`` stands for any number ("took #
days" matches "took 3 days" and "took three days"). Every row carries the same version; the
version is stamped on every coded comment.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from empathy.themes.tokens import tokenise

THEMES: tuple[str, ...] = ("clarity", "tone", "speed", "trust", "accuracy", "effort")
GENERAL = "general"
NOT_A_CUE = "none"
POLARITIES: tuple[str, ...] = ("negative", "neutral", "positive")
MATCH_KINDS: tuple[str, ...] = ("word", "prefix")
COLUMNS: tuple[str, ...] = ("lexicon_version", "theme", "phrase", "polarity", "match")
MIN_PREFIX = 3
DEFAULT_LEXICON_PATH = (
    Path(__file__).resolve().parents[3] / "seeds" / "reference" / "theme_lexicon.csv"
)
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")


class LexiconError(ValueError):
    """The lexicon file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class Entry:
    """One cue of the lexicon, with its phrase as normalised words."""

    theme: str
    phrase: str
    words: tuple[str, ...]
    polarity: str
    match: str

    def matches_at(self, tokens: Sequence[str], start: int) -> bool:
        """Whether the phrase occurs in ``tokens`` beginning at ``start``."""
        end = start + len(self.words)
        if end > len(tokens):
            return False
        last = len(self.words) - 1
        for offset, word in enumerate(self.words):
            token = tokens[start + offset]
            if offset == last and self.match == "prefix":
                if not token.startswith(word):
                    return False
            elif token != word:
                return False
        return True

    @property
    def specificity(self) -> tuple[int, int, int]:
        """Ordering among cues that match at the same place: more words, exact, longer."""
        return (len(self.words), self.match == "word", len(self.words[-1]))


@dataclass(frozen=True)
class Match:
    """A lexicon cue found in a clause, covering tokens ``start`` to ``end`` (exclusive)."""

    entry: Entry
    start: int
    end: int


@dataclass(frozen=True)
class Lexicon:
    """The validated cues of one lexicon version, indexed for matching."""

    version: str
    entries: tuple[Entry, ...]
    _by_word: dict[str, tuple[Entry, ...]] = field(init=False, repr=False, compare=False)
    _by_stem: dict[str, tuple[Entry, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Exact cues are found by their first word; one-word prefixes by their first letters.
        by_word: dict[str, list[Entry]] = {}
        by_stem: dict[str, list[Entry]] = {}
        for entry in self.entries:
            if entry.match == "prefix" and len(entry.words) == 1:
                by_stem.setdefault(entry.words[0][:MIN_PREFIX], []).append(entry)
            else:
                by_word.setdefault(entry.words[0], []).append(entry)
        object.__setattr__(self, "_by_word", _most_specific_first(by_word))
        object.__setattr__(self, "_by_stem", _most_specific_first(by_stem))

    def find(self, tokens: Sequence[str]) -> list[Match]:
        """Cues in ``tokens``, left to right; at each place the most specific cue wins and the
        words it covers are not matched again."""
        matches: list[Match] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            best: Entry | None = None
            for candidates in (
                self._by_word.get(token, ()),
                self._by_stem.get(token[:MIN_PREFIX], ()),
            ):
                for entry in candidates:
                    if entry.matches_at(tokens, i):
                        if best is None or entry.specificity > best.specificity:
                            best = entry
                        break
            if best is None:
                i += 1
                continue
            end = i + len(best.words)
            matches.append(Match(best, i, end))
            i = end
        return matches


def _most_specific_first(index: dict[str, list[Entry]]) -> dict[str, tuple[Entry, ...]]:
    return {
        key: tuple(sorted(found, key=lambda e: e.specificity, reverse=True))
        for key, found in index.items()
    }


def _cell(row: dict[str, str | None], column: str) -> str:
    # A short row leaves its missing cells as None.
    return (row.get(column) or "").strip()


def _entry(row: dict[str, str | None], line: int, problems: list[str]) -> Entry | None:
    theme, phrase = _cell(row, "theme"), _cell(row, "phrase")
    polarity, match = _cell(row, "polarity"), _cell(row, "match")
    where = f"line {line} ({phrase!r})"
    if theme not in (*THEMES, GENERAL, NOT_A_CUE):
        problems.append(f"{where}: theme {theme!r} is not one of {(*THEMES, GENERAL, NOT_A_CUE)}")
    if theme == NOT_A_CUE and polarity != "neutral":
        problems.append(f"{where}: a {NOT_A_CUE!r} row must have polarity neutral")
    if polarity not in POLARITIES:
        problems.append(f"{where}: polarity {polarity!r} is not one of {POLARITIES}")
    if match not in MATCH_KINDS:
        problems.append(f"{where}: match {match!r} is not one of {MATCH_KINDS}")
    words = tuple(tokenise(phrase))
    if not words:
        problems.append(f"{where}: the phrase has no words")
        return None
    if match == "prefix" and len(words[-1]) < MIN_PREFIX:
        problems.append(f"{where}: a prefix needs at least {MIN_PREFIX} letters")
    return Entry(theme, phrase, words, polarity, match)


def parse_lexicon(rows: Sequence[dict[str, str | None]], source: str = "lexicon") -> Lexicon:
    """Validate lexicon rows (as read by ``csv.DictReader``) and build the lexicon."""
    problems: list[str] = []
    versions = {_cell(row, "lexicon_version") for row in rows}
    if len(versions) > 1:
        problems.append(f"every row must carry the same lexicon_version, found {sorted(versions)}")
    version = min(versions) if versions else ""
    if versions and not _VERSION.match(version):
        problems.append(f"lexicon_version {version!r} is not of the form MAJOR.MINOR.PATCH")
    entries: list[Entry] = []
    seen: dict[tuple[tuple[str, ...], str], int] = {}
    for line, row in enumerate(rows, start=2):
        entry = _entry(row, line, problems)
        if entry is None:
            continue
        key = (entry.words, entry.match)
        if key in seen:
            problems.append(
                f"line {line} ({entry.phrase!r}): the same cue as line {seen[key]}; a phrase may "
                "belong to one theme only"
            )
        seen[key] = line
        entries.append(entry)
    if not entries:
        problems.append("the lexicon has no rows")
    if problems:
        raise LexiconError(f"{source}: " + "; ".join(problems))
    return Lexicon(version=version, entries=tuple(entries))


@lru_cache(maxsize=8)
def _load(path: Path) -> Lexicon:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if tuple(reader.fieldnames or ()) != COLUMNS:
                raise LexiconError(
                    f"{path}: columns must be {', '.join(COLUMNS)}, found {reader.fieldnames}"
                )
            rows = list(reader)
    except FileNotFoundError as error:
        raise LexiconError(f"theme lexicon not found at {path}") from error
    return parse_lexicon(rows, source=str(path))


def load_lexicon(path: Path | str | None = None) -> Lexicon:
    """The lexicon at ``path`` (default: the dbt seed), read once per path."""
    return _load(Path(path or DEFAULT_LEXICON_PATH).resolve())


def lexicon_version(path: Path | str | None = None) -> str:
    """The version every row of the lexicon at ``path`` carries."""
    return load_lexicon(path).version
