"""A revision's picture: another composition of a kept concept, never the picture before."""

from __future__ import annotations

import io

from PIL import Image, ImageChops

from core.models import Concept, PostcardRequest
from engine.concept.make import HEROES, SCENES
from engine.concept.profiles import PROFILES
from engine.reading.moods import find_motifs
from engine.reading.occasions import canonical_occasion
from engine.reading.places import find_place
from engine.revise.instructions import Adjustments, parse
from engine.revise.look import look
from engine.revise.revision import kept_concept, original_variation, revision_rng, variation
from engine.scene.illustrate import render_illustration
from engine.text import normalise

_SKETCH = 96
_PIXEL_STEP = 24
_CHANGED_SHARE = 0.04
_ATTEMPTS = 6


def _asked_motifs(request: PostcardRequest) -> set[str]:
    """The motifs the wish itself names (and its place's landmark and scene)."""
    text = normalise(request.user_input).lower()
    asked = set(find_motifs(text))
    place = find_place(text)
    if place:
        asked |= {place.landmark, place.scene}
    return asked


def _recompose(request: PostcardRequest, concept: Concept) -> Concept:
    """Another composition of a kept concept: the next focal motif and scene, where the wish
    did not ask for the one it has (a seed alone may leave the picture nearly the same)."""
    motifs = list(concept.visual_style.motifs)
    asked = _asked_motifs(request)
    turn = request.revision - 1
    heroes = [m for m in motifs if m in HEROES and m not in SCENES]
    if heroes and heroes[0] not in asked and len(heroes) > 1:
        hero = heroes[turn % len(heroes)]
        motifs = [hero, *(m for m in motifs if m != hero)]
    profile = PROFILES.get(canonical_occasion(concept.occasion))
    scenes = [m for m in motifs if m in SCENES]
    if profile and scenes and scenes[0] not in asked and len(profile.scenes) > 1:
        options = [s for s in profile.scenes if s != scenes[0]]
        scene = options[turn % len(options)]
        motifs = [scene if m == scenes[0] else m for m in motifs]
    style = concept.visual_style.model_copy(update={"motifs": motifs})
    return concept.model_copy(update={"visual_style": style})


def _painted(request: PostcardRequest, concept: Concept) -> tuple[Concept, int]:
    """The concept and seed of this revision's picture, before any check against the last."""
    adjust = parse(request.instruction)
    if kept_concept(request) and request.revision > 1:
        concept = _recompose(request, concept)
        if adjust.colour:
            concept = look(
                concept, Adjustments(colour=adjust.colour), revision_rng(request, "look")
            )
    return concept, variation(request)


def _earlier(request: PostcardRequest, revision: int) -> PostcardRequest:
    """This request as an earlier revision of the same postcard asked it (its own instruction
    unknown, so none)."""
    base = original_variation(request)
    return request.model_copy(
        update={"revision": revision, "variation": base + revision - 1, "instruction": None}
    )


def _sketch(concept: Concept, seed: int) -> Image.Image:
    png = render_illustration(concept, None, width=_SKETCH, height=_SKETCH, seed=seed)
    return Image.open(io.BytesIO(png)).convert("L")


def looks_different(a: Image.Image, b: Image.Image) -> bool:
    """Whether two pictures differ visibly: enough of their pixels changed clearly."""
    changed = ImageChops.difference(a, b).point(lambda v: 255 if v > _PIXEL_STEP else 0)
    return changed.histogram()[255] >= _CHANGED_SHARE * a.width * a.height


def image_for(request: PostcardRequest, concept: Concept) -> tuple[Concept, int]:
    """Step 3: the concept to paint and the seed.

    A revision that keeps its concept paints another composition of it, in the colour asked,
    with a seed whose small sketch differs visibly from the first revision's and the last's (a
    sparse style with an asked motif has few choices left, and a seed alone can repeat one)."""
    painted, seed = _painted(request, concept)
    if request.revision <= 1 or not kept_concept(request):
        return painted, seed
    befores = [_sketch(*_painted(_earlier(request, n), concept)) for n in {1, request.revision - 1}]
    for bump in range(_ATTEMPTS):
        sketch = _sketch(painted, seed + bump)
        if all(looks_different(before, sketch) for before in befores):
            return painted, seed + bump
    return painted, seed
