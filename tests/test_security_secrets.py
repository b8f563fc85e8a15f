"""Provider keys, API keys and webhook signing secrets never reach logs, status output,
Temporal payloads, histories or webhook payloads.

The whole product runs as real processes with recognisable fake keys; the real Gemini and
Anthropic SDKs talk to the wire-protocol fakes, one of which echoes the key back in an error.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis.asyncio as aioredis
from temporalio.api.history.v1 import History

from bench.crash_stack import CrashStack
from bench.crash_verify import connect
from core.db import make_engine
from runs.reads import RunReads
from runs.webhooks import WebhookStore
from tests.fakes import anthropic as fake_a
from tests.fakes.config import ANTHROPIC_KEY, GEMINI_KEY
from tests.fakes.gemini import fake_gemini
from tests.fakes.receiver import Receiver
from tests.fakes.server import FakeServer, Recorded, Reply

API_KEY = "psk-FAKE-studio-api-key-do-not-leak-0042"
SECRETS = (GEMINI_KEY, ANTHROPIC_KEY, API_KEY)
AUTH = {"Authorization": f"Bearer {API_KEY}"}


@pytest.fixture
def fakes() -> Iterator[tuple[FakeServer, FakeServer]]:
    gemini, anthropic = fake_gemini(), fake_a.fake_anthropic()
    yield gemini, anthropic
    gemini.stop()
    anthropic.stop()


def echo_key(recorded: Recorded) -> Reply:
    """A hostile 401 that repeats the credential it was sent."""
    sent = recorded.headers.get("x-api-key") or recorded.headers.get("authorization", "")
    return fake_a.error(401, "authentication_error", f"invalid x-api-key {sent}")


async def wait_status(http: httpx.AsyncClient, task_id: str) -> dict:
    for _ in range(600):
        body = (await http.get(f"/api/v1/postcards/status/{task_id}", headers=AUTH)).json()
        if body["status"] in ("COMPLETED", "FAILED"):
            return body
        await asyncio.sleep(0.2)
    raise AssertionError(f"{task_id} never finished")


def found_secrets(label: str, blob: bytes | str, secrets: tuple[str, ...] = SECRETS) -> list[str]:
    data = blob.encode() if isinstance(blob, str) else blob
    return [f"{label} contains {secret[:12]}…" for secret in secrets if secret.encode() in data]


async def webhooks_done(http: httpx.AsyncClient, task_id: str) -> str:
    """The postcard's deliveries (as the API lists them) once each was delivered."""
    for _ in range(300):
        answer = await http.get(f"/api/v1/postcards/{task_id}/webhooks", headers=AUTH)
        items = answer.json()["items"]
        if items and all(item["status"] == "delivered" for item in items):
            return answer.text
        await asyncio.sleep(0.1)
    raise AssertionError(f"the webhooks of {task_id} were never delivered")


async def test_no_key_leaks_anywhere(tmp_path: Path, fakes: tuple[FakeServer, FakeServer]) -> None:
    gemini, anthropic = fakes
    receiver = Receiver()
    stack = CrashStack(
        tmp_path,
        extra_env={
            "GEMINI_API_KEY": GEMINI_KEY,
            "GEMINI_BASE_URL": gemini.url,
            "ANTHROPIC_API_KEY": ANTHROPIC_KEY,
            "ANTHROPIC_BASE_URL": anthropic.url,
            "TEXT_PROVIDER": "gemini",
            "IMAGE_PROVIDER": "gemini",
            "CODE_PROVIDER": "anthropic",
            "CODE_PROVIDER_FALLBACKS": "none",  # the echoing 401 must fail the step, not fall back
            "API_KEYS": f"{API_KEY}:carol",
            "LOG_LEVEL": "DEBUG",
            "WEBHOOK_ALLOW_PRIVATE": "1",  # the receiver listens on loopback
            "WEBHOOK_RETRY_INITIAL_S": "0.2",
        },
    )
    await asyncio.to_thread(stack.start)
    try:
        async with httpx.AsyncClient(base_url=stack.api_url, timeout=30) as http:
            endpoint = {"url": receiver.url, "events": ["completed", "failed", "step"]}
            put = await http.put("/api/v1/webhook-endpoint", json=endpoint, headers=AUTH)
            signing = put.json()["secret"]
            receiver.secret = signing
            ok = await http.post(
                "/api/v1/postcards/create", json={"prompt": "生日快乐"}, headers=AUTH
            )
            done = await wait_status(http, ok.json()["task_id"])
            assert done["status"] == "COMPLETED", done
            anthropic.script(*[echo_key] * 10)
            bad = await http.post(
                "/api/v1/postcards/create", json={"prompt": "thanks"}, headers=AUTH
            )
            failed = await wait_status(http, bad.json()["task_id"])
            assert failed["status"] == "FAILED" and failed["error"]["step"] == "frontend", failed
            assert "invalid x-api-key" in failed["error"]["message"], "the echo came back"
            outputs = [json.dumps(done), json.dumps(failed)]
            outputs.append((await http.get("/api/v1/postcards", headers=AUTH)).text)
            outputs.append((await http.get("/ready")).text)
            task_ids = [done["task_id"], failed["task_id"]]
            outputs += [await webhooks_done(http, t) for t in task_ids]
            outputs.append((await http.get("/api/v1/webhook-endpoint", headers=AUTH)).text)
        client = await connect(stack.temporal_address)
        runs = [e.id async for e in client.list_workflows("WorkflowType='WebhookDeliveryWorkflow'")]
        histories = [
            await client.get_workflow_handle(w).fetch_history() for w in [*task_ids, *runs]
        ]
        redis = aioredis.Redis(port=stack.redis_port)
        stream = repr(await redis.xrange("postcard_tasks"))
        await redis.aclose()
    finally:
        await asyncio.to_thread(stack.stop)
        receiver.stop()

    # The keys were really configured in the processes whose output is searched.
    assert any(r.headers.get("x-goog-api-key") == GEMINI_KEY for r in gemini.requests)
    assert any(ANTHROPIC_KEY in json.dumps(r.headers) for r in anthropic.requests)
    logs = {name: stack.components[name].log.read_bytes() for name in ("api", "starter", "worker")}
    assert all(b'"level"' in text for text in logs.values()), "JSON logs were captured"
    assert b"step completed" in logs["worker"] and b"workflow started" in logs["starter"]
    # The webhooks really ran, signed with the endpoint's secret: 2 ends + 8 step ends.
    assert signing.startswith("whsec_") and b"webhook delivered" in logs["worker"]
    assert len(runs) == 10 and len(receiver.seen) == 10 and receiver.bad_signatures == []

    secrets = (*SECRETS, signing, signing.removeprefix("whsec_"))
    leaks = []
    for name, text in logs.items():
        leaks += found_secrets(f"{name} log", text, secrets)
    for n, body in enumerate(outputs):
        leaks += found_secrets(f"API output {n}", body, secrets)
    for workflow_id, history in zip([*task_ids, *runs], histories, strict=True):
        leaks += found_secrets(
            f"history {workflow_id} (protobuf)",
            History(events=history.events).SerializeToString(),
            secrets,
        )
        leaks += found_secrets(f"history {workflow_id} (json)", history.to_json(), secrets)
    leaks += found_secrets("stream", stream, secrets)
    for request in receiver.requests:
        leaks += found_secrets(
            "webhook request", request.raw + repr(request.headers).encode(), secrets
        )
    reads = RunReads(make_engine(stack.database_url))
    for view in reads.list_for_user(None, 0, 100)[0]:
        for row in (view.postcard, *reads.runs(view.task_id)):
            leaks += found_secrets(f"row {view.task_id}", row.model_dump_json(), secrets)
        for delivery in WebhookStore(reads.engine).of_task(view.task_id):
            for kept in (delivery.delivery, *delivery.attempts):
                leaks += found_secrets(
                    f"webhook row {view.task_id}", kept.model_dump_json(), secrets
                )
    reads.engine.dispose()
    assert leaks == []
