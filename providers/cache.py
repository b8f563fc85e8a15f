"""Step outputs cached in Redis, keyed by step, provider, model, normalised prompt and parameters.

Only the concept, content and page steps are cached. Images are not: each postcard keeps its own
picture in blob storage, and megabytes of image bytes do not belong in Redis. The page is stored
with the illustration URL replaced by a placeholder, so a cached page fits any new image. A reply
the repair completed from the local engine (`Usage.repaired`) is not cached: it is partly not
the model's.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import unicodedata
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel
from redis.asyncio import Redis
from redis.exceptions import RedisError

from core.models import Concept, Content, PostcardRequest
from providers.base import Usage
from providers.prompts import IMAGE_URL_TOKEN, PROMPT_VERSION, request_language

log = logging.getLogger("postcards.providers")
KEY_PREFIX = "postcards:cache"
# A cache that answers slowly is worse than none: give up on it quickly and call the provider.
CACHE_OP_TIMEOUT_S = 1.0


def normalise(text: str) -> str:
    """NFKC, collapsed whitespace: the same wish typed twice gives the same key."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def cache_key(step: str, provider: str, model: str, payload: dict[str, Any]) -> str:
    """`postcards:cache:<step>:<provider>:<model>:<sha256 of the canonical payload>`."""
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return f"{KEY_PREFIX}:{step}:{provider}:{model}:{digest}"


class CachedProvider:
    """Wraps a text or page provider; a hit costs nothing and sets `Usage.cache_hit`."""

    def __init__(
        self, inner: Any, redis: Redis, ttl_s: int, params: dict[str, Any] | None = None
    ) -> None:
        self._inner = inner
        self._redis = redis
        self._ttl_s = ttl_s
        self._params = params or {}
        self.name: str = inner.name

    def model_for(self, step: str) -> str:
        """The wrapped provider's model for `step`."""
        return str(self._inner.model_for(step))

    def _key(self, step: str, request: PostcardRequest, **parts: Any) -> str:
        payload = {
            "version": PROMPT_VERSION,
            "prompt": normalise(request.user_input),
            "style": normalise(request.style or ""),
            "theme": normalise(request.theme or ""),
            "language": request_language(request),
            "variation": request.variation,
            "revision": request.revision,
            "instruction": request.instruction or "",
            "params": self._params,
            **{
                name: value.model_dump(mode="json") if isinstance(value, BaseModel) else value
                for name, value in parts.items()
            },
        }
        return cache_key(step, self.name, self.model_for(step), payload)

    async def _get(self, key: str) -> dict[str, Any] | None:
        try:
            raw = await asyncio.wait_for(self._redis.get(key), CACHE_OP_TIMEOUT_S)
        except (RedisError, OSError, TimeoutError) as exc:
            log.warning("cache unavailable; calling the provider", extra={"error": str(exc)})
            return None
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return None

    async def _set(self, key: str, value: Any, usage: Usage) -> None:
        record = {"value": value, "model": usage.model}
        try:
            data = json.dumps(record, ensure_ascii=False)
            await asyncio.wait_for(self._redis.set(key, data, ex=self._ttl_s), CACHE_OP_TIMEOUT_S)
        except (RedisError, OSError, TimeoutError) as exc:
            log.warning("cache write failed", extra={"error": str(exc)})

    async def _through(
        self,
        request: PostcardRequest,
        key: str,
        call: Callable[[], Awaitable[tuple[Any, Usage]]],
        encode: Callable[[Any], Any],
        decode: Callable[[Any], Any],
    ) -> tuple[Any, Usage]:
        if not request.use_cache:
            return await call()
        hit = await self._get(key)
        if hit is not None:
            try:
                value = decode(hit["value"])
            except (KeyError, TypeError, ValueError):
                value = None
            if value is not None:
                return value, Usage(
                    model=hit.get("model"),
                    input_tokens=0,
                    output_tokens=0,
                    cost_usd=0.0,
                    cache_hit=True,
                )
        value, usage = await call()
        if not usage.repaired:  # a reply partly filled in by the engine is not the model's
            await self._set(key, encode(value), usage)
        return value, usage

    async def concept(self, request: PostcardRequest) -> tuple[Concept, Usage]:
        """The cached concept, or the wrapped provider's (then cached)."""
        return await self._through(
            request,
            self._key("concept", request),
            lambda: self._inner.concept(request),
            lambda value: value.model_dump(mode="json"),
            Concept.model_validate,
        )

    async def content(self, request: PostcardRequest, concept: Concept) -> tuple[Content, Usage]:
        """The cached copy, or the wrapped provider's (then cached)."""
        return await self._through(
            request,
            self._key("content", request, concept=concept),
            lambda: self._inner.content(request, concept),
            lambda value: value.model_dump(mode="json"),
            Content.model_validate,
        )

    async def page(
        self, request: PostcardRequest, concept: Concept, content: Content, image_url: str
    ) -> tuple[str, Usage]:
        """The cached page with this postcard's image URL, or the wrapped provider's."""

        def decode(stored: Any) -> str:
            if not isinstance(stored, str):
                raise TypeError("a cached page is a string")
            return stored.replace(IMAGE_URL_TOKEN, image_url)

        return await self._through(
            request,
            self._key("frontend", request, concept=concept, content=content),
            lambda: self._inner.page(request, concept, content, image_url),
            lambda html: html.replace(image_url, IMAGE_URL_TOKEN),
            decode,
        )
