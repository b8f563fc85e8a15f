"""The occasion lexicon: which words, in Chinese, English or emoji, point at which occasion."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

GENERAL = "general"


def _split(words: str) -> tuple[str, ...]:
    return tuple(word for word in words.split("|") if word)


@dataclass(frozen=True)
class Occasion:
    """An occasion and the words that announce it: strong words score 3, weak words 1.

    Words are written `|`-separated; `labels` is the (Chinese, English) name of the occasion.
    """

    key: str
    strong_words: str = field(repr=False)
    weak_words: str = field(default="", repr=False)
    labels: tuple[str, str] = ("", "")

    @property
    def strong(self) -> tuple[str, ...]:
        """Words that alone make the occasion likely."""
        return _split(self.strong_words)

    @property
    def weak(self) -> tuple[str, ...]:
        """Words that only hint at it."""
        return _split(self.weak_words)

    @property
    def label_zh(self) -> str:
        """The occasion's name in Chinese."""
        return self.labels[0]

    @property
    def label_en(self) -> str:
        """The occasion's name in English."""
        return self.labels[1]


# Ordered from specific to general: on a tie the earlier occasion wins.
OCCASIONS: tuple[Occasion, ...] = (
    Occasion(
        "anniversary",
        strong_words="周年|纪念日|结婚纪念|anniversary|years together|years married",
        weak_words="相守|金婚|银婚",
        labels=("纪念日", "Anniversary"),
    ),
    Occasion(
        "wedding",
        strong_words=(
            "新婚|婚礼|喜结良缘|百年好合|大婚|订婚|新娘|新郎|wedding|newlyweds|newly weds|"
            "just married|engagement|engaged|bride|groom|💍|💒"
        ),
        weak_words="结婚|喜酒|married|marry|囍",
        labels=("新婚", "Wedding"),
    ),
    Occasion(
        "teachers_day",
        strong_words="教师节|teacher's day|teachers' day|teachers day|师恩|恩师",
        weak_words="老师|teacher|园丁|professor",
        labels=("教师节", "Teachers' Day"),
    ),
    Occasion(
        "mothers_day",
        strong_words="母亲节|mother's day|mothers day|mothers' day|mom's day|mum's day",
        weak_words="妈妈|母亲|mom|mum|mommy|mama",
        labels=("母亲节", "Mother's Day"),
    ),
    Occasion(
        "fathers_day",
        strong_words="父亲节|father's day|fathers day|fathers' day|dad's day",
        weak_words="爸爸|父亲|老爸|dad|daddy|papa",
        labels=("父亲节", "Father's Day"),
    ),
    Occasion(
        "birthday",
        strong_words="生日|生辰|寿辰|大寿|祝寿|寿星|birthday|bday|b-day|many happy returns|🎂|🧁",
        weak_words="蛋糕|蜡烛|cake|candles|岁|turning|🎈|🥳",
        labels=("生日", "Birthday"),
    ),
    Occasion(
        "retirement",
        strong_words="退休|荣休|retire|retirement|retiring|retired",
        labels=("荣休", "Retirement"),
    ),
    Occasion(
        "graduation",
        strong_words=(
            "毕业|学位|金榜题名|考上|录取|graduation|graduate|graduating|class of|diploma|🎓"
        ),
        weak_words="高考|学业|degree|school",
        labels=("毕业", "Graduation"),
    ),
    Occasion(
        "new_baby",
        strong_words=(
            "宝宝出生|出生|满月|百天|新生儿|喜得|千金|new baby|newborn|new arrival|"
            "welcome little|baby shower|little one|👶|🍼"
        ),
        weak_words="宝宝|baby|stork",
        labels=("新生", "New Baby"),
    ),
    Occasion(
        "get_well",
        strong_words=(
            "康复|早日康复|住院|生病|手术|get well|feel better|recovery|recover|hospital|surgery|🤒"
        ),
        weak_words="保重身体|病|ill|sick|rest up",
        labels=("康复", "Get Well"),
    ),
    Occasion(
        "sympathy",
        strong_words=(
            "慰问|哀悼|节哀|安息|逝|去世|悼念|缅怀|追思|离世|sympathy|condolence|condolences|"
            "loss of|passed away|rest in peace|mourning|in memory|🕯"
        ),
        weak_words="思念|grief|remembering",
        labels=("慰问", "With Sympathy"),
    ),
    Occasion(
        "spring_festival",
        strong_words=(
            "春节|新春|拜年|过年|除夕|年夜饭|春联|恭喜发财|红包|lunar new year|"
            "chinese new year|spring festival|year of the|🧧"
        ),
        weak_words="大吉|福字|五福|团圆饭|鞭炮|red envelope",
        labels=("新春", "Lunar New Year"),
    ),
    Occasion(
        "mid_autumn",
        strong_words="中秋|月饼|赏月|mid-autumn|mid autumn|mooncake|moon festival|🥮",
        weak_words="团圆|月亮|嫦娥|玉兔|full moon",
        labels=("中秋", "Mid-Autumn"),
    ),
    Occasion(
        "dragon_boat",
        strong_words="端午|粽子|龙舟|dragon boat|zongzi|duanwu",
        labels=("端午", "Dragon Boat Festival"),
    ),
    Occasion(
        "lantern_festival",
        strong_words="元宵|汤圆|lantern festival|yuanxiao",
        weak_words="灯会|猜灯谜",
        labels=("元宵", "Lantern Festival"),
    ),
    Occasion(
        "christmas",
        strong_words="圣诞|平安夜|christmas|xmas|x-mas|noel|santa|🎄|🎅",
        weak_words="麋鹿|驯鹿|reindeer|雪人|snowman|mistletoe",
        labels=("圣诞", "Christmas"),
    ),
    Occasion(
        "love",
        strong_words=(
            "七夕|情人节|表白|我爱你|爱你|valentine|valentines|i love you|sweetheart|❤|💕|💖|😍|💘"
        ),
        weak_words=(
            "浪漫|恋爱|女朋友|男朋友|girlfriend|boyfriend|romantic|love|老婆|老公|husband|wife|"
            "crush"
        ),
        labels=("爱意", "Love"),
    ),
    Occasion(
        "new_year",
        strong_words="新年|元旦|跨年|new year|nye|🎆",
        weak_words="新的一年|fireworks|烟花|countdown",
        labels=("新年", "New Year"),
    ),
    Occasion(
        "thanks",
        strong_words="谢谢|感谢|感恩|多谢|致谢|thank|thanks|thank-you|grateful|gratitude|appreciation|🙏",
        weak_words="帮忙|帮我|appreciate",
        labels=("感谢", "Thank You"),
    ),
    Occasion(
        "congratulations",
        strong_words=(
            "恭喜|祝贺|贺喜|升职|晋升|新工作|入职|乔迁|开业|获奖|congrats|congratulations|"
            "congratulation|promotion|new job|new home|well done|you did it|🏆"
        ),
        weak_words="成功|achievement|🎉|🍾",
        labels=("恭喜", "Congratulations"),
    ),
    Occasion(
        "farewell",
        strong_words=(
            "告别|送别|离职|饯行|一路顺风|欢送|farewell|goodbye|bon voyage|moving to|"
            "moving away|last day|leaving"
        ),
        weak_words="再见|远行|good luck|miss you",
        labels=("送别", "Farewell"),
    ),
    Occasion(
        "travel",
        strong_words="旅行|旅游|旅途|度假|寄自|greetings from|vacation|travels|✈|🏖",
        weak_words="来自|风景|postcard from|trip|journey|holiday|travel|sightseeing",
        labels=("旅途", "Greetings"),
    ),
    Occasion(
        "friendship",
        strong_words=(
            "友谊|友情|老友|闺蜜|好友|just because|favourite person|favorite person|"
            "best friend|bestie|bff|friendship"
        ),
        weak_words="朋友|兄弟|friend|friends|pal|buddy|thinking of you|想你",
        labels=("友谊", "Friendship"),
    ),
)

BY_KEY: dict[str, Occasion] = {occasion.key: occasion for occasion in OCCASIONS}
_PATTERNS: dict[str, re.Pattern[str]] = {}
# Some openings say more than any single word: "从大理寄给你" is a travel card.
_TRAVEL_SHAPE = re.compile(r"从[\u4e00-\u9fff]{2,8}?(?:寄|发来|带来)")
_AGE_SHAPE = re.compile(r"\b\d{1,3}(?:st|nd|rd|th)\b|[一二三四五六七八九十百\d]{1,4}岁")


def _pattern(word: str) -> re.Pattern[str]:
    """A matcher for one keyword: word-bounded for Latin words, a plain substring otherwise."""
    cached = _PATTERNS.get(word)
    if cached is None:
        escaped = re.escape(word)
        cached = re.compile(rf"(?<![a-z]){escaped}(?![a-z])" if word.isascii() else escaped)
        _PATTERNS[word] = cached
    return cached


def occasion_scores(text: str) -> dict[str, int]:
    """Every occasion's score for a lower-cased, normalised text."""
    scores: dict[str, int] = {}
    for occasion in OCCASIONS:
        score = sum(3 for word in occasion.strong if _pattern(word).search(text))
        score += sum(1 for word in occasion.weak if _pattern(word).search(text))
        if score:
            scores[occasion.key] = score
    if _TRAVEL_SHAPE.search(text):
        scores["travel"] = scores.get("travel", 0) + 3
    if _AGE_SHAPE.search(text) and "birthday" in scores:
        scores["birthday"] += 1
    return scores


def detect_occasion(text: str, hint: str | None = None) -> str:
    """The best-scoring occasion for the text; a hint (the theme field) counts double."""
    scores = occasion_scores(text.lower())
    if hint:
        hinted = hint.strip().lower().replace(" ", "_")
        if hinted in BY_KEY:
            scores[hinted] = scores.get(hinted, 0) + 6
        for key, score in occasion_scores(hint.lower()).items():
            scores[key] = scores.get(key, 0) + 2 * score
    if not scores:
        return GENERAL
    order = {occasion.key: index for index, occasion in enumerate(OCCASIONS)}
    return max(scores, key=lambda key: (scores[key], -order[key]))


def canonical_occasion(name: str) -> str:
    """A known occasion key for any occasion text (another provider's concept may say "生日")."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key in BY_KEY or key == GENERAL:
        return key
    return detect_occasion(name)
