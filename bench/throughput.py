"""Scenarios `throughput` (a + b: orchestration overhead vs raw Temporal) and `variants`
(both under worker and server settings, each measured in the same run)."""

from __future__ import annotations

import statistics
from typing import Any

from bench.context import Context
from bench.measure import machine
from bench.report import ScenarioResult, Target, now_iso
from bench.workloads import baseline, full_path

COLUMNS = [
    "configuration",
    "round",
    "per_s",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "cpu_ms_each",
    "load_1m",
]

RAW_LABEL = "a: raw Temporal, 4 no-op activities"
LEAN = {
    "TEMPORAL_SEARCH_ATTRIBUTES": "false",
    "LOG_LEVEL": "WARNING",
    "WORKER_WORKFLOW_SANDBOX": "false",
}
# Configurations for `variants`: name → (workload, environment overrides). "a" is the raw
# Temporal baseline, "b" the full path; the sandbox knob applies to both.
VARIANTS: dict[str, tuple[str, dict[str, str]]] = {
    "b: defaults": ("b", {}),
    "b: no workflow sandbox": ("b", {"WORKER_WORKFLOW_SANDBOX": "false"}),
    "b: no search attributes": ("b", {"TEMPORAL_SEARCH_ATTRIBUTES": "false"}),
    "b: logs at WARNING": ("b", {"LOG_LEVEL": "WARNING"}),
    "b: workflow cache 0": ("b", {"WORKER_MAX_CACHED_WORKFLOWS": "0"}),
    "b: pollers 10/10": (
        "b",
        {"WORKER_WORKFLOW_TASK_POLLERS": "10", "WORKER_ACTIVITY_TASK_POLLERS": "10"},
    ),
    "b: lean (the three savings above together)": ("b", LEAN),
    "a: defaults": ("a", {}),
    "a: no workflow sandbox": ("a", {"WORKER_WORKFLOW_SANDBOX": "false"}),
}


def row(configuration: str, round_no: int, measured: dict[str, Any], rate_key: str) -> dict:
    """A table row from a workload's measurement."""
    latency = measured["latency_ms"]
    return {
        "configuration": configuration,
        "round": round_no,
        "per_s": measured[rate_key],
        "p50_ms": latency["p50"],
        "p95_ms": latency["p95"],
        "p99_ms": latency["p99"],
        "cpu_ms_each": measured["cpu_ms_per_item"]["total"],
        "load_1m": measured["load_before"][0],
    }


def median_of(rows: list[dict[str, Any]], configuration: str, key: str) -> float | None:
    """The median of a column over the rounds of one configuration."""
    values = [r[key] for r in rows if r["configuration"] == configuration and r[key] is not None]
    return round(statistics.median(values), 2) if values else None


async def a_then_b(
    ctx: Context, name: str, n: int, warmup: int, b_label: str, provider: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rounds of (a) raw Temporal then (b) the full path with `provider`, interleaved so slow
    drift in the machine's load hits both alike; the table rows and the raw measurements."""
    rows: list[dict[str, Any]] = []
    raw: list[dict[str, Any]] = []
    for round_no in range(1, ctx.repeat + 1):
        a = await baseline(ctx.folder(f"{name}-a{round_no}"), n, warmup)
        rows.append(row(RAW_LABEL, round_no, a, "workflows_per_s"))
        b = await full_path(ctx.folder(f"{name}-b{round_no}"), n, warmup, provider=provider)
        rows.append(row(f"b: full path, {b_label}", round_no, b, "postcards_per_s"))
        raw += [{"workload": "a", **a}, {"workload": "b", **b}]
    return rows, raw


async def throughput(ctx: Context) -> ScenarioResult:
    """(a) raw Temporal, four no-op activities vs (b) the full product path, same server config.

    Rounds alternate a, b, a, b… on fresh durable (SQLite + WAL) dev servers so slow drift in
    the machine's load hits both alike; the ratio uses the medians.
    """
    n = ctx.size(500, 20)
    warmup = ctx.size(20, 3)
    started = now_iso()
    rows, raw = await a_then_b(ctx, "throughput", n, warmup, "instant providers", "instant")
    a_rate = median_of(rows, rows[0]["configuration"], "per_s")
    b_rate = median_of(rows, rows[1]["configuration"], "per_s")
    ratio = round(b_rate / a_rate, 3) if a_rate and b_rate else None
    b_p99 = median_of(rows, rows[1]["configuration"], "p99_ms")
    done = min(measured["completed"] for measured in raw)
    return ScenarioResult(
        name="throughput",
        title=f"Throughput: the full path vs raw Temporal (N={n}, full concurrency)",
        columns=COLUMNS,
        rows=rows,
        targets=[
            Target.at_least("completed, each side and round (min)", done, n, ""),
            Target.at_least("full path / raw Temporal (b/a)", ratio, 0.7, ""),
            Target.at_least("full path, durable", b_rate, 15, "postcards/s"),
        ],
        metrics={
            "a_workflows_per_s": a_rate,
            "b_postcards_per_s": b_rate,
            "ratio_b_over_a": ratio,
            "b_p50_ms": median_of(rows, rows[1]["configuration"], "p50_ms"),
            "b_p95_ms": median_of(rows, rows[1]["configuration"], "p95_ms"),
            "b_p99_ms": b_p99,
            "runs": raw,
        },
        notes=[
            "per_s: completed workflows (a) or postcards (b) over the first start/create sent → "
            "the last run closed (Temporal's close time); latency: each start (a) or create (b) "
            "sent → its run closed.",
            "Both sides wait and stop their clocks the same way: a visibility Count of closed "
            "runs every 0.5 s, then one List of close times once all are closed (no result() "
            "long-polls, no describes, no database polling; bench/temporal_calls.py).",
            "Both on fresh `temporal server start-dev` with SQLite + WAL pragmas; the same "
            "worker settings (`worker_tuning`) and data converter; (a) starts runs with the "
            "starter's options; Redis with AOF everysec and the API with uvicorn's default "
            "logging, as `scripts/dev.sh up` runs them; warm-up runs excluded.",
        ],
        params={"n": n, "warmup": warmup, "repeat": ctx.repeat},
        started_at=started,
        finished_at=now_iso(),
        machine=machine(),
        quick=ctx.quick,
    )


async def variants(ctx: Context) -> ScenarioResult:
    """The full path under each configuration in VARIANTS, rounds interleaved."""
    n = ctx.size(300, 15)
    warmup = ctx.size(20, 3)
    started = now_iso()
    rows: list[dict[str, Any]] = []
    raw: list[dict[str, Any]] = []
    for round_no in range(1, ctx.repeat + 1):
        for index, (name, (workload, env)) in enumerate(VARIANTS.items()):
            folder = ctx.folder(f"variant-{index}-r{round_no}")
            if workload == "a":
                measured = await baseline(folder, n, warmup, env=env)
                rows.append(row(name, round_no, measured, "workflows_per_s"))
            else:
                measured = await full_path(folder, n, warmup, env=env)
                rows.append(row(name, round_no, measured, "postcards_per_s"))
            raw.append({"variant": name, **measured})
    medians = [
        {
            "configuration": name,
            "round": "median",
            "per_s": median_of(rows, name, "per_s"),
            "p50_ms": median_of(rows, name, "p50_ms"),
            "p95_ms": median_of(rows, name, "p95_ms"),
            "p99_ms": median_of(rows, name, "p99_ms"),
            "cpu_ms_each": median_of(rows, name, "cpu_ms_each"),
            "load_1m": median_of(rows, name, "load_1m"),
        }
        for name in VARIANTS
    ]
    return ScenarioResult(
        name="variants",
        title=f"Worker and server settings (N={n} each)",
        columns=COLUMNS,
        rows=medians + (rows if ctx.repeat > 1 else []),
        metrics={"variants": VARIANTS, "runs": raw},
        notes=[
            "Each configuration runs on its own fresh stack and dev server (SQLite + WAL).",
            "lean = no search attributes + logs at WARNING + no workflow sandbox: what the "
            "product costs without its Web UI search facets, INFO logs and sandbox checks.",
        ],
        params={"n": n, "warmup": warmup, "repeat": ctx.repeat},
        started_at=started,
        finished_at=now_iso(),
        machine=machine(),
        quick=ctx.quick,
    )
