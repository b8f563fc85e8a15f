"""An owner's control over a postcard's runs: cancel one, delete the postcard, expire its files.

A run that has not started is ended here, through the store (its workflow, if the starter
starts it anyway, finds it ended and calls no provider). A running one is cancelled through
Temporal: its workflow abandons the step in flight (heartbeat cancellation) and records its
own end, FAILED with type Cancelled.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from core.db import PostcardRun
from core.models import STEPS, PostcardError, PostcardStatus, StepState
from core.storage import BlobStore, poster_key
from runs.reads import CLOSED, RunReads
from runs.store import RunStore

log = logging.getLogger("postcards.runs.control")
CANCELLED = "Cancelled"


class CancelRefused(Exception):
    """Nothing to cancel, or it cannot be cancelled now; carries the HTTP status."""

    def __init__(self, status_code: int, reason: str) -> None:
        super().__init__(reason)
        self.status_code = status_code
        self.reason = reason


@dataclass(frozen=True)
class Cancelled:
    """Which run a cancel ended (or is ending: a running run records its own end)."""

    revision: int
    started: bool


async def cancel(
    task_id: str, store: RunStore, reads: RunReads, client: Client | None
) -> Cancelled:
    """Cancel the postcard's unfinished run: its first run, or a running revision (the
    postcard then keeps its last completed one). A repeat of a cancel that took effect is
    answered the same; a postcard with nothing running is CancelRefused (409)."""
    runs = await asyncio.to_thread(reads.runs, task_id)
    running = [r for r in runs if r.status not in CLOSED]
    if not running:
        last = runs[-1] if runs else None
        if last is not None and (last.error or {}).get("type") == CANCELLED:
            return Cancelled(last.revision, started=False)
        status = last.status if last else "gone"
        raise CancelRefused(409, f"nothing to cancel: the postcard is {status}")
    run = running[-1]
    error = PostcardError(
        step=_step_of(run),
        type=CANCELLED,
        message="cancelled by its owner before it started",
        retryable=True,
    )
    before_start = run.status == PostcardStatus.PENDING.value and await asyncio.to_thread(
        store.fail, task_id, run.revision, error, None, only_if_pending=True
    )
    if client is None:
        if before_start:
            return Cancelled(run.revision, started=False)
        raise CancelRefused(503, "the run could not be cancelled: Temporal is unreachable")
    await _cancel_workflow(client, run.run_id)
    log.info(
        "run cancelled by its owner",
        extra={"task_id": task_id, "revision": run.revision, "started": not before_start},
    )
    return Cancelled(run.revision, started=not before_start)


async def delete(
    task_id: str, store: RunStore, blobs: BlobStore, client: Client | None
) -> list[str]:
    """Delete the postcard with its runs and files at once; runs still open are cancelled
    (best effort: a step that has not begun finds its run gone and never starts). The keys of
    the files deleted."""
    removed = await asyncio.to_thread(store.delete, task_id)
    if client is not None:
        for workflow_id in [*removed.open_runs, *removed.open_deliveries]:
            await _cancel_workflow(client, workflow_id)
    keys = [*removed.blob_keys, *(poster_key(task_id, r) for r in removed.revisions)]
    await asyncio.to_thread(_delete_blobs, blobs, keys)
    log.info("postcard deleted by its owner", extra={"task_id": task_id, "files": len(keys)})
    return keys


def _delete_blobs(blobs: BlobStore, keys: list[str]) -> None:
    for key in keys:
        blobs.delete(key)


async def _cancel_workflow(client: Client, run_id: str) -> None:
    """Ask Temporal to cancel a run; one that never started or already closed is fine."""
    try:
        await client.get_workflow_handle(run_id).cancel()
    except RPCError as exc:
        if exc.status is not RPCStatusCode.NOT_FOUND:
            raise


def _step_of(run: PostcardRun) -> str:
    """The step a run is at: its current one, else the first it has not finished."""
    if run.current_step:
        return run.current_step
    steps = run.steps or {}
    for name in STEPS:
        if (steps.get(name) or {}).get("status") in (StepState.PENDING, StepState.QUEUED):
            return name
    return "workflow"
