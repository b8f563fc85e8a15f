"""Colour arithmetic: hex conversion, mixing and WCAG contrast."""

from __future__ import annotations

import colorsys

RGB = tuple[int, int, int]


def to_rgb(hex_colour: str) -> RGB:
    """`#RRGGBB` to an (r, g, b) tuple."""
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def to_hex(rgb: RGB) -> str:
    """An (r, g, b) tuple to `#RRGGBB`."""
    return "#{:02X}{:02X}{:02X}".format(*(max(0, min(255, round(c))) for c in rgb))


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """`a` moved a fraction `t` of the way to `b`."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def shade(rgb: RGB, lightness: float) -> RGB:
    """The same hue and saturation at another HLS lightness (0..1)."""
    h, _, s = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
    r, g, b = colorsys.hls_to_rgb(h, max(0.0, min(1.0, lightness)), s)
    return round(r * 255), round(g * 255), round(b * 255)


def saturate(rgb: RGB, factor: float) -> RGB:
    """Saturation scaled by `factor`."""
    h, lum, s = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
    r, g, b = colorsys.hls_to_rgb(h, lum, max(0.0, min(1.0, s * factor)))
    return round(r * 255), round(g * 255), round(b * 255)


def lightness(rgb: RGB) -> float:
    """HLS lightness, 0..1."""
    return colorsys.rgb_to_hls(*(c / 255 for c in rgb))[1]


def luminance(rgb: RGB) -> float:
    """WCAG relative luminance."""

    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio between two opaque colours."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_on(colour: RGB, background: RGB, minimum: float = 4.5) -> RGB:
    """`colour` darkened or lightened, keeping its hue, until it reaches `minimum` contrast."""
    if contrast(colour, background) >= minimum:
        return colour
    darker = luminance(background) > 0.18
    start = lightness(colour)
    for step in range(1, 41):
        target = start - step * 0.025 if darker else start + step * 0.025
        candidate = shade(colour, target)
        if contrast(candidate, background) >= minimum:
            return candidate
    return (20, 20, 20) if darker else (250, 250, 250)
