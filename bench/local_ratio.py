"""Scenario `local`: the full path with the local engine (real rendering) vs raw Temporal.

Like `throughput` (a + b), but every step of (b) is the local creative engine, so the
illustration's CPU work (rendered in the worker's process pool) is part of each postcard.
"""

from __future__ import annotations

from typing import Any

from bench.context import Context
from bench.measure import machine
from bench.report import ScenarioResult, Target, now_iso
from bench.throughput import COLUMNS, median_of, row
from bench.workloads import baseline, full_path

A = "a: raw Temporal, 4 no-op activities"
B = "b: full path, local engine"


async def local(ctx: Context) -> ScenarioResult:
    """(a) raw Temporal vs (b) the full path with the local engine, rounds interleaved."""
    n = ctx.size(300, 12)
    warmup = ctx.size(10, 2)
    started = now_iso()
    rows: list[dict[str, Any]] = []
    raw: list[dict[str, Any]] = []
    for round_no in range(1, ctx.repeat + 1):
        a = await baseline(ctx.folder(f"local-a{round_no}"), n, warmup)
        rows.append(row(A, round_no, a, "workflows_per_s"))
        b = await full_path(ctx.folder(f"local-b{round_no}"), n, warmup, provider="local")
        rows.append(row(B, round_no, b, "postcards_per_s"))
        raw += [{"workload": "a", **a}, {"workload": "b", **b}]
    a_rate, b_rate = median_of(rows, A, "per_s"), median_of(rows, B, "per_s")
    ratio = round(b_rate / a_rate, 3) if a_rate and b_rate else None
    return ScenarioResult(
        name="local",
        title=f"Throughput with the local engine vs raw Temporal (N={n}, full concurrency)",
        columns=COLUMNS,
        rows=rows,
        targets=[Target.at_least("full path, local engine / raw Temporal", ratio, 0.5, "")],
        metrics={"a_workflows_per_s": a_rate, "b_postcards_per_s": b_rate, "ratio": ratio},
        notes=[
            "(b) renders a 1024×1024 illustration and a page per postcard in the worker's "
            "render pool (one process a core); creates over HTTP, 50 connections.",
            "cpu_ms_each counts the worker's own process only, not its render processes.",
        ],
        params={"n": n, "warmup": warmup, "repeat": ctx.repeat, "runs": raw},
        started_at=started,
        finished_at=now_iso(),
        machine=machine(),
        quick=ctx.quick,
    )
