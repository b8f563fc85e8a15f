"""A create answered 503 never runs, even when Redis applied its XADD and only the reply was lost;
a retry with the same Idempotency-Key then makes the postcard, once. Real Redis behind a TCP
proxy that loses the reply, a real starter and Temporal, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from urllib.parse import urlparse

import httpx
import pytest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from core.devserver import free_port
from core.settings import Settings
from core.wiring import redis_client
from ingest import stream
from runs.reads import REFUSED
from runs.wiring import run_reads
from tests.stack import RedisServer, run_starter, serve_api, stack_settings

CREATE = "/api/v1/postcards/create"


class ReplyLosingProxy:
    """A TCP proxy in front of a real Redis. While `armed`, a command that contains `marker`
    is forwarded to Redis (which applies it) and the client's connection is closed when the
    reply comes back, instead of relaying it: the client sees a dropped connection."""

    def __init__(self, upstream: str, marker: bytes) -> None:
        parsed = urlparse(upstream)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 6379
        self.marker = marker
        self.armed = False
        self.lost = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"redis://127.0.0.1:{self._server.sockets[0].getsockname()[1]}/0"

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        redis_r, redis_w = await asyncio.open_connection(self.host, self.port)
        losing = False

        async def to_redis() -> None:
            nonlocal losing
            while data := await client_r.read(65536):
                # redis-py waits for each reply before its next command on a connection, so
                # whatever Redis sends after this command is this command's reply.
                losing = losing or (self.armed and self.marker in data)
                redis_w.write(data)
                await redis_w.drain()

        async def to_client() -> None:
            while data := await redis_r.read(65536):
                if losing:
                    self.lost += 1
                    return
                client_w.write(data)
                await client_w.drain()

        pumps = [asyncio.create_task(to_redis()), asyncio.create_task(to_client())]
        try:
            await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for pump in pumps:
                pump.cancel()
            for writer in (client_w, redis_w):
                writer.close()

    @asynccontextmanager
    async def running(self) -> AsyncIterator[ReplyLosingProxy]:
        def serve(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            task = asyncio.create_task(self._serve(r, w))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

        self._server = await asyncio.start_server(serve, "127.0.0.1", 0)
        try:
            yield self
        finally:
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            await self._server.wait_closed()


async def _no_workflow(client: Client, task_id: str) -> bool:
    try:
        await client.get_workflow_handle(task_id).describe()
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return True
        raise
    return False


async def _until(check: object, what: str, timeout_s: float = 30) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not await check():  # type: ignore[operator]
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        await asyncio.sleep(0.1)


@pytest.fixture
def losing_settings(settings: Settings, redis_server: RedisServer) -> Settings:
    base = settings.model_copy(update={"create_rate_limit": "100000/hour"})
    return stack_settings(base, redis_server.url, free_port())


async def test_a_create_whose_xadd_reply_is_lost_is_503_and_never_runs_then_a_retry_runs_once(
    client: Client, losing_settings: Settings
) -> None:
    real = losing_settings
    redis = redis_client(real)
    # Redis knows the append script, so the command the proxy loses is the EVALSHA itself.
    sha = await redis.script_load(stream._APPEND)
    assert sha == hashlib.sha1(stream._APPEND.encode()).hexdigest()
    proxy = ReplyLosingProxy(real.redis_url, sha.encode())
    key = {"Idempotency-Key": uuid.uuid4().hex}
    body = {"prompt": "a thank-you card for the night shift"}
    try:
        async with proxy.running():
            via_proxy = real.model_copy(update={"redis_url": proxy.url})
            async with (
                serve_api(via_proxy) as base,
                httpx.AsyncClient(base_url=base, timeout=60) as http,
            ):
                proxy.armed = True
                refused = await http.post(CREATE, json=body, headers=key)
                assert refused.status_code == 503, refused.text
                assert int(refused.headers["retry-after"]) > 0
                assert "task queue (Redis) is unavailable" in refused.json()["detail"]
                assert proxy.lost >= 1, "Redis applied the XADD; only its reply was lost"
                entries = await redis.xrange(real.stream_name)
                assert len(entries) == proxy.lost, "every lost reply left its entry"
                task_id = entries[0][1][b"task_id"].decode()
                assert {f[b"task_id"].decode() for _, f in entries} == {task_id}

                # Nobody sees the refused create.
                assert (await http.get(f"/api/v1/postcards/status/{task_id}")).status_code == 404
                listing = (await http.get("/api/v1/postcards")).json()
                assert task_id not in {item["task_id"] for item in listing["items"]}
                tombstone = run_reads(real).run(task_id, 1)
                assert tombstone is not None and tombstone.status == REFUSED

                # The starter drops every entry of it, with the reason, and starts nothing.
                async with run_starter(real, client) as starter:

                    async def all_dropped() -> bool:
                        return starter.dead_lettered == len(entries)

                    await _until(all_dropped, "the refused entries are dead-lettered")
                    assert starter.started == 0
                letters = await redis.xrange(real.dead_letter_stream)
                assert len(letters) == len(entries)
                for _, letter in letters:
                    assert letter[b"task_id"].decode() == task_id
                    assert letter[b"error_type"] == b"CreateRefused"
                    assert b"503" in letter[b"reason"]
                assert await _no_workflow(client, task_id)
                tombstone = run_reads(real).run(task_id, 1)
                assert tombstone is not None and tombstone.status == REFUSED

                # The client retries with the same key: the postcard is made, once.
                proxy.armed = False
                retried = await http.post(CREATE, json=body, headers=key)
                assert retried.status_code == 202, retried.text
                assert retried.json()["task_id"] == task_id
                async with run_starter(real, client) as starter:

                    async def started() -> bool:
                        return starter.started == 1

                    await _until(started, "the retried create's workflow starts")
                status = await http.get(f"/api/v1/postcards/status/{task_id}")
                assert status.status_code == 200 and status.json()["status"] == "PENDING"
                runs = [w async for w in client.list_workflows(f"WorkflowId = '{task_id}'")]
                assert len(runs) <= 1
    finally:
        with suppress(RPCError, NameError):
            await client.get_workflow_handle(task_id).terminate("test over")
        await redis.aclose()


async def test_the_starter_still_records_and_starts_entries_other_producers_add(
    client: Client, losing_settings: Settings
) -> None:
    """SPEC §4.2: an entry with no row at all (a mini-program backend, a batch import)."""
    from core.db import utcnow
    from core.models import PostcardRequest
    from ingest.messages import encode

    real = losing_settings
    request = PostcardRequest(
        task_id=uuid.uuid4().hex, user_input="来自小程序的中秋贺卡", created_at=utcnow()
    )
    redis = redis_client(real)
    try:
        await redis.xadd(real.stream_name, encode(request))  # type: ignore[arg-type]
        async with run_starter(real, client) as starter:

            async def started() -> bool:
                return starter.started == 1

            await _until(started, "the other producer's entry starts")
        row = run_reads(real).get(request.task_id)
        assert row is not None and row.postcard.user_input == request.user_input
        assert not await _no_workflow(client, request.task_id)
    finally:
        with suppress(RPCError):
            await client.get_workflow_handle(request.task_id).terminate("test over")
        await redis.aclose()
