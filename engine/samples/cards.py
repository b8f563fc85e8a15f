"""A sample set of postcards across occasions and languages, and a contact sheet of them."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from core.models import Concept, Content, PostcardRequest
from core.storage import image_extension
from engine.concept.make import make_concept
from engine.copy.writer import write_content
from engine.page.render import render_page
from engine.scene.illustrate import render_illustration

SAMPLE_WISHES: tuple[str, ...] = (
    "给妈妈的生日贺卡，她喜欢花，想要温柔一点的感觉",
    "A birthday card for my friend Anna from Leo, playful and colourful",
    "新婚快乐！送给表姐和姐夫的婚礼祝福，浪漫一些",
    "Valentine's card for my husband, cozy and a little cheesy",
    "a calm thank-you card for my team after a hard quarter",
    "恭喜儿子大学毕业！为你骄傲",
    "welcome little Noah, soft watercolor",
    "早日康复！给住院的同事，温暖但不要太沉重",
    "With deepest sympathy for the loss of your mother",
    "春节给爷爷奶奶的拜年明信片，喜庆，红色和金色",
    "中秋节给远方父母的明信片，月亮、灯笼和月饼",
    "Christmas postcard from Paris, snowy and cozy",
    "从大理寄给你的明信片，洱海和苍山",
    "Greetings from Kyoto — temples and maple leaves",
    "端午安康，粽子和龙舟",
    "Father's Day card, fishing theme, for my dad Mike",
)
FONT_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("C:/Windows/Fonts/msyh.ttc", 0),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0),
)


@dataclass(frozen=True)
class SampleCard:
    """One rendered postcard: its words, its picture and where its files went."""

    slug: str
    concept: Concept
    content: Content
    image: bytes
    page: Path


def sheet_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A CJK-capable font when the system has one, else the best fallback available."""
    for path, index in FONT_CANDIDATES:
        if Path(path).exists():
            try:
                return ImageFont.truetype(path, size, index=index)
            except OSError:
                continue
    return ImageFont.load_default(size=size)


def render_card(out: Path, slug: str, request: PostcardRequest) -> SampleCard:
    """Render one request to `slug.jpg` (`slug.png` for pixel art) and `slug.html` under `out`."""
    concept = make_concept(request)
    content = write_content(request, concept)
    image = render_illustration(concept, content, seed=request.variation)
    name = f"{slug}.{image_extension(image) or 'png'}"
    (out / name).write_bytes(image)
    page = out / f"{slug}.html"
    page.write_text(render_page(concept, content, name), encoding="utf-8")
    return SampleCard(slug, concept, content, image, page)


def sample_request(number: int, wish: str, style: str | None = None) -> PostcardRequest:
    """A sample request, dated so that samples are the same on every run."""
    return PostcardRequest(
        task_id=f"sample-{number}",
        user_input=wish,
        style=style,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def render_samples(out: Path, wishes: tuple[str, ...] = SAMPLE_WISHES) -> list[SampleCard]:
    """Render every wish to `NN.jpg` (or `.png`) and `NN.html` under `out`."""
    out.mkdir(parents=True, exist_ok=True)
    cards = []
    for number, wish in enumerate(wishes, start=1):
        request = sample_request(number, wish)
        occasion = make_concept(request).occasion
        cards.append(render_card(out, f"{number:02d}-{occasion}", request))
    return cards


def _fit(
    draw: ImageDraw.ImageDraw,
    text: str,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    width: int,
) -> str:
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def default_caption(card: SampleCard) -> tuple[str, str]:
    """A card's title, and its occasion, layout and language."""
    occasion = card.concept.occasion.replace("_", " ")
    return card.content.title, f"{occasion} · {card.concept.layout} · {card.content.language}"


def contact_sheet(
    cards: list[SampleCard],
    columns: int = 4,
    tile: int = 280,
    describe: Callable[[SampleCard], tuple[str, str]] = default_caption,
) -> Image.Image:
    """A grid of the illustrations with a two-line caption beneath each."""
    rows = (len(cards) + columns - 1) // columns
    gap, caption = 16, 58
    sheet = Image.new(
        "RGB", (gap + columns * (tile + gap), gap + rows * (tile + caption + gap)), (246, 243, 238)
    )
    draw = ImageDraw.Draw(sheet)
    title_font, label_font = sheet_font(19), sheet_font(13)
    for index, card in enumerate(cards):
        x = gap + (index % columns) * (tile + gap)
        y = gap + (index // columns) * (tile + caption + gap)
        picture = Image.open(io.BytesIO(card.image)).convert("RGB")
        picture.thumbnail((tile, tile), Image.Resampling.LANCZOS)
        sheet.paste(picture, (x + (tile - picture.width) // 2, y))
        title, label = describe(card)
        draw.text(
            (x, y + tile + 8),
            _fit(draw, title, title_font, tile),
            font=title_font,
            fill=(40, 36, 44),
        )
        draw.text(
            (x, y + tile + 34),
            _fit(draw, label, label_font, tile),
            font=label_font,
            fill=(110, 104, 112),
        )
    return sheet


def build_samples(out: Path) -> Path:
    """Render the sample postcards into `out` and write `out/sheet.png`; return its path."""
    cards = render_samples(out)
    path = out / "sheet.png"
    contact_sheet(cards).save(path, "PNG", optimize=True)
    return path
