"""The three provider roles. A provider turns request + earlier results into one step's output."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from core.models import Concept, Content, PostcardRequest, Usage

__all__ = ["CodeProvider", "ImageProvider", "Picture", "TextProvider", "Usage"]


@dataclass
class Picture:
    """Rendered image bytes, on their way to blob storage."""

    data: bytes
    content_type: str
    width: int
    height: int
    usage: Usage = field(default_factory=Usage)


class TextProvider(Protocol):
    """Writes the concept and the copy."""

    name: str

    async def concept(self, request: PostcardRequest) -> tuple[Concept, Usage]: ...

    async def content(
        self, request: PostcardRequest, concept: Concept
    ) -> tuple[Content, Usage]: ...


class ImageProvider(Protocol):
    """Paints the illustration."""

    name: str

    async def illustrate(
        self, request: PostcardRequest, concept: Concept, content: Content | None
    ) -> Picture: ...


class CodeProvider(Protocol):
    """Writes the self-contained HTML page."""

    name: str

    async def page(
        self, request: PostcardRequest, concept: Concept, content: Content, image_url: str
    ) -> tuple[str, Usage]: ...
