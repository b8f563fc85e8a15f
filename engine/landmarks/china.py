"""Landmarks of China, as bold recognisable silhouettes.

Same signature as engine.motifs.focal: (canvas, x, base, size), x the centre and base the ground
line; drawings fit a box about `size` tall.
"""

from __future__ import annotations

import itertools

from PIL import ImageDraw

from engine.colour import RGB, mix, shade
from engine.landmarks.asia import vermilion
from engine.landmarks.world import steel, stone
from engine.scene.paint import WHITE, Canvas, alpha, circle

TILE_BLUE: RGB = (48, 86, 150)


def _roof(
    draw: ImageDraw.ImageDraw, x: float, y: float, half: float, u: float, colour: RGB
) -> None:
    """A Chinese roof with upturned eaves whose eave line sits at `y`."""
    draw.polygon(
        [
            (x - half - 4 * u, y - 4 * u),
            (x - half, y),
            (x + half, y),
            (x + half + 4 * u, y - 4 * u),
            (x + half * 0.6, y - 9 * u),
            (x - half * 0.6, y - 9 * u),
        ],
        alpha(colour, 1),
    )


def temple_of_heaven(canvas: Canvas, x: float, base: float, size: float) -> None:
    """The Temple of Heaven: a round hall of three blue roofs on white marble terraces."""
    u = size / 100
    blue, wall = mix(TILE_BLUE, canvas.roles.accent, 0.15), vermilion(canvas)
    marble, gold = mix(WHITE, canvas.roles.sky_bottom, 0.15), (226, 176, 64)
    layer, draw = canvas.layer()
    for k, half in enumerate((56, 48, 40)):
        draw.rectangle(
            (x - half * u, base - (k + 1) * 5 * u, x + half * u, base - k * 5 * u), alpha(marble, 1)
        )
    y = base - 15 * u
    for half, height in ((30, 14), (24, 12), (18, 10)):
        draw.rectangle((x - half * 0.8 * u, y - height * u, x + half * 0.8 * u, y), alpha(wall, 1))
        y -= height * u
        draw.pieslice(
            (x - (half + 6) * u, y - 12 * u, x + (half + 6) * u, y + 12 * u),
            180,
            360,
            alpha(blue, 1),
        )
        y -= 6 * u
    draw.polygon([(x - 3 * u, y + 2 * u), (x, y - 10 * u), (x + 3 * u, y + 2 * u)], alpha(gold, 1))
    circle(draw, x, y - 10 * u, 2.2 * u, alpha(gold, 1))
    canvas.commit(layer)


def pearl_tower(canvas: Canvas, x: float, base: float, size: float) -> None:
    """The Oriental Pearl Tower: pink spheres threaded on columns and a needle."""
    u, pink = size / 100, mix((222, 96, 150), canvas.roles.accent, 0.2)
    column = steel(canvas)
    layer, draw = canvas.layer()
    for dx in (-12, 0, 12):
        draw.line((x + dx * u, base, x, base - 70 * u), alpha(column, 1), max(1, round(3 * u)))
    draw.rectangle((x - 2.5 * u, base - 96 * u, x + 2.5 * u, base - 20 * u), alpha(column, 1))
    circle(draw, x, base - 30 * u, 14 * u, alpha(pink, 1))
    circle(draw, x, base - 70 * u, 10 * u, alpha(pink, 1))
    circle(draw, x, base - 92 * u, 4.5 * u, alpha(pink, 1))
    for y in (30, 70):
        circle(draw, x - 4 * u, base - (y + 4) * u, 3 * u, alpha(mix(pink, WHITE, 0.5), 1))
    draw.line((x, base - 96 * u, x, base - 118 * u), alpha(column, 1), max(1, round(u)))
    canvas.commit(layer)


def junk_boat(canvas: Canvas, x: float, base: float, size: float) -> None:
    """A Hong Kong junk with ribbed red sails, in front of a harbour tower."""
    u, red = size / 100, vermilion(canvas)
    hull = shade(canvas.roles.ink, 0.2)
    layer, draw = canvas.layer()
    draw.rectangle(
        (x + 26 * u, base - 100 * u, x + 40 * u, base - 30 * u), alpha(steel(canvas), 0.9)
    )
    draw.polygon(
        [(x + 26 * u, base - 100 * u), (x + 33 * u, base - 112 * u), (x + 40 * u, base - 100 * u)],
        alpha(steel(canvas), 0.9),
    )
    draw.polygon(
        [
            (x - 44 * u, base - 14 * u),
            (x + 40 * u, base - 14 * u),
            (x + 30 * u, base),
            (x - 34 * u, base),
        ],
        alpha(hull, 1),
    )
    for dx, height, width in ((-20, 62, 30), (14, 74, 34)):
        left = x + dx * u - width * u / 2
        draw.polygon(
            [
                (left, base - 16 * u),
                (left + width * u, base - 16 * u),
                (left + width * u * 1.1, base - height * u),
                (left + width * u * 0.1, base - (height - 6) * u),
            ],
            alpha(red, 1),
        )
        for k in range(1, 5):
            y = base - 16 * u - (height - 16) * u * k / 5
            draw.line(
                (left, y, left + width * u * 1.05, y - 2 * u),
                alpha(shade(red, 0.3), 1),
                max(1, round(u)),
            )
    canvas.commit(layer)


def taipei_101(canvas: Canvas, x: float, base: float, size: float) -> None:
    """Taipei 101: eight flared segments stacked like bamboo, and a spire."""
    u, glass = size / 100, mix((64, 130, 132), canvas.roles.scenery, 0.3)
    light = mix(glass, WHITE, 0.35)
    layer, draw = canvas.layer()
    draw.rectangle((x - 12 * u, base - 30 * u, x + 12 * u, base), alpha(glass, 1))
    y = base - 30 * u
    for _ in range(8):
        draw.polygon(
            [(x - 9 * u, y), (x - 13 * u, y - 9 * u), (x + 13 * u, y - 9 * u), (x + 9 * u, y)],
            alpha(glass, 1),
        )
        draw.line((x - 13 * u, y - 9 * u, x + 13 * u, y - 9 * u), alpha(light, 1), max(1, round(u)))
        y -= 9 * u
    draw.rectangle((x - 5 * u, y - 6 * u, x + 5 * u, y), alpha(glass, 1))
    draw.line((x, y - 6 * u, x, y - 22 * u), alpha(glass, 1), max(1, round(1.5 * u)))
    canvas.commit(layer)


def _pagoda(canvas: Canvas, x: float, base: float, size: float, tiers: int, stepped: bool) -> None:
    u = size / 100
    wall = stone(canvas) if stepped else mix(vermilion(canvas), stone(canvas), 0.35)
    roof = shade(canvas.roles.ink, 0.2)
    layer, draw = canvas.layer()
    y, step = base, 96 / tiers
    for tier in range(tiers):
        half = (22 - tier * (12 / tiers)) * u
        draw.rectangle((x - half, y - step * u, x + half, y), alpha(wall, 1))
        if stepped:
            draw.rectangle(
                (x - half - 2 * u, y - step * u, x + half + 2 * u, y - (step - 2) * u),
                alpha(shade(wall, 0.45), 1),
            )
            draw.rounded_rectangle(
                (x - 2 * u, y - step * 0.7 * u, x + 2 * u, y - step * 0.25 * u),
                1.5 * u,
                alpha(roof, 1),
            )
        else:
            _roof(draw, x, y - step * 0.7 * u, half + 4 * u, u, roof)
        y -= step * u
    draw.line((x, y, x, y - 12 * u), alpha(roof, 1), max(1, round(2 * u)))
    canvas.commit(layer)


def leifeng_pagoda(canvas: Canvas, x: float, base: float, size: float) -> None:
    """Leifeng Pagoda by West Lake: an octagonal tower of five upturned roofs."""
    _pagoda(canvas, x, base, size * 0.9, 5, stepped=False)


def wild_goose_pagoda(canvas: Canvas, x: float, base: float, size: float) -> None:
    """Xi'an's Big Wild Goose Pagoda: a square brick tower of seven stepped storeys."""
    _pagoda(canvas, x, base, size, 7, stepped=True)


def karst_peaks(canvas: Canvas, x: float, base: float, size: float) -> None:
    """Guilin's karst hills: tall rounded limestone towers, with a bamboo raft below."""
    u, rock = size / 100, mix(canvas.roles.scenery, canvas.roles.ink, 0.3)
    layer, draw = canvas.layer()
    for dx, half, height, depth in (
        (-40, 16, 70, 0.45),
        (30, 18, 84, 0.3),
        (-8, 20, 104, 0.0),
        (52, 12, 56, 0.15),
    ):
        colour = mix(rock, canvas.roles.sky_bottom, depth)
        cx = x + dx * u
        draw.rounded_rectangle(
            (cx - half * u, base - height * u, cx + half * u, base + 10 * u),
            half * u,
            alpha(colour, 1),
        )
    draw.rectangle(
        (x - 24 * u, base + 2 * u, x + 10 * u, base + 5 * u),
        alpha(mix((170, 140, 80), canvas.roles.accent, 0.1), 1),
    )
    draw.polygon(
        [(x - 10 * u, base + 2 * u), (x - 4 * u, base - 8 * u), (x + 2 * u, base + 2 * u)],
        alpha(shade(canvas.roles.ink, 0.2), 1),
    )
    canvas.commit(layer)


def panda(canvas: Canvas, x: float, base: float, size: float) -> None:
    """A giant panda sitting among bamboo, as Chengdu is known for."""
    u = size / 100
    black, white = (34, 32, 36), mix(WHITE, canvas.roles.sky_bottom, 0.08)
    bamboo = mix((96, 160, 80), canvas.roles.scenery, 0.3)
    layer, draw = canvas.layer()
    for dx in (-44, -34, 40):
        draw.rectangle((x + dx * u, base - 100 * u, x + (dx + 4) * u, base), alpha(bamboo, 1))
        for k in range(1, 5):
            draw.rectangle(
                (
                    x + (dx - 0.5) * u,
                    base - k * 22 * u,
                    x + (dx + 4.5) * u,
                    base - (k * 22 - 1.5) * u,
                ),
                alpha(shade(bamboo, 0.3), 1),
            )
    draw.ellipse((x - 26 * u, base - 52 * u, x + 26 * u, base), alpha(white, 1))
    draw.ellipse((x - 30 * u, base - 16 * u, x - 8 * u, base), alpha(black, 1))
    draw.ellipse((x + 8 * u, base - 16 * u, x + 30 * u, base), alpha(black, 1))
    draw.ellipse((x - 28 * u, base - 44 * u, x - 10 * u, base - 22 * u), alpha(black, 1))
    draw.ellipse((x + 10 * u, base - 44 * u, x + 28 * u, base - 22 * u), alpha(black, 1))
    for dx in (-15, 15):
        circle(draw, x + dx * u, base - 80 * u, 6 * u, alpha(black, 1))
    circle(draw, x, base - 64 * u, 18 * u, alpha(white, 1))
    for dx in (-7, 7):
        draw.ellipse(
            (x + (dx - 4) * u, base - 70 * u, x + (dx + 4) * u, base - 62 * u), alpha(black, 1)
        )
        circle(draw, x + dx * u, base - 66 * u, 1.3 * u, alpha(WHITE, 1))
    circle(draw, x, base - 58 * u, 2.2 * u, alpha(black, 1))
    canvas.commit(layer)


def great_wall(canvas: Canvas, x: float, base: float, size: float) -> None:
    """The Great Wall snaking over hills to a watchtower."""
    u = size / 100
    brick = stone(canvas)
    dark = shade(brick, 0.42)
    layer, draw = canvas.layer()
    path = [
        (x - 64 * u, base - 4 * u),
        (x - 40 * u, base - 30 * u),
        (x - 14 * u, base - 20 * u),
        (x + 14 * u, base - 48 * u),
        (x + 40 * u, base - 40 * u),
        (x + 64 * u, base - 62 * u),
    ]
    for (x0, y0), (x1, y1) in itertools.pairwise(path):
        draw.polygon([(x0, y0), (x1, y1), (x1, y1 + 10 * u), (x0, y0 + 10 * u)], alpha(brick, 1))
        steps = max(2, round(abs(x1 - x0) / (5 * u)))
        for k in range(steps):
            t = k / steps
            cx, cy = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
            draw.rectangle((cx, cy - 3 * u, cx + 2.5 * u, cy), alpha(brick, 1))
        draw.line((x0, y0 + 10 * u, x1, y1 + 10 * u), alpha(dark, 1), max(1, round(u)))
    for tx, ty in ((x + 14 * u, base - 48 * u), (x - 40 * u, base - 30 * u)):
        draw.rectangle((tx - 8 * u, ty - 18 * u, tx + 8 * u, ty + 10 * u), alpha(brick, 1))
        draw.rectangle((tx - 2.5 * u, ty - 10 * u, tx + 2.5 * u, ty - 2 * u), alpha(dark, 1))
        for k in range(4):
            draw.rectangle(
                (tx - 8 * u + k * 4.5 * u, ty - 22 * u, tx - 5.5 * u + k * 4.5 * u, ty - 18 * u),
                alpha(brick, 1),
            )
    canvas.commit(layer)
