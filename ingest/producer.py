"""The API's producer: save each create's row, then append its stream entry.

Concurrent creates are grouped (group commit): one database transaction and one Redis call
serve a whole batch. A create is answered 202 once its row is saved and Redis acknowledged its
entry. When the append fails, the creates are answered 503 and their rows become REFUSED
tombstones: Redis may have applied the append even so (a reply lost on the way back), and the
starter drops an entry whose row is refused, so a 503 means that nothing will run. A row the
starter already claimed for its run cannot be refused any more: that create runs and is
answered 202.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from core.models import PostcardRequest
from core.settings import Settings
from ingest.backlog import Backlog
from ingest.stream import TaskStream
from runs.store import RunStore

log = logging.getLogger("postcards.ingest")

MAX_BATCH = 256


class IngestUnavailable(Exception):
    """A create that will not run; carries the HTTP answer the API gives."""

    def __init__(self, reason: str, status_code: int = 503, retry_after_s: int = 5) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status_code = status_code
        self.retry_after_s = retry_after_s


_Waiter = tuple[PostcardRequest, "asyncio.Future[None]"]


class Ingest:
    """Accepts the API process's creates: a backlog check, then a group-committing batcher.

    `submit` queues a request; one background task takes everything queued so far as a batch,
    saves its rows in one transaction and appends its entries in one Redis call, then answers
    every create of the batch. There is no wait timer: batches form from the creates that
    arrive while the previous batch is being written.
    """

    def __init__(self, store: RunStore, redis: aioredis.Redis, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.backlog = Backlog(redis, settings)
        self.stream = TaskStream(redis, settings)
        self._queue: asyncio.Queue[_Waiter | None] = asyncio.Queue()  # None: close
        self._batcher: asyncio.Task[None] | None = None
        self._closing = False

    async def check_backlog(self) -> None:
        """IngestUnavailable (503) while the backlog is at STREAM_MAX_BACKLOG or Redis cannot
        say: creates, and regenerates (which start their runs directly), wait then."""
        try:
            waiting = await self.backlog.waiting()
        except (RedisError, OSError) as exc:
            raise IngestUnavailable(f"the task queue (Redis) is unavailable: {exc}") from exc
        if waiting >= self.settings.stream_max_backlog:
            raise IngestUnavailable(
                f"too many postcards are waiting ({waiting}); try again shortly", 503, 10
            )

    async def submit(self, request: PostcardRequest) -> None:
        """Save and enqueue one create; IngestUnavailable when it will not run."""
        await self.check_backlog()
        if self._closing:
            raise IngestUnavailable("the API is shutting down")
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if self._batcher is None or self._batcher.done():
            self._batcher = asyncio.create_task(self._run(), name="ingest-batcher")
        self._queue.put_nowait((request, done))
        await done

    async def close(self) -> None:
        """Finish the batch in hand (each of its creates gets its true answer: a saved row
        must not be answered 503, it would run), answer the creates still queued with 503
        (nothing of them was saved), and stop."""
        self._closing = True
        if self._batcher is not None and not self._batcher.done():
            self._queue.put_nowait(None)
            await self._batcher
        while not self._queue.empty():
            waiter = self._queue.get_nowait()
            if waiter is not None:
                _settle(waiter[1], IngestUnavailable("the API is shutting down"))

    async def _run(self) -> None:
        while not self._closing:
            batch: list[_Waiter] = []
            while len(batch) < MAX_BATCH and (batch == [] or not self._queue.empty()):
                waiter = await self._queue.get()
                if waiter is None:  # close(): stop after this batch
                    break
                batch.append(waiter)
            if not batch:
                continue
            requests = [r for r, _ in batch]
            try:
                refused, conflicts = await self._write(requests)
            except Exception as exc:  # a bug: still answer every create
                log.exception("ingest batch failed")
                error = IngestUnavailable(f"ingest failed: {type(exc).__name__}")
                refused, conflicts = {r.task_id: error for r in requests}, {}
            for index, (request, done) in enumerate(batch):
                _settle(done, conflicts.get(index) or refused.get(request.task_id))

    async def _write(
        self, batch: list[PostcardRequest]
    ) -> tuple[dict[str, IngestUnavailable], dict[int, IngestUnavailable]]:
        """Save and append a batch; the creates that will not run, with their answer (by task
        id), and the Idempotency-Key repeats that asked for another postcard (by position)."""
        try:
            accepted = await asyncio.to_thread(self.store.accept, batch)
        except Exception as exc:  # nothing was saved
            reason = f"the database is unavailable: {type(exc).__name__}"
            return self._refused(batch, reason), {}
        conflicts = {
            index: IngestUnavailable(
                f"this Idempotency-Key was first used for a different postcard "
                f"({', '.join(fields)} differ); use a new key for a new postcard",
                status_code=422,
            )
            for index, fields in accepted.conflicts.items()
        }
        unique = list({r.task_id: r for r in batch}.values())
        new = [r for r in unique if r.task_id in accepted.written]
        saved_at = accepted.at
        refused: dict[str, IngestUnavailable] = {}
        if new:
            try:
                await self.stream.append(new)
            except Exception as exc:  # RedisError, OSError, or anything else: refuse them
                reason = f"the task queue (Redis) is unavailable: {exc or type(exc).__name__}"
                tombstones = await self._refuse(new, saved_at)
                refused |= self._refused([r for r in new if r.task_id in tombstones], reason)
            else:
                self.backlog.appended(len(new))
        if log.isEnabledFor(logging.DEBUG):
            for request in unique:
                if request.task_id not in refused:
                    log.debug("postcard accepted", extra={"task_id": request.task_id})
        return refused, conflicts

    async def _refuse(self, requests: list[PostcardRequest], saved_at: datetime) -> set[str]:
        """Mark the rows of creates whose append failed as refused; the ids that were. A row
        left PENDING (the starter claimed it, or the database failed too) runs: its entry did
        reach the stream, or the starter's orphan sweep starts it."""
        try:
            return await asyncio.to_thread(
                self.store.refuse, [r.task_id for r in requests], saved_at
            )
        except Exception:
            log.exception(
                "refusing failed creates failed; they run",
                extra={"task_ids": [r.task_id for r in requests]},
            )
            return set()

    @staticmethod
    def _refused(requests: list[PostcardRequest], reason: str) -> dict[str, IngestUnavailable]:
        if requests:
            log.warning(
                "create refused",
                extra={"reason": reason, "task_ids": [r.task_id for r in requests]},
            )
        return {r.task_id: IngestUnavailable(reason) for r in requests}


def _settle(done: asyncio.Future[None], error: Exception | None) -> None:
    if done.done():  # its caller went away
        return
    if error is None:
        done.set_result(None)
    else:
        done.set_exception(error)
