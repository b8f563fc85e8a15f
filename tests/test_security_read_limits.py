"""Abuse limits on the read paths: open event streams are capped per user and per server
(429 + Retry-After), and watching a postcard never queries its workflow."""

from __future__ import annotations

import asyncio
import uuid
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from pathlib import Path

import httpx
from temporalio import workflow
from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from core.models import PostcardRequest, PostcardStatus, Progress
from core.settings import Settings
from runs.wiring import run_store
from tests.stack import RedisServer, serve_api
from tests.test_security_ownership import make_settings

ALICE = {"Authorization": "Bearer alice-key-0001"}
BOB = {"Authorization": "Bearer bob-key-0002"}
QUERIES: list[str] = []


@workflow.defn(name="ProgressProbe")
class ProgressProbe:
    """A running workflow that answers `progress` like PostcardWorkflow and counts each query."""

    def __init__(self) -> None:
        self.done = False

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: self.done)

    @workflow.query(name="progress")
    def progress(self) -> Progress:
        QUERIES.append(workflow.info().workflow_id)
        return Progress(task_id=workflow.info().workflow_id, status=PostcardStatus.PROCESSING)

    @workflow.signal
    def finish(self) -> None:
        self.done = True


def pending_postcard(settings: Settings, user: str) -> str:
    task_id = uuid.uuid4().hex
    run_store(settings).create_pending(
        PostcardRequest(
            task_id=task_id, user_input="a wish", user_id=user, created_at=datetime.now(UTC)
        )
    )
    return task_id


async def test_event_streams_are_capped_per_user_and_per_server(
    tmp_path: Path, redis_server: RedisServer, temporal_address: str
) -> None:
    settings = make_settings(
        tmp_path,
        redis_server,
        api_keys="alice-key-0001:alice,bob-key-0002:bob",
        temporal_address=temporal_address,
        events_max_streams=3,
        events_max_streams_per_user=2,
    )
    alices, bobs = pending_postcard(settings, "alice"), pending_postcard(settings, "bob")

    def events(task_id: str) -> str:
        return f"/api/v1/postcards/{task_id}/events"

    async with serve_api(settings) as base, httpx.AsyncClient(base_url=base, timeout=30) as http:
        async with AsyncExitStack() as held:
            first = await held.enter_async_context(
                http.stream("GET", events(alices), headers=ALICE)
            )
            await held.enter_async_context(http.stream("GET", events(alices), headers=ALICE))
            assert first.status_code == 200
            third = await http.get(events(alices), headers=ALICE)
            assert third.status_code == 429 and int(third.headers["retry-after"]) > 0
            assert "per user" in third.json()["detail"]
            bob = await held.enter_async_context(http.stream("GET", events(bobs), headers=BOB))
            assert bob.status_code == 200, "another user still gets a stream"
            full = await http.get(events(bobs), headers=BOB)
            assert full.status_code == 429 and "on this server" in full.json()["detail"]
            assert int(full.headers["retry-after"]) > 0
            await first.aclose()  # a tab closes: its slot comes back
            for _ in range(50):
                async with http.stream("GET", events(bobs), headers=BOB) as again:
                    if again.status_code == 200:
                        break
                await asyncio.sleep(0.1)
            assert again.status_code == 200
        # Every stream above has ended: all slots are free again.
        async with http.stream("GET", events(alices), headers=ALICE) as after:
            assert after.status_code == 200


async def test_a_hundred_watchers_of_one_postcard_never_query_its_workflow(
    settings: Settings, client: Client, redis_url: str
) -> None:
    """Status polls and event streams read the database only: a running workflow under the
    postcard's id that counts its `progress` queries is never asked, however many watch."""
    queue = f"probe-{uuid.uuid4().hex[:8]}"
    settings = settings.model_copy(update={"redis_url": redis_url})
    task_id = pending_postcard(settings, "local")
    async with Worker(
        client,
        task_queue=queue,
        workflows=[ProgressProbe],
        workflow_runner=UnsandboxedWorkflowRunner(),
    ):
        handle = await client.start_workflow(ProgressProbe.run, id=task_id, task_queue=queue)
        try:
            QUERIES.clear()
            async with serve_api(settings) as base, httpx.AsyncClient(base_url=base) as http:
                polls = await asyncio.gather(
                    *(http.get(f"/api/v1/postcards/status/{task_id}") for _ in range(100))
                )
                assert all(p.status_code == 200 for p in polls)
                async with AsyncExitStack() as tabs:
                    for _ in range(10):
                        tab = await tabs.enter_async_context(
                            http.stream("GET", f"/api/v1/postcards/{task_id}/events")
                        )
                        assert tab.status_code == 200
                    await asyncio.sleep(2.0)
            # The probe answers queries: one asked here shows the count works.
            await handle.query("progress")
            assert QUERIES == [task_id], "no read asked the workflow; only the probe's own query"
        finally:
            await handle.signal(ProgressProbe.finish)
