"""Lines a regenerate's instruction adds to the copy, per tone and language, for any occasion.

`{you}` becomes 你, 您 or 你们 (Chinese) as in the rest of the card. The occasion banks carry a
few tone-tagged phrases of their own; these make the asked tone audible on every card.
"""

from __future__ import annotations

TONE_LINES: dict[str, dict[str, tuple[str, ...]]] = {
    "playful": {
        "zh": (
            "友情提示：今天的快乐额度已经充满，请放心挥霍。",
            "据可靠消息，{you}今天的笑容已被列为本地最佳风景。",
            "好运正在派送中，快递员说这次绝不迟到。",
            "本卡片含有大量祝福，请勿一次性读完，以免开心过度。",
            "愿{you}的烦恼像袜子一样，总是莫名其妙就少了一只。",
            "如果快乐有单位，我给{you}寄了一整吨。",
        ),
        "en": (
            "Warning: this card contains dangerously high levels of good wishes.",
            "Good luck is on its way, and this time the courier promised not to be late.",
            "May your worries vanish like odd socks in the laundry.",
            "Scientists agree: reading this card improves your day by at least 37%.",
            "If happiness came in boxes, I'd have sent you a whole warehouse.",
            "Please smile now; this card can tell when you don't.",
        ),
    },
    "warm": {
        "zh": (
            "无论走多远，总有人把{you}放在心上。",
            "愿{you}被这个世界温柔以待，也被自己好好照顾。",
            "想到{you}，心里就亮起一盏小小的灯。",
            "这份心意很轻，却装满了我对{you}的牵挂。",
            "愿所有温暖的日子，都有{you}的一份。",
        ),
        "en": (
            "However far apart we are, you are always close to my heart.",
            "May the world be gentle with you, and may you be gentle with yourself.",
            "Thinking of you lights a small, steady lamp in my heart.",
            "This card is light, but it carries a great deal of love.",
            "May every warm day have a little room in it for you.",
        ),
    },
    "formal": {
        "zh": (
            "谨致以诚挚的祝福与问候。",
            "在此谨表衷心的祝贺与敬意。",
            "谨祝{you}诸事顺遂，万事胜意。",
            "敬请接受我最诚挚的祝愿。",
        ),
        "en": (
            "Please accept my sincere good wishes.",
            "With my warmest regards and every good wish for the future.",
            "It is my pleasure to extend my heartfelt congratulations and best wishes.",
            "I wish you continued success and every happiness.",
        ),
    },
}

# Lines that make a longer card longer without repeating what it already says.
MORE_LINES: dict[str, tuple[str, ...]] = {
    "zh": (
        "愿{you}每一天都有小小的惊喜，每一个清晨都有好心情。",
        "不管日子忙碌还是平淡，都别忘了照顾好自己。",
        "那些一起走过的时光，我都记得，也都珍惜。",
        "愿{you}想做的事都能如愿，想见的人都能相见。",
        "往后的日子，愿{you}眼里有光，心中有爱，脚下有路。",
    ),
    "en": (
        "May every morning bring you a small surprise and a reason to smile.",
        "Whether the days are busy or quiet, please remember to look after yourself.",
        "I treasure all the moments we have shared, and I look forward to many more.",
        "May the things you hope for come true, and the people you miss come close.",
        "May the road ahead be bright, and may you walk it with an easy heart.",
    ),
}

# Formal signatures, with and without a known sender.
FORMAL_SIGNATURES: dict[str, tuple[str, str]] = {
    "zh": ("{sender} 敬上", "—— 谨上"),
    "en": ("With kind regards, {sender}", "With kind regards"),
}
