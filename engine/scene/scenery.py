"""Sky and backdrop: gradient sky, then layered hills, mountains, sea, lake, city and more."""

from __future__ import annotations

import math
from collections.abc import Callable

from PIL import Image, ImageChops, ImageDraw

from engine.colour import RGB, mix, shade
from engine.scene.paint import (
    WHITE,
    Canvas,
    Point,
    alpha,
    circle,
    glow,
    ridge,
    star,
    vertical_gradient,
)
from engine.styles.catalog import FLAT_BACKDROP


def sky(canvas: Canvas) -> None:
    """A gradient sky down to the horizon, a soft light and, at night, stars."""
    roles = canvas.roles
    size = (canvas.width, canvas.height)
    if canvas.style in FLAT_BACKDROP:
        canvas.image.paste(alpha(roles.sky_top, 1), (0, 0, *size))
        return
    canvas.image.alpha_composite(vertical_gradient(size, roles.sky_top, roles.sky_bottom))
    x = canvas.width * canvas.rng.choice((0.2, 0.5, 0.8))
    glow(canvas, (x, canvas.horizon), canvas.width * 0.6, roles.highlight, 0.35)
    if roles.night:
        _night_stars(canvas)
    if canvas.style == "retro":
        _sun_rays(canvas)


def _night_stars(canvas: Canvas) -> None:
    layer, draw = canvas.layer()
    for _ in range(70):
        x, y = canvas.rng.uniform(0, canvas.width), canvas.rng.uniform(0, canvas.horizon * 0.9)
        r = canvas.rng.uniform(0.15, 0.45) * canvas.unit
        circle(draw, x, y, r, alpha(WHITE, canvas.rng.uniform(0.4, 0.95)))
    for _ in range(6):
        x, y = canvas.rng.uniform(0, canvas.width), canvas.rng.uniform(0, canvas.horizon * 0.8)
        draw.polygon(star(x, y, canvas.unit * 1.3, canvas.unit * 0.35, 4), alpha(WHITE, 0.9))
    canvas.commit(layer, lift=False)


def _sun_rays(canvas: Canvas) -> None:
    layer, draw = canvas.layer()
    cx, cy = canvas.width / 2, canvas.horizon
    reach = canvas.width * 1.2
    for i in range(0, 24, 2):
        a0, a1 = 180 + i * 7.5, 180 + (i + 1) * 7.5
        draw.pieslice(
            (cx - reach, cy - reach, cx + reach, cy + reach),
            a0,
            a1,
            fill=alpha(canvas.roles.highlight, 0.22),
        )
    canvas.commit(layer, lift=False)


def band(
    canvas: Canvas, colour: RGB, base: float, height: float, jagged: float, blur: float = 0.0
) -> None:
    layer, draw = canvas.layer()
    points = ridge(canvas.rng, canvas.width, base, height, jagged)
    draw.polygon([*points, (canvas.width, canvas.height), (0, canvas.height)], alpha(colour, 1))
    if canvas.style == "ink":
        _ink_wash(canvas, layer, points)
        blur = max(blur, canvas.unit * 0.25)
    canvas.commit(layer, blur=blur)


def _ink_wash(canvas: Canvas, layer: Image.Image, points: list[Point]) -> None:
    """A brushed ridge whose ink thins downwards into the mist, as in a 水墨 landscape."""
    top = max(0, round(min(y for _, y in points)))
    reach = max(1, round(canvas.height * 0.22))
    fade = Image.linear_gradient("L").resize((canvas.width, reach)).point(lambda v: 255 - v * 0.8)
    mask = Image.new("L", layer.size, 51)
    mask.paste(255, (0, 0, canvas.width, top))
    mask.paste(fade, (0, top))
    layer.putalpha(ImageChops.multiply(layer.getchannel("A"), mask))
    draw = ImageDraw.Draw(layer)
    dark = shade(canvas.roles.scenery, 0.12)
    # One brush stroke along the ridge: it swells and thins as the brush presses and lifts.
    phase, u = canvas.rng.uniform(0, math.tau), canvas.unit
    lower = [
        (x, y + u * (0.3 + 1.4 * abs(math.sin(i * 0.23 + phase)) ** 2))
        for i, (x, y) in enumerate(points)
    ]
    draw.polygon([*points, *reversed(lower)], alpha(dark, 0.92))


def ground(canvas: Canvas) -> None:
    """One quiet band of land: the whole scenery of a minimal card."""
    lift = 10 if canvas.text_area == "top" else 4
    band(canvas, canvas.roles.scenery, canvas.horizon + lift * canvas.unit, 4 * canvas.unit, 0.0)


def _depth(canvas: Canvas, level: float) -> RGB:
    """Scenery colour faded towards the sky with distance (0 near, 1 far)."""
    return mix(canvas.roles.scenery, canvas.roles.sky_bottom, level)


def hills(canvas: Canvas) -> None:
    """Three rolling hills, far to near."""
    h, u = canvas.horizon, canvas.unit
    band(canvas, _depth(canvas, 0.6), h - 4 * u, 14 * u, 0.0, blur=u * 0.3)
    band(canvas, _depth(canvas, 0.3), h + 2 * u, 10 * u, 0.0)
    band(canvas, canvas.roles.scenery, h + 8 * u, 8 * u, 0.0)


def mountains(canvas: Canvas) -> None:
    """Misty peaks behind a green foreground."""
    h, u = canvas.horizon, canvas.unit
    band(canvas, _depth(canvas, 0.7), h - 10 * u, 30 * u, 0.9, blur=u * 0.5)
    band(canvas, _depth(canvas, 0.45), h - 2 * u, 18 * u, 0.7)
    if canvas.style == "ink":
        _mist(canvas, h - 4 * u)
    band(canvas, canvas.roles.scenery, h + 9 * u, 7 * u, 0.0)


def _mist(canvas: Canvas, y: float) -> None:
    layer, draw = canvas.layer()
    for i in range(3):
        top = y + i * canvas.unit * 3
        draw.rectangle((0, top, canvas.width, top + canvas.unit * 2.5), alpha(WHITE, 0.35))
    canvas.commit(layer, blur=canvas.unit * 2, lift=False)


def water(canvas: Canvas, top: float) -> None:
    roles = canvas.roles
    water_top = mix(roles.sky_bottom, roles.scenery, 0.45)
    water_bottom = mix(roles.scenery, (0, 0, 0), 0.15)
    height = round(canvas.height - top)
    water = vertical_gradient((canvas.width, max(1, height)), water_top, water_bottom)
    canvas.image.alpha_composite(water, (0, round(top)))
    layer, draw = canvas.layer()
    calm_low, calm_high = canvas.calm
    for _ in range(26):
        y = canvas.rng.uniform(top + canvas.unit, canvas.height)
        if calm_low <= y <= calm_high:
            continue
        x = canvas.rng.uniform(-10, canvas.width)
        length = canvas.rng.uniform(4, 14) * canvas.unit
        draw.line(
            (x, y, x + length, y), fill=alpha(WHITE, 0.35), width=max(1, round(canvas.unit * 0.4))
        )
    canvas.commit(layer, lift=False)


def sea(canvas: Canvas) -> None:
    """An open sea under the sky, with a far island."""
    h, u = canvas.horizon, canvas.unit
    layer, draw = canvas.layer()
    x = canvas.rng.uniform(0.1, 0.6) * canvas.width
    draw.chord((x, h - 6 * u, x + 34 * u, h + 6 * u), 180, 360, alpha(_depth(canvas, 0.5), 1))
    draw.chord(
        (x + 20 * u, h - 3.5 * u, x + 44 * u, h + 3.5 * u), 180, 360, alpha(_depth(canvas, 0.62), 1)
    )
    canvas.commit(layer, blur=u * 0.4, lift=False)
    water(canvas, h)


def lake(canvas: Canvas) -> None:
    """Far hills reflected in still water."""
    h, u = canvas.horizon, canvas.unit
    band(canvas, _depth(canvas, 0.55), h - 6 * u, 20 * u, 0.6, blur=u * 0.4)
    band(canvas, _depth(canvas, 0.3), h - 1 * u, 8 * u, 0.2)
    water(canvas, h + 2 * u)


def city(canvas: Canvas) -> None:
    """A skyline of towers and roofs with lit windows."""
    h, u, rng = canvas.horizon, canvas.unit, canvas.rng
    for depth, light in ((0.55, 0.5), (0.2, 0.9)):
        layer, draw = canvas.layer()
        colour = _depth(canvas, depth)
        x = -rng.uniform(0, 6) * u
        while x < canvas.width:
            w = rng.uniform(6, 14) * u
            top = h - rng.uniform(5, 22) * u * (1.3 - depth)
            draw.rectangle((x, top, x + w - u * 0.6, canvas.height), alpha(colour, 1))
            if rng.random() < 0.3:
                draw.polygon(
                    [(x, top), (x + w / 2, top - 5 * u), (x + w - u * 0.6, top)], alpha(colour, 1)
                )
            for wy in range(round(top + 2 * u), round(h), max(1, round(3 * u))):
                for wx in range(round(x + u), round(x + w - 2 * u), max(1, round(3 * u))):
                    if rng.random() < 0.45:
                        draw.rectangle(
                            (wx, wy, wx + u, wy + 1.2 * u),
                            alpha(canvas.roles.highlight, light * 0.8),
                        )
            x += w
        canvas.commit(layer, blur=u * 0.3 if depth > 0.5 else 0)
    _ground(
        canvas, shade(canvas.roles.scenery, 0.3) if canvas.roles.night else canvas.roles.scenery
    )


def _ground(canvas: Canvas, colour: RGB) -> None:
    layer, draw = canvas.layer()
    draw.rectangle(
        (0, canvas.horizon + canvas.unit * 2, canvas.width, canvas.height), alpha(colour, 1)
    )
    canvas.commit(layer)


def meadow(canvas: Canvas) -> None:
    """Soft hills with tufts of grass and tiny flowers outside the calm band."""
    hills(canvas)
    layer, draw = canvas.layer()
    calm_low, calm_high = canvas.calm
    grass = shade(canvas.roles.scenery, 0.3)
    for _ in range(60):
        x = canvas.rng.uniform(0, canvas.width)
        y = canvas.rng.uniform(canvas.horizon + 10 * canvas.unit, canvas.height)
        if calm_low <= y <= calm_high:
            continue
        u = canvas.unit
        draw.line((x, y, x - u, y - 2.5 * u), fill=alpha(grass, 0.8), width=max(1, round(u * 0.4)))
        draw.line((x, y, x + u, y - 2.2 * u), fill=alpha(grass, 0.8), width=max(1, round(u * 0.4)))
        if canvas.rng.random() < 0.4:
            colour = canvas.rng.choice((canvas.roles.accent, canvas.roles.highlight, WHITE))
            circle(draw, x, y - 2.6 * u, u * 0.8, alpha(colour, 1))
    canvas.commit(layer, lift=False)


def table(canvas: Canvas) -> None:
    """A party table with a scalloped cloth, a wall of sky behind."""
    roles, u = canvas.roles, canvas.unit
    top = canvas.horizon + 4 * u
    cloth = mix(roles.secondary, WHITE, 0.55)
    layer, draw = canvas.layer()
    draw.rectangle((0, top, canvas.width, canvas.height), alpha(cloth, 1))
    for x in range(0, canvas.width + round(8 * u), max(1, round(8 * u))):
        draw.pieslice(
            (x - 4 * u, top + 2 * u, x + 4 * u, top + 10 * u), 0, 180, alpha(shade(cloth, 0.62), 1)
        )
    draw.rectangle((0, top - u, canvas.width, top + 2 * u), alpha(mix(cloth, WHITE, 0.5), 1))
    canvas.commit(layer)


def snowfield(canvas: Canvas) -> None:
    """Snowy hills with a row of far pines."""
    roles, h, u = canvas.roles, canvas.horizon, canvas.unit
    far = mix(roles.secondary, roles.sky_bottom, 0.45)
    layer, draw = canvas.layer()
    x = -2 * u
    while x < canvas.width:
        size = canvas.rng.uniform(3, 6) * u
        draw.polygon([(x, h + u), (x + size / 2, h - size * 1.8), (x + size, h + u)], alpha(far, 1))
        x += size * canvas.rng.uniform(0.6, 1.2)
    canvas.commit(layer, blur=u * 0.3)
    snow = mix(roles.scenery, WHITE, 0.5)
    band(canvas, shade(snow, 0.9), h + 2 * u, 8 * u, 0.0)
    band(canvas, snow, h + 9 * u, 6 * u, 0.0)


def clouds(canvas: Canvas) -> None:
    """A floor of puffy clouds."""
    u = canvas.unit
    for depth, offset in ((0.5, 0.0), (0.0, 8.0)):
        layer, draw = canvas.layer()
        colour = mix(WHITE, canvas.roles.sky_bottom, depth * 0.6)
        base = canvas.horizon + offset * u
        x = -5 * u
        while x < canvas.width + 5 * u:
            r = canvas.rng.uniform(6, 12) * u
            circle(draw, x, base, r, alpha(colour, 1))
            x += r * 1.2
        draw.rectangle((0, base, canvas.width, canvas.height), alpha(colour, 1))
        canvas.commit(layer)


def harbour(canvas: Canvas) -> None:
    """A waterfront: the city's skyline over a harbour."""
    city(canvas)
    water(canvas, canvas.horizon + 2 * canvas.unit)


def desert(canvas: Canvas) -> None:
    """Sand dunes rolling away under a wide sky."""
    h, u = canvas.horizon, canvas.unit
    sand = mix((224, 178, 108), canvas.roles.scenery, 0.12)
    band(canvas, mix(sand, canvas.roles.sky_bottom, 0.45), h - 2 * u, 10 * u, 0.3, blur=u * 0.3)
    band(canvas, shade(sand, 0.62), h + 4 * u, 9 * u, 0.15)
    band(canvas, sand, h + 12 * u, 8 * u, 0.0)


SCENES: dict[str, Callable[[Canvas], None]] = {
    "hills": hills,
    "mountains": mountains,
    "sea": sea,
    "lake": lake,
    "city": city,
    "meadow": meadow,
    "table": table,
    "snowfield": snowfield,
    "clouds": clouds,
    "harbour": harbour,
    "desert": desert,
}
