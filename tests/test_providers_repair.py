"""Lenient repair of structured replies: colours, enums, lengths, extraction and defaults."""

from __future__ import annotations

import json

import pytest

from core.models import Concept, Content
from engine.concept.make import make_concept
from engine.copy.writer import write_content
from providers.colours import colours_in, repair_palette
from providers.gemini_text import parse_reply
from providers.repair import extract_json, repair_concept, repair_content
from tests.harness import make_request


def test_colour_names_in_chinese_and_css_become_hex() -> None:
    assert repair_palette(["粉色与金色", "pink", "#F4A6B5"]) == ["#F4A6B5", "#D4AF37", "#FFC0CB"]
    assert colours_in("soft pink and gold") == ["#FFC0CB", "#FFD700"]
    assert colours_in("Light Coral") == ["#F08080"]
    assert colours_in("#abc") == ["#AABBCC"]
    assert colours_in("rgb(10, 20, 300)") == ["#0A14FF"]
    assert colours_in("酒红色") == ["#8E1B3A"]
    assert colours_in("moonlight") == []


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1}',
        '```json\n{"a": 1}\n```',
        'Here is the concept:\n```\n{"a": 1}\n```\nHope it helps!',
        'Sure. {"a": 1} Let me know if you need changes.',
    ],
)
def test_json_is_pulled_out_of_fences_and_prose(text: str) -> None:
    assert extract_json(text) == {"a": 1}


def test_unusable_text_still_fails_with_a_json_error() -> None:
    with pytest.raises(json.JSONDecodeError):
        extract_json('{"theme": "cut off at the tok')
    with pytest.raises(ValueError):
        extract_json("   ")


def test_concept_is_repaired_and_completed_from_the_occasion_defaults() -> None:
    request = make_request("a wedding card for Mia and Sam")
    defaults = make_concept(request.model_copy(update={"theme": "wedding"}))
    reply = {
        "theme": "Two hearts, one road " * 20,
        "occasion": "Wedding",
        "layout": " ENVELOPE ",
        "visual_style": {"palette": ["ivory"], "text_area": "Top", "brush": "x"},
        "unknown": 1,
    }
    filled: list[str] = []
    concept = Concept.model_validate(repair_concept(reply, defaults, filled))

    assert len(concept.theme) <= 200 and concept.theme.startswith("Two hearts")
    assert concept.occasion == "wedding" and concept.layout == "envelope"
    assert concept.visual_style.text_area == "top"
    assert concept.visual_style.palette[0] == "#FFFFF0" and len(concept.visual_style.palette) == 3
    assert concept.visual_style.composition == defaults.visual_style.composition
    assert concept.tone == defaults.tone and concept.emotion == defaults.emotion
    assert {"tone", "emotion", "visual_style.composition", "visual_style.palette"} <= set(filled)
    assert not {"theme", "occasion", "layout", "visual_style.text_area"} & set(filled)


def test_content_without_its_body_stays_invalid() -> None:
    request = make_request("生日快乐")
    defaults = write_content(request, make_concept(request))
    repaired = repair_content({"title": "生日快乐", "subtitle": "x" * 500}, defaults)
    assert len(repaired["subtitle"]) == 160 and "body" not in repaired
    with pytest.raises(ValueError):
        parse_reply(
            Content, json.dumps({"title": "生日快乐"}), lambda d, f: repair_content(d, defaults, f)
        )
    content, filled = parse_reply(
        Content,
        '{"title": "<b>Hi</b>", "body": "Happy day"}',
        lambda d, f: repair_content(d, defaults, f),
    )
    assert content.title == "Hi" and content.signature == defaults.signature
    assert filled == [], "only optional fields were completed"
