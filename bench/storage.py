"""Scenario `storage` (e): the dev server's storage — SQLite defaults, SQLite + WAL, in memory."""

from __future__ import annotations

from typing import Any, get_args

from bench.context import Context
from bench.infra import Storage
from bench.measure import machine
from bench.report import ScenarioResult, now_iso
from bench.throughput import COLUMNS, median_of, row
from bench.workloads import baseline, full_path

MEASURES = ("per_s", "p50_ms", "p95_ms", "p99_ms", "cpu_ms_each")
LABELS = {
    "sqlite": "SQLite, default pragmas",
    "wal": "SQLite + journal_mode=wal, synchronous=normal",
    "memory": "in memory (not durable)",
}


async def storage(ctx: Context, with_full_path: bool = False) -> ScenarioResult:
    """(a)'s workload (and optionally (b)'s) on each storage, rounds interleaved."""
    n = ctx.size(500, 20)
    warmup = ctx.size(20, 3)
    started = now_iso()
    rows: list[dict[str, Any]] = []
    raw: list[dict[str, Any]] = []
    kinds: tuple[Storage, ...] = get_args(Storage)
    for round_no in range(1, ctx.repeat + 1):
        for kind in kinds:
            measured = await baseline(ctx.folder(f"storage-{kind}-r{round_no}"), n, warmup, kind)
            rows.append(row(f"a on {LABELS[kind]}", round_no, measured, "workflows_per_s"))
            raw.append({"workload": "a", **measured})
            if with_full_path:
                folder = ctx.folder(f"storage-full-{kind}-r{round_no}")
                measured = await full_path(folder, n, warmup, storage=kind)
                rows.append(row(f"b on {LABELS[kind]}", round_no, measured, "postcards_per_s"))
                raw.append({"workload": "b", **measured})
    names = list(dict.fromkeys(r["configuration"] for r in rows))
    medians = [
        {
            "configuration": name,
            "round": "median",
            **{k: median_of(rows, name, k) for k in MEASURES},
            "load_1m": median_of(rows, name, "load_1m"),
        }
        for name in names
    ]
    return ScenarioResult(
        name="storage",
        title=f"Dev-server storage (N={n})",
        columns=COLUMNS,
        rows=medians + (rows if ctx.repeat > 1 else []),
        metrics={"runs": raw},
        notes=[
            "a = raw Temporal, four no-op activities; b = the full product path. "
            "Each on a fresh `temporal server start-dev`."
        ],
        params={"n": n, "warmup": warmup, "repeat": ctx.repeat, "full_path": with_full_path},
        started_at=started,
        finished_at=now_iso(),
        machine=machine(),
        quick=ctx.quick,
    )
