"""The canvas the illustrator paints on: palette roles, layers, zones and shape helpers."""

from __future__ import annotations

import functools
import math
import random
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFilter

from engine.colour import RGB, luminance, mix, shade, to_rgb

RGBA = tuple[int, int, int, int]
Point = tuple[float, float]
WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)


@dataclass(frozen=True)
class Roles:
    """The palette by job: sky, scenery, accent (main motif), highlight (glow), secondary."""

    sky_top: RGB
    sky_bottom: RGB
    scenery: RGB
    accent: RGB
    highlight: RGB
    secondary: RGB

    @classmethod
    def from_palette(cls, palette: list[str]) -> Roles:
        """Roles from a palette in role order; missing roles are derived from the others."""
        colours = [to_rgb(c) for c in palette]
        sky_top = colours[0]
        sky_bottom = colours[1] if len(colours) > 1 else mix(sky_top, WHITE, 0.7)
        scenery = colours[2] if len(colours) > 2 else shade(mix(sky_top, sky_bottom, 0.5), 0.45)
        accent = colours[3] if len(colours) > 3 else shade(scenery, 0.55)
        highlight = colours[4] if len(colours) > 4 else mix(accent, WHITE, 0.6)
        secondary = colours[5] if len(colours) > 5 else mix(scenery, accent, 0.5)
        return cls(sky_top, sky_bottom, scenery, accent, highlight, secondary)

    @property
    def night(self) -> bool:
        """A dark sky: stars come out and glows get stronger."""
        return luminance(self.sky_top) < 0.08

    @property
    def ink(self) -> RGB:
        """A deep tone for outlines and silhouettes."""
        return shade(mix(self.scenery, BLACK, 0.3), 0.18)


def alpha(colour: RGB, value: float) -> RGBA:
    """An RGBA fill from an RGB colour and an opacity 0..1."""
    return colour[0], colour[1], colour[2], max(0, min(255, round(value * 255)))


@dataclass
class Canvas:
    """A working-resolution RGBA picture that layers are composited onto."""

    width: int
    height: int
    roles: Roles
    rng: random.Random
    style: str
    text_area: str
    occasion: str = "general"
    image: Image.Image = field(init=False)

    def __post_init__(self) -> None:
        self.image = Image.new("RGBA", (self.width, self.height), alpha(self.roles.sky_top, 1))

    @property
    def unit(self) -> float:
        """One hundredth of the shorter side: sizes are written in these units."""
        return min(self.width, self.height) / 100

    @property
    def horizon(self) -> float:
        """Where the land meets the sky: low when the words sit on top, high when below."""
        return self.height * (0.7 if self.text_area == "top" else 0.6)

    @property
    def calm(self) -> tuple[float, float]:
        """The vertical band kept quiet for the words."""
        if self.text_area == "top":
            return 0.0, self.height * 0.36
        return self.height * 0.66, float(self.height)

    def free_y(self) -> float:
        """A random height outside the calm band."""
        low, high = self.calm
        if self.text_area == "top":
            return self.rng.uniform(high, self.horizon)
        return self.rng.uniform(self.height * 0.03, low * 0.92)

    def layer(self) -> tuple[Image.Image, ImageDraw.ImageDraw]:
        """A fresh transparent layer and a pen for it."""
        layer = Image.new("RGBA", (self.width, self.height), (0, 0, 0, 0))
        return layer, ImageDraw.Draw(layer)

    def commit(self, layer: Image.Image, *, blur: float = 0.0, lift: bool = True) -> None:
        """Composite a layer: paper-cut layers cast a shadow, watercolour layers bleed.

        Only the layer's painted box (plus room for blur and shadow) is filtered and
        composited, which keeps small motifs cheap.
        """
        if self.style == "watercolour":
            blur += 1.2
        elif self.style in {"papercut", "lineart", "minimal"}:
            blur = 0.0
        shadow = lift and self.style == "papercut"
        box = layer.getbbox()
        if box is None:
            return
        pad = math.ceil(blur * 3 + (self.unit * 3 if shadow else 0)) + 1
        left, top = max(0, box[0] - pad), max(0, box[1] - pad)
        right, bottom = min(self.width, box[2] + pad), min(self.height, box[3] + pad)
        piece = layer.crop((left, top, right, bottom))
        if blur:
            piece = piece.filter(ImageFilter.BoxBlur(blur))
        if self.style == "watercolour":
            piece.putalpha(piece.getchannel("A").point(lambda v: v * 0.86))
        if shadow:
            shadow_alpha = piece.getchannel("A").filter(ImageFilter.BoxBlur(self.unit * 0.8))
            # Shifted down without wrapping round (ImageChops.offset would wrap the bottom
            # rows of a band to the top of its box as a stray line).
            dropped = Image.new("L", piece.size, 0)
            dropped.paste(shadow_alpha.point(lambda v: v * 0.45), (0, round(self.unit * 0.7)))
            shadow_alpha = dropped
            cast = Image.new("RGBA", piece.size, alpha(self.roles.ink, 1))
            cast.putalpha(shadow_alpha)
            self.image.alpha_composite(cast, (left, top))
        self.image.alpha_composite(piece, (left, top))


def vertical_gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    """An RGBA image fading from `top` to `bottom`."""
    mask = Image.linear_gradient("L").resize(size, Image.Resampling.BILINEAR)
    return Image.composite(
        Image.new("RGBA", size, alpha(bottom, 1)), Image.new("RGBA", size, alpha(top, 1)), mask
    )


@functools.lru_cache(maxsize=64)
def _falloff(size: int, strength: float) -> Image.Image:
    """A light's alpha, bright at the centre and gone at the rim.

    Cached: a card's lights come in a few sizes (the sky's is the same on every card of a working
    size), and a render process draws many cards. Shared, so never drawn on.
    """
    mask = Image.radial_gradient("L").resize((size, size), Image.Resampling.BILINEAR)
    # radial_gradient reaches 255 only in the corners; rescale so the light ends at the rim.
    return mask.point(lambda v: round(max(0.0, 1 - v * 1.4142 / 255) ** 1.6 * 255 * strength))


def glow(canvas: Canvas, centre: Point, radius: float, colour: RGB, strength: float) -> None:
    """A soft radial light."""
    size = max(2, round(radius * 2))
    light = Image.new("RGBA", (size, size), alpha(colour, 1))
    light.putalpha(_falloff(size, strength))
    canvas.image.alpha_composite(light, (round(centre[0] - radius), round(centre[1] - radius)))


def ridge(rng: random.Random, width: int, base: float, height: float, jagged: float) -> list[Point]:
    """A skyline: rolling sines for hills (`jagged` 0), sharp ridged peaks towards 1."""
    waves = [(rng.uniform(0.5, 1.0) * (i + 1) ** 1.6, rng.uniform(0, math.tau)) for i in range(3)]
    points: list[Point] = []
    steps = 64
    for step in range(steps + 1):
        t = step / steps * math.pi
        smooth = sum(math.sin(t * f + p) / (i + 1) ** 1.5 for i, (f, p) in enumerate(waves))
        peaks = sum((1 - abs(math.sin(t * f + p))) / (i + 1) for i, (f, p) in enumerate(waves))
        y = (1 - jagged) * (smooth / 1.9 + 0.5) + jagged * (peaks / 1.83)
        points.append((width * step / steps, base - height * y))
    return points


def heart(cx: float, cy: float, size: float) -> list[Point]:
    """A heart outline centred on (cx, cy), about `size` wide."""
    points = []
    for i in range(40):
        t = i / 40 * math.tau
        x = 16 * math.sin(t) ** 3
        y = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
        points.append((cx + x * size / 34, cy - y * size / 34))
    return points


def star(cx: float, cy: float, outer: float, inner: float, points: int = 5) -> list[Point]:
    """A star outline."""
    shape = []
    for i in range(points * 2):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / points
        shape.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return shape


def circle(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, fill: RGBA) -> None:
    """A filled circle."""
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fill)


def oval(
    cx: float, cy: float, rx: float, ry: float, angle: float = 0.0, n: int = 18
) -> list[Point]:
    """A rotated ellipse as a polygon."""
    cos, sin = math.cos(angle), math.sin(angle)
    points = []
    for i in range(n):
        t = i / n * math.tau
        x, y = rx * math.cos(t), ry * math.sin(t)
        points.append((cx + x * cos - y * sin, cy + x * sin + y * cos))
    return points


def flower(
    draw: ImageDraw.ImageDraw,
    cx: float,
    cy: float,
    r: float,
    petal: RGBA,
    centre: RGBA,
    petals: int = 5,
    turn: float = 0.0,
) -> None:
    """A simple flower head: petals round a centre."""
    for i in range(petals):
        angle = turn + i * math.tau / petals
        px, py = cx + math.cos(angle) * r * 0.55, cy + math.sin(angle) * r * 0.55
        draw.polygon(oval(px, py, r * 0.5, r * 0.32, angle), petal)
    circle(draw, cx, cy, r * 0.28, centre)
