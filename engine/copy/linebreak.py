"""Line breaking for mixed Chinese/Japanese/Korean and Latin text, measured with a real font.

CJK text breaks between any two characters, Latin text between words; punctuation that may
not start a line (，。！？) stays with the character before it and punctuation that may not end
one (「（“) with the character after it, as Chinese typesetting expects (禁则).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# Scripts set one character per break opportunity: CJK ideographs, kana, hangul, CJK
# punctuation and fullwidth forms.
_CJK_RANGES = (
    (0x2E80, 0x2FDF),
    (0x3000, 0x30FF),
    (0x3100, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
    (0x20000, 0x3134F),
)
NO_LINE_START = frozenset("，。、！？；：」』）】》〉〕｝〗…‥—～·・ー々ゝゞ%,.!?;:)]}'\"”’")
NO_LINE_END = frozenset("「『（【《〈〔｛〖“‘([{")
_PUNCTUATION = NO_LINE_START | NO_LINE_END
_SPACES = re.compile(r"[ \t\u3000\u00a0]+")

Measure = Callable[[str], float]


def is_cjk(char: str) -> bool:
    """Whether a character is set on its own, with a break allowed on either side."""
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK_RANGES)


def clean(text: str) -> str:
    """NFC text without control or private-use characters; runs of spaces become one."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(
        ch for ch in text if ch == "\n" or unicodedata.category(ch) not in {"Cc", "Cf", "Co", "Cs"}
    )
    lines = [_SPACES.sub(" ", line).strip() for line in kept.split("\n")]
    return "\n".join(lines).strip("\n")


def tokens(paragraph: str) -> list[str]:
    """Unbreakable pieces: one CJK character, one Latin word (with its ASCII punctuation), or
    one space. Closing punctuation joins the piece before it, opening punctuation the one after."""
    pieces: list[str] = []
    word = ""
    for char in paragraph:
        if char == " " or is_cjk(char) or (not char.isascii() and char in _PUNCTUATION):
            if word:
                pieces.append(word)
                word = ""
            pieces.append(char)
        else:
            word += char
    if word:
        pieces.append(word)
    glued: list[str] = []
    carry = ""
    for piece in pieces:
        if all(char in NO_LINE_END for char in piece):
            carry += piece
        elif piece[0] in NO_LINE_START and glued and glued[-1] != " " and not carry:
            glued[-1] += piece
        else:
            glued.append(carry + piece)
            carry = ""
    if carry:
        glued.append(carry)
    return glued


def _split_long(piece: str, width: float, measure: Measure) -> list[str]:
    """A piece wider than the line (a long URL, a run of letters) cut by characters."""
    parts: list[str] = []
    current = ""
    for char in piece:
        if current and measure(current + char) > width:
            parts.append(current)
            current = char
        else:
            current += char
    if current:
        parts.append(current)
    return parts


def wrap(text: str, width: float, measure: Measure) -> list[str]:
    """Lines no wider than `width` by `measure`; an empty line stands for a blank line."""
    lines: list[str] = []
    for paragraph in clean(text).split("\n"):
        if not paragraph:
            lines.append("")
            continue
        current = ""
        for piece in tokens(paragraph):
            if piece == " " and not current:
                continue
            candidate = current + piece
            if measure(candidate.rstrip()) <= width:
                current = candidate
                continue
            if current.strip():
                lines.append(current.rstrip())
            current = "" if piece == " " else piece
            if current and measure(current) > width:
                *full, current = _split_long(current, width, measure)
                lines.extend(full)
        if current.strip():
            lines.append(current.rstrip())
    return lines


def balanced(text: str, width: float, measure: Measure) -> list[str]:
    """As `wrap`, in the same number of lines, but as even as possible (no one-word last line
    under a centred title): the narrowest width that still takes no more lines."""
    lines = wrap(text, width, measure)
    if len(lines) < 2 or "" in lines:
        return lines
    low, high = width / len(lines), width
    for _ in range(10):
        middle = (low + high) / 2
        if len(wrap(text, middle, measure)) <= len(lines):
            high = middle
        else:
            low = middle
    return wrap(text, high, measure)
