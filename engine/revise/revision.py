"""What a revision is to the engine: its variation, its choices, what it keeps."""

from __future__ import annotations

import hashlib
import random

from core.models import PostcardRequest
from engine.text import stable_rng


def original_variation(request: PostcardRequest) -> int:
    """The variation the postcard's first revision ran with.

    A regenerate's request carries the original's variation plus `revision - 1` (the API sets
    it so, which also keys the real providers' cache per revision); a request that kept the
    original's variation gives the same answer, as originals run with 0."""
    return max(0, request.variation - (request.revision - 1))


def variation_of(request: PostcardRequest, revision: int) -> int:
    """The engine's variation for one revision of this postcard: the original's for the first,
    a fresh one derived from it and the revision number after."""
    base = original_variation(request)
    if revision <= 1:
        return base
    digest = hashlib.sha256(f"{base}:{revision}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def variation(request: PostcardRequest) -> int:
    """The engine's variation for this request's revision."""
    return variation_of(request, request.revision)


def as_revision(request: PostcardRequest, revision: int, bump: int = 0) -> PostcardRequest:
    """The request as the engine saw (or sees) revision `revision` without its instruction,
    as a first revision with that revision's variation (`bump` takes on)."""
    return request.model_copy(
        update={
            "revision": 1,
            "variation": variation_of(request, revision) + bump,
            "instruction": None,
            "kept": None,
        }
    )


def revision_rng(request: PostcardRequest, step: str) -> random.Random:
    """The choices of one step of this revision (the same on every retry)."""
    return stable_rng("revise", step, request.user_input, request.variation, request.revision)


def kept_concept(request: PostcardRequest) -> bool:
    """Whether this revision runs on the concept of an earlier one."""
    return request.kept is not None and request.kept.concept is not None
