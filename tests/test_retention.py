"""Retention and deletion: a Temporal Schedule deletes the files of postcards past
RESULT_RETENTION_DAYS and marks them expired (410 from then on, metadata kept); an owner's
DELETE removes a postcard with its runs and files at once, cancels a run still going, and the
postcard answers 404 after. Real API, starter, worker, Redis, Temporal, SQLite, PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from temporalio.client import Client

from core.devserver import free_port
from core.migrate import migrate
from core.settings import Settings
from core.storage import poster_key
from runs.retention import SCHEDULE_ID, ensure_retention_schedule
from runs.wiring import run_reads
from tests.conftest import POSTGRES_ADMIN_URL
from tests.stack import Stack, running_stack, stack_settings
from tests.test_cancel import CallLog, SlowAt, stack

CREATE = "/api/v1/postcards/create"


async def _completed_with_a_revision(api: Stack) -> dict[str, Any]:
    created = await api.http.post(CREATE, json={"prompt": "生日快乐，妈妈"})
    task_id = created.json()["task_id"]
    await api.wait_status(task_id, {"COMPLETED"})
    url = f"/api/v1/postcards/{task_id}/regenerate"
    assert (await api.http.post(url, json={"step": "image"})).status_code == 202
    for _ in range(300):
        body: dict[str, Any] = (await api.http.get(f"/api/v1/postcards/status/{task_id}")).json()
        if body["revisions"] and body["revisions"][-1]["status"] == "COMPLETED":
            assert (
                await api.http.get(f"/api/v1/postcards/{task_id}/poster.png")
            ).status_code == 200
            return body
        await asyncio.sleep(0.1)
    raise AssertionError("the revision never completed")


def _files(api: Stack, task_id: str) -> list[str]:
    """Every stored file of a postcard (images, pages, posters of every revision)."""
    root = api.settings.blob_dir
    return sorted(str(p.relative_to(root)) for p in root.rglob(f"*{task_id}*") if p.is_file())


async def test_the_starter_keeps_the_retention_schedule_and_zero_days_removes_it(
    settings: Settings, client: Client
) -> None:
    quick = settings.model_copy(update={"result_retention_days": 2.0, "retention_interval_h": 6})
    assert await ensure_retention_schedule(client, quick)
    assert await ensure_retention_schedule(client, quick), "a second start updates it"
    described = await client.get_schedule_handle(SCHEDULE_ID).describe()
    spec = described.schedule.spec
    assert [i.every for i in spec.intervals] == [timedelta(hours=6)]
    action = described.schedule.action
    assert getattr(action, "workflow", None) == "RetentionWorkflow"
    off = settings.model_copy(update={"result_retention_days": 0})
    assert not await ensure_retention_schedule(client, off)
    assert not await ensure_retention_schedule(client, off), "removing twice is fine"


@pytest.fixture
def own_database(settings: Settings, tmp_path: Path) -> Iterator[str]:
    """A database of this test's own (of the same kind as the session's): retention with a
    window of seconds would expire every other test's postcards in the shared one."""
    if settings.effective_database_url.startswith("postgresql"):
        name = f"retention_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
        migrate(url)
        yield url
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    url = f"sqlite:///{tmp_path / 'own.db'}"
    migrate(url)
    yield url


async def test_the_schedule_expires_old_postcards_files_and_they_answer_410(
    settings: Settings, client: Client, redis_url: str, own_database: str
) -> None:
    # 0.00002 days is 1.7 s: the postcard made below is past it when the schedule fires.
    short = settings.model_copy(
        update={"result_retention_days": 0.00002, "database_url": own_database}
    )
    prepared = stack_settings(short, redis_url, free_port())
    async with running_stack(short, client, redis_url, prepared=prepared) as api:
        body = await _completed_with_a_revision(api)
        task_id = body["task_id"]
        before = _files(api, task_id)
        await asyncio.sleep(2.0)
        await ensure_retention_schedule(client, api.settings)
        await client.get_schedule_handle(SCHEDULE_ID).trigger()
        for _ in range(200):
            status = await api.http.get(f"/api/v1/postcards/status/{task_id}")
            if status.status_code == 410:
                break
            await asyncio.sleep(0.1)
        framed = {"Sec-Fetch-Dest": "iframe"}
        preview = await api.http.get(f"/preview/{task_id}", headers=framed)
        image = await api.http.get(body["data"]["image_url"])
        poster = await api.http.get(f"/api/v1/postcards/{task_id}/poster.png")
        listing = (await api.http.get("/api/v1/postcards")).json()
        after = _files(api, task_id)
    assert len(before) >= 5, before  # two images, two pages, a poster
    assert f"images/{task_id}-r2.jpg" in before and poster_key(task_id, 2) in before
    assert status.status_code == 410, status.text
    assert status.json()["expired_at"] and "RESULT_RETENTION_DAYS" in status.json()["detail"]
    assert preview.status_code == image.status_code == poster.status_code == 410
    assert after == [], "every revision's files are gone"
    listed = {item["task_id"]: item for item in listing["items"]}
    assert listed[task_id]["status"] == "COMPLETED", "the status itself never changes"
    view = run_reads(api.settings).get(task_id)
    assert view is not None and view.postcard.user_input == "生日快乐，妈妈", "metadata stays"
    assert all(run.frontend_code is None for run in run_reads(api.settings).runs(task_id))


async def test_delete_removes_a_running_postcard_at_once_and_nothing_brings_it_back(
    settings: Settings, client: Client, redis_url: str
) -> None:
    log = CallLog()
    async with stack(settings, client, redis_url, SlowAt(log, {"frontend"})) as api:
        created = await api.http.post(CREATE, json={"prompt": "a card for Anna"})
        task_id = created.json()["task_id"]
        for _ in range(200):
            body = (await api.http.get(f"/api/v1/postcards/status/{task_id}")).json()
            if body["steps"]["frontend"]["status"] == "running":
                break
            await asyncio.sleep(0.1)
        images = _files(api, task_id)
        deleted = await api.http.delete(f"/api/v1/postcards/{task_id}")
        gone = await api.http.get(f"/api/v1/postcards/status/{task_id}")
        await asyncio.sleep(2.0)  # the cancelled run records its end: it must not revive it
        still_gone = await api.http.get(f"/api/v1/postcards/status/{task_id}")
        again = await api.http.delete(f"/api/v1/postcards/{task_id}")
        listing = (await api.http.get("/api/v1/postcards")).json()
        left = _files(api, task_id)
    assert images, "the image was stored before the delete"
    assert deleted.status_code == 204, deleted.text
    assert gone.status_code == still_gone.status_code == again.status_code == 404
    assert task_id not in {item["task_id"] for item in listing["items"]}
    assert left == []
    assert (task_id, "frontend") in log.abandoned, "the run still going was cancelled"
    view = run_reads(api.settings)
    assert view.get(task_id) is None and view.runs(task_id) == []
