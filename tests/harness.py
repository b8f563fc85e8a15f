"""Shared test helpers: requests, in-process workers, fake providers, history walking."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.client import Client, WorkflowHandle
from temporalio.worker import Worker

from core.db import PostcardRun, utcnow
from core.models import (
    STEPS,
    PostcardError,
    PostcardRequest,
    PostcardResult,
    StepPolicy,
    StepProgress,
    StepState,
    WorkflowOptions,
)
from core.settings import Settings
from providers.factory import ProviderFactory
from runs.wiring import run_reads, run_store
from worker import build_worker
from workflows.postcard import PostcardWorkflow

FAST_POLICY = {"initial_interval_s": 0.1, "maximum_interval_s": 0.5}


def fast_options(**overrides: Any) -> WorkflowOptions:
    """Workflow options with sub-second retry intervals, so retry tests stay quick."""
    options = WorkflowOptions(timeout_s=120)
    for step in ("concept", "content", "image", "frontend", "save_failure"):
        policy: StepPolicy = getattr(options, step)
        for key, value in FAST_POLICY.items():
            setattr(policy, key, value)
    for key, value in overrides.items():
        setattr(options, key, value)
    return options


def make_request(prompt: str = "做一张温馨可爱的生日明信片", **fields: Any) -> PostcardRequest:
    """A request with a fresh task id."""
    fields.setdefault("options", fast_options())
    return PostcardRequest(
        task_id=f"test-{uuid.uuid4().hex[:12]}",
        user_input=prompt,
        created_at=datetime.now(UTC),
        **fields,
    )


def record_completed(settings: Settings, request: PostcardRequest, results: dict[str, Any]) -> None:
    """Record a COMPLETED postcard through the run store, as the worker's four steps leave it
    (each step started and finished; `results` saved with the last one)."""
    store = run_store(settings)
    for step in STEPS:
        store.step_started(request, step, 1, "local", utcnow())
        done = StepProgress(status=StepState.COMPLETED, attempts=1, provider="local")
        store.step_finished(request, step, done, results if step == STEPS[-1] else {})
    store.engine.dispose()


def record_revisions(
    settings: Settings, request: PostcardRequest, completed: set[int], last: int
) -> None:
    """Record regenerates of the page of a COMPLETED postcard, revisions 2 to `last`, through
    the run store: those in `completed` complete (each with a page of its own), the others
    fail as a regenerate that could not start."""
    store = run_store(settings)
    for _ in range(2, last + 1):
        run = store.begin_revision(request.task_id, "frontend", None)
        if run.revision in completed:
            again = request.model_copy(update={"revision": run.revision})
            store.step_started(again, "frontend", 1, "local", utcnow())
            done = StepProgress(status=StepState.COMPLETED, attempts=1, provider="local")
            page = f"<html><body>{'x' * 5000} r{run.revision}</body></html>"
            store.step_finished(again, "frontend", done, {"frontend_code": page})
        else:
            failed = PostcardError(step="frontend", type="NotStarted", message="not started")
            store.fail(request.task_id, run.revision, failed)
    store.engine.dispose()


def shown_run(settings: Settings, task_id: str) -> PostcardRun | None:
    """The run a postcard shows (its first, or its latest completed revision), read from the
    database; None when there is no such postcard."""
    view = run_reads(settings).get(task_id)
    return view.run if view else None


@asynccontextmanager
async def running_worker(
    client: Client,
    settings: Settings,
    providers: ProviderFactory | None = None,
    task_queue: str | None = None,
) -> AsyncIterator[tuple[Worker, str]]:
    """An in-process worker, on a fresh task queue unless one is given."""
    queue = task_queue or f"postcards-test-{uuid.uuid4().hex[:8]}"
    worker = build_worker(client, settings, providers, task_queue=queue)
    async with worker:
        yield worker, queue


async def start_postcard(
    client: Client, request: PostcardRequest, task_queue: str
) -> WorkflowHandle[PostcardWorkflow, PostcardResult]:
    """Start PostcardWorkflow the way the starter does."""
    return await client.start_workflow(
        PostcardWorkflow.run,
        request,
        id=request.run_id,
        task_queue=task_queue,
        result_type=PostcardResult,
    )


def iter_payloads(message: Message) -> Iterator[Payload]:
    """Every Payload nested anywhere in a protobuf message."""
    if isinstance(message, Payload):
        yield message
        return
    for field, value in message.ListFields():
        if field.type != field.TYPE_MESSAGE:
            continue
        if field.message_type.GetOptions().map_entry:
            items = list(value.values())
        elif field.is_repeated:
            items = list(value)
        else:
            items = [value]
        for item in items:
            if isinstance(item, Message):
                yield from iter_payloads(item)
