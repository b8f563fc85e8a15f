"""Every end of a run leaves a final status with its reason: terminate (CLI), the server's
execution timeout, a workflow task that keeps failing, cancel. Real Temporal, Redis, SQLite and
PostgreSQL; the status endpoint settles a run it reads, the sweep settles runs nobody reads."""

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
    WorkflowQueryFailedError,
)
from temporalio.worker import Worker

from api.services import Services
from api.status import status_of
from core.closed_runs import StaleRunSweep, settle_closed_run
from core.devserver import free_port, temporal_binary
from core.models import PostcardRequest, PostcardResult, StepProgress, StepState
from core.repository import PostcardRepository
from core.settings import Settings
from core.wiring import repository
from tests.harness import make_request, running_worker
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


async def _image_running(repo: PostcardRepository, task_id: str) -> None:
    """Wait until the image step's activity has saved itself as running."""
    for _ in range(100):
        row = repo.get(task_id)
        if row is not None and (row.steps or {}).get("image", {}).get("status") == "running":
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the image step of {task_id} never ran")


async def test_terminate_from_the_cli_ends_failed_with_the_operators_reason(
    settings: Settings, client: Client, redis_url: str
) -> None:
    async with slow_stack(settings, client, redis_url) as stack:
        task_id = await _create_and_wait_for_image(stack)
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
        body = await stack.wait_status(task_id, {"FAILED", "COMPLETED"}, timeout_s=10)
        again = (await stack.http.get(f"/api/v1/postcards/status/{task_id}")).json()
    assert body["status"] == "FAILED"
    assert body["error"]["type"] == "Terminated"
    assert body["error"]["step"] == "image"
    assert "spam wave, stopped by ops" in body["error"]["message"]
    assert again["status"] == "FAILED" and again["error"] == body["error"]
    row = repository(stack.settings).get(task_id)
    assert row is not None and row.status == "FAILED" and row.error == body["error"]


async def test_the_sweep_settles_a_terminated_run_nobody_reads(
    settings: Settings, client: Client
) -> None:
    repo = repository(settings)
    async with slow_run(settings, client) as (request, handle):
        await _image_running(repo, request.task_id)
        await handle.terminate(reason="operator cleanup")
        assert await StaleRunSweep(client, repo, quiet_for_s=60).run_once() == 0, "not quiet"
        # Small passes, as many as it takes: other tests' unfinished rows come first in the
        # shared database, and each pass must go on where the last one stopped.
        sweep = StaleRunSweep(client, repo, quiet_for_s=0, batch=5)
        for _ in range(1000):
            await sweep.run_once()
            row = repo.get(request.task_id)
            if row is not None and row.status == "FAILED":
                break
        again = StaleRunSweep(client, repo, quiet_for_s=0, batch=100_000)
        assert await again.run_once() == 0 or repo.get(request.task_id).status == "FAILED"
    row = repo.get(request.task_id)
    assert row is not None and row.status == "FAILED"
    assert row.error is not None and row.error["type"] == "Terminated"
    assert "operator cleanup" in row.error["message"]


async def test_the_execution_timeout_ends_failed_as_timed_out(
    settings: Settings, client: Client
) -> None:
    repo = repository(settings)
    async with slow_run(settings, client, timedelta(seconds=4)) as (request, handle):
        with pytest.raises(WorkflowFailureError):
            await handle.result()
        assert (await handle.describe()).status is WorkflowExecutionStatus.TIMED_OUT
        assert await settle_closed_run(client, repo, request.task_id)
    row = repo.get(request.task_id)
    assert row is not None and row.status == "FAILED"
    assert row.error is not None and row.error["type"] == "TimedOut"
    assert row.error["step"] == "image"
    assert "execution timeout" in row.error["message"]


async def test_a_workflow_task_that_keeps_failing_ends_failed_with_its_error(
    settings: Settings, client: Client
) -> None:
    repo = repository(settings)
    request = make_request()
    repo.create_pending(request)
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
    assert await settle_closed_run(client, repo, request.task_id)
    row = repo.get(request.task_id)
    assert row is not None and row.status == "FAILED"
    assert row.error is not None and row.error["type"] == "TimedOut"
    assert "a bug in workflow code" in row.error["message"]


async def test_cancel_ends_failed_as_cancelled_and_closes_canceled(
    settings: Settings, client: Client
) -> None:
    repo = repository(settings)
    async with slow_run(settings, client) as (request, handle):
        await _image_running(repo, request.task_id)
        await handle.cancel()
        with pytest.raises(WorkflowFailureError):
            await handle.result()
        assert (await handle.describe()).status is WorkflowExecutionStatus.CANCELED
        assert not await settle_closed_run(client, repo, request.task_id), "already saved"
    row = repo.get(request.task_id)
    assert row is not None and row.status == "FAILED"
    assert row.error is not None and row.error["type"] == "Cancelled"
    assert row.error["step"] == "image"


async def test_the_starters_sweep_settles_a_terminated_run(
    settings: Settings, client: Client, redis_url: str
) -> None:
    quick = settings.model_copy(update={"closed_run_quiet_s": 0.5})
    async with slow_stack(quick, client, redis_url) as stack:
        task_id = await _create_and_wait_for_image(stack)
        await client.get_workflow_handle(task_id).terminate(reason="nobody reads this one")
        repo = repository(stack.settings)
        for _ in range(100):  # the stack's sweep runs every 0.5 s
            row = repo.get(task_id)
            if row is not None and row.status == "FAILED":
                break
            await asyncio.sleep(0.1)
    assert row is not None and row.status == "FAILED"
    assert row.error is not None and row.error["type"] == "Terminated"
    assert "nobody reads this one" in row.error["message"]


@workflow.defn(name="PostcardWorkflow", sandboxed=False)
class UnaskableWorkflow:
    """Runs until cancelled and fails every `progress` query (WorkflowQueryFailedError)."""

    @workflow.run
    async def run(self, request: PostcardRequest) -> PostcardResult:
        await workflow.wait_condition(lambda: False)
        raise AssertionError("unreachable")

    @workflow.query(name="progress")
    def progress(self) -> dict[str, str]:
        raise RuntimeError("this query always fails")


async def test_a_failing_progress_query_falls_back_to_the_row(
    settings: Settings, client: Client
) -> None:
    repo = repository(settings)
    request = make_request()
    repo.create_pending(request)
    repo.update_step(request, "concept", StepProgress(status=StepState.RUNNING, attempts=1))
    queue = f"unaskable-{uuid.uuid4().hex[:8]}"
    services = Services.build(settings)
    try:
        async with Worker(client, task_queue=queue, workflows=[UnaskableWorkflow]):
            handle = await client.start_workflow(
                "PostcardWorkflow", request, id=request.task_id, task_queue=queue
            )
            with pytest.raises(WorkflowQueryFailedError):
                await handle.query("progress")
            row = repo.get(request.task_id)
            assert row is not None
            body = await status_of(services, row)
            await handle.terminate(reason="test over")
    finally:
        await services.close()
    assert body.status.value == "PROCESSING"
    assert body.steps["concept"].status is StepState.RUNNING
