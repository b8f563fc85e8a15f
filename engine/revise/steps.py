"""A regenerate's revision of each step: a fresh take, steered by the instruction.

A regenerate is a new run of the same request with the next `revision` and an optional
`instruction`. Each step here makes the card as the engine would, with a variation derived from
the revision (so a regenerate never repeats the card it replaces), then applies what the
instruction asks for where it belongs: tone and length in the copy, palette and layout in the
concept, and so in the picture and the page. When a step runs on a concept an earlier revision
kept, the palette and layout asks are applied to that concept for the picture and the page.
"""

from __future__ import annotations

from core.models import Concept, Content, PostcardRequest
from engine.concept.make import make_concept
from engine.copy.writer import write_content
from engine.reading.occasions import canonical_occasion
from engine.revise.copy import steer_copy
from engine.revise.instructions import Adjustments, parse
from engine.revise.look import look
from engine.revise.picture import image_for
from engine.revise.revision import as_revision, kept_concept, revision_rng

_COPY_TONE = {
    "playful": "playful and funny, with a wink of humour",
    "formal": "courteous, formal and professional",
    "warm": "warm, heartfelt and tender",
}
_ATTEMPTS = 6


def _voice_of(concept: Concept, adjust: Adjustments) -> Concept:
    """The concept with the asked tone, as the copywriter reads it."""
    if not adjust.tone and not adjust.length:
        return concept
    tone = adjust.tone or concept.tone
    if tone == "playful" and canonical_occasion(concept.occasion) == "sympathy":
        tone = "warm"  # a condolence card is never made to joke; it gets warmer instead
    direction = concept.copy_direction
    if adjust.tone:
        direction = f"{_COPY_TONE[tone].capitalize()}; " + direction.split(";", 1)[-1].strip()
    if adjust.length:
        direction += "; keep it brief" if adjust.length == "shorter" else "; write a fuller note"
    return concept.model_copy(update={"tone": tone, "copy_direction": direction[:400]})


def concept_for(request: PostcardRequest) -> Concept:
    """Step 1 of any revision: a fresh concept, with the instruction's tone, palette, layout."""
    adjust = parse(request.instruction)
    concept = make_concept(as_revision(request, request.revision))
    if request.revision <= 1 and not adjust:
        return concept
    before = None
    if request.revision > 1:
        before = make_concept(as_revision(request, request.revision - 1))
    concept = look(concept, adjust, revision_rng(request, "concept"), before)
    return _voice_of(concept, adjust)


def content_for(request: PostcardRequest, concept: Concept) -> Content:
    """Step 2: fresh copy for this revision, in the instruction's tone and length.

    A revision's copy never repeats the copy the same concept gave the revision before."""
    adjust = parse(request.instruction)
    voiced = _voice_of(concept, adjust)
    content = write_content(as_revision(request, request.revision), voiced)
    before = None
    if request.revision > 1:
        before = write_content(as_revision(request, request.revision - 1), concept)
        bump = 1
        while (content.title, content.body) == (before.title, before.body) and bump < _ATTEMPTS:
            content = write_content(as_revision(request, request.revision, bump), voiced)
            bump += 1
    if not adjust:
        return content
    return steer_copy(content, adjust, voiced, revision_rng(request, "content"), before)


def page_for(request: PostcardRequest, concept: Concept) -> Concept:
    """Step 4: the concept the page is laid out from.

    On a kept concept the page takes the colour and layout asked; a regenerate of the page
    alone (everything else kept) always gets another layout, so it never repeats."""
    if not kept_concept(request):
        return concept
    adjust = parse(request.instruction)
    kept = request.kept
    page_only = kept is not None and kept.content is not None and kept.image is not None
    if not adjust.colour and not adjust.layout and not (page_only and request.revision > 1):
        return concept
    asked = Adjustments(colour=adjust.colour, layout=adjust.layout)
    return look(concept, asked, revision_rng(request, "look"), new_layout=page_only)


__all__ = ["concept_for", "content_for", "image_for", "page_for"]
