"""GET /api/v1/postcards/{task_id}/poster.png on the real stack: drawn once, cached, guarded."""

from __future__ import annotations

import asyncio
import io
import uuid
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx
from PIL import Image
from pydantic import SecretStr
from temporalio.client import Client

from core.devserver import free_port
from core.models import PostcardError, PostcardRequest, PostcardStatus
from core.settings import Settings
from core.wiring import blob_store
from runs.wiring import run_store
from tests.stack import RedisServer, running_stack, stack_settings

ALICE = {"X-API-Key": "alice-key-0001"}
BOB = {"X-API-Key": "bob-key-0002"}


async def wait_completed(http: httpx.AsyncClient, task_id: str, timeout_s: float = 60) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        body = (await http.get(f"/api/v1/postcards/status/{task_id}")).json()
        if body.get("status") in {"COMPLETED", "FAILED"}:
            assert body["status"] == "COMPLETED", body
            return body
        assert asyncio.get_running_loop().time() < deadline, f"{task_id} stuck at {body}"
        await asyncio.sleep(0.2)


def row_of(settings: Settings, user: str, status: PostcardStatus) -> str:
    """A postcard of `user` left PENDING or FAILED, as the starter or the workflow leave them."""
    request = PostcardRequest(
        task_id=uuid.uuid4().hex, user_input="a wish", user_id=user, created_at=datetime.now(UTC)
    )
    store = run_store(settings)
    store.create_pending(request)
    if status is PostcardStatus.FAILED:
        error = PostcardError(step="image", type="SafetyBlock", message="blocked", retryable=False)
        store.fail(request.task_id, 1, error)
    return request.task_id


async def test_the_poster_of_a_finished_postcard_is_drawn_once_and_cached(
    client: Client, settings: Settings, redis_server: RedisServer
) -> None:
    keyed = settings.model_copy(
        update={"api_keys": SecretStr("alice-key-0001:alice,bob-key-0002:bob")}
    )
    prepared = stack_settings(keyed, redis_server.url, free_port())
    async with running_stack(settings, client, redis_server.url, prepared=prepared) as stack:
        http = stack.http
        http.headers.update(ALICE)
        created = await http.post(
            "/api/v1/postcards/create", json={"prompt": "中秋节给远方父母的明信片，月亮和灯笼"}
        )
        assert created.status_code == 202, created.text
        task_id = created.json()["task_id"]
        status = await wait_completed(http, task_id)
        path = f"/api/v1/postcards/{task_id}/poster.png"
        store = blob_store(stack.settings)
        key = f"posters/{task_id}-r1.png"
        assert not store.exists(key)

        first = await http.get(path)
        assert first.status_code == 200, first.text
        assert first.headers["content-type"] == "image/png"
        assert first.headers["content-disposition"].startswith("inline")
        poster = Image.open(io.BytesIO(first.content))
        assert poster.format == "PNG" and poster.width == 1080 and poster.height > 1080
        assert store.get(key) == first.content, "the poster is cached in the blob store"

        # A second call reads the cache: a marker put in its place is what comes back.
        marker = io.BytesIO()
        Image.new("RGB", (1080, 8), (1, 2, 3)).save(marker, "PNG")
        store.put(key, marker.getvalue(), "image/png")
        again = await http.get(path, params={"revision": 1, "download": "true"})
        assert again.status_code == 200 and again.content == marker.getvalue()
        assert again.headers["content-disposition"].startswith("attachment")
        assert (await http.get(path, params={"revision": 2})).status_code == 404
        assert (await http.get(path, params={"revision": 0})).status_code == 422

        share = parse_qs(urlsplit(status["data"]["preview_url"]).query)["share"][0]
        async with httpx.AsyncClient(base_url=stack.base_url) as anonymous:
            shared = await anonymous.get(path, params={"share": share})
            assert shared.status_code == 200 and shared.content == marker.getvalue()
            assert (await anonymous.get(path)).status_code == 401
            assert (await anonymous.get(path, params={"share": "0" * 32})).status_code == 401

        theirs = await http.get(path, headers=BOB)
        unknown = await http.get(f"/api/v1/postcards/{uuid.uuid4().hex}/poster.png")
        assert theirs.status_code == unknown.status_code == 404

        # An illustration that cannot be read is a 409 with the reason, not a server error.
        store.path(key).unlink()
        store.path(f"images/{task_id}.jpg").write_bytes(b"not an image")
        unreadable = await http.get(path)
        assert unreadable.status_code == 409 and "not a readable image" in unreadable.text

        for state in (PostcardStatus.PENDING, PostcardStatus.FAILED):
            other = row_of(stack.settings, "alice", state)
            refused = await http.get(f"/api/v1/postcards/{other}/poster.png")
            assert refused.status_code == 409, refused.text
            assert f"is {state.value}" in refused.json()["detail"]
            assert not store.exists(f"posters/{other}-r1.png")


async def revision_done(http: httpx.AsyncClient, task_id: str, revision: int) -> dict:
    for _ in range(300):
        body = (await http.get(f"/api/v1/postcards/status/{task_id}")).json()
        mine = [r for r in body["revisions"] if r["revision"] == revision]
        if mine and mine[0]["status"] in ("COMPLETED", "FAILED"):
            assert mine[0]["status"] == "COMPLETED", mine
            return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"revision {revision} of {task_id} never ended")


async def test_each_revision_has_its_own_poster(
    client: Client, settings: Settings, redis_server: RedisServer
) -> None:
    async with running_stack(settings, client, redis_server.url) as stack:
        http = stack.http
        created = await http.post(
            "/api/v1/postcards/create", json={"prompt": "A birthday card for Anna from Leo"}
        )
        task_id = created.json()["task_id"]
        await wait_completed(http, task_id)
        path = f"/api/v1/postcards/{task_id}/poster.png"
        store = blob_store(stack.settings)
        first = await http.get(path)
        assert first.status_code == 200

        answer = await http.post(
            f"/api/v1/postcards/{task_id}/regenerate",
            json={"step": "content", "instruction": "more formal"},
        )
        assert answer.status_code == 202, answer.text
        body = await revision_done(http, task_id, 2)
        assert body["revision"] == 2

        latest = await http.get(path)
        assert latest.status_code == 200 and latest.content != first.content
        assert store.get(f"posters/{task_id}-r2.png") == latest.content
        assert (await http.get(path, params={"revision": 2})).content == latest.content
        # Revision 1 is drawn again from its stored record, not from the postcard's row.
        store.path(f"posters/{task_id}-r1.png").unlink()
        older = await http.get(path, params={"revision": 1})
        assert older.status_code == 200 and older.content == first.content
        assert (await http.get(path, params={"revision": 3})).status_code == 404

        frame = await http.get(f"/preview/{task_id}")
        assert f"/api/v1/postcards/{task_id}/poster.png?revision=2" in frame.text
