"""The clients the API holds for its lifetime; Temporal is connected lazily and retried."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

import redis.asyncio as aioredis
from temporalio.client import Client

from core.settings import Settings
from core.storage import LocalBlobStore
from core.wiring import blob_store, redis_client, temporal_client
from ingest.producer import Ingest
from runs.events import ChangeFeed, changes_channel
from runs.reads import RunReads
from runs.store import RunStore
from runs.wiring import run_reads, run_store

log = logging.getLogger("postcards.api")


@dataclass
class Services:
    """Everything a request handler may need, built once at start-up.

    Reads go through `reads` (rows only; never Temporal). The API writes through `store` only
    for runs that have not started: creates (through `ingest`) and a regenerate's new run."""

    settings: Settings
    store: RunStore
    reads: RunReads
    redis: aioredis.Redis
    blobs: LocalBlobStore
    _temporal: Client | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    ingest: Ingest = field(init=False)
    changes: ChangeFeed = field(init=False)

    def __post_init__(self) -> None:
        self.ingest = Ingest(self.store, self.redis, self.settings)
        self.changes = ChangeFeed(self.redis, changes_channel(self.settings))

    @classmethod
    def build(cls, settings: Settings) -> Services:
        """Clients for the configured Redis, database and blob store."""
        store = run_store(settings)
        return cls(
            settings,
            store,
            run_reads(settings, store),
            redis_client(settings),
            blob_store(settings),
        )

    async def temporal(self) -> Client | None:
        """The Temporal client, connecting on first use; None while Temporal is unreachable."""
        if self._temporal is not None:
            return self._temporal
        async with self._lock:
            if self._temporal is None:
                try:
                    self._temporal = await asyncio.wait_for(temporal_client(self.settings), 3)
                except (RuntimeError, OSError, TimeoutError) as exc:
                    log.warning("temporal unreachable", extra={"error": str(exc)[:200]})
                    return None
        return self._temporal

    async def close(self) -> None:
        """Release connections."""
        await self.ingest.close()
        await self.changes.close()
        await self.redis.aclose()
        self.store.engine.dispose()
