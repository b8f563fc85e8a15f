"""The retention schedule: a Temporal Schedule that starts RetentionWorkflow regularly.

The starter makes sure it exists at start (created, or updated to the current settings), so it
is visible and can be paused or triggered under Schedules in the Web UI. RESULT_RETENTION_DAYS
= 0 keeps everything: the schedule is then removed.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleUpdate,
    ScheduleUpdateInput,
)
from temporalio.service import RPCError, RPCStatusCode

from core.models import RetentionInput
from core.settings import Settings
from workflows.retention import RetentionWorkflow

log = logging.getLogger("postcards.runs.retention")
SCHEDULE_ID = "postcard-retention"


def retention_schedule(settings: Settings) -> Schedule:
    """The schedule the settings ask for."""
    return Schedule(
        action=ScheduleActionStartWorkflow(
            RetentionWorkflow.run,
            RetentionInput(days=settings.result_retention_days),
            id=SCHEDULE_ID,
            task_queue=settings.temporal_task_queue,
            execution_timeout=timedelta(hours=1),
        ),
        spec=ScheduleSpec(
            intervals=[ScheduleIntervalSpec(every=timedelta(hours=settings.retention_interval_h))]
        ),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )


async def ensure_retention_schedule(client: Client, settings: Settings) -> bool:
    """Create the schedule, or bring an existing one to the current settings; remove it when
    retention is off. Whether a schedule now exists."""
    handle = client.get_schedule_handle(SCHEDULE_ID)
    if settings.result_retention_days == 0:
        try:
            await handle.delete()
        except RPCError as exc:
            if exc.status is not RPCStatusCode.NOT_FOUND:
                raise
        return False
    wanted = retention_schedule(settings)
    try:
        await client.create_schedule(SCHEDULE_ID, wanted)
        log.info("retention schedule created", extra={"days": settings.result_retention_days})
    except ScheduleAlreadyRunningError:

        def update(_: ScheduleUpdateInput) -> ScheduleUpdate:
            return ScheduleUpdate(schedule=wanted)

        await handle.update(update)
    return True
