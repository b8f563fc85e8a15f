"""Focal motif of a home: a small house with a lit window, for housewarming and welcome cards.

Same signature as engine.motifs.focal.
"""

from __future__ import annotations

from engine.colour import mix, shade
from engine.scene.paint import WHITE, Canvas, alpha, glow


def house(canvas: Canvas, x: float, base: float, size: float) -> None:
    """A cosy house: walls, a pitched roof with a chimney, a door and two glowing windows."""
    roles, u = canvas.roles, size / 100
    wall = mix(roles.highlight, WHITE, 0.55)
    roof = roles.accent
    glow(canvas, (x, base - 34 * u), 46 * u, roles.highlight, 0.35)
    layer, draw = canvas.layer()
    draw.rectangle(
        (x + 14 * u, base - 84 * u, x + 24 * u, base - 60 * u), alpha(shade(roof, 0.6), 1)
    )
    draw.rectangle((x - 36 * u, base - 52 * u, x + 36 * u, base), alpha(wall, 1))
    draw.polygon(
        [(x - 46 * u, base - 50 * u), (x, base - 88 * u), (x + 46 * u, base - 50 * u)],
        alpha(roof, 1),
    )
    draw.rectangle((x - 8 * u, base - 28 * u, x + 8 * u, base), alpha(roles.secondary, 1))
    lit = mix(roles.highlight, (255, 214, 120), 0.5)
    for dx in (-24, 14):
        draw.rectangle((x + dx * u, base - 42 * u, x + (dx + 10) * u, base - 30 * u), alpha(lit, 1))
    canvas.commit(layer)
