"""The clients the API holds for its lifetime; Temporal is connected lazily and retried."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

import redis.asyncio as aioredis
from temporalio.client import Client

from core.repository import PostcardRepository
from core.settings import Settings
from core.storage import LocalBlobStore
from core.wiring import blob_store, redis_client, repository, temporal_client
from ingest.producer import Ingest

log = logging.getLogger("postcards.api")


@dataclass
class Services:
    """Everything a request handler may need, built once at start-up."""

    settings: Settings
    repository: PostcardRepository
    redis: aioredis.Redis
    store: LocalBlobStore
    _temporal: Client | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    ingest: Ingest = field(init=False)

    def __post_init__(self) -> None:
        self.ingest = Ingest(self.repository, self.redis, self.settings)

    @classmethod
    def build(cls, settings: Settings) -> Services:
        """Clients for the configured Redis, database and blob store."""
        return cls(settings, repository(settings), redis_client(settings), blob_store(settings))

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
        await self.redis.aclose()
        self.repository.engine.dispose()
