"""Marks a style adds on top of the scene: the ink seal, the paper-cut frame and window flowers."""

from __future__ import annotations

import math

from PIL import Image, ImageDraw

from engine.scene.paint import Canvas, alpha, circle, oval
from engine.styles.catalog import SEAL

CUT = (0, 0, 0, 0)


def seal(picture: Image.Image, canvas: Canvas) -> None:
    """A red square seal in the corner away from the words, as an ink painting is signed."""
    scale = picture.width / canvas.width
    u = canvas.unit * scale
    draw = ImageDraw.Draw(picture)
    x0 = picture.width - 12 * u
    y0 = (picture.height - 14 * u) if canvas.text_area == "top" else 4 * u
    draw.rectangle((x0, y0, x0 + 7 * u, y0 + 7 * u), fill=SEAL)
    paper = (250, 235, 225)
    line = max(1, round(u * 0.5))
    draw.rectangle(
        (x0 + 1.5 * u, y0 + 1.5 * u, x0 + 5.5 * u, y0 + 5.5 * u), outline=paper, width=line
    )
    draw.line((x0 + 3.5 * u, y0 + 1.5 * u, x0 + 3.5 * u, y0 + 5.5 * u), fill=paper, width=line)
    draw.line((x0 + 1.5 * u, y0 + 3.5 * u, x0 + 5.5 * u, y0 + 3.5 * u), fill=paper, width=line)


def window_flower(
    draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, colour: tuple[int, int, int]
) -> None:
    """A 窗花: a disc of paper with an eightfold symmetric pattern cut out of it."""
    circle(draw, cx, cy, r, alpha(colour, 1))
    for i in range(8):
        angle = i * math.tau / 8
        px, py = cx + math.cos(angle) * r * 0.56, cy + math.sin(angle) * r * 0.56
        draw.polygon(oval(px, py, r * 0.26, r * 0.1, angle), CUT)
        between = angle + math.tau / 16
        circle(
            draw, cx + math.cos(between) * r * 0.8, cy + math.sin(between) * r * 0.8, r * 0.07, CUT
        )
    circle(draw, cx, cy, r * 0.2, CUT)
    circle(draw, cx, cy, r * 0.1, alpha(colour, 1))


def paper_frame(canvas: Canvas) -> None:
    """A cut-paper border with a scalloped inner edge and mirrored window flowers."""
    u, w, h = canvas.unit, canvas.width, canvas.height
    colour = canvas.roles.accent
    layer, draw = canvas.layer()
    band = 3.2 * u
    draw.rectangle((0, 0, w, h), alpha(colour, 1))
    draw.rectangle((band, band, w - band, h - band), CUT)
    step = 4 * u
    count = max(2, round((w - 2 * band) / step))
    for i in range(count + 1):
        x = band + i * (w - 2 * band) / count
        circle(draw, x, band, u * 1.2, alpha(colour, 1))
        circle(draw, x, h - band, u * 1.2, alpha(colour, 1))
    count = max(2, round((h - 2 * band) / step))
    for i in range(count + 1):
        y = band + i * (h - 2 * band) / count
        circle(draw, band, y, u * 1.2, alpha(colour, 1))
        circle(draw, w - band, y, u * 1.2, alpha(colour, 1))
    # Mirrored in the words' corners, clear of the focal motif.
    y = 11 * u if canvas.text_area == "top" else h - 11 * u
    for x in (11 * u, w - 11 * u):
        window_flower(draw, x, y, 6 * u, colour)
    canvas.commit(layer)
