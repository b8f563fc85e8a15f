"""Art styles: the palette each style paints with, and the finish that makes it read as its name.

A style acts twice. Before painting, `style_roles` may swap the palette for the style's own
materials (rice paper and ink, red paper on festival cards, a white sheet for line art).
After painting, `finish` turns the working picture into the medium: ink wash, watercolour,
cut paper, a retro print, a pixel grid, a line drawing, or flat and minimal colour.
"""

from __future__ import annotations

import math
import random

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter

from engine.colour import RGB, mix, saturate
from engine.scene.paint import WHITE, Roles

STYLES = ("flat", "watercolour", "ink", "papercut", "retro", "pixel", "lineart", "minimal")
RICE_PAPER: RGB = (240, 231, 211)
INK: RGB = (30, 28, 27)
SEAL: RGB = (182, 36, 30)
LINE_PAPER: RGB = (250, 248, 242)
CREAM: RGB = (244, 232, 206)
WATERCOLOUR_PAPER = np.array((252, 250, 244), dtype=np.float32)
BARE_WITHIN, BARE_WOBBLE = 0.05, 0.025
"""A watercolour leaves paper bare within 5 % of the side from an edge, give or take 2.5 %."""
RETRO_INKS = 6
PIXEL_GRID = 64
PIXEL_COLOURS = 16
BAYER = np.array([[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]], dtype=np.float32)
# Occasions whose paper-cut cards are cut from red paper, as 剪纸 is for festivals.
RED_PAPER_OCCASIONS = frozenset(
    {
        "spring_festival",
        "mid_autumn",
        "lantern_festival",
        "dragon_boat",
        "new_year",
        "christmas",
        "wedding",
        "birthday",
    }
)
# Backgrounds painted as one flat sheet instead of a gradient sky with a glow.
FLAT_BACKDROP = frozenset({"ink", "lineart", "minimal", "papercut"})


def style_roles(style: str, roles: Roles, occasion: str) -> Roles:
    """The palette a style paints with: the concept's own, or the style's materials."""
    if style == "ink":
        return Roles(
            RICE_PAPER, RICE_PAPER, (138, 134, 128), (62, 58, 55), (226, 218, 200), (160, 156, 150)
        )
    if style == "papercut" and occasion in RED_PAPER_OCCASIONS:
        return Roles(
            (246, 236, 216),
            (240, 226, 200),
            (164, 26, 34),
            (212, 40, 40),
            (236, 182, 64),
            (128, 18, 28),
        )
    if style == "lineart":
        return Roles(
            LINE_PAPER, LINE_PAPER, (205, 200, 190), roles.accent, (238, 234, 226), (214, 210, 200)
        )
    if style == "minimal":
        calm = mix(roles.sky_bottom, WHITE, 0.45)
        return Roles(
            calm,
            calm,
            saturate(roles.scenery, 0.7),
            roles.accent,
            mix(roles.highlight, WHITE, 0.3),
            saturate(roles.secondary, 0.7),
        )
    return roles


def _noise(rng: random.Random, size: tuple[int, int], cell: int) -> np.ndarray:
    """Seeded smooth noise in -1..1 with features about `cell` pixels wide."""
    small = (max(2, size[0] // cell), max(2, size[1] // cell))
    grain = Image.frombytes("L", small, rng.randbytes(small[0] * small[1]))
    grain = grain.resize(size, Image.Resampling.BICUBIC)
    return np.asarray(grain, dtype=np.float32) / 127.5 - 1.0


def _luma(rgb: np.ndarray) -> np.ndarray:
    return (rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114) / 255.0


def _to_image(rgb: np.ndarray) -> Image.Image:
    return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")


def _ink(picture: Image.Image, rng: random.Random) -> Image.Image:
    """Ink on rice paper: tones become ink density, the paper keeps its fibres."""
    rgb = np.asarray(picture, dtype=np.float32)
    h, w = rgb.shape[:2]
    paper_luma = _luma(np.array([[RICE_PAPER]], dtype=np.float32))[0, 0]
    density = np.clip((1.0 - _luma(rgb) / paper_luma - 0.12) / 0.88, 0.0, 1.0) ** 1.1
    # Wet ink spreads unevenly: density wavers a little with a soft noise.
    density = np.clip(density * (1.0 + 0.08 * _noise(rng, (w, h), 3)), 0.0, 1.0)[..., None]
    fibres = 5.0 * _noise(rng, (w, h), 1)[..., None]
    paper = np.array(RICE_PAPER, dtype=np.float32) + fibres
    out = paper * (1.0 - density) + np.array(INK, dtype=np.float32) * density
    return _to_image(out)


def _watercolour(picture: Image.Image, rng: random.Random, calm: tuple[int, int]) -> Image.Image:
    """Transparent washes: pigment pools at edges, granulates, and leaves white paper showing.

    The per-pixel terms that do not depend on the colour channel are built on one channel and
    added to the three once: the finish is the largest cost of a watercolour postcard.
    """
    rgb = np.asarray(picture, dtype=np.float32)
    h, w = rgb.shape[:2]
    soft = np.asarray(picture.filter(ImageFilter.BoxBlur(3)), dtype=np.float32)
    # Pigment pools where the blurred wash is darker than the shape's own colour.
    spread = soft - rgb
    pooled = rgb + 0.4 * spread
    np.maximum(spread, 0.0, out=spread)
    pooled -= ((spread[..., 0] + spread[..., 1] + spread[..., 2]) / 3.0)[..., None]
    pigment = 1.0 - _luma(pooled)
    texture = np.ones((h, 1), dtype=np.float32)
    texture[calm[0] : calm[1]] = 0.2
    granules = _noise(rng, (w, h), 1) * 14.0 * pigment * texture
    blotches = _noise(rng, (w, h), 40)
    washed = pooled
    washed *= 0.9
    washed += (255.0 * 0.1 - granules + blotches * 10.0 * texture)[..., None]
    _bare_margin(washed, rng)
    return _to_image(washed)


def _bare_margin(washed: np.ndarray, rng: random.Random) -> None:
    """An uneven untouched margin: the wash stops short of the sheet's edge (in place).

    A pixel is bare where its distance to the nearest edge, as a share of the side, wobbled by
    ±BARE_WOBBLE, is under BARE_WITHIN; so only the frame within their sum of an edge can be,
    and the blend runs on its four strips instead of the whole sheet (three quarters of the
    work saved).
    """
    h, w = washed.shape[:2]
    wobble = _noise(rng, (w, h), 18)
    grain = _noise(rng, (w, h), 2)
    ys = (np.minimum(np.arange(h), np.arange(h)[::-1]) / h)[:, None]
    xs = (np.minimum(np.arange(w), np.arange(w)[::-1]) / w)[None, :]
    reach = BARE_WITHIN + BARE_WOBBLE
    top = min(h // 2, math.ceil(reach * h) + 1)
    side = min(w // 2, math.ceil(reach * w) + 1)
    whole, middle = slice(None), slice(top, h - top)
    strips = (
        (slice(0, top), whole),
        (slice(h - top, h), whole),
        (middle, slice(0, side)),
        (middle, slice(w - side, w)),
    )
    for rows, cols in strips:
        edge = np.minimum(ys[rows], xs[:, cols]) + BARE_WOBBLE * wobble[rows, cols]
        bare = np.clip((BARE_WITHIN - edge) / 0.02, 0.0, 1.0).astype(np.float32)[..., None]
        paper = WATERCOLOUR_PAPER + 4.0 * grain[rows, cols][..., None]
        washed[rows, cols] += (paper - washed[rows, cols]) * bare


def _retro(
    picture: Image.Image, rng: random.Random, roles: Roles, calm: tuple[int, int]
) -> Image.Image:
    """A print in six inks: halftone dots for the tones, a plate slightly out of register."""
    w, h = picture.size
    # The inks are the picture's own six main colours, aged towards cream stock, so every
    # shape keeps an ink of its own; the lightest ink is the paper itself.
    flat = picture.quantize(RETRO_INKS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    inks = np.array((flat.getpalette() or [])[: RETRO_INKS * 3], dtype=np.float32).reshape(-1, 3)
    inks = inks * 0.85 + np.array(CREAM, dtype=np.float32) * 0.15
    paper_ink = int(np.argmax(_luma(inks[None])[0]))
    inks[paper_ink] = CREAM
    index = np.asarray(flat)
    out = inks[index]
    # Halftone: a 45° dot screen shows each pixel's darkness as dot size, outside the words' band.
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    period = halftone_period(w)
    screen = (np.cos((xs + ys) * np.pi / period) * np.cos((xs - ys) * np.pi / period) + 1) / 2
    tone = 1.0 - _luma(np.asarray(picture, dtype=np.float32))
    dots = (screen < tone * 0.9) & (index == paper_ink) | (screen < tone * 0.45)
    dots[calm[0] : calm[1]] = False
    dot_ink = mix(roles.ink, roles.accent, 0.35)
    out[dots] = out[dots] * 0.45 + np.array(dot_ink, dtype=np.float32) * 0.55
    # Misregistration: the accent plate lands a little off.
    plate = int(np.argmin(((inks - np.array(roles.accent, dtype=np.float32)) ** 2).sum(axis=1)))
    accent = (index == plate) if plate != paper_ink else np.zeros_like(dots)
    shift = max(1, round(w / 170))
    down = shift // 2 + 1
    moved = np.zeros_like(accent)
    moved[down:, shift:] = accent[:-down, :-shift]
    ghost = moved & ~accent
    out[ghost] = out[ghost] * 0.55 + np.array(roles.accent, dtype=np.float32) * 0.45
    grain = 9.0 * _noise(rng, (w, h), 1)[..., None]
    return _to_image(out + grain)


def halftone_period(width: int) -> float:
    """The retro dot screen's period in pixels at a working width."""
    return max(4.0, width / 90)


def pixelate(picture: Image.Image, size: tuple[int, int]) -> Image.Image:
    """A low-resolution grid of at most sixteen colours, enlarged with hard edges to `size`."""
    long_side = max(size)
    grid = (
        max(8, round(size[0] * PIXEL_GRID / long_side)),
        max(8, round(size[1] * PIXEL_GRID / long_side)),
    )
    small = ImageEnhance.Color(picture.resize(grid, Image.Resampling.BOX)).enhance(1.3)
    board = small.quantize(PIXEL_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    inks = np.array((board.getpalette() or [])[: PIXEL_COLOURS * 3], dtype=np.float32)
    inks = inks.reshape(-1, 3)
    # Ordered (Bayer) dithering, as on old consoles: gradients become checkered steps.
    cells = np.asarray(small, dtype=np.float32)
    ys, xs = np.mgrid[0 : grid[1], 0 : grid[0]]
    nudged = cells + ((BAYER[ys % 4, xs % 4] + 0.5) / 16 - 0.5)[..., None] * 22.0
    nearest = ((nudged[:, :, None, :] - inks[None, None]) ** 2).sum(axis=3).argmin(axis=2)
    coarse = Image.fromarray(inks[nearest].astype(np.uint8), "RGB")
    return coarse.resize(size, Image.Resampling.NEAREST)


def _lineart(picture: Image.Image, roles: Roles) -> Image.Image:
    """Dark strokes where colours meet, white paper elsewhere, the accent as one spot colour."""
    rgb = np.asarray(picture, dtype=np.float32)
    step_x = np.abs(np.diff(rgb, axis=1, append=rgb[:, -1:])).sum(axis=2)
    step_y = np.abs(np.diff(rgb, axis=0, append=rgb[-1:])).sum(axis=2)
    stroke = np.clip((np.maximum(step_x, step_y) - 18.0) / 60.0, 0.0, 1.0)
    stroke = np.maximum(stroke, np.roll(stroke, 1, axis=1) * 0.7)[..., None]
    accent = np.array(roles.accent, dtype=np.float32)
    near_accent = np.sqrt(((rgb - accent) ** 2).sum(axis=2)) < 70.0
    spot = np.where(near_accent, 0.55, 0.0)[..., None].astype(np.float32)
    paper = np.array(LINE_PAPER, dtype=np.float32)
    out = paper * (1 - spot) + accent * spot
    out = out * (1 - stroke) + np.array((34, 32, 38), dtype=np.float32) * stroke
    return _to_image(out)


def finish(
    picture: Image.Image, style: str, rng: random.Random, roles: Roles, calm: tuple[int, int]
) -> Image.Image:
    """The working picture turned into the style's medium (pixel is applied at the final size)."""
    if style == "ink":
        return _ink(picture, rng)
    if style == "watercolour":
        return _watercolour(picture, rng, calm)
    if style == "retro":
        return _retro(picture, rng, roles, calm)
    if style == "lineart":
        return _lineart(picture, roles)
    return picture
