"""Focal motifs from nature and places: flowers, boat, blossom, trees, temple, cat and a peak.

Same signature as engine.motifs.focal.
"""

from __future__ import annotations

import math

from engine.colour import mix, shade
from engine.scene.paint import WHITE, Canvas, alpha, circle, flower, glow, oval, star


def flowers(canvas: Canvas, x: float, base: float, size: float) -> None:
    """A bouquet in a paper cone."""
    roles, u = canvas.roles, size / 100
    layer, draw = canvas.layer()
    stem = shade(roles.secondary, 0.35)
    heads = [(-24, -78), (0, -92), (24, -80), (-12, -62), (14, -64), (-34, -56), (34, -58)]
    for dx, dy in heads:
        draw.line(
            (x, base - 20 * u, x + dx * u, base + dy * u),
            fill=alpha(stem, 1),
            width=max(1, round(2 * u)),
        )
    for dx, dy in ((-20, -50), (20, -48)):
        draw.polygon(
            oval(x + dx * u, base + dy * u, 10 * u, 4 * u, 0.6 if dx < 0 else -0.6), alpha(stem, 1)
        )
    colours = (roles.accent, roles.highlight, WHITE, mix(roles.accent, WHITE, 0.45))
    for i, (dx, dy) in enumerate(heads):
        flower(
            draw,
            x + dx * u,
            base + dy * u,
            14 * u,
            alpha(colours[i % 4], 1),
            alpha(shade(roles.highlight, 0.55), 1),
            petals=5 + i % 2,
            turn=i,
        )
    paper = mix(roles.sky_bottom, WHITE, 0.5)
    draw.polygon(
        [(x - 30 * u, base - 46 * u), (x + 30 * u, base - 46 * u), (x, base)], alpha(paper, 1)
    )
    draw.polygon(
        [(x, base - 46 * u), (x + 30 * u, base - 46 * u), (x, base)], alpha(shade(paper, 0.82), 1)
    )
    draw.line(
        (x - 12 * u, base - 26 * u, x + 12 * u, base - 26 * u),
        fill=alpha(roles.accent, 1),
        width=max(1, round(3 * u)),
    )
    canvas.commit(layer)


def boat(canvas: Canvas, x: float, base: float, size: float) -> None:
    """A boat on the water: a dragon boat for Duanwu, a sailing boat with a rod otherwise."""
    roles, u = canvas.roles, size / 100
    layer, draw = canvas.layer()
    if canvas.occasion == "dragon_boat":
        draw.polygon(
            [
                (x - 70 * u, base - 14 * u),
                (x + 60 * u, base - 14 * u),
                (x + 50 * u, base),
                (x - 60 * u, base),
            ],
            alpha(roles.accent, 1),
        )
        draw.polygon(
            [
                (x + 56 * u, base - 14 * u),
                (x + 74 * u, base - 36 * u),
                (x + 80 * u, base - 26 * u),
                (x + 66 * u, base - 12 * u),
            ],
            alpha(roles.accent, 1),
        )
        circle(draw, x + 76 * u, base - 32 * u, 3 * u, alpha(roles.highlight, 1))
        for i in range(7):
            px = x + (-52 + i * 15) * u
            circle(draw, px, base - 22 * u, 4.5 * u, alpha(roles.ink, 1))
            draw.line(
                (px, base - 18 * u, px - 8 * u, base + 4 * u),
                fill=alpha(roles.highlight, 1),
                width=max(1, round(1.5 * u)),
            )
        draw.line(
            (x - 58 * u, base - 10 * u, x + 50 * u, base - 10 * u),
            fill=alpha(roles.highlight, 1),
            width=max(1, round(2 * u)),
        )
    else:
        draw.polygon(
            [
                (x - 42 * u, base - 16 * u),
                (x + 42 * u, base - 16 * u),
                (x + 30 * u, base),
                (x - 30 * u, base),
            ],
            alpha(roles.accent, 1),
        )
        draw.line(
            (x, base - 16 * u, x, base - 90 * u),
            fill=alpha(roles.ink, 1),
            width=max(1, round(2 * u)),
        )
        draw.polygon(
            [(x + 2 * u, base - 88 * u), (x + 40 * u, base - 22 * u), (x + 2 * u, base - 22 * u)],
            alpha(WHITE, 1),
        )
        draw.polygon(
            [(x - 2 * u, base - 70 * u), (x - 26 * u, base - 22 * u), (x - 2 * u, base - 22 * u)],
            alpha(roles.highlight, 1),
        )
        draw.line(
            (x - 36 * u, base - 16 * u, x - 70 * u, base - 46 * u),
            fill=alpha(roles.ink, 1),
            width=max(1, round(1.2 * u)),
        )
        draw.line(
            (x - 70 * u, base - 46 * u, x - 76 * u, base + 4 * u), fill=alpha(WHITE, 0.8), width=1
        )
    canvas.commit(layer)


def plum_blossom(canvas: Canvas, x: float, base: float, size: float) -> None:
    """A plum branch reaching in from the side, in bloom."""
    roles, u, rng = canvas.roles, size / 100, canvas.rng
    bark = shade(roles.ink, 0.22)
    layer, draw = canvas.layer()
    side = -1 if x > canvas.width / 2 else 1
    start = (canvas.width / 2 - side * canvas.width / 2, base - 70 * u)
    blossoms = []
    stack = [(start, 0.0 if side > 0 else math.pi, 9.0, 0)]
    while stack:
        (sx, sy), angle, width, depth = stack.pop()
        length = (38 - depth * 8) * u
        ex, ey = sx + math.cos(angle) * length, sy + math.sin(angle) * length
        draw.line((sx, sy, ex, ey), fill=alpha(bark, 1), width=max(1, round(width * u * 0.6)))
        blossoms.append((ex, ey))
        if depth < 3:
            for turn in (-0.45, 0.35):
                stack.append(
                    ((ex, ey), angle + turn + rng.uniform(-0.2, 0.2), width * 0.6, depth + 1)
                )
    for bx, by in blossoms:
        for _ in range(2):
            fx, fy = bx + rng.uniform(-7, 7) * u, by + rng.uniform(-7, 7) * u
            petal = rng.choice((roles.accent, mix(roles.accent, WHITE, 0.5), WHITE))
            flower(
                draw, fx, fy, 7 * u, alpha(petal, 1), alpha(roles.highlight, 1), turn=rng.random()
            )
    canvas.commit(layer)


def pine_trees(canvas: Canvas, x: float, base: float, size: float) -> None:
    """A decorated tree with a star, between two plain pines (a forest outside Christmas)."""
    roles, u = canvas.roles, size / 100
    green = shade(roles.secondary, 0.3)
    festive = canvas.occasion in {"christmas", "new_year"}
    layer, draw = canvas.layer()
    for dx, scale in ((-46, 0.55), (48, 0.65), (0, 1.0)):
        cx, s = x + dx * u, scale * u
        draw.rectangle(
            (cx - 5 * s, base - 14 * s, cx + 5 * s, base), alpha(shade(roles.ink, 0.25), 1)
        )
        for tier in range(3):
            bottom = base - (12 + tier * 24) * s
            half = (40 - tier * 9) * s
            draw.polygon(
                [(cx - half, bottom), (cx + half, bottom), (cx, bottom - 40 * s)],
                alpha(shade(green, 0.3 + tier * 0.04), 1),
            )
        if festive and scale == 1.0:
            for bx, by in (
                (-18, -22),
                (14, -30),
                (-6, -48),
                (16, -58),
                (-12, -72),
                (4, -86),
                (22, -16),
            ):
                circle(
                    draw,
                    cx + bx * s,
                    base + by * s,
                    3.5 * s,
                    alpha(roles.accent if bx % 2 else roles.highlight, 1),
                )
            draw.polygon(star(cx, base - 118 * s, 10 * s, 4 * s), alpha(roles.highlight, 1))
    canvas.commit(layer)
    if festive:
        glow(canvas, (x, base - 118 * u), 24 * u, roles.highlight, 0.6)


def temple(canvas: Canvas, x: float, base: float, size: float) -> None:
    """A five-roofed pagoda."""
    roles, u = canvas.roles, size / 100
    wall, roof = mix(roles.accent, WHITE, 0.15), shade(roles.ink, 0.2)
    layer, draw = canvas.layer()
    y = base
    for tier in range(5):
        half = (22 - tier * 3) * u
        draw.rectangle((x - half, y - 12 * u, x + half, y), alpha(wall, 1))
        eave = half + 10 * u
        draw.polygon(
            [
                (x - eave - 4 * u, y - 16 * u),
                (x - eave, y - 12 * u),
                (x + eave, y - 12 * u),
                (x + eave + 4 * u, y - 16 * u),
                (x + half * 0.7, y - 21 * u),
                (x - half * 0.7, y - 21 * u),
            ],
            alpha(roof, 1),
        )
        y -= 21 * u
    draw.line((x, y, x, y - 16 * u), fill=alpha(roof, 1), width=max(1, round(2 * u)))
    for k in range(3):
        circle(draw, x, y - 4 * u - k * 4 * u, 2 * u, alpha(roof, 1))
    canvas.commit(layer)


def cat(canvas: Canvas, x: float, base: float, size: float) -> None:
    """A cat sitting with its back to us, tail curled."""
    roles, u = canvas.roles, size / 100
    fur = shade(roles.ink, 0.3)
    layer, draw = canvas.layer()
    draw.polygon(oval(x, base - 26 * u, 24 * u, 27 * u), alpha(fur, 1))
    circle(draw, x, base - 60 * u, 17 * u, alpha(fur, 1))
    for side in (-1, 1):
        draw.polygon(
            [
                (x + side * 15 * u, base - 66 * u),
                (x + side * 14 * u, base - 86 * u),
                (x + side * 3 * u, base - 74 * u),
            ],
            alpha(fur, 1),
        )
    draw.arc(
        (x + 8 * u, base - 30 * u, x + 48 * u, base + 6 * u),
        300,
        150,
        fill=alpha(fur, 1),
        width=max(1, round(6 * u)),
    )
    canvas.commit(layer)


def peak(canvas: Canvas, x: float, base: float, size: float) -> None:
    """A great snow-capped mountain."""
    roles, u = canvas.roles, size / 100
    rock = mix(roles.scenery, roles.sky_bottom, 0.2)
    layer, draw = canvas.layer()
    tip = (x, base - 100 * u)
    draw.polygon([(x - 90 * u, base), tip, (x + 90 * u, base)], alpha(rock, 1))
    draw.polygon([tip, (x + 90 * u, base), (x + 10 * u, base)], alpha(shade(rock, 0.35), 1))
    draw.polygon(
        [
            tip,
            (x - 24 * u, base - 74 * u),
            (x - 10 * u, base - 78 * u),
            (x + 4 * u, base - 70 * u),
            (x + 22 * u, base - 76 * u),
        ],
        alpha(WHITE, 0.95),
    )
    canvas.commit(layer, blur=u * 0.3)
