"""With API keys a user sees only their own postcards; another's look exactly like unknown ids."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from core.devserver import free_port
from core.migrate import migrate
from core.models import PostcardRequest
from core.settings import Settings
from core.wiring import blob_store
from tests.harness import record_completed
from tests.stack import RedisServer, serve_api, stack_settings

ALICE = {"Authorization": "Bearer alice-key-0001"}
BOB = {"X-API-Key": "bob-key-0002"}


def make_settings(tmp_path: Path, redis: RedisServer, **fields: Any) -> Settings:
    url = f"sqlite:///{tmp_path / 'postcards.db'}"
    migrate(url)
    base = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        database_url=url,
        log_format="console",
        **fields,
    )
    return stack_settings(base, redis.url, free_port())


def finished_postcard(settings: Settings, user: str) -> str:
    """A COMPLETED postcard of `user` with its page and image stored, as the worker leaves it."""
    task_id = uuid.uuid4().hex
    request = PostcardRequest(
        task_id=task_id, user_input="a secret wish", user_id=user, created_at=datetime.now(UTC)
    )
    store = blob_store(settings)
    image = store.put(f"images/{task_id}.png", b"\x89PNG\r\n\x1a\nfake", "image/png")
    page = store.put(f"pages/{task_id}.html", b"<p>private</p>", "text/html; charset=utf-8")
    results = {
        "frontend_code": "<p>private</p>",
        "page_key": page.key,
        "image_key": image.key,
        "image_url": image.url,
        "preview_url": f"{settings.effective_public_base_url}/preview/{task_id}",
    }
    record_completed(settings, request, results)
    return task_id


def paths(task_id: str) -> list[str]:
    return [
        f"/api/v1/postcards/status/{task_id}",
        f"/preview/{task_id}",
        f"/files/images/{task_id}.png",
        f"/files/pages/{task_id}.html",
        f"/files/pages/{task_id}.html?download=true",
    ]


@asynccontextmanager
async def api(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serve_api(settings) as base, httpx.AsyncClient(base_url=base, timeout=30) as http:
        yield http


def shape(answer: httpx.Response, task_id: str) -> tuple[int, str, list[str]]:
    """What a caller learns from an answer, with the id they asked about blanked out."""
    skip = {"date", "content-length"}
    return (
        answer.status_code,
        answer.text.replace(task_id, "<id>"),
        sorted(f"{k}: {v}" for k, v in answer.headers.items() if k not in skip),
    )


async def test_another_users_postcard_is_indistinguishable_from_an_unknown_one(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    settings = make_settings(
        tmp_path, redis_server, api_keys="alice-key-0001:alice,bob-key-0002:bob"
    )
    alices = finished_postcard(settings, "alice")
    unknown = uuid.uuid4().hex
    async with api(settings) as http:
        created = await http.post("/api/v1/postcards/create", json={"prompt": "hi"}, headers=ALICE)
        assert created.status_code == 202
        pending = created.json()["task_id"]
        for path in paths(alices):
            own = await http.get(path, headers=ALICE)
            assert own.status_code == 200, (path, own.text)
            theirs = await http.get(path, headers=BOB)
            nobody = await http.get(path.replace(alices, unknown), headers=BOB)
            assert theirs.status_code == 404, path
            assert "detail" in theirs.json()
            assert shape(theirs, alices) == shape(nobody, unknown), path
        status_of_pending = await http.get(f"/api/v1/postcards/status/{pending}", headers=BOB)
        assert status_of_pending.status_code == 404

        bobs_list = (await http.get("/api/v1/postcards", headers=BOB)).json()
        assert bobs_list["items"] == [] and bobs_list["total"] == 0
        alices_list = (await http.get("/api/v1/postcards", headers=ALICE)).json()
        assert {i["task_id"] for i in alices_list["items"]} == {alices, pending}

        for headers in ({}, {"X-API-Key": "wrong"}, {"Authorization": "Bearer alice-key-000"}):
            for path in [*paths(alices), "/api/v1/postcards"]:
                refused = await http.get(path, headers=headers)
                assert refused.status_code == 401, (path, headers)
                assert "API key" in refused.json()["detail"]


async def test_without_keys_local_single_user_mode_needs_no_auth(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    settings = make_settings(tmp_path, redis_server)
    mine = finished_postcard(settings, "local")
    async with api(settings) as http:
        created = await http.post("/api/v1/postcards/create", json={"prompt": "hello"})
        assert created.status_code == 202, created.text
        for path in paths(mine):
            assert (await http.get(path)).status_code == 200, path
        ignored = await http.get(paths(mine)[0], headers={"Authorization": "Bearer anything"})
        assert ignored.status_code == 200
        listing = (await http.get("/api/v1/postcards")).json()
        assert {i["task_id"] for i in listing["items"]} == {mine, created.json()["task_id"]}
