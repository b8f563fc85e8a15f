"""Places: each is found from its zh and en names, drawn with its landmark and named in the copy."""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from cli.main import app
from core.models import Concept, Content, PostcardRequest
from engine import make_concept, render_illustration, write_content
from engine.concept.profiles import PROFILES
from engine.landmarks.painters import LANDMARK_PAINTERS
from engine.reading.places import PLACES, Place, find_place
from engine.scene.paint import Canvas, Roles
from engine.styles.catalog import STYLES

SKY_LANDMARKS = {"aurora"}


def card(text: str) -> tuple[Concept, Content]:
    request = PostcardRequest(
        task_id="t", user_input=text, created_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    concept = make_concept(request)
    return concept, write_content(request, concept)


def words(content: Content) -> str:
    return " ".join((content.title, content.subtitle, content.body)).lower()


def picture(concept: Concept) -> np.ndarray:
    png = render_illustration(concept, None, width=192, height=192)
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.float32)


def test_there_are_thirty_places_each_with_its_own_landmark() -> None:
    assert len(PLACES) >= 30
    assert len({place.landmark for place in PLACES}) == len(PLACES)
    assert {place.landmark for place in PLACES} <= LANDMARK_PAINTERS.keys()


@pytest.mark.parametrize("place", PLACES, ids=lambda place: place.key)
def test_place_is_found_in_english_and_drawn_and_named(place: Place) -> None:
    concept, content = card(f"Greetings from {place.en}!")
    assert concept.occasion == "travel"
    assert concept.visual_style.motifs[:2] == [place.landmark, place.scene]
    assert place.en.lower() in words(content)
    assert place.en in concept.theme


@pytest.mark.parametrize("place", PLACES, ids=lambda place: place.key)
def test_place_is_found_in_chinese_and_named_in_chinese(place: Place) -> None:
    concept, content = card(f"从{place.zh}寄给你的明信片")
    assert content.language == "zh"
    assert concept.visual_style.motifs[0] == place.landmark
    assert place.zh in words(content)


@pytest.mark.parametrize("place", PLACES, ids=lambda place: place.key)
def test_the_landmark_changes_the_picture(place: Place) -> None:
    concept, _ = card(f"Greetings from {place.en}")
    without = concept.model_copy(deep=True)
    without.visual_style.motifs = without.visual_style.motifs[1:]
    difference = np.abs(picture(concept) - picture(without)).sum(axis=2) > 30
    assert difference.mean() > 0.02, place.key


@pytest.mark.parametrize(
    "name", sorted(set(LANDMARK_PAINTERS) - SKY_LANDMARKS), ids=lambda name: name
)
def test_a_landmark_paints_a_solid_shape_within_its_box(name: str) -> None:
    roles = Roles.from_palette(["#DDEEFF", "#F7FBFF", "#7FA37A", "#D0533E", "#FFD37A", "#4A6B8A"])
    canvas = Canvas(200, 200, roles, random.Random(1), "flat", "top")
    before = np.asarray(canvas.image, dtype=np.float32).copy()
    LANDMARK_PAINTERS[name](canvas, 100.0, 180.0, 100.0)
    changed = np.abs(np.asarray(canvas.image, dtype=np.float32) - before).sum(axis=2) > 20
    assert changed.mean() > 0.03  # a shape you can see, not a speck
    rows = np.flatnonzero(changed.any(axis=1))
    assert rows.min() >= 180 - 125  # no taller than the box the illustrator makes room for


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Christmas postcard from Paris, snowy and cozy", "paris"),
        ("西湖的春天", "west_lake"),
        ("生日快乐！我在东京想你", "tokyo"),
        ("a trip to the Great Wall with grandpa", "great_wall"),
        ("thank you from all of us in Singapore", "singapore"),
    ],
)
def test_a_place_in_any_wish_brings_its_landmark_and_a_line(text: str, key: str) -> None:
    place = find_place(text.lower())
    assert place is not None and place.key == key
    concept, content = card(text)
    assert concept.visual_style.motifs[0] == place.landmark
    name = place.zh if content.language == "zh" else place.en.lower()
    assert name in words(content)


def test_christmas_from_paris_stays_a_christmas_card() -> None:
    concept, _ = card("Christmas postcard from Paris, snowy and cozy")
    assert concept.occasion == "christmas" and "Paris" in concept.theme


@pytest.mark.parametrize(
    ("text", "name"),
    [("Greetings from Lisbon", "lisbon"), ("从大理寄给你的明信片，洱海和苍山", "大理")],
)
def test_an_unknown_place_falls_back_to_the_travel_scene(text: str, name: str) -> None:
    assert find_place(text.lower()) is None
    concept, content = card(text)
    assert concept.occasion == "travel"
    assert not set(concept.visual_style.motifs) & LANDMARK_PAINTERS.keys()
    assert set(concept.visual_style.motifs) & set(PROFILES["travel"].scenes)
    assert name in words(content)


def test_words_that_only_look_like_places_are_not_places() -> None:
    for text in ("a pink panda birthday card", "墨绿色的卡片", "roman holiday vibes", "room 101"):
        assert find_place(text) is None, text


def test_sample_command_draws_the_style_and_place_sheets(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["sample", "--styles", "--places", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    styles, places = Image.open(tmp_path / "styles.png"), Image.open(tmp_path / "places.png")
    assert styles.width > styles.height and places.width >= 1000
    assert len(list(tmp_path.glob("s[1-3]-*.html"))) == 3 * len(STYLES)
    # Each place card's picture: JPEG for painted styles, PNG for pixel art.
    pictures = [*tmp_path.glob("p[0-9][0-9]-*.jpg"), *tmp_path.glob("p[0-9][0-9]-*.png")]
    assert len(pictures) == 12
    assert not (tmp_path / "sheet.png").exists()  # only the sheets that were asked for
