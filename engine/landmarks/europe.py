"""Landmarks of Europe and Istanbul, as bold recognisable silhouettes.

Same signature as engine.motifs.focal: (canvas, x, base, size), x the centre and base the ground
line; drawings fit a box about `size` tall.
"""

from __future__ import annotations

from engine.colour import mix, shade
from engine.landmarks.world import steel, stone
from engine.scene.paint import WHITE, Canvas, alpha, circle


def eiffel_tower(canvas: Canvas, x: float, base: float, size: float) -> None:
    """The Eiffel Tower: splayed legs, an arch, two platforms and a spire."""
    u, colour = size / 100, steel(canvas)
    layer, draw = canvas.layer()
    fill = alpha(colour, 1)
    draw.polygon(
        [
            (x - 34 * u, base),
            (x - 7 * u, base - 62 * u),
            (x + 7 * u, base - 62 * u),
            (x + 34 * u, base),
        ],
        fill,
    )
    draw.chord((x - 22 * u, base - 26 * u, x + 22 * u, base + 22 * u), 180, 360, (0, 0, 0, 0))
    draw.polygon(
        [
            (x - 7 * u, base - 62 * u),
            (x - 2 * u, base - 108 * u),
            (x + 2 * u, base - 108 * u),
            (x + 7 * u, base - 62 * u),
        ],
        fill,
    )
    for y, half in ((28, 26), (62, 11), (86, 5)):
        draw.rectangle((x - half * u, base - (y + 3) * u, x + half * u, base - y * u), fill)
    light = alpha(canvas.roles.highlight, 0.8)
    for i in range(1, 6):
        t = i / 6
        level = base - 62 * u * t
        reach = 34 * u * (1 - t) + 7 * u * t
        draw.line((x - reach, level, x + reach, level - 6 * u), light, max(1, round(0.6 * u)))
    draw.line((x, base - 108 * u, x, base - 116 * u), fill, max(1, round(u)))
    canvas.commit(layer)


def big_ben(canvas: Canvas, x: float, base: float, size: float) -> None:
    """Big Ben: a square tower, a clock face on each side and a pointed spire."""
    u, colour = size / 100, mix(stone(canvas), canvas.roles.accent, 0.15)
    dark = shade(colour, 0.35)
    layer, draw = canvas.layer()
    draw.rectangle((x - 13 * u, base - 70 * u, x + 13 * u, base), alpha(colour, 1))
    for i in range(4):
        draw.line(
            (x - 9 * u + i * 6 * u, base - 60 * u, x - 9 * u + i * 6 * u, base),
            alpha(dark, 0.5),
            max(1, round(u)),
        )
    draw.rectangle((x - 16 * u, base - 92 * u, x + 16 * u, base - 68 * u), alpha(colour, 1))
    circle(draw, x, base - 80 * u, 11 * u, alpha(WHITE, 1))
    circle(draw, x, base - 80 * u, 1.5 * u, alpha(dark, 1))
    draw.line((x, base - 80 * u, x, base - 88 * u), alpha(dark, 1), max(1, round(u)))
    draw.line((x, base - 80 * u, x + 6 * u, base - 80 * u), alpha(dark, 1), max(1, round(u)))
    draw.polygon(
        [(x - 16 * u, base - 92 * u), (x, base - 116 * u), (x + 16 * u, base - 92 * u)],
        alpha(dark, 1),
    )
    canvas.commit(layer)


def colosseum(canvas: Canvas, x: float, base: float, size: float) -> None:
    """The Colosseum: three storeys of arches, the broken top stepping down on one side."""
    u, colour = size / 100, stone(canvas)
    dark = shade(colour, 0.38)
    layer, draw = canvas.layer()
    outline = [
        (x - 60 * u, base),
        (x - 60 * u, base - 44 * u),
        (x + 10 * u, base - 56 * u),
        (x + 30 * u, base - 44 * u),
        (x + 60 * u, base - 30 * u),
        (x + 60 * u, base),
    ]
    draw.polygon(outline, alpha(colour, 1))
    for storey in range(3):
        y = base - storey * 14 * u
        for col in range(-55, 56, 10):
            top_limit = 44 if col < 10 else 44 - (col - 10) * 0.3
            if storey * 14 + 12 > top_limit:
                continue
            draw.rounded_rectangle(
                (x + col * u, y - 11 * u, x + (col + 5) * u, y - 2 * u),
                radius=2.5 * u,
                fill=alpha(dark, 1),
            )
    canvas.commit(layer)


def gondola(canvas: Canvas, x: float, base: float, size: float) -> None:
    """A Venetian gondola with its gondolier under a humped bridge."""
    u, colour = size / 100, shade(canvas.roles.ink, 0.12)
    layer, draw = canvas.layer()
    bridge = stone(canvas)
    draw.polygon(
        [
            (x - 60 * u, base - 30 * u),
            (x - 40 * u, base - 58 * u),
            (x + 40 * u, base - 58 * u),
            (x + 60 * u, base - 30 * u),
            (x + 60 * u, base - 22 * u),
            (x - 60 * u, base - 22 * u),
        ],
        alpha(bridge, 1),
    )
    draw.chord((x - 44 * u, base - 52 * u, x + 44 * u, base + 8 * u), 180, 360, (0, 0, 0, 0))
    hull = [
        (x - 48 * u, base - 14 * u),
        (x - 30 * u, base - 2 * u),
        (x + 30 * u, base - 2 * u),
        (x + 46 * u, base - 16 * u),
        (x + 40 * u, base - 6 * u),
        (x - 36 * u, base - 4 * u),
    ]
    draw.polygon(hull, alpha(colour, 1))
    draw.rectangle((x + 20 * u, base - 22 * u, x + 25 * u, base - 6 * u), alpha(colour, 1))
    circle(draw, x + 22.5 * u, base - 25 * u, 3 * u, alpha(colour, 1))
    draw.line(
        (x + 28 * u, base - 20 * u, x + 8 * u, base + 4 * u), alpha(colour, 1), max(1, round(u))
    )
    draw.rectangle(
        (x + 19 * u, base - 18 * u, x + 26 * u, base - 15 * u), alpha(canvas.roles.accent, 1)
    )
    canvas.commit(layer)


def sagrada_familia(canvas: Canvas, x: float, base: float, size: float) -> None:
    """The Sagrada Família: clusters of tall perforated spires."""
    u, colour = size / 100, mix(stone(canvas), canvas.roles.scenery, 0.25)
    dark = shade(colour, 0.4)
    layer, draw = canvas.layer()
    draw.rectangle((x - 44 * u, base - 34 * u, x + 44 * u, base), alpha(colour, 1))
    for dx, height in ((-38, 78), (-26, 92), (-14, 84), (-2, 112), (10, 96), (22, 100), (34, 82)):
        cx = x + dx * u
        draw.polygon(
            [(cx - 5 * u, base - 30 * u), (cx, base - height * u), (cx + 5 * u, base - 30 * u)],
            alpha(colour, 1),
        )
        circle(draw, cx, base - height * u, 1.8 * u, alpha(canvas.roles.accent, 1))
        for k in range(3):
            circle(draw, cx, base - (40 + k * 10) * u, 0.9 * u, alpha(dark, 1))
    draw.polygon([(x - 10 * u, base), (x, base - 22 * u), (x + 10 * u, base)], alpha(dark, 1))
    canvas.commit(layer)


def mosque(canvas: Canvas, x: float, base: float, size: float) -> None:
    """An Istanbul mosque: a great dome on half domes, between slender minarets."""
    u, colour = size / 100, mix(stone(canvas), canvas.roles.secondary, 0.2)
    dark = shade(colour, 0.4)
    layer, draw = canvas.layer()
    draw.rectangle((x - 36 * u, base - 26 * u, x + 36 * u, base), alpha(colour, 1))
    for dx, r in ((-22, 12), (22, 12)):
        draw.pieslice(
            (x + (dx - r) * u, base - (26 + r) * u, x + (dx + r) * u, base - (26 - r) * u),
            180,
            360,
            alpha(colour, 1),
        )
    draw.pieslice(
        (x - 24 * u, base - 60 * u, x + 24 * u, base - 12 * u), 180, 360, alpha(colour, 1)
    )
    draw.line((x, base - 36 * u, x, base - 44 * u), alpha(dark, 1), max(1, round(u)))
    for dx in (-52, 52):
        cx = x + dx * u
        draw.rectangle((cx - 2.2 * u, base - 86 * u, cx + 2.2 * u, base), alpha(colour, 1))
        draw.rectangle((cx - 3.5 * u, base - 64 * u, cx + 3.5 * u, base - 61 * u), alpha(dark, 1))
        draw.polygon(
            [(cx - 2.2 * u, base - 86 * u), (cx, base - 100 * u), (cx + 2.2 * u, base - 86 * u)],
            alpha(dark, 1),
        )
    for col in range(-30, 31, 8):
        draw.rounded_rectangle(
            (x + col * u, base - 18 * u, x + (col + 4) * u, base - 6 * u),
            radius=2 * u,
            fill=alpha(dark, 1),
        )
    canvas.commit(layer)


def santorini(canvas: Canvas, x: float, base: float, size: float) -> None:
    """Santorini: white cube houses stepping down a cliff, blue domes and a bell arch."""
    u = size / 100
    blue = mix((36, 92, 180), canvas.roles.accent, 0.15)
    white, shadow = mix(WHITE, canvas.roles.sky_bottom, 0.05), mix(WHITE, canvas.roles.ink, 0.22)
    layer, draw = canvas.layer()
    houses = ((-52, 40, 20), (-32, 52, 22), (-10, 46, 20), (12, 60, 24), (36, 44, 22), (52, 30, 16))
    for dx, height, width in houses:
        left = x + dx * u - width * u / 2
        draw.rectangle((left, base - height * u, left + width * u, base), alpha(white, 1))
        draw.rectangle(
            (left + width * u * 0.7, base - height * u, left + width * u, base), alpha(shadow, 1)
        )
        draw.rectangle(
            (left + 5 * u, base - (height - 10) * u, left + 9 * u, base - (height - 16) * u),
            alpha(blue, 1),
        )
    for dx, height, r in ((-32, 52, 10), (12, 60, 12)):
        cx = x + dx * u
        draw.pieslice(
            (cx - r * u, base - (height + r) * u, cx + r * u, base - (height - r) * u),
            180,
            360,
            alpha(blue, 1),
        )
        draw.line(
            (cx, base - (height + r) * u, cx, base - (height + r + 6) * u),
            alpha(blue, 1),
            max(1, round(u)),
        )
    canvas.commit(layer)


def matterhorn(canvas: Canvas, x: float, base: float, size: float) -> None:
    """The Matterhorn's hooked peak over a wooden chalet."""
    u = size / 100
    rock = mix(canvas.roles.scenery, canvas.roles.ink, 0.35)
    layer, draw = canvas.layer()
    tip = (x + 8 * u, base - 112 * u)
    draw.polygon(
        [
            (x - 60 * u, base),
            (x - 10 * u, base - 70 * u),
            (x - 2 * u, base - 96 * u),
            tip,
            (x + 14 * u, base - 100 * u),
            (x + 24 * u, base - 74 * u),
            (x + 60 * u, base),
        ],
        alpha(rock, 1),
    )
    draw.polygon(
        [
            (x - 10 * u, base - 70 * u),
            (x - 2 * u, base - 96 * u),
            tip,
            (x + 14 * u, base - 100 * u),
            (x + 20 * u, base - 82 * u),
            (x + 4 * u, base - 86 * u),
        ],
        alpha(WHITE, 0.95),
    )
    wood = mix((150, 92, 52), canvas.roles.accent, 0.15)
    draw.rectangle((x - 46 * u, base - 16 * u, x - 22 * u, base), alpha(wood, 1))
    draw.polygon(
        [(x - 50 * u, base - 16 * u), (x - 34 * u, base - 28 * u), (x - 18 * u, base - 16 * u)],
        alpha(WHITE, 1),
    )
    draw.rectangle(
        (x - 38 * u, base - 10 * u, x - 32 * u, base - 4 * u), alpha(canvas.roles.highlight, 1)
    )
    canvas.commit(layer)
