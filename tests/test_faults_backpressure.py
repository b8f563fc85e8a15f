"""Backpressure and request limits: backlog 503, per-user create rate 429, body size 413."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from temporalio.client import Client

from core.devserver import free_port
from core.migrate import migrate
from core.settings import Settings
from core.wiring import redis_client
from ingest.backlog import backlog
from runs.wiring import run_reads
from tests.stack import RedisServer, run_starter, serve_api, stack_settings

CREATE = "/api/v1/postcards/create"


def api_settings(tmp_path: Path, redis: RedisServer, temporal: str, **fields: Any) -> Settings:
    """Settings for an API on its own SQLite file and stream."""
    url = f"sqlite:///{tmp_path / 'postcards.db'}"
    migrate(url)
    base = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        database_url=url,
        temporal_address=temporal,
        log_format="console",
        **fields,
    )
    return stack_settings(base, redis.url, free_port())


@asynccontextmanager
async def api(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serve_api(settings) as base, httpx.AsyncClient(base_url=base, timeout=30) as http:
        yield http


async def test_create_answers_503_with_retry_after_once_the_backlog_is_full(
    client: Client, temporal_address: str, redis_server: RedisServer, tmp_path: Path
) -> None:
    settings = api_settings(tmp_path, redis_server, temporal_address, stream_max_backlog=3)
    async with api(settings) as http:
        for n in range(3):
            ok = await http.post(CREATE, json={"prompt": f"card {n}"})
            assert ok.status_code == 202, ok.text
        before = run_reads(settings).count_by_status()
        full = await http.post(CREATE, json={"prompt": "one too many"})
        assert full.status_code in (429, 503)
        assert int(full.headers["retry-after"]) > 0
        assert "waiting (3)" in full.json()["detail"]
        assert run_reads(settings).count_by_status() == before, "a refused create records nothing"

        # A starter drains the stream (it acks once Temporal accepted each start), and the
        # backlog must fall back to zero: on Redis 6.2 XLEN never shrinks, so it is not a backlog.
        redis = redis_client(settings)
        async with run_starter(settings, client) as starter:
            for _ in range(100):
                if starter.started == 3:
                    break
                await asyncio.sleep(0.1)
        assert starter.started == 3
        assert await redis.xlen(settings.stream_name) == 3
        assert await backlog(redis, settings) == 0
        await redis.aclose()
        again = await http.post(CREATE, json={"prompt": "room again"})
        assert again.status_code == 202, again.text


async def test_create_rate_limit_is_per_user_with_429_retry_after_and_a_reason(
    temporal_address: str, redis_server: RedisServer, tmp_path: Path
) -> None:
    settings = api_settings(
        tmp_path,
        redis_server,
        temporal_address,
        create_rate_limit="3/hour",
        api_keys="key-alice:alice,key-bob:bob",
    )
    alice = {"Authorization": "Bearer key-alice"}
    async with api(settings) as http:
        for n in range(3):
            ok = await http.post(CREATE, json={"prompt": f"card {n}"}, headers=alice)
            assert ok.status_code == 202, ok.text
        limited = await http.post(CREATE, json={"prompt": "card 4"}, headers=alice)
        assert limited.status_code == 429
        assert 0 < int(limited.headers["retry-after"]) <= 3600
        assert "limit is 3 per 3600 s" in limited.json()["detail"]
        bob = await http.post(
            CREATE, json={"prompt": "bob's card"}, headers={"X-API-Key": "key-bob"}
        )
        assert bob.status_code == 202, "another user has a window of their own"
        unknown = await http.post(CREATE, json={"prompt": "x"}, headers={"X-API-Key": "nope"})
        assert unknown.status_code == 401
        _, total = run_reads(settings).list_for_user("alice", 0, 10)
        assert total == 3
        assert (await http.get("/api/v1/postcards", headers=alice)).status_code == 200


async def test_bodies_over_the_limit_get_413_before_parsing(
    temporal_address: str, redis_server: RedisServer, tmp_path: Path
) -> None:
    settings = api_settings(tmp_path, redis_server, temporal_address, max_body_bytes=1024)
    big = b'{"prompt": "' + b"a" * 2000 + b'"}'
    async with api(settings) as http:
        declared = await http.post(
            CREATE, content=big, headers={"Content-Type": "application/json"}
        )
        assert declared.status_code == 413
        assert "1024-byte limit" in declared.json()["detail"]

        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(big), 256):
                yield big[start : start + 256]

        streamed = await http.post(
            CREATE, content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert streamed.request.headers.get("transfer-encoding") == "chunked"
        assert streamed.status_code == 413
        assert "1024-byte limit" in streamed.json()["detail"]

        bogus = await http.post(CREATE, content=b"{not json", headers={"Content-Length": "9"})
        assert bogus.status_code == 422 and bogus.json()["detail"]
        assert run_reads(settings).count_by_status() == {}
        small = await http.post(CREATE, json={"prompt": "a" * 900})
        assert small.status_code == 202, small.text
