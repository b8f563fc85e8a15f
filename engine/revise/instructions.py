"""What a regenerate's instruction asks for, read as data: a small `Adjustments` value.

The instruction is user text like the wish. Nothing in it is executed or echoed onto a card:
the engine only looks for words it knows ("更幽默一点", "shorter", "换成蓝色", "another layout")
and turns them into a few choices the copywriter and the painter understand.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.reading.lexicon import COLOUR_WORDS
from engine.reading.moods import first_position
from engine.text import normalise

TONE_WORDS: dict[str, str] = {
    "playful": (
        "幽默|搞笑|好笑|俏皮|调皮|有趣|好玩|逗趣|逗一点|风趣|诙谐|活泼|轻松一点|"
        "funnier|funny|humour|humor|humorous|playful|witty|jokes|joke|cheeky|silly|"
        "more fun|fun"
    ),
    "formal": (
        "正式|庄重|得体|商务|礼貌|郑重|严肃|书面|"
        "formal|formally|professional|polite|serious|businesslike|respectful"
    ),
    "warm": (
        "温暖|温馨|暖心|暖一点|走心|感人|深情|温柔|贴心|"
        "warmer|warm|heartfelt|cosy|cozy|tender|sincere|affectionate|kinder"
    ),
}
# Checked before the plain length words: "不要太长" asks for less, not more.
_SHORTER_NEGATED = "不要太长|别太长|太长了|太长|too long|less wordy"
_LONGER_NEGATED = "不要太短|别太短|太短了|太短|too short"
LENGTH_WORDS: dict[str, str] = {
    "shorter": (
        "短一点|短一些|短些|更短|简短|精简|简洁|缩短|少写|少一点|"
        "shorter|short|brief|briefer|concise|fewer words|less text|trim|tighter"
    ),
    "longer": (
        "长一点|长一些|长些|更长|多写|多一点|详细|丰富一点|加长|"
        "longer|long|more words|more text|expand|elaborate|fuller|detailed"
    ),
}
OTHER_COLOUR = (
    "换个颜色|换种颜色|换一种颜色|换个配色|换一套配色|换套配色|换配色|换颜色|换色|换个色调|"
    "其他颜色|别的颜色|不同的颜色|不一样的颜色|颜色|配色|色调|"
    "another colour|another color|different colour|different color|other colours|"
    "other colors|new colours|new colors|another palette|different palette|new palette|"
    "recolour|recolor|colours|colors|colour|color|palette"
)
# Layout names, narrower than the wish's (lexicon.LAYOUT_WORDS): "a longer letter" is no layout.
LAYOUT_NAMES: dict[str, str] = {
    "flip": "翻转|翻面|翻页|flip",
    "envelope": "信封|envelope",
    "poster": "海报|全屏|poster|full screen|fullscreen|full-bleed",
    "scroll": "长图|滚动|scroll",
}
OTHER_LAYOUT = (
    "换个版式|换种版式|换一种版式|换版式|换个布局|换种布局|换布局|换个排版|换排版|"
    "其他版式|别的版式|不同的版式|版式|布局|排版|"
    "another layout|different layout|new layout|other layout|layout|rearrange|"
    "another design|different design"
)
ANOTHER = "another"
"""`Adjustments.colour` or `.layout` when the instruction wants a change but names none."""


@dataclass(frozen=True)
class Adjustments:
    """The changes an instruction asks for; None where it asks for nothing."""

    tone: str | None = None
    """`playful`, `formal` or `warm`: the copy's voice."""
    length: str | None = None
    """`shorter` or `longer`: the body's length."""
    colour: str | None = None
    """A colour of `lexicon.COLOUR_WORDS` (`blue`, `green`, …) or `ANOTHER` palette."""
    layout: str | None = None
    """A page layout (`flip`, `envelope`, `poster`, `scroll`) or `ANOTHER` one."""

    def __bool__(self) -> bool:
        return any((self.tone, self.length, self.colour, self.layout))


def _earliest(text: str, table: dict[str, str]) -> str | None:
    """The key whose words appear first in the text, or None."""
    found = [(at, key) for key, words in table.items() if (at := first_position(text, words)) >= 0]
    return min(found)[1] if found else None


def _length(text: str) -> str | None:
    if first_position(text, _SHORTER_NEGATED) >= 0:
        return "shorter"
    if first_position(text, _LONGER_NEGATED) >= 0:
        return "longer"
    return _earliest(text, LENGTH_WORDS)


def _colour(text: str) -> str | None:
    named = _earliest(text, {key: words for key, (words, _) in COLOUR_WORDS.items()})
    if named:
        return named
    return ANOTHER if first_position(text, OTHER_COLOUR) >= 0 else None


def _layout(text: str) -> str | None:
    named = _earliest(text, LAYOUT_NAMES)
    if named:
        return named
    return ANOTHER if first_position(text, OTHER_LAYOUT) >= 0 else None


def parse(instruction: str | None) -> Adjustments:
    """The adjustments an instruction asks for, in Chinese or English; empty for None."""
    if not instruction:
        return Adjustments()
    text = normalise(instruction).lower()[:500]
    return Adjustments(
        tone=_earliest(text, TONE_WORDS),
        length=_length(text),
        colour=_colour(text),
        layout=_layout(text),
    )
