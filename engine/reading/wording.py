"""Finding listed words in a wish as a reader would.

Latin words match whole, in any of their usual forms: "get well" finds "get-well-soon",
"mother's day" finds "Mothers Day", "birthday" finds "birthdays". Chinese words match where
jieba does not cut through them (`engine.reading.segment`). Other text (emoji) matches as written.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from engine.reading.segment import words as segmented

_SEPARATOR = r"[\s\-_/]+"
_POSSESSIVE = re.compile(r"(?:'s|s'|')$")


@dataclass(frozen=True)
class Hit:
    """Where one listed word was found."""

    start: int
    end: int
    word: str


def _latin_part(part: str) -> str:
    """One Latin word with its plural and possessive forms."""
    base = _POSSESSIVE.sub("", part)
    if not base[-1:].isalpha():
        return re.escape(base)
    stem = re.escape(base)
    if base.endswith("y") and len(base) > 3:
        stem = re.escape(base[:-1]) + "(?:y|ie)"  # birthdays, babies
    return stem + r"(?:'s|s'|s|es|')?"


@functools.cache
def _pattern(word: str) -> re.Pattern[str]:
    if word.isascii() and word[:1].isalnum():
        parts = [_latin_part(part) for part in re.split(_SEPARATOR, word) if part]
        return re.compile(rf"(?<![a-z0-9]){_SEPARATOR.join(parts)}(?![a-z])")
    return re.compile(re.escape(word))


@functools.cache
def word_list(words: str) -> tuple[str, ...]:
    """The words of a `|`-separated list."""
    return tuple(word for word in words.split("|") if word)


def find_word(text: str, word: str) -> list[Hit]:
    """Every place a lower-cased text says `word` (Chinese words only where jieba agrees)."""
    hits = [Hit(m.start(), m.end(), word) for m in _pattern(word).finditer(text)]
    if hits and not word.isascii():
        cut = segmented(text)
        hits = [hit for hit in hits if not cut.straddles(hit.start, hit.end)]
    return hits


def find_words(text: str, words: str) -> list[Hit]:
    """Every hit of any of the `|`-separated words, in text order."""
    found = [hit for word in word_list(words) for hit in find_word(text, word)]
    return sorted(found, key=lambda hit: (hit.start, -hit.end))
