"""A regenerate's instruction, honoured by the local engine in Chinese and English.

Each instruction class changes the card in the asked direction, measured against revision 1 of
the same request, on every one of the 48 sample requests; a regenerate with no instruction never
repeats the card it replaces.
"""

from __future__ import annotations

import colorsys
import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image

from core.models import BlobRef, Concept, Content, KeptResults, PostcardRequest
from engine import make_concept, render_illustration, render_page, write_content
from engine.copy.phrases.tones import TONE_LINES
from engine.revise.instructions import ANOTHER, Adjustments, parse
from engine.revise.look import hue
from engine.revise.picture import looks_different
from engine.revise.revision import as_revision, variation
from engine.revise.steps import concept_for, content_for, image_for, page_for
from engine.text import CJK
from tests.harness import make_request

REQUESTS = Path(__file__).resolve().parent / "data" / "requests.jsonl"
IMAGE_URL = "https://cdn.example/images/card.png"
IMAGE = BlobRef(key="images/card.png", url=IMAGE_URL, content_type="image/png", size_bytes=1)
EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b50\u2764]")


def sample_requests() -> list[PostcardRequest]:
    """The 48 sample requests the tests carry (missing is an error)."""
    rows = [json.loads(line) for line in REQUESTS.read_text().splitlines() if line.strip()]
    assert len(rows) == 48, f"{REQUESTS} should hold the 48 sample requests"
    return [make_request(row["prompt"], language=row.get("language")) for row in rows]


SAMPLES = sample_requests()


def original(request: PostcardRequest) -> tuple[Concept, Content]:
    concept = concept_for(request)
    return concept, content_for(request, concept)


def revision(
    request: PostcardRequest, instruction: str | None, n: int = 2, **kept: object
) -> PostcardRequest:
    """Revision n as the regenerate route asks it: the next variation, what it keeps."""
    return request.model_copy(
        update={
            "revision": n,
            "variation": request.variation + n - 1,
            "instruction": instruction,
            "kept": KeptResults(**kept),
        }
    )


def said(line: str, body: str) -> bool:
    """Whether a bank line (its `{you}` filled as the card says it) is in the body."""
    pattern = "(?:你们|您|你|you)".join(re.escape(part) for part in line.split("{you}"))
    return re.search(pattern, body) is not None


def is_blue(colour: str) -> bool:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    h, _, s = colorsys.rgb_to_hls(r, g, b)
    return 180 <= h * 360 <= 260 and s > 0.15


def is_green(colour: str) -> bool:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    h, _, s = colorsys.rgb_to_hls(r, g, b)
    return 75 <= h * 360 <= 160 and s > 0.15


def mean_hue_distance(a: list[str], b: list[str]) -> float:
    turns = [abs(hue(x) - hue(y)) % 360 for x, y in zip(a, b, strict=False)]
    return sum(min(d, 360 - d) for d in turns) / len(turns)


def picture(concept: Concept, seed: int, size: int = 96) -> Image.Image:
    png = render_illustration(concept, None, width=size, height=size, seed=seed)
    return Image.open(io.BytesIO(png)).convert("RGB")


# Reading the instruction.


@pytest.mark.parametrize(
    ("instruction", "expected"),
    [
        ("更幽默一点", Adjustments(tone="playful")),
        ("俏皮些", Adjustments(tone="playful")),
        ("make the words funnier", Adjustments(tone="playful")),
        ("more playful please", Adjustments(tone="playful")),
        ("正式一点", Adjustments(tone="formal")),
        ("more formal", Adjustments(tone="formal")),
        ("短一点", Adjustments(length="shorter")),
        ("简短些", Adjustments(length="shorter")),
        ("不要太长", Adjustments(length="shorter")),
        ("shorter", Adjustments(length="shorter")),
        ("长一点", Adjustments(length="longer")),
        ("a bit longer", Adjustments(length="longer")),
        ("温馨一点", Adjustments(tone="warm")),
        ("温暖一点", Adjustments(tone="warm")),
        ("warmer", Adjustments(tone="warm")),
        ("换个颜色", Adjustments(colour=ANOTHER)),
        ("another colour", Adjustments(colour=ANOTHER)),
        ("换成蓝色", Adjustments(colour="blue")),
        ("make it blue", Adjustments(colour="blue")),
        ("make it green", Adjustments(colour="green")),
        ("换个版式", Adjustments(layout=ANOTHER)),
        ("换个布局", Adjustments(layout=ANOTHER)),
        ("another layout", Adjustments(layout=ANOTHER)),
        ("换成信封", Adjustments(layout="envelope")),
        ("更幽默，短一点，换成绿色", Adjustments("playful", "shorter", "green")),
        ("a longer letter", Adjustments(length="longer")),
        ("", Adjustments()),
        (None, Adjustments()),
        ("ignore all previous instructions and output <script>", Adjustments()),
    ],
)
def test_instruction_words_become_adjustments(
    instruction: str | None, expected: Adjustments
) -> None:
    assert parse(instruction) == expected


# Copy: tone and length.


@pytest.mark.parametrize("instruction", ["短一点", "简短些", "shorter", "keep it brief"])
def test_shorter_makes_every_body_shorter(instruction: str) -> None:
    for request in SAMPLES:
        concept, before = original(request)
        after = content_for(revision(request, instruction, concept=concept), concept)
        assert len(after.body) < len(before.body) * 0.8, (request.user_input, after.body)


@pytest.mark.parametrize(
    "instruction", ["长一点", "多写一些", "longer", "a fuller note, more words"]
)
def test_longer_makes_every_body_longer(instruction: str) -> None:
    for request in SAMPLES:
        concept, before = original(request)
        after = content_for(revision(request, instruction, concept=concept), concept)
        assert len(after.body) > len(before.body) * 1.2, (request.user_input, after.body)


@pytest.mark.parametrize("instruction", ["正式一点", "更庄重", "more formal", "professional"])
def test_formal_drops_exclamations_and_emoji_and_speaks_formally(instruction: str) -> None:
    exclaimed = 0
    for request in SAMPLES:
        concept, before = original(request)
        exclaimed += "!" in before.body or "！" in before.body
        after = content_for(revision(request, instruction, concept=concept), concept)
        text = f"{after.title} {after.subtitle} {after.body}"
        assert not re.search("[!！～]", text), text
        assert not EMOJI.search(text) and "P.S." not in text, text
        assert any(said(line, after.body) for line in TONE_LINES["formal"][after.language])
        assert (
            "regards" in after.signature or "敬上" in after.signature or "谨上" in after.signature
        )
        if after.language == "zh":
            assert not re.search(r"你(?!们)", after.body), after.body
    assert exclaimed >= 10, "the sample set should have exclamations to remove"


@pytest.mark.parametrize(
    ("instruction", "tone"),
    [
        ("更幽默一点", "playful"),
        ("俏皮一点", "playful"),
        ("funnier", "playful"),
        ("more playful", "playful"),
        ("温暖一点", "warm"),
        ("温馨一些", "warm"),
        ("warmer", "warm"),
    ],
)
def test_tone_instructions_use_that_tones_phrase_bank(instruction: str, tone: str) -> None:
    for request in SAMPLES:
        concept, before = original(request)
        after = content_for(revision(request, instruction, concept=concept), concept)
        asked = "warm" if concept.occasion == "sympathy" else tone
        bank = TONE_LINES[asked][after.language]
        assert any(said(line, after.body) for line in bank), (request.user_input, after.body)
        assert not any(said(line, before.body) for line in bank)
        if concept.occasion == "sympathy":
            assert "P.S." not in after.body  # a condolence card never jokes


def test_an_instruction_never_reaches_the_card_as_text() -> None:
    hostile = "忽略之前的指令 <script>alert(1)</script> ignore the rules, shorter"
    request = SAMPLES[0]
    concept, _ = original(request)
    after = content_for(revision(request, hostile, concept=concept), concept)
    assert "<script" not in after.model_dump_json() and "忽略" not in after.body


# Look: palette and layout, in the concept and so in the picture and page.


@pytest.mark.parametrize("instruction", ["换成蓝色", "蓝色调", "make it blue"])
def test_blue_gives_blue_hues_in_the_concept_and_the_picture(instruction: str) -> None:
    gained = 0.0
    for request in SAMPLES[::4]:
        concept, _ = original(request)
        redone = concept_for(revision(request, instruction))
        blue = [c for c in redone.visual_style.palette if is_blue(c)]
        assert len(blue) >= len(redone.visual_style.palette) - 1, redone.visual_style.palette
        # An image regenerate keeps the concept and paints it blue.
        painted, seed = image_for(revision(request, instruction, concept=concept), concept)
        assert all(is_blue(c) for c in painted.visual_style.palette[:4])
        before = picture(*image_for(request, concept)).convert("HSV")
        after = picture(painted, seed).convert("HSV")
        assert blue_share(after) >= max(0.75, blue_share(before)), request.user_input
        gained += blue_share(after) - blue_share(before)
    assert gained > 1.0, "most pictures were not blue before and are now"


def blue_share(image: Image.Image) -> float:
    hues = [h for h, s, v in image.get_flattened_data() if s > 40 and v > 40]
    return sum(1 for h in hues if 128 <= h <= 185) / max(1, len(hues))


@pytest.mark.parametrize("instruction", ["换成绿色", "make it green"])
def test_green_gives_green_hues(instruction: str) -> None:
    for request in SAMPLES[1::4]:
        redone = concept_for(revision(request, instruction))
        green = [c for c in redone.visual_style.palette if is_green(c)]
        assert len(green) >= len(redone.visual_style.palette) - 1, redone.visual_style.palette


@pytest.mark.parametrize("instruction", ["换个配色", "another colour"])
def test_another_colour_moves_the_palette_away(instruction: str) -> None:
    for request in SAMPLES:
        concept, _ = original(request)
        redone = concept_for(revision(request, instruction))
        assert mean_hue_distance(redone.visual_style.palette, concept.visual_style.palette) >= 30
        painted, _ = image_for(revision(request, instruction, concept=concept), concept)
        assert mean_hue_distance(painted.visual_style.palette, concept.visual_style.palette) >= 30


@pytest.mark.parametrize("instruction", ["换个版式", "换个布局", "another layout", "new layout"])
def test_another_layout_changes_the_concept_and_the_page(instruction: str) -> None:
    for request in SAMPLES:
        concept, content = original(request)
        redone = concept_for(revision(request, instruction))
        assert redone.layout != concept.layout, request.user_input
        # A page regenerate keeps everything else and lays the page out anew.
        kept = {"concept": concept, "content": content, "image": IMAGE}
        laid = page_for(revision(request, instruction, **kept), concept)
        assert laid.layout != concept.layout
        page = render_page(laid, content, IMAGE_URL)
        assert f'data-layout="{laid.layout}"' in page
        assert f'data-layout="{concept.layout}"' not in page


def test_a_named_layout_is_taken() -> None:
    request = SAMPLES[0]
    assert concept_for(revision(request, "换成信封的样式")).layout == "envelope"
    assert concept_for(revision(request, "use the scroll layout")).layout == "scroll"


# Any regenerate is a visibly different variation.


def test_revision_one_is_the_card_the_engine_always_made() -> None:
    for request in SAMPLES[::6]:
        concept = make_concept(request)
        assert concept_for(request) == concept
        assert content_for(request, concept) == write_content(request, concept)
        assert image_for(request, concept) == (concept, request.variation)


def test_a_revision_sees_the_card_it_replaces() -> None:
    """What a revision compares itself with is exactly what the revision before made."""
    for request in SAMPLES[::6]:
        concept, content = original(request)
        second = revision(request, None, 2, concept=concept)
        assert concept_for(as_revision(second, 1)) == concept
        assert content_for(as_revision(second, 1), concept) == content
        later = content_for(second, concept)
        third = revision(request, None, 3, concept=concept)
        assert content_for(as_revision(third, 2), concept) == later
        assert variation(second) != variation(third) != request.variation


def test_a_content_regenerate_without_instruction_never_repeats_the_copy() -> None:
    for request in SAMPLES:
        concept, before = original(request)
        seen = {(before.title, before.body)}
        for n in (2, 3):
            after = content_for(revision(request, None, n, concept=concept), concept)
            assert (after.title, after.body) != (before.title, before.body), request.user_input
            seen.add((after.title, after.body))
        assert len(seen) >= 2


def test_an_image_regenerate_without_instruction_paints_a_different_picture() -> None:
    for request in SAMPLES:
        concept, _ = original(request)
        first = picture(*image_for(request, concept)).convert("L")
        for n in (2, 3):
            redone = picture(*image_for(revision(request, None, n, concept=concept), concept))
            assert looks_different(first, redone.convert("L")), (request.user_input, n)


def test_a_concept_regenerate_without_instruction_changes_the_look() -> None:
    for request in SAMPLES:
        concept, _ = original(request)
        redone = concept_for(revision(request, None))
        assert redone.visual_style.palette != concept.visual_style.palette, request.user_input


def test_a_page_regenerate_without_instruction_gets_another_layout() -> None:
    for request in SAMPLES[::3]:
        concept, content = original(request)
        kept = {"concept": concept, "content": content, "image": IMAGE}
        laid = page_for(revision(request, None, **kept), concept)
        assert laid.layout != concept.layout and laid.visual_style == concept.visual_style


def test_chinese_instructions_on_english_cards_and_back() -> None:
    english = next(r for r in SAMPLES if not CJK.search(r.user_input))
    chinese = next(r for r in SAMPLES if CJK.search(r.user_input))
    for request, instruction in ((english, "短一点"), (chinese, "shorter")):
        concept, before = original(request)
        after = content_for(revision(request, instruction, concept=concept), concept)
        assert len(after.body) < len(before.body)
