"""A regenerate spends provider calls like a create, so it is held like one: the per-user rate,
the backlog's backpressure, a cap on revisions per postcard, and bad input refused with a 4xx.
Real API, Redis, Temporal, and SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from core.devserver import free_port
from core.models import PostcardError
from core.settings import Settings
from runs.wiring import run_reads, run_store
from tests.harness import make_request, record_completed
from tests.stack import RedisServer, serve_api, stack_settings

CREATE = "/api/v1/postcards/create"


@pytest.fixture
def api_settings(settings: Settings, redis_server: RedisServer) -> Settings:
    return stack_settings(settings, redis_server.url, free_port())


@asynccontextmanager
async def api(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serve_api(settings) as base, httpx.AsyncClient(base_url=base, timeout=30) as http:
        yield http


def completed_postcard(settings: Settings, earlier_revisions: int = 0) -> str:
    """A COMPLETED postcard saved through the run store, with `earlier_revisions` more runs
    that ended (as regenerates that could not start leave them)."""
    request = make_request("a birthday card for Anna")
    record_completed(settings, request, {"concept": {"theme": "x"}})
    store = run_store(settings)
    for _ in range(earlier_revisions):
        run = store.begin_revision(request.task_id, "concept", None)
        failed = PostcardError(step="concept", type="NotStarted", message="test")
        store.fail(request.task_id, run.revision, failed)
    store.engine.dispose()
    return request.task_id


def revisions_of(settings: Settings, task_id: str) -> list[int]:
    reads = run_reads(settings)
    try:
        return [run.revision for run in reads.runs(task_id)]
    finally:
        reads.engine.dispose()


async def test_a_nul_in_the_instruction_is_a_422_like_the_create(api_settings: Settings) -> None:
    task_id = completed_postcard(api_settings)
    async with api(api_settings) as http:
        answer = await http.post(
            f"/api/v1/postcards/{task_id}/regenerate",
            json={"step": "content", "instruction": "funnier\x00please"},
        )
    assert answer.status_code == 422, answer.text
    assert "instruction: Value error, must not contain NUL characters" in answer.json()["detail"]
    assert revisions_of(api_settings, task_id) == [1], "nothing was saved"


async def test_revisions_per_postcard_are_capped(api_settings: Settings) -> None:
    capped = api_settings.model_copy(update={"max_revisions": 3})
    task_id = completed_postcard(capped, earlier_revisions=2)
    async with api(capped) as http:
        answer = await http.post(
            f"/api/v1/postcards/{task_id}/regenerate", json={"step": "concept"}
        )
    assert answer.status_code == 409, answer.text
    assert "MAX_REVISIONS=3" in answer.json()["detail"]
    assert revisions_of(capped, task_id) == [1, 2, 3]


async def test_regenerates_count_in_the_users_rate_with_creates(api_settings: Settings) -> None:
    limited = api_settings.model_copy(update={"create_rate_limit": "2/minute"})
    async with api(limited) as http:
        created = await http.post(CREATE, json={"prompt": "a thank-you card"})
        task_id = created.json()["task_id"]
        url = f"/api/v1/postcards/{task_id}/regenerate"
        first = await http.post(url, json={"step": "image"})  # refused (not done), but counted
        second = await http.post(url, json={"step": "image"})
        create = await http.post(CREATE, json={"prompt": "another card"})
    assert created.status_code == 202, created.text
    assert first.status_code == 409, first.text
    for answer in (second, create):
        assert answer.status_code == 429, answer.text
        assert "creates and regenerates" in answer.json()["detail"]
        assert int(answer.headers["Retry-After"]) >= 1


async def test_a_regenerate_waits_while_the_backlog_is_full(api_settings: Settings) -> None:
    full = api_settings.model_copy(update={"stream_max_backlog": 1, "stream_max_len": 100})
    task_id = completed_postcard(full)
    async with api(full) as http:
        waiting = await http.post(CREATE, json={"prompt": "a card nobody starts"})
        answer = await http.post(
            f"/api/v1/postcards/{task_id}/regenerate", json={"step": "concept"}
        )
    assert waiting.status_code == 202, waiting.text
    assert answer.status_code == 503, answer.text
    assert "too many postcards are waiting" in answer.json()["detail"]
    assert int(answer.headers["Retry-After"]) >= 1
    assert revisions_of(full, task_id) == [1], "nothing was started or saved"
