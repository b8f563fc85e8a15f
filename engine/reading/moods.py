"""Reading tone, art style, colours, motifs, layout and audience out of a request's words."""

from __future__ import annotations

import functools
import re

from engine.reading.lexicon import (
    ART_STYLES,
    AUDIENCES,
    COLOUR_WORDS,
    LAYOUT_WORDS,
    MOTIF_WORDS,
    NIGHT_WORDS,
    TONES,
)

LAYOUTS = ("flip", "envelope", "poster", "scroll")
LAYOUT_ALIASES = {
    "open": "envelope",
    "slide": "scroll",
    "parallax": "scroll",
    "fullbleed": "poster",
    "full-bleed": "poster",
    "overlay": "poster",
}
_PLURAL = re.compile(
    r"[和与跟、&]|们|一家|大家|团队|父母|爸妈|爷爷奶奶|外公外婆|\band\b|family|"
    r"team|colleagues|parents|clients|customers|friends|everyone|all of you"
)


@functools.cache
def _pattern(words: str) -> re.Pattern[str]:
    """One matcher for a `|`-separated word list: Latin words whole, anything else as written."""
    parts = []
    for word in filter(None, words.split("|")):
        escaped = re.escape(word)
        parts.append(rf"(?<![a-z]){escaped}(?![a-z])" if word.isascii() else escaped)
    return re.compile("|".join(parts) or r"(?!)")


def _first(text: str, words: str) -> int:
    """Where the earliest of the words appears in the text, or -1."""
    found = _pattern(words).search(text)
    return found.start() if found else -1


def first_position(text: str, words: str) -> int:
    """Where the earliest of the `|`-separated words appears in a lower-cased text, or -1."""
    return _first(text, words)


def find_tone(text: str) -> str | None:
    """The first tone named in a lower-cased text, in the order of TONES."""
    return next((tone for tone, words in TONES.items() if _first(text, words) >= 0), None)


def find_art_style(text: str) -> str | None:
    """The art-style key named in a lower-cased text."""
    return next((key for key, (words, _) in ART_STYLES.items() if _first(text, words) >= 0), None)


def art_style_description(key: str) -> str:
    """How an art style is described in a concept."""
    return ART_STYLES[key][1]


def find_colours(text: str) -> list[str]:
    """Hex colours named in a lower-cased text, in the order they appear."""
    found = [(_first(text, words), hex_colour) for words, hex_colour in COLOUR_WORDS.values()]
    return [hex_colour for position, hex_colour in sorted(found) if position >= 0]


def find_motifs(text: str) -> list[str]:
    """Motif names asked for in a lower-cased text."""
    return [name for name, words in MOTIF_WORDS.items() if _first(text, words) >= 0]


def wants_night(text: str) -> bool:
    """Whether a lower-cased text asks for a night sky."""
    return _first(text, NIGHT_WORDS) >= 0


def find_layout(text: str) -> str | None:
    """A layout the request names, if any."""
    return next((name for name, words in LAYOUT_WORDS.items() if _first(text, words) >= 0), None)


def canonical_layout(name: str) -> str | None:
    """One of LAYOUTS for a layout name another provider may have chosen."""
    key = name.strip().lower()
    key = LAYOUT_ALIASES.get(key, key)
    return key if key in LAYOUTS else None


def audience_of(relation: str | None, default: str = "general") -> str:
    """The audience group of a relation word or name: partner, parent, friend, client…"""
    if not relation:
        return "general"
    lowered = relation.lower()
    named = next((g for g in AUDIENCES if re.search(rf"\b{g}\b", lowered)), None)
    if named:
        return named
    return next((g for g, words in AUDIENCES.items() if _first(lowered, words) >= 0), default)


def is_plural(recipient: str | None) -> bool:
    """Whether a recipient names more than one person."""
    return bool(recipient and _PLURAL.search(recipient.lower()))
