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
from bench.temporal_calls import close_times, wait_closed
from core.devserver import free_port
from runs.launch import STEP_ATTRIBUTE
from runs.settler import WORKFLOW_TYPE as POSTCARD_TYPE

NOOP_TYPE = "NoopWorkflow"

PROMPTS = (
    "做一张温馨可爱的生日明信片",
    "a calm thank-you card for my team",
    "Happy Mid-Autumn Festival to my grandparents",
    "get well soon, Sam",
)


async def baseline(
    workdir: Path, n: int, warmup: int, storage: Storage = "wal", env: dict[str, str] | None = None
) -> dict[str, Any]:
    """(a) N NoopWorkflows started at once on a fresh dev server; workflows/s, start→closed."""
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
            sent: dict[str, float] = {}

            async def one(i: int) -> None:
                began = time.time()
                handle = await start_like_the_starter(client, f"v{i}", queue)
                sent[handle.id] = began

            await asyncio.gather(*(one(i) for i in range(warmup)))
            await wait_closed(client, NOOP_TYPE, warmup, 300)
            sent.clear()
            processes = {"temporal": temporal, "worker": worker}
            load, cpu = load_average(), cpu_snapshot(processes)
            await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(n))), 900)
            finished = await wait_closed(client, NOOP_TYPE, warmup + n, 900)
            closed = await close_times(client, NOOP_TYPE)
            cpu_ms = cpu_ms_per_item(cpu, cpu_snapshot(processes), n)
    done = completions(sent, closed)
    return {
        "n": n,
        "storage": storage,
        "all_finished": finished,
        "completed": done["completed"],
        "elapsed_s": done["elapsed_s"],
        "workflows_per_s": done["per_s"],
        "latency_ms": done["latency_ms"],
        "cpu_ms_per_item": cpu_ms,
        "load_before": load,
        "load_after": load_average(),
    }


def completions(sent: dict[str, float], closed: dict[str, datetime]) -> dict[str, Any]:
    """What both throughput workloads report, computed the same way: completed runs (of those
    sent) over the first request sent → the last close time, and each run's request sent →
    close time."""
    done = {run: closed[run].timestamp() for run in sent if run in closed}
    latencies = [(done[run] - sent[run]) * 1000 for run in done]
    span = max(max(done.values(), default=0.0) - min(sent.values(), default=0.0), 1e-9)
    return {
        "completed": len(done),
        "elapsed_s": round(span, 2),
        "per_s": round(len(done) / span, 2),
        "latency_ms": summary(latencies),
    }


async def create_all(
    api_url: str,
    n: int,
    concurrency: int,
    offset: int = 0,
    sent: dict[str, float] | None = None,
) -> list[str]:
    """POST n creates over `concurrency` keep-alive connections; the task ids, in order.
    `sent`, when given, gets each task's wall-clock time its create was first sent.

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
            began = time.time()
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
                if sent is not None:
                    sent[task_id] = began
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
    provider for every step) until closed; postcards/s, create→closed."""
    async with product_stack(workdir, provider, env, storage) as stack:
        client = await connect(stack.temporal_address)
        table = PostcardTable(stack.database_url)
        try:
            await create_all(stack.api_url, warmup, concurrency)
            if not await wait_closed(client, POSTCARD_TYPE, warmup, timeout_s):
                raise RuntimeError(f"warm-up did not finish: {stack.processes['worker'].tail()}")
            load, cpu = load_average(), cpu_snapshot(stack.processes)
            sent: dict[str, float] = {}
            began = time.perf_counter()
            ids = await create_all(stack.api_url, n, concurrency, sent=sent)
            created_s = time.perf_counter() - began
            finished = await wait_closed(client, POSTCARD_TYPE, warmup + n, timeout_s)
            closed = await close_times(client, POSTCARD_TYPE)
            wall = time.perf_counter() - began
            cpu_ms = cpu_ms_per_item(cpu, cpu_snapshot(stack.processes), n)
            rows = await asyncio.to_thread(table.rows, ids)
        finally:
            table.close()
    done = completions(sent, closed)
    return {
        "n": n,
        "storage": storage,
        "env": env or {},
        "all_finished": finished,
        "completed": done["completed"],
        "completed_in_database": sum(r.status == "COMPLETED" for r in rows),
        "failed": sum(r.status == "FAILED" for r in rows),
        "creates_elapsed_s": round(created_s, 2),
        "elapsed_s": done["elapsed_s"],
        "wall_s": round(wall, 2),
        "postcards_per_s": done["per_s"],
        "latency_ms": done["latency_ms"],
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
