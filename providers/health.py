"""A rejected key is never silent: it is logged by variable name, counted, and shown on /ready."""

from __future__ import annotations

import logging

from prometheus_client import Counter
from redis.asyncio import Redis

from core.provider_health import KEY_VARIABLES, mark_healthy, mark_key_rejected

log = logging.getLogger("postcards.providers")
KEY_REJECTIONS = Counter(
    "postcard_provider_key_rejections",
    "Provider calls refused because the API key was rejected",
    ["provider"],
)


class ProviderHealth:
    """Marks a provider unhealthy when its key is refused, and healthy again after a success."""

    def __init__(self, redis: Redis | None, namespace: str = "postcard_tasks") -> None:
        self._redis = redis
        self._namespace = namespace
        self._marked: set[str] = set()

    async def key_rejected(self, provider: str, step: str, reason: str) -> None:
        """Log which variable holds the refused key (never the key), count it, publish it."""
        variable = KEY_VARIABLES.get(provider, "the API key")
        KEY_REJECTIONS.labels(provider).inc()
        log.error(
            "%s is not accepted by %s (rejected or not set): fix it; steps fall back meanwhile",
            variable,
            provider,
            extra={"provider": provider, "step": step, "key_variable": variable, "error": reason},
        )
        if self._redis is None:
            return
        try:
            await mark_key_rejected(self._redis, self._namespace, provider, reason)
            self._marked.add(provider)
        except Exception as exc:
            log.warning("could not publish provider health", extra={"error": repr(exc)})

    async def answered(self, provider: str) -> None:
        """A provider this process marked unhealthy answered: clear the mark."""
        if self._redis is None or provider not in self._marked:
            return
        try:
            await mark_healthy(self._redis, self._namespace, provider)
            self._marked.discard(provider)
        except Exception as exc:
            log.warning("could not publish provider health", extra={"error": repr(exc)})
