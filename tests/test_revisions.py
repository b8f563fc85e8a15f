"""Regenerate one step: the step and its dependents run again as a new revision, the kept steps'
providers are never called again, the postcard stays COMPLETED while it runs, and every revision
stays readable. Real API, starter, worker, Redis, Temporal, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from temporalio.client import Client

from core.devserver import free_port
from core.models import Concept, Content, PostcardRequest, reruns
from core.settings import Settings
from providers.base import Usage
from providers.factory import ProviderFactory
from providers.local import LocalProvider
from tests.harness import running_worker
from tests.stack import Stack, run_starter, serve_api, stack_settings


class CountingLocal(LocalProvider):
    """The local engine, counting its calls per (task, step); `delay` slows the page step."""

    name = "local"

    def __init__(self, calls: Counter[tuple[str, str]], delay: float = 0.0) -> None:
        super().__init__()
        self.calls = calls
        self.delay = delay

    async def concept(self, request: PostcardRequest) -> tuple[Concept, Usage]:
        self.calls[request.task_id, "concept"] += 1
        return await super().concept(request)

    async def content(self, request: PostcardRequest, concept: Concept) -> tuple[Content, Usage]:
        self.calls[request.task_id, "content"] += 1
        return await super().content(request, concept)

    async def illustrate(self, request, concept, content):  # type: ignore[no-untyped-def]
        self.calls[request.task_id, "image"] += 1
        return await super().illustrate(request, concept, content)

    async def page(self, request, concept, content, image_url):  # type: ignore[no-untyped-def]
        self.calls[request.task_id, "frontend"] += 1
        await asyncio.sleep(self.delay)
        return await super().page(request, concept, content, image_url)


class CountingFactory(ProviderFactory):
    def __init__(self, settings: Settings, provider: CountingLocal) -> None:
        super().__init__(settings)
        self.provider = provider

    def text(self):  # type: ignore[no-untyped-def]
        return self.provider

    def image(self):  # type: ignore[no-untyped-def]
        return self.provider

    def code(self):  # type: ignore[no-untyped-def]
        return self.provider


@asynccontextmanager
async def counted_stack(
    base: Settings, client: Client, redis_url: str, delay: float = 0.0
) -> AsyncIterator[tuple[Stack, Counter[tuple[str, str]]]]:
    settings = stack_settings(base, redis_url, free_port())
    calls: Counter[tuple[str, str]] = Counter()
    factory = CountingFactory(settings, CountingLocal(calls, delay))
    async with (
        running_worker(client, settings, factory, task_queue=settings.temporal_task_queue),
        run_starter(settings, client) as starter,
        serve_api(settings) as base_url,
        httpx.AsyncClient(base_url=base_url, timeout=30) as http,
    ):
        yield Stack(settings, http, starter, base_url), calls


async def _completed(stack: Stack, prompt: str = "给妈妈的生日贺卡，她喜欢花") -> dict[str, Any]:
    created = await stack.http.post("/api/v1/postcards/create", json={"prompt": prompt})
    return await stack.wait_status(created.json()["task_id"], {"COMPLETED"})


async def _revision_done(stack: Stack, task_id: str, revision: int) -> dict[str, Any]:
    for _ in range(300):
        body = (await stack.http.get(f"/api/v1/postcards/status/{task_id}")).json()
        mine = [r for r in body["revisions"] if r["revision"] == revision]
        if mine and mine[0]["status"] in ("COMPLETED", "FAILED"):
            return body
        assert body["status"] == "COMPLETED", "the postcard stays COMPLETED while it changes"
        await asyncio.sleep(0.1)
    raise AssertionError(f"revision {revision} of {task_id} never ended: {body}")


@pytest.mark.parametrize("step", ["concept", "content", "image", "frontend"])
async def test_a_regenerate_reruns_the_step_and_its_dependents_only(
    settings: Settings, client: Client, redis_url: str, step: str
) -> None:
    async with counted_stack(settings, client, redis_url) as (stack, calls):
        first = await _completed(stack)
        task_id = first["task_id"]
        before = {name: calls[task_id, name] for name in reruns("concept")}
        answer = await stack.http.post(
            f"/api/v1/postcards/{task_id}/regenerate",
            json={"step": step, "instruction": "更幽默一点"},
        )
        assert answer.status_code == 202, answer.text
        assert answer.json()["revision"] == 2 and answer.json()["task_id"] == task_id
        after = await _revision_done(stack, task_id, 2)
        older = (await stack.http.get(f"/api/v1/postcards/{task_id}/revisions/1")).json()
        image = await stack.http.get(after["data"]["image_url"])
        old_image = await stack.http.get(older["data"]["image_url"])
        framed = {"Sec-Fetch-Dest": "iframe"}
        page = await stack.http.get(f"/preview/{task_id}", headers=framed)
        old_page = await stack.http.get(f"/preview/{task_id}?revision=1", headers=framed)
        wrapper = await stack.http.get(f"/preview/{task_id}?revision=1")
        no_such = await stack.http.get(f"/preview/{task_id}?revision=9", headers=framed)

    rerun = set(reruns(step))
    for name in reruns("concept"):
        expected = before[name] + (1 if name in rerun else 0)
        assert calls[task_id, name] == expected, f"{name}: provider calls"
    assert after["status"] == "COMPLETED" and after["revision"] == 2
    assert [(r["revision"], r["status"]) for r in after["revisions"]] == [
        (1, "COMPLETED"),
        (2, "COMPLETED"),
    ]
    assert after["revisions"][1]["step"] == step
    assert after["revisions"][1]["instruction"] == "更幽默一点"
    for kept in {"concept", "content"} - rerun:
        assert after["data"]["concept" if kept == "concept" else "content"] == first["data"][kept]
    if "image" in rerun:
        assert after["data"]["image_url"] != first["data"]["image_url"]
        assert image.status_code == 200 and image.content != old_image.content
    else:
        assert after["data"]["image_url"] == first["data"]["image_url"]
    assert older["data"]["content"] == first["data"]["content"], "revision 1 stays readable"
    assert old_image.status_code == 200, "the older image stays downloadable"
    assert page.status_code == old_page.status_code == 200
    assert page.text != old_page.text, "the page is made again in every revision"
    assert f"/preview/{task_id}?frame=1&amp;revision=1" in wrapper.text
    assert no_such.status_code == 404


async def test_regenerate_refusals(settings: Settings, client: Client, redis_url: str) -> None:
    async with counted_stack(settings, client, redis_url, delay=3.0) as (stack, _):
        done = await _completed(stack)
        task_id = done["task_id"]
        url = f"/api/v1/postcards/{task_id}/regenerate"
        unknown = await stack.http.post(url, json={"step": "music"})
        too_long = await stack.http.post(url, json={"step": "content", "instruction": "x" * 501})
        missing = await stack.http.post("/api/v1/postcards/nope/regenerate", json={"step": "image"})
        first = await stack.http.post(url, json={"step": "frontend"})
        busy = await stack.http.post(url, json={"step": "content"})
        running = (await stack.http.get(f"/api/v1/postcards/status/{task_id}")).json()
        framed = {"Sec-Fetch-Dest": "iframe"}
        unfinished_page = await stack.http.get(f"/preview/{task_id}?revision=2", headers=framed)
        created = await stack.http.post("/api/v1/postcards/create", json={"prompt": "hi Anna"})
        young = created.json()["task_id"]
        not_done = await stack.http.post(
            f"/api/v1/postcards/{young}/regenerate", json={"step": "image"}
        )
        await _revision_done(stack, task_id, 2)
    assert unknown.status_code == 422 and "step" in unknown.text
    assert too_long.status_code == 422
    assert missing.status_code == 404
    assert first.status_code == 202
    assert busy.status_code == 409 and "revision 2 is still running" in busy.json()["detail"]
    assert running["status"] == "COMPLETED"
    live = running["revisions"][-1]
    assert live["status"] in ("PENDING", "PROCESSING") and live["steps"] is not None
    assert live["steps"]["content"]["status"] == "kept"
    assert not_done.status_code == 409 and "COMPLETED" in not_done.json()["detail"]
    # Defect 4: an unfinished revision's page is not served as the previous revision's.
    assert unfinished_page.status_code == 409, unfinished_page.text
    assert "revision 2 has no page yet" in unfinished_page.json()["detail"]


async def test_a_regenerate_that_cannot_start_fails_its_revision_and_wedges_nothing(
    settings: Settings, client: Client, redis_url: str
) -> None:
    """Defect 1: the kept image is gone from the blob store, so revision 2 cannot start. The
    answer says why (409), the revision is FAILED (NotStarted) at once instead of staying
    PENDING, and the next regenerate, of the image itself, starts and completes."""
    async with counted_stack(settings, client, redis_url) as (stack, _):
        done = await _completed(stack)
        task_id = done["task_id"]
        key = done["data"]["image_url"].split("/files/", 1)[1]
        blob = stack.settings.blob_dir / key
        blob.unlink()
        url = f"/api/v1/postcards/{task_id}/regenerate"
        refused = await stack.http.post(url, json={"step": "frontend"})
        body = (await stack.http.get(f"/api/v1/postcards/status/{task_id}")).json()
        again = await stack.http.post(url, json={"step": "image"})
        after = await _revision_done(stack, task_id, 3)
    assert refused.status_code == 409, refused.text
    assert "cannot keep the earlier results" in refused.json()["detail"]
    assert body["status"] == "COMPLETED" and body["revision"] == 2
    failed = body["revisions"][1]
    assert failed["status"] == "FAILED" and failed["error"]["type"] == "NotStarted"
    assert again.status_code == 202 and again.json()["revision"] == 3
    assert after["revisions"][2]["status"] == "COMPLETED"
    assert after["revision"] == 3 and after["data"]["image_url"] != done["data"]["image_url"]


async def test_a_terminated_revision_is_settled_and_the_next_one_can_start(
    settings: Settings, client: Client, redis_url: str
) -> None:
    async with counted_stack(settings, client, redis_url, delay=6.0) as (stack, _):
        task_id = (await _completed(stack))["task_id"]
        url = f"/api/v1/postcards/{task_id}/regenerate"
        assert (await stack.http.post(url, json={"step": "frontend"})).status_code == 202
        await asyncio.sleep(1.0)
        await client.get_workflow_handle(f"{task_id}-r2").terminate(reason="too slow")
        body = await _revision_done(stack, task_id, 2)
        again = await stack.http.post(url, json={"step": "content"})
        await client.get_workflow_handle(f"{task_id}-r3").terminate(reason="test over")
    failed = body["revisions"][1]
    assert failed["status"] == "FAILED" and failed["error"]["type"] == "Terminated"
    assert "too slow" in failed["error"]["message"]
    assert body["status"] == "COMPLETED" and body["data"] is not None
    assert again.status_code == 202 and again.json()["revision"] == 3
