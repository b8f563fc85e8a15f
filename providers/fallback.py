"""A chain of providers for one step: the next answers only when one fails non-retryably."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from core.errors import ProviderError
from core.models import Concept, Content, PostcardRequest
from providers.base import Picture, Usage
from providers.health import ProviderHealth

log = logging.getLogger("postcards.providers")
T = TypeVar("T")


class FallbackProvider:
    """Tries each provider in order; retryable errors propagate so Temporal retries the first.

    A rejected key is reported to `health` (log, metric, /ready) whether or not a fallback
    then answers: the postcard in hand is saved, but a wrong key is never silent."""

    def __init__(self, chain: list[Any], health: ProviderHealth | None = None) -> None:
        if not chain:
            raise ValueError("a fallback chain needs at least one provider")
        self._chain = chain
        self._health = health or ProviderHealth(None)
        self.name: str = chain[0].name

    async def _run(self, step: str, call: Callable[[Any], Awaitable[T]]) -> T:
        reason: str | None = None
        for index, provider in enumerate(self._chain):
            try:
                result = await call(provider)
            except ProviderError as exc:
                if exc.type == "AuthenticationError":
                    await self._health.key_rejected(provider.name, step, exc.message)
                if exc.retryable or index == len(self._chain) - 1:
                    raise
                reason = f"{exc.type}: {exc.message}"[:300]
                log.warning(
                    "provider failed; falling back",
                    extra={
                        "step": step,
                        "provider": provider.name,
                        "fallback": self._chain[index + 1].name,
                        "error_type": exc.type,
                        "error": exc.message,
                    },
                )
                continue
            # Only the provider's own answer proves its key works again: a cache hit never
            # asked it, so it must not clear a rejected key's mark on /ready.
            if index == 0 and not _usage(result).cache_hit:
                await self._health.answered(provider.name)
            return self._mark(provider, result, reason)
        raise AssertionError("unreachable: the last provider's error is raised above")

    def _mark(self, provider: Any, result: T, reason: str | None = None) -> T:
        """Record on the usage which provider answered in place of the first one, and why."""
        if provider is not self._chain[0]:
            usage = _usage(result)
            usage.provider = provider.name
            usage.fallback_from = self.name
            usage.fallback_reason = reason
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


def _usage(result: object) -> Usage:
    """The usage of a step's result: a Picture's, or the second item of (value, usage)."""
    if isinstance(result, Picture):
        return result.usage
    usage = result[1]  # type: ignore[index]
    assert isinstance(usage, Usage)
    return usage
