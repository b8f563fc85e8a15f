"""Which occasion a wish is for: its words scored, then read in context.

Context changes a reading the way it changes it for a person: a negated word does not count
("不是生日，是…"), a word inside a name or a place does not count ("Happy birthday Noel"), a
longer phrase outranks the word inside it ("sorry for your loss" is not an apology, 加油站 is
not 加油), what is thanked or apologised for is only the object ("谢谢你的生日礼物" is a
thank-you), the word just before "card"/"卡" names the card, and a death turns a birthday, an
anniversary or a "miss you" into remembrance unless the card comforts someone else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from engine.reading.occasion_words import FALSE_FRIENDS, GENERAL, JUST_BECAUSE, OCCASIONS, Occasion
from engine.reading.wording import Hit, find_words

__all__ = ["BY_KEY", "GENERAL", "OCCASIONS", "Occasion", "OccasionReading", "canonical_occasion"]

BY_KEY: dict[str, Occasion] = {occasion.key: occasion for occasion in OCCASIONS}
_ORDER = {occasion.key: index for index, occasion in enumerate(OCCASIONS)}
_ORDER[GENERAL] = len(OCCASIONS)
_STRONG, _WEAK = 3, 1
_FRAMES = {"thanks", "apology"}
_DEATH_TAKES = {"birthday", "anniversary", "miss_you"}
_CLAUSE_END = re.compile(r"[，。！？；,.!?;—]")
_NEGATION_ZH = re.compile(r"(?:不是|并非|不用|无需|不必|不算|不要|没有)[^，。！？；,.!?;]{0,2}$")
_NEGATION_EN = re.compile(
    r"(?<![a-z])(?:not|no|isn't|wasn't|don't|dont|without|never)(?:\s+\S+)?\s*$"
)
# "…，教师节快乐", "happy Teachers' Day": a greeting of its own, never the object of a thanks.
_GREETING_AFTER = re.compile(r"^(?:节)?(?:快乐|安康|吉祥)")
_GREETING_BEFORE = re.compile(r"(?:happy|merry)\s+$")
_CARD = re.compile(r"^(?:[\s\-]|快乐|的)*(?:贺卡|卡片|卡|明信片|card|postcard|note)", re.I)
_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    # "happy 30th", "his 21st", "turning 40": a birthday; "our 40th": an anniversary.
    (
        "birthday",
        re.compile(
            r"(?:\b(?:happy|his|her|your|their|my)\s+\d{1,3}(?:st|nd|rd|th)\b"
            r"(?!\s+(?:wedding|anniversary))|\bturning\s+\d{1,3}\b)"
        ),
    ),
    ("anniversary", re.compile(r"\bour\s+\d{1,3}(?:st|nd|rd|th)\b")),
    # Time since a death: "走了一年了", "去世三周年", "离开以后", "five years since we lost".
    (
        "remembrance",
        re.compile(
            r"(?:走了|去世|离开|离世|过世|逝世)(?:已经|快|都|我们)?"
            r"(?:[一二三四五六七八九十两几\d]+个?(?:年|月|周年)|以后|之后)"
            r"|\b(?:years?|months?)\s+since\s+(?:we\s+lost|\w+\s+(?:died|passed))"
            r"|\b(?:my|our|her|his)\s+late\b"
        ),
    ),
    # Someone else's loss: "您母亲离世", "my colleague's husband passed away".
    (
        "sympathy",
        re.compile(
            r"(?:您|你的|他的|她的|朋友的|同事的|邻居家的)[\u4e00-\u9fff]{0,4}"
            r"(?:去世|离世|过世|走了)"
            r"|\b(?:your|his|her|their|\w+'s)\s+(?:\w+\s+){0,2}(?:passed away|died)"
        ),
    ),
)
_AGE_ZH = re.compile(r"[一二三四五六七八九十百\d]{1,4}岁")


@dataclass(frozen=True)
class OccasionReading:
    """The best occasion, its score, and the next best."""

    occasion: str
    score: int
    runner_up: str | None
    runner_up_score: int


@dataclass(frozen=True)
class _Scored:
    hit: Hit
    key: str
    weight: int


def _hits(text: str) -> list[_Scored]:
    found: list[_Scored] = []
    for occasion in (*OCCASIONS, JUST_BECAUSE, FALSE_FRIENDS):
        for words, weight in ((occasion.strong, _STRONG), (occasion.weak, _WEAK)):
            found += [_Scored(hit, occasion.key, weight) for hit in find_words(text, words)]
    for key, shape in _SHAPES:
        found += [
            _Scored(Hit(m.start(), m.end(), m.group(0)), key, _STRONG) for m in shape.finditer(text)
        ]
    return found


def _negated(text: str, start: int) -> bool:
    before = _CLAUSE_END.split(text[max(0, start - 24) : start])[-1]
    return bool(_NEGATION_ZH.search(before[-6:]) or _NEGATION_EN.search(before))


def _kept(text: str, found: list[_Scored], masked: Iterable[tuple[int, int]]) -> list[_Scored]:
    """Hits that are not negated, not inside a name or place, not inside a longer phrase."""
    spans = list(masked)
    kept = []
    for item in found:
        hit = item.hit
        if any(start < hit.end and hit.start < end for start, end in spans):
            continue
        if any(
            other.hit.start <= hit.start
            and hit.end <= other.hit.end
            and other.hit.end - other.hit.start > hit.end - hit.start
            for other in found
        ):
            continue
        if not _negated(text, hit.start):
            kept.append(item)
    return kept


def _greeting(text: str, hit: Hit) -> bool:
    return bool(
        _GREETING_AFTER.match(text[hit.end :]) or _GREETING_BEFORE.search(text[: hit.start])
    )


def _in_context(text: str, kept: list[_Scored]) -> dict[str, int]:
    """Scores after the frames, the card noun and a death have had their say."""
    frame_at = min((s.hit.start for s in kept if s.key in _FRAMES), default=len(text) + 1)
    scores: dict[str, int] = {}
    carded: set[str] = set()
    for item in kept:
        if not item.key:
            continue  # a false friend: it only hides the occasion word inside it
        weight = item.weight
        if item.key not in _FRAMES and item.hit.start > frame_at and not _greeting(text, item.hit):
            weight = min(weight, _WEAK)  # "thanks for the wedding gift": the gift's occasion
        scores[item.key] = scores.get(item.key, 0) + weight
        if item.key not in carded and _CARD.match(text[item.hit.end :]):
            carded.add(item.key)
            scores[item.key] += 2
    comforting = any(s.key == "sympathy" and s.weight == _STRONG for s in kept)
    if "remembrance" in scores and not comforting:
        for key in _DEATH_TAKES:
            scores["remembrance"] += scores.pop(key, 0)
    if "birthday" in scores and _AGE_ZH.search(text):
        scores["birthday"] += 1
    return scores


def occasion_scores(
    text: str, masked: Iterable[tuple[int, int]] = (), extra: dict[str, int] | None = None
) -> dict[str, int]:
    """Every occasion's score for a lower-cased, normalised text.

    `masked` spans (names, places) are not read for occasion words; `extra` adds scores the
    caller found elsewhere (a place the sender writes from makes a travel card).
    """
    scores = _in_context(text, _kept(text, _hits(text), masked))
    for key, value in (extra or {}).items():
        scores[key] = scores.get(key, 0) + value
    return {key: value for key, value in scores.items() if value > 0}


def _ranked(scores: dict[str, int]) -> list[str]:
    return sorted(scores, key=lambda key: (-scores[key], _ORDER.get(key, len(_ORDER))))


def read_occasion(
    text: str,
    hint: str | None = None,
    masked: Iterable[tuple[int, int]] = (),
    extra: dict[str, int] | None = None,
) -> OccasionReading:
    """The best occasion for a lower-cased text, and the runner-up; the theme hint counts
    double, and a hint that is an occasion key counts as two strong words."""
    scores = occasion_scores(text, masked, extra)
    if hint:
        hinted = hint.strip().lower().replace(" ", "_").replace("-", "_")
        if hinted in BY_KEY:
            scores[hinted] = scores.get(hinted, 0) + 2 * _STRONG
        for key, score in occasion_scores(hint.lower()).items():
            scores[key] = scores.get(key, 0) + 2 * score
    ranked = _ranked(scores)
    if not ranked:
        return OccasionReading(GENERAL, 0, None, 0)
    second = ranked[1] if len(ranked) > 1 else None
    return OccasionReading(ranked[0], scores[ranked[0]], second, scores[second] if second else 0)


def detect_occasion(text: str, hint: str | None = None) -> str:
    """The best-scoring occasion for a text; a hint (the theme field) counts double."""
    return read_occasion(text.lower(), hint).occasion


def canonical_occasion(name: str) -> str:
    """A known occasion key for any occasion text (another provider's concept may say "生日")."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key in BY_KEY or key == GENERAL:
        return key
    return detect_occasion(name)
