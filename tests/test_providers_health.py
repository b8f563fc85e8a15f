"""A rejected key reaches the API's /ready: `providers` degraded with the reason, still ready."""

from __future__ import annotations

from pathlib import Path

import httpx
import redis.asyncio as aioredis

from core.devserver import free_port
from core.settings import Settings
from providers.health import KEY_REJECTIONS, ProviderHealth
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
