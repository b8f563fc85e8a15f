"""Scenario `local`: the full path with the local engine (real rendering) vs raw Temporal.

Like `throughput` (a + b), but every step of (b) is the local creative engine, so the
illustration's CPU work (rendered in the worker's process pool) is part of each postcard.
"""

from __future__ import annotations

from bench.context import Context
from bench.measure import machine
from bench.report import ScenarioResult, Target, now_iso
from bench.throughput import COLUMNS, RAW_LABEL, a_then_b, median_of

B = "b: full path, local engine"


async def local(ctx: Context) -> ScenarioResult:
    """(a) raw Temporal vs (b) the full path with the local engine, rounds interleaved."""
    n = ctx.size(300, 12)
    warmup = ctx.size(10, 2)
    started = now_iso()
    rows, raw = await a_then_b(ctx, "local", n, warmup, "local engine", "local")
    a_rate, b_rate = median_of(rows, RAW_LABEL, "per_s"), median_of(rows, B, "per_s")
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
