"""Scenarios `latency` (c: one postcard with the local engine, split per step) and `sleepy`
(realistic provider waits: one postcard, then many at once)."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any

import httpx

from bench.context import Context
from bench.infra import product_stack
from bench.measure import PostcardTable, Row, load_average, machine, summary
from bench.report import ScenarioResult, Target, now_iso
from bench.workloads import PROMPTS, create_all
from core.models import STEPS


def _at(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _union_ms(intervals: list[tuple[datetime, datetime]]) -> float:
    """Length of the union of time intervals, in ms (steps may overlap when run in parallel)."""
    total = 0.0
    end: datetime | None = None
    for start, stop in sorted(intervals):
        if end is None or start > end:
            total += (stop - start).total_seconds()
            end = stop
        elif stop > end:
            total += (stop - end).total_seconds()
            end = stop
    return total * 1000


def breakdown(row: Row) -> dict[str, float]:
    """Where one postcard's time went: ingest, each step as saved in the row and the
    provider's own share of it, the hand-offs between steps, and recording the outcome."""
    parts: dict[str, float] = {}
    intervals = []
    for step in STEPS:
        state = row.steps.get(step) or {}
        began, ended = _at(state.get("started_at")), _at(state.get("finished_at"))
        if began and ended:
            parts[step] = (ended - began).total_seconds() * 1000
            intervals.append((began, ended))
        if state.get("latency_ms") is not None:
            parts[f"{step} (provider)"] = float(state["latency_ms"])
    if not intervals or row.completed_at is None or row.latency_ms is None:
        return parts
    first = min(i[0] for i in intervals)
    last = max(i[1] for i in intervals)
    parts["ingest"] = (first - row.created_at).total_seconds() * 1000
    parts["record"] = (row.completed_at - last).total_seconds() * 1000
    parts["hand-offs"] = max(0.0, (last - first).total_seconds() * 1000 - _union_ms(intervals))
    parts["total"] = row.latency_ms
    return parts


async def one_at_a_time(
    api_url: str, table: PostcardTable, runs: int, timeout_s: float
) -> list[Row]:
    """Create postcards one after another, each once the previous one finished."""
    rows = []
    async with httpx.AsyncClient(base_url=api_url, timeout=30) as http:
        for i in range(runs):
            reply = await http.post(
                "/api/v1/postcards/create", json={"prompt": PROMPTS[i % len(PROMPTS)]}
            )
            reply.raise_for_status()
            task_id = reply.json()["task_id"]
            deadline = time.monotonic() + timeout_s
            while True:
                found = await asyncio.to_thread(table.rows, [task_id])
                if found and found[0].status in ("COMPLETED", "FAILED"):
                    rows.append(found[0])
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"postcard {task_id} did not finish in {timeout_s} s")
                await asyncio.sleep(0.01)
    return rows


PARTS = [
    "ingest",
    *[part for step in STEPS for part in (step, f"{step} (provider)")],
    "hand-offs",
    "record",
    "total",
]
QUICK_DELAYS = "concept=0.3,content=0.3,image=2,frontend=4"  # a tenth of the `sleepy` waits


async def latency(ctx: Context) -> ScenarioResult:
    """(c) One local-engine postcard at a time: create → COMPLETED, p50/p95, split per step."""
    runs = ctx.size(30, 3)
    warmup = ctx.size(3, 1)
    started = now_iso()
    async with product_stack(ctx.folder("latency"), "local") as stack:
        table = PostcardTable(stack.database_url)
        try:
            cold = await one_at_a_time(stack.api_url, table, warmup, 120)
            load = load_average()
            rows = await one_at_a_time(stack.api_url, table, runs, 120)
        finally:
            table.close()
    splits = [breakdown(r) for r in rows if r.status == "COMPLETED"]
    per_part = {part: summary([s[part] for s in splits if part in s]) for part in PARTS}
    table_rows = [
        {"part": part, "p50_ms": per_part[part]["p50"], "p95_ms": per_part[part]["p95"]}
        for part in PARTS
    ]
    first = breakdown(cold[0]) if cold else {}
    return ScenarioResult(
        name="latency",
        title=f"One postcard with the local engine ({runs} runs, one at a time)",
        columns=["part", "p50_ms", "p95_ms"],
        rows=table_rows,
        targets=[Target.at_most("one local postcard, p50", per_part["total"]["p50"], 500, "ms")],
        metrics={
            "parts": per_part,
            "cold_first_postcard": first,
            "failed": sum(r.status != "COMPLETED" for r in rows),
            "load_before": load,
            "load_after": load_average(),
        },
        notes=[
            "total = create (API timestamp) → COMPLETED in the database (completed_at: "
            "the frontend step's own write sets it); the parts come from "
            "the steps saved in the row: a step = its activity's start → end as the activity "
            "saw it, of which '(provider)' is the provider call; ingest = create → the concept "
            "activity started (stream, starter, workflow start, first workflow task, dispatch); "
            "hand-offs = dispatch and workflow tasks between steps; record = last step done → "
            "COMPLETED saved.",
            f"Load average before the runs: {load}; the first (cold) postcard took "
            f"{round(first.get('total', 0))} ms and is excluded.",
        ],
        params={"runs": runs, "warmup": warmup},
        started_at=started,
        finished_at=now_iso(),
        machine=machine(),
        quick=ctx.quick,
    )


async def sleepy(ctx: Context) -> ScenarioResult:
    """Realistic waits (text 3 s, image 20 s, code 40 s): one postcard, then many at once."""
    many = ctx.size(50, 5)
    env = {"SIMULATED_DELAYS": QUICK_DELAYS} if ctx.quick else {}
    started = now_iso()
    async with product_stack(ctx.folder("sleepy"), "sleepy", env) as stack:
        table = PostcardTable(stack.database_url)
        try:
            # The batch goes first and so also carries the stack's cold start; the single
            # postcard after it runs warm. That makes the batch/single ratio conservative.
            load = load_average()
            began = time.perf_counter()
            ids = await create_all(stack.api_url, many, many)
            finished = await table.wait_finished(ids, 600)
            wall = time.perf_counter() - began
            rows = await asyncio.to_thread(table.rows, ids)
            single = (await one_at_a_time(stack.api_url, table, 1, 300))[0]
        finally:
            table.close()
    done = [r for r in rows if r.status == "COMPLETED" and r.completed_at]
    first = min(r.created_at for r in rows)
    last = max((r.completed_at for r in done if r.completed_at), default=first)
    makespan = (last - first).total_seconds() * 1000
    latencies = summary([r.latency_ms for r in done if r.latency_ms is not None])
    single_ms = single.latency_ms or 0.0
    ratio = round(makespan / single_ms, 3) if single_ms else None
    return ScenarioResult(
        name="sleepy",
        title=f"Simulated provider latency: one postcard, then {many} at once",
        columns=["run", "postcards", "completed", "time_s", "p50_s", "p95_s"],
        rows=[
            {
                "run": "one postcard",
                "postcards": 1,
                "completed": int(single.status == "COMPLETED"),
                "time_s": round(single_ms / 1000, 2),
                "p50_s": round(single_ms / 1000, 2),
                "p95_s": round(single_ms / 1000, 2),
            },
            {
                "run": f"{many} at once",
                "postcards": many,
                "completed": len(done),
                "time_s": round(makespan / 1000, 2),
                "p50_s": round((latencies["p50"] or 0) / 1000, 2),
                "p95_s": round((latencies["p95"] or 0) / 1000, 2),
            },
        ],
        targets=[
            Target.at_most(f"{many} concurrent / one postcard (makespan ratio)", ratio, 1.1, "")
        ],
        metrics={
            "single": breakdown(single),
            "many_latency_ms": latencies,
            "makespan_ms": round(makespan, 1),
            "all_finished": finished,
            "wall_s": round(wall, 2),
            "load_before": load,
            "load_after": load_average(),
        },
        notes=[
            "Delays: "
            + (
                env.get("SIMULATED_DELAYS")
                or "concept 3 s, content 3 s, image 20 s, frontend 40 s (the `sleepy` provider)"
            ),
            "time_s for the batch is first create → last COMPLETED; the batch runs first "
            "(on a cold stack), then the single postcard.",
        ],
        params={"many": many, **env},
        started_at=started,
        finished_at=now_iso(),
        machine=machine(),
        quick=ctx.quick,
    )
