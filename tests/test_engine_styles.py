"""Art styles: each one's measurable signature on several occasions, distance between styles,
detection from words, and the page dressed in the style."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from itertools import combinations

import numpy as np
import pytest

import engine.scene.illustrate
import engine.scene.paint
from core.models import Concept, PostcardRequest
from engine import make_concept, render_page, write_content
from engine.reading.moods import art_style_description, find_art_style
from engine.scene.illustrate import draw_illustration
from engine.scene.paint import _falloff
from engine.styles.catalog import STYLES, WATERCOLOUR_PAPER, _bare_margin, _noise
from providers.html_validator import validate_page

# One wish per occasion family: a festival at night, a birthday, Christmas, travel, thanks.
WISHES = (
    "中秋节给远方的爸妈寄一张明信片",
    "A birthday card for my friend Anna",
    "Merry Christmas",
    "Greetings from Kyoto",
    "a calm thank-you card for my team",
)
FESTIVE = WISHES[:3]
SIZE = 256


def concept_for(wish: str) -> Concept:
    return make_concept(
        PostcardRequest(task_id="t", user_input=wish, created_at=datetime(2026, 1, 1, tzinfo=UTC))
    )


def styled(concept: Concept, style: str) -> Concept:
    """The same concept painted in another art style."""
    copy = concept.model_copy(deep=True)
    copy.visual_style.art_style = art_style_description(style)
    return copy


def pixels(concept: Concept, seed: int = 0, size: int = SIZE) -> np.ndarray:
    """The drawing itself, before the file format's encoding (bounded in test_engine.py)."""
    picture = draw_illustration(concept, None, width=size, height=size, seed=seed)
    return np.asarray(picture.convert("RGB"), dtype=np.float32)


def render(wish: str, style: str, seed: int = 0, size: int = SIZE) -> np.ndarray:
    return pixels(styled(concept_for(wish), style), seed, size)


def luma(rgb: np.ndarray) -> np.ndarray:
    return (rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)) / 255


def gradient(rgb: np.ndarray) -> np.ndarray:
    """Per-pixel colour step to the right or below neighbour, summed over channels."""
    across = np.abs(np.diff(rgb, axis=1)).sum(axis=2)[:-1]
    down = np.abs(np.diff(rgb, axis=0)).sum(axis=2)[:, :-1]
    return np.maximum(across, down)


def smooth_share(rgb: np.ndarray) -> float:
    """Share of pixels that differ from their neighbours by almost nothing: flat colour."""
    return float((gradient(rgb) <= 3).mean())


def chroma_spread(rgb: np.ndarray, skip: np.ndarray | None = None) -> float:
    """How far colours wander from one hue (0 for greys or one tint): opponent-channel spread."""
    keep = ~skip if skip is not None else np.ones(rgb.shape[:2], bool)
    rg = (rgb[..., 0] - rgb[..., 1])[keep]
    yb = ((rgb[..., 0] + rgb[..., 1]) / 2 - rgb[..., 2])[keep]
    return float(np.hypot(rg.std(), yb.std()))


def margin(rgb: np.ndarray, share: float = 0.025) -> np.ndarray:
    m = max(2, round(rgb.shape[0] * share))
    edges = (rgb[:m], rgb[-m:], rgb[:, :m], rgb[:, -m:])
    return np.concatenate([edge.reshape(-1, 3) for edge in edges])


def colour_shares(rgb: np.ndarray) -> np.ndarray:
    """Shares of the picture's colours (16 levels a channel), largest first."""
    q = (rgb // 16).astype(np.int32)
    _, counts = np.unique(q[..., 0] * 256 + q[..., 1] * 16 + q[..., 2], return_counts=True)
    return np.sort(counts)[::-1] / q[..., 0].size


def is_red(rgb: np.ndarray) -> np.ndarray:
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return (r > 120) & (r > g * 1.6) & (r > b * 1.5)


@pytest.mark.parametrize("wish", WISHES)
def test_flat_is_smooth_colour_with_gradients(wish: str) -> None:
    rgb = render(wish, "flat")
    assert smooth_share(rgb) > 0.8
    assert len(np.unique(rgb.reshape(-1, 3), axis=0)) > 300  # a gradient sky, not a few inks


@pytest.mark.parametrize("wish", WISHES)
def test_watercolour_leaves_paper_at_the_edge_and_granulates(wish: str) -> None:
    rgb = render(wish, "watercolour")
    assert luma(margin(rgb)).mean() > 0.92  # the wash stops short of the sheet's edge
    assert smooth_share(rgb) < 0.5  # pigment granules and paper grain everywhere
    assert (luma(rgb[40:-40, 40:-40]) > 0.85).mean() < 0.75  # yet the middle is painted


def test_cached_lights_draw_each_card_as_uncached_ones_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The lights' falloff and the vignette are shared between cards; drawing must never
    change them."""
    _falloff.cache_clear()
    for wish in WISHES:
        render(wish, "flat", size=512)
    cached = render(WISHES[0], "flat", size=512)
    assert _falloff.cache_info().hits > 0
    monkeypatch.setattr(engine.scene.paint, "_falloff", _falloff.__wrapped__)
    monkeypatch.setattr(
        engine.scene.illustrate, "_vignette", engine.scene.illustrate._vignette.__wrapped__
    )
    assert np.array_equal(render(WISHES[0], "flat", size=512), cached)


@pytest.mark.parametrize("size", [(512, 512), (300, 200), (31, 17)])
def test_the_bare_margin_on_four_strips_is_the_blend_over_the_whole_sheet(
    size: tuple[int, int],
) -> None:
    """The margin is blended only near the edges; it must equal the formula over every pixel."""
    w, h = size
    wash = np.random.default_rng(7).uniform(0, 255, (h, w, 3)).astype(np.float32)
    ours = wash.copy()
    _bare_margin(ours, random.Random(3))
    rng = random.Random(3)
    wobble, grain = _noise(rng, (w, h), 18), _noise(rng, (w, h), 2)
    ys = np.minimum(np.arange(h), np.arange(h)[::-1])[:, None] / h
    xs = np.minimum(np.arange(w), np.arange(w)[::-1])[None, :] / w
    edge = np.minimum(ys, xs) + 0.025 * wobble
    bare = np.clip((0.05 - edge) / 0.02, 0.0, 1.0).astype(np.float32)[..., None]
    whole = wash + (WATERCOLOUR_PAPER + 4.0 * grain[..., None] - wash) * bare
    assert np.array_equal(ours, whole)
    assert (bare[0, 0] == 1.0).all() and not np.array_equal(ours, wash)  # the corner is paper


@pytest.mark.parametrize("wish", WISHES)
def test_ink_is_monochrome_on_warm_rice_paper_with_a_red_seal(wish: str) -> None:
    rgb = render(wish, "ink")
    seal = is_red(rgb)
    assert 0.0005 < seal.mean() < 0.02
    assert chroma_spread(rgb, skip=seal) < 6.0
    q = (rgb // 8).astype(np.int32)
    codes, counts = np.unique(q.reshape(-1, 3), axis=0, return_counts=True)
    paper = (codes[counts.argmax()] * 8 + 4).astype(np.float32)
    assert luma(paper) > 0.8 and paper[0] > paper[2] + 15  # the commonest tone is warm paper
    assert (luma(rgb) > 0.75).mean() > 0.3  # generous blank space


@pytest.mark.parametrize("wish", WISHES)
def test_papercut_is_flat_layers_in_a_symmetric_cut_frame(wish: str) -> None:
    rgb = render(wish, "papercut")
    assert smooth_share(rgb) > 0.75
    band = round(SIZE * 0.03)
    left, right = rgb[:, :band], rgb[:, -band:][:, ::-1]
    assert np.abs(left - right).mean() < 12  # the frame mirrors left to right
    shadow = luma(rgb[band * 2 : -band * 2, band * 2 : -band * 2])
    assert shadow.std() > 0.05  # layers of different paper, not one sheet
    if wish in FESTIVE:
        assert is_red(rgb).mean() > 0.2  # festival cards are cut from red paper


@pytest.mark.parametrize("wish", WISHES)
def test_retro_is_printed_texture_to_the_edges(wish: str) -> None:
    rgb = render(wish, "retro")
    assert smooth_share(rgb) < 0.05  # halftone and grain: no flat area is left
    assert gradient(rgb).mean() > 35
    assert luma(margin(rgb)).mean() < 0.85  # printed to the edge, not a paper margin


@pytest.mark.parametrize("wish", WISHES)
def test_pixel_is_a_coarse_grid_of_sixteen_colours(wish: str) -> None:
    rgb = render(wish, "pixel")
    assert len(np.unique(rgb.reshape(-1, 3), axis=0)) <= 16
    block = SIZE // 64
    cells = rgb.reshape(64, block, 64, block, 3)
    assert (cells.max(axis=(1, 3)) == cells.min(axis=(1, 3))).all()


def test_pixel_grid_holds_at_full_size() -> None:
    rgb = render(WISHES[0], "pixel", size=1024)
    cells = rgb.reshape(64, 16, 64, 16, 3)
    assert (cells.max(axis=(1, 3)) == cells.min(axis=(1, 3))).all()
    assert len(np.unique(rgb.reshape(-1, 3), axis=0)) <= 16


@pytest.mark.parametrize("wish", WISHES)
def test_lineart_is_paper_with_dark_strokes_and_a_spot_colour(wish: str) -> None:
    rgb = render(wish, "lineart")
    light = luma(rgb)
    assert (light > 0.85).mean() > 0.8
    assert 0.01 < (light < 0.4).mean() < 0.15
    chroma = (rgb.max(axis=2) - rgb.min(axis=2)) / 255
    assert (chroma > 0.3).mean() < 0.15  # colour only as a spot


@pytest.mark.parametrize("wish", WISHES)
def test_minimal_is_one_field_and_few_shapes(wish: str) -> None:
    rgb = render(wish, "minimal")
    shares = colour_shares(rgb)
    assert shares[0] > 0.4 and shares[:6].sum() > 0.95
    assert (gradient(rgb) > 60).mean() < 0.05


def _features(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A colour histogram (4 levels a channel) and a histogram of the edge map's strengths."""
    q = (rgb // 64).astype(np.int32)
    colours = np.bincount((q[..., 0] * 16 + q[..., 1] * 4 + q[..., 2]).ravel(), minlength=64)
    edges = np.histogram(gradient(rgb), bins=[0, 3, 10, 25, 60, 120, 1e9])[0]
    return colours / colours.sum(), edges / edges.sum()


def _distance(a: np.ndarray, b: np.ndarray) -> float:
    (ca, ea), (cb, eb) = _features(a), _features(b)
    return float(np.abs(ca - cb).sum() / 2 + np.abs(ea - eb).sum() / 2)


@pytest.mark.parametrize("wish", [WISHES[0], WISHES[2], WISHES[3]])
def test_the_eight_styles_of_one_wish_are_far_apart(wish: str) -> None:
    concept = concept_for(wish)
    renders = {style: [pixels(styled(concept, style), seed) for seed in (0, 1)] for style in STYLES}
    within = {style: _distance(*pair) for style, pair in renders.items()}
    for a, b in combinations(STYLES, 2):
        between = _distance(renders[a][0], renders[b][0])
        assert between > 0.25, (a, b, between)
        assert between > 2.5 * max(within[a], within[b]), (a, b, between, within[a], within[b])


@pytest.mark.parametrize(
    ("text", "style"),
    [
        ("水墨风的中秋贺卡", "ink"),
        ("国风山水画", "ink"),
        ("a sumi-e card for my teacher", "ink"),
        ("剪纸风格的春节卡片", "papercut"),
        ("窗花", "papercut"),
        ("kirigami christmas card", "papercut"),
        ("水彩晕染的生日卡", "watercolour"),
        ("aquarelle wedding card", "watercolour"),
        ("复古海报", "retro"),
        ("a risograph halftone print", "retro"),
        ("像素风生日卡", "pixel"),
        ("8-bit birthday card, retro game style", "pixel"),
        ("线稿风格", "lineart"),
        ("a line art thank-you card, pen and ink", "lineart"),
        ("留白极简", "minimal"),
        ("扁平插画", "flat"),
        ("墨绿色的卡片", None),
    ],
)
def test_style_words_in_zh_and_en(text: str, style: str | None) -> None:
    assert find_art_style(text.lower()) == style


def test_each_style_description_reads_back_as_that_style() -> None:
    for style in STYLES:
        assert find_art_style(art_style_description(style).lower()) == style


@pytest.mark.parametrize("style", STYLES)
def test_the_style_field_steers_picture_and_page(style: str) -> None:
    request = PostcardRequest(
        task_id="t",
        user_input=WISHES[0],
        style=style,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    concept = make_concept(request)
    assert find_art_style(concept.visual_style.art_style.lower()) == style
    page = render_page(concept, write_content(request, concept), "/blobs/card.png")
    assert validate_page(page, "/blobs/card.png") == []
    assert f'data-style="{style}"' in page


def test_the_page_wears_the_style() -> None:
    concept = concept_for(WISHES[0])
    request = PostcardRequest(
        task_id="t", user_input=WISHES[0], created_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    content = write_content(request, concept)
    ink = render_page(styled(concept, "ink"), content, "card.png")
    pixel = render_page(styled(concept, "pixel"), content, "card.png")
    minimal = render_page(styled(concept, "minimal"), content, "card.png")
    assert "Kaiti" in ink and "--entrance: inkspread" in ink and "--paper: #F" in ink
    assert "monospace" in pixel and "--entrance: pixelin" in pixel
    assert '"particles": []' in minimal
