"""Focal motifs made by hand: cake, balloons, gift, rings, hearts, books, cap, candles, lanterns.

Each takes the canvas, the centre x, the baseline y it stands on and its height in pixels.
"""

from __future__ import annotations

import math

from engine.colour import mix, shade
from engine.scene.paint import WHITE, Canvas, alpha, circle, glow, heart, oval, star


def cake(canvas: Canvas, x: float, base: float, size: float) -> None:
    """A two-tier cake with dripping icing and lit candles."""
    roles, u = canvas.roles, size / 100
    layer, draw = canvas.layer()
    draw.ellipse(
        (x - 56 * u, base - 6 * u, x + 56 * u, base + 4 * u),
        alpha(mix(roles.highlight, WHITE, 0.5), 1),
    )
    tiers = ((48, 30, roles.accent), (34, 24, mix(roles.accent, WHITE, 0.35)))
    top = base - 2 * u
    for half, height, colour in tiers:
        draw.rounded_rectangle(
            (x - half * u, top - height * u, x + half * u, top), radius=4 * u, fill=alpha(colour, 1)
        )
        icing = mix(roles.highlight, WHITE, 0.6)
        draw.rectangle(
            (x - half * u, top - height * u, x + half * u, top - (height - 6) * u), alpha(icing, 1)
        )
        for i in range(-half + 4, half - 2, 8):
            draw.ellipse(
                (x + (i - 3) * u, top - (height - 3) * u, x + (i + 3) * u, top - (height - 10) * u),
                alpha(icing, 1),
            )
        top -= height * u
    for i, offset in enumerate((-20, -7, 7, 20)):
        cx = x + offset * u
        colour = (roles.secondary, roles.highlight, roles.secondary, WHITE)[i]
        draw.rectangle((cx - 2 * u, top - 16 * u, cx + 2 * u, top), alpha(colour, 1))
        draw.polygon(oval(cx, top - 20 * u, 2.5 * u, 4.5 * u), alpha(roles.highlight, 1))
    canvas.commit(layer)
    for offset in (-20, -7, 7, 20):
        glow(canvas, (x + offset * u, top - 20 * u), 9 * u, roles.highlight, 0.7)


def balloons(canvas: Canvas, x: float, base: float, size: float) -> None:
    """A bunch of balloons on curling strings."""
    roles, u, rng = canvas.roles, size / 100, canvas.rng
    colours = (roles.accent, roles.highlight, roles.secondary, mix(roles.accent, WHITE, 0.4))
    layer, draw = canvas.layer()
    knot = (x, base - 8 * u)
    spots = [(-22, -78), (0, -92), (22, -76), (-10, -58), (14, -56)]
    for i, (dx, dy) in enumerate(spots[: rng.randint(3, 5)]):
        bx, by = x + dx * u, base + dy * u
        draw.line(
            (knot, (bx + 3 * u, by + 20 * u), (bx, by + 15 * u)),
            fill=alpha(canvas.roles.ink, 0.7),
            width=max(1, round(u * 0.8)),
        )
        colour = colours[i % len(colours)]
        draw.polygon(oval(bx, by, 13 * u, 16 * u), alpha(colour, 1))
        draw.polygon(
            [(bx - 2 * u, by + 17 * u), (bx + 2 * u, by + 17 * u), (bx, by + 14 * u)],
            alpha(colour, 1),
        )
        draw.polygon(oval(bx - 5 * u, by - 6 * u, 3 * u, 5 * u, -0.5), alpha(WHITE, 0.55))
    canvas.commit(layer)


def gift(canvas: Canvas, x: float, base: float, size: float) -> None:
    """A wrapped present with a big bow, and a smaller one beside it."""
    roles, u = canvas.roles, size / 100
    layer, draw = canvas.layer()
    for dx, scale, body, ribbon in (
        (0, 1.0, roles.accent, roles.highlight),
        (44, 0.6, roles.secondary, WHITE),
    ):
        cx, s = x + dx * u, scale * u
        draw.rectangle((cx - 30 * s, base - 48 * s, cx + 30 * s, base), alpha(body, 1))
        draw.rectangle(
            (cx - 34 * s, base - 58 * s, cx + 34 * s, base - 46 * s), alpha(shade(body, 0.45), 1)
        )
        draw.rectangle((cx - 5 * s, base - 58 * s, cx + 5 * s, base), alpha(ribbon, 1))
        draw.polygon(oval(cx - 11 * s, base - 64 * s, 11 * s, 7 * s, -0.5), alpha(ribbon, 1))
        draw.polygon(oval(cx + 11 * s, base - 64 * s, 11 * s, 7 * s, 0.5), alpha(ribbon, 1))
        circle(draw, cx, base - 60 * s, 4 * s, alpha(shade(ribbon, 0.5), 1))
    canvas.commit(layer)


def rings(canvas: Canvas, x: float, base: float, size: float) -> None:
    """Two interlocking rings with a sparkle."""
    roles, u = canvas.roles, size / 100
    layer, draw = canvas.layer()
    gold = mix(roles.highlight, (212, 163, 55), 0.5)
    width = max(2, round(6 * u))
    for dx in (-14, 14):
        cx, cy = x + dx * u, base - 40 * u
        draw.ellipse(
            (cx - 26 * u, cy - 26 * u, cx + 26 * u, cy + 26 * u),
            outline=alpha(gold, 1),
            width=width,
        )
    draw.polygon(
        [
            (x - 20 * u, base - 70 * u),
            (x - 14 * u, base - 78 * u),
            (x - 8 * u, base - 70 * u),
            (x - 14 * u, base - 62 * u),
        ],
        alpha(WHITE, 0.95),
    )
    for sx, sy, r in ((30, -80, 7), (-38, -20, 5), (40, -10, 4)):
        draw.polygon(star(x + sx * u, base + sy * u, r * u, r * u * 0.3, 4), alpha(WHITE, 0.9))
    canvas.commit(layer)
    glow(canvas, (x, base - 40 * u), 50 * u, roles.highlight, 0.35)


def hearts(canvas: Canvas, x: float, base: float, size: float) -> None:
    """One big heart with a few small ones floating up."""
    roles, u = canvas.roles, size / 100
    glow(canvas, (x, base - 45 * u), 60 * u, roles.highlight, 0.4)
    layer, draw = canvas.layer()
    draw.polygon(heart(x, base - 45 * u, 80 * u), alpha(roles.accent, 1))
    draw.polygon(oval(x - 18 * u, base - 62 * u, 7 * u, 11 * u, 0.6), alpha(WHITE, 0.4))
    for dx, dy, s in ((-48, -90, 18), (44, -100, 14), (52, -40, 10)):
        draw.polygon(
            heart(x + dx * u, base + dy * u, s * u), alpha(mix(roles.accent, WHITE, 0.35), 1)
        )
    canvas.commit(layer)


def books(canvas: Canvas, x: float, base: float, size: float) -> None:
    """A stack of books with an apple on top."""
    roles, u = canvas.roles, size / 100
    layer, draw = canvas.layer()
    colours = (roles.accent, roles.secondary, roles.highlight, shade(roles.scenery, 0.4))
    top = base
    for i, colour in enumerate(colours):
        half, height = (46 - i * 4) * u, 13 * u
        shift = (-4 if i % 2 else 4) * u
        draw.rectangle((x - half + shift, top - height, x + half + shift, top), alpha(colour, 1))
        draw.rectangle(
            (x - half + shift + 3 * u, top - height + 3 * u, x + half + shift - 2 * u, top - 3 * u),
            alpha(mix(colour, WHITE, 0.75), 1),
        )
        top -= height
    circle(draw, x, top - 11 * u, 11 * u, alpha((200, 40, 50), 1))
    draw.line(
        (x, top - 21 * u, x + 2 * u, top - 28 * u),
        fill=alpha(roles.ink, 1),
        width=max(1, round(2 * u)),
    )
    draw.polygon(oval(x + 8 * u, top - 25 * u, 6 * u, 3 * u, -0.5), alpha((90, 150, 70), 1))
    canvas.commit(layer)


def cap(canvas: Canvas, x: float, base: float, size: float) -> None:
    """A mortarboard with its tassel, over a rolled diploma."""
    roles, u = canvas.roles, size / 100
    layer, draw = canvas.layer()
    dark = shade(roles.ink, 0.15)
    draw.rounded_rectangle(
        (x - 40 * u, base - 14 * u, x + 40 * u, base), radius=7 * u, fill=alpha(WHITE, 1)
    )
    draw.rectangle((x - 5 * u, base - 14 * u, x + 5 * u, base), alpha(roles.accent, 1))
    draw.polygon(
        [
            (x - 24 * u, base - 40 * u),
            (x + 24 * u, base - 40 * u),
            (x + 20 * u, base - 22 * u),
            (x - 20 * u, base - 22 * u),
        ],
        alpha(dark, 1),
    )
    draw.polygon(
        [
            (x, base - 72 * u),
            (x + 52 * u, base - 56 * u),
            (x, base - 40 * u),
            (x - 52 * u, base - 56 * u),
        ],
        alpha(shade(dark, 0.22), 1),
    )
    draw.line(
        (x, base - 56 * u, x + 36 * u, base - 50 * u, x + 36 * u, base - 28 * u),
        fill=alpha(roles.highlight, 1),
        width=max(1, round(2 * u)),
    )
    draw.polygon(oval(x + 36 * u, base - 25 * u, 3 * u, 6 * u), alpha(roles.highlight, 1))
    canvas.commit(layer)


def candle(canvas: Canvas, x: float, base: float, size: float) -> None:
    """Three pillar candles with steady flames."""
    roles, u = canvas.roles, size / 100
    wax = mix(roles.highlight, WHITE, 0.7)
    flames = []
    layer, draw = canvas.layer()
    for dx, height in ((-24, 46), (0, 70), (24, 36)):
        cx = x + dx * u
        draw.rounded_rectangle(
            (cx - 9 * u, base - height * u, cx + 9 * u, base), radius=2 * u, fill=alpha(wax, 1)
        )
        draw.rectangle((cx + 3 * u, base - height * u, cx + 9 * u, base), alpha(shade(wax, 0.8), 1))
        flames.append((cx, base - (height + 8) * u))
    canvas.commit(layer)
    for fx, fy in flames:
        glow(canvas, (fx, fy), 22 * u, roles.highlight, 0.55)
    layer, draw = canvas.layer()
    for fx, fy in flames:
        draw.polygon(
            oval(fx, fy, 3 * u, 7 * u), alpha(mix(roles.highlight, (255, 170, 60), 0.4), 1)
        )
        draw.polygon(oval(fx, fy + 2 * u, 1.5 * u, 3.5 * u), alpha(WHITE, 0.9))
    canvas.commit(layer, lift=False)


def lanterns(canvas: Canvas, x: float, base: float, size: float) -> None:
    """Red lanterns hanging from the top edge, with gold caps and tassels."""
    roles, u = canvas.roles, size / 100
    red = roles.accent
    gold = roles.highlight
    top = 0.0 if canvas.text_area == "bottom" else canvas.calm[1]
    reach = 1.0 if canvas.text_area == "bottom" else 0.5
    spots = [(x - 38 * u, 0.18 * reach), (x, 0.3 * reach), (x + 38 * u, 0.14 * reach)]
    for lx, drop in spots:
        glow(canvas, (lx, top + canvas.height * drop + 20 * u), 40 * u, gold, 0.35)
    layer, draw = canvas.layer()
    if top:
        draw.line(
            (0, top, canvas.width, top + 4 * u), fill=alpha(roles.ink, 0.8), width=max(1, round(u))
        )
    for lx, drop in spots:
        cy = top + canvas.height * drop + 20 * u
        draw.line((lx, top, lx, cy - 20 * u), fill=alpha(roles.ink, 0.8), width=max(1, round(u)))
        draw.polygon(oval(lx, cy, 24 * u, 19 * u, n=24), alpha(red, 1))
        for k in (8, 16):
            draw.ellipse(
                (lx - k * u, cy - 19 * u, lx + k * u, cy + 19 * u),
                outline=alpha(shade(red, 0.3), 0.8),
                width=max(1, round(u)),
            )
        draw.rectangle((lx - 10 * u, cy - 22 * u, lx + 10 * u, cy - 17 * u), alpha(gold, 1))
        draw.rectangle((lx - 10 * u, cy + 17 * u, lx + 10 * u, cy + 22 * u), alpha(gold, 1))
        for t in (-3, 0, 3):
            draw.line(
                (lx + t * u, cy + 22 * u, lx + t * 1.5 * u, cy + 38 * u),
                fill=alpha(gold, 1),
                width=max(1, round(u)),
            )
    canvas.commit(layer)


def mooncake(canvas: Canvas, x: float, base: float, size: float) -> None:
    """Two mooncakes with pressed patterns on a plate, and a teacup."""
    roles, u = canvas.roles, size / 100
    crust = (214, 150, 70)
    layer, draw = canvas.layer()
    draw.ellipse(
        (x - 60 * u, base - 10 * u, x + 60 * u, base + 4 * u),
        alpha(mix(WHITE, roles.highlight, 0.3), 1),
    )
    for dx, r in ((-20, 24), (24, 20)):
        cx, cy = x + dx * u, base - r * u - 4 * u
        for k in range(12):
            angle = k * math.tau / 12
            circle(
                draw,
                cx + math.cos(angle) * r * u,
                cy + math.sin(angle) * r * u,
                5 * u,
                alpha(crust, 1),
            )
        circle(draw, cx, cy, r * u, alpha(crust, 1))
        circle(draw, cx, cy, r * 0.6 * u, alpha(shade(crust, 0.45), 1))
        draw.polygon(star(cx, cy, r * 0.45 * u, r * 0.2 * u, 4), alpha(mix(crust, WHITE, 0.3), 1))
    canvas.commit(layer)


def zongzi(canvas: Canvas, x: float, base: float, size: float) -> None:
    """Three leaf-wrapped zongzi tied with string."""
    roles, u = canvas.roles, size / 100
    leaf = shade(roles.secondary, 0.35)
    layer, draw = canvas.layer()
    for dx, scale in ((-26, 0.8), (26, 0.8), (0, 1.0)):
        cx, s = x + dx * u, scale * u
        draw.polygon(
            [(cx - 28 * s, base), (cx + 28 * s, base), (cx, base - 52 * s)], alpha(leaf, 1)
        )
        draw.polygon(
            [(cx, base), (cx + 28 * s, base), (cx, base - 52 * s)], alpha(shade(leaf, 0.28), 1)
        )
        draw.line(
            (cx - 18 * s, base - 18 * s, cx + 18 * s, base - 18 * s),
            fill=alpha(roles.accent, 1),
            width=max(1, round(3 * s)),
        )
    canvas.commit(layer)
