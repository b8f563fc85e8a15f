"""Scenario `sse`: the create endpoint's p99 at 200 req/s while 200 event streams watch one
running postcard, against the same load with no stream open (the ratio is the result).

The watched postcard runs on the sleepy provider (its first step waits for minutes), so every
stream keeps asking for its progress; the starter is stopped once it has started that one run,
so the creates under load only reach the stream, as in scenario `create`.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
from dataclasses import dataclass
from typing import Any

import httpx

from bench.context import Context
from bench.infra import product_stack
from bench.loadgen import LoadResult, open_loop
from bench.measure import load_average, machine, summary
from bench.report import ScenarioResult, Target, now_iso

BODY = {"prompt": "a calm thank-you card for my team"}
CREATE = "/api/v1/postcards/create"
IDLE_WATCH_S = 5.0


@dataclass
class Watchers:
    """Event-stream readers that reconnect when a stream's window ends, as EventSource does."""

    host: str
    port: int
    path: str
    open_now: int = 0
    connects: int = 0
    refused: int = 0
    events: int = 0

    async def watch(self, stop: asyncio.Event) -> None:
        """One browser tab: a stream, read to its end, then the next one."""
        request = (
            f"GET {self.path} HTTP/1.1\r\nHost: {self.host}\r\nAccept: text/event-stream\r\n\r\n"
        )
        while not stop.is_set():
            reader, writer = await asyncio.open_connection(self.host, self.port)
            writer.write(request.encode())
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            self.connects += 1
            if not head.startswith(b"HTTP/1.1 200"):
                self.refused += 1
                writer.close()
                await asyncio.sleep(1.0)
                continue
            self.open_now += 1
            try:
                while not stop.is_set():
                    chunk = await reader.read(65536)
                    if not chunk:
                        break
                    self.events += chunk.count(b"event: status")
            finally:
                self.open_now -= 1
                writer.close()


def _row(phase: str, result: LoadResult, cpu_s: float, streams: int) -> dict[str, Any]:
    latency = summary(result.latencies_ms, 2)
    return {
        "phase": phase,
        "streams_open": streams,
        "sent": result.sent,
        "errors": result.errors,
        "p50_ms": latency["p50"],
        "p99_ms": latency["p99"],
        "max_ms": latency["max"],
        "api_cpu_ms_each": round(cpu_s * 1000 / result.ok, 3) if result.ok else None,
        "load_1m": load_average()[0],
    }


async def _running_postcard(api_url: str) -> str:
    async with httpx.AsyncClient(base_url=api_url, timeout=30) as http:
        task_id: str = (await http.post(CREATE, json=BODY)).json()["task_id"]
        for _ in range(600):
            body = (await http.get(f"/api/v1/postcards/status/{task_id}")).json()
            if body["status"] == "PROCESSING":
                return task_id
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{task_id} never started: {body}")


async def sse(ctx: Context) -> ScenarioResult:
    """Idle and watched rounds of an open loop at 200 creates/s, alternating."""
    rate = ctx.size(200.0, 50.0)
    duration = ctx.size(20.0, 2.0)
    streams = ctx.size(200, 20)
    started = now_iso()
    rows: list[dict[str, Any]] = []
    env = {
        "SIMULATED_DELAYS": "concept=900,content=900,image=900,frontend=900",
        "AI_WORKFLOW_TIMEOUT": "3600",
        "EVENTS_MAX_STREAMS": str(streams * 2),
        "EVENTS_MAX_STREAMS_PER_USER": str(streams * 2),
    }
    watchers: Watchers | None = None
    watch_cpu: list[float] = []  # API CPU seconds per second while only the streams run
    async with product_stack(ctx.folder("sse"), "sleepy", env) as stack:
        task_id = await _running_postcard(stack.api_url)
        await asyncio.to_thread(stack.processes["starter"].stop)
        api = stack.processes["api"]
        url = stack.api_url + CREATE
        watchers = Watchers("127.0.0.1", api.port or 0, f"/api/v1/postcards/{task_id}/events")
        await open_loop(url, BODY, rate / 4, 2.0)  # warm-up
        for _ in range(ctx.repeat):
            for phase in ("idle", "watched"):
                stop = asyncio.Event()
                tabs: list[asyncio.Task[None]] = []
                if phase == "watched":
                    tabs = [asyncio.create_task(watchers.watch(stop)) for _ in range(streams)]
                    for _ in range(300):
                        if watchers.open_now >= streams:
                            break
                        await asyncio.sleep(0.1)
                    await asyncio.sleep(2.0)  # past the connect burst: steady watching
                    cpu = api.cpu_seconds()
                    await asyncio.sleep(IDLE_WATCH_S)
                    watch_cpu.append((api.cpu_seconds() - cpu) / IDLE_WATCH_S)
                cpu = api.cpu_seconds()
                result = await open_loop(url, BODY, rate, duration)
                cpu = api.cpu_seconds() - cpu
                rows.append(_row(phase, result, cpu, watchers.open_now))
                stop.set()
                for tab in tabs:
                    tab.cancel()
                for tab in tabs:
                    with contextlib.suppress(asyncio.CancelledError, OSError):
                        await tab
                await asyncio.sleep(1.0)
    idle = statistics.median(r["p99_ms"] for r in rows if r["phase"] == "idle")
    watched = statistics.median(r["p99_ms"] for r in rows if r["phase"] == "watched")
    ratio = round(watched / idle, 2) if idle else None
    return ScenarioResult(
        name="sse",
        title=f"Create p99 at {rate:g}/s with {streams} event streams on one postcard",
        columns=[
            "phase",
            "streams_open",
            "sent",
            "errors",
            "p50_ms",
            "p99_ms",
            "max_ms",
            "api_cpu_ms_each",
            "load_1m",
        ],
        rows=rows,
        targets=[
            Target.at_most("create p99 watched / idle", ratio, 2.0, "×"),
            Target.at_most("create errors", sum(r["errors"] for r in rows), 0, ""),
        ],
        metrics={
            "idle_p99_ms": idle,
            "watched_p99_ms": watched,
            "ratio": ratio,
            "stream_connects": watchers.connects if watchers else 0,
            "streams_refused": watchers.refused if watchers else 0,
            "status_events": watchers.events if watchers else 0,
            "api_cpu_share_streams_only": round(statistics.median(watch_cpu), 3)
            if watch_cpu
            else None,
        },
        notes=[
            "Open-loop latency counts from each request's scheduled send time.",
            "Each watcher reads its stream to the end of the server's window and reconnects, as "
            "EventSource does; the streams poll the row and share one progress query per 250 ms.",
            "Stream caps raised to twice the watchers for the run (defaults: 16 per user, 512).",
            "api_cpu_ms_each: the API process's CPU over the phase / answered creates (the "
            "streams' own work included).",
            "api_cpu_share_streams_only: the API's CPU seconds per second with the streams "
            f"open and no creates ({IDLE_WATCH_S:g} s before each watched round).",
        ],
        params={"rate": rate, "duration_s": duration, "streams": streams},
        started_at=started,
        finished_at=now_iso(),
        machine=machine(),
        quick=ctx.quick,
    )
