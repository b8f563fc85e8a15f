"""Each place a wish names, and its role: where the sender is, where the recipient is, or only
what the card is about.

Only a place the sender writes from can make a travel card. A place where the recipient lives,
studies, works or is going may colour the picture (a panda for Chengdu) and nothing more; a
place that is only talked about ("our trip to Rome", "一张有埃菲尔铁塔的明信片") is a subject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from engine.reading.places import Place, find_places
from engine.reading.segment import words as segmented

Role = Literal["sender", "recipient", "subject"]
SENDER: Role = "sender"
RECIPIENT: Role = "recipient"
SUBJECT: Role = "subject"

# Chinese: what stands just before and after a place name.
_ZH_PERSON = (
    r"(?:你|您|他|她|妈|爸|爷|奶|外公|外婆|父母|姐|哥|弟|妹|儿子|女儿|朋友|好友|闺蜜|同事|同学|"
    r"老师|客户|舅|叔|姑|姨|室友|老婆|老公|女友|男友|宝贝|家人|[小阿老][\u4e00-\u9fff])"
)
_ZH_STAYS = r"(?:读|上学|留学|工作|打工|打拼|生活|住|过年|考|买了?房|找工作|上班|读书|读研|上大学)"
_ZH_TRAVELS = r"(?:旅行|旅游|度假|出差|徒步|玩|看到)"
_ZH_SENDER_BEFORE = re.compile(
    r"(?:(?:我|我们)(?:正|现在|此刻|还)?在|寄自|来自|出差到|旅行到|经过|(?<!回)来)$"
)
_ZH_RECIPIENT_BEFORE = re.compile(
    rf"(?:{_ZH_PERSON}\S{{0,3}}(?:在|去了?|到)|远在|住在|搬到|调去|去了|要去|飞往)$"
)
_ZH_RECIPIENT_AFTER = re.compile(
    rf"^(?:\S{{0,8}}?的{_ZH_PERSON}|{_ZH_STAYS}|还好吗|过得|一切)"  # 最近在上海还好吗
)
_ZH_PLACE_BEFORE = re.compile(
    r"(?:远在|住在|正在|寄自|来自|搬到|调去|飞往|飞到|回到|出差到|旅行到|经过|在|从|去|来)$"
)
_ZH_PLACE_AFTER = re.compile(
    rf"^(?:{_ZH_STAYS}|{_ZH_TRAVELS}|[，。！!]|的|认识|回来|寄|办|举行|举办|还好吗|过得)"
)
_ZH_NOT_PLACES = set(
    "一起 家里 这里 那里 哪里 这儿 那儿 天上 天堂 外地 外面 异乡 异地 老家 乡下 身边 心里 心中 "
    "学校 医院 公司 单位 路上 旅途 途中 国外 海外 机场 现场 这边 那边 之前 以后 今天 明天 此刻 "
    "工作 生活 读书 上学 准备 一个 这个 那个 大学 里面 楼下 附近 你们 我们 他们 一年 去年".split()
)
# English: a capitalised name after a preposition, and the words before it.
_EN_CANDIDATE = re.compile(
    r"\b(in|from|to|at|across|around)\s+(?:the\s+)?"
    r"([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?|[\u4e00-\u9fff]{2,4}(?=[！!，,。.\s]|$))"
)
_EN_NOT_PLACES = set(
    "January February March April May June July August September October November December "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mum Mom Dad Grandma Grandpa My Our "
    "The I We You Ms Mr Mrs Dr Happy Christmas Chinese Mandarin".split()
)
_EN_HOSTED = re.compile(r"\b(?:hosting|showing|having)\s+us\s+(?:around|in)\s+$", re.I)
_EN_SENDER_BEFORE = re.compile(
    r"\b(?:greetings|hello|love|postcard|writing|here|stuck|trip|travels|honeymoon|"
    r"backpacking|holiday|vacation|i'm|i am|we're|we are|us)\b[\w\s']{0,12}"
    r"\b(?:in|from|across|around|at)\s+(?:the\s+)?$",
    re.I,
)
_EN_SUBJECT_BEFORE = re.compile(
    r"\b(?:trip|date|visit|were|was|remember|hiking|skiing|climbing|walking|sailing)\b"
    r"[\w\s]{0,14}$",
    re.I,
)
_EN_RECIPIENT_BEFORE = re.compile(
    r"\b(?:moving|moved|move|off|back|going|flying|living|lives|live|studying|study|works?|"
    r"working|based|stationed|you|your|she|he|they|her|his|their|who|team|office|colleagues|"
    r"penpal|friend|family|grandparents|parents|mom|mum|dad|sister|brother|son|daughter|aunt|"
    r"uncle|wedding|hospital|finals|marathon|flat|home|over|there)\b[\w\s']{0,10}"
    r"\b(?:in|to|at|around)\s+(?:the\s+|an?\s+)?$",
    re.I,
)
_EN_FIRST_PERSON = re.compile(r"\b(?:i|i'm|we|we're|our|us)\b", re.I)


@dataclass(frozen=True)
class PlaceMention:
    """A place named in a wish: as written, its role, where, and the place if it can be drawn."""

    name: str
    role: Role
    start: int
    end: int
    place: Place | None = None


def _zh_role(text: str, start: int, end: int) -> Role:
    before, after = text[max(0, start - 8) : start], text[end : end + 14]
    if re.search(r"从$", before) and re.match(r"^(?:寄|发|带)", after):
        return SENDER  # 从大理寄给你
    if _ZH_SENDER_BEFORE.search(before) or after.startswith("的第"):
        return SENDER  # 我在东京…, 寄自…, 出差到西安, 在京都的第三天
    if before.endswith("从"):
        return SUBJECT  # 从澳洲留学回来: where somebody comes back from
    if _ZH_RECIPIENT_BEFORE.search(before) or _ZH_RECIPIENT_AFTER.match(after):
        return RECIPIENT  # 妹妹在成都读研, 远在纽约, 在成都读大学的妹妹
    if re.search(r"(?:^|[，。！\s正])在$", before) and re.match(_ZH_TRAVELS, after):
        return SENDER  # 在巴黎旅行，给妈妈寄张明信片: nobody else travels
    return SUBJECT


def _en_role(text: str, start: int) -> Role:
    before = text[max(0, start - 40) : start]
    if _EN_HOSTED.search(before):
        return RECIPIENT  # thanks for hosting us in Lisbon
    if _EN_SENDER_BEFORE.search(before):
        return SENDER  # greetings from…, I'm in…, our road trip across…
    if _EN_SUBJECT_BEFORE.search(before):
        return SUBJECT  # our trip to…, our first date in…, while you were in…
    if _EN_RECIPIENT_BEFORE.search(before):
        return RECIPIENT  # moving to…, my team in…, who lives in…
    clause = re.split(r"[,.;!?—]", before)[-1]
    if re.search(r"\b(?:in|at)\s+(?:the\s+|an?\s+)?$", before) and not _EN_FIRST_PERSON.search(
        clause
    ):
        return RECIPIENT  # a card for my aunt who is recovering… in a Shanghai hospital
    return SUBJECT


def _zh_unknown(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Places the engine cannot draw, found where a Chinese wish says somebody is or goes."""
    found = []
    for start, end in segmented(text).spans:
        word = text[start:end]
        if word in _ZH_NOT_PLACES or any(s < end and start < e for s, e in taken):
            continue
        if not (2 <= len(word) <= 5 and re.fullmatch(r"[\u4e00-\u9fffA-Za-z]+", word)):
            continue
        before, after = text[max(0, start - 3) : start], text[end : end + 14]
        if _ZH_PLACE_BEFORE.search(before) and _ZH_PLACE_AFTER.match(after):
            found.append((start, end))
    return found


def _en_unknown(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Capitalised names after in/from/to… that read as places ("in Manila", "moving to Oslo")."""
    found = []
    for match in _EN_CANDIDATE.finditer(text):
        start, end = match.span(2)
        if match.group(2).split()[0] in _EN_NOT_PLACES:
            continue
        if any(s < end and start < e for s, e in taken):
            continue
        before = text[max(0, match.start() - 20) : match.start()].lower()
        preposition = match.group(1).lower()
        if preposition == "to" and not re.search(
            r"(?:moving|moved|move|off|back|trip)\s*$", before
        ):
            continue  # "to Anna" is a person
        if preposition == "from" and not re.search(r"(?:greetings|hello|love)\s*$", before):
            continue  # "from Leo" is a person
        found.append((start, end))
    return found


def read_places(text: str) -> list[PlaceMention]:
    """Every place a normalised wish names, in order, with its role."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = text
    mentions: list[tuple[int, int, Place | None]] = [
        (named.start, named.end, named.place) for named in find_places(lowered)
    ]
    taken = [(start, end) for start, end, _ in mentions]
    mentions += [(s, e, None) for s, e in _zh_unknown(text, taken) + _en_unknown(text, taken)]
    found: list[PlaceMention] = []
    for start, end, place in sorted(mentions, key=lambda mention: mention[0]):
        name = text[start:end]
        if any((place and m.place is place) or m.name == name for m in found):
            continue  # a place named again keeps the role it was first given
        role = _zh_role(text, start, end)
        if role == SUBJECT:
            role = _en_role(text, start)
        found.append(PlaceMention(name, role, start, end, place))
    return found
