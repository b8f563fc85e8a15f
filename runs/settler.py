"""Ends that Temporal decided, recorded in one place.

The workflow records its own ends: a success is the last step's write, a failure or a cancel
its `save_failure` activity. A run can also end where no workflow code runs: an operator's
terminate (CLI or Web UI), the server's execution timeout, a workflow task that kept failing
until then; and Temporal can lose a run altogether (its history expired or was wiped). The
settler finds those with visibility List calls, never one describe per row:

- every SETTLE_INTERVAL_S, the runs that closed since its last pass, other than completed;
- every LOST_CHECK_INTERVAL_S, the runs the database still calls open that no write has touched
  for RUN_LOST_AFTER_S, asked about by id in one List per batch: a closed one is settled, one
  that Temporal does not know is FAILED with type `Lost` (a first run still PENDING stays with
  the starter's orphan sweep, which starts it).

Several starters may each run one; the store's final-status guard makes a second record of the
same end a no-op.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy.exc import OperationalError
from temporalio.api.enums.v1 import EventType
from temporalio.client import (
    Client,
    WorkflowExecution,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowHistoryEventFilterType,
)
from temporalio.service import RPCError

from core.db import utcnow
from core.models import STEPS, PostcardError
from core.settings import Settings
from runs.reads import OpenRun, RunReads
from runs.store import RunStore

log = logging.getLogger("postcards.runs.settler")

WORKFLOW_TYPE = "PostcardWorkflow"
ERROR_TYPES = {
    WorkflowExecutionStatus.TERMINATED: "Terminated",
    WorkflowExecutionStatus.TIMED_OUT: "TimedOut",
    WorkflowExecutionStatus.CANCELED: "Cancelled",
    WorkflowExecutionStatus.FAILED: "Failed",
}
"""How a closed run that did not record its own end is reported, by its close status."""
LOOKBACK = timedelta(hours=1)
"""How far back the first pass of a new settler looks for closed runs."""
OVERLAP = timedelta(seconds=30)
"""Each pass looks this far before the previous one began: visibility records a close a
moment after it happens."""
BATCH = 100
_REVISION = re.compile(r"^(?P<task_id>.+)-r(?P<revision>\d+)$")
_UNQUOTABLE = re.compile(r"['\"\\]")


class Settler:
    """Records the ends of runs that their workflow code did not record."""

    def __init__(
        self, client: Client, store: RunStore, reads: RunReads, settings: Settings
    ) -> None:
        self.client = client
        self.store = store
        self.reads = reads
        self.interval_s = settings.settle_interval_s
        self.lost_check_interval_s = settings.lost_check_interval_s
        self.lost_after = timedelta(seconds=settings.run_lost_after_s)
        self._since = utcnow() - LOOKBACK
        self._after: tuple[str, int] | None = None

    async def run(self, stop: asyncio.Event) -> None:
        """Settle until `stop` is set; an unreachable Temporal or database is waited out."""
        loop = asyncio.get_running_loop()
        next_lost_check = loop.time() + self.lost_check_interval_s
        while not stop.is_set():
            try:
                await self.settle_closed()
                if loop.time() >= next_lost_check:
                    next_lost_check = loop.time() + self.lost_check_interval_s
                    await self.check_quiet()
            except (RPCError, OperationalError, OSError, RuntimeError) as exc:
                log.warning("settling paused", extra={"error": f"{type(exc).__name__}: {exc}"})
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.interval_s)
            except TimeoutError:
                pass

    async def settle_closed(self) -> int:
        """Settle the runs that closed, other than completed, since the last pass."""
        began = utcnow()
        query = (
            f"WorkflowType = '{WORKFLOW_TYPE}' AND ExecutionStatus != 'Completed' "
            f"AND CloseTime >= '{_timestamp(self._since - OVERLAP)}'"
        )
        closed = [execution async for execution in self.client.list_workflows(query)]
        settled = await self._settle(closed, await self._keys(e.id for e in closed))
        self._since = began
        return settled

    async def check_quiet(self) -> int:
        """Ask Temporal about one batch of open runs that no write has touched for a while."""
        quiet = await asyncio.to_thread(
            self.reads.open_runs, utcnow() - self.lost_after, BATCH, self._after
        )
        self._after = (quiet[-1].task_id, quiet[-1].revision) if len(quiet) == BATCH else None
        asked = [run for run in quiet if not _UNQUOTABLE.search(run.run_id)]
        if not asked:
            return 0
        ids = ", ".join(f"'{run.run_id}'" for run in asked)
        known = {e.id: e async for e in self.client.list_workflows(f"WorkflowId IN ({ids})")}
        settled = await self._settle(list(known.values()), asked)
        for run in asked:
            if run.run_id in known or (run.revision == 1 and run.status == "PENDING"):
                continue
            error = PostcardError(
                step=_step_of(run),
                type="Lost",
                message=(
                    f"Temporal has no record of run {run.run_id} "
                    f"{self.lost_after.total_seconds():.0f} s after its last change "
                    "(its history expired or was deleted)"
                ),
                retryable=True,
            )
            settled += await self._fail(run, error)
        return settled

    async def _keys(self, workflow_ids: Iterable[str]) -> list[OpenRun]:
        """The open runs these workflow ids may name: `<task>-r<n>` is revision n of <task>,
        unless <task>-r<n> is itself a task id."""
        keys: list[tuple[str, int]] = []
        for workflow_id in workflow_ids:
            keys.append((workflow_id, 1))
            match = _REVISION.match(workflow_id)
            if match:
                keys.append((match["task_id"], int(match["revision"])))
        return await asyncio.to_thread(self.reads.open_among, keys)

    async def _settle(self, executions: list[WorkflowExecution], runs: list[OpenRun]) -> int:
        """Record how each of these open runs ended, where Temporal closed it."""
        by_id = {execution.id: execution for execution in executions}
        settled = 0
        for run in runs:
            execution = by_id.get(run.run_id)
            if execution is None or execution.status not in ERROR_TYPES:
                continue
            error = PostcardError(
                step=_step_of(run),
                type=ERROR_TYPES[execution.status],
                message=await _close_reason(self.client.get_workflow_handle(run.run_id), execution),
                retryable=execution.status is not WorkflowExecutionStatus.FAILED,
            )
            settled += await self._fail(run, error)
        return settled

    async def _fail(self, run: OpenRun, error: PostcardError) -> bool:
        changed = await asyncio.to_thread(self.store.fail, run.task_id, run.revision, error)
        if changed:
            log.warning(
                "run ended outside the workflow; final status saved",
                extra={
                    "task_id": run.task_id,
                    "revision": run.revision,
                    "error_type": error.type,
                    "reason": error.message,
                },
            )
        return changed


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _step_of(run: OpenRun) -> str:
    """The step the run was in: its last running step, its current one, or the workflow."""
    steps = run.steps or {}
    running = [s for s in STEPS if (steps.get(s) or {}).get("status") == "running"]
    if running:
        return running[-1]
    return run.current_step or "workflow"


async def _close_reason(handle: WorkflowHandle, execution: WorkflowExecution) -> str:
    """The operator's reason, the failure's message, or what ended the run."""
    status = execution.status
    if status is WorkflowExecutionStatus.CANCELED:
        return "the run was cancelled"
    closing = None
    async for event in handle.fetch_history_events(
        event_filter_type=WorkflowHistoryEventFilterType.CLOSE_EVENT
    ):
        closing = event
    if status is WorkflowExecutionStatus.TERMINATED and closing is not None:
        terminated = closing.workflow_execution_terminated_event_attributes
        who = f" by {terminated.identity}" if terminated.identity else ""
        return f"terminated{who}: {terminated.reason or 'no reason given'}"
    if status is WorkflowExecutionStatus.FAILED and closing is not None:
        return closing.workflow_execution_failed_event_attributes.failure.message or "failed"
    reason = "the run reached its execution timeout"
    task_failure = None
    async for event in handle.fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
            task_failure = event.workflow_task_failed_event_attributes.failure.message
    if task_failure:
        return f"{reason}; its workflow task kept failing: {task_failure[:300]}"
    return reason
