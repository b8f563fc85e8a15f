"""The baseline: a raw Temporal workflow of four no-op activities, and its worker process.

`python -m bench.noop` runs the worker with the product's worker tuning (`worker_tuning`) and
client (`temporal_client`), configured by the same environment variables as `worker.py`.
"""

from __future__ import annotations

import asyncio
import signal
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.worker import Worker

NOOP_STEPS = ("one", "two", "three", "four")


@activity.defn(name="noop")
async def noop(value: str) -> str:
    """Do nothing and hand the input back."""
    return value


@workflow.defn(name="NoopWorkflow")
class NoopWorkflow:
    """Four sequential no-op activities: the least a four-step Temporal workflow can cost."""

    @workflow.run
    async def run(self, value: str) -> str:
        """Run the four activities one after the other."""
        for _ in NOOP_STEPS:
            value = await workflow.execute_activity(
                noop, value, start_to_close_timeout=timedelta(seconds=30)
            )
        return value


async def main() -> None:
    """Run the baseline worker until SIGTERM."""
    from core.settings import get_settings
    from core.wiring import temporal_client
    from ops.temporal_metrics import export_sdk_metrics
    from worker import worker_tuning

    settings = get_settings()
    export_sdk_metrics(settings.metrics_host, settings.worker_metrics_port)  # as worker.py does
    client = await temporal_client(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    worker = Worker(
        client,
        task_queue=settings.temporal_task_queue,
        workflows=[NoopWorkflow],
        activities=[noop],
        graceful_shutdown_timeout=timedelta(seconds=5),
        **worker_tuning(settings),
    )
    async with worker:
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
