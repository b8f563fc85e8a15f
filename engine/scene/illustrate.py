"""Step 3: the illustration, painted with Pillow from the concept at half size, then enlarged."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable

from PIL import Image

from core.models import Concept, Content
from engine.colour import mix
from engine.concept.profiles import PROFILES
from engine.landmarks.painters import LANDMARK_PAINTERS, SHORE
from engine.motifs import focal as motifs
from engine.motifs import home as motifs_home
from engine.motifs import nature as motifs_nature
from engine.motifs import sky as motifs_sky
from engine.reading.moods import find_art_style, find_motifs
from engine.reading.occasions import GENERAL, canonical_occasion
from engine.scene.paint import Canvas, Roles
from engine.scene.particles import PAINTERS, scatter
from engine.scene.scenery import SCENES, ground, sky
from engine.styles.catalog import finish, pixelate, style_roles
from engine.styles.marks import paper_frame, seal
from engine.text import stable_rng

Hero = Callable[[Canvas, float, float, float], None]
HEROES: dict[str, Hero] = {
    "cake": motifs.cake,
    "balloons": motifs.balloons,
    "gift": motifs.gift,
    "rings": motifs.rings,
    "hearts": motifs.hearts,
    "books": motifs.books,
    "cap": motifs.cap,
    "candle": motifs.candle,
    "lanterns": motifs.lanterns,
    "mooncake": motifs.mooncake,
    "zongzi": motifs.zongzi,
    "moon": motifs_sky.moon,
    "sun": motifs_sky.sun,
    "flowers": motifs_nature.flowers,
    "rainbow": motifs_sky.rainbow,
    "boat": motifs_nature.boat,
    "cat": motifs_nature.cat,
    "plum_blossom": motifs_nature.plum_blossom,
    "pine_trees": motifs_nature.pine_trees,
    "temple": motifs_nature.temple,
    "mountains": motifs_nature.peak,
    "stars": motifs_sky.milky_way,
    "fireworks": motifs_sky.fireworks,
    "house": motifs_home.house,
    **LANDMARK_PAINTERS,
}
SKY_HEROES = {"moon", "sun", "stars", "fireworks", "rainbow", "aurora"}
WORKING_SIZE = 512
JPEG_QUALITY = 92
MIN_SIZE, MAX_SIZE = 64, 4096
VIGNETTED = frozenset({"flat", "papercut", "retro", "pixel"})
FAINT_ON_PALE = frozenset({"stars", "fireworks", "aurora"})


def _canonical(names: list[str]) -> list[str]:
    """Motif names as this painter knows them; other providers may say "balloon" or "月亮"."""
    known: list[str] = []
    for name in names:
        key = name.strip().lower().replace(" ", "_")
        if key in HEROES or key in SCENES or key in PAINTERS:
            known.append(key)
        else:
            known.extend(find_motifs(name.lower())[:1])
    return list(dict.fromkeys(known))


def _cast(concept: Concept, canvas: Canvas) -> tuple[str, str, list[str], list[str]]:
    """Hero, scene, accents and particles for this picture."""
    profile = PROFILES.get(canvas.occasion, PROFILES[GENERAL])
    names = _canonical(concept.visual_style.motifs)
    heroes = [n for n in names if n in HEROES and n not in SCENES]
    if names and names[0] in HEROES:
        heroes = [names[0], *(n for n in heroes if n != names[0])]
    hero = heroes[0] if heroes else canvas.rng.choice(profile.heroes)
    scenes = [n for n in names if n in SCENES and n != hero]
    scene = scenes[0] if scenes else canvas.rng.choice(profile.scenes)
    if hero == "boat" and scene not in {"sea", "lake"}:
        scene = "lake"
    unfit = {"lanterns", "stars", "plum_blossom"} | (
        {"boat"} if scene not in {"sea", "lake"} else set()
    )
    # A landmark is the picture's subject: no second building or object beside it.
    accents = [] if hero in LANDMARK_PAINTERS else [n for n in heroes[1:] if n not in unfit][:1]
    particles = [n for n in names if n in PAINTERS and n != hero][:3] or list(profile.particles[:2])
    return hero, scene, accents, particles


def _place_hero(canvas: Canvas, name: str, x: float, scale: float, scene: str) -> None:
    short = min(canvas.width, canvas.height)
    if name in SKY_HEROES:
        band = canvas.horizon - (canvas.calm[1] if canvas.text_area == "top" else 0)
        HEROES[name](canvas, x, canvas.horizon, band * scale)
        return
    size = min(short * 0.5, canvas.height * 0.55) * scale
    watery = scene in {"sea", "lake", "harbour"}
    if name == "boat" and watery:
        base = canvas.horizon + canvas.unit * (12 if canvas.text_area == "top" else 4)
    elif name in SHORE and watery:
        base = canvas.horizon + canvas.unit * (8 if canvas.text_area == "top" else 2)
    elif canvas.text_area == "top":
        base = canvas.height * 0.93
    else:
        base = canvas.horizon + canvas.unit * 3
    if name in LANDMARK_PAINTERS and canvas.text_area == "top":
        # Tall landmarks are scaled to stay below the words' band.
        size = min(size, (base - canvas.calm[1]) / 1.18)
    HEROES[name](canvas, x, base, size)


def _finish(canvas: Canvas) -> Image.Image:
    """The style's medium, its marks, then a gentle vignette where the style has one."""
    calm = (round(canvas.calm[0]), round(canvas.calm[1]))
    picture = finish(canvas.image.convert("RGB"), canvas.style, canvas.rng, canvas.roles, calm)
    if canvas.style in VIGNETTED:
        shadow = Image.new("RGB", picture.size, mix(canvas.roles.ink, (0, 0, 0), 0.5))
        picture = Image.composite(shadow, picture, _vignette(picture.size))
    return picture


@functools.lru_cache(maxsize=8)
def _vignette(size: tuple[int, int]) -> Image.Image:
    """How much a gentle vignette darkens each pixel: nothing in the middle, a little at the
    corners. Cached by size (one working size is most cards; ~2.6 ms to build); never drawn on."""
    return Image.radial_gradient("L").resize(size).point(lambda v: max(0, v - 150) * 0.55)


def render_illustration(
    concept: Concept,
    content: Content | None,
    *,
    width: int = 1024,
    height: int = 1024,
    seed: int = 0,
) -> bytes:
    """The illustration as a file: JPEG, or PNG for pixel art (see `encode`)."""
    picture = draw_illustration(concept, content, width=width, height=height, seed=seed)
    style = find_art_style(concept.visual_style.art_style.lower()) or "flat"
    return encode(picture, style)


def draw_illustration(
    concept: Concept,
    content: Content | None,
    *,
    width: int = 1024,
    height: int = 1024,
    seed: int = 0,
) -> Image.Image:
    """A picture in the concept's palette and art style: sky, scenery, a focal motif,
    particles."""
    width = max(MIN_SIZE, min(MAX_SIZE, width))
    height = max(MIN_SIZE, min(MAX_SIZE, height))
    scale = min(1.0, WORKING_SIZE / max(width, height))
    style = find_art_style(concept.visual_style.art_style.lower()) or "flat"
    text_area = "bottom" if concept.visual_style.text_area.strip().lower() == "bottom" else "top"
    occasion = canonical_occasion(concept.occasion)
    canvas = Canvas(
        width=max(1, round(width * scale)),
        height=max(1, round(height * scale)),
        roles=style_roles(style, Roles.from_palette(concept.visual_style.palette), occasion),
        # The reading explains how the wish was understood; it is not part of the look.
        rng=stable_rng("illustration", concept.model_dump_json(exclude={"reading"}), seed),
        style=style,
        text_area=text_area,
        occasion=occasion,
    )
    hero, scene, accents, particles = _cast(concept, canvas)
    hero_x = canvas.width * canvas.rng.choice((0.34, 0.5, 0.66))
    sparse = canvas.style == "minimal"
    if sparse and hero in FAINT_ON_PALE:
        # A minimal card's pale sheet would swallow a starry sky: show a solid motif instead.
        hero = accents[0] if accents else "moon"
    sky(canvas)
    if hero in SKY_HEROES:
        _place_hero(canvas, hero, hero_x, 1.0, scene)
    (ground if sparse else SCENES[scene])(canvas)
    if hero not in SKY_HEROES:
        _place_hero(canvas, hero, hero_x, 0.8 if sparse else 1.0, scene)
    if not sparse:
        for accent in accents:
            side = 0.84 if hero_x <= canvas.width / 2 else 0.16
            _place_hero(canvas, accent, canvas.width * side, 0.45, scene)
        density = 0.5 if canvas.style == "lineart" else 1.0
        for kind in particles:
            scatter(canvas, kind, density / max(1, len(particles) - 1))
    if canvas.style == "papercut":
        paper_frame(canvas)
    picture = _finish(canvas)
    if canvas.style == "pixel":
        picture = pixelate(picture, (width, height))
    elif picture.size != (width, height):
        picture = picture.resize((width, height), Image.Resampling.BICUBIC)
    if canvas.style == "ink":
        seal(picture, canvas)
    return picture


def encode(picture: Image.Image, style: str) -> bytes:
    """JPEG for painted styles, PNG for pixel art.

    A painted picture (gradients, washes, grain) at JPEG quality 92 with full-resolution colour
    looks the same as the PNG at a quarter of the bytes, and encodes in a tenth of the CPU: the
    PNG encode was the largest single cost of a local postcard. Pixel art keeps PNG, whose
    lossless hard edges and sixteen exact colours are the style.
    """
    buffer = io.BytesIO()
    if style == "pixel":
        picture.save(buffer, "PNG", compress_level=1)
    else:
        picture.save(buffer, "JPEG", quality=JPEG_QUALITY, subsampling=0)
    return buffer.getvalue()
