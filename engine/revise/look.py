"""A revision's look: the palette and the page layout an instruction asks for."""

from __future__ import annotations

import colorsys
import random

from core.models import Concept
from engine.colour import mix, to_hex, to_rgb
from engine.concept.profiles import PROFILES
from engine.reading.lexicon import COLOUR_WORDS
from engine.reading.moods import LAYOUTS, art_style_description, canonical_layout, find_art_style
from engine.reading.occasions import canonical_occasion
from engine.revise.instructions import ANOTHER, Adjustments
from engine.styles.catalog import RED_PAPER_OCCASIONS
from engine.text import pick

_MIN_HUE_SHIFT = 60.0
# Mediums that paint with their own materials, not the palette, and their coloured neighbours.
_COLOURED_MEDIUM = {"ink": "watercolour", "papercut": "flat"}


def hue(hex_colour: str) -> float:
    """A colour's hue in degrees."""
    r, g, b = (c / 255 for c in to_rgb(hex_colour))
    return colorsys.rgb_to_hls(r, g, b)[0] * 360


def _hue_distance(a: list[str], b: list[str]) -> float:
    """Mean hue difference, in degrees, between two palettes role by role."""
    pairs = list(zip(a, b, strict=False)) or [("#000000", "#000000")]
    total = 0.0
    for x, y in pairs:
        d = abs(hue(x) - hue(y)) % 360
        total += min(d, 360 - d)
    return total / len(pairs)


def _toward(hex_colour: str, degrees: float, spread: float, min_saturation: float = 0.3) -> str:
    """The colour at another hue (± spread), its lightness kept and its saturation floored."""
    r, g, b = (c / 255 for c in to_rgb(hex_colour))
    _, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    lightness = min(max(lightness, 0.12), 0.9)
    saturation = max(saturation, min_saturation)
    nr, ng, nb = colorsys.hls_to_rgb(((degrees + spread) % 360) / 360, lightness, saturation)
    return to_hex((round(nr * 255), round(ng * 255), round(nb * 255)))


def _recolour(palette: list[str], colour: str) -> list[str]:
    """The palette in the named colour's hue: every role keeps its lightness."""
    target = COLOUR_WORDS[colour][1]
    r, g, b = (c / 255 for c in to_rgb(target))
    target_hue, _, saturation = colorsys.rgb_to_hls(r, g, b)
    if saturation < 0.15 or colour in {"white", "black", "silver"}:
        # A neutral: keep the hues and move every role towards the neutral's lightness.
        return [to_hex(mix(to_rgb(c), to_rgb(target), 0.65)) for c in palette]
    spreads = (0.0, 8.0, -10.0, 0.0, 14.0, -6.0, 10.0, -12.0)
    return [
        _toward(c, target_hue * 360, spreads[i % len(spreads)], 0.35) for i, c in enumerate(palette)
    ]


def _another_palette(concept: Concept, away_from: list[str], rng: random.Random) -> list[str]:
    """One of the occasion's palettes far from `away_from`, else the palette's hues turned."""
    profile = PROFILES.get(canonical_occasion(concept.occasion))
    size = len(concept.visual_style.palette)
    if profile:
        options = [list(p)[:size] for p in profile.palettes if len(p) >= size]
        far = [p for p in options if _hue_distance(p, away_from) >= _MIN_HUE_SHIFT]
        if far:
            return pick(rng, far)
    turn = rng.uniform(120, 200)
    return [_toward(c, hue(c), turn, 0.0) for c in concept.visual_style.palette]


def _medium(concept: Concept) -> str:
    """The art style a colour request can be seen in: ink paints only in ink, and paper-cut on
    a festive occasion only in red paper, so a colour asked of them moves to their neighbour."""
    style = concept.visual_style.art_style
    key = find_art_style(style.lower())
    red_paper = canonical_occasion(concept.occasion) in RED_PAPER_OCCASIONS
    if key == "ink" or (key == "papercut" and red_paper):
        return art_style_description(_COLOURED_MEDIUM[key])
    return style


def _another_layout(current: str, avoid: set[str], rng: random.Random) -> str:
    options = [layout for layout in LAYOUTS if layout != current and layout not in avoid]
    return pick(rng, options or [layout for layout in LAYOUTS if layout != current])


def look(
    concept: Concept,
    adjust: Adjustments,
    rng: random.Random,
    before: Concept | None = None,
    new_layout: bool = False,
) -> Concept:
    """The concept with the asked palette and layout; `before` is the card being replaced."""
    style = concept.visual_style
    palette = list(style.palette)
    away = before.visual_style.palette if before else palette
    if adjust.colour == ANOTHER:
        palette = _another_palette(concept, away, rng)
    elif adjust.colour:
        palette = _recolour(palette, adjust.colour)
    elif before is not None and palette == before.visual_style.palette:
        # A plain concept regenerate that drew the same palette: turn it, so it never repeats.
        palette = [_toward(c, hue(c), rng.uniform(40, 80), 0.0) for c in palette]
    art_style = _medium(concept) if adjust.colour else style.art_style
    layout = concept.layout
    current = canonical_layout(layout) or layout
    if adjust.layout and adjust.layout != ANOTHER:
        layout = adjust.layout
    elif adjust.layout == ANOTHER or new_layout:
        previous = canonical_layout(before.layout) if before else None
        layout = _another_layout(previous or current, {current} if before else set(), rng)
    return concept.model_copy(
        update={
            "visual_style": style.model_copy(update={"palette": palette, "art_style": art_style}),
            "layout": layout,
        }
    )
