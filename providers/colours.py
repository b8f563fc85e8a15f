"""Colour words in any language as #RRGGBB: CSS names (webcolors), a small Chinese table, hex."""

from __future__ import annotations

import re

import webcolors

# Chinese colour words, longest first when matched; the hues a postcard palette uses.
ZH_COLOURS: dict[str, str] = {
    "大红": "#D7263D",
    "中国红": "#C8102E",
    "朱红": "#E34234",
    "酒红": "#8E1B3A",
    "玫红": "#E0457B",
    "桃红": "#F47A9B",
    "粉红": "#F4A6B5",
    "浅粉": "#FADADD",
    "樱花粉": "#F8C8D4",
    "金黄": "#F2C14E",
    "香槟": "#F1DDB0",
    "米白": "#F5EFE0",
    "象牙白": "#FFFFF0",
    "奶油": "#FFF4D6",
    "天蓝": "#87CEEB",
    "湖蓝": "#30A9DE",
    "藏青": "#1F2F4F",
    "藏蓝": "#1F2F4F",
    "墨绿": "#2F4F3A",
    "薄荷": "#A8E6CF",
    "草绿": "#7BC67E",
    "青": "#3FA7A0",
    "红": "#E53935",
    "粉": "#F4A6B5",
    "橙": "#FF8C42",
    "橘": "#FF8C42",
    "黄": "#FFD23F",
    "金": "#D4AF37",
    "绿": "#6AA84F",
    "蓝": "#3A86FF",
    "紫": "#8E6BBF",
    "棕": "#8B5E3C",
    "褐": "#8B5E3C",
    "咖啡": "#6F4E37",
    "白": "#FFFFFF",
    "黑": "#222222",
    "灰": "#9E9E9E",
    "银": "#C0C0C0",
    "米": "#F5EFE0",
}
_ZH = re.compile("|".join(sorted(map(re.escape, ZH_COLOURS), key=len, reverse=True)))
_HEX = re.compile(r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")
_RGB = re.compile(r"rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})")
_SEPARATORS = re.compile(r"\s*(?:,|;|/|&|\+|\band\b|\bwith\b|与|和|及|、|，|配)\s*", re.IGNORECASE)


def _css(words: str) -> str | None:
    """A CSS colour name in a phrase: "Light Coral" → #F08080; "soft pink" → pink's hex."""
    parts = re.findall(r"[a-z]+", words.lower())
    for start in range(len(parts)):
        try:
            return webcolors.name_to_hex("".join(parts[start:])).upper()
        except ValueError:
            continue
    return None


def _expand(hex_colour: str) -> str:
    value = hex_colour.lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    return f"#{value.upper()}"


def colours_in(text: str) -> list[str]:
    """Every colour a palette entry names, in order: "粉色与金色" → two colours."""
    found = [_expand(match) for match in _HEX.findall(text)]
    found += [
        "#{:02X}{:02X}{:02X}".format(*(min(255, int(c)) for c in m)) for m in _RGB.findall(text)
    ]
    if found:
        return found
    for part in filter(None, _SEPARATORS.split(text.strip())):
        zh = [ZH_COLOURS[word] for word in _ZH.findall(part)]
        if zh:
            found += zh
        elif (css := _css(part)) is not None:
            found.append(css)
    return found


def repair_palette(entries: object) -> list[str]:
    """A palette as #RRGGBB strings without repeats, from whatever the model wrote."""
    items = entries if isinstance(entries, list) else [entries] if isinstance(entries, str) else []
    palette: list[str] = []
    for item in items:
        if isinstance(item, str):
            palette += [colour for colour in colours_in(item) if colour not in palette]
    return palette
