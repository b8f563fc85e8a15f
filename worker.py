"""The Temporal worker: `python worker.py` runs PostcardWorkflow, WebhookDeliveryWorkflow and
their activities."""

from __future__ import annotations

import asyncio
import logging
import signal
from contextlib import AsyncExitStack
from datetime import timedelta
from typing import Any

from temporalio.client import Client
from temporalio.worker import PollerBehaviorSimpleMaximum, UnsandboxedWorkflowRunner, Worker

import engine
from activities import PostcardActivities
from activities.retention import RetentionActivities
from activities.webhooks import WebhookActivities
from core.logs import configure_logging
from core.migrate import migrate
from core.quotas import queue_rates
from core.settings import Settings, get_settings
from core.wiring import blob_store, redis_client, temporal_client
from ops.health import Liveness, health_endpoint, worker_probes
from ops.temporal_metrics import export_sdk_metrics
from providers.factory import ProviderFactory, chain_names
from providers.local import start_render_pool, stop_render_pool
from runs.reads import RunReads
from runs.webhooks import WebhookStore
from runs.wiring import run_store
from workflows.postcard import PostcardWorkflow
from workflows.retention import RetentionWorkflow
from workflows.webhook import WebhookDeliveryWorkflow

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


def activity_tuning(settings: Settings) -> dict[str, Any]:
    """The activity-side part of `worker_tuning`, for workers that run no workflows."""
    tuning = worker_tuning(settings)
    keys = ("max_concurrent_activities", "activity_task_poller_behavior")
    return {key: tuning[key] for key in keys if key in tuning}


def renders_locally(settings: Settings) -> bool:
    """Whether the local engine draws an illustration or a page here (so a render pool helps)."""
    return any("local" in chain_names(settings, role) for role in ("image", "code"))


def build_workers(
    client: Client,
    settings: Settings,
    providers: ProviderFactory | None = None,
    task_queue: str | None = None,
) -> list[Worker]:
    """The product's worker, then one activity worker per provider quota queue.

    All share one set of activities (one database engine, one provider factory). A quota
    worker declares its queue's rate (`max_task_queue_activities_per_second`), which the
    Temporal server enforces across every worker polling that queue (core/quotas.py).
    """
    queue = task_queue or settings.temporal_task_queue
    store, blobs = run_store(settings), blob_store(settings)
    activities = PostcardActivities(
        store,
        blobs,
        providers or ProviderFactory(settings, redis=redis_client(settings)),
        settings.effective_public_base_url,
    )
    webhooks = WebhookActivities(WebhookStore(store.engine), RunReads(store.engine), settings)
    main = Worker(
        client,
        task_queue=queue,
        workflows=[PostcardWorkflow, RetentionWorkflow, WebhookDeliveryWorkflow],
        activities=[
            *activities.all(),
            *RetentionActivities(store, blobs).all(),
            *webhooks.all(),
        ],
        graceful_shutdown_timeout=timedelta(seconds=20),
        **worker_tuning(settings),
    )
    quota = [
        Worker(
            client,
            task_queue=name,
            activities=activities.all(),
            max_task_queue_activities_per_second=rate,
            graceful_shutdown_timeout=timedelta(seconds=20),
            **activity_tuning(settings),
        )
        for name, rate in sorted(queue_rates(settings, queue).items())
    ]
    return [main, *quota]


def build_worker(
    client: Client,
    settings: Settings,
    providers: ProviderFactory | None = None,
    task_queue: str | None = None,
) -> Worker:
    """A worker with every workflow and activity of the product registered (no quota queues)."""
    no_quotas = settings.model_copy(update={"gemini_rpm": None, "anthropic_rpm": None})
    return build_workers(client, no_quotas, providers, task_queue)[0]


async def main() -> None:
    """Connect, run until SIGTERM/SIGINT, then shut down gracefully."""
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    export_sdk_metrics(settings.metrics_host, settings.worker_metrics_port)
    migrate(settings.effective_database_url)
    # Before the client connects: the pool's forkserver starts while this process is small.
    if renders_locally(settings):
        start_render_pool(settings.local_render_processes)
    if "local" in chain_names(settings, "text"):
        # Before polling: the first Chinese wish would build the segmenter's dictionary on the
        # event loop, stalling every running step's heartbeats for about a second.
        engine.warm_up()
    client = await temporal_client(settings)
    workers = build_workers(client, settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    log.info(
        "worker started",
        extra={
            "task_queues": [w.task_queue for w in workers],
            "temporal": settings.temporal_address,
        },
    )
    liveness = Liveness(("temporal", "database"), settings.health_max_age_s)
    probes = worker_probes(client, settings.effective_database_url)
    port = settings.worker_app_metrics_port
    try:
        async with AsyncExitStack() as running:
            for worker in workers:
                await running.enter_async_context(worker)
            await running.enter_async_context(
                health_endpoint(settings.metrics_host, port, liveness, probes)
            )
            liveness.running = True
            await stop.wait()
            log.info("worker stopping: finishing activities in hand")
    finally:
        stop_render_pool()
    log.info("worker stopped")


if __name__ == "__main__":
    asyncio.run(main())
