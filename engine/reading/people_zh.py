"""Who a Chinese wish is for: relation words and names, cut where jieba cuts them.

A person is only read where the words jieba finds begin and end with it: "给在北京工作的哥哥" is
for 哥哥, not 的哥 (a taxi driver), and 温哥华 is a city, not 温哥.
"""

from __future__ import annotations

import re

from engine.reading.segment import words as segmented

# Relation words, longest first so that 好朋友 wins over 朋友.
ZH_RELATIONS = sorted(
    (
        "妈妈 老妈 母亲 爸爸 老爸 父亲 爸妈 父母 爷爷奶奶 外公外婆 姥姥姥爷 爷爷 奶奶 外公 "
        "外婆 姥姥 姥爷 老婆 老公 媳妇 爱人 女朋友 男朋友 女友 男友 宝贝 儿子 女儿 宝宝 孩子 "
        "哥哥 姐姐 弟弟 妹妹 表姐 表哥 表妹 表弟 堂姐 堂哥 姐夫 嫂子 叔叔 阿姨 舅舅 姑姑 好朋友 "
        "朋友 好友 老友 闺蜜 兄弟 好兄弟 同学 老同学 同事 团队 伙伴 老师 客户 邻居 领导 老板 家人 "
        "大家 师父 恩师 室友 婆婆 外孙 孙子 孙女 侄子 侄女 小侄子 实习生 导师 各位 全家 哥嫂 "
        "小两口 新同学 小朋友 老朋友"
    ).split(),
    key=len,
    reverse=True,
)
_TITLES = "老师|经理|总|医生|教授|主任|阿姨|叔叔|大夫|师傅|姐|哥"
# 小雨, 老王, 阿杰, 陈老师; not the common words 老人, 小狗, 老家…
ZH_NAME = (
    r"(?!老人|老家|小狗|小猫|小孩|小时|小心|老大|小店|老同|阿姨)"
    rf"[小老阿][\u4e00-\u9fff](?![\u4e00-\u9fff]*(?:{_TITLES}))|[\u4e00-\u9fff](?:{_TITLES})"
)
_LATIN_NAME = r"[A-Z][a-z]+"
_PERSON = rf"(?:{'|'.join(ZH_RELATIONS)}|{ZH_NAME}|{_LATIN_NAME})"
_GROUP = re.compile(rf"{_PERSON}(?:\s?[和与跟、&]\s?{_PERSON}|{_PERSON})*(?:一家|们)?")
_MARKER = re.compile(
    r"(?:送给|写给|寄给|献给|给|致|祝|谢谢|感谢|恭喜|欢送|欢迎|想念|向|我的|我和|我跟|我)"
    r"([^，。！？!?,.;；:：]{1,16})"
)
_CLAUSE_START = re.compile(r"(?:^|[，。！？!?,.;；:：~～\s])$")
_VOCATIVE_BEFORE = re.compile(r"(?:[，,\s]|快乐|加油|辛苦了|[呀啊哦吧])$")
_NOT_NAMES = {"Happy", "Merry", "RIP", "HNY", "HBD", "Greetings", "Dear", "New", "Good"}


def _people(text: str) -> list[tuple[int, int]]:
    """Spans of persons and groups of persons that jieba's words begin and end with."""
    cut = segmented(text)
    found: list[tuple[int, int]] = []
    index = 0
    while index < len(text):
        match = _GROUP.match(text, index)
        if match and match.group(0).split()[0] not in _NOT_NAMES:
            start, end = match.span()
            while end > start and not cut.aligned(start, end):
                shorter = _GROUP.match(text[: end - 1], start)
                end = shorter.end() if shorter else start
            if end > start:
                found.append((start, end))
                index = end
                continue
        index += 1
    return found


def _after_marker(text: str, people: list[tuple[int, int]]) -> tuple[int, int] | None:
    """给/送给/祝/谢谢…: the person after the marker; in "女儿的老师们", the last of a 的-chain."""
    for marker in _MARKER.finditer(text):
        start, end = marker.span(1)
        inside = [p for p in people if start <= p[0] < end]
        if not inside:
            continue
        chosen = inside[0]
        for later in inside[1:]:
            if "的" in text[chosen[1] : later[0]]:
                chosen = later
        return chosen
    return None


def zh_recipient(text: str) -> tuple[str | None, str | None]:
    """(recipient, relation) of a Chinese wish: "妹妹小雨" is 小雨, a 妹妹."""
    people = _people(text)
    if not people:
        return None, None
    tail = text.rstrip("！!。~～.?？ ")
    chosen = (
        _after_marker(text, people)
        or next(
            (p for p in people if p[1] == len(tail) and _VOCATIVE_BEFORE.search(text[: p[0]])),
            None,
        )
        or next((p for p in people if _CLAUSE_START.search(text[: p[0]])), None)
        or people[0]
    )
    return name_and_relation(text[chosen[0] : chosen[1]])


def name_and_relation(group: str) -> tuple[str, str | None]:
    """The card names a person as the wish does, by name when it gives one."""
    for relation in ZH_RELATIONS:
        rest = group.removeprefix(relation)
        if rest != group and re.fullmatch(ZH_NAME, rest):
            return rest, relation
    return group, next((r for r in ZH_RELATIONS if r in group), None)
