"""Contact sheets of the art styles and of the places (`postcards sample --styles --places`)."""

from __future__ import annotations

from pathlib import Path

from engine.reading.places import BY_KEY
from engine.samples.cards import SampleCard, contact_sheet, render_card, sample_request
from engine.styles.catalog import STYLES

# Three occasions every style is shown on: the festival of issue 18's report, a birthday, thanks.
STYLE_WISHES: tuple[str, ...] = (
    "中秋节给远方的爸妈寄一张明信片",
    "A birthday card for my friend Anna from Leo",
    "a thank-you card for my team after a hard quarter",
)
# A dozen places, named in either language, some inside another occasion's wish or style.
PLACE_WISHES: tuple[tuple[str, str], ...] = (
    ("paris", "Christmas postcard from Paris, snowy and cozy"),
    ("kyoto", "Greetings from Kyoto — temples and maple leaves"),
    ("west_lake", "西湖的春天"),
    ("new_york", "Hello from New York! retro poster style"),
    ("guilin", "从桂林寄给你的明信片，山水画"),
    ("sydney", "Happy birthday from Sydney!"),
    ("great_wall", "和爷爷一起去长城，剪纸风"),
    ("venice", "a postcard from Venice for my love, line art"),
    ("cairo", "Greetings from Cairo, pixel art"),
    ("santorini", "Santorini, wish you were here — minimal"),
    ("fuji", "富士山下的问候，浮世绘版画"),
    ("iceland", "冰岛的夜晚，想你"),
)


def _style_caption(card: SampleCard) -> tuple[str, str]:
    style = card.slug.split("-", 2)[1]
    return style, f"{card.concept.occasion.replace('_', ' ')} · {card.content.title}"


def _place_caption(card: SampleCard) -> tuple[str, str]:
    place = BY_KEY[card.slug.split("-", 1)[1]]
    return f"{place.en} · {place.zh}", card.content.title


def build_style_sheet(out: Path) -> Path:
    """Every style on three occasions, one row per occasion; returns `out/styles.png`."""
    out.mkdir(parents=True, exist_ok=True)
    cards = [
        render_card(out, f"s{row}-{style}", sample_request(row, wish, style))
        for row, wish in enumerate(STYLE_WISHES, start=1)
        for style in STYLES
    ]
    path = out / "styles.png"
    contact_sheet(cards, columns=len(STYLES), tile=220, describe=_style_caption).save(
        path, "PNG", optimize=True
    )
    return path


def build_place_sheet(out: Path) -> Path:
    """A dozen places with their landmarks; returns `out/places.png`."""
    out.mkdir(parents=True, exist_ok=True)
    cards = [
        render_card(out, f"p{number:02d}-{key}", sample_request(number, wish))
        for number, (key, wish) in enumerate(PLACE_WISHES, start=1)
    ]
    path = out / "places.png"
    contact_sheet(cards, columns=4, tile=260, describe=_place_caption).save(
        path, "PNG", optimize=True
    )
    return path
