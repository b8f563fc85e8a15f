"""A real starter process on real Redis: stream metrics and a /healthz that follows Redis."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.service import RPCError

from core.devserver import free_port
from core.settings import Settings
from core.wiring import redis_client
from ingest.producer import Ingest
from runs.wiring import run_store
from tests.conftest import REPO
from tests.harness import make_request
from tests.stack import RedisServer, stack_settings
from tests.test_ops_support import Samples, scrape, value, wait_http


def _spawn(settings: Settings, port: int, log: Path) -> subprocess.Popen:
    env = os.environ | {
        "DATA_DIR": str(settings.data_dir),
        "DATABASE_URL": settings.effective_database_url,
        "TEMPORAL_ADDRESS": settings.temporal_address,
        "TEMPORAL_TASK_QUEUE": settings.temporal_task_queue,
        "REDIS_URL": settings.redis_url,
        "STREAM_NAME": settings.stream_name,
        "DEAD_LETTER_STREAM": settings.dead_letter_stream,
        "STREAM_BLOCK_MS": "200",
        "STREAM_CLAIM_INTERVAL_S": "0.5",
        "METRICS_HOST": "127.0.0.1",
        "STARTER_METRICS_PORT": str(port),
        "HEALTH_MAX_AGE_S": "5",
        "LOG_FORMAT": "json",
    }
    return subprocess.Popen(
        [sys.executable, "starter.py"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )


async def _until(url: str, ready: dict[str, float], stream: str, timeout_s: float = 60) -> Samples:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        samples = await scrape(url)
        seen = {name: value(samples, name, stream=stream) for name in ready}
        if seen == ready:
            return samples
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"metrics never reached {ready}; last {seen}")
        await asyncio.sleep(0.5)


async def _redis_reported_down(url: str, timeout_s: float = 60) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while asyncio.get_running_loop().time() < deadline:
        body = (await wait_http(url, 503, timeout_s=timeout_s)).json()
        if not body["checks"]["redis"]["ok"]:
            return body
        await asyncio.sleep(0.3)
    raise AssertionError("/healthz never reported Redis down")


@pytest.fixture
def redis_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A redis-server this test may stop and start again on the same port."""
    server = RedisServer(tmp_path / "redis", appendonly=True)
    server.start()
    yield server
    server.stop()


async def test_starter_process_reports_stream_metrics_and_redis_health(
    client: Client, settings: Settings, redis_server: RedisServer, tmp_path: Path
) -> None:
    stack = stack_settings(settings, redis_server.url, free_port())
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    starter = _spawn(stack, port, tmp_path / "starter.log")
    requests = [make_request("a thank-you card"), make_request("a get-well card")]
    try:
        health = (await wait_http(f"{base}/healthz", 200)).json()
        assert set(health["checks"]) == {"redis", "temporal"}
        redis = redis_client(stack)
        ingest = Ingest(run_store(stack), redis, stack)
        for request in requests:
            await ingest.submit(request)
        await ingest.close()
        await redis.xadd(stack.stream_name, {"task_type": "postcard_generation"})
        await redis.aclose()
        await _until(
            f"{base}/metrics",
            {
                "postcard_starter_starts_total": 2,
                "postcard_starter_dead_lettered_total": 1,
                "postcard_stream_length": 3,
                "postcard_stream_pending": 0,
                "postcard_stream_lag": 0,
                "postcard_dead_letter_length": 1,
            },
            stack.stream_name,
        )

        redis_server.stop()
        down = await _redis_reported_down(f"{base}/healthz")
        assert down["running"] and not down["ok"]
        redis_server.start()
        await wait_http(f"{base}/healthz", 200, timeout_s=60)
    finally:
        starter.send_signal(signal.SIGTERM)
        starter.wait(timeout=30)
        for request in requests:
            try:
                await client.get_workflow_handle(request.task_id).terminate("test over")
            except RPCError:
                pass
    assert starter.returncode == 0
