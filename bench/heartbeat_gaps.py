"""Scenario `heartbeat`: do CPU-bound local-engine steps starve the other activities' heartbeats?

One worker process (bench/sleepers.py) runs the product's workers and 200 sleeping activities
that heartbeat every 0.2 s on the same event loop. While they sleep, 50 local-engine postcards
are started at once on that worker; the gaps between consecutive heartbeats that end while the
postcards render are the measurement. Run twice in one invocation: rendering in the worker
process (LOCAL_RENDER_PROCESSES=0, the code before the render pool) and in the pool.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.context import Context
from bench.infra import PYTHON, connect, cpu_snapshot, running, temporal_process
from bench.measure import load_average, machine, summary
from bench.procs import Process
from bench.report import ScenarioResult, Target, now_iso
from bench.sleepers import BEAT_S, READY_LINE, Sleep, Sleepers, SleepersWorkflow
from bench.workloads import PROMPTS
from core.devserver import free_port
from core.migrate import migrate
from core.models import PostcardRequest
from core.settings import Settings
from runs.launch import start_postcard_workflow

MODES: dict[str, dict[str, str]] = {
    "in the worker process (before)": {"LOCAL_RENDER_PROCESSES": "0"},
    "render pool (after)": {},
}


def gaps_in_window(beats_file: Path, began: float, ended: float) -> list[float]:
    """Heartbeat gaps (ms) of every sleeper whose later beat falls in [began, ended]."""
    gaps = []
    for line in beats_file.read_text(encoding="utf-8").splitlines():
        beats = json.loads(line)["beats"]
        for before, after in itertools.pairwise(beats):
            if began <= after <= ended:
                gaps.append((after - before) * 1000)
    return gaps


async def one_mode(
    workdir: Path,
    label: str,
    mode_env: dict[str, str],
    postcards: int,
    sleepers: int,
    sleep_s: float,
) -> dict[str, Any]:
    """Start a fresh server and worker, run the sleepers, render the postcards, measure."""
    temporal = temporal_process(workdir, "wal")
    with running(temporal):
        address = f"127.0.0.1:{temporal.port}"
        env = {
            "TEMPORAL_ADDRESS": address,
            "TEMPORAL_TASK_QUEUE": "heartbeat-bench",
            "DATA_DIR": str(workdir / "data"),
            "TEXT_PROVIDER": "local",
            "IMAGE_PROVIDER": "local",
            "CODE_PROVIDER": "local",
            "TEMPORAL_SEARCH_ATTRIBUTES": "false",
            "LOG_LEVEL": "WARNING",
            "WORKER_MAX_CONCURRENT_ACTIVITIES": "1000",
            "WORKER_METRICS_PORT": str(free_port()),
            **mode_env,
        }
        settings = Settings(_env_file=None, **{k.lower(): v for k, v in env.items()})  # type: ignore[arg-type]
        await asyncio.to_thread(migrate, settings.effective_database_url)
        argv = [PYTHON, "-m", "bench.sleepers"]
        worker = Process("worker", argv, workdir, env, ready_line=READY_LINE)
        with running(worker):
            client = await connect(address)
            beats_file = workdir / "beats.jsonl"
            handle = await client.start_workflow(
                SleepersWorkflow.run,
                Sleepers(count=sleepers, sleep=Sleep(seconds=sleep_s, beats_file=str(beats_file))),
                id=f"sleepers-{uuid.uuid4().hex[:8]}",
                task_queue="heartbeat-bench-sleepers",
            )
            await asyncio.sleep(4)  # every sleeper is running and beating
            cpu = cpu_snapshot({"worker": worker})
            began = time.time()
            requests = [
                PostcardRequest(
                    task_id=f"hb-{uuid.uuid4().hex[:12]}",
                    user_input=PROMPTS[i % len(PROMPTS)],
                    created_at=datetime.now(UTC),
                    variation=i,
                )
                for i in range(postcards)
            ]
            await asyncio.gather(*(start_postcard_workflow(client, r, settings) for r in requests))
            results = await asyncio.gather(
                *(client.get_workflow_handle(r.run_id).result() for r in requests),
                return_exceptions=True,
            )
            ended = time.time()
            worker_cpu_s = cpu_snapshot({"worker": worker})["worker"] - cpu["worker"]
            if ended - began > sleep_s - 5:
                raise RuntimeError("the postcards outlasted the sleepers; the window is cut")
            await handle.result()
    gaps = gaps_in_window(beats_file, began, ended)
    failed = sum(isinstance(r, BaseException) for r in results)
    stats = summary(gaps)
    return {
        "mode": label,
        "postcards": postcards,
        "failed": failed,
        "render_s": round(ended - began, 2),
        "gaps": stats["n"],
        "gap_p50_ms": stats["p50"],
        "gap_p99_ms": stats["p99"],
        "gap_max_ms": stats["max"],
        "worker_cpu_s": round(worker_cpu_s, 2),
    }


async def heartbeat(ctx: Context) -> ScenarioResult:
    """Heartbeat gaps of sleeping activities while local-engine postcards render, both modes."""
    postcards = ctx.size(50, 8)
    sleepers = ctx.size(200, 20)
    sleep_s = ctx.size(40.0, 15.0)
    started = now_iso()
    load = load_average()
    rows = []
    for index, (label, mode_env) in enumerate(MODES.items()):
        folder = ctx.folder(f"heartbeat-{index}")
        rows.append(await one_mode(folder, label, mode_env, postcards, sleepers, sleep_s))
    after = rows[-1]
    return ScenarioResult(
        name="heartbeat",
        title=f"Heartbeat gaps of {sleepers} sleeping activities while {postcards} "
        "local-engine postcards render on the same worker",
        columns=list(rows[0]),
        rows=rows,
        targets=[
            Target.at_most("heartbeat gap p99, render pool", after["gap_p99_ms"], 1000, "ms"),
            Target.at_most("failed postcards, render pool", after["failed"], 0, ""),
        ],
        metrics={"load_before": load, "load_after": load_average()},
        notes=[
            f"Each sleeper heartbeats every {BEAT_S * 1000:.0f} ms; a gap is the time between "
            "two beats, counted when the later beat falls between the first postcard's start "
            "and the last one's result. A gap over the heartbeat period is time the event "
            "loop was busy elsewhere.",
            "The postcards start straight on the worker's queue (the starter's "
            "start_postcard_workflow), without the API and stream, on a fresh dev server per "
            "mode; the sleepers run in the same worker process and event loop.",
        ],
        params={"postcards": postcards, "sleepers": sleepers, "beat_s": BEAT_S},
        started_at=started,
        finished_at=now_iso(),
        machine=machine(),
        quick=ctx.quick,
    )
