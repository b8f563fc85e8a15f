"""Scenario `create` (d): the create endpoint under open-loop load, and its sustained maximum
against a minimal FastAPI endpoint served by the same uvicorn configuration."""

from __future__ import annotations

from typing import Any

from bench.context import Context
from bench.infra import api_process, product_stack, running
from bench.loadgen import LoadResult, closed_loop, open_loop
from bench.measure import load_average, machine, summary
from bench.report import ScenarioResult, Target, now_iso

BODY = {"prompt": "做一张温馨可爱的生日明信片"}
PATH = "/api/v1/postcards/create"


def _row(name: str, mode: str, result: LoadResult, cpu_s: float) -> dict[str, Any]:
    latency = summary(result.latencies_ms, 2)
    return {
        "endpoint": name,
        "load": mode,
        "sent": result.sent,
        "errors": result.errors,
        "per_s": round(result.ok / result.elapsed_s, 1) if result.elapsed_s else None,
        "p50_ms": latency["p50"],
        "p99_ms": latency["p99"],
        "max_ms": latency["max"],
        # The server's own CPU per answered request: less skewed by other jobs than req/s.
        "cpu_ms_each": round(cpu_s * 1000 / result.ok, 3) if result.ok else None,
        "load_1m": load_average()[0],
    }


async def create(ctx: Context) -> ScenarioResult:
    """Open loop at 200 req/s, then closed loop for the maximum, product vs minimal endpoint."""
    rate = ctx.size(200.0, 50.0)
    duration = ctx.size(30.0, 2.0)
    burst = ctx.size(10.0, 2.0)
    connections = 32
    started = now_iso()
    rows: list[dict[str, Any]] = []
    statuses: dict[str, Any] = {}
    folder = ctx.folder("create")
    async with product_stack(folder, "instant", with_temporal=False) as stack:
        minimal = api_process(folder, {}, app="bench.minimal_app:app")
        with running(minimal):
            product_url = stack.api_url + PATH
            minimal_url = f"http://127.0.0.1:{minimal.port}{PATH}"
            api = stack.processes["api"]
            await open_loop(product_url, BODY, rate / 4, 2.0)  # warm-up
            await closed_loop(minimal_url, BODY, 4, 1.0)
            cpu = api.cpu_seconds()
            steady = await open_loop(product_url, BODY, rate, duration)
            cpu = api.cpu_seconds() - cpu
            rows.append(_row("create", f"open loop {rate:g}/s × {duration:g} s", steady, cpu))
            statuses["open_loop"] = steady.statuses
            for round_no in range(1, ctx.repeat + 1):
                for name, url, server in (
                    ("create", product_url, api),
                    ("minimal", minimal_url, minimal),
                ):
                    cpu = server.cpu_seconds()
                    peak = await closed_loop(url, BODY, connections, burst)
                    cpu = server.cpu_seconds() - cpu
                    rows.append(_row(name, f"closed loop, {connections} conns", peak, cpu))
                    statuses[f"{name}_closed_{round_no}"] = peak.statuses
    steady_row = rows[0]
    create_max = max(r["per_s"] for r in rows[1:] if r["endpoint"] == "create")
    minimal_max = max(r["per_s"] for r in rows[1:] if r["endpoint"] == "minimal")
    ratio = round(create_max / minimal_max, 3) if minimal_max else None
    return ScenarioResult(
        name="create",
        title="Create endpoint over loopback",
        columns=[
            "endpoint",
            "load",
            "sent",
            "errors",
            "per_s",
            "p50_ms",
            "p99_ms",
            "max_ms",
            "cpu_ms_each",
            "load_1m",
        ],
        rows=rows,
        targets=[
            Target.at_most(f"create p99 at {rate:g} req/s", steady_row["p99_ms"], 25, "ms"),
            Target.at_most(f"create errors at {rate:g} req/s", steady_row["errors"], 0, ""),
            Target.at_least("max creates/s vs minimal endpoint", ratio, 0.5, ""),
        ],
        metrics={
            "create_max_per_s": create_max,
            "minimal_max_per_s": minimal_max,
            "ratio": ratio,
            "statuses": statuses,
        },
        notes=[
            "Open-loop latency counts from each request's scheduled send time.",
            "The create endpoint saves the task's row in SQLite (WAL) and XADDs it to Redis; the "
            "per-user rate limit and backlog check run but are sized never to trip. The minimal "
            "endpoint validates the same body and answers the same shape, nothing more.",
            "cpu_ms_each: the server process's CPU time over the phase / answered requests.",
            "uvicorn: one process, uvloop + httptools, --log-level warning --no-access-log; the "
            "load generator shares the same two cores.",
        ],
        params={"rate": rate, "duration_s": duration, "burst_s": burst, "connections": connections},
        started_at=started,
        finished_at=now_iso(),
        machine=machine(),
        quick=ctx.quick,
    )
