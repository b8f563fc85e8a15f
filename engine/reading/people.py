"""Who a card is for and from, where it is sent from, and an age worth celebrating."""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.reading.people_en import EN_NAME, EN_NAMES, KNOWN_PLACES, NOT_NAMES, en_recipient
from engine.reading.people_zh import zh_recipient

_ZH_SENDER = re.compile(
    r"(?:署名|落款|来自)[:：]?\s*([\u4e00-\u9fffA-Za-z]{1,8}?)(?=的|[，。！\s]|$)|([\u4e00-\u9fff]{1,6})敬上"
)
_ZH_PLACE = re.compile(r"从([\u4e00-\u9fff]{2,6}?)(?:寄|发来|带来)|寄自([\u4e00-\u9fff]{2,6}?)的")
_ZH_AGE = re.compile(r"([一二三四五六七八九十百两\d]{1,4})(?:岁|周岁|周年)")

_EN_BABY = re.compile(rf"\bwelcome(?:\s+(?:little|baby|to the world))?,?\s+({EN_NAME})\b", re.I)
_ZH_BABY = re.compile(r"欢迎(?:小)?([\u4e00-\u9fff]{1,3}?)(?:宝宝|宝贝)?(?:出生|降临|来到)")
_EN_FROM = re.compile(rf"\bfrom\s+(all of us at the [a-z ]{{2,30}}|all of us|{EN_NAMES})")
_EN_PLACE = re.compile(
    rf"\b(?:greetings|postcard|hello|moving|moved|trip|travels?)\s+"
    rf"(?:from|to|in)\s+({EN_NAME}(?:\s{EN_NAME})?)"
)
_EN_AGE = re.compile(r"\b(\d{1,3})(?:st|nd|rd|th)\b|\bturning\s+(\d{1,3})\b")
_ZH_NUMERALS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


@dataclass(frozen=True)
class People:
    """Names drawn from the request; any of them may be missing."""

    recipient: str | None = None
    relation: str | None = None
    sender: str | None = None
    place: str | None = None
    age: int | None = None
    baby: str | None = None


def _zh_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if "百" in text:
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _ZH_NUMERALS.get(tens, 1) * 10 + _ZH_NUMERALS.get(ones, 0) if ones or tens else 10
    return _ZH_NUMERALS.get(text)


def _sender(text: str, place: str | None) -> str | None:
    zh = _ZH_SENDER.search(text)
    if zh:
        name = zh.group(1) or zh.group(2)
        if name and name != place:
            return name
    for match in _EN_FROM.finditer(text):
        name = match.group(1)
        preceding = text[: match.start()].rstrip().lower()
        if name in KNOWN_PLACES or name.split()[0] in NOT_NAMES:
            continue
        if preceding.endswith(("greetings", "postcard", "card", "hello")):
            continue
        return name
    return None


def _place(text: str) -> str | None:
    zh = _ZH_PLACE.search(text)
    if zh:
        return zh.group(1) or zh.group(2)
    en = _EN_PLACE.search(text)
    if en and en.group(1).split()[0] not in NOT_NAMES:
        return en.group(1)
    for place in sorted(KNOWN_PLACES, key=len, reverse=True):
        if re.search(rf"\b(?:in|from|to|at)\s+{re.escape(place)}\b", text):
            return place
    return None


def _age(text: str) -> int | None:
    en = _EN_AGE.search(text)
    if en:
        value = int(en.group(1) or en.group(2))
        return value if 0 < value < 120 else None
    zh = _ZH_AGE.search(text)
    if zh:
        number = _zh_number(zh.group(1))
        return number if number and 0 < number < 120 else None
    return None


def _baby(text: str) -> str | None:
    en = _EN_BABY.search(text)
    if en and en.group(1)[0].isupper() and en.group(1) not in NOT_NAMES:
        return en.group(1)
    zh = _ZH_BABY.search(text)
    if zh and zh.group(1) not in {"宝", "新", "你"}:
        return zh.group(1)
    return None


def find_people(text: str, places: frozenset[str] = frozenset()) -> People:
    """Recipient, relation, sender, place and age from a normalised request text; `places`
    are the names of places the wish names, which are never people."""
    place = _place(text)
    baby = _baby(text)
    recipient, relation = zh_recipient(text)
    if not recipient:
        recipient, relation = en_recipient(text, places)
    if recipient and ((place and recipient in place) or recipient == baby or recipient in places):
        recipient = relation = None
    return People(
        recipient=recipient[:60] if recipient else None,
        relation=relation,
        sender=_sender(text, place),
        place=place,
        age=_age(text),
        baby=baby,
    )
