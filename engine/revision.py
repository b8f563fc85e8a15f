"""What a revision is to the engine: its variation, its choices, what it keeps."""

from __future__ import annotations

import hashlib
import random

from core.models import PostcardRequest
from engine.text import stable_rng


def variation(request: PostcardRequest) -> int:
    """The engine's variation for this revision: the request's own for the first, a fresh one
    derived from it and the revision number after."""
    if request.revision <= 1:
        return request.variation
    digest = hashlib.sha256(f"{request.variation}:{request.revision}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def as_revision(request: PostcardRequest, revision: int, bump: int = 0) -> PostcardRequest:
    """The request as the engine sees revision `revision` (no instruction), `bump` takes on."""
    plain = request.model_copy(update={"revision": revision, "instruction": None, "kept": None})
    return plain.model_copy(update={"revision": 1, "variation": variation(plain) + bump})


def revision_rng(request: PostcardRequest, step: str) -> random.Random:
    """The choices of one step of this revision (the same on every retry)."""
    return stable_rng("revise", step, request.user_input, request.variation, request.revision)


def kept_concept(request: PostcardRequest) -> bool:
    """Whether this revision runs on the concept of an earlier one."""
    return request.kept is not None and request.kept.concept is not None
