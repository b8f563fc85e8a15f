"""The starter: reads `postcard_tasks` with a consumer group and starts one workflow per task."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DataError, OperationalError
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from core.db import utcnow
from core.models import PostcardError, PostcardRequest
from core.settings import Settings
from ingest.messages import InvalidEntry, decode, task_id_of
from ingest.stream_metrics import DEAD_LETTERED, STARTS, StreamObserver
from ops.health import Liveness
from runs.dispatcher import Dispatcher
from runs.launch import start_postcard_workflow
from runs.reads import REFUSED, RunReads
from runs.retention import ensure_retention_schedule
from runs.settler import Settler
from runs.store import RunStore
from runs.webhooks import WebhookStore

log = logging.getLogger("postcards.starter")
Entry = tuple[bytes, dict[bytes, bytes]]
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)
GROUP_GONE = ("NOGROUP", "UNBLOCKED")  # the errors of a read whose stream or group vanished
TRANSIENT_RPC = {
    RPCStatusCode.UNAVAILABLE,
    RPCStatusCode.DEADLINE_EXCEEDED,
    RPCStatusCode.RESOURCE_EXHAUSTED,
    RPCStatusCode.CANCELLED,
    RPCStatusCode.UNKNOWN,
    RPCStatusCode.INTERNAL,
    RPCStatusCode.ABORTED,
}


class Starter:
    """One consumer of the group. XACK only after Temporal accepted the start.

    Beside consuming, it starts the runs of PENDING postcards whose entry never came (the
    orphan sweep), and runs the settler, which records the ends Temporal decided, and the
    webhook dispatcher, which starts a delivery workflow for each event the store recorded."""

    def __init__(
        self,
        redis: aioredis.Redis,
        client: Client,
        store: RunStore,
        settings: Settings,
        consumer: str,
    ) -> None:
        self.redis = redis
        self.client = client
        self.store = store
        self.reads = RunReads(store.engine)
        self.settings = settings
        self.consumer = consumer
        self.started = 0
        self.dead_lettered = 0
        self.liveness = Liveness(("redis", "temporal"), settings.health_max_age_s)
        self.observer = StreamObserver(settings)
        self.settler = Settler(client, store, self.reads, settings)
        self.dispatcher = Dispatcher(client, WebhookStore(store.engine), settings)

    async def ensure_group(self) -> None:
        """Create the consumer group (and the stream) once; an existing group is fine."""
        try:
            await self.redis.xgroup_create(
                self.settings.stream_name, self.settings.consumer_group, id="0", mkstream=True
            )
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def run(self, stop: asyncio.Event) -> None:
        """Consume, settle and dispatch webhooks until `stop` is set (and, once, set up the
        retention schedule)."""
        settling = asyncio.create_task(self.settler.run(stop), name="settler")
        dispatching = asyncio.create_task(self.dispatcher.run(stop), name="webhook-dispatcher")
        scheduling = asyncio.create_task(self.schedule_retention(stop), name="retention")
        try:
            await self.consume(stop)
        finally:
            stop.set()
            await settling
            await dispatching
            await scheduling

    async def schedule_retention(self, stop: asyncio.Event) -> None:
        """Create or update the retention schedule, retrying while Temporal is away."""
        delay = 1.0
        while not stop.is_set():
            try:
                await ensure_retention_schedule(self.client, self.settings)
                return
            except RPCError as exc:
                log.warning("retention schedule not set up yet", extra={"error": str(exc)})
                await _sleep_or_stop(stop, delay)
                delay = min(delay * 2, 30.0)

    async def consume(self, stop: asyncio.Event) -> None:
        """Consume until `stop` is set; Redis or Temporal outages are waited out with backoff."""
        backoff = 0.5
        next_claim = 0.0
        loop = asyncio.get_running_loop()
        self.liveness.running = True
        while not stop.is_set():
            try:
                await self.ensure_group()
                if loop.time() >= next_claim:
                    await self.temporal_healthy()
                    await self.reclaim()
                    await self.sweep_orphans()
                    next_claim = loop.time() + self.settings.stream_claim_interval_s
                await self.read_once()
                self.liveness.answered("redis")
                await self.observer.maybe_observe(self.redis)
                backoff = 0.5
            except REDIS_DOWN as exc:
                log.warning(
                    "redis unavailable, retrying", extra={"error": str(exc), "retry_in_s": backoff}
                )
                await _sleep_or_stop(stop, backoff)
                backoff = min(backoff * 2, 10.0)
            except ResponseError as exc:
                # A Redis that restarted without its data has no stream and no group, and the
                # redis client reconnects inside a call, so a read can meet the empty server
                # before the next `ensure_group`: NOGROUP, or on Redis 7 UNBLOCKED when the
                # stream went away under a blocked read. The next turn recreates the group.
                if not str(exc).startswith(GROUP_GONE):
                    raise
                log.warning(
                    "consumer group gone (redis lost its data), recreating it",
                    extra={"error": str(exc)[:200]},
                )
                await _sleep_or_stop(stop, 0.5)
            except (TemporalUnavailable, OperationalError) as exc:
                log.warning(
                    "temporal or database unavailable, retrying",
                    extra={"error": str(exc)[:300], "retry_in_s": backoff},
                )
                await _sleep_or_stop(stop, backoff)
                backoff = min(backoff * 2, 10.0)
        self.liveness.running = False

    async def temporal_healthy(self) -> None:
        """Raise TemporalUnavailable unless Temporal answers, so outages don't count deliveries."""
        try:
            await self.client.service_client.check_health(timeout=timedelta(seconds=5))
        except RPCError as exc:
            raise TemporalUnavailable(str(exc)) from exc
        self.liveness.answered("temporal")

    async def sweep_orphans(self) -> int:
        """Start runs for PENDING rows whose stream entry never came (an API that died between
        saving the row and appending the entry, or a Redis that lost its data); a start is a
        no-op when the run exists."""
        cutoff = utcnow() - timedelta(seconds=self.settings.orphan_after_s)
        requests = await asyncio.to_thread(self.reads.pending_before, cutoff, 100)
        ended = await asyncio.to_thread(self.store.claim, requests)
        for request in requests:
            if request.task_id in ended or await self._past_deadline(request):
                continue
            if await self._start(request):
                log.info("orphaned task started", extra={"task_id": request.task_id})
        return len(requests)

    async def _past_deadline(self, request: PostcardRequest) -> bool:
        """Whether the request's deadline passed while it was queued; its run is then
        recorded FAILED (DeadlineExceeded) and never started, so no provider is called."""
        if request.deadline_at is None or utcnow() < request.deadline_at:
            return False
        error = PostcardError(
            step="concept",
            type="DeadlineExceeded",
            message=f"the deadline ({request.deadline_at.isoformat()}) passed while it was queued",
            retryable=True,
        )
        await asyncio.to_thread(
            self.store.fail, request.task_id, 1, error, None, only_if_pending=True
        )
        log.info("not started: past its deadline", extra={"task_id": request.task_id})
        return True

    async def _start(self, request: PostcardRequest) -> bool:
        try:
            return await start_postcard_workflow(self.client, request, self.settings)
        except RPCError as exc:
            if exc.status in TRANSIENT_RPC:
                raise TemporalUnavailable(str(exc)) from exc
            raise TemporalRejected(f"Temporal rejected the start: {exc.message}") from exc

    async def read_once(self) -> int:
        """One blocking XREADGROUP of new entries; returns how many were handled."""
        response: Any = await self.redis.xreadgroup(
            self.settings.consumer_group,
            self.consumer,
            {self.settings.stream_name: ">"},
            count=self.settings.stream_read_count,
            block=self.settings.stream_block_ms,
        )
        entries: list[Entry] = [entry for _, batch in response or [] for entry in batch]
        await self._handle_all(entries, deliveries={})
        return len(entries)

    async def reclaim(self) -> int:
        """XAUTOCLAIM entries idle past the claim time (a dead starter's) and handle them."""
        cursor: bytes | str = "0-0"
        handled = 0
        while True:
            reply = await self.redis.xautoclaim(
                self.settings.stream_name,
                self.settings.consumer_group,
                self.consumer,
                min_idle_time=self.settings.stream_claim_idle_ms,
                start_id=cursor,
                count=self.settings.stream_read_count,
            )
            cursor, entries = reply[0], [e for e in reply[1] if e and e[1] is not None]
            if entries:
                deliveries = await self._delivery_counts([entry_id for entry_id, _ in entries])
                await self._handle_all(entries, deliveries)
                handled += len(entries)
            if cursor in (b"0-0", "0-0"):
                return handled

    async def _delivery_counts(self, ids: list[bytes]) -> dict[bytes, int]:
        pending = await self.redis.xpending_range(
            self.settings.stream_name,
            self.settings.consumer_group,
            min=ids[0],
            max=ids[-1],
            count=len(ids) + 100,
        )
        wanted = set(ids)
        counts = {}
        for item in pending:
            entry_id = item["message_id"]
            key = entry_id if isinstance(entry_id, bytes) else str(entry_id).encode()
            if key in wanted:
                counts[key] = int(item["times_delivered"])
        return counts

    async def _handle_all(self, entries: list[Entry], deliveries: dict[bytes, int]) -> None:
        """Handle one read's entries together: one database transaction claims their rows
        (inserting those of other producers), their workflows start one by one, one XACK
        acknowledges the started ones.

        Malformed entries and entries of refused creates are dead-lettered; when Temporal is
        unreachable the entries not started stay pending (redelivered later) and the outage is
        raised after the others were acknowledged.
        """
        ready: list[tuple[bytes, dict[bytes, bytes], PostcardRequest]] = []
        for entry_id, fields in entries:
            request = await self._admit(entry_id, fields, deliveries.get(entry_id, 1))
            if request is not None:
                ready.append((entry_id, fields, request))
        if not ready:
            return
        try:
            ended = await asyncio.to_thread(self.store.claim, [r for _, _, r in ready])
        except DataError:  # one value the database cannot store: find it entry by entry
            ended = {}
            ready = [item for item in ready if await self._claim_one(*item, ended)]
        # One start after another: starting a whole read at once puts more runs in flight
        # together, which costs the Temporal server and the worker more per postcard.
        started: list[bytes] = []
        try:
            for entry_id, fields, request in ready:
                if ended.get(request.task_id) == REFUSED:
                    reason = "the API answered 503 to this create: it must not run"
                    await self.dead_letter(entry_id, fields, reason, "CreateRefused", False)
                    continue
                if request.task_id in ended or await self._past_deadline(request):
                    # Cancelled, deleted or past its deadline before it started, or a
                    # redelivery of a run that ended: acknowledged, not started.
                    started.append(entry_id)
                    continue
                try:
                    created = await self._start(request)
                except TemporalRejected as exc:
                    await self.dead_letter(entry_id, fields, str(exc), "WorkflowStartRejected")
                    continue
                started.append(entry_id)
                self._started(entry_id, request, created)
        finally:  # Temporal went away mid-read: ack what started, the rest stays pending
            if started:
                stream, group = self.settings.stream_name, self.settings.consumer_group
                await self.redis.xack(stream, group, *started)

    async def _admit(
        self, entry_id: bytes, fields: dict[bytes, bytes], deliveries: int
    ) -> PostcardRequest | None:
        """The entry's request, or None when it was dead-lettered (malformed or exhausted)."""
        try:
            request = decode(fields)
        except InvalidEntry as exc:
            await self.dead_letter(entry_id, fields, f"invalid entry: {exc}", "InvalidStreamEntry")
            return None
        if deliveries > self.settings.stream_max_deliveries:
            reason = f"not started after {deliveries - 1} deliveries"
            await self.dead_letter(entry_id, fields, reason, "DeliveryExhausted")
            return None
        return request

    async def _claim_one(
        self,
        entry_id: bytes,
        fields: dict[bytes, bytes],
        request: PostcardRequest,
        ended: dict[str, str],
    ) -> bool:
        """Claim one task's row (adding it to `ended` when it must not start); False when the
        database refused the entry's values (the entry is dead-lettered)."""
        try:
            ended |= await asyncio.to_thread(self.store.claim, [request])
        except DataError as exc:  # a value the database cannot store: retrying cannot help
            reason = f"the database refused the entry: {str(exc.orig).splitlines()[0][:300]}"
            await self.dead_letter(entry_id, fields, reason, "InvalidStreamEntry")
            return False
        return True

    def _started(self, entry_id: bytes, request: PostcardRequest, created: bool) -> None:
        self.started += int(created)
        STARTS.labels(self.settings.stream_name).inc(int(created))
        log.info(
            "workflow started" if created else "duplicate delivery ignored",
            extra={
                "task_id": request.task_id,
                "workflow_id": request.task_id,
                "entry_id": entry_id.decode(),
            },
        )

    async def dead_letter(
        self,
        entry_id: bytes,
        fields: dict[bytes, bytes],
        reason: str,
        kind: str,
        fail_task: bool = True,
    ) -> None:
        """Move an entry to the dead-letter stream with its reason, ack it, and (unless
        `fail_task` is False: a refused create's row stays a tombstone) fail its task."""
        task_id = task_id_of(fields)
        letter = {
            "original_id": entry_id,
            "reason": reason,
            "error_type": kind,
            "failed_at": utcnow().isoformat(),
            "task_id": task_id or "",
            "fields": json.dumps(
                {
                    k.decode("utf-8", "replace"): v.decode("utf-8", "replace")[:2000]
                    for k, v in fields.items()
                },
                ensure_ascii=False,
            ),
        }
        await self.redis.xadd(self.settings.dead_letter_stream, letter)  # type: ignore[arg-type]
        if task_id and fail_task:
            error = PostcardError(step="ingest", type=kind, message=reason, retryable=False)
            await asyncio.to_thread(self.store.fail, task_id, 1, error)
        await self.redis.xack(self.settings.stream_name, self.settings.consumer_group, entry_id)
        self.dead_lettered += 1
        DEAD_LETTERED.labels(self.settings.stream_name).inc()
        log.warning(
            "entry dead-lettered",
            extra={"task_id": task_id, "reason": reason, "entry_id": entry_id.decode()},
        )


class TemporalUnavailable(Exception):
    """Temporal could not be reached; the entry stays pending and is retried."""


class TemporalRejected(Exception):
    """Temporal answered and refused the start; retrying the same entry cannot help."""


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        pass


async def connect_with_backoff(
    connect: Callable[[], Awaitable[Client]], stop: asyncio.Event, what: str
) -> Client | None:
    """Keep trying to connect until it works or `stop` is set."""
    delay = 0.5
    while not stop.is_set():
        try:
            return await connect()
        except (RuntimeError, RPCError, OSError) as exc:
            log.warning(
                f"{what} unavailable at start, retrying",
                extra={"error": str(exc), "retry_in_s": delay},
            )
            await _sleep_or_stop(stop, delay)
            delay = min(delay * 2, 10.0)
    return None
