"""The two throughput workloads: the raw-Temporal baseline (a) and the product's full path (b)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from temporalio.client import Client, WorkflowHandle
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)

from bench.infra import (
    PYTHON,
    Process,
    Storage,
    connect,
    cpu_ms_per_item,
    cpu_snapshot,
    product_stack,
    running,
    temporal_process,
)
from bench.loadgen import Connection, post_request
from bench.measure import PostcardTable, load_average, summary
from bench.noop import NoopWorkflow
from core.devserver import free_port
from runs.launch import STEP_ATTRIBUTE

PROMPTS = (
    "做一张温馨可爱的生日明信片",
    "a calm thank-you card for my team",
    "Happy Mid-Autumn Festival to my grandparents",
    "get well soon, Sam",
)


async def baseline(
    workdir: Path, n: int, warmup: int, storage: Storage = "wal", env: dict[str, str] | None = None
) -> dict[str, Any]:
    """(a) N NoopWorkflows started at once on a fresh dev server; workflows/s, start→result."""
    await asyncio.to_thread(workdir.mkdir, parents=True, exist_ok=True)
    temporal = temporal_process(workdir, storage)
    with running(temporal):
        address = f"127.0.0.1:{temporal.port}"
        client = await connect(address)
        queue = "noop-bench"
        worker_env = {
            "TEMPORAL_ADDRESS": address,
            "TEMPORAL_TASK_QUEUE": queue,
            "WORKER_METRICS_PORT": str(free_port()),
            **(env or {}),
        }
        worker = Process("noop-worker", [PYTHON, "-m", "bench.noop"], workdir, worker_env)
        with running(worker):

            async def one(i: int) -> tuple[float, datetime]:
                began = time.time()
                handle = await start_like_the_starter(client, f"v{i}", queue)
                await handle.result()
                return began, await closed_at(client, handle.id)

            await asyncio.gather(*(one(i) for i in range(warmup)))
            processes = {"temporal": temporal, "worker": worker}
            load, cpu = load_average(), cpu_snapshot(processes)
            first = time.time()
            spans = await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(n))), 900)
            cpu_ms = cpu_ms_per_item(cpu, cpu_snapshot(processes), n)
    latencies = [(done.timestamp() - start) * 1000 for start, done in spans]
    elapsed = max(done.timestamp() for _, done in spans) - first
    return {
        "n": n,
        "storage": storage,
        "elapsed_s": round(elapsed, 2),
        "workflows_per_s": round(n / elapsed, 2),
        "latency_ms": summary(latencies),
        "cpu_ms_per_item": cpu_ms,
        "load_before": load,
        "load_after": load_average(),
    }


async def create_all(api_url: str, n: int, concurrency: int, offset: int = 0) -> list[str]:
    """POST n creates over `concurrency` keep-alive connections; the task ids, in order.

    The lean client of bench/loadgen.py, not httpx: on two cores the load generator's CPU
    competes with the stack it measures (httpx cost ~9 ms of CPU a create, this ~1 ms).
    A create whose connection broke is sent again on a new connection (the benchmark only
    follows the task ids it was given, so a lost answer's postcard is simply not counted).
    """
    url = f"{api_url}/api/v1/postcards/create"
    requests = [post_request(url, {"prompt": prompt}) for prompt in PROMPTS]
    host, port, _ = requests[0]
    idle: list[Connection] = []
    limit = asyncio.Semaphore(concurrency)

    async def one(i: int) -> str:
        request = requests[(i + offset) % len(requests)][2]
        async with limit:
            for attempt in range(3):
                conn = idle.pop() if idle else await Connection.open(host, port)
                try:
                    status, body = await conn.exchange_full(request)
                except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                    conn.close()
                    if attempt == 2:
                        raise
                    continue
                idle.append(conn)
                if status != 202:
                    raise RuntimeError(f"create answered {status}: {body[:300]!r}")
                task_id: str = json.loads(body)["task_id"]
                return task_id
        raise AssertionError("unreachable")

    try:
        return list(await asyncio.gather(*(one(i) for i in range(n))))
    finally:
        for conn in idle:
            conn.close()


async def full_path(
    workdir: Path,
    n: int,
    warmup: int,
    env: dict[str, str] | None = None,
    concurrency: int = 50,
    storage: Storage = "wal",
    timeout_s: float = 900,
    provider: str = "instant",
) -> dict[str, Any]:
    """(b) N HTTP creates → stream → starter → PostcardWorkflow (`instant`, or another
    provider for every step) until COMPLETED."""
    async with product_stack(workdir, provider, env, storage) as stack:
        table = PostcardTable(stack.database_url)
        try:
            warm = await create_all(stack.api_url, warmup, concurrency)
            if not await table.wait_finished(warm, timeout_s):
                raise RuntimeError(f"warm-up did not finish: {stack.processes['worker'].tail()}")
            load, cpu = load_average(), cpu_snapshot(stack.processes)
            began = time.perf_counter()
            ids = await create_all(stack.api_url, n, concurrency)
            created_s = time.perf_counter() - began
            finished = await table.wait_finished(ids, timeout_s)
            client = await connect(stack.temporal_address)
            closed = await close_times(client, ids)
            wall = time.perf_counter() - began
            cpu_ms = cpu_ms_per_item(cpu, cpu_snapshot(stack.processes), n)
            rows = await asyncio.to_thread(table.rows, ids)
        finally:
            table.close()
    completed = [r for r in rows if r.status == "COMPLETED"]
    # As for the baseline, the clock stops when Temporal records the run as closed.
    latencies = [(closed[r.task_id] - r.created_at).total_seconds() * 1000 for r in completed]
    first = min(r.created_at for r in rows)
    last = max((closed[r.task_id] for r in completed), default=first)
    span = max((last - first).total_seconds(), 1e-9)
    return {
        "n": n,
        "storage": storage,
        "env": env or {},
        "all_finished": finished,
        "completed": len(completed),
        "failed": sum(r.status == "FAILED" for r in rows),
        "creates_elapsed_s": round(created_s, 2),
        "elapsed_s": round(span, 2),
        "wall_s": round(wall, 2),
        "postcards_per_s": round(len(completed) / span, 2),
        "latency_ms": summary(latencies),
        "cpu_ms_per_item": cpu_ms,
        "load_before": load,
        "load_after": load_average(),
    }


async def start_like_the_starter(client: Client, value: str, queue: str) -> WorkflowHandle:
    """Start a NoopWorkflow with the options runs/launch.py starts a postcard with."""
    return await client.start_workflow(
        NoopWorkflow.run,
        value,
        id=f"noop-{uuid.uuid4().hex}",
        task_queue=queue,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        execution_timeout=timedelta(minutes=10),
        memo={"prompt": value, "user_id": "local"},
        search_attributes=TypedSearchAttributes([SearchAttributePair(STEP_ATTRIBUTE, "concept")]),
        static_summary=value,
    )


async def closed_at(client: Client, workflow_id: str) -> datetime:
    """When Temporal recorded the run as closed: where both workloads stop the clock."""
    description = await client.get_workflow_handle(workflow_id).describe()
    if description.close_time is None:
        raise RuntimeError(f"{workflow_id} has not closed")
    return description.close_time


async def close_times(client: Client, workflow_ids: list[str]) -> dict[str, datetime]:
    """Close times of many runs, a few describes at a time."""
    gate = asyncio.Semaphore(20)

    async def one(workflow_id: str) -> tuple[str, datetime]:
        async with gate:
            for _ in range(100):  # the last write lands a moment before the run closes
                try:
                    return workflow_id, await closed_at(client, workflow_id)
                except RuntimeError:
                    await asyncio.sleep(0.05)
            return workflow_id, await closed_at(client, workflow_id)

    return dict(await asyncio.gather(*(one(w) for w in workflow_ids)))
