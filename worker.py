"""The Temporal worker: `python worker.py` runs PostcardWorkflow and its activities."""

from __future__ import annotations

import asyncio
import logging
import py_compile
import signal
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from temporalio.client import Client
from temporalio.worker import PollerBehaviorSimpleMaximum, UnsandboxedWorkflowRunner, Worker

from activities import PostcardActivities
from core.logs import configure_logging
from core.migrate import migrate
from core.settings import Settings, get_settings
from core.wiring import blob_store, redis_client, repository, temporal_client
from ops.health import Liveness, health_endpoint, worker_probes
from ops.temporal_metrics import export_sdk_metrics
from providers.factory import ProviderFactory
from workflows.postcard import PostcardWorkflow

log = logging.getLogger("postcards.worker")


def worker_tuning(settings: Settings) -> dict[str, Any]:
    """Concurrency, pollers and cache from settings; the benchmark baseline uses the same."""
    tuning: dict[str, Any] = {
        "max_concurrent_activities": settings.worker_max_concurrent_activities,
        "max_concurrent_workflow_tasks": settings.worker_max_concurrent_workflow_tasks,
        "max_cached_workflows": settings.worker_max_cached_workflows,
    }
    if not settings.worker_workflow_sandbox:
        tuning["workflow_runner"] = UnsandboxedWorkflowRunner()
    if settings.worker_workflow_task_pollers:
        tuning["workflow_task_poller_behavior"] = PollerBehaviorSimpleMaximum(
            settings.worker_workflow_task_pollers
        )
    if settings.worker_activity_task_pollers:
        tuning["activity_task_poller_behavior"] = PollerBehaviorSimpleMaximum(
            settings.worker_activity_task_pollers
        )
    return tuning


def cache_workflow_bytecode(*workflow_classes: type) -> list[Path]:
    """Write the bytecode of the modules the sandbox re-imports for every workflow run.

    The workflow sandbox imports each workflow's module afresh per run; without a `.pyc`
    (PYTHONDONTWRITEBYTECODE=1, as in many container images) that import compiles the source
    every time. py_compile writes the cache even under that setting; an unwritable tree only
    loses the saving. Returns the files whose bytecode is now cached.
    """
    written: list[Path] = []
    for cls in workflow_classes:
        parts = cls.__module__.split(".")
        for depth in range(1, len(parts) + 1):
            module = sys.modules.get(".".join(parts[:depth]))
            source = getattr(module, "__file__", None)
            if not source or not source.endswith(".py"):
                continue
            try:
                py_compile.compile(source, doraise=True)
            except (OSError, py_compile.PyCompileError) as exc:
                log.debug("bytecode not cached", extra={"file": source, "error": str(exc)})
                continue
            written.append(Path(source))
    return written


def build_worker(
    client: Client,
    settings: Settings,
    providers: ProviderFactory | None = None,
    task_queue: str | None = None,
) -> Worker:
    """A worker with every workflow and activity of the product registered."""
    activities = PostcardActivities(
        repository(settings),
        blob_store(settings),
        providers or ProviderFactory(settings, redis=redis_client(settings)),
        settings.effective_public_base_url,
    )
    cache_workflow_bytecode(PostcardWorkflow)
    return Worker(
        client,
        task_queue=task_queue or settings.temporal_task_queue,
        workflows=[PostcardWorkflow],
        activities=activities.all(),
        graceful_shutdown_timeout=timedelta(seconds=20),
        **worker_tuning(settings),
    )


async def main() -> None:
    """Connect, run until SIGTERM/SIGINT, then shut down gracefully."""
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    export_sdk_metrics(settings.metrics_host, settings.worker_metrics_port)
    migrate(settings.effective_database_url)
    client = await temporal_client(settings)
    worker = build_worker(client, settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    log.info(
        "worker started",
        extra={"task_queue": settings.temporal_task_queue, "temporal": settings.temporal_address},
    )
    liveness = Liveness(("temporal", "database"), settings.health_max_age_s)
    probes = worker_probes(client, settings.effective_database_url)
    port = settings.worker_app_metrics_port
    async with worker, health_endpoint(settings.metrics_host, port, liveness, probes):
        liveness.running = True
        await stop.wait()
        log.info("worker stopping: finishing activities in hand")
    log.info("worker stopped")


if __name__ == "__main__":
    asyncio.run(main())
