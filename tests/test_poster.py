"""Posters: every sample request and the longest possible copy fit, legibly, inside the image."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from core.models import Content, PostcardRequest
from engine import make_concept, render_illustration, write_content
from engine.copy.linebreak import NO_LINE_END, NO_LINE_START, clean, wrap
from engine.page.poster import BLOCKS, MARGIN, TARGET_HEIGHT, WIDTH, Poster, render_poster
from engine.page.poster_fonts import PosterFontMissing, find_fonts

DATA = Path(__file__).parent / "data"
FLOORS = {block.role: block.floor for block in BLOCKS}


def sample_requests() -> list[dict[str, str]]:
    lines = (DATA / "requests.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def longest_copy() -> dict[str, Content]:
    raw = json.loads((DATA / "longest_copy.json").read_text(encoding="utf-8"))
    return {name: Content.model_validate(fields) for name, fields in raw.items()}


def picture(width: int = 1024, height: int = 1024) -> bytes:
    out = io.BytesIO()
    Image.linear_gradient("L").convert("RGB").resize((width, height)).save(out, "PNG")
    return out.getvalue()


def assert_fits(poster: Poster, content: Content) -> None:
    """Every line inside its block, every block inside the image, nothing left out or shrunk
    below its floor, blocks in order without overlapping."""
    image = Image.open(io.BytesIO(poster.png))
    assert image.format == "PNG" and image.size == (WIDTH, poster.height)
    assert poster.boxes and poster.boxes[0].role == "title"
    previous_bottom = 0
    for box in poster.boxes:
        left, top, right, bottom = box.box
        assert 0 <= left < right <= WIDTH and 0 <= top < bottom <= poster.height, box.role
        assert top >= previous_bottom, f"{box.role} overlaps the block above it"
        previous_bottom = bottom
        assert box.font_size >= FLOORS[box.role], box.role
        for line in box.lines:
            l_left, l_top, l_right, l_bottom = line.box
            assert l_right - l_left <= right - left, (box.role, line.text)
            assert left <= l_left and l_right <= right, (box.role, line.text, line.box, box.box)
            assert top <= l_top and l_bottom <= bottom, (box.role, line.text, line.box, box.box)
        drawn = "".join(line.text for line in box.lines)
        wanted = clean(getattr(content, box.role))
        assert drawn.replace(" ", "") == wanted.replace(" ", "").replace("\n", ""), box.role
    roles = [box.role for box in poster.boxes]
    assert roles == [b.role for b in BLOCKS if getattr(content, b.role).strip()]


def test_every_sample_request_makes_a_poster_that_fits() -> None:
    rows = sample_requests()
    assert len(rows) == 48
    for number, row in enumerate(rows):
        request = PostcardRequest(
            task_id=f"poster-{number}",
            user_input=row["prompt"],
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        concept = make_concept(request)
        content = write_content(request, concept)
        # The layout does not depend on the picture's size; a smaller one keeps the test quick.
        image = render_illustration(concept, content, width=512, height=512)
        poster = render_poster(image, content)
        assert_fits(poster, content)
        assert poster.height <= TARGET_HEIGHT, (row["prompt"], poster.height)
        title = poster.boxes[0]
        assert title.font_size >= 60, "a sample card's title keeps a large size"


@pytest.mark.parametrize("name", ["zh", "en", "unbroken"])
def test_the_longest_copy_a_model_may_write_fits(name: str) -> None:
    content = longest_copy()[name]
    assert len(content.title) == 80 and len(content.body) == 1200
    assert len(content.subtitle) == 160 and len(content.signature) == 120
    poster = render_poster(picture(), content)
    assert_fits(poster, content)
    assert poster.height > TARGET_HEIGHT, "long copy grows the poster instead of overflowing"
    assert all(box.font_size == FLOORS[box.role] for box in poster.boxes)


def test_a_wide_or_tall_illustration_keeps_the_width_and_crops_the_height() -> None:
    content = longest_copy()["en"].model_copy(update={"body": "Short and sweet."})
    wide = render_poster(picture(1600, 400), content)
    tall = render_poster(picture(400, 1600), content)
    assert_fits(wide, content)
    assert_fits(tall, content)
    assert wide.boxes[0].box[1] == round(400 * WIDTH / 1600) + MARGIN
    assert tall.boxes[0].box[1] == 1350 + MARGIN


def test_chinese_wraps_between_characters_and_keeps_punctuation_with_its_word() -> None:
    text = "愿你三冬暖，愿你春不寒。「天黑有灯」，下雨有伞！" * 4
    lines = wrap(text, 7, len)
    assert all(len(line) <= 7 for line in lines)
    assert "".join(lines) == text
    assert not any(line[0] in NO_LINE_START for line in lines)
    assert not any(line[-1] in NO_LINE_END for line in lines)


def test_latin_wraps_between_words_and_cuts_only_a_word_longer_than_the_line() -> None:
    lines = wrap("happy birthday to you, dear Anna supercalifragilistic", 12, len)
    assert lines == ["happy", "birthday to", "you, dear", "Anna", "supercalifra", "gilistic"]
    assert wrap("第一段\n\nsecond paragraph", 20, len) == ["第一段", "", "second paragraph"]


MIXED = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("你好世界愿岁月温柔，。！？、「」（）《》“”…—\n  ")),
        st.characters(codec="utf-8"),
    ),
    max_size=400,
)


@given(MIXED, st.integers(min_value=1, max_value=40))
def test_no_wrapped_line_is_wider_than_the_line_and_nothing_is_lost(text: str, width: int) -> None:
    lines = wrap(text, width, len)
    assert all(len(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == clean(text).replace(" ", "").replace("\n", "")


def test_characters_the_font_cannot_draw_are_left_out() -> None:
    content = Content(title="生日快乐🎂", body="Have a 🎉 great day ♥", language="zh")
    poster = render_poster(picture(), content)
    texts = {box.role: "".join(line.text for line in box.lines) for box in poster.boxes}
    assert texts == {"title": "生日快乐", "body": "Have a great day ♥"}


def test_a_missing_font_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(PosterFontMissing, match="fonts-noto-cjk") as raised:
        find_fonts("zh", dirs=[tmp_path])
    assert str(tmp_path) in str(raised.value)
