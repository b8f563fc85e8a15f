"""Change notifications: the run store announces each write, live readers wake on it.

The store publishes a postcard's task id on one Redis pub/sub channel after every write that
changed its record; each API process holds one subscription to that channel and wakes the
event streams watching that postcard, which then read the rows again. Nothing polls Temporal
and nothing re-reads rows on a timer. A notification is a hint, never the data: one that is
lost (Redis away for a moment) costs a live view one update, which its next one brings.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import redis
import redis.asyncio as aioredis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from core.settings import Settings
from runs.store import Notify

log = logging.getLogger("postcards.runs.events")


def changes_channel(settings: Settings) -> str:
    """The channel of one deployment's changes (named after its stream)."""
    return f"{settings.stream_name}:changes"


def redis_notifier(settings: Settings) -> Notify:
    """A `notify` for the run store: PUBLISH the task id, once, without retries (a store
    write must never wait on Redis; a lost hint costs one live update)."""
    password = settings.redis_password.get_secret_value() if settings.redis_password else None
    client = redis.Redis.from_url(
        settings.redis_url,
        password=password,
        socket_connect_timeout=1,
        socket_timeout=1,
        retry=Retry(NoBackoff(), 0),
    )
    channel = changes_channel(settings)

    def notify(task_id: str) -> None:
        client.publish(channel, task_id)

    return notify


class ChangeFeed:
    """One process's subscription to the store's changes, shared by every watcher."""

    def __init__(self, client: aioredis.Redis, channel: str) -> None:
        self._client = client
        self._channel = channel
        self._watchers: dict[str, set[asyncio.Event]] = {}
        self._listener: asyncio.Task[None] | None = None

    @contextlib.asynccontextmanager
    async def watch(self, task_id: str) -> AsyncIterator[asyncio.Event]:
        """An event set whenever `task_id`'s record may have changed (clear it after reading)."""
        changed = asyncio.Event()
        self._watchers.setdefault(task_id, set()).add(changed)
        if self._listener is None or self._listener.done():
            self._listener = asyncio.create_task(self._listen(), name="run-changes")
        try:
            yield changed
        finally:
            watchers = self._watchers.get(task_id, set())
            watchers.discard(changed)
            if not watchers:
                self._watchers.pop(task_id, None)

    async def close(self) -> None:
        """Stop listening."""
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener

    async def _listen(self) -> None:
        """Subscribe and dispatch until closed; a lost connection is subscribed again, and
        every watcher is woken then, since changes made meanwhile were not heard."""
        while True:
            try:
                async with self._client.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self._channel)
                    self._wake_all()
                    while True:
                        message = await pubsub.get_message(timeout=5.0)
                        if message is not None and message["type"] == "message":
                            self._wake(message["data"])
            except (RedisError, OSError) as exc:
                log.warning("change feed lost its subscription", extra={"error": repr(exc)})
                await asyncio.sleep(1.0)

    def _wake(self, data: bytes | str) -> None:
        task_id = data.decode() if isinstance(data, bytes) else data
        for changed in self._watchers.get(task_id, ()):
            changed.set()

    def _wake_all(self) -> None:
        for watchers in self._watchers.values():
            for changed in watchers:
                changed.set()
