"""The database is the read model: status, list, events, revisions, preview, poster and files
read rows only. They never call Temporal and never write a row, shown with an API whose
Temporal client raises on any use and whose database refuses every write."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.engine import Engine
from temporalio.client import Client

from api.main import create_app
from core.devserver import free_port
from core.settings import Settings
from tests.stack import Stack, running_stack, serve_api


class NoTemporal:
    """A Temporal client that fails the test on any use."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"a read used Temporal ({name})")


WRITES = ("INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER")


@asynccontextmanager
async def read_only_api(
    settings: Settings,
) -> AsyncIterator[tuple[httpx.AsyncClient, list[str]]]:
    """The API app on its own port whose Temporal client raises and whose database engine
    refuses every statement that would write (listed in the list it yields)."""
    own = settings.model_copy(update={"api_port": free_port()})
    app = create_app(own)
    refused: list[str] = []

    def no_writes(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith(WRITES):
            refused.append(statement)
            raise AssertionError(f"a read wrote: {statement[:80]}")

    async with serve_api(own, app) as base:
        services = app.state.services
        services._temporal = NoTemporal()
        engine: Engine = services.reads.engine
        assert engine is services.store.engine
        event.listen(engine, "before_cursor_execute", no_writes)
        try:
            async with httpx.AsyncClient(base_url=base, timeout=30) as http:
                yield http, refused
        finally:
            event.remove(engine, "before_cursor_execute", no_writes)


async def test_the_read_only_api_refuses_writes_and_temporal(
    settings: Settings, redis_url: str
) -> None:
    """The harness itself: a create (a write) is refused, and readiness finds no Temporal."""
    async with read_only_api(settings.model_copy(update={"redis_url": redis_url})) as (
        http,
        refused,
    ):
        create = await http.post("/api/v1/postcards/create", json={"prompt": "hi"})
        ready = await http.get("/ready")
    assert create.status_code == 503 and refused and refused[0].upper().startswith("INSERT")
    assert ready.status_code == 503 and ready.json()["checks"]["temporal"]["ok"] is False


async def _postcard_with_a_revision(stack: Stack) -> str:
    created = await stack.http.post("/api/v1/postcards/create", json={"prompt": "生日快乐，妈妈"})
    task_id: str = created.json()["task_id"]
    await stack.wait_status(task_id, {"COMPLETED"})
    url = f"/api/v1/postcards/{task_id}/regenerate"
    assert (await stack.http.post(url, json={"step": "content"})).status_code == 202
    for _ in range(300):
        body = (await stack.http.get(f"/api/v1/postcards/status/{task_id}")).json()
        if body["revision"] == 2 and body["revisions"][1]["status"] == "COMPLETED":
            return task_id
        await asyncio.sleep(0.1)
    raise AssertionError("the revision never completed")


async def test_every_read_endpoint_reads_rows_only(
    settings: Settings, client: Client, redis_url: str
) -> None:
    async with running_stack(settings, client, redis_url) as stack:
        task_id = await _postcard_with_a_revision(stack)
        created = await stack.http.post("/api/v1/postcards/create", json={"prompt": "hi Anna"})
        young = created.json()["task_id"]
        async with read_only_api(stack.settings) as (http, refused):
            status = await http.get(f"/api/v1/postcards/status/{task_id}")
            young_status = await http.get(f"/api/v1/postcards/status/{young}")
            unchanged = await http.get(
                f"/api/v1/postcards/status/{task_id}",
                headers={"If-None-Match": status.headers["etag"]},
            )
            listing = await http.get("/api/v1/postcards?page_size=5")
            revision = await http.get(f"/api/v1/postcards/{task_id}/revisions/1")
            framed = {"Sec-Fetch-Dest": "iframe"}
            page = await http.get(f"/preview/{task_id}", headers=framed)
            old_page = await http.get(f"/preview/{task_id}?revision=1", headers=framed)
            wrapper = await http.get(f"/preview/{task_id}")
            poster = await http.get(f"/api/v1/postcards/{task_id}/poster.png")
            image = await http.get(status.json()["data"]["image_url"])
            async with http.stream("GET", f"/api/v1/postcards/{task_id}/events") as events:
                text = "".join([chunk async for chunk in events.aiter_text()])
            health = await http.get("/health")

    assert refused == [], "no read wrote a row"
    body = status.json()
    assert status.status_code == 200 and body["status"] == "COMPLETED" and body["revision"] == 2
    assert status.headers["cache-control"] == "no-cache" and "retry-after" not in status.headers
    assert young_status.status_code == 200
    assert young_status.json()["status"] in ("PENDING", "PROCESSING", "COMPLETED")
    assert unchanged.status_code == 304 and unchanged.headers["etag"] == status.headers["etag"]
    assert listing.status_code == 200 and listing.json()["total"] >= 2
    assert revision.status_code == 200 and revision.json()["data"] is not None
    assert page.status_code == old_page.status_code == wrapper.status_code == 200
    assert page.text != old_page.text
    assert poster.status_code == 200 and poster.headers["content-type"] == "image/png"
    assert image.status_code == 200
    assert events.status_code == 200 and "event: status" in text and '"COMPLETED"' in text
    assert health.status_code == 200


async def test_an_unfinished_status_says_when_to_ask_again_and_a_change_changes_its_etag(
    settings: Settings, client: Client, redis_url: str
) -> None:
    async with running_stack(settings, client, redis_url) as stack:
        created = await stack.http.post("/api/v1/postcards/create", json={"prompt": "hi Anna"})
        task_id = created.json()["task_id"]
        first = await stack.http.get(f"/api/v1/postcards/status/{task_id}")
        final = await stack.wait_status(task_id, {"COMPLETED"})
        last = await stack.http.get(f"/api/v1/postcards/status/{task_id}")
        stale = await stack.http.get(
            f"/api/v1/postcards/status/{task_id}", headers={"If-None-Match": first.headers["etag"]}
        )
    assert first.json()["status"] in ("PENDING", "PROCESSING")
    assert first.headers["retry-after"] == "2" and first.headers["cache-control"] == "no-cache"
    assert last.json() == final and "retry-after" not in last.headers
    assert last.headers["etag"] != first.headers["etag"]
    assert stale.status_code == 200 and stale.json() == final, "a changed status is sent again"
