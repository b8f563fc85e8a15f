"""How each art style dresses the page around the picture: type, frame, entrance and particles."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageStyle:
    """Fonts (None keeps the tone's choice), the text entrance and whether particles drift."""

    title_font: dict[str, str] | None = None
    body_font: dict[str, str] | None = None
    entrance: str | None = None
    particles: bool = True


_KAI = '"Kaiti SC","STKaiti","KaiTi","AR PL UKai CN","Noto Serif CJK SC","Songti SC",serif'
_SONG_BOLD = '"Songti SC","STSong","Noto Serif CJK SC","Source Han Serif SC","SimSun",serif'
_SLAB = (
    '"Rockwell","Roboto Slab","American Typewriter","Courier New","Noto Serif CJK SC",'
    '"Songti SC",serif'
)
_MONO = (
    '"Press Start 2P","VT323",ui-monospace,"SFMono-Regular",Menlo,Consolas,"Noto Sans Mono CJK SC",'
    '"PingFang SC",monospace'
)
_HAND = (
    '"Bradley Hand","Segoe Print","Comic Neue","Noto Sans CJK SC","PingFang SC",'
    "system-ui,sans-serif"
)
_LIGHT_SANS = '"Helvetica Neue","Avenir Next",system-ui,"PingFang SC","Noto Sans CJK SC",sans-serif'
_ITALIC_SERIF = 'Georgia,"Iowan Old Style","Songti SC","Noto Serif CJK SC",serif'

PAGE_STYLES: dict[str, PageStyle] = {
    "flat": PageStyle(),
    "watercolour": PageStyle(title_font={"zh": _KAI, "en": _ITALIC_SERIF}, entrance="bleed"),
    "ink": PageStyle(
        title_font={"zh": _KAI, "en": _ITALIC_SERIF},
        body_font={"zh": _KAI, "en": _ITALIC_SERIF},
        entrance="inkspread",
    ),
    "papercut": PageStyle(title_font={"zh": _SONG_BOLD, "en": _SLAB}, entrance="unfold"),
    "retro": PageStyle(title_font={"zh": _SONG_BOLD, "en": _SLAB}, entrance="print"),
    "pixel": PageStyle(title_font={"zh": _MONO, "en": _MONO}, entrance="pixelin"),
    "lineart": PageStyle(title_font={"zh": _HAND, "en": _HAND}, entrance="draw"),
    "minimal": PageStyle(
        title_font={"zh": _LIGHT_SANS, "en": _LIGHT_SANS}, entrance="fade", particles=False
    ),
}


def page_style(style: str) -> PageStyle:
    """The page dress of an art style; unknown styles dress as flat."""
    return PAGE_STYLES.get(style, PAGE_STYLES["flat"])
