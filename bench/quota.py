"""Scenario `quota`: GEMINI_RPM=60 and ANTHROPIC_RPM=60 over 100 postcards, on two workers.

The real SDK clients call the wire-protocol fakes of tests/fakes (the only servers this machine
can reach); two sets of workers on separate connections, as two worker processes would be,
share the quota queues on a fresh dev server. tests/test_provider_quotas.py checks the same
bound at a smaller scale on every test run.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from typing import Any

from bench.context import Context
from bench.infra import connect, running, temporal_process
from bench.measure import machine
from bench.report import ScenarioResult, Target, now_iso
from bench.workloads import PROMPTS
from core.migrate import migrate
from core.models import PostcardRequest, PostcardResult, Progress
from core.quotas import queue_rate
from core.wiring import temporal_client
from runs.launch import start_postcard_workflow
from tests.fakes import anthropic as a
from tests.fakes import gemini as g
from tests.fakes.config import provider_settings
from worker import build_workers


def most_in_any_window(times: list[float], window_s: float) -> int:
    """The most calls whose times fall within any half-open window of that length."""
    ordered = sorted(times)
    best, start = 0, 0
    for end, at in enumerate(ordered):
        while at - ordered[start] >= window_s:
            start += 1
        best = max(best, end - start + 1)
    return best


async def quota(ctx: Context) -> ScenarioResult:
    """100 postcards under 60 calls a minute per provider; the busiest 60 s window per provider."""
    n = ctx.size(100, 12)
    rpm = 60.0
    started = now_iso()
    workdir = ctx.folder("quota")
    gemini, claude = g.fake_gemini(), a.fake_anthropic()
    temporal = temporal_process(workdir, "wal")
    try:
        with running(temporal):
            address = f"127.0.0.1:{temporal.port}"
            url = f"sqlite:///{workdir / 'postcards.db'}"
            await asyncio.to_thread(migrate, url)
            settings = provider_settings(
                gemini=gemini,
                anthropic=claude,
                data_dir=workdir / "data",
                database_url=url,
                temporal_address=address,
                temporal_task_queue="postcards-quota",
                provider_cache_enabled=False,
                gemini_rpm=rpm,
                anthropic_rpm=rpm,
                ai_workflow_timeout=3600,
                log_level="WARNING",
            )
            client = await connect(address)
            async with AsyncExitStack() as stack:
                for connection in (client, await temporal_client(settings)):
                    for worker in build_workers(connection, settings):
                        await stack.enter_async_context(worker)
                began = time.time()
                requests = [
                    PostcardRequest(
                        task_id=f"quota-{uuid.uuid4().hex[:12]}",
                        user_input=PROMPTS[i % len(PROMPTS)],
                        created_at=datetime.now(UTC),
                    )
                    for i in range(n)
                ]
                for request in requests:  # as the starter starts them: options from settings
                    await start_postcard_workflow(client, request, settings)
                handles = [
                    client.get_workflow_handle(r.run_id, result_type=PostcardResult)
                    for r in requests
                ]
                results = await asyncio.gather(*(h.result() for h in handles))
                ended = time.time()
                finals = [await h.query("progress", result_type=Progress) for h in handles]
    finally:
        gemini.stop()
        claude.stop()
    g_times = [r.at for r in gemini.requests]
    c_times = [r.at for r in claude.requests]
    completed = sum(r.status == "COMPLETED" for r in results)
    retries = sum(max(0, s.attempts - 1) for p in finals for s in p.steps.values())
    busiest = {
        "gemini": most_in_any_window(g_times, 60.0),
        "anthropic": most_in_any_window(c_times, 60.0),
    }
    rows = [
        {
            "provider": name,
            "calls": len(times),
            "busiest_60s_window": busiest[name],
            "quota_per_min": rpm,
            "queue_rate_per_min": round(queue_rate(rpm) * 60, 2),
            "first_to_last_call_s": round(max(times) - min(times), 1) if times else None,
        }
        for name, times in (("gemini", g_times), ("anthropic", c_times))
    ]
    metrics: dict[str, Any] = {
        "postcards": n,
        "completed": completed,
        "retries": retries,
        "wall_s": round(ended - began, 1),
        "busiest_60s_window": busiest,
    }
    return ScenarioResult(
        name="quota",
        title=f"Provider quotas: {rpm:.0f} calls/min per provider, {n} postcards, two workers",
        columns=list(rows[0]),
        rows=rows,
        targets=[
            Target.at_least("completed", completed, n, "postcards"),
            Target.at_most("Gemini calls in any 60 s window", busiest["gemini"], rpm, "calls"),
            Target.at_most("Claude calls in any 60 s window", busiest["anthropic"], rpm, "calls"),
            Target.at_most("step retries", retries, 0, ""),
        ],
        metrics=metrics,
        notes=[
            "Each postcard calls Gemini three times (concept, content, image) and Claude once "
            "(page); waiting for quota is a scheduled activity not yet started (`queued`).",
            "queue_rate is what the quota queue's workers declare "
            "(max_task_queue_activities_per_second × 60): the quota less the calls Temporal's "
            "four queue partitions can let through at once (core/quotas.py).",
        ],
        params={"n": n, "rpm": rpm},
        started_at=started,
        finished_at=now_iso(),
        machine=machine(),
        quick=ctx.quick,
    )
