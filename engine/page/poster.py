"""A postcard as one image for chat apps and print: the illustration, then its words, 1080 px wide.

Pure: image bytes and the copy in, PNG bytes and the text boxes it drew out (tests check that
every box stays inside the image). Text shrinks towards a floor size and the poster grows
taller when the copy is long, so no copy a model may write overflows.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont, ImageStat

from core.models import Content
from engine.colour import RGB, contrast, lightness, mix, readable_on, saturate, shade
from engine.copy.linebreak import balanced, clean, wrap
from engine.page.poster_fonts import FontSet, drawable, find_fonts

WIDTH = 1080
MARGIN = 96
TARGET_HEIGHT = 1920  # 9:16, a phone screen: text shrinks before the poster grows past it
MAX_IMAGE_HEIGHT = 1350  # 4:5; a taller illustration is cropped around its middle
FADE = 120
RULE_GAP = 64  # the space between the headings and the body, with a short rule in its middle
SCALES = (1.0, 0.92, 0.85, 0.78, 0.72, 0.66, 0.6)


@dataclass(frozen=True)
class Block:
    """One text block's face, preferred size, smallest size, alignment and line pitch."""

    role: str
    face: str
    size: int
    floor: int
    align: str
    pitch: float
    space_after: float


BLOCKS = (
    Block("title", "title", 80, 52, "center", 1.32, 0.45),
    Block("subtitle", "accent", 40, 30, "center", 1.5, 0.9),
    Block("body", "text", 40, 30, "left", 1.72, 0.7),
    Block("signature", "accent", 40, 30, "right", 1.5, 0.0),
)


@dataclass(frozen=True)
class TextLine:
    """One drawn line and its ink box (left, top, right, bottom) in poster pixels."""

    text: str
    box: tuple[int, int, int, int]


@dataclass(frozen=True)
class TextBox:
    """One block as drawn: its column box, font size and lines."""

    role: str
    box: tuple[int, int, int, int]
    font_size: int
    lines: tuple[TextLine, ...]


@dataclass(frozen=True)
class Poster:
    """The rendered poster."""

    png: bytes
    width: int
    height: int
    boxes: tuple[TextBox, ...]


@dataclass(frozen=True)
class _Set:
    block: Block
    font: ImageFont.FreeTypeFont
    lines: list[str]
    pitch: int

    @property
    def height(self) -> int:
        return self.pitch * len(self.lines)


def _ink_width(font: ImageFont.FreeTypeFont, text: str) -> float:
    """The width a line takes: its advance, or its ink where a glyph overhangs."""
    if not text:
        return 0.0
    left, _, right, _ = font.getbbox(text)
    return max(font.getlength(text), right) - min(0, left)


class _Measure:
    """Line widths for wrapping: summed per-character advances (basic layout has no shaping,
    so this equals the line's advance), with the exact ink width checked near the edge."""

    def __init__(self, font: ImageFont.FreeTypeFont, width: float) -> None:
        self.font, self.width = font, width
        self.advances: dict[str, float] = {}
        self.slack = font.size * 0.5

    def __call__(self, text: str) -> float:
        advance = 0.0
        for char in text:
            width = self.advances.get(char)
            if width is None:
                width = self.advances[char] = self.font.getlength(char)
            advance += width
        if advance > self.width - self.slack:
            return _ink_width(self.font, text)
        return advance


def _typeset(texts: dict[str, str], fonts: FontSet, scale: float) -> list[_Set]:
    column = WIDTH - 2 * MARGIN
    sets = []
    for block in BLOCKS:
        text = texts.get(block.role, "")
        if not text:
            continue
        size = max(block.floor, round(block.size * scale))
        font = fonts.font(block.face, size)
        breaker = balanced if block.align == "center" else wrap
        lines = breaker(text, column, _Measure(font, column))
        ascent, descent = font.getmetrics()
        pitch = max(ascent + descent, round(size * block.pitch))
        sets.append(_Set(block, font, lines, pitch))
    return sets


def _gap_after(sets: list[_Set], index: int) -> int:
    """Space below block `index`: the rule's gap before the body, else the block's own."""
    if index == len(sets) - 1:
        return 0
    if sets[index + 1].block.role == "body" and index >= 0:
        return RULE_GAP
    return round(sets[index].block.space_after * sets[index].font.size)


def _text_height(sets: list[_Set]) -> int:
    return sum(s.height for s in sets) + sum(_gap_after(sets, i) for i in range(len(sets)))


def _fit(texts: dict[str, str], fonts: FontSet, budget: int) -> list[_Set]:
    """The largest scale whose text fits the height budget, else the smallest (then the poster
    grows). A binary search: a smaller scale never needs more height."""
    tried: dict[int, list[_Set]] = {}

    def at(index: int) -> list[_Set]:
        if index not in tried:
            tried[index] = _typeset(texts, fonts, SCALES[index])
        return tried[index]

    low, high = 0, len(SCALES) - 1
    if _text_height(at(high)) > budget:
        return at(high)
    while low < high:
        middle = (low + high) // 2
        if _text_height(at(middle)) <= budget:
            high = middle
        else:
            low = middle + 1
    return at(high)


def _colours(picture: Image.Image) -> tuple[RGB, RGB, RGB]:
    """Paper, ink and accent colours taken from the illustration.

    The paper continues the picture's lower edge (light under a light picture, dark under a
    night sky), the accent is its most vivid colour, and both inks are held to a contrast
    that stays readable on a phone (title and body 9:1 or more, accent 4.5:1)."""
    small = picture.resize((48, 48)).quantize(colors=6, method=Image.Quantize.MEDIANCUT)
    palette: list[int] = list(small.getpalette() or [])
    counts: list[tuple[int, int]] = sorted(small.getcolors() or [], reverse=True)  # type: ignore[arg-type]
    colours: list[RGB] = [
        (palette[i * 3], palette[i * 3 + 1], palette[i * 3 + 2]) for _, i in counts
    ]
    edge = picture.crop((0, picture.height * 9 // 10, picture.width, picture.height))
    bottom: RGB = tuple(round(c) for c in ImageStat.Stat(edge).mean[:3])  # type: ignore[assignment]
    vivid = max(colours or [bottom], key=lambda c: max(c) - min(c))
    if lightness(bottom) < 0.4:
        paper = shade(saturate(bottom, 0.8), 0.12)
        ink = readable_on(shade(vivid, 0.95), paper, 9.0)
    else:
        paper = shade(saturate(bottom, 0.55), 0.955)
        ink = readable_on(shade(mix(vivid, (30, 30, 40), 0.7), 0.16), paper, 9.0)
    accent = readable_on(saturate(vivid, 1.1), paper, 4.5)
    return paper, ink, accent


def _illustration(image: bytes) -> Image.Image:
    opened = Image.open(io.BytesIO(image))
    opened.load()
    picture: Image.Image = opened
    if picture.mode in ("RGBA", "LA", "P"):
        picture = picture.convert("RGBA")
        backing = Image.new("RGBA", picture.size, (255, 255, 255, 255))
        picture = Image.alpha_composite(backing, picture)
    picture = picture.convert("RGB")
    height = max(1, round(picture.height * WIDTH / picture.width))
    picture = picture.resize((WIDTH, height), Image.Resampling.LANCZOS)
    if height > MAX_IMAGE_HEIGHT:
        top = (height - MAX_IMAGE_HEIGHT) // 2
        picture = picture.crop((0, top, WIDTH, top + MAX_IMAGE_HEIGHT))
    return picture


def _fade(canvas: Image.Image, bottom: int, paper: RGB) -> None:
    """Blend the illustration's lower edge into the paper."""
    top = max(0, bottom - FADE)
    band = Image.new("RGB", (WIDTH, bottom - top), paper)
    mask = Image.linear_gradient("L").resize((WIDTH, bottom - top))
    canvas.paste(band, (0, top), mask)


def _x(align: str, width: float) -> float:
    if align == "center":
        return MARGIN + (WIDTH - 2 * MARGIN - width) / 2
    if align == "right":
        return WIDTH - MARGIN - width
    return MARGIN


def _draw_block(draw: ImageDraw.ImageDraw, typeset: _Set, y: int, fill: RGB) -> TextBox:
    """Draw one block's lines from `y` down; a short body is centred under the headings."""
    block, font = typeset.block, typeset.font
    align = "center" if block.role == "body" and len(typeset.lines) <= 3 else block.align
    ascent, descent = font.getmetrics()
    lead = (typeset.pitch - ascent - descent) // 2
    drawn = []
    for number, line in enumerate(typeset.lines):
        if not line:
            continue
        left, _, _, _ = font.getbbox(line)
        x = _x(align, _ink_width(font, line)) - min(0, left)
        top = y + number * typeset.pitch + lead
        draw.text((x, top), line, font=font, fill=fill)
        ink_box = draw.textbbox((x, top), line, font=font)
        drawn.append(TextLine(line, tuple(round(v) for v in ink_box)))  # type: ignore[arg-type]
    column = (MARGIN, y, WIDTH - MARGIN, y + typeset.height)
    return TextBox(block.role, column, round(font.size), tuple(drawn))


def render_poster(image: bytes, content: Content, fonts: FontSet | None = None) -> Poster:
    """The illustration with the title, subtitle, body and signature laid out beneath it."""
    fonts = fonts or find_fonts(content.language)
    texts = {
        block.role: clean(drawable(getattr(content, block.role), fonts, block.face))
        for block in BLOCKS
    }
    picture = _illustration(image)
    budget = TARGET_HEIGHT - picture.height - 2 * MARGIN
    sets = _fit(texts, fonts, budget)
    height = picture.height + 2 * MARGIN + _text_height(sets)
    paper, ink, accent = _colours(picture)
    canvas = Image.new("RGB", (WIDTH, height), paper)
    canvas.paste(picture, (0, 0))
    _fade(canvas, picture.height, paper)
    draw = ImageDraw.Draw(canvas)
    muted = mix(ink, paper, 0.3) if contrast(mix(ink, paper, 0.3), paper) >= 4.5 else ink
    fills = {"title": ink, "subtitle": accent, "body": muted, "signature": accent}
    boxes = []
    y = picture.height + MARGIN
    for index, typeset in enumerate(sets):
        boxes.append(_draw_block(draw, typeset, y, fills[typeset.block.role]))
        gap = _gap_after(sets, index)
        if index + 1 < len(sets) and sets[index + 1].block.role == "body":
            rule_y = y + typeset.height + gap // 2
            draw.line((WIDTH / 2 - 36, rule_y, WIDTH / 2 + 36, rule_y), fill=accent, width=3)
        y += typeset.height + gap
    out = io.BytesIO()
    canvas.save(out, "PNG")
    return Poster(out.getvalue(), WIDTH, height, tuple(boxes))
