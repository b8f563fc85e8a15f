"""Every end of a run leaves a final status with its reason: terminate (CLI), the server's
execution timeout, a workflow task that keeps failing, cancel, a run Temporal lost. Real
Temporal, Redis, SQLite and PostgreSQL; the settler (runs/settler.py) records the ends that no
workflow code recorded, from visibility List calls."""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
import pytest
from temporalio import workflow
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowFailureError,
    WorkflowHandle,
)
from temporalio.worker import Worker

from core.db import utcnow
from core.devserver import free_port, temporal_binary
from core.models import PostcardError, PostcardRequest, PostcardResult
from core.settings import Settings
from runs.reads import RunReads
from runs.settler import Settler
from runs.store import RunStore
from runs.wiring import run_reads, run_store
from tests.harness import make_request, record_completed, running_worker
from tests.stack import Stack, run_starter, serve_api, stack_settings
from tests.test_pipeline import FixedFactory, SlowImage


@workflow.defn(name="PostcardWorkflow", sandboxed=False)
class BrokenPostcardWorkflow:
    """A deploy with a bug in workflow code: every workflow task fails."""

    @workflow.run
    async def run(self, request: PostcardRequest) -> PostcardResult:
        raise RuntimeError("a bug in workflow code")


@asynccontextmanager
async def slow_stack(base: Settings, client: Client, redis_url: str) -> AsyncIterator[Stack]:
    """API + starter + a worker whose image step takes a minute."""
    settings = stack_settings(base, redis_url, free_port())
    slow = FixedFactory(settings, image=SlowImage())
    async with (
        running_worker(client, settings, slow, task_queue=settings.temporal_task_queue),
        run_starter(settings, client) as starter,
        serve_api(settings) as base_url,
        httpx.AsyncClient(base_url=base_url, timeout=30) as http,
    ):
        yield Stack(settings, http, starter, base_url)


@asynccontextmanager
async def slow_run(
    settings: Settings, client: Client, execution_timeout: timedelta | None = None
) -> AsyncIterator[tuple[PostcardRequest, WorkflowHandle]]:
    """A postcard started on a worker whose image step takes a minute."""
    slow = FixedFactory(settings, image=SlowImage())
    async with running_worker(client, settings, slow) as (_, queue):
        request = make_request()
        handle = await client.start_workflow(
            "PostcardWorkflow",
            request,
            id=request.task_id,
            task_queue=queue,
            execution_timeout=execution_timeout,
        )
        yield request, handle


async def _create_and_wait_for_image(stack: Stack) -> str:
    created = await stack.http.post("/api/v1/postcards/create", json={"prompt": "生日快乐，妈妈"})
    task_id: str = created.json()["task_id"]
    body = await stack.wait_status(task_id, {"PROCESSING"})
    for _ in range(100):
        if body["steps"]["image"]["status"] == "running":
            return task_id
        await asyncio.sleep(0.1)
        body = (await stack.http.get(f"/api/v1/postcards/status/{task_id}")).json()
    raise AssertionError(f"the image step never ran: {body}")


async def _image_running(reads: RunReads, task_id: str) -> None:
    """Wait until the image step's activity has saved itself as running."""
    for _ in range(100):
        view = reads.get(task_id)
        if view is not None and (view.run.steps or {}).get("image", {}).get("status") == "running":
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the image step of {task_id} never ran")


def _settler(client: Client, settings: Settings) -> tuple[Settler, RunStore, RunReads]:
    store = run_store(settings)
    reads = run_reads(settings, store)
    return Settler(client, store, reads, settings), store, reads


async def _settled(settler: Settler, reads: RunReads, task_id: str) -> str:
    """Run the settler's closed-run pass until the postcard is final (visibility records a
    close a moment after it happens); its status."""
    for _ in range(50):
        await settler.settle_closed()
        view = reads.get(task_id)
        if view is not None and view.status in ("FAILED", "COMPLETED"):
            return view.status
        await asyncio.sleep(0.2)
    raise AssertionError(f"{task_id} was never settled")


async def test_terminate_from_the_cli_ends_failed_with_the_operators_reason(
    settings: Settings, client: Client, redis_url: str
) -> None:
    async with slow_stack(settings, client, redis_url) as stack:
        task_id = await _create_and_wait_for_image(stack)
        terminated = asyncio.get_running_loop().time()
        await asyncio.to_thread(
            subprocess.run,
            [
                temporal_binary(),
                "workflow",
                "terminate",
                "--address",
                settings.temporal_address,
                "--workflow-id",
                task_id,
                "--reason",
                "spam wave, stopped by ops",
            ],
            check=True,
            capture_output=True,
        )
        # The starter's settler lists closed runs every SETTLE_INTERVAL_S (1 s).
        body = await stack.wait_status(task_id, {"FAILED", "COMPLETED"}, timeout_s=10)
        took = asyncio.get_running_loop().time() - terminated
        again = (await stack.http.get(f"/api/v1/postcards/status/{task_id}")).json()
    assert body["status"] == "FAILED"
    assert body["error"]["type"] == "Terminated"
    assert body["error"]["step"] == "image"
    assert "spam wave, stopped by ops" in body["error"]["message"]
    assert body["steps"]["image"]["status"] == "failed"
    assert body["steps"]["frontend"]["status"] == "skipped"
    assert again["status"] == "FAILED" and again["error"] == body["error"]
    assert took < 10
    view = run_reads(stack.settings).get(task_id)
    assert view is not None and view.status == "FAILED" and view.run.error == body["error"]


async def test_the_settler_records_a_terminated_run_from_a_list_call(
    settings: Settings, client: Client
) -> None:
    settler, _, reads = _settler(client, settings)
    async with slow_run(settings, client) as (request, handle):
        await _image_running(reads, request.task_id)
        await handle.terminate(reason="operator cleanup")
        assert await _settled(settler, reads, request.task_id) == "FAILED"
    view = reads.get(request.task_id)
    assert view is not None and view.run.error is not None
    assert view.run.error["type"] == "Terminated"
    assert "operator cleanup" in view.run.error["message"]
    assert await settler.settle_closed() == 0, "a final status is recorded once"


async def test_the_execution_timeout_ends_failed_as_timed_out(
    settings: Settings, client: Client
) -> None:
    settler, _, reads = _settler(client, settings)
    async with slow_run(settings, client, timedelta(seconds=4)) as (request, handle):
        with pytest.raises(WorkflowFailureError):
            await handle.result()
        assert (await handle.describe()).status is WorkflowExecutionStatus.TIMED_OUT
        assert await _settled(settler, reads, request.task_id) == "FAILED"
    view = reads.get(request.task_id)
    assert view is not None and view.run.error is not None
    assert view.run.error["type"] == "TimedOut"
    assert view.run.error["step"] == "image"
    assert "execution timeout" in view.run.error["message"]


async def test_a_workflow_task_that_keeps_failing_ends_failed_with_its_error(
    settings: Settings, client: Client
) -> None:
    settler, store, reads = _settler(client, settings)
    request = make_request()
    store.create_pending(request)
    queue = f"broken-{uuid.uuid4().hex[:8]}"
    async with Worker(client, task_queue=queue, workflows=[BrokenPostcardWorkflow]):
        handle = await client.start_workflow(
            "PostcardWorkflow",
            request,
            id=request.task_id,
            task_queue=queue,
            execution_timeout=timedelta(seconds=3),
        )
        with pytest.raises(WorkflowFailureError):
            await handle.result()
    assert await _settled(settler, reads, request.task_id) == "FAILED"
    view = reads.get(request.task_id)
    assert view is not None and view.run.error is not None
    assert view.run.error["type"] == "TimedOut"
    assert "a bug in workflow code" in view.run.error["message"]


async def test_cancel_ends_failed_as_cancelled_and_closes_canceled(
    settings: Settings, client: Client
) -> None:
    settler, store, reads = _settler(client, settings)
    async with slow_run(settings, client) as (request, handle):
        await _image_running(reads, request.task_id)
        await handle.cancel()
        with pytest.raises(WorkflowFailureError):
            await handle.result()
        assert (await handle.describe()).status is WorkflowExecutionStatus.CANCELED
    view = reads.get(request.task_id)
    assert view is not None and view.status == "FAILED", "the workflow recorded its own end"
    assert view.run.error is not None and view.run.error["type"] == "Cancelled"
    assert view.run.error["step"] == "image"
    await settler.settle_closed()
    late = PostcardError(step="image", type="Terminated", message="late", retryable=True)
    assert not store.fail(request.task_id, 1, late), "a final status never changes"
    again = reads.get(request.task_id)
    assert again is not None and again.run.error == view.run.error


async def test_a_running_row_temporal_does_not_know_is_failed_as_lost(
    settings: Settings, client: Client
) -> None:
    """Defect 3: a PROCESSING row whose run Temporal has no record of (history expired or
    wiped), and a revision whose run never started, are FAILED with type Lost after the grace
    period; a PENDING first run is left to the orphan sweep, which starts it."""
    quick = settings.model_copy(update={"run_lost_after_s": 0.2})
    settler, store, reads = _settler(client, quick)
    processing, pending, revised = make_request(), make_request(), make_request()
    for request in (processing, pending, revised):
        store.create_pending(request)
    store.step_started(processing, "concept", 1, "local", utcnow())
    record_completed(quick, revised, {})
    revision = store.begin_revision(revised.task_id, "image", None)  # its run never started
    await asyncio.sleep(0.3)
    for _ in range(1000):  # other tests' quiet rows come first: as many batches as it takes
        await settler.check_quiet()
        run = reads.run(revised.task_id, revision.revision)
        view = reads.get(processing.task_id)
        if run and run.status == "FAILED" and view and view.status == "FAILED":
            break
    view = reads.get(processing.task_id)
    assert view is not None and view.status == "FAILED"
    assert view.run.error is not None and view.run.error["type"] == "Lost"
    assert view.run.error["step"] == "concept"
    assert "no record of run" in view.run.error["message"]
    assert reads.get(pending.task_id).status == "PENDING"  # type: ignore[union-attr]
    lost = reads.run(revised.task_id, revision.revision)
    assert lost is not None and lost.status == "FAILED", "revisions are settled too"
    assert lost.error is not None and lost.error["type"] == "Lost"
    shown = reads.get(revised.task_id)
    assert shown is not None and shown.status == "COMPLETED" and shown.run.revision == 1


async def test_the_starters_settler_records_a_terminated_run(
    settings: Settings, client: Client, redis_url: str
) -> None:
    async with slow_stack(settings, client, redis_url) as stack:
        task_id = await _create_and_wait_for_image(stack)
        await client.get_workflow_handle(task_id).terminate(reason="nobody reads this one")
        reads = run_reads(stack.settings)
        for _ in range(100):  # the stack's settler lists closed runs every second
            view = reads.get(task_id)
            if view is not None and view.status == "FAILED":
                break
            await asyncio.sleep(0.1)
    assert view is not None and view.status == "FAILED"
    assert view.run.error is not None and view.run.error["type"] == "Terminated"
    assert "nobody reads this one" in view.run.error["message"]
