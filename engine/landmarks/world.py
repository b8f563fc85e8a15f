"""Landmarks of the Americas, Africa, Oceania and the north, as bold recognisable silhouettes.

Same signature as engine.motifs.focal: (canvas, x, base, size), x the centre and base the ground
line; drawings fit a box about `size` tall.
"""

from __future__ import annotations

import math

from engine.colour import RGB, mix, shade
from engine.scene.paint import WHITE, Canvas, alpha, circle, glow


def steel(canvas: Canvas) -> RGB:
    """A dark structural tone in the card's palette."""
    return mix(canvas.roles.ink, canvas.roles.scenery, 0.25)


def stone(canvas: Canvas) -> RGB:
    """A warm light stone tone in the card's palette."""
    return mix((226, 204, 168), canvas.roles.sky_bottom, 0.2)


def empire_state(canvas: Canvas, x: float, base: float, size: float) -> None:
    """The Empire State Building: set-back tiers and a needle, with lit windows."""
    u, colour = size / 100, steel(canvas)
    layer, draw = canvas.layer()
    for half, top in ((24, 40), (17, 70), (11, 88), (6, 98), (3, 106)):
        draw.rectangle((x - half * u, base - top * u, x + half * u, base), alpha(colour, 1))
    draw.line((x, base - 106 * u, x, base - 118 * u), alpha(colour, 1), max(1, round(u)))
    light = alpha(canvas.roles.highlight, 0.85)
    for row in range(4, 86, 6):
        half = 22 if row < 38 else 15 if row < 68 else 9
        for col in range(-half + 3, half - 2, 5):
            if (row * 7 + col * 3) % 4:
                draw.rectangle(
                    (x + col * u, base - row * u, x + (col + 2) * u, base - (row - 2) * u), light
                )
    canvas.commit(layer)


def opera_house(canvas: Canvas, x: float, base: float, size: float) -> None:
    """The Sydney Opera House: white sail shells on a podium by the water."""
    u = size / 100
    shell, shadow = mix(WHITE, canvas.roles.sky_bottom, 0.1), mix(WHITE, canvas.roles.ink, 0.3)
    layer, draw = canvas.layer()
    draw.rectangle(
        (x - 60 * u, base - 12 * u, x + 60 * u, base), alpha(shade(stone(canvas), 0.6), 1)
    )
    for dx, height, width in (
        (-40, 34, 22),
        (-20, 48, 26),
        (4, 58, 28),
        (28, 44, 24),
        (46, 30, 18),
    ):
        left, right = x + (dx - width / 2) * u, x + (dx + width / 2) * u
        top = base - (12 + height) * u
        draw.polygon(
            [(left, base - 12 * u), (right - 4 * u, top), (right, base - 12 * u)], alpha(shell, 1)
        )
        draw.line((right - 4 * u, top, right, base - 12 * u), alpha(shadow, 1), max(1, round(u)))
    canvas.commit(layer)


def pyramids(canvas: Canvas, x: float, base: float, size: float) -> None:
    """The pyramids of Giza, lit on one face, with a palm at the side."""
    u = size / 100
    sand = mix((196, 140, 72), canvas.roles.accent, 0.1)
    layer, draw = canvas.layer()
    for dx, half, height in ((28, 26, 40), (-10, 44, 66), (-46, 18, 26)):
        cx = x + dx * u
        tip = (cx, base - height * u)
        draw.polygon([(cx - half * u, base), tip, (cx + half * u, base)], alpha(sand, 1))
        draw.polygon(
            [tip, (cx + half * u, base), (cx + half * 0.2 * u, base)], alpha(shade(sand, 0.42), 1)
        )
    canvas.commit(layer)


def christ_redeemer(canvas: Canvas, x: float, base: float, size: float) -> None:
    """Christ the Redeemer with open arms on top of a steep green peak."""
    u = size / 100
    rock = mix(canvas.roles.scenery, canvas.roles.ink, 0.25)
    statue = mix(WHITE, canvas.roles.sky_bottom, 0.15)
    layer, draw = canvas.layer()
    draw.polygon(
        [
            (x - 60 * u, base),
            (x - 20 * u, base - 50 * u),
            (x - 6 * u, base - 64 * u),
            (x + 8 * u, base - 62 * u),
            (x + 26 * u, base - 40 * u),
            (x + 60 * u, base),
        ],
        alpha(rock, 1),
    )
    draw.rectangle((x - 4 * u, base - 72 * u, x + 4 * u, base - 62 * u), alpha(statue, 1))
    draw.polygon(
        [
            (x - 5 * u, base - 72 * u),
            (x - 3 * u, base - 100 * u),
            (x + 3 * u, base - 100 * u),
            (x + 5 * u, base - 72 * u),
        ],
        alpha(statue, 1),
    )
    draw.rectangle((x - 28 * u, base - 99 * u, x + 28 * u, base - 95 * u), alpha(statue, 1))
    circle(draw, x, base - 104 * u, 3.5 * u, alpha(statue, 1))
    canvas.commit(layer)


def aurora(canvas: Canvas, x: float, horizon: float, band: float) -> None:
    """Northern lights: green and violet curtains over the night sky."""
    layer, draw = canvas.layer()
    colours = ((96, 232, 170), (120, 200, 255), (180, 120, 240))
    top = horizon - band
    for k, colour in enumerate(colours):
        phase = canvas.rng.uniform(0, math.tau)
        for step in range(0, canvas.width, max(1, round(canvas.unit))):
            wave = math.sin(step / canvas.width * math.tau * 1.3 + phase)
            y = top + band * (0.35 + 0.12 * k + 0.1 * wave)
            draw.line(
                (step, y, step, y + band * 0.28), alpha(colour, 0.55), max(1, round(canvas.unit))
            )
    canvas.commit(layer, blur=canvas.unit * 1.2, lift=False)
    glow(canvas, (x, horizon - band * 0.4), band * 0.5, colours[0], 0.25)


def camel(canvas: Canvas, x: float, base: float, size: float) -> None:
    """A camel caravan crossing the dunes."""
    u, colour = size / 100, shade(canvas.roles.ink, 0.16)
    layer, draw = canvas.layer()
    for dx, scale in ((0.0, 1.0), (-42.0, 0.7)):
        s = u * scale
        cx = x + dx * u
        draw.ellipse((cx - 22 * s, base - 46 * s, cx + 18 * s, base - 24 * s), alpha(colour, 1))
        draw.ellipse((cx - 12 * s, base - 56 * s, cx + 4 * s, base - 36 * s), alpha(colour, 1))
        for lx in (-18, -10, 6, 14):
            draw.line(
                (cx + lx * s, base - 28 * s, cx + lx * s, base),
                alpha(colour, 1),
                max(1, round(2.4 * s)),
            )
        draw.line(
            (cx + 16 * s, base - 36 * s, cx + 26 * s, base - 54 * s),
            alpha(colour, 1),
            max(1, round(4 * s)),
        )
        draw.ellipse((cx + 22 * s, base - 60 * s, cx + 34 * s, base - 52 * s), alpha(colour, 1))
    canvas.commit(layer)
