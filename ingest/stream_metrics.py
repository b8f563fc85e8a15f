"""Starter metrics: stream length, pending, lag and dead letters (gauges); starts (counters)."""

from __future__ import annotations

import time

import redis.asyncio as aioredis
from prometheus_client import Counter, Gauge

from core.settings import Settings
from ingest.backlog import backlog

STARTS = Counter("postcard_starter_starts", "Workflows the starter started", ["stream"])
DEAD_LETTERED = Counter(
    "postcard_starter_dead_lettered",
    "Entries the starter moved to the dead-letter stream",
    ["stream"],
)
STREAM_LENGTH = Gauge("postcard_stream_length", "Entries in the task stream (XLEN)", ["stream"])
PENDING = Gauge(
    "postcard_stream_pending", "Entries delivered to a starter but not yet acknowledged", ["stream"]
)
LAG = Gauge("postcard_stream_lag", "Entries not yet delivered to any starter", ["stream"])
DEAD_LETTERS = Gauge(
    "postcard_dead_letter_length", "Entries in the dead-letter stream (XLEN)", ["stream"]
)


class StreamObserver:
    """Refreshes the stream gauges at most once per `interval_s`, from the starter's loop."""

    def __init__(self, settings: Settings, interval_s: float = 5.0) -> None:
        self.settings = settings
        self.interval_s = interval_s
        self._next = 0.0

    async def maybe_observe(self, redis: aioredis.Redis) -> None:
        """Read XLEN, XPENDING and the group's backlog when the interval has passed."""
        if time.monotonic() < self._next:
            return
        self._next = time.monotonic() + self.interval_s
        stream, group = self.settings.stream_name, self.settings.consumer_group
        length = int(await redis.xlen(stream))
        pending = int((await redis.xpending(stream, group))["pending"])
        waiting = await backlog(redis, self.settings)
        STREAM_LENGTH.labels(stream).set(length)
        PENDING.labels(stream).set(pending)
        LAG.labels(stream).set(max(0, waiting - pending))
        DEAD_LETTERS.labels(stream).set(int(await redis.xlen(self.settings.dead_letter_stream)))
