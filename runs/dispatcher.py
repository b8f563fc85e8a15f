"""The webhook dispatcher: starts one WebhookDeliveryWorkflow per outbox row.

It runs in the starter beside the settler. Every DISPATCH_INTERVAL_S it reads the deliveries
whose workflow has not been started, starts each with workflow id = delivery id (a second start
of the same id is refused by Temporal: `REJECT_DUPLICATE`, so several starters or a crash
between the start and the mark never deliver an event twice) and marks them dispatched.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlalchemy.exc import OperationalError
from temporalio.client import Client
from temporalio.common import (
    SearchAttributeKey,
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from core.settings import Settings
from core.webhooks import TASK_ID_ATTRIBUTE, WORKFLOW_TYPE, DeliveryInput, DeliveryPolicy
from runs.webhooks import WebhookStore

log = logging.getLogger("postcards.webhooks")
DISPATCH_INTERVAL_S = 0.5
BATCH = 200
REJECTED = {
    RPCStatusCode.INVALID_ARGUMENT,
    RPCStatusCode.FAILED_PRECONDITION,
    RPCStatusCode.PERMISSION_DENIED,
    RPCStatusCode.NOT_FOUND,
}
"""Answers to a start that retrying cannot change (e.g. PostcardTaskId not registered): the
delivery is dead-lettered with the reason instead of blocking the ones after it."""
TASK_ID_KEY = SearchAttributeKey.for_keyword(TASK_ID_ATTRIBUTE)


def delivery_policy(settings: Settings) -> DeliveryPolicy:
    """The retry window and backoff of deliveries, from settings."""
    return DeliveryPolicy(
        retry_hours=settings.webhook_retry_hours,
        initial_interval_s=settings.webhook_retry_initial_s,
        attempt_timeout_s=settings.webhook_timeout_s + 5,
    )


async def start_delivery(
    client: Client,
    settings: Settings,
    delivery_id: str,
    task_id: str,
    workflow_id: str | None = None,
    resend: bool = False,
) -> bool:
    """Start a delivery's workflow (by default its id is the delivery's); False when that
    workflow exists already."""
    attributes = (
        [SearchAttributePair(TASK_ID_KEY, task_id)] if settings.temporal_search_attributes else []
    )
    try:
        await client.start_workflow(
            WORKFLOW_TYPE,
            DeliveryInput(
                delivery_id=delivery_id,
                task_id=task_id,
                policy=delivery_policy(settings),
                resend=resend,
            ),
            id=workflow_id or delivery_id,
            task_queue=settings.temporal_task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            # A day of retries, and the dead letter after them.
            execution_timeout=timedelta(hours=settings.webhook_retry_hours, minutes=10),
            search_attributes=TypedSearchAttributes(attributes),
            static_summary=f"webhook of {task_id}",
        )
    except WorkflowAlreadyStartedError:
        return False
    return True


class Dispatcher:
    """Turns outbox rows into delivery workflows."""

    def __init__(self, client: Client, deliveries: WebhookStore, settings: Settings) -> None:
        self.client = client
        self.deliveries = deliveries
        self.settings = settings
        self.started = 0

    async def run(self, stop: asyncio.Event) -> None:
        """Dispatch until `stop` is set; an unreachable Temporal or database is waited out."""
        while not stop.is_set():
            try:
                while await self.dispatch() == BATCH and not stop.is_set():
                    pass
            except (RPCError, OperationalError, OSError, RuntimeError) as exc:
                log.warning("dispatching paused", extra={"error": f"{type(exc).__name__}: {exc}"})
            try:
                await asyncio.wait_for(stop.wait(), timeout=DISPATCH_INTERVAL_S)
            except TimeoutError:
                pass

    async def dispatch(self) -> int:
        """Start the workflows of one batch of undispatched deliveries; how many were read."""
        waiting = await asyncio.to_thread(self.deliveries.undispatched, BATCH)
        done: list[str] = []
        try:
            for delivery_id, task_id in waiting:
                extra = {"task_id": task_id, "delivery_id": delivery_id}
                try:
                    if await start_delivery(self.client, self.settings, delivery_id, task_id):
                        self.started += 1
                        log.info("webhook delivery started", extra=extra)
                except RPCError as exc:
                    if exc.status not in REJECTED:
                        raise
                    reason = f"Temporal refused to start the delivery: {exc.message}"
                    await asyncio.to_thread(self.deliveries.dead_lettered, delivery_id, reason)
                    log.error("webhook delivery not started", extra=extra | {"reason": reason})
                done.append(delivery_id)
        finally:  # Temporal went away mid-batch: mark what started, the rest waits
            await asyncio.to_thread(self.deliveries.mark_dispatched, done)
        return len(waiting)
