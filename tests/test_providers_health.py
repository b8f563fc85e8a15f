"""A rejected key reaches the API's /ready: `providers` degraded with the reason, still ready,
until the provider itself answers again."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import redis.asyncio as aioredis

from core.devserver import free_port
from core.provider_health import providers_readiness
from core.settings import Settings
from providers.factory import ProviderFactory
from providers.health import KEY_REJECTIONS, ProviderHealth
from tests.fakes import gemini as g
from tests.fakes.config import provider_settings
from tests.fakes.server import FakeServer
from tests.harness import make_request
from tests.stack import RedisServer, serve_api, stack_settings


async def test_ready_reports_providers_degraded_until_the_provider_answers_again(
    settings: Settings, tmp_path: Path
) -> None:
    server = RedisServer(tmp_path / "redis")
    server.start()
    try:
        stack = stack_settings(settings, server.url, free_port())
        redis = aioredis.Redis.from_url(server.url)
        health = ProviderHealth(redis, stack.stream_name)
        before = KEY_REJECTIONS.labels("anthropic")._value.get()
        async with serve_api(stack) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
            healthy = (await http.get("/ready")).json()["checks"]["providers"]
            await health.key_rejected(
                "anthropic", "frontend", "anthropic answered HTTP 401: invalid x-api-key"
            )
            degraded = await http.get("/ready")
            await health.answered("anthropic")
            recovered = (await http.get("/ready")).json()["checks"]["providers"]
        await redis.aclose()
    finally:
        server.stop()

    assert healthy == {"ok": True, "detail": "ok"}
    assert degraded.status_code == 200 and degraded.json()["ready"] is True
    assert degraded.json()["checks"]["providers"] == {
        "ok": False,
        "detail": "degraded: anthropic rejected ANTHROPIC_API_KEY (HTTP 401)",
    }
    assert recovered == {"ok": True, "detail": "ok"}
    assert KEY_REJECTIONS.labels("anthropic")._value.get() == before + 1


async def test_a_cache_hit_never_clears_a_rejected_key(
    servers: tuple[FakeServer, FakeServer], redis_server: RedisServer
) -> None:
    """Only a real answer of the provider proves its key works again; an answer from the step
    cache never asked it."""
    gemini, _ = servers
    stream = f"postcard_tasks:{uuid.uuid4().hex[:8]}"
    redis = aioredis.Redis.from_url(redis_server.url)
    text = ProviderFactory(provider_settings(gemini=gemini, stream_name=stream), redis=redis).text()
    cached = make_request("a calm thank-you card for my team")
    try:
        await text.concept(cached)  # a real answer, now in the cache
        gemini.script(g.error(401, "UNAUTHENTICATED", "API key not valid"))
        _, fell_back = await text.concept(make_request("get well soon, Dad"))
        degraded = await providers_readiness(redis, stream)
        _, hit = await text.concept(cached)
        after_hit = await providers_readiness(redis, stream)
        _, answered = await text.concept(make_request("welcome little Noah"))
        recovered = await providers_readiness(redis, stream)
    finally:
        await redis.aclose()

    assert fell_back.provider == "local" and hit.cache_hit and not answered.cache_hit
    assert degraded == (False, "degraded: gemini rejected GEMINI_API_KEY (HTTP 401)")
    assert after_hit == degraded, "a cache hit is not the provider answering"
    assert recovered == (True, "ok")
