"""What the benchmarks ask Temporal, and what they count of what others asked it.

- `ServerCalls`: the dev server's own count of requests per operation
  (`service_requests{service_name="frontend"}` on its `--metrics-port`), read before and after a
  window. The server publishes its counters about once a second, so each reading waits
  `FLUSH_S` first; `control` then makes one describe and one query of a run that does not exist
  and reads again, so a report shows that the counter would have seen a read that called Temporal.
- `wait_closed` and `close_times`: how every side of a comparison waits for its runs and stops
  its clock. Waiting counts closed runs with a visibility Count call; the clock stops at
  Temporal's close time of each run, read with one List (paged) once all are closed. Neither
  is a describe, a query or a `result()` long-poll, and both sides make the same calls.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import datetime

import httpx
from prometheus_client.parser import text_string_to_metric_families
from temporalio.client import Client
from temporalio.service import RPCError

from bench.procs import Process

READS = ("QueryWorkflow", "DescribeWorkflowExecution")
"""The operations a status read used to cause (a `progress` query, a describe)."""
SHOWN = (*READS, "ListWorkflowExecutions", "CountWorkflowExecutions", "GetWorkflowExecutionHistory")
"""The operations a report lists (the settler lists and reads close events; the bench counts)."""
FLUSH_S = 2.5
"""The dev server publishes its counters about once a second (measured 0.2-1.0 s)."""


def metrics_url(temporal: Process) -> str:
    """The Prometheus page of a dev server started with `--metrics-port` (bench/infra.py)."""
    port = temporal.argv[temporal.argv.index("--metrics-port") + 1]
    return f"http://127.0.0.1:{port}/metrics"


def frontend_requests(text: str) -> dict[str, int]:
    """Requests the server's frontend received so far, by operation."""
    counts: dict[str, int] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name not in ("service_requests", "service_requests_total"):
                continue
            if sample.labels.get("service_name") != "frontend":
                continue
            operation = sample.labels.get("operation", "")
            counts[operation] = counts.get(operation, 0) + int(sample.value)
    return counts


@dataclass
class ServerCalls:
    """Readings of one dev server's request counters."""

    url: str

    async def read(self) -> dict[str, int]:
        """The counters once everything asked before this call is published."""
        await asyncio.sleep(FLUSH_S)
        async with httpx.AsyncClient(timeout=10) as http:
            return frontend_requests((await http.get(self.url)).text)

    async def control(self, client: Client, before: dict[str, int]) -> dict[str, int]:
        """Describe and query a run that does not exist (each fails, each is counted), then
        how much each read operation moved since `before`: 1 and 1 when the counter works."""
        handle = client.get_workflow_handle(f"bench-control-{uuid.uuid4().hex}")
        for call in (handle.describe(), handle.query("progress")):
            try:
                await call
            except RPCError:
                pass
        return moved(before, await self.read(), READS)


def moved(
    before: dict[str, int], after: dict[str, int], operations: tuple[str, ...] = SHOWN
) -> dict[str, int]:
    """How much each operation's counter moved between two readings."""
    return {op: after.get(op, 0) - before.get(op, 0) for op in operations}


async def wait_closed(
    client: Client, workflow_type: str, expected: int, timeout_s: float, poll_s: float = 0.5
) -> bool:
    """Until at least `expected` runs of the type are closed (one Count call per `poll_s`);
    False on timeout."""
    query = f"WorkflowType = '{workflow_type}' AND ExecutionStatus != 'Running'"
    deadline = asyncio.get_running_loop().time() + timeout_s
    while (await client.count_workflows(query)).count < expected:
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(poll_s)
    return True


async def close_times(client: Client, workflow_type: str) -> dict[str, datetime]:
    """Temporal's close time of every closed run of the type, from one List (paged)."""
    query = f"WorkflowType = '{workflow_type}' AND ExecutionStatus != 'Running'"
    return {
        execution.id: execution.close_time
        async for execution in client.list_workflows(query)
        if execution.close_time is not None
    }
