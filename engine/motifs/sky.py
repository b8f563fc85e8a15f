"""Focal motifs of the sky: moon, sun, rainbow, the Milky Way and fireworks.

Same signature as engine.motifs.focal; each is placed in the sky band above the horizon.
"""

from __future__ import annotations

import math

from engine.colour import contrast, mix, shade
from engine.scene.paint import WHITE, Canvas, alpha, circle, glow, star


def moon(canvas: Canvas, x: float, base: float, size: float) -> None:
    """A full moon with a halo, high in the sky."""
    roles, r = canvas.roles, size * 0.32
    cy = base - size * 0.62
    glow(canvas, (x, cy), r * 2.6, roles.highlight, 0.55)
    layer, draw = canvas.layer()
    face = mix(roles.highlight, WHITE, 0.35)
    if contrast(face, roles.sky_top) < 1.6:
        face = mix(roles.highlight, roles.accent, 0.45)
    circle(draw, x, cy, r, alpha(face, 1))
    for dx, dy, cr in (
        (-0.3, -0.2, 0.18),
        (0.25, 0.15, 0.12),
        (-0.05, 0.4, 0.1),
        (0.35, -0.35, 0.08),
    ):
        circle(draw, x + dx * r, cy + dy * r, cr * r, alpha(shade(roles.highlight, 0.7), 0.45))
    canvas.commit(layer, lift=False)


def sun(canvas: Canvas, x: float, base: float, size: float) -> None:
    """A warm sun with soft rays."""
    roles, r = canvas.roles, size * 0.22
    cy = base - size * 0.6
    glow(canvas, (x, cy), r * 3, roles.highlight, 0.6)
    layer, draw = canvas.layer()
    for i in range(12):
        angle = i * math.tau / 12
        tip = (x + math.cos(angle) * r * 1.8, cy + math.sin(angle) * r * 1.8)
        left = (x + math.cos(angle - 0.14) * r * 1.15, cy + math.sin(angle - 0.14) * r * 1.15)
        right = (x + math.cos(angle + 0.14) * r * 1.15, cy + math.sin(angle + 0.14) * r * 1.15)
        draw.polygon([left, tip, right], alpha(roles.highlight, 0.85))
    circle(draw, x, cy, r, alpha(mix(roles.highlight, roles.accent, 0.25), 1))
    canvas.commit(layer, lift=False)


def rainbow(canvas: Canvas, x: float, base: float, size: float) -> None:
    """A soft rainbow with a cloud at each foot."""
    u = size / 100
    colours = (
        (238, 108, 110),
        (246, 168, 92),
        (248, 214, 110),
        (140, 200, 140),
        (110, 170, 220),
        (160, 130, 210),
    )
    layer, draw = canvas.layer()
    for i, colour in enumerate(colours):
        r = (70 - i * 6) * u
        draw.arc(
            (x - r, base - r, x + r, base + r),
            180,
            360,
            fill=alpha(colour, 0.9),
            width=max(1, round(6 * u)),
        )
    for fx in (x - 62 * u, x + 62 * u):
        for dx, dy, cr in ((-10, 0, 11), (4, -6, 13), (16, 1, 10)):
            circle(draw, fx + dx * u, base + dy * u, cr * u, alpha(WHITE, 1))
    canvas.commit(layer)


def milky_way(canvas: Canvas, x: float, base: float, size: float) -> None:
    """The Milky Way across the sky, with two bright stars on either bank."""
    roles, u = canvas.roles, size / 100
    layer, draw = canvas.layer()
    top = base - 110 * u
    draw.polygon(
        [
            (0, top + 90 * u),
            (canvas.width, top - 10 * u),
            (canvas.width, top + 30 * u),
            (0, top + 130 * u),
        ],
        alpha(mix(WHITE, roles.highlight, 0.4), 0.35),
    )
    canvas.commit(layer, blur=12 * u, lift=False)
    layer, draw = canvas.layer()
    for _ in range(120):
        t = canvas.rng.random()
        sx = t * canvas.width
        sy = top + 110 * u - t * 100 * u + canvas.rng.gauss(0, 12 * u)
        circle(
            draw, sx, sy, canvas.rng.uniform(0.3, 1.1) * u, alpha(WHITE, canvas.rng.uniform(0.5, 1))
        )
    for sx, sy in ((x - 45 * u, top + 20 * u), (x + 45 * u, top + 85 * u)):
        draw.polygon(star(sx, sy, 8 * u, 2 * u, 4), alpha(WHITE, 1))
    canvas.commit(layer, lift=False)
    for sx, sy in ((x - 45 * u, top + 20 * u), (x + 45 * u, top + 85 * u)):
        glow(canvas, (sx, sy), 14 * u, roles.highlight, 0.8)


def fireworks(canvas: Canvas, x: float, base: float, size: float) -> None:
    """Three bursts of fireworks."""
    roles, u, rng = canvas.roles, size / 100, canvas.rng
    bursts = [
        (x, base - 70 * u, 34),
        (x - 48 * u, base - 40 * u, 22),
        (x + 46 * u, base - 52 * u, 26),
    ]
    colours = (roles.highlight, roles.accent, roles.secondary)
    for bx, by, r in bursts:
        glow(canvas, (bx, by), r * 1.6 * u, roles.highlight, 0.35)
    layer, draw = canvas.layer()
    for (bx, by, r), colour in zip(bursts, colours, strict=True):
        for i in range(18):
            angle = i * math.tau / 18 + rng.random() * 0.1
            inner, outer = r * 0.25 * u, r * u * rng.uniform(0.85, 1.0)
            draw.line(
                (
                    bx + math.cos(angle) * inner,
                    by + math.sin(angle) * inner,
                    bx + math.cos(angle) * outer,
                    by + math.sin(angle) * outer,
                ),
                fill=alpha(colour, 0.95),
                width=max(1, round(1.4 * u)),
            )
            circle(
                draw,
                bx + math.cos(angle) * outer * 1.08,
                by + math.sin(angle) * outer * 1.08,
                1.4 * u,
                alpha(WHITE, 0.9),
            )
    canvas.commit(layer, lift=False)
