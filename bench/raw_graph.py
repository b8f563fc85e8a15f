"""Raw Temporal doing the postcard's work: the same graph, the same waits, nothing else.

RawGraphWorkflow runs concept → (content ∥ image) → frontend as four activities with the run
policy the starter gives a postcard (`runs.launch.with_policy`: each step's start-to-close,
heartbeat timeout — AI_HEARTBEAT_TIMEOUT_S —, retry policy, and the run's deadline). Each
activity only waits: the `sleepy` provider's draw for its step (SIMULATED_DELAYS over the
realistic waits, spread by SIMULATED_JITTER — `SimulatedProvider.wait_for` itself), awaited in
the product's `with_heartbeat`, so it heartbeats exactly as a postcard's step does. No API,
stream, database or blob store. With SIMULATED_CALL_LOG set, each call appends one line
(run id, step, pid, time, the wait drawn), as the simulated providers log theirs.

`python -m bench.raw_graph` runs its worker with the product's worker tuning (`worker_tuning`)
and client, configured by the same environment variables as `worker.py`.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from datetime import datetime, timedelta
from pathlib import Path

from temporalio import activity, workflow
from temporalio.common import RetryPolicy
from temporalio.worker import Worker

with workflow.unsafe.imports_passed_through():
    from activities.heartbeat import with_heartbeat
    from core.models import StepPolicy, WorkflowOptions
    from providers.simulated import SimulatedProvider

WORKFLOW_TYPE = "RawGraphWorkflow"


class Waits:
    """The worker's draw of each step's wait (set up in `main`)."""

    provider: SimulatedProvider | None = None
    call_log: Path | None = None


async def _no_progress(percent: int) -> None:
    """A sleep reports no progress; passing a saver keeps the product's heartbeat interval."""


@activity.defn(name="raw_step")
async def raw_step(step: str) -> float:
    """Wait the drawn time for `step`, heartbeating as a postcard's step does; the wait."""
    if Waits.provider is None:
        raise RuntimeError(
            "the raw graph's worker draws the waits: run `python -m bench.raw_graph`"
        )
    wait = Waits.provider.wait_for(step)
    if Waits.call_log:
        line = json.dumps(
            {
                "task_id": activity.info().workflow_id,
                "step": step,
                "pid": os.getpid(),
                "at": time.time(),
                "wait": wait,
            }
        )
        with Waits.call_log.open("a", encoding="utf-8") as handle:  # as the providers log
            handle.write(line + "\n")
    await with_heartbeat(asyncio.sleep(wait), step, _no_progress)
    return wait


@workflow.defn(name=WORKFLOW_TYPE)
class RawGraphWorkflow:
    """concept → (content ∥ image) → frontend, each step one activity that only waits."""

    @workflow.run
    async def run(self, options: WorkflowOptions) -> float:
        """The four steps within the run's deadline; the provider path the waits added up to."""
        deadline = workflow.now() + timedelta(seconds=options.timeout_s)
        concept = await self._step("concept", options.concept, deadline)
        content, image = await asyncio.gather(
            self._step("content", options.content, deadline),
            self._step("image", options.image, deadline),
        )
        frontend = await self._step("frontend", options.frontend, deadline)
        return concept + max(content, image) + frontend

    async def _step(self, step: str, policy: StepPolicy, deadline: datetime) -> float:
        left = deadline - workflow.now()
        result: float = await workflow.execute_activity(
            raw_step,
            step,
            schedule_to_close_timeout=left,
            start_to_close_timeout=timedelta(seconds=policy.start_to_close_s),
            heartbeat_timeout=(
                timedelta(seconds=policy.heartbeat_s) if policy.heartbeat_s else None
            ),
            retry_policy=RetryPolicy(
                initial_interval=timedelta(seconds=policy.initial_interval_s),
                backoff_coefficient=policy.backoff_coefficient,
                maximum_interval=timedelta(seconds=policy.maximum_interval_s),
                maximum_attempts=policy.maximum_attempts,
            ),
        )
        return result


async def main() -> None:
    """Run the raw graph's worker until SIGTERM."""
    from core.settings import get_settings
    from core.wiring import temporal_client
    from ops.temporal_metrics import export_sdk_metrics
    from providers.simulated import REALISTIC_DELAYS, parse_delays
    from worker import worker_tuning

    settings = get_settings()
    export_sdk_metrics(settings.metrics_host, settings.worker_metrics_port)  # as worker.py does
    delays = parse_delays(settings.simulated_delays, REALISTIC_DELAYS)
    Waits.provider = SimulatedProvider("sleepy", delays, jitter=settings.simulated_jitter)
    Waits.call_log = settings.simulated_call_log
    client = await temporal_client(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    worker = Worker(
        client,
        task_queue=settings.temporal_task_queue,
        workflows=[RawGraphWorkflow],
        activities=[raw_step],
        graceful_shutdown_timeout=timedelta(seconds=5),
        **worker_tuning(settings),
    )
    async with worker:
        print("raw graph worker started", flush=True)
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
