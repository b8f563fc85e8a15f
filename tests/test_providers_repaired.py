"""Repair never turns garbage into a model's answer: a reply without real content in what the
postcard shows is invalid (one repair round, then the local fallback says why); a reply that
needed fields filled in from the local engine says which (`repaired`, in the step's state and
so in the status) and is never cached. Real SDK client on the fake Gemini server, real Redis,
and a real workflow run with SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr
from redis.asyncio import Redis
from temporalio.client import Client

from api.presenters import status_body
from core.models import PostcardStatus
from core.settings import Settings
from providers.factory import ProviderFactory
from runs.wiring import run_reads
from tests.fakes import gemini as g
from tests.fakes.config import GEMINI_KEY, provider_settings
from tests.fakes.server import FakeServer, Reply
from tests.harness import make_request, running_worker, start_postcard
from tests.stack import RedisServer

MODEL = "gemini-3.5-flash-lite"
PARTIAL = {
    "theme": "A garden party for Mum",
    "visual_style": {"palette": ["pink", "gold"], "art_style": "soft watercolour"},
}


def replying(data: object) -> Reply:
    """The fake Gemini answering one call with this JSON."""
    return Reply(body=g.text_response(json.dumps(data), MODEL, 100))


@pytest.fixture
async def redis(redis_server: RedisServer) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_server.url)
    yield client
    await client.aclose()


@pytest.mark.parametrize(
    "garbage",
    [
        {"theme": ""},
        {"theme": "<b></b>", "visual_style": "garbage"},
        {"theme": "…!", "visual_style": {"palette": [], "art_style": "<i></i>"}},
    ],
    ids=["empty", "markup-and-a-string", "punctuation"],
)
async def test_a_reply_without_real_content_is_invalid_and_falls_back(
    servers: tuple[FakeServer, FakeServer], redis: Redis, garbage: dict
) -> None:
    gemini, _ = servers
    gemini.script(replying(garbage), replying(garbage))
    settings = provider_settings(gemini=gemini, text_provider_fallbacks="local")
    text = ProviderFactory(settings, redis=redis).text()
    concept, usage = await text.concept(make_request("a birthday card for my mum"))

    assert len(gemini.requests) == 2, "one repair round asked for the content"
    asked_again = g.prompt_text(gemini.requests[1].json)
    assert "no real content in theme" in asked_again
    assert usage.provider == "local" and usage.fallback_from == "gemini"
    assert usage.fallback_reason and "no real content in theme" in usage.fallback_reason
    assert concept.theme.strip() and await redis.keys("postcards:cache:*") == []


async def test_a_filled_in_reply_is_marked_and_never_cached(
    servers: tuple[FakeServer, FakeServer], redis: Redis
) -> None:
    gemini, _ = servers
    gemini.script(replying(PARTIAL), replying(PARTIAL))
    text = ProviderFactory(provider_settings(gemini=gemini), redis=redis).text()
    request = make_request("a birthday card for my mum")

    concept, usage = await text.concept(request)
    _, again = await text.concept(request)

    assert concept.theme == PARTIAL["theme"]
    assert concept.visual_style.art_style == "soft watercolour"
    assert usage.provider is None and usage.fallback_from is None, "the model's answer"
    assert usage.repaired is not None
    assert {"emotion", "visual_style.composition", "visual_style.palette"} <= set(usage.repaired)
    assert not {"theme", "visual_style.art_style", "language"} & set(usage.repaired)
    assert not again.cache_hit and again.repaired == usage.repaired
    assert len(gemini.requests) == 2 and await redis.keys("postcards:cache:*") == []


async def test_a_complete_reply_is_unmarked_and_cached(
    servers: tuple[FakeServer, FakeServer], redis: Redis
) -> None:
    gemini, _ = servers
    text = ProviderFactory(provider_settings(gemini=gemini), redis=redis).text()
    request = make_request("a birthday card for my mum")
    _, usage = await text.concept(request)
    _, again = await text.concept(request)
    assert usage.repaired is None and again.cache_hit and len(gemini.requests) == 1


async def test_the_status_shows_a_repaired_step(
    settings: Settings, client: Client, servers: tuple[FakeServer, FakeServer]
) -> None:
    gemini, _ = servers

    def answer(recorded):  # type: ignore[no-untyped-def]
        schema = recorded.json["generationConfig"]["responseJsonSchema"]
        return replying(PARTIAL) if schema.get("title") == "Concept" else None

    gemini.default = lambda recorded: answer(recorded) or g.default_responder(recorded)
    real = settings.model_copy(
        update={
            "gemini_api_key": SecretStr(GEMINI_KEY),
            "gemini_base_url": gemini.url,
            "gemini_timeout_s": 10,
            "text_provider": "gemini",
        }
    )
    async with running_worker(client, real) as (_, queue):
        request = make_request("a birthday card for my mum")
        result = await (await start_postcard(client, request, queue)).result()
    assert result.status is PostcardStatus.COMPLETED
    view = run_reads(real).get(request.task_id)
    assert view is not None
    steps = json.loads(status_body(view, real).model_dump_json())["steps"]
    assert steps["concept"]["provider"] == "gemini"
    assert "visual_style.composition" in steps["concept"]["repaired"]
    assert steps["content"]["provider"] == "gemini" and steps["content"]["repaired"] is None
