"""Cancel and deadlines: a queued postcard never starts, a running one stops at the step in
flight and calls no provider after, a running revision can be cancelled, and a Cancel-After
deadline ends a postcard as DeadlineExceeded, queued or running. Real API, starter, worker,
Redis, Temporal, SQLite and PostgreSQL; the provider's own call log shows what ran."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import HTTPException
from playwright.async_api import Browser
from temporalio.client import Client, WorkflowFailureError
from temporalio.service import RPCError, RPCStatusCode

from api.deadlines import cancel_after_header
from core.devserver import free_port
from core.models import Concept, Content, PostcardError, PostcardRequest
from core.settings import Settings
from ingest.starter import Starter
from providers.base import Usage
from providers.factory import ProviderFactory
from providers.local import LocalProvider
from runs.wiring import run_store
from tests.harness import make_request, running_worker, start_postcard
from tests.stack import Stack, run_starter, serve_api, stack_settings

CREATE = "/api/v1/postcards/create"


@dataclass
class CallLog:
    """Every provider call by (task, step), and the calls abandoned mid-way."""

    started: list[tuple[str, str]] = field(default_factory=list)
    abandoned: list[tuple[str, str]] = field(default_factory=list)

    def steps(self, task_id: str) -> list[str]:
        return [step for task, step in self.started if task == task_id]


class SlowAt(LocalProvider):
    """The local engine, logging each call; the `slow` steps wait `delay` seconds first."""

    name = "local"

    def __init__(self, log: CallLog, slow: set[str], delay: float = 30.0) -> None:
        super().__init__()
        self.log, self.slow, self.delay = log, slow, delay

    async def _wait(self, request: PostcardRequest, step: str) -> None:
        self.log.started.append((request.task_id, step))
        if step in self.slow:
            try:
                await asyncio.sleep(self.delay)
            except asyncio.CancelledError:
                self.log.abandoned.append((request.task_id, step))
                raise

    async def concept(self, request: PostcardRequest) -> tuple[Concept, Usage]:
        await self._wait(request, "concept")
        return await super().concept(request)

    async def content(self, request: PostcardRequest, concept: Concept) -> tuple[Content, Usage]:
        await self._wait(request, "content")
        return await super().content(request, concept)

    async def illustrate(self, request, concept, content):  # type: ignore[no-untyped-def]
        await self._wait(request, "image")
        return await super().illustrate(request, concept, content)

    async def page(self, request, concept, content, image_url):  # type: ignore[no-untyped-def]
        await self._wait(request, "frontend")
        return await super().page(request, concept, content, image_url)


class OneProvider(ProviderFactory):
    def __init__(self, settings: Settings, provider: LocalProvider) -> None:
        super().__init__(settings)
        self.provider = provider

    def text(self):  # type: ignore[no-untyped-def]
        return self.provider

    def image(self):  # type: ignore[no-untyped-def]
        return self.provider

    def code(self):  # type: ignore[no-untyped-def]
        return self.provider


@asynccontextmanager
async def stack(
    base: Settings, client: Client, redis_url: str, provider: SlowAt, starter: bool = True
) -> AsyncIterator[Stack]:
    """API + worker (+ starter) with `provider` for every step; heartbeats every 1.6 s at most
    (a 2 s timeout), so a cancel reaches the step in flight at once."""
    settings = stack_settings(base, redis_url, free_port()).model_copy(
        update={"ai_heartbeat_timeout_s": 2}
    )
    factory = OneProvider(settings, provider)
    async with AsyncExitStack() as parts:
        await parts.enter_async_context(
            running_worker(client, settings, factory, task_queue=settings.temporal_task_queue)
        )
        run = await parts.enter_async_context(run_starter(settings, client)) if starter else None
        base_url = await parts.enter_async_context(serve_api(settings))
        http = await parts.enter_async_context(httpx.AsyncClient(base_url=base_url, timeout=30))
        yield Stack(settings, http, run, base_url)  # type: ignore[arg-type]


async def _status(stack: Stack, task_id: str) -> dict[str, Any]:
    body: dict[str, Any] = (await stack.http.get(f"/api/v1/postcards/status/{task_id}")).json()
    return body


async def _until_running(stack: Stack, task_id: str, step: str) -> None:
    for _ in range(200):
        body = await _status(stack, task_id)
        if body["steps"][step]["status"] == "running":
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{step} of {task_id} never ran: {body}")


async def _no_workflow(client: Client, workflow_id: str) -> bool:
    try:
        await client.get_workflow_handle(workflow_id).describe()
    except RPCError as exc:
        return exc.status is RPCStatusCode.NOT_FOUND
    return False


async def _drained(starter: Starter) -> None:
    """Wait until the starter's group has read and acknowledged every entry of its stream."""
    name = starter.settings.stream_name
    for _ in range(100):
        last = (await starter.redis.xinfo_stream(name))["last-generated-id"]
        groups = await starter.redis.xinfo_groups(name)
        if groups and groups[0]["last-delivered-id"] == last and groups[0]["pending"] == 0:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the stream was not drained: {groups}")


async def test_a_queued_postcard_cancelled_never_starts(
    settings: Settings, client: Client, redis_url: str
) -> None:
    log = CallLog()
    async with stack(settings, client, redis_url, SlowAt(log, set()), starter=False) as api:
        created = await api.http.post(CREATE, json={"prompt": "a card for Anna"})
        task_id = created.json()["task_id"]
        first = await api.http.post(f"/api/v1/postcards/{task_id}/cancel")
        again = await api.http.post(f"/api/v1/postcards/{task_id}/cancel")
        body = await _status(api, task_id)
        async with run_starter(api.settings, client) as starter:  # the entry is read now
            await _drained(starter)
    assert first.status_code == again.status_code == 202, first.text
    assert first.json()["revision"] == 1
    assert body["status"] == "FAILED" and body["error"]["type"] == "Cancelled"
    assert body["error"]["step"] == "concept"
    assert body["steps"]["concept"]["status"] == "failed"
    assert starter.started == 0
    assert await _no_workflow(client, task_id)
    assert log.started == [], "no provider was called"


async def test_a_running_postcard_cancelled_stops_at_the_step_in_flight(
    settings: Settings, client: Client, redis_url: str
) -> None:
    log = CallLog()
    async with stack(settings, client, redis_url, SlowAt(log, {"image"})) as api:
        created = await api.http.post(CREATE, json={"prompt": "a card for Anna"})
        task_id = created.json()["task_id"]
        await _until_running(api, task_id, "image")
        answer = await api.http.post(f"/api/v1/postcards/{task_id}/cancel")
        body = await api.wait_status(task_id, {"FAILED", "COMPLETED"}, timeout_s=15)
        await asyncio.sleep(1.0)  # anything that would still run has had time to
    assert answer.status_code == 202, answer.text
    assert body["status"] == "FAILED" and body["error"]["type"] == "Cancelled"
    assert body["error"]["step"] == "image"
    assert body["steps"]["frontend"]["status"] == "skipped"
    assert (task_id, "image") in log.abandoned, "the provider call in flight was abandoned"
    assert "frontend" not in log.steps(task_id), "no later step ran"


async def test_a_running_revision_cancelled_leaves_the_last_completed_one(
    settings: Settings, client: Client, redis_url: str
) -> None:
    log = CallLog()
    provider = SlowAt(log, set())
    async with stack(settings, client, redis_url, provider) as api:
        created = await api.http.post(CREATE, json={"prompt": "a card for Anna"})
        task_id = created.json()["task_id"]
        done = await api.wait_status(task_id, {"COMPLETED"})
        nothing = await api.http.post(f"/api/v1/postcards/{task_id}/cancel")
        provider.slow = {"frontend"}  # the revision's page takes 30 s
        calls_before = len(log.started)
        url = f"/api/v1/postcards/{task_id}/regenerate"
        assert (await api.http.post(url, json={"step": "frontend"})).status_code == 202
        for _ in range(200):
            body = await _status(api, task_id)
            if body["revisions"][-1]["steps"]["frontend"]["status"] == "running":
                break
            await asyncio.sleep(0.1)
        answer = await api.http.post(f"/api/v1/postcards/{task_id}/cancel")
        for _ in range(150):
            body = await _status(api, task_id)
            if body["revisions"][-1]["status"] == "FAILED":
                break
            await asyncio.sleep(0.1)
    assert nothing.status_code == 409 and "nothing to cancel" in nothing.json()["detail"]
    assert answer.status_code == 202 and answer.json()["revision"] == 2
    assert body["status"] == "COMPLETED" and body["data"] == done["data"]
    assert body["revisions"][-1]["error"]["type"] == "Cancelled"
    assert (task_id, "frontend") in log.abandoned
    assert len(log.started) == calls_before + 1, "only the revision's page was called"


async def test_a_cancel_after_deadline_ends_a_running_postcard_as_deadline_exceeded(
    settings: Settings, client: Client, redis_url: str
) -> None:
    log = CallLog()
    async with stack(settings, client, redis_url, SlowAt(log, {"image"})) as api:
        created = await api.http.post(
            CREATE, json={"prompt": "a card for Anna"}, headers={"Cancel-After": "3s"}
        )
        task_id = created.json()["task_id"]
        first = await _status(api, task_id)
        body = await api.wait_status(task_id, {"FAILED", "COMPLETED"}, timeout_s=20)
        await asyncio.sleep(1.0)
    assert created.status_code == 202, created.text
    assert first["deadline_at"] is not None
    assert body["status"] == "FAILED" and body["error"]["type"] == "DeadlineExceeded"
    assert body["error"]["step"] == "image"
    assert "frontend" not in log.steps(task_id)


async def test_a_deadline_that_passes_in_the_queue_never_starts(
    settings: Settings, client: Client, redis_url: str
) -> None:
    log = CallLog()
    async with stack(settings, client, redis_url, SlowAt(log, set()), starter=False) as api:
        created = await api.http.post(CREATE, json={"prompt": "a card", "deadline_s": 0.5})
        task_id = created.json()["task_id"]
        await asyncio.sleep(1.0)
        async with run_starter(api.settings, client):
            body = await api.wait_status(task_id, {"FAILED", "COMPLETED"}, timeout_s=10)
    assert body["status"] == "FAILED" and body["error"]["type"] == "DeadlineExceeded"
    assert "queued" in body["error"]["message"]
    assert await _no_workflow(client, task_id)
    assert log.started == []


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("90", 90.0), ("90s", 90.0), ("5m", 300.0), ("1h30m", 5400.0), ("1.5h", 5400.0)],
)
def test_cancel_after_takes_seconds_or_a_duration(header: str, seconds: float) -> None:
    assert cancel_after_header(header) == seconds


@pytest.mark.parametrize("header", ["soon", "5 minutes", "0", "-3", "8d", "200h", "1h30"])
def test_a_cancel_after_that_is_no_usable_duration_is_a_422_naming_it(header: str) -> None:
    with pytest.raises(HTTPException) as refused:
        cancel_after_header(header)
    assert refused.value.status_code == 422 and "Cancel-After" in str(refused.value.detail)


async def test_a_run_the_starter_started_after_its_cancel_calls_no_provider(
    settings: Settings, client: Client
) -> None:
    """The race the activity guard closes: cancelled while PENDING, then started anyway (a
    starter that claimed it a moment before); the first step finds the run ended."""
    log = CallLog()
    factory = OneProvider(settings, SlowAt(log, set()))
    request = make_request("a card for Anna")
    store = run_store(settings)
    store.create_pending(request)
    cancelled = PostcardError(step="concept", type="Cancelled", message="x", retryable=True)
    assert await asyncio.to_thread(
        store.fail, request.task_id, 1, cancelled, None, only_if_pending=True
    )
    async with running_worker(client, settings, factory) as (_, queue):
        handle = await start_postcard(client, request, queue)
        with pytest.raises(WorkflowFailureError) as failure:
            await handle.result()
    assert "RunEnded" in str(failure.value.cause)
    assert log.started == []


async def test_the_studio_stop_button_cancels_a_running_postcard(
    settings: Settings, client: Client, redis_url: str, browser: Browser
) -> None:
    log = CallLog()
    async with stack(settings, client, redis_url, SlowAt(log, {"image"})) as api:
        page = await browser.new_page()
        try:
            await page.goto(api.base_url + "/")
            await page.fill("#prompt", "A calm thank-you card for my team")
            await page.click("#submit")
            await page.wait_for_selector("#steps li[data-step='image'][data-state='running']")
            await page.click("#stop:visible")
            await page.wait_for_selector("#failure:visible", timeout=20_000)
            stopped_hidden = await page.is_hidden("#stop")
            task_id = await page.get_attribute("#run", "data-task-id")
        finally:
            await page.close()
        body = await _status(api, task_id or "")
    assert body["status"] == "FAILED" and body["error"]["type"] == "Cancelled"
    assert stopped_hidden, "nothing left to stop"
    assert (body["task_id"], "image") in log.abandoned
