"""One answer per key, shared by every caller for a short time after it arrives.

Callers that ask while the answer is being fetched wait for that fetch instead of starting
their own; a caller that goes away (a closed tab) never cancels the fetch others wait for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


@dataclass
class _Entry(Generic[V]):
    answer: asyncio.Task[V]
    fresh_until: float = field(default=float("inf"))


class SharedAnswers(Generic[K, V]):
    """Answers by key, each fresh for `fresh_s` seconds after its fetch ends."""

    def __init__(self, fresh_s: float, prune_at: int = 1024) -> None:
        self.fresh_s = fresh_s
        self.prune_at = prune_at
        self._entries: dict[K, _Entry[V]] = {}

    async def get(self, key: K, fetch: Callable[[], Awaitable[V]]) -> V:
        """The fresh or in-flight answer for `key`, else a new fetch shared from now on."""
        loop = asyncio.get_running_loop()
        entry = self._entries.get(key)
        if entry is None or loop.time() >= entry.fresh_until:
            if len(self._entries) >= self.prune_at:
                self._prune(loop.time())
            entry = self._entries[key] = _Entry(loop.create_task(_run(fetch)))
            fresh = entry

            def keep_briefly(_: asyncio.Task[V]) -> None:
                fresh.fresh_until = loop.time() + self.fresh_s

            entry.answer.add_done_callback(keep_briefly)
        return await asyncio.shield(entry.answer)

    def _prune(self, now: float) -> None:
        for stale in [key for key, entry in self._entries.items() if now >= entry.fresh_until]:
            del self._entries[stale]


async def _run(fetch: Callable[[], Awaitable[V]]) -> V:
    return await fetch()
