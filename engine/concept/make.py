"""Step 1: a creative concept read from the request's words, deterministic per variation."""

from __future__ import annotations

import random

from core.models import Concept, PostcardRequest, VisualStyle
from engine.colour import luminance, mix, saturate, to_hex, to_rgb
from engine.concept.profiles import PROFILES, Profile
from engine.reading import moods
from engine.reading.occasions import BY_KEY, GENERAL
from engine.reading.people import People
from engine.reading.place_roles import PlaceMention
from engine.reading.wish import as_model, read_wish
from engine.scene import illustrate, particles, scenery
from engine.text import normalise, pick, safe_fragment, stable_rng

# What the illustrator can paint, by role.
HEROES = frozenset(illustrate.HEROES)
SCENES = frozenset(scenery.SCENES)
PARTICLES = frozenset(particles.PAINTERS)
_HANGING = {"lanterns"}
_NIGHT_TOP, _NIGHT_BOTTOM = (16, 20, 48), (70, 48, 110)
_TONE_STYLE = {
    "elegant": "minimal",
    "solemn": "watercolour",
    "calm": "watercolour",
    "nostalgic": "retro",
    "cute": "flat",
    "playful": "flat",
    "bright": "flat",
    "formal": "minimal",
}
_OCCASION_STYLES = {
    "spring_festival": ("papercut", "papercut", "flat"),
    "mid_autumn": ("ink", "flat", "papercut"),
    "dragon_boat": ("ink", "flat"),
    "sympathy": ("watercolour", "ink"),
    "wedding": ("watercolour", "minimal", "flat"),
    "new_baby": ("watercolour", "flat"),
    "christmas": ("papercut", "flat", "watercolour"),
    "travel": ("retro", "watercolour", "flat"),
    "remembrance": ("watercolour", "ink"),
    "good_night": ("watercolour", "flat"),
    "housewarming": ("flat", "papercut", "watercolour"),
}
_PLACE_PALETTE_OCCASIONS = {"travel", "general"}
_TONE_SATURATION = {"calm": 0.75, "solemn": 0.6, "elegant": 0.85, "bright": 1.2, "festive": 1.15}
_COPY_TONE = {
    "warm": "warm and sincere",
    "cute": "light, sweet and a little cute",
    "playful": "playful with a wink of humour",
    "elegant": "graceful and understated",
    "calm": "calm and reassuring",
    "solemn": "gentle, respectful and brief",
    "romantic": "tender and romantic",
    "festive": "festive and full of good wishes",
    "bright": "upbeat and proud",
    "formal": "courteous and professional",
    "nostalgic": "nostalgic and affectionate",
}


def _palette(
    profile: Profile,
    colours: list[str],
    tone: str,
    night: bool,
    rng: random.Random,
    preferred: tuple[str, ...] = (),
) -> list[str]:
    options = profile.palettes
    if night:
        dark = [p for p in options if luminance(to_rgb(p[0])) < 0.08]
        options = tuple(dark) or options
    base = [to_rgb(c) for c in (preferred or pick(rng, options))]
    if night and luminance(base[0]) >= 0.08:
        base[0] = mix(base[0], _NIGHT_TOP, 0.85)
        base[1] = mix(base[1], _NIGHT_BOTTOM, 0.7)
    if colours:
        named = [to_rgb(c) for c in colours]
        white = (255, 255, 255)
        base[3] = named[0]
        if len(named) > 1:
            base[4] = named[1]
        base[0] = mix(named[-1], white, 0.55)
        base[1] = mix(named[0], white, 0.88)
    factor = _TONE_SATURATION.get(tone, 1.0)
    if factor != 1.0:
        base = [saturate(c, factor) for c in base]
    return [to_hex(c) for c in base]


def _motifs(occasion: str, asked: list[str], profile: Profile, rng: random.Random) -> list[str]:
    if occasion == "birthday":
        asked = ["cake" if motif == "candle" else motif for motif in asked]
    asked_heroes = [m for m in asked if m in HEROES and m not in SCENES]
    if asked_heroes:
        heroes = list(dict.fromkeys(asked_heroes + list(profile.heroes)))
    else:
        first = profile.heroes[0] if rng.random() < 0.5 else pick(rng, profile.heroes)
        heroes = [first, *(m for m in profile.heroes if m != first)]
    asked_scenes = [m for m in asked if m in SCENES]
    scene = asked_scenes[0] if asked_scenes else pick(rng, profile.scenes)
    particles = [m for m in asked if m in PARTICLES] + list(profile.particles)
    ordered = [heroes[0], scene, *heroes[1:3], *particles]
    return list(dict.fromkeys(ordered))[:12]


def _layout(text: str, profile: Profile, tone: str, rng: random.Random) -> str:
    named = moods.find_layout(text)
    if named:
        return named
    options = list(profile.layouts)
    if tone in {"solemn", "calm"}:
        options = [layout for layout in options if layout != "envelope"] or options
    weights = [len(options) - index + 1 for index in range(len(options))]
    return rng.choices(options, weights=weights)[0]


def _audience(people: People) -> str:
    group = moods.audience_of(people.relation or people.recipient, default="friend")
    if people.recipient:
        return f"{people.recipient} ({group})"
    return {"general": "general: anyone dear to the sender"}.get(group, group)


def _composition(motifs: list[str], text_area: str, rng: random.Random) -> str:
    hero, scene, *rest = motifs
    side = pick(rng, ("left of centre", "centre", "right of centre"))
    room = "upper third" if text_area == "top" else "lower third"
    extras = ", ".join(m.replace("_", " ") for m in rest[:3]) or "soft light"
    return (
        f"Layered {scene} scenery under a gradient sky; {hero.replace('_', ' ')} as the focal "
        f"point {side}; {extras} as accents; calm, uncluttered space in the {room} for the words."
    )


def _theme(
    request: PostcardRequest,
    occasion: str,
    people: People,
    motifs: list[str],
    sender_place: PlaceMention | None,
) -> str:
    label = BY_KEY[occasion].label_en if occasion in BY_KEY else "A warm hello"
    given = safe_fragment(request.theme or "", 60)
    head = f"{label}: {given}" if given else label
    if sender_place:
        where = sender_place.place.en if sender_place.place else sender_place.name
        head += f" from {safe_fragment(where, 40)}"
    if people.recipient:
        head += f" for {people.recipient}"
    return f"{head} — {motifs[0].replace('_', ' ')} and {motifs[1].replace('_', ' ')}"[:200]


def make_concept(request: PostcardRequest) -> Concept:
    """A concept derived from the request's words; the prompt text is only ever data."""
    text = normalise(request.user_input)
    extra = normalise(" ".join(filter(None, (request.style, request.theme))))
    lowered = f"{text} {extra}".lower()
    reading = read_wish(request.user_input, request.theme, request.language)
    language = reading.language
    occasion = reading.occasion.occasion
    shown = reading.picture_place
    place = shown.place if shown else None
    profile = PROFILES.get(occasion, PROFILES[GENERAL])
    people = reading.people
    rng = stable_rng("concept", lowered, language, request.variation)

    tone = moods.find_tone(lowered) or profile.tone
    night = moods.wants_night(lowered) or bool(place and place.night)
    own = place.palette if place and occasion in _PLACE_PALETTE_OCCASIONS else ()
    palette = _palette(profile, moods.find_colours(lowered), tone, night, rng, own)
    style_key = (
        moods.find_art_style(lowered)
        or _TONE_STYLE.get(tone)
        or pick(rng, _OCCASION_STYLES.get(occasion, ("flat", "watercolour", "papercut")))
    )
    asked = moods.find_motifs(lowered)
    if place:
        asked = [place.landmark, place.scene, *asked]
    motifs = _motifs(occasion, asked, profile, rng)
    text_area = "bottom" if motifs[0] in _HANGING else pick(rng, profile.text_areas)
    length = "2–3 short sentences" if tone in {"solemn", "elegant", "calm"} else "3–4 sentences"
    names = ", ".join(filter(None, (people.recipient, people.sender)))
    return Concept(
        theme=_theme(request, occasion, people, motifs, reading.sender_place),
        occasion=occasion,
        emotion=profile.emotion,
        tone=tone,
        visual_style=VisualStyle(
            palette=palette,
            composition=_composition(motifs, text_area, rng),
            art_style=moods.art_style_description(style_key),
            motifs=motifs,
            text_area=text_area,
        ),
        copy_direction=(
            f"{_COPY_TONE.get(tone, 'warm and sincere').capitalize()}; {length}"
            + (f"; address {names} by name" if names else "")
            + ("; write in Chinese" if language == "zh" else "; write in English")
            + "."
        )[:400],
        audience=_audience(people)[:200],
        recipient=people.recipient,
        sender=people.sender[:60] if people.sender else None,
        language=language,
        layout=_layout(lowered, profile, tone, rng),
        reading=as_model(reading, tone),
    )
