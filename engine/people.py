"""Who a card is for and from, where it is sent from, and an age worth celebrating."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Relation words, longest first so that 好朋友 wins over 朋友.
_ZH_RELATIONS = sorted(
    (
        "妈妈 老妈 母亲 爸爸 老爸 父亲 爸妈 父母 爷爷奶奶 外公外婆 姥姥姥爷 爷爷 奶奶 外公 "
        "外婆 姥姥 姥爷 老婆 老公 媳妇 爱人 女朋友 男朋友 女友 男友 宝贝 儿子 女儿 宝宝 孩子 "
        "哥哥 姐姐 弟弟 妹妹 表姐 表哥 表妹 表弟 堂姐 堂哥 姐夫 嫂子 叔叔 阿姨 舅舅 姑姑 好朋友 "
        "朋友 好友 老友 闺蜜 兄弟 同学 同事 团队 伙伴 老师 客户 邻居 领导 老板 家人 大家 师父 恩师"
    ).split(),
    key=len,
    reverse=True,
)
_ZH_TITLES = "老师|经理|总|医生|教授|主任|阿姨|叔叔|大夫|师傅|姐|哥"
_ZH_NAME = (
    rf"[小老阿][\u4e00-\u9fff](?![\u4e00-\u9fff]*(?:{_ZH_TITLES}))|[\u4e00-\u9fff](?:{_ZH_TITLES})"
)
_ZH_PERSON = rf"(?:{'|'.join(_ZH_RELATIONS)}|{_ZH_NAME})"
_ZH_GROUP = re.compile(rf"{_ZH_PERSON}(?:[和与跟、]?{_ZH_PERSON})*(?:一家|们)?")
_ZH_VOCATIVE = re.compile(rf"[，,]\s*({_ZH_PERSON}(?:[和与跟、]?{_ZH_PERSON})*)\s*[！!。~～]*$")
_ZH_MARKER = re.compile(
    r"(?:送给|写给|寄给|献给|给|致|祝|谢谢|感谢|恭喜|欢送|想念)([^，。！？!?,.;；:：\s]{1,16})"
)
_ZH_LEADING = re.compile(rf"^({_ZH_NAME})")
_ZH_SENDER = re.compile(
    r"(?:署名|落款|来自)[:：]?\s*([\u4e00-\u9fffA-Za-z]{1,8}?)(?=的|[，。！\s]|$)|([\u4e00-\u9fff]{1,6})敬上"
)
_ZH_PLACE = re.compile(r"从([\u4e00-\u9fff]{2,6}?)(?:寄|发来|带来)|寄自([\u4e00-\u9fff]{2,6}?)的")
_ZH_AGE = re.compile(r"([一二三四五六七八九十百两\d]{1,4})(?:岁|周岁|周年)")

_EN_REL = (
    r"mom|mum|mother|dad|father|grandma|grandpa|granny|grandmother|grandfather|nana|"
    r"wife|husband|girlfriend|boyfriend|partner|fianc[ée]e?|sister|brother|son|daughter|niece|"
    r"nephew|aunt|auntie|uncle|cousin|best friend|friends?|bestie|colleagues?|team|boss|"
    r"teachers?|neighbou?rs?|family|coworkers?|co-workers?|parents|grandparents|students|"
    r"clients|customers|love|sweetheart"
)
_EN_NAME = r"[A-Z][a-z'’-]+"
_EN_NAMES = rf"{_EN_NAME}(?:\s*(?:&|and)\s*{_EN_NAME})?"
# "for my friend Anna", "to my team", "for Tom"; not "moving to Berlin" or "a trip to Rome".
_EN_FOR = re.compile(
    r"\b(?:for|(?<!moving )(?<!move )(?<!trip )(?<!going )(?<!back )(?<!flying )to)\s+"
    rf"(?:(?:my|our)\s+(?:dear\s+|dearest\s+|lovely\s+)?({_EN_REL})\b\s*({_EN_NAMES})?"
    rf"|({_EN_NAMES}))"
)
_EN_FAMILY = re.compile(rf"\bthe\s+(?:whole\s+)?({_EN_NAME})\s+family\b")
_EN_VOCATIVE = re.compile(rf",\s*({_EN_NAMES}|(?i:{_EN_REL}))\s*(?=[.!?—–-]|$)")
_EN_AFTER_WISH = re.compile(
    rf"(?i:birthday|anniversary|christmas|new year|valentine's|day|soon|congrats|"
    rf"congratulations|welcome(?:\s+little|\s+baby)?)\s*,?\s+({_EN_NAME}|(?i:{_EN_REL}))\b"
)
_EN_REL_NAME = re.compile(rf"\b(?i:{_EN_REL})\s+({_EN_NAME})\b")
_EN_BABY = re.compile(rf"\bwelcome(?:\s+(?:little|baby|to the world))?,?\s+({_EN_NAME})\b", re.I)
_ZH_BABY = re.compile(r"欢迎(?:小)?([\u4e00-\u9fff]{1,3}?)(?:宝宝|宝贝)?(?:出生|降临|来到)")
_EN_FROM = re.compile(rf"\bfrom\s+(all of us at the [a-z ]{{2,30}}|all of us|{_EN_NAMES})")
_EN_PLACE = re.compile(
    rf"\b(?:greetings|postcard|hello|moving|moved|trip|travels?)\s+"
    rf"(?:from|to|in)\s+({_EN_NAME}(?:\s{_EN_NAME})?)"
)
_EN_AGE = re.compile(r"\b(\d{1,3})(?:st|nd|rd|th)\b|\bturning\s+(\d{1,3})\b")
_NOT_NAMES = {
    "Happy",
    "Merry",
    "Dear",
    "The",
    "A",
    "An",
    "My",
    "Our",
    "Your",
    "I",
    "We",
    "Christmas",
    "Birthday",
    "New",
    "Year",
    "Valentine",
    "Valentine's",
    "Mother's",
    "Father's",
    "Card",
    "Postcard",
    "Congrats",
    "Congratulations",
    "Thanks",
    "Thank",
    "Get",
    "With",
    "Greetings",
    "Lunar",
    "Mid-Autumn",
    "Ignore",
    "Reply",
    "All",
    "Us",
    "Everyone",
    "Just",
    "Farewell",
}
_PARENTAL = {
    "mom",
    "mum",
    "mother",
    "dad",
    "father",
    "grandma",
    "grandpa",
    "granny",
    "grandmother",
    "grandfather",
    "nana",
    "auntie",
    "aunt",
    "uncle",
}
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
KNOWN_PLACES = {
    "Paris",
    "Kyoto",
    "Tokyo",
    "Berlin",
    "Lisbon",
    "London",
    "Rome",
    "Singapore",
    "Beijing",
    "Shanghai",
    "Hong Kong",
    "New York",
    "Sydney",
    "Bali",
    "Iceland",
    "Venice",
    "Barcelona",
    "Seoul",
    "Bangkok",
    "Taipei",
    "Dali",
    "Lijiang",
    "Hangzhou",
    "Chengdu",
    "Alps",
    "Osaka",
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


def _zh_recipient(text: str) -> str | None:
    for match in _ZH_MARKER.finditer(text):
        found = _ZH_GROUP.search(match.group(1))
        if found:
            return found.group(0)
    vocative = _ZH_VOCATIVE.search(text)
    if vocative:
        return vocative.group(1)
    leading = _ZH_LEADING.match(text)
    return leading.group(1) if leading else None


def _en_recipient(text: str) -> tuple[str | None, str | None]:
    family = _EN_FAMILY.search(text)
    if family:
        return f"the {family.group(1)} family", "family"
    for match in _EN_FOR.finditer(text):
        relation, name, bare = match.group(1), match.group(2), match.group(3)
        if bare and bare.split()[0] not in _NOT_NAMES and bare not in KNOWN_PLACES:
            return bare, None
        if relation:
            rel = relation.lower()
            if rel in _PARENTAL:
                return rel.capitalize(), rel
            if name and name.split()[0] not in _NOT_NAMES:
                return name, rel
            return f"my {rel}", rel
    for pattern in (_EN_VOCATIVE, _EN_AFTER_WISH, _EN_REL_NAME):
        for match in pattern.finditer(text):
            word = match.group(1)
            if word.split()[0] in _NOT_NAMES or word in KNOWN_PLACES:
                continue
            if word.lower() in _PARENTAL:
                return word.capitalize(), word.lower()
            if word[0].isupper():
                return word, None
    return None, None


def _sender(text: str, place: str | None) -> str | None:
    zh = _ZH_SENDER.search(text)
    if zh:
        name = zh.group(1) or zh.group(2)
        if name and name != place:
            return name
    for match in _EN_FROM.finditer(text):
        name = match.group(1)
        preceding = text[: match.start()].rstrip().lower()
        if name in KNOWN_PLACES or name.split()[0] in _NOT_NAMES:
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
    if en and en.group(1).split()[0] not in _NOT_NAMES:
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
    if en and en.group(1)[0].isupper() and en.group(1) not in _NOT_NAMES:
        return en.group(1)
    zh = _ZH_BABY.search(text)
    if zh and zh.group(1) not in {"宝", "新", "你"}:
        return zh.group(1)
    return None


def find_people(text: str) -> People:
    """Recipient, relation, sender, place and age from a normalised request text."""
    place = _place(text)
    baby = _baby(text)
    zh = _zh_recipient(text)
    recipient, relation = (zh, zh) if zh else _en_recipient(text)
    if recipient and ((place and recipient in place) or recipient == baby):
        recipient = relation = None
    return People(
        recipient=recipient[:60] if recipient else None,
        relation=relation,
        sender=_sender(text, place),
        place=place,
        age=_age(text),
        baby=baby,
    )
