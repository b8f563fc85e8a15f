"""Landmarks of Japan, Korea and South-East Asia, as bold recognisable silhouettes.

Same signature as engine.motifs.focal: (canvas, x, base, size), x the centre and base the ground
line; drawings fit a box about `size` tall.
"""

from __future__ import annotations

import math

from engine.colour import RGB, mix, shade
from engine.landmarks.world import stone
from engine.scene.paint import WHITE, Canvas, alpha, oval

VERMILION: RGB = (214, 70, 44)


def vermilion(canvas: Canvas) -> RGB:
    """Shrine and temple red, leaning towards the card's accent."""
    return mix(VERMILION, canvas.roles.accent, 0.2)


def tokyo_tower(canvas: Canvas, x: float, base: float, size: float) -> None:
    """Tokyo Tower: a red-and-white lattice tower with two observation decks."""
    u, red = size / 100, vermilion(canvas)
    layer, draw = canvas.layer()
    draw.polygon(
        [
            (x - 30 * u, base),
            (x - 4 * u, base - 80 * u),
            (x + 4 * u, base - 80 * u),
            (x + 30 * u, base),
        ],
        alpha(red, 1),
    )
    draw.chord((x - 18 * u, base - 20 * u, x + 18 * u, base + 16 * u), 180, 360, (0, 0, 0, 0))
    draw.polygon(
        [
            (x - 4 * u, base - 80 * u),
            (x - 1 * u, base - 114 * u),
            (x + 1 * u, base - 114 * u),
            (x + 4 * u, base - 80 * u),
        ],
        alpha(red, 1),
    )
    for y, half in ((22, 22), (46, 14), (64, 9), (88, 4)):
        draw.rectangle(
            (x - half * u, base - (y + 2.5) * u, x + half * u, base - y * u), alpha(WHITE, 1)
        )
    draw.rectangle((x - 12 * u, base - 54 * u, x + 12 * u, base - 48 * u), alpha(red, 1))
    canvas.commit(layer)


def torii(canvas: Canvas, x: float, base: float, size: float) -> None:
    """A vermilion torii gate with a curved top beam."""
    u, red = size / 100, vermilion(canvas)
    dark = shade(canvas.roles.ink, 0.15)
    layer, draw = canvas.layer()
    for dx in (-30, 30):
        draw.polygon(
            [
                (x + (dx - 4) * u, base),
                (x + (dx - 3) * u, base - 76 * u),
                (x + (dx + 3) * u, base - 76 * u),
                (x + (dx + 4) * u, base),
            ],
            alpha(red, 1),
        )
        draw.rectangle((x + (dx - 5) * u, base - 6 * u, x + (dx + 5) * u, base), alpha(dark, 1))
    draw.rectangle((x - 40 * u, base - 66 * u, x + 40 * u, base - 60 * u), alpha(red, 1))
    draw.rectangle((x - 3 * u, base - 76 * u, x + 3 * u, base - 66 * u), alpha(red, 1))
    draw.polygon(
        [
            (x - 56 * u, base - 90 * u),
            (x - 46 * u, base - 80 * u),
            (x + 46 * u, base - 80 * u),
            (x + 56 * u, base - 90 * u),
            (x + 44 * u, base - 86 * u),
            (x - 44 * u, base - 86 * u),
        ],
        alpha(dark, 1),
    )
    draw.rectangle((x - 46 * u, base - 82 * u, x + 46 * u, base - 76 * u), alpha(red, 1))
    canvas.commit(layer)


def namsan_tower(canvas: Canvas, x: float, base: float, size: float) -> None:
    """N Seoul Tower on its wooded hill."""
    u, hill = size / 100, mix(canvas.roles.scenery, canvas.roles.ink, 0.2)
    tower = mix((232, 228, 222), canvas.roles.ink, 0.3)
    layer, draw = canvas.layer()
    draw.chord((x - 60 * u, base - 40 * u, x + 60 * u, base + 40 * u), 180, 360, alpha(hill, 1))
    draw.rectangle((x - 3 * u, base - 90 * u, x + 3 * u, base - 36 * u), alpha(tower, 1))
    draw.rounded_rectangle(
        (x - 9 * u, base - 84 * u, x + 9 * u, base - 74 * u), 3 * u, alpha(tower, 1)
    )
    draw.rectangle(
        (x - 9 * u, base - 80 * u, x + 9 * u, base - 78 * u), alpha(canvas.roles.accent, 1)
    )
    draw.line(
        (x, base - 90 * u, x, base - 112 * u), alpha(vermilion(canvas), 1), max(1, round(1.5 * u))
    )
    canvas.commit(layer)


def wat_arun(canvas: Canvas, x: float, base: float, size: float) -> None:
    """Bangkok's Wat Arun: a tall tiered prang flanked by two smaller ones."""
    u = size / 100
    body, trim = stone(canvas), mix((210, 150, 60), canvas.roles.accent, 0.2)
    layer, draw = canvas.layer()
    for dx, height, half in ((-36, 56, 10), (36, 56, 10), (0, 108, 20)):
        cx = x + dx * u
        tiers = 6
        for k in range(tiers):
            w = half * (1 - k / (tiers + 1)) * u
            y0 = base - height * u * k / tiers
            y1 = base - height * u * (k + 1) / tiers
            draw.rectangle((cx - w, y1, cx + w, y0), alpha(body if k % 2 == 0 else trim, 1))
        draw.line(
            (cx, base - height * u, cx, base - (height + 10) * u),
            alpha(trim, 1),
            max(1, round(1.5 * u)),
        )
    canvas.commit(layer)


def bali_gate(canvas: Canvas, x: float, base: float, size: float) -> None:
    """A Balinese split gate (candi bentar): two stepped brick towers with a gap, palms behind."""
    u = size / 100
    brick = mix((150, 92, 64), canvas.roles.accent, 0.15)
    palm = mix((60, 120, 70), canvas.roles.scenery, 0.3)
    layer, draw = canvas.layer()
    for side in (-1, 1):
        trunk = x + side * 50 * u
        crown = (trunk + side * 8 * u, base - 92 * u)
        draw.line((trunk, base, *crown), alpha(shade(palm, 0.3), 1), max(1, round(2.5 * u)))
        for turn in range(6):
            angle = math.pi * (1.05 + turn * 0.18)
            reach = 16 * u
            tip = (
                crown[0] + math.cos(angle) * reach * 1.3,
                crown[1] + math.sin(angle) * reach * 0.6,
            )
            middle = ((crown[0] + tip[0]) / 2, (crown[1] + tip[1]) / 2 - 2 * u)
            draw.polygon(oval(*middle, reach * 0.7, 3 * u, angle), alpha(palm, 1))
    for side in (-1, 1):
        inner = x + side * 5 * u
        points = [(inner, base)]
        for k in range(6):
            reach = inner + side * 30 * (1 - k / 6.5) * u
            points += [(reach, base - k * 17 * u), (reach, base - (k + 1) * 17 * u + 3 * u)]
        points += [(inner + side * 3 * u, base - 106 * u), (inner, base - 106 * u)]
        draw.polygon(points, alpha(brick, 1))
        for k in range(6):
            y = base - k * 17 * u - 8 * u
            draw.line(
                (inner, y, inner + side * 22 * (1 - k / 6.5) * u, y),
                alpha(shade(brick, 0.3), 1),
                max(1, round(u)),
            )
    canvas.commit(layer)


def mount_fuji(canvas: Canvas, x: float, base: float, size: float) -> None:
    """Mount Fuji: a wide symmetric cone with a jagged snow cap."""
    u = size / 100
    rock = mix((84, 104, 150), canvas.roles.scenery, 0.35)
    layer, draw = canvas.layer()
    draw.polygon(
        [
            (x - 64 * u, base),
            (x - 12 * u, base - 70 * u),
            (x + 12 * u, base - 70 * u),
            (x + 64 * u, base),
        ],
        alpha(rock, 1),
    )
    snow = [
        (x - 12 * u, base - 70 * u),
        (x + 12 * u, base - 70 * u),
        (x + 24 * u, base - 54 * u),
        (x + 16 * u, base - 50 * u),
        (x + 8 * u, base - 56 * u),
        (x, base - 48 * u),
        (x - 8 * u, base - 56 * u),
        (x - 16 * u, base - 48 * u),
        (x - 24 * u, base - 54 * u),
    ]
    draw.polygon(snow, alpha(WHITE, 0.97))
    canvas.commit(layer, blur=u * 0.2)


def marina_bay_sands(canvas: Canvas, x: float, base: float, size: float) -> None:
    """Marina Bay Sands: three towers carrying a long ship-shaped sky park."""
    u, colour = size / 100, mix(stone(canvas), canvas.roles.sky_bottom, 0.2)
    dark = shade(colour, 0.5)
    layer, draw = canvas.layer()
    for dx in (-30, 0, 30):
        cx = x + dx * u
        draw.polygon(
            [
                (cx - 10 * u, base),
                (cx - 8 * u, base - 70 * u),
                (cx + 8 * u, base - 70 * u),
                (cx + 10 * u, base),
            ],
            alpha(colour, 1),
        )
        draw.line((cx, base, cx, base - 70 * u), alpha(dark, 1), max(1, round(u)))
    draw.polygon(
        [
            (x - 48 * u, base - 72 * u),
            (x + 52 * u, base - 72 * u),
            (x + 46 * u, base - 78 * u),
            (x - 44 * u, base - 78 * u),
        ],
        alpha(colour, 1),
    )
    draw.line(
        (x - 44 * u, base - 75 * u, x + 48 * u, base - 75 * u), alpha(dark, 1), max(1, round(u))
    )
    canvas.commit(layer)
