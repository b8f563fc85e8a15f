"""Webhooks end to end against real local receivers: API, starter (its dispatcher), worker,
Temporal, Redis, SQLite and PostgreSQL. Signatures verify with the `standardwebhooks`
package; retries follow a receiver that fails; one `webhook-id` per event, after a terminate
too; redelivery; a dead-lettered delivery is visible; 410 disables the endpoint."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY
from pydantic import SecretStr
from temporalio.client import Client

from core.devserver import free_port
from core.settings import Settings
from core.webhook_checks import new_secret
from core.webhooks import TASK_ID_ATTRIBUTE, webhook_id
from runs.wiring import run_store
from tests.fakes.receiver import Receiver
from tests.stack import running_stack, serve_api, stack_settings
from tests.test_closed_runs import slow_stack

CREATE = "/api/v1/postcards/create"
API_KEY = "psk-webhook-test-key-0001"
AUTH = {"Authorization": f"Bearer {API_KEY}"}


@pytest.fixture
def secret() -> str:
    return new_secret()


@pytest.fixture
def hooks(settings: Settings, secret: str) -> Settings:
    """Settings with webhooks on loopback receivers, signed with `secret`, retried quickly."""
    return settings.model_copy(
        update={
            "webhook_allow_private": True,
            "webhook_secret": SecretStr(secret),
            "webhook_retry_initial_s": 0.2,
            "create_rate_limit": "100000/hour",
        }
    )


@pytest.fixture
def receivers() -> Iterator[list[Receiver]]:
    """Receivers a test makes; all stopped after it."""
    made: list[Receiver] = []
    yield made
    for receiver in made:
        receiver.stop()


async def until(check: Callable[[], Awaitable[Any]], what: str, timeout_s: float = 30) -> Any:
    """Poll `check` until it returns something truthy."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        found = await check()
        if found:
            return found
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


def deliveries_of(http: httpx.AsyncClient, task_id: str, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """A check: the postcard's deliveries once every one has ended (delivered or dead)."""

    async def settled() -> list[dict[str, Any]] | None:
        answer = await http.get(f"/api/v1/postcards/{task_id}/webhooks", headers=headers)
        items: list[dict[str, Any]] = answer.json()["items"]
        return items if items and all(d["status"] != "pending" for d in items) else None

    return settled


async def test_signed_retried_deliveries_one_per_event_and_a_redelivery(
    hooks: Settings, client: Client, redis_url: str, secret: str, receivers: list[Receiver]
) -> None:
    receiver = Receiver(secret, failures=2)
    receivers.append(receiver)
    async with running_stack(hooks, client, redis_url) as stack:
        body = {"prompt": "生日快乐，妈妈", "webhook_url": receiver.url}
        body["webhook_events"] = ["completed", "step"]  # type: ignore[assignment]
        task_id = (await stack.http.post(CREATE, json=body)).json()["task_id"]
        status = await stack.wait_status(task_id, {"COMPLETED", "FAILED"})
        assert status["status"] == "COMPLETED"
        items = await until(deliveries_of(stack.http, task_id), "five deliveries")

        completed = f"webhook-{task_id}-r1-completed"
        assert {d["delivery_id"] for d in items} == {completed} | {
            f"webhook-{task_id}-r1-step-{s}" for s in ("concept", "content", "image", "frontend")
        }
        for delivery in items:
            assert delivery["status"] == "delivered", delivery
            codes = [a["status_code"] for a in delivery["attempts"]]
            assert codes == [500, 500, 200], "two failures, then delivered: three attempts"
            nexts = [a["next_try_at"] is not None for a in delivery["attempts"]]
            assert nexts == [True, True, False]
            assert all(a["latency_ms"] is not None for a in delivery["attempts"])
        # Every attempt of one event carried the same webhook-id and the same bytes.
        assert receiver.bad_signatures == []
        assert len(receiver.requests) == 15 and set(receiver.seen.values()) == {3}
        by_id = {d["webhook_id"]: d for d in items}
        assert set(receiver.seen) == set(by_id)
        for message in by_id:
            raws = {r.raw for r in receiver.requests if r.headers["webhook-id"] == message}
            assert len(raws) == 1
        done = receiver.bodies(webhook_id(completed))[0]
        assert done["type"] == "postcard.completed" and done["revision"] == 1
        assert done["data"]["task_id"] == task_id and done["data"]["status"] == "COMPLETED"
        assert done["data"]["data"]["preview_url"] == status["data"]["preview_url"]
        image = receiver.bodies(webhook_id(f"webhook-{task_id}-r1-step-image"))[0]
        assert image["type"] == "postcard.step" and image["step"] == "image"
        assert image["data"]["steps"]["image"]["status"] == "completed"

        again = await stack.http.post(f"/api/v1/postcards/{task_id}/webhooks/{completed}/redeliver")
        assert again.status_code == 202, again.text
        assert again.json()["workflow_id"] == f"{completed}-re1"
        await until(_seen(receiver, webhook_id(completed), 4), "the redelivery")
        listed = await until(deliveries_of(stack.http, task_id), "the redelivery's record")
        redelivered = next(d for d in listed if d["delivery_id"] == completed)
        assert redelivered["redeliveries"] == 1 and redelivered["status"] == "delivered"
        assert redelivered["attempts"][-1]["workflow_id"] == f"{completed}-re1"
        assert len(receiver.bodies(webhook_id(completed))) == 4 and receiver.bad_signatures == []
        assert len({r.raw for r in receiver.requests}) == 5, "the redelivery sent the same body"
        unknown = await stack.http.post(f"/api/v1/postcards/{task_id}/webhooks/nope/redeliver")
        assert unknown.status_code == 404

    runs = [e async for e in client.list_workflows(f"{TASK_ID_ATTRIBUTE}='{task_id}'")]
    assert len(runs) >= 5, "the Web UI finds delivery runs by PostcardTaskId"


def _seen(receiver: Receiver, message: str, times: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return receiver.seen[message] >= times

    return check


async def test_a_terminated_run_sends_one_failed_event_to_webhook_url(
    hooks: Settings, client: Client, redis_url: str, secret: str, receivers: list[Receiver]
) -> None:
    """Keys off, WEBHOOK_URL set: the settler's record of a terminate makes the one event."""
    receiver = Receiver(secret)
    receivers.append(receiver)
    configured = hooks.model_copy(update={"webhook_url": receiver.url})
    async with slow_stack(configured, client, redis_url) as stack:
        task_id = (await stack.http.post(CREATE, json={"prompt": "thank you"})).json()["task_id"]
        for _ in range(100):
            status = (await stack.http.get(f"/api/v1/postcards/status/{task_id}")).json()
            if status["steps"]["image"]["status"] == "running":
                break
            await asyncio.sleep(0.1)
        await client.get_workflow_handle(task_id).terminate(reason="spam wave")
        failed = await stack.wait_status(task_id, {"FAILED"}, timeout_s=15)
        items = await until(deliveries_of(stack.http, task_id), "the failed event")
        store = run_store(stack.settings)
        assert not store.fail(task_id, 1, _late()), "a second settler changes nothing"
        await asyncio.sleep(1.0)  # two dispatcher rounds: nothing else is sent
        again = (await stack.http.get(f"/api/v1/postcards/{task_id}/webhooks")).json()["items"]
    assert [d["delivery_id"] for d in items] == [f"webhook-{task_id}-r1-failed"]
    assert len(again) == 1
    assert list(receiver.seen.values()) == [1] and receiver.bad_signatures == []
    (event,) = receiver.bodies(items[0]["webhook_id"])
    assert event["type"] == "postcard.failed"
    assert event["data"]["error"] == failed["error"]
    assert event["data"]["error"]["type"] == "Terminated"


def _late():  # type: ignore[no-untyped-def]
    from core.models import PostcardError

    return PostcardError(step="image", type="Terminated", message="seen again")


def _completed(http: httpx.AsyncClient, task_id: str) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        answer = await http.get(f"/api/v1/postcards/status/{task_id}", headers=AUTH)
        return bool(answer.json()["status"] == "COMPLETED")

    return check


def _dead(kind: str) -> float:
    return REGISTRY.get_sample_value("postcard_webhooks_dead_lettered_total", {"kind": kind}) or 0.0


async def test_keys_on_endpoint_410_disables_it_and_an_expired_delivery_is_dead_lettered(
    hooks: Settings, client: Client, redis_url: str, receivers: list[Receiver]
) -> None:
    gone, failing = Receiver(failures=99, status=410), Receiver(failures=99, status=500)
    receivers += [gone, failing]
    keyed = hooks.model_copy(
        update={
            "api_keys": SecretStr(f"{API_KEY}:carol"),
            "webhook_secret": None,
            "webhook_retry_hours": 0.0005,  # 1.8 s of retries
        }
    )
    gone_before, expired_before = _dead("gone"), _dead("expired")
    async with running_stack(keyed, client, redis_url) as stack:
        http = stack.http
        assert (await http.get("/api/v1/webhook-endpoint", headers=AUTH)).status_code == 404
        early = await http.post(
            CREATE, json={"prompt": "hi", "webhook_url": failing.url}, headers=AUTH
        )
        assert early.status_code == 409 and "PUT /api/v1/webhook-endpoint" in early.text
        put = await http.put("/api/v1/webhook-endpoint", json={"url": gone.url}, headers=AUTH)
        assert put.status_code == 200, put.text
        secret = put.json()["secret"]
        assert secret.startswith("whsec_")
        again = await http.put("/api/v1/webhook-endpoint", json={"url": gone.url}, headers=AUTH)
        assert again.json()["secret"] is None, "the secret is shown once"
        shown = (await http.get("/api/v1/webhook-endpoint", headers=AUTH)).json()
        assert shown["url"] == gone.url and shown["secret"] is None and shown["disabled_at"] is None
        gone.secret = failing.secret = secret

        to_endpoint = await http.post(CREATE, json={"prompt": "生日快乐"}, headers=AUTH)
        own = await http.post(
            CREATE, json={"prompt": "thanks", "webhook_url": failing.url}, headers=AUTH
        )
        first, second = to_endpoint.json()["task_id"], own.json()["task_id"]
        (g,) = await until(deliveries_of(http, first, AUTH), "the 410", timeout_s=40)
        (f,) = await until(deliveries_of(http, second, AUTH), "the dead letter", timeout_s=40)
        disabled = (await http.get("/api/v1/webhook-endpoint", headers=AUTH)).json()
        late = await http.post(CREATE, json={"prompt": "again"}, headers=AUTH)
        await until(_completed(http, late.json()["task_id"]), "the third postcard")
        await asyncio.sleep(1.0)
        silent = await http.get(
            f"/api/v1/postcards/{late.json()['task_id']}/webhooks", headers=AUTH
        )
        stranger = await http.get(f"/api/v1/postcards/{first}/webhooks")
    assert g["status"] == "dead_lettered" and "410" in g["error"]
    assert [a["status_code"] for a in g["attempts"]] == [410], "a 410 is not retried"
    assert disabled["disabled_at"] is not None and "410" in disabled["disabled_reason"]
    assert silent.json()["items"] == [], "a disabled endpoint gets no new events"
    assert f["status"] == "dead_lettered" and "WEBHOOK_RETRY_HOURS" in f["error"]
    assert len(f["attempts"]) >= 2 and {a["status_code"] for a in f["attempts"]} == {500}
    assert f["attempts"][-1]["next_try_at"] is None, "the last attempt says none follows"
    assert _dead("gone") == gone_before + 1 and _dead("expired") == expired_before + 1
    assert gone.bad_signatures == failing.bad_signatures == [], "signed with the user's secret"
    assert stranger.status_code == 401


async def test_bad_webhook_input_gets_a_clear_4xx(
    settings: Settings, client: Client, redis_url: str
) -> None:
    """The URL is checked at the API: https only (without WEBHOOK_ALLOW_PRIVATE), no address
    literal webhooks may not reach, no credentials; events need a URL; nothing signs → 409."""
    api = stack_settings(
        settings.model_copy(update={"webhook_secret": SecretStr(new_secret())}),
        redis_url,
        free_port(),
    )
    cases = {
        "http://hooks.example/p": "https",
        "https://127.0.0.1/p": "loopback",
        "https://10.0.0.1/p": "private",
        "https://169.254.169.254/latest": "metadata",
        "https://a:b@hooks.example/p": "credentials",
        "not a url": "whitespace",
        "ftp://hooks.example/p": "https",
        "https://" + "h" * 2100 + ".example/": "2048",
    }
    async with serve_api(api) as base, httpx.AsyncClient(base_url=base) as http:
        for url, reason in cases.items():
            answer = await http.post(CREATE, json={"prompt": "hi", "webhook_url": url})
            assert answer.status_code == 422 and reason in answer.text, (url, answer.text)
        events = await http.post(CREATE, json={"prompt": "hi", "webhook_events": ["step"]})
        assert events.status_code == 422 and "webhook_events needs webhook_url" in events.text
        odd = await http.post(
            CREATE,
            json={"prompt": "hi", "webhook_url": "https://h.example/", "webhook_events": ["x"]},
        )
        assert odd.status_code == 422 and "webhook_events" in odd.text
        endpoint = await http.put("/api/v1/webhook-endpoint", json={"url": "https://h.example/"})
        assert endpoint.status_code == 409 and "WEBHOOK_URL" in endpoint.text
    unsigned = stack_settings(settings, redis_url, free_port())
    async with serve_api(unsigned) as base, httpx.AsyncClient(base_url=base) as http:
        answer = await http.post(CREATE, json={"prompt": "hi", "webhook_url": "https://h.example/"})
        assert answer.status_code == 409 and "WEBHOOK_SECRET" in answer.text
