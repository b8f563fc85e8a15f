"""Final statuses for runs that ended outside the workflow's own code.

The workflow saves its own success (the last step's write) and failure (`save_failure`). A run
can also end where no workflow code runs: an operator's terminate (CLI or Web UI), the server's
execution timeout, a workflow task that kept failing until that timeout. Temporal keeps the
record of how each run closed; this module reads it and saves the matching final status, so a
row never stays PENDING or PROCESSING for a run that is over.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowHistoryEventFilterType,
)
from temporalio.service import RPCError, RPCStatusCode

from core.db import PostcardRevision, utcnow
from core.models import STEPS, PostcardError
from core.repository import PostcardRepository
from core.revisions import FINAL, RevisionRepository

log = logging.getLogger("postcards.closed_runs")

ERROR_TYPES = {
    WorkflowExecutionStatus.TERMINATED: "Terminated",
    WorkflowExecutionStatus.TIMED_OUT: "TimedOut",
    WorkflowExecutionStatus.CANCELED: "Cancelled",
    WorkflowExecutionStatus.FAILED: "Failed",
}
"""How a closed run that did not save its own outcome is reported, by its close status."""


async def settle_closed_run(client: Client, repository: PostcardRepository, task_id: str) -> bool:
    """When the run of `task_id` has closed without saving a final status, save one from
    Temporal's record of how it closed. True when the row was changed."""
    row = await asyncio.to_thread(repository.get, task_id)
    if row is None or row.status in FINAL:
        return False
    error = await closed_error(client, task_id, row.steps, row.current_step)
    if error is None or not await asyncio.to_thread(repository.mark_failed, task_id, error):
        return False
    log.warning(
        "run ended outside the workflow; final status saved",
        extra={"task_id": task_id, "error_type": error.type, "reason": error.message},
    )
    return True


async def settle_closed_revision(
    client: Client, revisions: RevisionRepository, revision: PostcardRevision
) -> bool:
    """The same for a revision's run (workflow id `<task id>-r<n>`)."""
    if revision.status in FINAL:
        return False
    run_id = f"{revision.task_id}-r{revision.revision}"
    error = await closed_error(client, run_id, revision.steps, revision.step)
    if error is None:
        return False
    changed = await asyncio.to_thread(
        revisions.fail, revision.task_id, revision.revision, error, {}
    )
    if changed:
        log.warning(
            "revision ended outside the workflow; final status saved",
            extra={"task_id": revision.task_id, "revision": revision.revision, "error": error.type},
        )
    return changed


async def closed_error(
    client: Client, run_id: str, steps: dict[str, Any] | None, current_step: str | None
) -> PostcardError | None:
    """Why a closed run ended, for a run that saved nothing itself; None while it runs, when it
    completed (its last step saved that), or when Temporal has no such run."""
    handle = client.get_workflow_handle(run_id)
    try:
        description = await handle.describe()
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return None  # never started, or past retention: the starter's orphan sweep owns it
        raise
    status = description.status
    error_type = ERROR_TYPES.get(status) if status is not None else None
    if status is None or error_type is None:
        return None
    running = [step for step in STEPS if (steps or {}).get(step, {}).get("status") == "running"]
    return PostcardError(
        step=running[-1] if running else current_step or "workflow",
        type=error_type,
        message=await _close_reason(handle, status),
        retryable=status is not WorkflowExecutionStatus.FAILED,
    )


async def _close_reason(handle: WorkflowHandle, status: WorkflowExecutionStatus) -> str:
    """The operator's reason, the failure's message, or what ended the run."""
    closing = await _last_event(handle, WorkflowHistoryEventFilterType.CLOSE_EVENT)
    if status is WorkflowExecutionStatus.TERMINATED and closing is not None:
        terminated = closing.workflow_execution_terminated_event_attributes
        who = f" by {terminated.identity}" if terminated.identity else ""
        return f"terminated{who}: {terminated.reason or 'no reason given'}"
    if status is WorkflowExecutionStatus.FAILED and closing is not None:
        return closing.workflow_execution_failed_event_attributes.failure.message or "failed"
    if status is WorkflowExecutionStatus.CANCELED:
        return "the run was cancelled"
    reason = "the run reached its execution timeout"
    task_failure = await _last_workflow_task_failure(handle)
    return f"{reason}; its workflow task kept failing: {task_failure}" if task_failure else reason


async def _last_event(
    handle: WorkflowHandle, event_filter: WorkflowHistoryEventFilterType
) -> HistoryEvent | None:
    last = None
    async for event in handle.fetch_history_events(event_filter_type=event_filter):
        last = event
    return last


async def _last_workflow_task_failure(handle: WorkflowHandle) -> str | None:
    """The message of the last failed workflow task (a bug in workflow code), if any."""
    message = None
    async for event in handle.fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
            message = event.workflow_task_failed_event_attributes.failure.message
    return message[:300] if message else None


class StaleRunSweep:
    """Settles the closed runs among rows that are not final and have not been written for
    `quiet_for_s` (postcards nobody is reading). Each pass looks at `batch` rows and the next
    pass goes on after them, so rows whose runs are still open (long provider waits) never
    keep the sweep from reaching the others."""

    def __init__(
        self,
        client: Client,
        repository: PostcardRepository,
        quiet_for_s: float,
        batch: int = 100,
    ) -> None:
        self.client = client
        self.repository = repository
        self.quiet_for_s = quiet_for_s
        self.batch = batch
        self._after: str | None = None

    async def run_once(self) -> int:
        """One pass; the number of rows given a final status."""
        cutoff = utcnow() - timedelta(seconds=self.quiet_for_s)
        task_ids = await asyncio.to_thread(
            self.repository.unfinished_before, cutoff, self.batch, self._after
        )
        self._after = task_ids[-1] if len(task_ids) == self.batch else None
        settled = 0
        for task_id in task_ids:
            settled += await settle_closed_run(self.client, self.repository, task_id)
        return settled
