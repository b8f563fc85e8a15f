"""Phrase banks for the copywriter, per language and occasion.

A phrase may start with tags such as `[elder]` or `[playful]`: it is then only used when the
card's audience or tone is one of them, and is preferred when it is. Placeholders: `{name}`
(the recipient), `{you}` (你/您/你们 in Chinese), `{age}`, `{baby}`, `{sender}`, `{place}` (where
the sender writes from) and `{their_place}` (where the recipient lives, studies or goes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TAGS = re.compile(r"^\[([a-z_ ,]+)\]")


@dataclass(frozen=True)
class Phrase:
    """One template and the audiences or tones it is written for (empty: everyone)."""

    text: str
    tags: frozenset[str]


@dataclass(frozen=True)
class Bank:
    """Everything the copywriter can say for one occasion in one language."""

    titles: tuple[Phrase, ...]
    subtitles: tuple[Phrase, ...]
    openings: tuple[Phrase, ...]
    wishes: tuple[Phrase, ...]
    closings: tuple[Phrase, ...]


def phrases(text: str) -> tuple[Phrase, ...]:
    """`|`-separated templates, each with optional leading `[tag, tag]`."""
    found: list[Phrase] = []
    for raw in text.split("|"):
        item = raw.strip()
        if not item:
            continue
        match = _TAGS.match(item)
        tags = frozenset(t.strip() for t in match.group(1).split(",")) if match else frozenset()
        found.append(Phrase(item[match.end() :].strip() if match else item, tags))
    return tuple(found)


def bank(titles: str, subtitles: str, openings: str, wishes: str, closings: str) -> Bank:
    """A bank from five `|`-separated strings."""
    return Bank(
        phrases(titles), phrases(subtitles), phrases(openings), phrases(wishes), phrases(closings)
    )


def banks(language: str) -> dict[str, Bank]:
    """All occasion banks for `zh` or `en`."""
    if language == "zh":
        from engine.copy.phrases.zh_care import BANKS as ZH_CARE
        from engine.copy.phrases.zh_festive import BANKS as ZH_FESTIVE
        from engine.copy.phrases.zh_life import BANKS as ZH_LIFE
        from engine.copy.phrases.zh_moments import BANKS as ZH_MOMENTS

        return {**ZH_LIFE, **ZH_MOMENTS, **ZH_FESTIVE, **ZH_CARE}
    from engine.copy.phrases.en_care import BANKS as EN_CARE
    from engine.copy.phrases.en_festive import BANKS as EN_FESTIVE
    from engine.copy.phrases.en_life import BANKS as EN_LIFE
    from engine.copy.phrases.en_moments import BANKS as EN_MOMENTS

    return {**EN_LIFE, **EN_MOMENTS, **EN_FESTIVE, **EN_CARE}
