"""A chain of providers for one step: the next answers only when one fails non-retryably."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from core.errors import ProviderError
from core.models import Concept, Content, PostcardRequest
from providers.base import Picture, Usage

log = logging.getLogger("postcards.providers")
T = TypeVar("T")


class FallbackProvider:
    """Tries each provider in order; retryable errors propagate so Temporal retries the first."""

    def __init__(self, chain: list[Any]) -> None:
        if not chain:
            raise ValueError("a fallback chain needs at least one provider")
        self._chain = chain
        self.name: str = chain[0].name

    async def _run(self, step: str, call: Callable[[Any], Awaitable[T]]) -> T:
        for provider in self._chain[:-1]:
            try:
                return self._mark(provider, await call(provider))
            except ProviderError as exc:
                if exc.retryable:
                    raise
                log.warning(
                    "provider failed; falling back",
                    extra={
                        "step": step,
                        "provider": provider.name,
                        "error_type": exc.type,
                        "error": exc.message,
                    },
                )
        last = self._chain[-1]
        return self._mark(last, await call(last))

    def _mark(self, provider: Any, result: T) -> T:
        """Record on the usage which provider answered in place of the first one."""
        if provider is not self._chain[0]:
            usage: Usage = result.usage if isinstance(result, Picture) else result[1]  # type: ignore[index]
            usage.provider = provider.name
            usage.fallback_from = self.name
        return result

    async def concept(self, request: PostcardRequest) -> tuple[Concept, Usage]:
        """The concept from the first provider that does not fail for good."""
        return await self._run("concept", lambda provider: provider.concept(request))

    async def content(self, request: PostcardRequest, concept: Concept) -> tuple[Content, Usage]:
        """The copy from the first provider that does not fail for good."""
        return await self._run("content", lambda provider: provider.content(request, concept))

    async def illustrate(
        self, request: PostcardRequest, concept: Concept, content: Content | None
    ) -> Picture:
        """The illustration from the first provider that does not fail for good."""
        return await self._run(
            "image", lambda provider: provider.illustrate(request, concept, content)
        )

    async def page(
        self, request: PostcardRequest, concept: Concept, content: Content, image_url: str
    ) -> tuple[str, Usage]:
        """The page from the first provider that does not fail for good."""
        return await self._run(
            "frontend", lambda provider: provider.page(request, concept, content, image_url)
        )
