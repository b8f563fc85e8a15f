"""How a card greets, signs off and adds a personal touch, per language and audience."""

from __future__ import annotations

SIGNATURES: dict[str, dict[str, tuple[str, ...]]] = {
    "zh": {
        "partner": ("—— 永远爱你的我", "—— 想你的我", "—— 你的另一半"),
        "parent": ("—— 爱您的孩子", "—— 永远是您的宝贝"),
        "elder": ("—— 爱您的孙儿", "—— 想念您的孙辈"),
        "teacher": ("—— 您的学生", "—— 您的学生敬上"),
        "client": ("—— 敬贺", "—— 谨上"),
        "colleague": ("—— 并肩作战的伙伴", "—— 你的同事"),
        "senior": ("—— 您的同事敬上", "—— 全体同事敬上"),
        "child": ("—— 永远爱你的家人", "—— 为你骄傲的我们"),
        "friend": ("—— 你的老朋友", "—— 永远的朋友"),
        "family": ("—— 爱你的家人", "—— 想你的家人"),
        "neighbour": ("—— 你的邻居", "—— 隔壁的邻居"),
        "general": ("—— 想你的人", "—— 一份远方的祝福", "—— 祝福你的人"),
        "sympathy": ("—— 真诚慰问", "—— 一直在你身边"),
        "we": ("—— 我们全体", "—— 爱你的我们"),
    },
    "en": {
        "partner": ("Forever yours", "All my love", "Yours, always"),
        "parent": ("With all my love", "Love always"),
        "elder": ("With all our love", "Lots of love"),
        "teacher": ("With gratitude, your student", "With thanks and respect"),
        "client": ("With warm regards", "With best wishes"),
        "colleague": ("With thanks and admiration", "Warmly"),
        "senior": ("With gratitude and respect", "With warm regards"),
        "child": ("With love and pride", "Love always"),
        "friend": ("Your friend, always", "Love", "Cheers"),
        "family": ("With love", "Lots of love"),
        "neighbour": ("Your grateful neighbour", "Warmly"),
        "general": ("Warmly", "With love", "Best wishes"),
        "sympathy": ("With deepest sympathy", "With love and care"),
        "we": ("With love from all of us", "From all of us"),
    },
}

SENDER_SIGNATURES: dict[str, dict[str, str]] = {
    "zh": {
        "partner": "爱你的{sender}",
        "parent": "爱您的{sender}",
        "elder": "爱您的{sender}",
        "family": "爱你的{sender}",
        "child": "爱你的{sender}",
        "teacher": "{sender} 敬上",
        "client": "{sender} 敬上",
        "senior": "{sender} 敬上",
        "sympathy": "{sender} 敬上",
        "default": "—— {sender}",
    },
    "en": {
        "partner": "All my love, {sender}",
        "parent": "With love, {sender}",
        "elder": "With love, {sender}",
        "family": "With love, {sender}",
        "child": "With love, {sender}",
        "friend": "Love, {sender}",
        "colleague": "Best wishes, {sender}",
        "senior": "With respect, {sender}",
        "client": "Warm regards, {sender}",
        "sympathy": "With deepest sympathy, {sender}",
        "default": "Warmly, {sender}",
    },
}

CODAS: dict[str, dict[str, tuple[str, ...]]] = {
    "zh": {
        "playful": ("P.S. 这张卡片可兑换拥抱一个，永久有效。", "P.S. 看完记得笑一下，这是命令。"),
        "cute": ("比心～", "抱抱～"),
        "formal": ("顺颂时祺。",),
    },
    "en": {
        "playful": (
            "P.S. This card is redeemable for one hug, no expiry date.",
            "P.S. Smiling at this card is mandatory.",
        ),
        "cute": ("Hugs and sprinkles!", "xoxo"),
    },
}

DETAILS: dict[str, dict[str, str]] = {
    "zh": {
        "flowers": "送{you}一束花，愿日子像花儿一样，一朵接一朵地盛开。",
        "cat": "替我向小猫问好，它一定也很爱{you}。",
        "stars": "今晚的星星，每一颗都替我说了一句想{you}。",
        "sea": "把海风和浪花，也一起寄给{you}。",
        "mountains": "山很高，风很轻，我在这里想{you}。",
        "snow": "雪花落下的时候，祝福也悄悄到了。",
        "moon": "今晚的月亮，替我陪着{you}。",
        "music": "愿{you}的日子像一首轻快的歌。",
        "rainbow": "雨后总会有彩虹。",
        "boat": "愿{you}一路顺风顺水。",
        "maple_leaves": "枫叶红了，正是想{you}的季节。",
        "mooncake": "月饼已经准备好，就等{you}回家。",
        "zongzi": "甜粽咸粽都给{you}留着。",
    },
    "en": {
        "flowers": "Here are some flowers for you: may your days keep blooming.",
        "cat": "Give the cat a scratch behind the ears from me.",
        "stars": "Every star tonight is a little wish for you.",
        "sea": "I'm sending you the sound of the waves, too.",
        "mountains": "The mountains are huge, and I thought of you at every summit.",
        "snow": "May the snow fall softly and the cocoa stay warm.",
        "moon": "The moon is keeping watch over you for me.",
        "music": "May your days always have a good soundtrack.",
        "rainbow": "After the rain, there is always a rainbow.",
        "boat": "Tight lines and calm waters.",
        "maple_leaves": "The maple leaves are turning red, and I'm thinking of you.",
        "mooncake": "There's a mooncake with your name on it.",
        "zongzi": "I saved you a zongzi.",
    },
}

RESPECTFUL_ZH = {"elder", "teacher", "client", "parent", "senior"}
FORMAL_SALUTATION_ZH = {"teacher", "client", "senior"}
SALUTATION_NAMES_ZH = {
    "父母": "爸爸妈妈",
    "爸妈": "爸爸妈妈",
    "女朋友": "",
    "男朋友": "",
    "女友": "",
    "男友": "",
    "爱人": "",
}
INTIMATE_EN = {"partner"}


def salutation(language: str, recipient: str | None, audience: str) -> str:
    """`亲爱的妈妈：` or `Dear Anna,`; empty when there is nobody to name."""
    if not recipient:
        return ""
    if language == "zh":
        if audience in FORMAL_SALUTATION_ZH:
            return f"尊敬的{recipient}："
        return f"亲爱的{SALUTATION_NAMES_ZH.get(recipient, recipient)}："
    if recipient.startswith("my "):
        relation = recipient[3:]
        if audience in INTIMATE_EN:
            return f"To my wonderful {relation},"
        return f"Dear {relation},"
    if recipient.startswith("the "):
        return f"Dear {recipient[4:]},"
    return f"Dear {recipient},"


def pronoun_zh(audience: str, plural: bool) -> str:
    """你, 您 or 你们 for the `{you}` placeholder."""
    if audience in RESPECTFUL_ZH:
        return "您二老" if plural and audience in {"parent", "elder"} else "您"
    return "你们" if plural else "你"


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 11th, 80th…"""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"
