"""`/healthz` and Prometheus `/metrics` for the starter and the worker, on one small port."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from datetime import timedelta
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import sqlalchemy as sa
from prometheus_client import REGISTRY, make_wsgi_app
from prometheus_client.exposition import ThreadingWSGIServer
from temporalio.client import Client

from core.db import make_engine

log = logging.getLogger("postcards.health")
Probe = Callable[[], Awaitable[object]]


class Liveness:
    """Whether a process's main loop runs, and when each of its dependencies last answered."""

    def __init__(self, dependencies: Iterable[str], max_age_s: float) -> None:
        self.running = False
        self.max_age_s = max_age_s
        self._seen: dict[str, float | None] = dict.fromkeys(dependencies)

    def answered(self, dependency: str) -> None:
        """Record that a dependency answered just now."""
        self._seen[dependency] = time.monotonic()

    def report(self) -> dict[str, Any]:
        """`ok` when the loop runs and every dependency answered within `max_age_s`."""
        now = time.monotonic()
        checks = {}
        for name, seen in self._seen.items():
            age = None if seen is None else round(now - seen, 1)
            checks[name] = {"ok": age is not None and age <= self.max_age_s, "age_s": age}
        ok = self.running and all(check["ok"] for check in checks.values())
        return {"ok": ok, "running": self.running, "checks": checks}


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Scrapes and probes every few seconds are not worth a log line."""


def _wsgi_app(liveness: Liveness) -> Callable[..., Iterable[bytes]]:
    metrics = make_wsgi_app(REGISTRY)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/healthz":
            return metrics(environ, start_response)  # type: ignore[no-any-return]
        body = liveness.report()
        status = "200 OK" if body["ok"] else "503 Service Unavailable"
        start_response(status, [("Content-Type", "application/json")])
        return [json.dumps(body).encode()]

    return app


def serve(host: str, port: int, liveness: Liveness) -> ThreadingWSGIServer | None:
    """Serve `/healthz` and `/metrics` from a daemon thread; None when off (port 0) or taken."""
    if not port:
        return None
    try:
        server = make_server(host, port, _wsgi_app(liveness), ThreadingWSGIServer, _QuietHandler)
    except OSError as exc:
        log.warning("health endpoint not started", extra={"port": port, "error": str(exc)})
        return None
    threading.Thread(target=server.serve_forever, name="health", daemon=True).start()
    log.info("health endpoint listening", extra={"host": host, "port": port})
    return server


async def _probe_forever(liveness: Liveness, probes: dict[str, Probe], interval_s: float) -> None:
    while True:
        for name, probe in probes.items():
            try:
                await asyncio.wait_for(probe(), timeout=max(1.0, interval_s))
                liveness.answered(name)
            except Exception as exc:
                log.warning(
                    "dependency check failed", extra={"dependency": name, "error": str(exc)}
                )
        await asyncio.sleep(interval_s)


@contextlib.asynccontextmanager
async def health_endpoint(
    host: str,
    port: int,
    liveness: Liveness,
    probes: dict[str, Probe] | None = None,
    interval_s: float = 10.0,
) -> AsyncIterator[Liveness]:
    """Serve the endpoint while the block runs; `probes` keep the dependencies' times fresh."""
    server = serve(host, port, liveness)
    task = asyncio.create_task(_probe_forever(liveness, probes, interval_s)) if probes else None
    try:
        yield liveness
    finally:
        liveness.running = False
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if server is not None:
            await asyncio.to_thread(server.shutdown)
            server.server_close()


def worker_probes(client: Client, database_url: str) -> dict[str, Probe]:
    """The worker's dependencies: Temporal's health check and a `SELECT 1` on the database."""
    engine = make_engine(database_url)

    def select_one() -> None:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    return {
        "temporal": lambda: client.service_client.check_health(timeout=timedelta(seconds=5)),
        "database": lambda: asyncio.to_thread(select_one),
    }
