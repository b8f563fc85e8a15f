"""Scenario `settle`: how long a terminated postcard takes to show its end.

A terminate (`temporal workflow terminate`, the Web UI) ends a run where no workflow code runs,
so the settler in the starter records it (runs/settler.py: a visibility List every
SETTLE_INTERVAL_S). On the full stack, N postcards are created with a concept step that waits
50 s (the `sleepy` provider; its start-to-close is 60 s), so all of them are running; once
every row shows its concept running, each is terminated, the terminates spread evenly over 5 s
(so they fall on every phase of the settler's interval). Per postcard: the wall-clock time just
before its terminate call → the `completed_at` of its final row (the write's own time), and the
row must say FAILED with error type `Terminated`.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from typing import Any

import sqlalchemy as sa

from bench.context import Context
from bench.infra import connect, product_stack
from bench.measure import PostcardTable, load_average, machine, summary
from bench.report import ScenarioResult, Target, now_iso
from bench.workloads import create_all

REASON = "bench settle"


def running_concepts(table: PostcardTable, task_ids: list[str]) -> int:
    """How many of the postcards have their concept step running."""
    rows = table.rows(task_ids)
    return sum((r.steps.get("concept") or {}).get("status") == "running" for r in rows)


def error_types(table: PostcardTable, task_ids: list[str]) -> dict[str, str | None]:
    """Each postcard's error type, as its current run records it."""
    query = sa.text("SELECT task_id, error FROM postcard_current")
    with table.engine.connect() as conn:
        found = conn.execute(query).all()
    wanted = set(task_ids)
    out: dict[str, str | None] = {}
    for task_id, error in found:
        if task_id in wanted:
            loaded: Any = json.loads(error) if isinstance(error, str) else error
            out[task_id] = (loaded or {}).get("type")
    return out


async def settle(ctx: Context) -> ScenarioResult:
    """Terminate N running postcards; terminate → final row, p50/p99/max."""
    n = ctx.size(50, 5)
    spread_s = ctx.size(5.0, 1.0)
    started = now_iso()
    env = {"SIMULATED_DELAYS": "concept=50"}
    async with product_stack(ctx.folder("settle"), "sleepy", env) as stack:
        interval = stack.env.get("SETTLE_INTERVAL_S", "1 (default)")
        table = PostcardTable(stack.database_url)
        try:
            ids = await create_all(stack.api_url, n, n)
            deadline = time.monotonic() + 120
            while await asyncio.to_thread(running_concepts, table, ids) < n:
                if time.monotonic() > deadline:
                    raise RuntimeError("the postcards never all ran their concept step")
                await asyncio.sleep(0.25)
            client = await connect(stack.temporal_address)
            load = load_average()
            terminated_at: dict[str, float] = {}
            began = time.monotonic()

            async def terminate(i: int, task_id: str) -> None:
                await asyncio.sleep(max(0.0, began + i * spread_s / n - time.monotonic()))
                terminated_at[task_id] = time.time()
                await client.get_workflow_handle(task_id).terminate(reason=REASON)

            await asyncio.gather(*(terminate(i, t) for i, t in enumerate(ids)))
            finished = await table.wait_finished(ids, 60)
            rows = await asyncio.to_thread(table.rows, ids)
            types = await asyncio.to_thread(error_types, table, ids)
        finally:
            table.close()
    settled = [
        r
        for r in rows
        if r.status == "FAILED"
        and r.completed_at is not None
        and types.get(r.task_id) == "Terminated"
    ]
    took = [
        r.completed_at.timestamp() - terminated_at[r.task_id] for r in settled if r.completed_at
    ]
    seconds = summary(took, 2)
    return ScenarioResult(
        name="settle",
        title=f"Terminate → final row: {n} running postcards",
        columns=["measure", "value"],
        rows=[
            {"measure": "terminated", "value": len(terminated_at)},
            {"measure": "final rows, FAILED / Terminated", "value": len(settled)},
            {"measure": "statuses", "value": dict(Counter(r.status for r in rows))},
            {"measure": "terminate → final row p50 s", "value": seconds["p50"]},
            {"measure": "terminate → final row p99 s", "value": seconds["p99"]},
            {"measure": "terminate → final row max s", "value": seconds["max"]},
            {"measure": "SETTLE_INTERVAL_S", "value": interval},
        ],
        targets=[
            Target.at_least("terminated postcards recorded as Terminated", len(settled), n, ""),
            Target.at_most("terminate → final row, p99", seconds["p99"], 5, "s"),
        ],
        metrics={
            "n": n,
            "all_finished": finished,
            "seconds": seconds,
            "error_types": dict(Counter(str(t) for t in types.values())),
            "spread_s": spread_s,
            "load_before": load,
            "load_after": load_average(),
        },
        notes=[
            "Each postcard's concept step waits 50 s (`sleepy`, SIMULATED_DELAYS=concept=50), so "
            f"every one is running when it is terminated; terminates spread over {spread_s:g} s.",
            "terminate → final row: the wall-clock time just before the terminate call → the "
            "row's completed_at (when the settler's write saved FAILED / Terminated).",
        ],
        params={"n": n, "quick": ctx.quick},
        started_at=started,
        finished_at=now_iso(),
        machine=machine(),
        quick=ctx.quick,
    )
