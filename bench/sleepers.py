"""Sleeping activities that record their heartbeats, run in the same process as the product.

`python -m bench.sleepers` runs the product's workers (`build_workers`, with the render pool
that LOCAL_RENDER_PROCESSES asks for, as `worker.py` does) and, on the same event loop, a worker
for SleepersWorkflow on `<TEMPORAL_TASK_QUEUE>-sleepers`. Each sleeper heartbeats every
BEAT_S and appends its beat times to a file, so the benchmark can see how long the loop left it
waiting while postcards rendered.
"""

from __future__ import annotations

import asyncio
import json
import signal
import time
from contextlib import AsyncExitStack
from datetime import timedelta
from pathlib import Path

from pydantic import BaseModel
from temporalio import activity, workflow
from temporalio.worker import Worker

BEAT_S = 0.2
READY_LINE = "sleepers ready"


class Sleep(BaseModel):
    """How long one sleeper runs and where it writes its beats."""

    seconds: float
    beats_file: str


class Sleepers(BaseModel):
    """How many sleepers to run at once."""

    count: int
    sleep: Sleep


@activity.defn(name="sleep_and_beat")
async def sleep_and_beat(data: Sleep) -> int:
    """Heartbeat every BEAT_S for `seconds`; append the wall-clock beat times as one JSON line."""
    beats = [time.time()]
    ends = time.monotonic() + data.seconds
    while time.monotonic() < ends:
        await asyncio.sleep(BEAT_S)
        activity.heartbeat()
        beats.append(time.time())
    line = json.dumps({"beats": [round(b, 4) for b in beats]})
    await asyncio.to_thread(_append, Path(data.beats_file), line)
    return len(beats)


def _append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


@workflow.defn(name="SleepersWorkflow")
class SleepersWorkflow:
    """`count` sleepers at once."""

    @workflow.run
    async def run(self, data: Sleepers) -> int:
        """Start every sleeper, wait for all."""
        beats = await asyncio.gather(
            *(
                workflow.execute_activity(
                    sleep_and_beat,
                    data.sleep,
                    start_to_close_timeout=timedelta(seconds=data.sleep.seconds + 60),
                    heartbeat_timeout=timedelta(seconds=10),
                )
                for _ in range(data.count)
            )
        )
        return sum(beats)


async def main() -> None:
    """The product's workers and the sleepers' worker on one loop, until SIGTERM."""
    from core.migrate import migrate
    from core.settings import get_settings
    from core.wiring import temporal_client
    from providers.local import start_render_pool, stop_render_pool
    from worker import build_workers

    settings = get_settings()
    migrate(settings.effective_database_url)
    start_render_pool(settings.local_render_processes)
    client = await temporal_client(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    sleepers = Worker(
        client,
        task_queue=f"{settings.temporal_task_queue}-sleepers",
        workflows=[SleepersWorkflow],
        activities=[sleep_and_beat],
        max_concurrent_activities=1000,
    )
    try:
        async with AsyncExitStack() as running:
            for worker in [*build_workers(client, settings), sleepers]:
                await running.enter_async_context(worker)
            print(READY_LINE, flush=True)
            await stop.wait()
    finally:
        stop_render_pool()


if __name__ == "__main__":
    asyncio.run(main())
