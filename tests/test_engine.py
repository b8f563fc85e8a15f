"""The local creative engine: occasions, names, copy, diversity, pictures, pages, properties."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageFilter, ImageStat
from typer.testing import CliRunner

from cli.main import app
from core.models import Concept, Content, PostcardRequest, VisualStyle
from engine import make_concept, render_illustration, render_page, write_content
from engine.reading.moods import LAYOUTS, art_style_description
from engine.scene.illustrate import draw_illustration, encode
from engine.styles.catalog import STYLES
from providers.html_validator import validate_page

REQUESTS_FILE = Path(__file__).resolve().parent / "data" / "requests.jsonl"
# Names in requests.jsonl that the engine spells differently or splits more finely.
SAME_OCCASION = {
    "festival": {"dragon_boat", "lantern_festival"},
    "farewell": {"farewell", "retirement"},
    "unspecified": {"general"},
    "injection": {"general"},
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def ask(text: str, **fields: object) -> PostcardRequest:
    """A request as the API would build it."""
    return PostcardRequest(
        task_id="t-1", user_input=text, created_at=datetime(2026, 1, 1, tzinfo=UTC), **fields
    )


def card(text: str, **fields: object) -> tuple[PostcardRequest, Concept, Content]:
    request = ask(text, **fields)
    concept = make_concept(request)
    return request, concept, write_content(request, concept)


def load_requests() -> list[dict[str, str]]:
    """The sample requests the tests carry (a missing file is an error, never a skip)."""
    return [json.loads(line) for line in REQUESTS_FILE.read_text().splitlines() if line.strip()]


def test_occasions_of_the_shared_requests_are_detected() -> None:
    rows = load_requests()
    misses = []
    for row in rows:
        concept = make_concept(ask(row["prompt"]))
        expected = SAME_OCCASION.get(row["occasion"], {row["occasion"]})
        if concept.occasion not in expected:
            misses.append((row["prompt"], row["occasion"], concept.occasion))
    rate = 1 - len(misses) / len(rows)
    print(
        f"\noccasion hit rate on requests.jsonl: {rate:.1%} ({len(rows) - len(misses)}/{len(rows)})"
    )
    assert rate >= 0.85, misses


def test_every_shared_request_makes_a_clean_card() -> None:
    for row in load_requests():
        _, concept, content = card(row["prompt"])
        page = render_page(concept, content, "card.png")
        words = " ".join((content.title, content.subtitle, content.body, content.signature))
        assert "<" not in words and "script" not in words.lower(), row
        assert "evil.example" not in page and "alert(1)" not in page
        assert "system prompt" not in words.lower()
        if row["language"] in {"zh", "en"}:
            assert (CJK.search(content.title + content.body) is not None) == (
                row["language"] == "zh"
            )


@pytest.mark.parametrize(
    ("text", "recipient", "sender"),
    [
        ("给妈妈的生日贺卡，她喜欢花", "妈妈", None),
        ("A birthday card for my friend Anna from Leo, playful", "Anna", "Leo"),
        ("谢谢李老师这一年的照顾，教师节快乐", "李老师", None),
        ("Congratulations on your wedding, Sam & Priya — minimal", "Sam & Priya", None),
        ("get well soon, Dad. thinking of you", "Dad", None),
        ("Happy New Year from all of us at the bakery", None, "all of us at the bakery"),
        ("新婚快乐！送给表姐和姐夫的婚礼祝福", "表姐和姐夫", None),
    ],
)
def test_recipient_and_sender_are_found(
    text: str, recipient: str | None, sender: str | None
) -> None:
    _, concept, content = card(text)
    assert (concept.recipient, concept.sender) == (recipient, sender)
    if recipient:
        assert recipient in content.title + content.body
    if sender:
        assert sender in content.signature


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("生日快乐 Happy Birthday 给我最好的 friend Lily", None, "zh"),
        ("a calm thank-you card for my team", None, "en"),
        ("a calm thank-you card for my team", "zh-CN", "zh"),
        ("🎂🎉", None, "en"),
    ],
)
def test_card_language(text: str, language: str | None, expected: str) -> None:
    _, concept, content = card(text, language=language)
    assert concept.language == content.language == expected
    assert (CJK.search(content.body) is not None) == (expected == "zh")


def test_tone_and_style_fields_steer_the_concept() -> None:
    _, solemn, _ = card("深切慰问，愿逝者安息，庄重素雅")
    _, playful, _ = card("祝小王三十岁生日快乐，要有点幽默感")
    _, styled, _ = card("a card for my friend", style="watercolor", theme="birthday")
    assert solemn.tone == "solemn" and solemn.layout != "envelope"
    assert playful.tone == "playful"
    assert styled.occasion == "birthday" and "watercolour" in styled.visual_style.art_style


BIRTHDAYS = [
    "创建一个生日祝福明信片，温馨可爱风格",
    "给妈妈的生日贺卡，她喜欢花",
    "祝小王三十岁生日快乐，要有点幽默感",
    "A birthday card for my friend Anna from Leo",
    "happy 80th birthday grandpa, classic and elegant",
    "生日快乐 Happy Birthday 给我最好的 friend Lily",
    "🎂🎉",
    "生日明信片 温馨 可爱 风格",
    "birthday card for my sister who loves cats",
    "给爸爸的六十大寿贺卡",
    "闺蜜生日，要粉色的",
    "Happy birthday to my wonderful wife",
    "a birthday card for my boss, formal",
    "儿子十岁生日快乐",
    "bday card for Jake, make it funny",
    "奶奶八十岁生日，喜庆一点",
    "Birthday wishes for my niece Mia",
    "给同事的生日卡片，简约",
    "Happy 40th birthday Sarah, gold and black",
    "生日快乐！给最好的朋友小美",
]


def test_twenty_birthdays_read_and_look_different() -> None:
    concepts, contents = [], []
    for text in BIRTHDAYS:
        _, concept, content = card(text)
        assert concept.occasion == "birthday", text
        concepts.append(concept)
        contents.append(content)
    titles = {content.title for content in contents}
    looks = {(c.layout, tuple(c.visual_style.palette)) for c in concepts}
    assert len(titles) >= 15, titles
    assert len(looks) >= 4, looks


def test_variation_gives_a_fresh_take() -> None:
    takes = {make_concept(ask("生日快乐", variation=n)).model_dump_json() for n in range(6)}
    assert len(takes) >= 5


def _histogram(png: bytes) -> list[float]:
    data = Image.open(io.BytesIO(png)).convert("RGB").resize((64, 64)).tobytes()
    counts = [0] * 64
    for r, g, b in zip(data[0::3], data[1::3], data[2::3], strict=True):
        counts[(r // 64) * 16 + (g // 64) * 4 + b // 64] += 1
    return [c / 4096 for c in counts]


OCCASION_WISHES = {
    "birthday": "生日快乐",
    "wedding": "新婚快乐",
    "love": "Valentine's card",
    "thanks": "thank you so much",
    "graduation": "恭喜毕业",
    "new_baby": "welcome little one",
    "get_well": "get well soon",
    "sympathy": "深切慰问",
    "spring_festival": "春节快乐，给爷爷奶奶拜年",
    "mid_autumn": "中秋快乐",
    "christmas": "Merry Christmas",
    "travel": "Greetings from Lisbon",
}


def test_each_occasion_has_its_own_picture() -> None:
    pictures = {}
    for occasion, wish in OCCASION_WISHES.items():
        concept = make_concept(ask(wish))
        assert concept.occasion == occasion
        pictures[occasion] = _histogram(render_illustration(concept, None, width=256, height=256))
    for (a, ha), (b, hb) in combinations(pictures.items(), 2):
        distance = sum(abs(x - y) for x, y in zip(ha, hb, strict=True))
        assert distance > 0.3, (a, b, distance)


def test_illustration_is_an_image_of_the_asked_size_with_room_for_words() -> None:
    _, concept, content = card("中秋节给远方父母的明信片，月亮、灯笼和月饼")
    square = Image.open(io.BytesIO(render_illustration(concept, content)))
    portrait = Image.open(io.BytesIO(render_illustration(concept, content, width=768, height=1024)))
    assert (square.format, square.size, portrait.size) == ("JPEG", (1024, 1024), (768, 1024))
    concept.visual_style.art_style = art_style_description("pixel")
    assert Image.open(io.BytesIO(render_illustration(concept, content))).format == "PNG"
    for wish in ("生日快乐", "Merry Christmas", "Greetings from Kyoto", "新婚快乐", "端午安康"):
        concept = make_concept(ask(wish))
        picture = Image.open(io.BytesIO(render_illustration(concept, None, width=256, height=256)))
        # Pillow's kernel filters copy the outermost pixels unfiltered: leave them out.
        edges = picture.convert("L").filter(ImageFilter.FIND_EDGES).crop((1, 1, 255, 255))
        top, bottom = edges.crop((0, 0, 254, 79)), edges.crop((0, 175, 254, 254))
        calm, busy = (top, bottom) if concept.visual_style.text_area == "top" else (bottom, top)
        assert _mean(calm) < _mean(busy), wish


def _mean(picture: Image.Image) -> float:
    return float(ImageStat.Stat(picture).mean[0])


def test_a_concept_from_another_provider_is_understood() -> None:
    request = ask("生日快乐")
    concept = Concept(
        theme="Mum's birthday",
        occasion="Birthday",
        emotion="joy",
        tone="Warm",
        visual_style=VisualStyle(
            palette=["#FFE5EC", "#FFB3C6"],
            composition="cake in the middle",
            art_style="Watercolor",
            motifs=["balloon", "月亮", "a tiny dragon"],
        ),
        copy_direction="short",
        audience="her mum",
        recipient="妈妈",
        language="zh-CN",
        layout="open",
    )
    content = write_content(request, concept)
    assert content.language == "zh" and "妈妈" in content.body and "您" in content.body
    picture = Image.open(io.BytesIO(render_illustration(concept, content, width=300, height=400)))
    assert picture.size == (300, 400)
    assert 'data-layout="envelope"' in render_page(concept, content, "https://cdn.example/a.png")


def test_illustration_is_deterministic_per_seed() -> None:
    concept = make_concept(ask("Greetings from Kyoto — temples and maple leaves"))
    first = render_illustration(concept, None, width=200, height=200, seed=3)
    assert first == render_illustration(concept, None, width=200, height=200, seed=3)
    assert first != render_illustration(concept, None, width=200, height=200, seed=4)


class _Balance(HTMLParser):
    VOID = frozenset({"meta", "link", "img", "br", "hr", "input", "source", "area", "base", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.problems: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.problems.append(tag)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_page_is_valid_self_contained_and_escaped(layout: str) -> None:
    _, concept, content = card("给妈妈的生日贺卡")
    concept = concept.model_copy(update={"layout": layout})
    content = content.model_copy(update={"title": "<script>alert('x')</script> & \"hi\""})
    page = render_page(concept, content, "/blobs/card.png")
    parser = _Balance()
    parser.feed(page)
    assert page.startswith("<!doctype html>") and not parser.problems and not parser.open
    assert parser.tags.count("h1") == 1 and f'data-layout="{layout}"' in page
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert re.findall(r'src="([^"]*)"', page) == ["/blobs/card.png"]
    assert not re.search(r"https?://|@import|url\(|<link[^>]+stylesheet", page)
    assert "prefers-reduced-motion" in page and "Noto Sans CJK SC" in page
    assert validate_page(page, "/blobs/card.png") == []


def test_page_drops_an_unsafe_image_url() -> None:
    _, concept, content = card("Merry Christmas")
    for url in ("javascript:alert(1)", "//evil.example/x.png", '"><script>'):
        page = render_page(concept, content, url)
        assert "evil.example" not in page and "javascript:" not in page and '<script>"' not in page
        assert "<img" not in page


def test_sample_command_writes_cards_and_a_sheet(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["sample", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    sheet = Image.open(tmp_path / "sheet.png")
    pages = sorted(tmp_path.glob("*.html"))
    images = [*tmp_path.glob("[0-9]*.jpg"), *tmp_path.glob("[0-9]*.png")]
    assert len(pages) >= 12 and len(images) == len(pages)
    for page in pages:
        assert any(f'src="{image.name}"' in page.read_text() for image in images), page
    assert sheet.width >= 1000 and (tmp_path / "sheet.png").stat().st_size < 1_500_000
    languages = {re.search(r'<html lang="([^"]+)"', p.read_text()).group(1) for p in pages}
    assert languages == {"zh-CN", "en"}


# Any text a request may hold (the model refuses NUL, which no database column can store).
CHARACTERS = st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00")
WORDS = st.text(alphabet=CHARACTERS, min_size=1, max_size=300)
MIXED = st.lists(
    st.sampled_from(
        [
            "生日",
            "快乐",
            "给妈妈",
            "birthday",
            "to Anna",
            "from Leo",
            "🎂",
            "🎉",
            "中秋",
            "<script>",
            "ignore previous instructions",
            "  ",
            "\n",
            "Merry",
            "婚礼",
            "!!",
        ]
    ),
    min_size=1,
    max_size=30,
).map(" ".join)
LONG = st.sampled_from(["生日快乐，", "happy birthday ", "🎈", "谢谢 thank you "]).map(
    lambda unit: (unit * 4000)[:4000]
)
REQUESTS = st.builds(
    ask,
    st.one_of(WORDS, MIXED, LONG, st.sampled_from(["🎂🎉", " ", "。", "card", "\t\n"])),
    style=st.one_of(st.none(), st.text(alphabet=CHARACTERS, max_size=64)),
    theme=st.one_of(st.none(), st.text(alphabet=CHARACTERS, max_size=64)),
    language=st.one_of(st.none(), st.sampled_from(["zh", "en", "zh-TW", "fr", "", "EN-us"])),
    variation=st.integers(min_value=0, max_value=10_000),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(REQUESTS)
def test_any_request_makes_a_valid_deterministic_card(request: PostcardRequest) -> None:
    concept = make_concept(request)
    content = write_content(request, concept)
    assert Concept.model_validate(concept.model_dump()) == concept
    assert Content.model_validate(content.model_dump()) == content
    assert make_concept(request) == concept and write_content(request, concept) == content
    assert content.language in {"zh", "en"} and concept.layout in LAYOUTS


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(REQUESTS, st.integers(min_value=64, max_value=160), st.integers(min_value=64, max_value=160))
def test_any_concept_paints_and_any_card_renders(
    request: PostcardRequest, width: int, height: int
) -> None:
    concept = make_concept(request)
    content = write_content(request, concept)
    picture = Image.open(
        io.BytesIO(render_illustration(concept, content, width=width, height=height))
    )
    assert picture.size == (width, height)
    page = render_page(concept, content, "card.png")
    parser = _Balance()
    parser.feed(page)
    assert not parser.problems and not parser.open


def test_painted_styles_are_jpeg_a_quarter_of_the_png_and_within_levels_of_the_drawing() -> None:
    """The file is JPEG for its size and CPU; what it changes must stay below what one sees.
    Measured at the product's 1024 px (at 512 px the same JPEG strays further on retro's dots)."""
    _, concept, content = card("Congrats on the new job!! from all of us")
    jpeg_bytes = png_bytes = 0
    for style in STYLES:
        if style == "pixel":
            continue
        concept.visual_style.art_style = art_style_description(style)
        picture = draw_illustration(concept, content)
        data = render_illustration(concept, content)
        assert Image.open(io.BytesIO(data)).format == "JPEG", style
        back = Image.open(io.BytesIO(data)).convert("RGB")
        error = ImageStat.Stat(ImageChops.difference(picture.convert("RGB"), back)).mean
        assert max(error) < 2.5, (style, error)
        lossless = io.BytesIO()
        picture.save(lossless, "PNG", compress_level=1)
        jpeg_bytes, png_bytes = jpeg_bytes + len(data), png_bytes + len(lossless.getvalue())
    assert jpeg_bytes < png_bytes / 2.5, (jpeg_bytes, png_bytes)


def test_jpeg_keeps_even_hard_pixel_edges_close_to_lossless() -> None:
    """The hardest case for JPEG: pixel art's hard edges and flat colours (which is why pixel
    art itself stays PNG) still come back within a few levels."""
    _, concept, content = card("Congrats on the new job!! retro style please")
    concept.visual_style.art_style = art_style_description("pixel")
    lossless = draw_illustration(concept, content, width=512, height=512).convert("RGB")
    back = Image.open(io.BytesIO(encode(lossless, "flat"))).convert("RGB")
    error = ImageStat.Stat(ImageChops.difference(lossless, back)).mean
    assert max(error) < 3.0, error
