"""Small things scattered through the picture: confetti, petals, snow, birds, notes and more."""

from __future__ import annotations

import math
from collections.abc import Callable

from PIL import ImageDraw

from engine.colour import RGB, mix, shade
from engine.scene.paint import WHITE, Canvas, alpha, circle, flower, heart, oval, star

Painter = Callable[[Canvas, ImageDraw.ImageDraw, float, float, float, RGB], None]


def _confetti(
    canvas: Canvas, draw: ImageDraw.ImageDraw, x: float, y: float, s: float, c: RGB
) -> None:
    draw.polygon(oval(x, y, s * 0.9, s * 0.35, canvas.rng.uniform(0, math.pi), n=4), alpha(c, 0.95))


def _star(canvas: Canvas, draw: ImageDraw.ImageDraw, x: float, y: float, s: float, c: RGB) -> None:
    draw.polygon(star(x, y, s, s * 0.4), alpha(mix(c, WHITE, 0.4), 0.9))


def _petal(canvas: Canvas, draw: ImageDraw.ImageDraw, x: float, y: float, s: float, c: RGB) -> None:
    draw.polygon(
        oval(x, y, s * 0.8, s * 0.45, canvas.rng.uniform(0, math.pi)),
        alpha(mix(c, WHITE, 0.35), 0.9),
    )


def _heart(canvas: Canvas, draw: ImageDraw.ImageDraw, x: float, y: float, s: float, c: RGB) -> None:
    draw.polygon(heart(x, y, s * 1.6), alpha(c, 0.85))


def _bird(canvas: Canvas, draw: ImageDraw.ImageDraw, x: float, y: float, s: float, c: RGB) -> None:
    width = max(1, round(s * 0.3))
    ink = alpha(canvas.roles.ink, 0.75)
    draw.arc((x - 2 * s, y - s, x, y + s), 200, 340, fill=ink, width=width)
    draw.arc((x, y - s, x + 2 * s, y + s), 200, 340, fill=ink, width=width)


def _leaf(canvas: Canvas, draw: ImageDraw.ImageDraw, x: float, y: float, s: float, c: RGB) -> None:
    angle = canvas.rng.uniform(0, math.pi)
    colour = canvas.rng.choice((canvas.roles.secondary, c, canvas.roles.highlight))
    draw.polygon(oval(x, y, s, s * 0.42, angle), alpha(colour, 0.9))


def _maple(canvas: Canvas, draw: ImageDraw.ImageDraw, x: float, y: float, s: float, c: RGB) -> None:
    colour = canvas.rng.choice(((200, 60, 40), (230, 120, 40), c))
    draw.polygon(star(x, y, s * 1.2, s * 0.55, 5), alpha(colour, 0.95))


def _butterfly(
    canvas: Canvas, draw: ImageDraw.ImageDraw, x: float, y: float, s: float, c: RGB
) -> None:
    for side in (-1, 1):
        draw.polygon(
            oval(x + side * s * 0.6, y - s * 0.3, s * 0.7, s * 0.5, side * 0.5), alpha(c, 0.9)
        )
        draw.polygon(
            oval(x + side * s * 0.45, y + s * 0.45, s * 0.45, s * 0.35),
            alpha(mix(c, WHITE, 0.4), 0.9),
        )
    draw.line(
        (x, y - s * 0.6, x, y + s * 0.7),
        fill=alpha(canvas.roles.ink, 0.9),
        width=max(1, round(s * 0.15)),
    )


def _cloud(canvas: Canvas, draw: ImageDraw.ImageDraw, x: float, y: float, s: float, c: RGB) -> None:
    for dx, dy, r in ((-1.6, 0.3, 1.0), (0, -0.3, 1.4), (1.6, 0.3, 1.0)):
        circle(draw, x + dx * s, y + dy * s, r * s, alpha(WHITE, 0.85))
    draw.rectangle((x - 1.6 * s, y + 0.3 * s, x + 1.6 * s, y + 1.3 * s), alpha(WHITE, 0.85))


def _spark(canvas: Canvas, draw: ImageDraw.ImageDraw, x: float, y: float, s: float, c: RGB) -> None:
    for i in range(10):
        angle = i * math.tau / 10
        draw.line(
            (
                x + math.cos(angle) * s * 0.4,
                y + math.sin(angle) * s * 0.4,
                x + math.cos(angle) * s * 1.6,
                y + math.sin(angle) * s * 1.6,
            ),
            fill=alpha(c, 0.9),
            width=max(1, round(s * 0.2)),
        )


def _snow(canvas: Canvas, draw: ImageDraw.ImageDraw, x: float, y: float, s: float, c: RGB) -> None:
    circle(
        draw, x, y, s * canvas.rng.uniform(0.25, 0.6), alpha(WHITE, canvas.rng.uniform(0.6, 0.95))
    )


def _balloon(
    canvas: Canvas, draw: ImageDraw.ImageDraw, x: float, y: float, s: float, c: RGB
) -> None:
    draw.line((x, y + s * 1.3, x + s * 0.3, y + s * 3), fill=alpha(canvas.roles.ink, 0.6), width=1)
    draw.polygon(oval(x, y, s, s * 1.25), alpha(c, 0.95))


def _note(canvas: Canvas, draw: ImageDraw.ImageDraw, x: float, y: float, s: float, c: RGB) -> None:
    ink = alpha(shade(c, 0.3), 0.85)
    draw.polygon(oval(x, y, s * 0.6, s * 0.42, -0.4), ink)
    draw.line((x + s * 0.5, y, x + s * 0.5, y - s * 2.2), fill=ink, width=max(1, round(s * 0.18)))
    draw.line(
        (x + s * 0.5, y - s * 2.2, x + s * 1.2, y - s * 1.6),
        fill=ink,
        width=max(1, round(s * 0.18)),
    )


def _blossom(
    canvas: Canvas, draw: ImageDraw.ImageDraw, x: float, y: float, s: float, c: RGB
) -> None:
    flower(draw, x, y, s, alpha(mix(c, WHITE, 0.4), 0.95), alpha(canvas.roles.highlight, 1))


PAINTERS: dict[str, tuple[Painter, float, int]] = {
    "confetti": (_confetti, 1.2, 60),
    "stars": (_star, 1.3, 22),
    "petals": (_petal, 1.1, 30),
    "hearts": (_heart, 1.4, 14),
    "birds": (_bird, 1.6, 7),
    "leaves": (_leaf, 1.4, 18),
    "maple_leaves": (_maple, 1.6, 16),
    "butterflies": (_butterfly, 1.8, 6),
    "clouds": (_cloud, 3.0, 4),
    "fireworks": (_spark, 2.6, 6),
    "snow": (_snow, 1.2, 110),
    "balloons": (_balloon, 2.2, 7),
    "music": (_note, 1.5, 10),
    "plum_blossom": (_blossom, 1.6, 14),
}


def scatter(canvas: Canvas, kind: str, density: float = 1.0) -> None:
    """Sprinkle one kind of particle, mostly outside the calm band."""
    painter, size, count = PAINTERS[kind]
    roles = canvas.roles
    colours = (roles.accent, roles.highlight, roles.secondary, mix(roles.accent, WHITE, 0.5))
    layer, draw = canvas.layer()
    spread_all = kind == "snow"
    calm_low, calm_high = canvas.calm
    for _ in range(max(1, round(count * density))):
        x = canvas.rng.uniform(0, canvas.width)
        y = canvas.rng.uniform(0, canvas.height) if spread_all else canvas.free_y()
        if spread_all and calm_low <= y <= calm_high and canvas.rng.random() < 0.8:
            continue
        scale = size * canvas.unit * canvas.rng.uniform(0.7, 1.3)
        painter(canvas, draw, x, y, scale, canvas.rng.choice(colours))
    canvas.commit(layer, lift=False)
