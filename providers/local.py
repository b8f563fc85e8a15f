"""The embedded default: the local creative engine, offline and keyless."""

from __future__ import annotations

import asyncio

from core.models import Concept, Content, PostcardRequest
from engine import make_concept, render_illustration, render_page, write_content
from providers.base import Picture, Usage

LOCAL_MODEL = "local-engine"


class LocalProvider:
    """Concept, copy, illustration and page from `engine`, with no network."""

    name = "local"

    def __init__(self, image_size: tuple[int, int] = (1024, 1024)) -> None:
        self._image_size = image_size

    async def concept(self, request: PostcardRequest) -> tuple[Concept, Usage]:
        return make_concept(request), Usage(model=LOCAL_MODEL)

    async def content(self, request: PostcardRequest, concept: Concept) -> tuple[Content, Usage]:
        return write_content(request, concept), Usage(model=LOCAL_MODEL)

    async def illustrate(
        self, request: PostcardRequest, concept: Concept, content: Content | None
    ) -> Picture:
        width, height = self._image_size
        png = await asyncio.to_thread(
            render_illustration,
            concept,
            content,
            width=width,
            height=height,
            seed=request.variation,
        )
        return Picture(png, "image/png", width, height, Usage(model=LOCAL_MODEL))

    async def page(
        self, request: PostcardRequest, concept: Concept, content: Content, image_url: str
    ) -> tuple[str, Usage]:
        return render_page(concept, content, image_url), Usage(model=LOCAL_MODEL)
